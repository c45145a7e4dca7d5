//! Migration 0026 rebuilds `filings` (SQLite cannot widen its status CHECK for 対象外): a
//! database of 0025 holding declarations and everything that refers to them comes through whole,
//! its indexes and foreign keys as they were.

use std::path::Path;

use nencho_store_contract::cases;
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row, SqliteConnection, SqlitePool};

/// The store's migrations, to build a database as 0025 left it.
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The last version before the rebuild.
const BEFORE_THE_REBUILD: i64 = 25;

/// What a database of 0025 holds before it is opened by this version: one contract case's rows.
#[derive(Debug, Clone, Copy)]
enum Stored {
    /// Declarations with their claims and `shares_claims` flags.
    SharedChild,
    /// A declaration with its events, changed values and mail.
    History,
    /// Attachments.
    Attachments,
    /// Receipts of originals, with `originals_pending` counted.
    Receipts,
}

impl Stored {
    async fn store(self, store: &SqliteStore) {
        match self {
            Stored::SharedChild => cases::store_a_shared_child(store).await,
            Stored::History => {
                cases::a_filing_round_trips_with_its_whole_declaration_history_and_mail(store)
                    .await;
            }
            Stored::Attachments => {
                cases::attachments_round_trip_with_their_content_oldest_first(store).await;
            }
            Stored::Receipts => {
                cases::every_certificate_received_leaves_nothing_awaited(store).await
            }
        }
    }

    /// The tables referring to filings that the case fills.
    fn referring(self) -> &'static [&'static str] {
        match self {
            Stored::SharedChild => &["filing_claims"],
            Stored::History => &["filing_events", "filing_changes"],
            Stored::Attachments => &["filing_attachments"],
            Stored::Receipts => &["filing_originals"],
        }
    }

    /// What the case reads back, where the contract has a reading of its rows by themselves.
    async fn check(self, store: &SqliteStore) {
        match self {
            Stored::SharedChild => cases::the_shared_child_is_found_again(store).await,
            Stored::Receipts => {
                cases::the_counts_of_every_certificate_received_are_back(store).await
            }
            Stored::History | Stored::Attachments => {}
        }
    }
}

async fn connect(path: &Path) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .foreign_keys(true)
        .connect()
        .await
        .unwrap()
}

/// The tables of the attached database `schema` (all but SQLite's and sqlx's own).
async fn tables(connection: &mut SqliteConnection, schema: &str) -> Vec<String> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT name FROM {schema}.sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"
    )))
    .fetch_all(connection)
    .await
    .unwrap()
}

/// The columns of `table` in the old (`main`) schema, in order.
async fn columns(connection: &mut SqliteConnection, table: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM pragma_table_info($1, 'main') ORDER BY cid")
        .bind(table)
        .fetch_all(connection)
        .await
        .unwrap()
}

/// `(name, sql)` of every index on filings.
async fn indexes_of_filings(connection: &mut SqliteConnection) -> Vec<(String, Option<String>)> {
    sqlx::query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'filings' \
         ORDER BY name",
    )
    .fetch_all(connection)
    .await
    .unwrap()
    .iter()
    .map(|row| (row.get(0), row.get(1)))
    .collect()
}

async fn filings_table(connection: &mut SqliteConnection) -> String {
    sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'filings'")
        .fetch_one(connection)
        .await
        .unwrap()
}

/// A database migrated to 0025 at `path`.
async fn at_0025(path: &Path) -> SqliteConnection {
    let mut connection = connect(path).await;
    MIGRATIONS
        .run_to(BEFORE_THE_REBUILD, &mut connection)
        .await
        .unwrap();
    assert!(
        !filings_table(&mut connection).await.contains("'excluded'"),
        "0025's check"
    );
    connection
}

#[tokio::test]
async fn declarations_and_what_refers_to_them_survive_the_rebuild_of_filings() {
    for stored in [
        Stored::SharedChild,
        Stored::History,
        Stored::Attachments,
        Stored::Receipts,
    ] {
        let directory = tempfile::tempdir().unwrap();
        // The rows, written by a current store; then copied as they are into a database of
        // 0025 (every table has the same columns in the same order in both).
        let source = directory.path().join("source.sqlite3");
        let writer = SqliteStore::open(&SqliteStoreOptions::at(&source))
            .await
            .unwrap();
        stored.store(&writer).await;
        writer.close().await;
        let target = directory.path().join("target.sqlite3");
        let mut old = at_0025(&target).await;
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut old)
            .await
            .unwrap();
        sqlx::query("ATTACH DATABASE $1 AS source")
            .bind(source.to_str().unwrap())
            .execute(&mut old)
            .await
            .unwrap();
        // Every table of the schema at 0025 is copied, in the columns it had then (later
        // migrations add tables, and columns that are empty for rows written before them).
        let names = tables(&mut old, "main").await;
        let current = tables(&mut old, "source").await;
        assert!(
            names.iter().all(|name| current.contains(name)),
            "{names:?} ⊄ {current:?}"
        );
        for table in &names {
            let columns = columns(&mut old, table).await.join(", ");
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO main.{table} ({columns}) SELECT {columns} FROM source.{table}"
            )))
            .execute(&mut old)
            .await
            .unwrap();
        }
        let filings: i64 = sqlx::query_scalar("SELECT count(*) FROM filings")
            .fetch_one(&mut old)
            .await
            .unwrap();
        assert!(filings > 0, "{stored:?} stores declarations");
        for table in stored.referring() {
            let rows: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                    .fetch_one(&mut old)
                    .await
                    .unwrap();
            assert!(rows > 0, "{stored:?} fills {table}");
        }
        let indexes = indexes_of_filings(&mut old).await;
        assert_eq!(indexes.len(), 7, "5 made by migrations, 2 for the keys");
        sqlx::query("DETACH DATABASE source")
            .execute(&mut old)
            .await
            .unwrap();
        old.close().await.unwrap();

        // One connection: the one that ran the rebuild is the one checked.
        let mut options = SqliteStoreOptions::at(&target);
        options.max_connections = 1;
        let store = SqliteStore::open(&options).await.unwrap();
        let pool: &SqlitePool = store.pool();
        let mut connection = pool.acquire().await.unwrap();
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *connection)
            .await
            .unwrap();
        assert_eq!(foreign_keys, 1, "on again after the rebuild");
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *connection)
            .await
            .unwrap();
        assert!(
            broken.is_empty(),
            "{stored:?}: {} broken references",
            broken.len()
        );
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut *connection)
            .await
            .unwrap();
        assert_eq!(integrity, "ok");
        assert!(filings_table(&mut connection).await.contains("'excluded'"));
        // Every index of 0025 as it was; later migrations add their own (0029:
        // filings_submitted, 0034: filings_with_own_deadline, 0035: filings_checked).
        let later = [
            "filings_submitted",
            "filings_with_own_deadline",
            "filings_checked",
        ];
        let after: Vec<_> = indexes_of_filings(&mut connection)
            .await
            .into_iter()
            .filter(|(name, _)| !later.contains(&name.as_str()))
            .collect();
        assert_eq!(after, indexes);
        let leftovers: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'filings_new%' \
             OR name LIKE 'filings_rebuild%'",
        )
        .fetch_one(&mut *connection)
        .await
        .unwrap();
        assert_eq!(leftovers, 0);
        let applied: bool =
            sqlx::query_scalar("SELECT success FROM _sqlx_migrations WHERE version = 26")
                .fetch_one(&mut *connection)
                .await
                .unwrap();
        assert!(applied);
        // Every row of every table as the current store wrote it.
        sqlx::query("ATTACH DATABASE $1 AS source")
            .bind(source.to_str().unwrap())
            .execute(&mut *connection)
            .await
            .unwrap();
        for table in &names {
            let differing: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT (SELECT count(*) FROM main.{table}) - (SELECT count(*) FROM source.{table}) \
                 + (SELECT count(*) FROM (SELECT * FROM main.{table} \
                    EXCEPT SELECT * FROM source.{table})) \
                 + (SELECT count(*) FROM (SELECT * FROM source.{table} \
                    EXCEPT SELECT * FROM main.{table}))"
            )))
            .fetch_one(&mut *connection)
            .await
            .unwrap();
            assert_eq!(differing, 0, "{stored:?}: {table}");
        }
        sqlx::query("DETACH DATABASE source")
            .execute(&mut *connection)
            .await
            .unwrap();
        // The wider check, and still a check.
        let row = sqlx::query("SELECT id, status FROM filings ORDER BY id LIMIT 1")
            .fetch_one(&mut *connection)
            .await
            .unwrap();
        let (id, status): (Vec<u8>, String) = (row.get(0), row.get(1));
        for (to, allowed) in [
            ("excluded", true),
            ("ignored", false),
            (status.as_str(), true),
        ] {
            let updated = sqlx::query("UPDATE filings SET status = $1 WHERE id = $2")
                .bind(to)
                .bind(&id)
                .execute(&mut *connection)
                .await;
            assert_eq!(updated.is_ok(), allowed, "{to}: {updated:?}");
        }
        // A reference to no declaration is refused on this connection as on any.
        let dangling = sqlx::query(
            "INSERT INTO filing_events (tenant_id, filing_id, at, actor_id, actor_name, \
             from_status, to_status, action, proxy) \
             VALUES (x'00', x'00', '2026-11-20', x'00', 'x', 'draft', 'draft', '保存', 0)",
        )
        .execute(&mut *connection)
        .await;
        assert!(dangling.is_err(), "foreign keys enforced");
        drop(connection);
        stored.check(&store).await;
        store.close().await;
    }
}

#[tokio::test]
async fn a_broken_reference_stops_the_rebuild_and_leaves_filings_as_they_were() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("nencho.sqlite3");
    let mut old = at_0025(&path).await;
    // An event of no declaration (foreign keys off): the rebuild's foreign key check finds it.
    for statement in [
        "PRAGMA foreign_keys = OFF",
        "INSERT INTO filing_events (tenant_id, filing_id, at, actor_id, actor_name, from_status, \
         to_status, action, proxy) \
         VALUES (x'00', x'00', '2026-11-20', x'00', 'x', 'draft', 'draft', '保存', 0)",
    ] {
        sqlx::query(statement).execute(&mut old).await.unwrap();
    }
    old.close().await.unwrap();
    let opened = SqliteStore::open(&SqliteStoreOptions::at(&path)).await;
    let error = opened.err().unwrap().to_string();
    assert!(error.contains("violations = 0"), "{error}");

    // Rolled back: 0025's table, no trace of the new one, 0026 not recorded, the file writable.
    let mut after = connect(&path).await;
    assert!(!filings_table(&mut after).await.contains("'excluded'"));
    let leftovers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE name = 'filings_new' \
         OR (tbl_name = 'filings' AND type = 'index')",
    )
    .fetch_one(&mut after)
    .await
    .unwrap();
    assert_eq!(leftovers, 7, "filings' own indexes only");
    let recorded: i64 =
        sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE version = 26")
            .fetch_one(&mut after)
            .await
            .unwrap();
    assert_eq!(recorded, 0);
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut after)
        .await
        .unwrap();
    sqlx::query("DELETE FROM filing_events")
        .execute(&mut after)
        .await
        .unwrap();
    sqlx::query("COMMIT").execute(&mut after).await.unwrap();
    after.close().await.unwrap();
    // Once the reference is mended, the store opens.
    let store = SqliteStore::open(&SqliteStoreOptions::at(&path))
        .await
        .unwrap();
    let table: String = sqlx::query_scalar(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'filings'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(table.contains("'excluded'"));
}
