use async_trait::async_trait;
use nencho_kernel::{CompanyId, Date, TenantId};
use nencho_tenancy::{Company, ContractStatus, Slug, Tenant};

/// What can go wrong in a store, in words the application can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (e.g. a slug already taken); the text names the rule.
    #[error("already exists: {0}")]
    Conflict(String),
    /// The store cannot be reached or refused the connection; retrying later may help.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// Stored data could not be read back into the domain (a bug or a manual edit).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// Any other backend failure.
    #[error("store failure: {0}")]
    Backend(String),
}

/// Liveness of the store, for `/readyz` and the worker.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait StoreHealth: Send + Sync {
    /// Answers `Ok` only when a round trip to the store succeeded.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// One applied schema migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i64,
    pub description: String,
}

/// What one purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub operator_actions: u64,
    pub sessions: u64,
    pub tokens: u64,
    pub mails: u64,
    /// Access records of tenant sites (LOG-1).
    pub access_records: u64,
}

/// Schema upkeep for the operator CLI, and the retention purge for the worker.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait StoreMaintenance: Send + Sync {
    /// Applies pending migrations (safe while other processes use the store) and returns every
    /// migration the schema now has.
    async fn apply_migrations(&self) -> Result<Vec<AppliedMigration>, StoreError>;
    /// Deletes, in every tenant, what the cut-offs say has been kept long enough: operator
    /// actions, ended sessions, expired one-time tokens, settled mail, access records (LOG-1). Nothing else (the login
    /// history and the declarations are kept as long as the contract). Safe to repeat.
    async fn purge_expired(
        &self,
        cutoffs: &nencho_operations::Cutoffs,
    ) -> Result<PurgeReport, StoreError>;
}

/// How many rows of one tenant one table holds (a purge's report, or what is left after it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    pub table: String,
    pub rows: u64,
}

/// Contracts. Tenants are platform data: looking one up by its slug is how a request finds its
/// tenant, so these methods are the only ones without a tenant scope.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Fails with [`StoreError::Conflict`] when the slug is taken.
    async fn insert_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    async fn find_tenant_by_slug(&self, slug: &Slug) -> Result<Option<Tenant>, StoreError>;
    async fn find_tenant(&self, tenant_id: TenantId) -> Result<Option<Tenant>, StoreError>;
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError>;
    /// Moves the contract along its life (active → ending → ended). An unknown tenant is an
    /// error ([`StoreError::Backend`]).
    async fn set_tenant_status(
        &self,
        tenant_id: TenantId,
        status: ContractStatus,
    ) -> Result<(), StoreError>;
    /// Gives or withdraws notice of the contract's end (SVC-2): stores `tenant.status` and
    /// `tenant.ends_on` and queues `mails` (the notices to its users), in one transaction. An
    /// unknown tenant is an error ([`StoreError::Backend`]) and then nothing is written.
    async fn save_contract_end(
        &self,
        tenant: &Tenant,
        mails: &[crate::OutboxMessage],
    ) -> Result<(), StoreError>;
    /// The contracts in `status` whose last day (`ends_on`) is on or before `on_or_before`,
    /// by that day, then slug (the worker's due ends and purges).
    async fn list_contracts_ending_by(
        &self,
        status: ContractStatus,
        on_or_before: Date,
    ) -> Result<Vec<Tenant>, StoreError>;
    /// SVC-8: deletes every row of the tenant in every tenant-owned table and marks the contract
    /// `purged`, in one transaction; returns the rows deleted per table. Refuses (and deletes
    /// nothing) unless the contract has ended, and when the schema has a tenant-owned table (one
    /// with a `tenant_id` column) the purge does not know. Repeating it on a purged contract
    /// deletes nothing more. The tenant row stays as a tombstone: listed and found by id, no
    /// longer found by slug (no site), its slug still taken. `at` is recorded as the purge time.
    async fn purge_tenant(
        &self,
        tenant_id: TenantId,
        at: nencho_kernel::OffsetDateTime,
    ) -> Result<Vec<TableRows>, StoreError>;
    /// The tenant's rows in every table of the schema that has a `tenant_id` column (read from
    /// the schema's catalogue), by table name: the proof that a purge left nothing.
    async fn count_tenant_rows(&self, tenant_id: TenantId) -> Result<Vec<TableRows>, StoreError>;
}

/// The companies of one tenant.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait CompanyStore: Send + Sync {
    /// The company's own `tenant_id` must equal `tenant_id`; an adapter refuses a mismatch.
    async fn insert_company(
        &self,
        tenant_id: TenantId,
        company: &Company,
    ) -> Result<(), StoreError>;
    async fn find_company(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Option<Company>, StoreError>;
    /// Ordered by name, then id.
    async fn list_companies(&self, tenant_id: TenantId) -> Result<Vec<Company>, StoreError>;
    /// Replaces the company's name and settings.
    async fn update_company(
        &self,
        tenant_id: TenantId,
        company: &Company,
    ) -> Result<(), StoreError>;
}

/// Everything a store adapter provides, so that an app can hold one `Arc<dyn Store>` and hand
/// each use case just the port it needs.
pub trait Store:
    StoreHealth
    + StoreMaintenance
    + TenantStore
    + CompanyStore
    + crate::UserStore
    + crate::SessionStore
    + crate::TokenStore
    + crate::LoginHistoryStore
    + crate::OutboxStore
    + crate::OperatorLogStore
    + crate::EmployeeStore
    + crate::RoleAssignmentStore
    + crate::FilingStore
    + crate::IpAllowListStore
    + crate::AccessLogStore
    + crate::NoticeStore
    + crate::ReminderStore
    + crate::AttachmentStore
    + crate::SlipStore
    + crate::OriginalStore
    + crate::SecondFactorStore
    + crate::AuditLogStore
    + crate::ChangeRequestStore
    + crate::ClaimStore
    + crate::AvailabilityStore
    + crate::ReviewDigestStore
{
}

impl<T> Store for T where
    T: StoreHealth
        + StoreMaintenance
        + TenantStore
        + CompanyStore
        + crate::UserStore
        + crate::SessionStore
        + crate::TokenStore
        + crate::LoginHistoryStore
        + crate::OutboxStore
        + crate::OperatorLogStore
        + crate::EmployeeStore
        + crate::RoleAssignmentStore
        + crate::FilingStore
        + crate::IpAllowListStore
        + crate::AccessLogStore
        + crate::NoticeStore
        + crate::ReminderStore
        + crate::AttachmentStore
        + crate::SlipStore
        + crate::OriginalStore
        + crate::SecondFactorStore
        + crate::AuditLogStore
        + crate::ChangeRequestStore
        + crate::ClaimStore
        + crate::AvailabilityStore
        + crate::ReviewDigestStore
{
}
