use nencho_bootstrap::{Settings, SettingsArgs};
use nencho_testkit::command;

const BINARY: &str = env!("CARGO_BIN_EXE_nencho-ops");

/// Settings as `nencho-web --data-dir DIR --listen 127.0.0.1:0` would resolve them.
fn web_settings(data_dir: &std::path::Path) -> Settings {
    Settings::load(&SettingsArgs {
        data_dir: Some(data_dir.to_owned()),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        ..Default::default()
    })
    .unwrap()
}

#[tokio::test]
async fn migrate_works_on_the_store_a_running_server_serves() {
    let working_dir = tempfile::tempdir().unwrap();
    let data_dir = working_dir.path().join("state");
    let (address_tx, address_rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(nencho_web::serve(
        web_settings(&data_dir),
        async move {
            let _ = stop_rx.await;
        },
        move |address| {
            let _ = address_tx.send(address);
        },
    ));
    let address = address_rx.await.unwrap();

    let output = command(BINARY, working_dir.path())
        .args(["--data-dir", "state", "migrate"])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("applied    1 foundation"), "{stdout}");
    assert!(stdout.contains("schema is up to date"), "{stdout}");

    let ready = reqwest::get(format!("http://{address}/readyz"))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200, "the server keeps serving");
    stop_tx.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_failure() {
    let working_dir = tempfile::tempdir().unwrap();
    let output = command(BINARY, working_dir.path())
        .args([
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
            "migrate",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot open the store (postgres 127.0.0.1:1/none)"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[tokio::test]
async fn an_unknown_command_is_a_usage_error() {
    let working_dir = tempfile::tempdir().unwrap();
    let output = command(BINARY, working_dir.path())
        .arg("frobnicate")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
