//! The SQLite store against the shared contract, plus what only SQLite has (pragmas, the file).

use std::sync::Arc;

use nencho_store_contract::{store_contract_tests, StoreFixture};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};

async fn open_fresh_store() -> Option<StoreFixture> {
    let directory = tempfile::tempdir().unwrap();
    let options = SqliteStoreOptions::at(SqliteStore::default_path(directory.path()));
    let store = SqliteStore::open(&options).await.unwrap();
    Some(StoreFixture { store: Arc::new(store), keep_alive: Box::new(directory) })
}

store_contract_tests!(open_fresh_store);

mod sqlite_specifics;
