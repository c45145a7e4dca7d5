//! The SQLite store against the shared contract, plus what only SQLite has (pragmas, the file).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use std::sync::Arc;

use nencho_store_contract::{StoreFixture, store_contract_tests};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};

async fn open_fresh_store() -> Option<StoreFixture> {
    let directory = tempfile::tempdir().unwrap();
    let options = SqliteStoreOptions::at(SqliteStore::default_path(directory.path()));
    let store = SqliteStore::open(&options).await.unwrap();
    Some(StoreFixture {
        store: Arc::new(store),
        keep_alive: Box::new(directory),
    })
}

store_contract_tests!(open_fresh_store);

mod sqlite_specifics;

mod rebuild_of_filings;

mod bulk_apply;
