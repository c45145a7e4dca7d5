//! `nencho-ops tenant terminate` and `tenant cancel-termination` (SVC-2) as an operator runs
//! them, on SQLite and on PostgreSQL: the three-month rule, the notice mails, the list, and what
//! the operator log keeps.

use nencho_tenancy::ContractStatus;
use serde_json::Value;
use time::macros::date;

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
    "--contact-email",
    "keiyaku@acme.example",
];

async fn termination(site: &Site) {
    assert_success(&site.ops(OPEN_ACME).await);

    // Too soon (the past is less than three months away) and not a date: exit 2, nothing changed.
    for (end_date, expected) in [
        ("2000-01-01", "at the earliest"),
        ("31/03/2099", "2026-11-01"),
    ] {
        let output = site
            .ops(&[
                "--operator",
                "suzuki",
                "tenant",
                "terminate",
                "--slug",
                "acme",
                "--end-date",
                end_date,
            ])
            .await;
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("--end-date"),
            "{}",
            stderr(&output)
        );
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
    let store = site.store().await;
    let acme = tenant(store.as_ref(), "acme").await.unwrap();
    assert_eq!((acme.status, acme.ends_on), (ContractStatus::Active, None));

    let output = site
        .ops(&[
            "--operator",
            "suzuki",
            "tenant",
            "terminate",
            "--slug",
            "acme",
            "--end-date",
            "2099-12-31",
        ])
        .await;
    assert_success(&output);
    let printed = stdout(&output);
    for expected in ["契約終了を通知しました", "2099-12-31", "2100-01-30"] {
        assert!(printed.contains(expected), "{expected} in {printed}");
    }
    assert!(
        printed.contains("通知メール (notice mails):    2"),
        "{printed}"
    );
    let acme = tenant(store.as_ref(), "acme").await.unwrap();
    assert_eq!(acme.status, ContractStatus::Ending);
    assert_eq!(acme.ends_on, Some(date!(2099 - 12 - 31)));
    let mails = store.list_mail(acme.id, 10).await.unwrap();
    let mut to: Vec<&str> = mails.iter().map(|mail| mail.to.as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["admin@acme.example", "keiyaku@acme.example"]);
    assert!(
        mails
            .iter()
            .all(|mail| mail.body.contains("2099年12月31日"))
    );

    let output = site.ops(&["tenant", "list"]).await;
    assert_success(&output);
    let table = stdout(&output);
    let row = table
        .lines()
        .find(|line| line.starts_with("acme "))
        .unwrap();
    assert!(
        row.contains("ending") && row.contains("2099-12-31"),
        "{table}"
    );
    let output = site.ops(&["tenant", "list", "--json"]).await;
    let listed: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(listed[0]["status"], "ending");
    assert_eq!(listed[0]["ends_on"], "2099-12-31");

    // Notice is given once: withdraw it to change the date.
    let output = site
        .ops(&[
            "tenant",
            "terminate",
            "--slug",
            "acme",
            "--end-date",
            "2100-06-30",
        ])
        .await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));

    let output = site
        .ops(&[
            "--operator",
            "suzuki",
            "tenant",
            "cancel-termination",
            "--slug",
            "acme",
        ])
        .await;
    assert_success(&output);
    assert!(
        stdout(&output).contains("取り消しました"),
        "{}",
        stdout(&output)
    );
    let acme = tenant(store.as_ref(), "acme").await.unwrap();
    assert_eq!((acme.status, acme.ends_on), (ContractStatus::Active, None));
    assert_eq!(store.list_mail(acme.id, 10).await.unwrap().len(), 4);
    let output = site
        .ops(&["tenant", "cancel-termination", "--slug", "acme"])
        .await;
    assert_eq!(output.status.code(), Some(1), "nothing to withdraw");
    let output = site
        .ops(&[
            "tenant",
            "terminate",
            "--slug",
            "nobody",
            "--end-date",
            "2099-12-31",
        ])
        .await;
    assert_eq!(output.status.code(), Some(1));

    let actions = operator_actions(store.as_ref()).await;
    let recorded: Vec<(&str, Option<&str>, bool)> = actions
        .iter()
        .filter(|action| action.command != "tenant list")
        .map(|action| {
            (
                action.command.as_str(),
                action.tenant_slug.as_deref(),
                action.succeeded,
            )
        })
        .collect();
    assert_eq!(
        recorded,
        [
            ("tenant terminate", Some("nobody"), false),
            ("tenant cancel-termination", Some("acme"), false),
            ("tenant cancel-termination", Some("acme"), true),
            ("tenant terminate", Some("acme"), false),
            ("tenant terminate", Some("acme"), true),
            ("tenant terminate", Some("acme"), false),
            ("tenant terminate", Some("acme"), false),
            ("tenant open", Some("acme"), true),
        ],
        "newest first"
    );
    let text = format!("{actions:?}");
    assert!(!text.contains('@') && !text.contains("アクメ"), "{text}");
}

#[tokio::test]
async fn termination_on_sqlite() {
    termination(&Site::sqlite()).await;
}

#[tokio::test]
async fn termination_on_postgres() {
    let Some(site) = Site::postgres("ops_termination").await else {
        return;
    };
    termination(&site).await;
}
