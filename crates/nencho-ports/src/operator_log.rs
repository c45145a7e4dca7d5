use async_trait::async_trait;
use nencho_kernel::OffsetDateTime;

use crate::StoreError;

/// One operator command (LOG-4): who, when, what, on which contract — never customer data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorAction {
    pub at: OffsetDateTime,
    pub operator: String,
    pub command: String,
    /// The contract's slug, when the command targets one.
    pub tenant_slug: Option<String>,
    pub succeeded: bool,
}

#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait OperatorLogStore: Send + Sync {
    async fn record_operator_action(&self, action: &OperatorAction) -> Result<(), StoreError>;
    /// Newest first, since `since`.
    async fn list_operator_actions(
        &self,
        since: OffsetDateTime,
    ) -> Result<Vec<OperatorAction>, StoreError>;
}
