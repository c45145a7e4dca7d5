//! Opens the store the settings name, migrated and ready.

use std::sync::Arc;

use nencho_ports::{Store, StoreError};
use nencho_store_postgres::{PgStore, PgStoreOptions};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use secrecy::ExposeSecret;

use crate::DatabaseSettings;

/// Connects to the configured store and applies pending migrations. For SQLite the data
/// directory (or the file's directory) is created if missing.
pub async fn open(database: &DatabaseSettings) -> Result<Arc<dyn Store>, StoreError> {
    match database {
        DatabaseSettings::Sqlite { path } => {
            if let Some(directory) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
                std::fs::create_dir_all(directory).map_err(|error| {
                    StoreError::Unavailable(format!(
                        "cannot create {}: {error}",
                        directory.display()
                    ))
                })?;
            }
            let store = SqliteStore::open(&SqliteStoreOptions::at(path)).await?;
            Ok(Arc::new(store))
        }
        DatabaseSettings::Postgres { url } => {
            let store = PgStore::connect(&PgStoreOptions::from_url(url.expose_secret())?).await?;
            Ok(Arc::new(store))
        }
    }
}
