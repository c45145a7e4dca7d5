//! The limited roles users hold per company.

use async_trait::async_trait;
use nencho_identity::RoleAssignment;
use nencho_kernel::{CompanyId, TenantId, UserId};
use nencho_ports::{RoleAssignmentStore, StoreError};

use crate::store::PgStore;
use nencho_store_sql::columns::departments_column;
use nencho_store_sql::{rows, store_error};

#[async_trait]
impl RoleAssignmentStore for PgStore {
    async fn assign_role(
        &self,
        tenant_id: TenantId,
        assignment: &RoleAssignment,
    ) -> Result<(), StoreError> {
        let departments = departments_column(&assignment.departments)?;
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        sqlx::query(
            "INSERT INTO role_assignments (tenant_id, user_id, company_id, role, departments) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (tenant_id, user_id, company_id) \
             DO UPDATE SET role = excluded.role, departments = excluded.departments",
        )
        .bind(tenant_id.as_uuid())
        .bind(assignment.user_id.as_uuid())
        .bind(assignment.company_id.as_uuid())
        .bind(assignment.role.code())
        .bind(departments)
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)
    }

    async fn revoke_role(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        company_id: CompanyId,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        sqlx::query(
            "DELETE FROM role_assignments WHERE tenant_id = $1 AND user_id = $2 AND company_id = $3",
        )
        .bind(tenant_id.as_uuid())
        .bind(user_id.as_uuid())
        .bind(company_id.as_uuid())
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)
    }

    async fn roles_of(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<Vec<RoleAssignment>, StoreError> {
        let query = sqlx::query(
            "SELECT user_id, company_id, role, departments FROM role_assignments \
             WHERE tenant_id = $1 AND user_id = $2 ORDER BY company_id",
        )
        .bind(tenant_id.as_uuid())
        .bind(user_id.as_uuid());
        self.fetch_all_scoped(tenant_id, query)
            .await?
            .iter()
            .map(rows::role_assignment)
            .collect()
    }

    async fn role_holders(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Vec<RoleAssignment>, StoreError> {
        let query = sqlx::query(
            "SELECT user_id, company_id, role, departments FROM role_assignments \
             WHERE tenant_id = $1 AND company_id = $2 ORDER BY user_id",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid());
        self.fetch_all_scoped(tenant_id, query)
            .await?
            .iter()
            .map(rows::role_assignment)
            .collect()
    }
}
