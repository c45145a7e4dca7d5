use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use nencho_kernel::{CompanyId, Date, TenantId};
use nencho_operations::Cutoffs;
use nencho_ports::{
    AppliedMigration, CompanyStore, OutboxMessage, PurgeReport, StoreError, StoreHealth,
    StoreMaintenance, TableRows, TenantStore,
};
use nencho_tenancy::{Company, ContractStatus, Slug, Tenant};
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use nencho_store_sql::{rows, store_error};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How to open the database file.
#[derive(Debug, Clone)]
pub struct SqliteStoreOptions {
    pub path: PathBuf,
    pub max_connections: u32,
    /// How long a writer waits for another process's write lock (e.g. `nencho-ops` while the
    /// server runs) before giving up.
    pub busy_timeout: Duration,
}

impl SqliteStoreOptions {
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            max_connections: 8,
            busy_timeout: Duration::from_secs(10),
        }
    }
}

/// The SQLite implementation of every store port.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(options: &SqliteStoreOptions) -> Result<Self, StoreError> {
        let connect = SqliteConnectOptions::new()
            .filename(&options.path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout);
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections)
            .connect_with(connect)
            .await
            .map_err(store_error)?;
        let store = Self { pool };
        store.apply_migrations().await?;
        store.count_unknown_originals().await?;
        store.index_unindexed_claims().await?;
        Ok(store)
    }

    /// The file this store writes to.
    pub fn default_path(data_dir: &Path) -> PathBuf {
        data_dir.join("nencho.sqlite3")
    }

    /// Closes every connection; afterwards the store answers nothing (used to test readiness).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`), so two
    /// writers queue on the busy timeout instead of failing when a read lock must be upgraded.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(store_error)
    }

    /// The pool, for adapter tests that inspect pragmas and raw rows.
    #[doc(hidden)]
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait]
impl StoreHealth for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(())
    }
}

#[async_trait]
impl StoreMaintenance for SqliteStore {
    async fn apply_migrations(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        // A migration that runs its own transaction (`-- no-transaction`: 0026) and fails inside
        // it leaves its connection in that transaction with foreign keys off: the pool is closed
        // (which rolls it back) rather than left holding it. The store then does not open.
        if let Err(error) = MIGRATOR.run(&self.pool).await {
            self.pool.close().await;
            return Err(StoreError::Backend(error.to_string()));
        }
        let found = sqlx::query(
            "SELECT version, description FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        found
            .iter()
            .map(|row| {
                Ok(AppliedMigration {
                    version: row.try_get("version").map_err(store_error)?,
                    description: row.try_get("description").map_err(store_error)?,
                })
            })
            .collect()
    }

    async fn purge_expired(&self, cutoffs: &Cutoffs) -> Result<PurgeReport, StoreError> {
        let mut transaction = self.begin_write().await?;
        let operator_actions = sqlx::query("DELETE FROM operator_actions WHERE at < $1")
            .bind(cutoffs.operator_actions_before)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        let sessions =
            sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
                .bind(cutoffs.sessions_seen_before)
                .bind(cutoffs.sessions_created_before)
                .execute(&mut *transaction)
                .await
                .map_err(store_error)?
                .rows_affected();
        let tokens = sqlx::query("DELETE FROM one_time_tokens WHERE expires_at < $1")
            .bind(cutoffs.tokens_expired_before)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        let mails = sqlx::query(
            "DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < $1) \
             OR (failed_at IS NOT NULL AND failed_at < $1)",
        )
        .bind(cutoffs.mail_settled_before)
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?
        .rows_affected();
        let access_records = sqlx::query("DELETE FROM access_records WHERE at < $1")
            .bind(crate::access_log::utc(cutoffs.access_records_before)?)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
        transaction.commit().await.map_err(store_error)?;
        Ok(PurgeReport {
            operator_actions,
            sessions,
            tokens,
            mails,
            access_records,
        })
    }
}

#[async_trait]
impl TenantStore for SqliteStore {
    async fn insert_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO tenants (id, slug, name, status, contact_email, opened_at, ends_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant.id.as_uuid())
        .bind(tenant.slug.as_str())
        .bind(tenant.name.as_str())
        .bind(tenant.status.as_code())
        .bind(tenant.contact_email.as_str())
        .bind(tenant.opened_at)
        .bind(tenant.ends_on)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    async fn find_tenant_by_slug(&self, slug: &Slug) -> Result<Option<Tenant>, StoreError> {
        sqlx::query(
            "SELECT id, slug, name, status, contact_email, opened_at, ends_on, purged_at FROM tenants \
             WHERE slug = $1 AND purged_at IS NULL",
        )
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .as_ref()
        .map(rows::tenant)
        .transpose()
    }

    async fn find_tenant(&self, tenant_id: TenantId) -> Result<Option<Tenant>, StoreError> {
        sqlx::query(
            "SELECT id, slug, name, status, contact_email, opened_at, ends_on, purged_at FROM tenants \
             WHERE id = $1",
        )
        .bind(tenant_id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .as_ref()
        .map(rows::tenant)
        .transpose()
    }

    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        sqlx::query(
            "SELECT id, slug, name, status, contact_email, opened_at, ends_on, purged_at FROM tenants \
             ORDER BY slug",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(rows::tenant)
        .collect()
    }

    async fn set_tenant_status(
        &self,
        tenant_id: TenantId,
        status: ContractStatus,
    ) -> Result<(), StoreError> {
        let updated = sqlx::query("UPDATE tenants SET status = $2 WHERE id = $1")
            .bind(tenant_id.as_uuid())
            .bind(status.as_code())
            .execute(&self.pool)
            .await
            .map_err(store_error)?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::Backend(format!("no tenant {tenant_id}")));
        }
        Ok(())
    }

    async fn save_contract_end(
        &self,
        tenant: &Tenant,
        mails: &[OutboxMessage],
    ) -> Result<(), StoreError> {
        crate::contract_end::save_contract_end(self, tenant, mails).await
    }

    async fn list_contracts_ending_by(
        &self,
        status: ContractStatus,
        on_or_before: Date,
    ) -> Result<Vec<Tenant>, StoreError> {
        crate::contract_end::list_contracts_ending_by(self, status, on_or_before).await
    }

    async fn purge_tenant(
        &self,
        tenant_id: TenantId,
        at: nencho_kernel::OffsetDateTime,
    ) -> Result<Vec<TableRows>, StoreError> {
        crate::contract_end::purge_tenant(self, tenant_id, at).await
    }

    async fn count_tenant_rows(&self, tenant_id: TenantId) -> Result<Vec<TableRows>, StoreError> {
        crate::contract_end::count_tenant_rows(self, tenant_id).await
    }
}

#[async_trait]
impl CompanyStore for SqliteStore {
    async fn insert_company(
        &self,
        tenant_id: TenantId,
        company: &Company,
    ) -> Result<(), StoreError> {
        if company.tenant_id != tenant_id {
            return Err(StoreError::Backend(
                "company belongs to another tenant".into(),
            ));
        }
        sqlx::query(
            "INSERT INTO companies (tenant_id, id, name, registered_at, corporate_number, address, \
             tax_office, contact, login_id_scheme, auto_reminders, originals_before_approval, \
             check_before_approval) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(tenant_id.as_uuid())
        .bind(company.id.as_uuid())
        .bind(company.name.as_str())
        .bind(company.registered_at)
        .bind(
            company
                .profile
                .corporate_number
                .map(|number| number.to_string()),
        )
        .bind(&company.profile.address)
        .bind(&company.profile.tax_office)
        .bind(&company.profile.contact)
        .bind(company.profile.login_id_scheme.code())
        .bind(company.profile.auto_reminders)
        .bind(company.profile.originals_before_approval)
        .bind(company.profile.check_before_approval)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    async fn find_company(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Option<Company>, StoreError> {
        sqlx::query(
            "SELECT tenant_id, id, name, registered_at, corporate_number, address, tax_office, \
             contact, login_id_scheme, auto_reminders, originals_before_approval, \
             check_before_approval FROM companies \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .as_ref()
        .map(rows::company)
        .transpose()
    }

    async fn list_companies(&self, tenant_id: TenantId) -> Result<Vec<Company>, StoreError> {
        sqlx::query(
            "SELECT tenant_id, id, name, registered_at, corporate_number, address, tax_office, \
             contact, login_id_scheme, auto_reminders, originals_before_approval, \
             check_before_approval FROM companies \
             WHERE tenant_id = $1 ORDER BY name, id",
        )
        .bind(tenant_id.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?
        .iter()
        .map(rows::company)
        .collect()
    }
    async fn update_company(
        &self,
        tenant_id: TenantId,
        company: &Company,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_write().await?;
        let updated = update_company_query(tenant_id, company)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Backend("no such company".into()));
        }
        transaction.commit().await.map_err(store_error)
    }
}

fn update_company_query(
    tenant_id: TenantId,
    company: &Company,
) -> sqlx::query::Query<'static, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    sqlx::query(
        "UPDATE companies SET name = $3, corporate_number = $4, address = $5, tax_office = $6, \
         contact = $7, login_id_scheme = $8, auto_reminders = $9, \
         originals_before_approval = $10, check_before_approval = $11 \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant_id.as_uuid())
    .bind(company.id.as_uuid())
    .bind(company.name.as_str().to_owned())
    .bind(
        company
            .profile
            .corporate_number
            .map(|number| number.to_string()),
    )
    .bind(company.profile.address.clone())
    .bind(company.profile.tax_office.clone())
    .bind(company.profile.contact.clone())
    .bind(company.profile.login_id_scheme.code())
    .bind(company.profile.auto_reminders)
    .bind(company.profile.originals_before_approval)
    .bind(company.profile.check_before_approval)
}
