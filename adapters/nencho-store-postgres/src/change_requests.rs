//! 登録内容の変更届.

use async_trait::async_trait;
use nencho_kernel::{ChangeRequestId, CompanyId, EmployeeId, TenantId};
use nencho_ports::{ChangeDecision, ChangeRequestStore, StoreError};
use nencho_store_sql::change_requests::{
    AFTER, DECIDE, DELETE_PENDING, FIND, INSERT, OF_EMPLOYEE, PENDING, change_request,
};
use nencho_store_sql::store_error;
use nencho_tenancy::{ChangeRequest, Employee, PostalCode};

use crate::employees::update_in;
use crate::store::PgStore;

#[async_trait]
impl ChangeRequestStore for PgStore {
    async fn insert_change_request(&self, request: &ChangeRequest) -> Result<(), StoreError> {
        let tenant_id = request.tenant_id;
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        sqlx::query(DELETE_PENDING)
            .bind(tenant_id.as_uuid())
            .bind(request.employee_id.as_uuid())
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        let change = &request.change;
        sqlx::query(INSERT)
            .bind(tenant_id.as_uuid())
            .bind(request.id.as_uuid())
            .bind(request.company_id.as_uuid())
            .bind(request.employee_id.as_uuid())
            .bind(request.requested_at)
            .bind(request.requested_by.as_uuid())
            .bind(&change.name.family)
            .bind(&change.name.given)
            .bind(&change.name.family_kana)
            .bind(&change.name.given_kana)
            .bind(change.postal_code.as_ref().map(PostalCode::digits))
            .bind(&change.address)
            .bind(&change.note)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)
    }

    async fn find_change_request(
        &self,
        tenant_id: TenantId,
        id: ChangeRequestId,
    ) -> Result<Option<ChangeRequest>, StoreError> {
        let query = sqlx::query(FIND)
            .bind(tenant_id.as_uuid())
            .bind(id.as_uuid());
        self.fetch_optional_scoped(tenant_id, query)
            .await?
            .as_ref()
            .map(change_request)
            .transpose()
    }

    async fn change_requests_of(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
        limit: u32,
    ) -> Result<Vec<ChangeRequest>, StoreError> {
        let query = sqlx::query(OF_EMPLOYEE)
            .bind(tenant_id.as_uuid())
            .bind(employee_id.as_uuid())
            .bind(i64::from(limit));
        self.fetch_all_scoped(tenant_id, query)
            .await?
            .iter()
            .map(change_request)
            .collect()
    }

    async fn change_requests_after(
        &self,
        tenant_id: TenantId,
        after: Option<ChangeRequestId>,
        limit: u32,
    ) -> Result<Vec<ChangeRequest>, StoreError> {
        let query = sqlx::query(AFTER)
            .bind(tenant_id.as_uuid())
            .bind(after.map(|id| id.as_uuid()))
            .bind(i64::from(limit));
        self.fetch_all_scoped(tenant_id, query)
            .await?
            .iter()
            .map(change_request)
            .collect()
    }

    async fn pending_change_requests(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Vec<ChangeRequest>, StoreError> {
        let query = sqlx::query(PENDING)
            .bind(tenant_id.as_uuid())
            .bind(company_id.as_uuid());
        self.fetch_all_scoped(tenant_id, query)
            .await?
            .iter()
            .map(change_request)
            .collect()
    }

    async fn decide_change_request<'a>(
        &self,
        tenant_id: TenantId,
        id: ChangeRequestId,
        decision: &ChangeDecision,
        updated: Option<&'a Employee>,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        let decided = sqlx::query(DECIDE)
            .bind(tenant_id.as_uuid())
            .bind(id.as_uuid())
            .bind(decision.status.code())
            .bind(decision.at)
            .bind(decision.by.as_uuid())
            .bind(&decision.by_name)
            .bind(&decision.comment)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        if decided.rows_affected() == 0 {
            return Err(StoreError::Conflict(
                "the request is no longer pending".into(),
            ));
        }
        if let Some(employee) = updated {
            if employee.tenant_id != tenant_id {
                return Err(StoreError::Backend("an employee of another tenant".into()));
            }
            update_in(&mut transaction, employee).await?;
        }
        transaction.commit().await.map_err(store_error)
    }
}
