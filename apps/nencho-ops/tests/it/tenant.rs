//! `nencho-ops tenant …` as an operator runs it, on SQLite and on PostgreSQL: the activation
//! notice, refused and taken slugs, the assisted ADMIN reset, and what the operator log keeps.

use nencho_identity::{LoginId, PasswordState};
use serde_json::Value;

use crate::site::{Site, assert_success, operator_actions, stderr, stdout, tenant};

const OPEN_ACME: &[&str] = &[
    "tenant",
    "open",
    "--slug",
    "acme",
    "--name",
    "株式会社アクメ",
    "--admin-email",
    "admin@acme.example",
];

fn with(base: &[&'static str], more: &[&'static str]) -> Vec<&'static str> {
    base.iter().chain(more).copied().collect()
}

/// Whether `text` holds `prefix` followed by 32 hex digits.
fn has_token_after(text: &str, prefix: &str) -> bool {
    text.match_indices(prefix).any(|(at, _)| {
        let token: String = text[at + prefix.len()..].chars().take(32).collect();
        token.len() == 32 && token.bytes().all(|byte| byte.is_ascii_hexdigit())
    })
}

/// What an operator does in a contract's first days, checked step by step.
async fn operator_session(site: &Site) {
    // Open: one JSON object on stdout, nothing else.
    let output = site
        .ops(&with(
            &["--operator", "suzuki"],
            &with(OPEN_ACME, &["--json"]),
        ))
        .await;
    assert_success(&output);
    let printed = stdout(&output);
    assert_eq!(printed.lines().count(), 1, "{printed}");
    let notice: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(notice.as_object().unwrap().len(), 3, "{notice}");
    assert_eq!(notice["site_url"], "http://acme.localhost:8080");
    assert_eq!(notice["admin_id"], "admin");
    let password = notice["initial_password"].as_str().unwrap().to_owned();
    assert_eq!(password.chars().count(), 20, "{password}");

    let store = site.store().await;
    let acme = tenant(store.as_ref(), "acme")
        .await
        .expect("the contract exists");
    let admin = store
        .find_user_by_login_id(acme.id, &LoginId::parse("admin").unwrap())
        .await
        .unwrap()
        .expect("the ADMIN ID exists");
    assert!(
        matches!(admin.password, PasswordState::Initial(_)),
        "the initial password must be changed at first login"
    );
    let actions = operator_actions(store.as_ref()).await;
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0].operator, "suzuki");
    assert_eq!(actions[0].command, "tenant open");
    assert_eq!(actions[0].tenant_slug.as_deref(), Some("acme"));
    assert!(actions[0].succeeded);
    let recorded = format!("{actions:?}");
    assert!(!recorded.contains('@'), "no e-mail address: {recorded}");
    assert!(!recorded.contains(&password), "no password: {recorded}");
    assert!(!recorded.contains("アクメ"), "no customer name: {recorded}");

    // Refused slugs: exit 2 naming the slug, nothing created, the failure recorded.
    for slug in ["WWW", "www"] {
        let output = site
            .ops(&[
                "--operator",
                "suzuki",
                "tenant",
                "open",
                "--slug",
                slug,
                "--name",
                "株式会社ダブル",
                "--admin-email",
                "admin@www.example",
            ])
            .await;
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let message = stderr(&output);
        assert!(message.contains(&format!("--slug \"{slug}\"")), "{message}");
        assert!(!message.contains("panicked"), "{message}");
        assert!(stdout(&output).is_empty());
    }
    assert_eq!(
        store.list_tenants().await.unwrap().len(),
        1,
        "nothing created"
    );

    // A taken slug: exit 1, and the existing contract is untouched.
    let output = site.ops(OPEN_ACME).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        stderr(&output)
    );
    assert_eq!(tenant(store.as_ref(), "acme").await.unwrap().id, acme.id);

    // Assisted ADMIN reset: the operator sees where the link went, masked, and never the link.
    let output = site.ops(&["tenant", "reset-admin", "--slug", "acme"]).await;
    assert_success(&output);
    let shown = stdout(&output);
    assert!(shown.contains("ad***@acme.example"), "{shown}");
    assert!(!shown.contains("admin@acme.example"), "{shown}");
    assert!(!shown.contains("/password/reset"), "{shown}");
    assert!(
        !shown
            .split(|c: char| !c.is_ascii_hexdigit())
            .any(|word| word.len() >= 32),
        "no token: {shown}"
    );
    let mail = store.list_mail(acme.id, 10).await.unwrap();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0].to.as_str(), "admin@acme.example");
    assert!(
        has_token_after(&mail[0].body, "http://acme.localhost:8080/password/reset/"),
        "{}",
        mail[0].body
    );

    // The log, newest first: every command above, failures included.
    let output = site.ops(&["log", "--json"]).await;
    assert_success(&output);
    let listed: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let summary: Vec<(String, Option<String>, bool)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["command"].as_str().unwrap().to_owned(),
                entry["tenant_slug"].as_str().map(str::to_owned),
                entry["succeeded"].as_bool().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("tenant reset-admin", "acme", true),
        ("tenant open", "acme", false),
        ("tenant open", "www", false),
        ("tenant open", "WWW", false),
        ("tenant open", "acme", true),
    ]
    .map(|(command, slug, succeeded)| (command.to_owned(), Some(slug.to_owned()), succeeded));
    assert_eq!(summary, expected);
    let times: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|pair| pair[0] >= pair[1]), "{times:?}");
    assert_eq!(listed[4]["operator"], "suzuki");
    // `log` records itself once it has listed.
    let newest = &operator_actions(store.as_ref()).await[0];
    assert_eq!((newest.command.as_str(), newest.succeeded), ("log", true));
}

#[tokio::test]
async fn operator_session_on_sqlite() {
    operator_session(&Site::sqlite()).await;
}

#[tokio::test]
async fn operator_session_on_postgres() {
    let Some(site) = Site::postgres("ops_operator_session").await else {
        return;
    };
    operator_session(&site).await;
}

#[tokio::test]
async fn the_activation_notice_reads_in_japanese_with_english_labels() {
    let site = Site::sqlite();
    let output = site.ops(OPEN_ACME).await;
    assert_success(&output);
    let notice = stdout(&output);
    for expected in [
        "開通通知",
        "株式会社アクメ",
        "サイトURL",
        "http://acme.localhost:8080",
        "ADMIN ID",
        "admin",
        "初期パスワード",
        "must be changed at first login",
    ] {
        assert!(notice.contains(expected), "{expected:?} missing:\n{notice}");
    }
    let password_line = notice
        .lines()
        .find(|line| line.starts_with("初期パスワード ("))
        .unwrap();
    let password = password_line.split_whitespace().last().unwrap();
    assert_eq!(password.chars().count(), 20, "{password_line}");
}

#[tokio::test]
async fn a_separate_contact_gets_the_assisted_reset_and_the_admin_keeps_its_address() {
    let site = Site::sqlite();
    let output = site
        .ops(&with(
            OPEN_ACME,
            &["--contact-email", "keiyaku@acme.example"],
        ))
        .await;
    assert_success(&output);
    let output = site.ops(&["tenant", "reset-admin", "--slug", "acme"]).await;
    assert_success(&output);
    assert!(
        stdout(&output).contains("ke***@acme.example"),
        "{}",
        stdout(&output)
    );

    let store = site.store().await;
    let acme = tenant(store.as_ref(), "acme").await.unwrap();
    assert_eq!(acme.contact_email.as_str(), "keiyaku@acme.example");
    let admin = store
        .find_user_by_login_id(acme.id, &LoginId::parse("admin").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        admin.email.as_ref().map(|email| email.as_str()),
        Some("admin@acme.example")
    );
    let mail = store.list_mail(acme.id, 10).await.unwrap();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to.as_str(), "keiyaku@acme.example");

    // --email sends it elsewhere, once.
    let output = site
        .ops(&[
            "tenant",
            "reset-admin",
            "--slug",
            "acme",
            "--email",
            "tanaka@acme.example",
        ])
        .await;
    assert_success(&output);
    assert!(stdout(&output).contains("ta***@acme.example"));
    assert_eq!(
        store.list_mail(acme.id, 10).await.unwrap()[0].to.as_str(),
        "tanaka@acme.example"
    );
}

#[tokio::test]
async fn bad_addresses_are_usage_errors_naming_the_flag_and_never_echoed() {
    let site = Site::sqlite();
    let output = site
        .ops(&[
            "tenant",
            "open",
            "--slug",
            "acme",
            "--name",
            "株式会社アクメ",
            "--admin-email",
            "admin at acme",
        ])
        .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--admin-email"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("admin at acme"));

    let output = site
        .ops(&with(OPEN_ACME, &["--contact-email", "keiyaku"]))
        .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--contact-email"),
        "{}",
        stderr(&output)
    );

    let store = site.store().await;
    assert!(store.list_tenants().await.unwrap().is_empty());
    let actions = operator_actions(store.as_ref()).await;
    assert_eq!(actions.len(), 2);
    assert!(actions.iter().all(|action| !action.succeeded));
}

#[tokio::test]
async fn resetting_an_unknown_contract_fails_and_is_recorded() {
    let site = Site::sqlite();
    let output = site
        .ops(&["tenant", "reset-admin", "--slug", "nobody"])
        .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("\"nobody\""),
        "{}",
        stderr(&output)
    );
    let actions = operator_actions(site.store().await.as_ref()).await;
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].command, "tenant reset-admin");
    assert_eq!(actions[0].tenant_slug.as_deref(), Some("nobody"));
    assert!(!actions[0].succeeded);
}

#[tokio::test]
async fn the_list_shows_contract_data_only() {
    let site = Site::sqlite();
    assert_success(&site.ops(OPEN_ACME).await);
    let output = site.ops(&["tenant", "list"]).await;
    assert_success(&output);
    let table = stdout(&output);
    let acme_row = table
        .lines()
        .find(|line| line.starts_with("acme "))
        .unwrap();
    assert!(acme_row.contains("active"), "{table}");
    assert!(!table.contains('@') && !table.contains("アクメ"), "{table}");

    let output = site.ops(&["tenant", "list", "--json"]).await;
    assert_success(&output);
    let listed: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["slug"], "acme");
    assert_eq!(listed[0]["status"], "active");
    assert_eq!(listed[0]["opened_on"].as_str().unwrap().len(), 10);

    let actions = operator_actions(site.store().await.as_ref()).await;
    assert_eq!(actions[0].command, "tenant list");
    assert_eq!(actions[0].tenant_slug, None);
}

#[tokio::test]
async fn the_assisted_reset_can_remove_the_admins_lost_second_factor() {
    use nencho_identity::{SecondFactor, Session, SessionStage};
    use nencho_kernel::{Clock, SystemClock};

    let site = Site::sqlite();
    assert_success(&site.ops(OPEN_ACME).await);
    let store = site.store().await;
    let acme = tenant(store.as_ref(), "acme").await.unwrap();
    let admin = store
        .find_user_by_login_id(acme.id, &LoginId::parse("admin").unwrap())
        .await
        .unwrap()
        .unwrap();
    let now = SystemClock.now();
    store
        .enable_second_factor(
            acme.id,
            admin.id,
            &SecondFactor {
                secret: nencho_identity::SealedSecret::from_stored(vec![5; 57]),
                enabled_at: now,
                last_used_step: None,
            },
            &[],
            None,
            None,
        )
        .await
        .unwrap();
    let session = Session {
        token_hash: nencho_identity::SecretToken::from_random_bytes([1; 16]).hash(),
        tenant_id: acme.id,
        user_id: admin.id,
        created_at: now,
        last_seen_at: now,
        stage: SessionStage::Complete,
    };
    store.insert_session(&session).await.unwrap();

    // Without the flag the second factor stays.
    assert_success(&site.ops(&["tenant", "reset-admin", "--slug", "acme"]).await);
    assert!(
        store
            .second_factor(acme.id, admin.id)
            .await
            .unwrap()
            .is_some()
    );

    let output = site
        .ops(&[
            "tenant",
            "reset-admin",
            "--slug",
            "acme",
            "--clear-two-factor",
        ])
        .await;
    assert_success(&output);
    assert!(
        stdout(&output).contains("2段階認証 (two-step): 解除しました (removed)"),
        "{}",
        stdout(&output)
    );
    assert!(
        store
            .second_factor(acme.id, admin.id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .find_session(acme.id, &session.token_hash)
            .await
            .unwrap(),
        None,
        "the ADMIN's sessions ended"
    );
    let mail = store.list_mail(acme.id, 10).await.unwrap();
    assert!(
        mail[0].subject.contains("2段階認証がリセットされました")
            && mail[0].to.as_str() == "admin@acme.example",
        "{mail:?}"
    );

    let output = site
        .ops(&[
            "tenant",
            "reset-admin",
            "--slug",
            "acme",
            "--clear-two-factor",
        ])
        .await;
    assert!(stdout(&output).contains("設定されていません (was not on)"));
}
