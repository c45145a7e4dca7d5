//! `pgbackrest info --output=json` as pgBackRest documents it, parsed into the inventory.

use nencho_backup::{PgBackRestRunner, parse_info};
use nencho_operations::{BackupKind, BackupPolicy, plan};
use time::macros::datetime;

const SAMPLE: &[u8] = include_bytes!("../data/pgbackrest-info.json");

#[test]
fn the_info_json_lists_the_stanzas_backups_with_their_kinds_and_start_times() {
    let inventory = parse_info(SAMPLE, "nencho").unwrap();
    let backups: Vec<_> = inventory
        .backups()
        .iter()
        .map(|backup| (backup.id.as_str(), backup.kind, backup.taken_at))
        .collect();
    assert_eq!(
        backups,
        [
            (
                "20261119-020000F",
                BackupKind::Full,
                datetime!(2026-11-19 02:00 UTC)
            ),
            (
                "20261119-020000F_20261119-140000D",
                BackupKind::Differential,
                datetime!(2026-11-19 14:00 UTC)
            ),
            (
                "20261119-020000F_20261120-020000I",
                BackupKind::Differential,
                datetime!(2026-11-20 02:00 UTC)
            ),
        ]
    );
    // The planner reads it like any inventory: a week after that full, a new one is due.
    let now = datetime!(2026-11-26 02:00 UTC);
    assert_eq!(
        plan(&BackupPolicy::STANDARD, now, &inventory).take,
        Some(BackupKind::Full)
    );
}

#[test]
fn a_stanza_without_backups_is_an_empty_inventory_and_an_unknown_one_an_error() {
    assert!(parse_info(SAMPLE, "other").unwrap().is_empty());
    assert!(parse_info(SAMPLE, "missing").is_err());
    assert!(parse_info(b"not json", "nencho").is_err());
}

#[test]
fn commands_name_the_configured_stanza() {
    let runner = PgBackRestRunner::new("nencho");
    assert_eq!(
        runner.arguments("backup", &["--type=diff".to_owned()]),
        ["--stanza=nencho", "backup", "--type=diff"]
    );
}
