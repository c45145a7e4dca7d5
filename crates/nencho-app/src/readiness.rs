//! Readiness (MON-1, SVC-4): whether this process can serve requests right now.

use std::sync::Arc;

use nencho_ports::{StoreError, StoreHealth};

/// Answers whether every dependency a request needs is answering.
pub struct CheckReadiness {
    store: Arc<dyn StoreHealth>,
}

#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    #[error("the store does not answer: {0}")]
    Store(#[source] StoreError),
}

impl CheckReadiness {
    pub fn new(store: Arc<dyn StoreHealth>) -> Self {
        Self { store }
    }

    pub async fn execute(&self) -> Result<(), NotReady> {
        self.store.ping().await.map_err(NotReady::Store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_ports::MockStoreHealth;

    #[tokio::test]
    async fn ready_only_when_the_store_answers() {
        let mut answering = MockStoreHealth::new();
        answering.expect_ping().times(1).returning(|| Ok(()));
        assert!(
            CheckReadiness::new(Arc::new(answering))
                .execute()
                .await
                .is_ok()
        );

        let mut silent = MockStoreHealth::new();
        silent
            .expect_ping()
            .times(1)
            .returning(|| Err(StoreError::Unavailable("connection refused".into())));
        let outcome = CheckReadiness::new(Arc::new(silent)).execute().await;
        assert!(matches!(
            outcome,
            Err(NotReady::Store(StoreError::Unavailable(_)))
        ));
    }
}
