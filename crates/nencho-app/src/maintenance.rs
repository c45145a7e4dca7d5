//! Operator maintenance of the platform itself (never of a tenant's data).

use std::sync::Arc;

use nencho_identity::SessionPolicy;
use nencho_kernel::Clock;
use nencho_operations::RetentionPolicy;
use nencho_ports::{AppliedMigration, PurgeReport, StoreError, StoreMaintenance};

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

/// The worker's retention purge (LOG-4 and upkeep): operator actions past 90 days, ended
/// sessions, expired one-time tokens and settled mail, in every tenant.
pub struct PurgeExpired {
    pub store: Arc<dyn StoreMaintenance>,
    pub clock: Arc<dyn Clock>,
    pub retention: RetentionPolicy,
    pub sessions: SessionPolicy,
}

impl PurgeExpired {
    pub async fn execute(&self) -> Result<PurgeReport, StoreError> {
        let cutoffs = self.retention.cutoffs(
            self.clock.now(),
            self.sessions.idle_timeout,
            self.sessions.absolute_lifetime,
        );
        self.store.purge_expired(&cutoffs).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::FixedClock;
    use time::macros::datetime;

    #[tokio::test]
    async fn the_purge_asks_the_store_for_the_policy_s_cut_offs_at_the_clock_s_time() {
        let mut store = MockStoreMaintenance::new();
        store
            .expect_purge_expired()
            .withf(|cutoffs| {
                cutoffs.operator_actions_before == datetime!(2026-08-28 02:00 UTC)
                    && cutoffs.sessions_seen_before == datetime!(2026-11-26 01:30 UTC)
                    && cutoffs.sessions_created_before == datetime!(2026-11-25 14:00 UTC)
            })
            .times(1)
            .returning(|_| {
                Ok(PurgeReport {
                    operator_actions: 3,
                    ..PurgeReport::default()
                })
            });
        let purge = PurgeExpired {
            store: Arc::new(store),
            clock: Arc::new(FixedClock::at(datetime!(2026-11-26 02:00 UTC))),
            retention: RetentionPolicy::STANDARD,
            sessions: SessionPolicy::default(),
        };
        assert_eq!(purge.execute().await.unwrap().operator_actions, 3);
    }
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
