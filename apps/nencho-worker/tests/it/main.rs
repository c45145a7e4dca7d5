//! The worker as a real process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use nencho_testkit::{RunningProcess, command};

const BINARY: &str = env!("CARGO_BIN_EXE_nencho-worker");

#[tokio::test]
async fn it_connects_to_the_store_and_stops_cleanly_on_sigterm() {
    let working_dir = tempfile::tempdir().unwrap();
    let mut worker = command(BINARY, working_dir.path());
    worker.args(["--data-dir", "state"]);
    let mut worker = RunningProcess::spawn(worker);
    let ready = worker.wait_for_log("worker ready").await;
    assert!(
        ready["store"].as_str().unwrap().starts_with("sqlite"),
        "{ready}"
    );
    assert!(working_dir.path().join("state/nencho.sqlite3").is_file());
    let (status, log) = worker.terminate().await;
    assert!(status.success(), "{log:?}");
    assert!(log.iter().any(|line| line.contains("worker stopped")));
}
