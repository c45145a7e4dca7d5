//! The web server as a real process, configured the ways an operator would configure it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failing test panics

use nencho_testkit::{RunningProcess, command};

const BINARY: &str = env!("CARGO_BIN_EXE_nencho-web");

async fn get(url: &str) -> reqwest::StatusCode {
    reqwest::get(url).await.unwrap().status()
}

fn base_url(listening: &serde_json::Value) -> String {
    listening["url"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_owned()
}

#[tokio::test]
async fn with_no_configuration_it_serves_sqlite_under_data_and_stops_on_sigterm() {
    let working_dir = tempfile::tempdir().unwrap();
    // Only the port is chosen (0 = any free port) so tests can run in parallel; the listen
    // default itself is covered by nencho-bootstrap's settings tests.
    let mut web = command(BINARY, working_dir.path());
    web.env("NENCHO_LISTEN", "127.0.0.1:0");
    let mut web = RunningProcess::spawn(web);
    let listening = web.wait_for_log("listening").await;
    let base = base_url(&listening);

    assert_eq!(get(&format!("{base}/healthz")).await, 200);
    assert_eq!(get(&format!("{base}/readyz")).await, 200);
    assert!(
        working_dir.path().join("data/nencho.sqlite3").is_file(),
        "the embedded store lives in ./data"
    );

    let (status, log) = web.terminate().await;
    assert!(status.success(), "graceful shutdown exits 0: {log:?}");
    assert!(log.iter().any(|line| line.contains("\"stopped\"")));
}

#[tokio::test]
async fn flags_win_over_the_environment_and_the_file_is_read() {
    let working_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        working_dir.path().join("nencho.toml"),
        "data_dir = \"from-file\"\nlisten = \"127.0.0.1:1\"\n",
    )
    .unwrap();
    let mut web = command(BINARY, working_dir.path());
    web.env("NENCHO_LISTEN", "127.0.0.1:2")
        .args(["--listen", "127.0.0.1:0"]);
    let mut web = RunningProcess::spawn(web);
    let base = base_url(&web.wait_for_log("listening").await);
    assert_eq!(get(&format!("{base}/readyz")).await, 200);
    assert!(
        working_dir
            .path()
            .join("from-file/nencho.sqlite3")
            .is_file()
    );
    let (status, _) = web.terminate().await;
    assert!(status.success());
}

#[tokio::test]
async fn metrics_are_served_on_the_metrics_listener_only() {
    let working_dir = tempfile::tempdir().unwrap();
    let mut web = command(BINARY, working_dir.path());
    web.env("NENCHO_METRICS_LISTEN", "127.0.0.1:0")
        .args(["--listen", "127.0.0.1:0"]);
    let mut web = RunningProcess::spawn(web);
    let metrics_url = web.wait_for_log("metrics listening").await["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let base = base_url(&web.wait_for_log("listening").await);

    assert_eq!(get(&format!("{base}/readyz")).await, 200);
    assert_eq!(
        get(&format!("{base}/metrics")).await,
        404,
        "the public listener does not serve metrics"
    );
    let scrape = reqwest::get(&metrics_url).await.unwrap();
    assert_eq!(scrape.status(), 200);
    let text = scrape.text().await.unwrap();
    assert!(text.contains("nencho_store_up 1"), "{text}");
    assert!(
        text.contains(r#"nencho_http_request_duration_seconds_count{method="GET",route="/readyz",status="2xx"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"method="GET",route="unmatched",status="4xx""#),
        "{text}"
    );

    let (status, log) = web.terminate().await;
    assert!(status.success(), "graceful shutdown exits 0: {log:?}");
    assert!(log.iter().any(|line| line.contains("\"stopped\"")));
}

#[tokio::test]
async fn without_metrics_listen_there_is_no_metrics_listener() {
    let working_dir = tempfile::tempdir().unwrap();
    let mut web = command(BINARY, working_dir.path());
    web.args(["--listen", "127.0.0.1:0"]);
    let mut web = RunningProcess::spawn(web);
    let base = base_url(&web.wait_for_log("listening").await);
    assert_eq!(get(&format!("{base}/metrics")).await, 404);
    let (status, log) = web.terminate().await;
    assert!(status.success());
    assert!(
        !log.iter().any(|line| line.contains("metrics listening")),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_bad_configuration_is_a_clear_error_not_a_panic() {
    let working_dir = tempfile::tempdir().unwrap();
    let mut web = command(BINARY, working_dir.path());
    web.args(["--database-url", "mysql://localhost/x"]);
    let output = web.output().await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("database_url must start with postgres://"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[tokio::test]
async fn it_serves_postgresql_when_given_its_url() {
    let Some(database) = postgres_database().await else {
        return;
    };
    let working_dir = tempfile::tempdir().unwrap();
    let mut web = command(BINARY, working_dir.path());
    web.env("NENCHO_DATABASE_URL", &database.url)
        .args(["--listen", "127.0.0.1:0"]);
    let mut web = RunningProcess::spawn(web);
    let listening = web.wait_for_log("listening").await;
    assert_eq!(get(&format!("{}/readyz", base_url(&listening))).await, 200);
    assert!(
        !working_dir.path().join("data/nencho.sqlite3").exists(),
        "no SQLite file when PostgreSQL is configured"
    );
    let (status, _) = web.terminate().await;
    assert!(status.success());
}

/// Two servers of one deployment with different secret keys: the second stops at start, before
/// it seals an authenticator key that the first could not open.
#[tokio::test]
async fn a_server_with_another_secret_key_stops_at_start() {
    let Some(database) = postgres_database().await else {
        return;
    };
    let working_dir = tempfile::tempdir().unwrap();
    let mut first = command(BINARY, working_dir.path());
    first
        .env("NENCHO_DATABASE_URL", &database.url)
        .env("NENCHO_SECRET_KEY", "the deployment's own secret")
        .args(["--listen", "127.0.0.1:0"]);
    let mut first = RunningProcess::spawn(first);
    first.wait_for_log("listening").await;

    let mut second = command(BINARY, working_dir.path());
    second
        .env("NENCHO_DATABASE_URL", &database.url)
        .env("NENCHO_SECRET_KEY", "a typo in the second server's secret")
        .args(["--listen", "127.0.0.1:0"]);
    let output = second.output().await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("sealed with another secret key"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let mut same = command(BINARY, working_dir.path());
    same.env("NENCHO_DATABASE_URL", &database.url)
        .env("NENCHO_SECRET_KEY", "the deployment's own secret")
        .args(["--listen", "127.0.0.1:0"]);
    let mut same = RunningProcess::spawn(same);
    same.wait_for_log("listening").await;
    let (status, log) = same.terminate().await;
    assert!(status.success(), "{log:?}");
    assert!(first.terminate().await.0.success());

    // A rotation: the new secret, with the old one as the previous secret until it is done.
    let mut rotating = command(BINARY, working_dir.path());
    rotating
        .env("NENCHO_DATABASE_URL", &database.url)
        .env("NENCHO_SECRET_KEY", "the new secret after a leak")
        .env("NENCHO_PREVIOUS_SECRET_KEY", "the deployment's own secret")
        .args(["--listen", "127.0.0.1:0"]);
    let mut rotating = RunningProcess::spawn(rotating);
    rotating.wait_for_log("secret key rotated").await;
    rotating.wait_for_log("listening").await;
    assert!(rotating.terminate().await.0.success());

    let mut left_behind = command(BINARY, working_dir.path());
    left_behind
        .env("NENCHO_DATABASE_URL", &database.url)
        .env("NENCHO_SECRET_KEY", "the deployment's own secret")
        .args(["--listen", "127.0.0.1:0"]);
    let output = left_behind.output().await.unwrap();
    assert_eq!(output.status.code(), Some(1), "the old secret is retired");
}

/// A SQLite database restored without the `secret.key` it was used with: the server says so
/// instead of starting with a key that opens none of its authenticator keys.
#[tokio::test]
async fn a_sqlite_database_without_its_secret_key_file_does_not_start() {
    let working_dir = tempfile::tempdir().unwrap();
    let mut web = command(BINARY, working_dir.path());
    web.args(["--listen", "127.0.0.1:0"]);
    let mut web = RunningProcess::spawn(web);
    web.wait_for_log("listening").await;
    assert!(web.terminate().await.0.success());
    std::fs::remove_file(working_dir.path().join("data/secret.key")).unwrap();

    let mut again = command(BINARY, working_dir.path());
    again.args(["--listen", "127.0.0.1:0"]);
    let output = again.output().await.unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("sealed with another secret key"),
        "{stderr}"
    );
}

/// An empty database: the server migrates it itself at start.
async fn postgres_database() -> Option<nencho_store_contract::postgres::TestDatabase> {
    nencho_store_contract::postgres::TestDatabase::create(
        "web_on_postgres",
        "empty",
        |_url| async {},
    )
    .await
}
