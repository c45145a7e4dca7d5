//! Operator maintenance of the platform itself (never of a tenant's data).

use std::sync::Arc;

use nencho_ports::{AppliedMigration, StoreError, StoreMaintenance};

/// `nencho-ops migrate`: bring the schema up to date. Safe while servers run: the adapters
/// take the migration lock and every migration is additive.
pub struct ApplyMigrations {
    store: Arc<dyn StoreMaintenance>,
}

impl ApplyMigrations {
    pub fn new(store: Arc<dyn StoreMaintenance>) -> Self {
        Self { store }
    }

    pub async fn execute(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        self.store.apply_migrations().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_ports::MockStoreMaintenance;

    #[tokio::test]
    async fn reports_the_schema_the_store_now_has() {
        let mut store = MockStoreMaintenance::new();
        store.expect_apply_migrations().times(1).returning(|| {
            Ok(vec![AppliedMigration {
                version: 1,
                description: "foundation".into(),
            }])
        });
        let applied = ApplyMigrations::new(Arc::new(store))
            .execute()
            .await
            .unwrap();
        assert_eq!(
            applied,
            vec![AppliedMigration {
                version: 1,
                description: "foundation".into()
            }]
        );
    }
}
