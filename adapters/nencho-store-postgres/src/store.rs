use std::time::Duration;

use async_trait::async_trait;
use nencho_kernel::{CompanyId, Date, TenantId};
use nencho_operations::Cutoffs;
use nencho_ports::{
    AppliedMigration, CompanyStore, OutboxMessage, PurgeReport, StoreError, StoreHealth,
    StoreMaintenance, TableRows, TenantStore,
};
use nencho_tenancy::{Company, ContractStatus, Slug, Tenant};
use sqlx::postgres::{PgArguments, PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection, Executor, PgConnection, Postgres, Row, Transaction};

use nencho_store_sql::{rows, store_error};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The role every application query runs as (created by the first migration).
pub const APPLICATION_ROLE: &str = "nencho_app";

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct PgStoreOptions {
    /// Connection options of the configured URL. This role runs the migrations (it must own the
    /// schema); application queries switch to [`APPLICATION_ROLE`].
    pub connect: PgConnectOptions,
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl PgStoreOptions {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let connect: PgConnectOptions = url.parse().map_err(|error: sqlx::Error| {
            StoreError::Unavailable(format!("bad database URL: {error}"))
        })?;
        Ok(Self {
            connect,
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
        })
    }
}

/// The PostgreSQL implementation of every store port.
#[derive(Debug, Clone)]
pub struct PgStore {
    /// Connections as the configured (owner) role: migrations only.
    owner_options: PgConnectOptions,
    /// Connections switched to [`APPLICATION_ROLE`]: everything else.
    pub(crate) pool: PgPool,
}

impl PgStore {
    /// Applies pending migrations as the configured role, then opens the application pool whose
    /// connections run as [`APPLICATION_ROLE`]. Refuses to start if that role could bypass RLS.
    pub async fn connect(options: &PgStoreOptions) -> Result<Self, StoreError> {
        let owner_options = options.connect.clone().application_name("nencho-migrate");
        run_migrations(&owner_options).await?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .after_connect(|connection, _metadata| {
                Box::pin(async move {
                    connection.execute("SET ROLE nencho_app").await?;
                    Ok(())
                })
            })
            .connect_with(options.connect.clone().application_name("nencho"))
            .await
            .map_err(store_error)?;
        let store = Self {
            owner_options,
            pool,
        };
        store.verify_application_role().await?;
        store.count_unknown_originals().await?;
        store.index_unindexed_claims().await?;
        Ok(store)
    }

    /// RLS is only a guarantee if the role running queries is subject to it.
    async fn verify_application_role(&self) -> Result<(), StoreError> {
        let row = sqlx::query(
            "SELECT current_user::text AS role_name, rolsuper, rolbypassrls \
             FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(store_error)?;
        let role_name: String = row.try_get("role_name").map_err(store_error)?;
        let superuser: bool = row.try_get("rolsuper").map_err(store_error)?;
        let bypasses_rls: bool = row.try_get("rolbypassrls").map_err(store_error)?;
        if role_name != APPLICATION_ROLE || superuser || bypasses_rls {
            return Err(StoreError::Backend(format!(
                "application queries would run as {role_name} (superuser: {superuser}, \
                 bypass RLS: {bypasses_rls}); refusing to start"
            )));
        }
        Ok(())
    }

    /// Begins a transaction in which row-level security admits only `tenant_id`'s rows. The
    /// setting is transaction-local (`set_config(…, true)`), so a pooled connection never carries
    /// one tenant's setting into another request.
    pub(crate) async fn begin_for_tenant(
        &self,
        tenant_id: TenantId,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut transaction = self.pool.begin().await.map_err(store_error)?;
        sqlx::query("SELECT set_config('nencho.tenant_id', $1, true)")
            .bind(tenant_id.to_string())
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        Ok(transaction)
    }

    /// Runs one statement in its own tenant-scoped transaction.
    pub(crate) async fn execute_scoped(
        &self,
        tenant_id: TenantId,
        query: sqlx::query::Query<'_, Postgres, PgArguments>,
    ) -> Result<u64, StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        let done = query
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)?;
        Ok(done.rows_affected())
    }

    pub(crate) async fn fetch_optional_scoped(
        &self,
        tenant_id: TenantId,
        query: sqlx::query::Query<'_, Postgres, PgArguments>,
    ) -> Result<Option<PgRow>, StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        let row = query
            .fetch_optional(&mut *transaction)
            .await
            .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)?;
        Ok(row)
    }

    pub(crate) async fn fetch_all_scoped(
        &self,
        tenant_id: TenantId,
        query: sqlx::query::Query<'_, Postgres, PgArguments>,
    ) -> Result<Vec<PgRow>, StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        let found = query
            .fetch_all(&mut *transaction)
            .await
            .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)?;
        Ok(found)
    }

    pub(crate) async fn fetch_one_scoped<T>(
        &self,
        tenant_id: TenantId,
        query: sqlx::query::QueryScalar<'_, Postgres, T, PgArguments>,
    ) -> Result<T, StoreError>
    where
        T: Send + Unpin,
        (T,): for<'r> sqlx::FromRow<'r, PgRow>,
    {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        let value = query
            .fetch_one(&mut *transaction)
            .await
            .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)?;
        Ok(value)
    }

    /// Whether the one-time fix `name` of existing rows ran to the end (`nencho_data_fixes`).
    pub(crate) async fn data_fix_done(&self, name: &str) -> Result<bool, StoreError> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM nencho_data_fixes WHERE name = $1)")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)
    }

    /// Records that the one-time fix `name` ran to the end, so later connects skip it.
    pub(crate) async fn mark_data_fix_done(&self, name: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO nencho_data_fixes (name, done_at) VALUES ($1, now()) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    /// Identifies the schema the migrations produce, so tests can reuse a migrated template.
    pub fn schema_fingerprint() -> String {
        MIGRATOR
            .iter()
            .flat_map(|migration| migration.checksum.iter().take(4))
            .map(|byte| format!("{byte:02x}"))
            .collect::<String>()
            .chars()
            .rev()
            .take(16)
            .collect()
    }

    /// Closes every connection; afterwards the store answers nothing (used to test readiness).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The application pool, for adapter tests that prove what the role can and cannot see.
    #[doc(hidden)]
    pub fn application_pool(&self) -> &PgPool {
        &self.pool
    }
}

/// A direct connection as the configured (owner) role, for migrations.
async fn owner_connection(owner_options: &PgConnectOptions) -> Result<PgConnection, StoreError> {
    PgConnection::connect_with(owner_options)
        .await
        .map_err(store_error)
}

async fn run_migrations(owner_options: &PgConnectOptions) -> Result<(), StoreError> {
    // Probe first: it fails at once where the pool below would retry until its timeout.
    owner_connection(owner_options)
        .await?
        .close()
        .await
        .map_err(store_error)?;
    let owner_pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(owner_options.clone())
        .await
        .map_err(store_error)?;
    let outcome = MIGRATOR.run(&owner_pool).await;
    owner_pool.close().await;
    outcome.map_err(|error| StoreError::Backend(format!("migration failed: {error}")))
}

#[async_trait]
impl StoreHealth for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(())
    }
}

#[async_trait]
impl StoreMaintenance for PgStore {
    async fn apply_migrations(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        run_migrations(&self.owner_options).await?;
        let mut connection = owner_connection(&self.owner_options).await?;
        let found = sqlx::query(
            "SELECT version, description FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&mut connection)
        .await
        .map_err(store_error);
        let _ = connection.close().await;
        found?
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
        // Operator actions are platform data; everything else is purged tenant by tenant, each
        // under its own tenant setting (row-level security holds for the purge too).
        let operator_actions = sqlx::query("DELETE FROM operator_actions WHERE at < $1")
            .bind(cutoffs.operator_actions_before)
            .execute(&self.pool)
            .await
            .map_err(store_error)?
            .rows_affected();
        let mut report = PurgeReport {
            operator_actions,
            ..PurgeReport::default()
        };
        for tenant in self.list_tenants().await? {
            let mut transaction = self.begin_for_tenant(tenant.id).await?;
            report.sessions += sqlx::query(
                "DELETE FROM sessions WHERE tenant_id = $1 \
                 AND (last_seen_at < $2 OR created_at < $3)",
            )
            .bind(tenant.id.as_uuid())
            .bind(cutoffs.sessions_seen_before)
            .bind(cutoffs.sessions_created_before)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
            report.tokens +=
                sqlx::query("DELETE FROM one_time_tokens WHERE tenant_id = $1 AND expires_at < $2")
                    .bind(tenant.id.as_uuid())
                    .bind(cutoffs.tokens_expired_before)
                    .execute(&mut *transaction)
                    .await
                    .map_err(store_error)?
                    .rows_affected();
            report.mails += sqlx::query(
                "DELETE FROM outbox WHERE tenant_id = $1 \
                 AND ((sent_at IS NOT NULL AND sent_at < $2) \
                 OR (failed_at IS NOT NULL AND failed_at < $2))",
            )
            .bind(tenant.id.as_uuid())
            .bind(cutoffs.mail_settled_before)
            .execute(&mut *transaction)
            .await
            .map_err(store_error)?
            .rows_affected();
            report.access_records +=
                sqlx::query("DELETE FROM access_records WHERE tenant_id = $1 AND at < $2")
                    .bind(tenant.id.as_uuid())
                    .bind(cutoffs.access_records_before)
                    .execute(&mut *transaction)
                    .await
                    .map_err(store_error)?
                    .rows_affected();
            transaction.commit().await.map_err(store_error)?;
        }
        Ok(report)
    }
}

#[async_trait]
impl TenantStore for PgStore {
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
impl CompanyStore for PgStore {
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
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
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
        .execute(&mut *transaction)
        .await
        .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)
    }

    async fn find_company(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Option<Company>, StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        let row = sqlx::query(
            "SELECT tenant_id, id, name, registered_at, corporate_number, address, tax_office, \
             contact, login_id_scheme, auto_reminders, originals_before_approval, \
             check_before_approval FROM companies \
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .fetch_optional(&mut *transaction)
        .await
        .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)?;
        row.as_ref().map(rows::company).transpose()
    }

    async fn list_companies(&self, tenant_id: TenantId) -> Result<Vec<Company>, StoreError> {
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        let found = sqlx::query(
            "SELECT tenant_id, id, name, registered_at, corporate_number, address, tax_office, \
             contact, login_id_scheme, auto_reminders, originals_before_approval, \
             check_before_approval FROM companies \
             WHERE tenant_id = $1 ORDER BY name, id",
        )
        .bind(tenant_id.as_uuid())
        .fetch_all(&mut *transaction)
        .await
        .map_err(store_error)?;
        transaction.commit().await.map_err(store_error)?;
        found.iter().map(rows::company).collect()
    }
    async fn update_company(
        &self,
        tenant_id: TenantId,
        company: &Company,
    ) -> Result<(), StoreError> {
        let updated = self
            .execute_scoped(tenant_id, update_company_query(tenant_id, company))
            .await?;
        if updated == 0 {
            return Err(StoreError::Backend("no such company".into()));
        }
        Ok(())
    }
}

fn update_company_query(
    tenant_id: TenantId,
    company: &Company,
) -> sqlx::query::Query<'static, Postgres, PgArguments> {
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
