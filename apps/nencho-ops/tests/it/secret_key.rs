//! `nencho-ops secret-key status` on SQLite and PostgreSQL: the configured secret against the key
//! the database records, by fingerprint, with what a server would do; no key file is created.

use time::macros::datetime;

use crate::site::{Site, assert_success, run, stdout};

async fn status(site: &Site, secret: Option<&str>, previous: Option<&str>) -> serde_json::Value {
    let mut command = site.command(&["secret-key", "status", "--json"]);
    if let Some(secret) = secret {
        command.env("NENCHO_SECRET_KEY", secret);
    }
    if let Some(previous) = previous {
        command.env("NENCHO_PREVIOUS_SECRET_KEY", previous);
    }
    let output = run(command).await;
    assert_success(&output);
    serde_json::from_str(&stdout(&output)).unwrap()
}

async fn secret_key_status(site: &Site) {
    let store = site.store().await;
    let nothing = status(site, None, None).await;
    assert!(
        nothing["state"]
            .as_str()
            .unwrap()
            .starts_with("no secret here"),
        "{nothing}"
    );
    assert!(
        !site.working_dir.path().join("state/secret.key").exists(),
        "a report creates no key"
    );

    let first = status(site, Some("the deployment's secret"), None).await;
    assert!(first["recorded"].is_null());
    assert!(
        first["state"]
            .as_str()
            .unwrap()
            .starts_with("nothing recorded")
    );
    let ours = first["this_machine"].as_str().unwrap().to_owned();
    assert_eq!(ours.len(), 16, "8 bytes of fingerprint in hex");
    store
        .register_sealing_key(&ours, datetime!(2026-11-26 12:00 UTC))
        .await
        .unwrap();

    let same = status(site, Some("the deployment's secret"), None).await;
    assert_eq!(same["recorded"], ours.as_str());
    assert!(
        same["state"].as_str().unwrap().starts_with("same"),
        "{same}"
    );
    let other = status(site, Some("a typo"), None).await;
    assert!(
        other["state"].as_str().unwrap().starts_with("other"),
        "{other}"
    );
    let rotating = status(site, Some("a new secret"), Some("the deployment's secret")).await;
    assert_eq!(rotating["previous"], ours.as_str());
    assert!(
        rotating["state"]
            .as_str()
            .unwrap()
            .starts_with("rotation pending"),
        "{rotating}"
    );
    let output = site.ops(&["secret-key", "status"]).await;
    assert!(
        !stdout(&output).contains("the deployment's secret"),
        "never a secret in the output"
    );
}

#[tokio::test]
async fn the_secret_key_status_on_sqlite() {
    secret_key_status(&Site::sqlite()).await;
}

#[tokio::test]
async fn the_secret_key_status_on_postgres() {
    let Some(site) = Site::postgres("ops_secret_key").await else {
        return;
    };
    secret_key_status(&site).await;
}
