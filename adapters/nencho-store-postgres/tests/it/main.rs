//! The PostgreSQL store against the shared contract, plus row-level security, which only
//! PostgreSQL has. Each test gets a fresh database cloned from a migrated template.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use std::sync::Arc;

use nencho_store_contract::postgres::TestDatabase;
use nencho_store_contract::{StoreFixture, store_contract_tests};
use nencho_store_postgres::{PgStore, PgStoreOptions};

/// A migrated, empty database of its own and a store connected to it.
pub async fn fresh_database(test_name: &str) -> Option<(TestDatabase, PgStore)> {
    let database = TestDatabase::create(
        test_name,
        &PgStore::schema_fingerprint(),
        |url| async move {
            let store = PgStore::connect(&PgStoreOptions::from_url(&url).unwrap())
                .await
                .unwrap();
            store.close().await;
        },
    )
    .await?;
    let store = PgStore::connect(&PgStoreOptions::from_url(&database.url).unwrap())
        .await
        .unwrap();
    Some((database, store))
}

async fn open_fresh_store() -> Option<StoreFixture> {
    let (database, store) = fresh_database("contract").await?;
    Some(StoreFixture {
        store: Arc::new(store),
        keep_alive: Box::new(database),
    })
}

store_contract_tests!(open_fresh_store);

mod row_level_security;

mod attachments;

mod bulk_apply;

mod slips;

mod originals;
