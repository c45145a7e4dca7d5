//! A fresh PostgreSQL database per test, cloned from a template that is migrated once per
//! schema version (as crates.io does), from `NENCHO_TEST_PG_URL`.

use std::future::Future;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection};
use uuid::Uuid;

/// Where tests find PostgreSQL unless `NENCHO_TEST_PG_URL` says otherwise.
pub const DEFAULT_TEST_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// An arbitrary constant identifying the template-building lock among advisory locks.
const TEMPLATE_LOCK: i64 = 0x6e656e63686f;

pub fn server_url() -> String {
    std::env::var("NENCHO_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_TEST_URL.to_owned())
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

/// A database that exists for one test and is dropped after it.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    /// Clones a fresh database from the template for `schema_fingerprint`, building the template
    /// first (with `migrate`, given its URL) if this schema has none yet.
    ///
    /// When the server is unreachable: panics if `CI=true`, otherwise prints a loud notice and
    /// returns `None` so the calling test can return early.
    pub async fn create<F, Fut>(
        test_name: &str,
        schema_fingerprint: &str,
        migrate: F,
    ) -> Option<Self>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = ()>,
    {
        let server = server_url();
        let mut admin = match PgConnection::connect(&server).await {
            Ok(connection) => connection,
            Err(error) if ci() => {
                panic!("PostgreSQL at {server} is unreachable and CI=true: {error}")
            }
            Err(error) => {
                eprintln!(
                    "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                     !!! SKIPPED PostgreSQL test {test_name}: {server} unreachable ({error})\n\
                     !!! Start PostgreSQL or set NENCHO_TEST_PG_URL; under CI=true this fails.\n\
                     !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                );
                return None;
            }
        };
        let fingerprint: String = schema_fingerprint
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(16)
            .collect();
        let template = format!("nencho_template_{fingerprint}");
        // Unique per test; the time part is irrelevant here, so reading the clock is harmless.
        #[allow(clippy::disallowed_methods)]
        let name = format!("nencho_test_{}", Uuid::now_v7().simple());

        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(TEMPLATE_LOCK)
            .execute(&mut admin)
            .await
            .unwrap();
        if !database_exists(&mut admin, &template).await {
            let building = format!("{template}_building");
            execute(
                &mut admin,
                format!(r#"DROP DATABASE IF EXISTS "{building}" WITH (FORCE)"#),
            )
            .await;
            execute(&mut admin, format!(r#"CREATE DATABASE "{building}""#)).await;
            migrate(database_url(&server, &building)).await;
            execute(
                &mut admin,
                format!(r#"ALTER DATABASE "{building}" RENAME TO "{template}""#),
            )
            .await;
        }
        execute(
            &mut admin,
            format!(r#"CREATE DATABASE "{name}" TEMPLATE "{template}""#),
        )
        .await;
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(TEMPLATE_LOCK)
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();

        let url = database_url(&server, &name);
        Some(Self { name, url })
    }

    /// Connection options of this database, as the server's configured (owner) role.
    pub fn connect_options(&self) -> PgConnectOptions {
        self.url.parse().unwrap()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let server = server_url();
        let name = self.name.clone();
        // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                let options: PgConnectOptions = server.parse().ok()?;
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .connect_with(options.disable_statement_logging())
                    .await
                    .ok()?;
                let statement = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
                sqlx::query(AssertSqlSafe(statement))
                    .execute(&pool)
                    .await
                    .ok()?;
                pool.close().await;
                Some(())
            })
        });
        let _ = cleanup.join();
    }
}

async fn database_exists(admin: &mut PgConnection, name: &str) -> bool {
    sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(admin)
        .await
        .unwrap()
        .is_some()
}

/// For statements that cannot take bound parameters (CREATE/DROP DATABASE); the names are
/// generated here from hex digits, never from input.
async fn execute(admin: &mut PgConnection, statement: String) {
    sqlx::query(AssertSqlSafe(statement))
        .execute(admin)
        .await
        .unwrap();
}

fn database_url(server: &str, database: &str) -> String {
    match server.rsplit_once('/') {
        Some((base, rest)) => {
            let query = rest
                .split_once('?')
                .map(|(_, query)| format!("?{query}"))
                .unwrap_or_default();
            format!("{base}/{database}{query}")
        }
        None => format!("{server}/{database}"),
    }
}
