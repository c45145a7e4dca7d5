//! The backup job (BAK-1, BAK-2) on the SQLite data directory: a snapshot appears, and
//! snapshots past 35 days are deleted.

use std::sync::Arc;

use nencho_bootstrap::{Settings, SettingsArgs};
use nencho_kernel::FixedClock;
use nencho_worker::backup::{backup_runner, run_backup_job};
use time::Duration;
use time::macros::datetime;

fn snapshot_names(directory: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_backup_job_snapshots_the_sqlite_store_and_expires_old_snapshots() {
    let working_dir = tempfile::tempdir().unwrap();
    let state = working_dir.path().join("state");
    let settings = Settings::load(&SettingsArgs {
        data_dir: Some(state.clone()),
        ..SettingsArgs::default()
    })
    .unwrap();
    // The store as the web server opens it.
    let store = nencho_bootstrap::store::open(&settings.database)
        .await
        .unwrap();
    let clock = Arc::new(FixedClock::at(datetime!(2026-11-26 02:00 UTC)));
    let backups = state.join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    // Left by earlier runs: one 36 days old (past BAK-2's 35), one 20 days old, and a file
    // that is no snapshot.
    std::fs::write(backups.join("nencho-20261021T020000Z-full.sqlite3"), b"old").unwrap();
    std::fs::write(
        backups.join("nencho-20261106T020000Z-full.sqlite3"),
        b"kept",
    )
    .unwrap();
    std::fs::write(backups.join("README"), b"not a snapshot").unwrap();

    let runner = backup_runner(&settings, clock.clone())
        .await
        .unwrap()
        .unwrap();
    let report = run_backup_job(runner.as_ref(), clock.as_ref())
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(
        snapshot_names(&backups),
        [
            "README",
            "nencho-20261106T020000Z-full.sqlite3",
            "nencho-20261126T020000Z-full.sqlite3",
        ]
    );
    // The new snapshot is the live database.
    let snapshot = backups.join("nencho-20261126T020000Z-full.sqlite3");
    let header = std::fs::read(&snapshot).unwrap();
    assert!(header.starts_with(b"SQLite format 3\0"));

    // Five minutes later nothing is due; twelve hours later the next snapshot is.
    clock.advance(Duration::minutes(5));
    let report = run_backup_job(runner.as_ref(), clock.as_ref())
        .await
        .unwrap();
    assert!(
        report.taken.is_none() && report.expired.is_empty(),
        "{report:?}"
    );
    clock.advance(Duration::hours(12));
    let report = run_backup_job(runner.as_ref(), clock.as_ref())
        .await
        .unwrap();
    assert_eq!(report.taken.map(|kind| kind.as_str()), Some("full"));
    assert_eq!(snapshot_names(&backups).len(), 4);
    drop(store);
}
