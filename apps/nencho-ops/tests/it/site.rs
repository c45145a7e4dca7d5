//! A place for `nencho-ops` to work on: a working directory and a store, either SQLite under
//! `state/` in it or an empty PostgreSQL database (the CLI migrates it itself), and a way for the
//! test to open that same store and look inside.

use std::process::Output;
use std::sync::Arc;

use nencho_bootstrap::{Settings, SettingsArgs};
use nencho_kernel::OffsetDateTime;
use nencho_ports::{OperatorAction, Store};
use nencho_store_contract::postgres::TestDatabase;
use nencho_tenancy::{Slug, Tenant};
use nencho_testkit::command;

pub const BINARY: &str = env!("CARGO_BIN_EXE_nencho-ops");

pub struct Site {
    pub working_dir: tempfile::TempDir,
    /// Dropped (and the database with it) after the test.
    database: Option<TestDatabase>,
}

impl Site {
    pub fn sqlite() -> Self {
        Self {
            working_dir: tempfile::tempdir().unwrap(),
            database: None,
        }
    }

    /// `None` (with a loud notice) when PostgreSQL is unreachable outside CI.
    pub async fn postgres(test_name: &str) -> Option<Self> {
        let database = TestDatabase::create(test_name, "empty", |_url| async {}).await?;
        Some(Self {
            working_dir: tempfile::tempdir().unwrap(),
            database: Some(database),
        })
    }

    /// The flags that point `nencho-ops` at this site's store.
    fn store_flags(&self) -> Vec<String> {
        match &self.database {
            None => vec!["--data-dir".into(), "state".into()],
            Some(database) => vec!["--database-url".into(), database.url.clone()],
        }
    }

    /// A `nencho-ops` command on this site's store, run in the working directory with a clean
    /// environment: `args` follow the store flags.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = command(BINARY, self.working_dir.path());
        command.args(self.store_flags()).args(args);
        command
    }

    /// Runs `nencho-ops` with `args` to its end.
    pub async fn ops(&self, args: &[&str]) -> Output {
        run(self.command(args)).await
    }

    /// The store `nencho-ops` works on, opened by the test.
    pub async fn store(&self) -> Arc<dyn Store> {
        let args = match &self.database {
            None => SettingsArgs {
                data_dir: Some(self.working_dir.path().join("state")),
                ..Default::default()
            },
            Some(database) => SettingsArgs {
                database_url: Some(database.url.clone()),
                ..Default::default()
            },
        };
        let settings = Settings::load(&args).unwrap();
        nencho_bootstrap::store::open(&settings.database)
            .await
            .unwrap()
    }
}

pub async fn run(mut command: tokio::process::Command) -> Output {
    tokio::time::timeout(
        nencho_testkit::PATIENCE,
        command.kill_on_drop(true).output(),
    )
    .await
    .expect("nencho-ops ends in time")
    .unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Fails with both streams shown unless the command succeeded.
pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
}

pub async fn tenant(store: &dyn Store, slug: &str) -> Option<Tenant> {
    store
        .find_tenant_by_slug(&Slug::parse(slug).unwrap())
        .await
        .unwrap()
}

/// Every recorded operator action, newest first.
pub async fn operator_actions(store: &dyn Store) -> Vec<OperatorAction> {
    store
        .list_operator_actions(OffsetDateTime::UNIX_EPOCH)
        .await
        .unwrap()
}
