//! Who is recorded as the operator, what `log` shows, and that `migrate` is recorded too.

use serde_json::Value;

use crate::site::{Site, assert_success, operator_actions, run, stdout};

#[tokio::test]
async fn the_os_user_is_the_operator_unless_the_flag_names_one() {
    let site = Site::sqlite();
    let mut command = site.command(&["tenant", "list"]);
    command.env("USER", "yamada").env_remove("LOGNAME");
    assert_success(&run(command).await);
    let mut command = site.command(&["tenant", "list"]);
    command.env_remove("USER").env("LOGNAME", "sato");
    assert_success(&run(command).await);
    let mut command = site.command(&["tenant", "list"]);
    command.env_remove("USER").env_remove("LOGNAME");
    assert_success(&run(command).await);
    let mut command = site.command(&["tenant", "list", "--operator", "suzuki"]);
    command.env("USER", "yamada");
    assert_success(&run(command).await);

    let operators: Vec<String> = operator_actions(site.store().await.as_ref())
        .await
        .into_iter()
        .map(|action| action.operator)
        .collect();
    assert_eq!(operators, ["suzuki", "unknown", "sato", "yamada"]);
}

#[tokio::test]
async fn migrate_and_log_are_recorded() {
    let site = Site::sqlite();
    assert_success(&site.ops(&["--operator", "suzuki", "migrate"]).await);
    let output = site.ops(&["--operator", "suzuki", "log"]).await;
    assert_success(&output);
    let table = stdout(&output);
    let migrate_row = table.lines().find(|line| line.contains("migrate")).unwrap();
    assert!(
        migrate_row.contains("suzuki") && migrate_row.ends_with("ok"),
        "{table}"
    );

    let commands: Vec<String> = operator_actions(site.store().await.as_ref())
        .await
        .into_iter()
        .map(|action| action.command)
        .collect();
    assert_eq!(commands, ["log", "migrate"]);
}

#[tokio::test]
async fn since_limits_the_log_and_a_bad_date_is_a_usage_error() {
    let site = Site::sqlite();
    assert_success(&site.ops(&["migrate"]).await);

    let output = site.ops(&["log", "--json", "--since", "2000-01-01"]).await;
    assert_success(&output);
    let listed: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["command"], "migrate");

    let output = site.ops(&["log", "--json", "--since", "9999-12-31"]).await;
    assert_success(&output);
    assert_eq!(stdout(&output).trim(), "[]");

    let output = site.ops(&["log", "--since", "2026/11/01"]).await;
    assert_eq!(output.status.code(), Some(2));
}
