//! SQLite snapshots: consistent while the server writes, listed from the directory, deleted on
//! expiry.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use nencho_backup::SqliteSnapshotRunner;
use nencho_kernel::FixedClock;
use nencho_operations::{BackupKind, BackupPolicy};
use nencho_ports::BackupRunner;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};
use time::Duration;
use time::macros::datetime;

async fn live_database(path: &std::path::Path) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(std::time::Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE rows (n INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    pool
}

async fn open_snapshot(path: &std::path::Path) -> SqlitePool {
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().filename(path).read_only(true))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_taken_while_rows_are_written_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let pool = live_database(&dir.path().join("nencho.sqlite3")).await;
    let clock = Arc::new(FixedClock::at(datetime!(2026-11-26 02:00 UTC)));
    let runner = SqliteSnapshotRunner::new(pool.clone(), dir.path().join("backups"), clock);

    // A writer commits one row at a time (with some bulk, so the copy takes a while) until
    // told to stop; `committed` is the row count after its last commit.
    let committed = Arc::new(AtomicI64::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (pool, committed, stop) = (pool.clone(), committed.clone(), stop.clone());
        tokio::spawn(async move {
            let payload = "年末調整".repeat(200);
            let mut n = 0i64;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                sqlx::query("INSERT INTO rows (n, payload) VALUES (?1, ?2)")
                    .bind(n)
                    .bind(&payload)
                    .execute(&pool)
                    .await
                    .unwrap();
                committed.store(n, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
        })
    };
    while committed.load(Ordering::SeqCst) < 200 {
        tokio::task::yield_now().await;
    }
    let before = committed.load(Ordering::SeqCst);
    let taken = runner.take(BackupKind::Differential).await.unwrap();
    let after = committed.load(Ordering::SeqCst);
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    assert_eq!(taken, BackupKind::Full, "SQLite snapshots are always full");

    let inventory = runner.inventory().await.unwrap();
    assert_eq!(inventory.backups().len(), 1, "{inventory:?}");
    let snapshot = &inventory.backups()[0];
    assert_eq!(snapshot.id.as_str(), "nencho-20261126T020000Z-full.sqlite3");
    assert_eq!(snapshot.kind, BackupKind::Full);
    assert_eq!(snapshot.taken_at, datetime!(2026-11-26 02:00 UTC));

    let copy = open_snapshot(&runner.path_of(&snapshot.id).unwrap()).await;
    let integrity: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&copy)
        .await
        .unwrap()
        .get(0);
    assert_eq!(integrity, "ok");
    let row = sqlx::query("SELECT COUNT(*), COALESCE(MAX(n), 0) FROM rows")
        .fetch_one(&copy)
        .await
        .unwrap();
    let (count, max): (i64, i64) = (row.get(0), row.get(1));
    // Rows are committed one by one as 1..=n, so a consistent copy holds exactly 1..=k for a k
    // the writer reached while the copy was made.
    assert_eq!(count, max, "a gap: the copy is not one point in time");
    assert!(
        (before..=after).contains(&count),
        "{count} rows, committed {before}..={after}"
    );
    // No partial file is left behind.
    let names: Vec<_> = std::fs::read_dir(runner.directory())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[tokio::test]
async fn the_plan_is_carried_out_and_old_snapshots_are_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let pool = live_database(&dir.path().join("nencho.sqlite3")).await;
    let clock = Arc::new(FixedClock::at(datetime!(2026-10-01 00:00 UTC)));
    let runner = SqliteSnapshotRunner::new(pool, dir.path().join("backups"), clock.clone());
    let policy = BackupPolicy::STANDARD;

    let report = nencho_backup::run_plan(&runner, &policy, clock_now(&clock))
        .await
        .unwrap();
    assert_eq!(report.planned, Some(BackupKind::Full));
    assert_eq!(report.taken, Some(BackupKind::Full));
    // Nothing is due an hour later; 12 hours later a "differential", i.e. another snapshot.
    clock.advance(Duration::hours(1));
    let report = nencho_backup::run_plan(&runner, &policy, clock_now(&clock))
        .await
        .unwrap();
    assert!(
        report.taken.is_none() && report.expired.is_empty(),
        "{report:?}"
    );
    clock.advance(Duration::hours(11));
    let report = nencho_backup::run_plan(&runner, &policy, clock_now(&clock))
        .await
        .unwrap();
    assert_eq!(report.planned, Some(BackupKind::Differential));
    assert_eq!(report.taken, Some(BackupKind::Full));
    assert_eq!(runner.inventory().await.unwrap().backups().len(), 2);

    // 35 days after the first: it goes, the second (12 hours younger) stays.
    clock.advance(Duration::days(35) - Duration::hours(12));
    let report = nencho_backup::run_plan(&runner, &policy, clock_now(&clock))
        .await
        .unwrap();
    let expired: Vec<_> = report.expired.iter().map(|id| id.as_str()).collect();
    assert_eq!(expired, ["nencho-20261001T000000Z-full.sqlite3"]);
    assert!(report.failed.is_empty(), "{report:?}");
    let left: Vec<_> = runner
        .inventory()
        .await
        .unwrap()
        .backups()
        .iter()
        .map(|backup| backup.id.as_str().to_owned())
        .collect();
    assert_eq!(
        left,
        [
            "nencho-20261001T120000Z-full.sqlite3",
            "nencho-20261105T000000Z-full.sqlite3"
        ]
    );
    // An id that is not one of its file names is refused, not looked up.
    assert!(
        runner
            .expire(&nencho_operations::BackupId("../nencho.sqlite3".into()))
            .await
            .is_err()
    );
}

fn clock_now(clock: &FixedClock) -> time::OffsetDateTime {
    nencho_kernel::Clock::now(clock)
}
