use async_trait::async_trait;
use nencho_kernel::{CompanyId, TenantId};
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
}

/// Schema upkeep for the operator CLI, and the retention purge for the worker.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait StoreMaintenance: Send + Sync {
    /// Applies pending migrations (safe while other processes use the store) and returns every
    /// migration the schema now has.
    async fn apply_migrations(&self) -> Result<Vec<AppliedMigration>, StoreError>;
    /// Deletes, in every tenant, what the cut-offs say has been kept long enough: operator
    /// actions, ended sessions, expired one-time tokens, settled mail. Nothing else (the login
    /// history and the declarations are kept as long as the contract). Safe to repeat.
    async fn purge_expired(
        &self,
        cutoffs: &nencho_operations::Cutoffs,
    ) -> Result<PurgeReport, StoreError>;
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
{
}
