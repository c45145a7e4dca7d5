//! `nencho-ops notice announce|list|cancel` (SVC-5, SVC-6) as an operator runs them, on SQLite
//! and on PostgreSQL: the five-business-day rule and its emergency exception, the list, the
//! cancellation, and what the operator log keeps.

use nencho_kernel::{JAPAN_STANDARD_TIME, OffsetDateTime};
use serde_json::Value;
use time::Duration;

use crate::site::{Site, assert_success, operator_actions, stderr, stdout};

/// `2026-12-10 22:00` in JST, as the operator types it.
fn typed(at: OffsetDateTime) -> String {
    let at = at.to_offset(JAPAN_STANDARD_TIME);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

fn announce_args<'a>(start: &'a str, end: &'a str, title: &'a str) -> Vec<&'a str> {
    vec![
        "--operator",
        "suzuki",
        "notice",
        "announce",
        "--start",
        start,
        "--end",
        end,
        "--title",
        title,
        "--body",
        "この間、サービスをご利用いただけません。",
    ]
}

fn announced_id(output: &std::process::Output) -> String {
    let printed = stdout(output);
    printed
        .lines()
        .find_map(|line| line.strip_prefix("ID:"))
        .map(|id| id.trim().to_owned())
        .unwrap_or_else(|| panic!("no id in {printed}"))
}

async fn notices(site: &Site) {
    let output = site.ops(&["notice", "list"]).await;
    assert_success(&output);
    assert!(
        stdout(&output).contains("notices: 0"),
        "{}",
        stdout(&output)
    );
    // The CLI's own clock, read back from the log rather than from the test's wall clock.
    let store = site.store().await;
    let now = operator_actions(store.as_ref()).await[0].at;

    // Tomorrow is less than five business days away: exit 2, naming the flag and the rule.
    let start = typed(now + Duration::days(1));
    let end = typed(now + Duration::days(1) + Duration::hours(2));
    let output = site
        .ops(&announce_args(&start, &end, "緊急メンテナンス"))
        .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    for expected in ["invalid --start", "5 business days", "earliest start date"] {
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
    // As an emergency it is announced.
    let mut args = announce_args(&start, &end, "緊急メンテナンス");
    args.push("--emergency");
    let output = site.ops(&args).await;
    assert_success(&output);
    for expected in ["maintenance announced", "emergency", &start, &end] {
        assert!(stdout(&output).contains(expected), "{}", stdout(&output));
    }

    // Far enough ahead, and malformed times.
    let output = site
        .ops(&announce_args(
            "2099-12-10 22:00",
            "2099-12-11 01:00",
            "データベース更新",
        ))
        .await;
    assert_success(&output);
    let planned = announced_id(&output);
    let output = site
        .ops(&announce_args(
            "2099/12/10 22:00",
            "2099-12-11 01:00",
            "データベース更新",
        ))
        .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("invalid --start"),
        "{}",
        stderr(&output)
    );
    let output = site
        .ops(&announce_args(
            "2099-12-11 01:00",
            "2099-12-10 22:00",
            "データベース更新",
        ))
        .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("invalid --end"),
        "{}",
        stderr(&output)
    );

    let output = site.ops(&["notice", "list", "--json"]).await;
    assert_success(&output);
    let listed: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["title"], "緊急メンテナンス");
    assert_eq!(listed[0]["emergency"], true);
    assert_eq!(listed[1]["id"], planned.as_str());
    assert_eq!(listed[1]["start"], "2099-12-10 22:00");
    assert_eq!(listed[1]["end"], "2099-12-11 01:00");
    assert_eq!(listed[1]["state"], "upcoming");
    assert_eq!(listed[1]["emergency"], false);
    assert_eq!(
        listed[1]["body"],
        "この間、サービスをご利用いただけません。"
    );

    let output = site
        .ops(&["--operator", "suzuki", "notice", "cancel", "--id", &planned])
        .await;
    assert_success(&output);
    assert!(
        stdout(&output).contains("notice cancelled"),
        "{}",
        stdout(&output)
    );
    let output = site.ops(&["notice", "list"]).await;
    assert_success(&output);
    assert!(
        stdout(&output).contains("notices: 1"),
        "{}",
        stdout(&output)
    );
    assert!(!stdout(&output).contains("データベース更新"));
    // Unknown (exit 1) and malformed (exit 2) ids.
    let output = site
        .ops(&[
            "notice",
            "cancel",
            "--id",
            "0193d6c4-0000-7000-8000-000000000000",
        ])
        .await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = site.ops(&["notice", "cancel", "--id", "tomorrow"]).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));

    // Recorded by command name only: no titles, no times.
    let actions = operator_actions(store.as_ref()).await;
    let recorded: Vec<(&str, bool)> = actions
        .iter()
        .map(|action| (action.command.as_str(), action.succeeded))
        .collect();
    assert_eq!(
        recorded,
        [
            ("notice cancel", false),
            ("notice cancel", false),
            ("notice list", true),
            ("notice cancel", true),
            ("notice list", true),
            ("notice announce", false),
            ("notice announce", false),
            ("notice announce", true),
            ("notice announce", true),
            ("notice announce", false),
            ("notice list", true),
        ],
        "newest first"
    );
    assert!(actions.iter().all(|action| action.tenant_slug.is_none()));
    // What the log says, without the times (their nanoseconds may hold any digits, "2099" too).
    let text = actions
        .iter()
        .map(|action| {
            format!(
                "{} {} {:?}",
                action.operator, action.command, action.tenant_slug
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !text.contains("メンテナンス") && !text.contains("2099"),
        "{text}"
    );
}

#[tokio::test]
async fn notices_on_sqlite() {
    notices(&Site::sqlite()).await;
}

#[tokio::test]
async fn notices_on_postgres() {
    let Some(site) = Site::postgres("ops_notices").await else {
        return;
    };
    notices(&site).await;
}

/// Every contract's contact and administrators are mailed a maintenance that affects users, and
/// its cancellation; the operator sees counts, never an address.
async fn notice_mails(site: &Site) {
    for args in [
        &[
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
        ][..],
        &[
            "tenant",
            "open",
            "--slug",
            "beta",
            "--name",
            "ベータ株式会社",
            "--admin-email",
            "hr@beta.example",
        ][..],
    ] {
        assert_success(&site.ops(args).await);
    }
    let store = site.store().await;
    let acme = crate::site::tenant(store.as_ref(), "acme").await.unwrap();
    let beta = crate::site::tenant(store.as_ref(), "beta").await.unwrap();
    let subjects = async |tenant: &nencho_tenancy::Tenant| -> Vec<(String, String)> {
        let mut mails: Vec<(String, String)> = store
            .list_mail(tenant.id, 50)
            .await
            .unwrap()
            .into_iter()
            .filter(|mail| mail.subject.contains("メンテナンス"))
            .map(|mail| (mail.to.as_str().to_owned(), mail.subject))
            .collect();
        mails.sort();
        mails
    };

    // Without user impact nobody is mailed.
    let mut quiet = announce_args("2099-12-10 22:00", "2099-12-11 01:00", "内部点検");
    quiet.push("--no-user-impact");
    let output = site.ops(&quiet).await;
    assert_success(&output);
    assert!(
        stdout(&output).contains("通知メール (notice mails):    0 (0 contracts)"),
        "{}",
        stdout(&output)
    );
    assert!(subjects(&acme).await.is_empty());

    let output = site
        .ops(&announce_args(
            "2099-12-10 22:00",
            "2099-12-11 01:00",
            "データベース更新",
        ))
        .await;
    assert_success(&output);
    let printed = stdout(&output);
    assert!(
        printed.contains("通知メール (notice mails):    3 (2 contracts)"),
        "{printed}"
    );
    assert!(!printed.contains("@"), "no address is shown: {printed}");
    let announced = "【メンテナンスのお知らせ】12月10日(木) 22:00 データベース更新";
    assert_eq!(
        subjects(&acme).await,
        [
            ("admin@acme.example".to_owned(), announced.to_owned()),
            ("keiyaku@acme.example".to_owned(), announced.to_owned()),
        ]
    );
    assert_eq!(
        subjects(&beta).await,
        [("hr@beta.example".to_owned(), announced.to_owned())],
        "the contact and the ADMIN share one address: one mail"
    );
    let body = store
        .list_mail(acme.id, 50)
        .await
        .unwrap()
        .into_iter()
        .find(|mail| mail.subject == announced)
        .unwrap()
        .body;
    for expected in [
        "12月10日(木) 22:00〜12月11日(金) 01:00(日本時間)",
        "この間、サービスをご利用いただけません。",
        "http://acme.localhost",
    ] {
        assert!(body.contains(expected), "{expected} in {body}");
    }

    let output = site
        .ops(&["notice", "cancel", "--id", &announced_id(&output)])
        .await;
    assert_success(&output);
    assert!(
        stdout(&output).contains("通知メール (notice mails):    3 (2 contracts)"),
        "{}",
        stdout(&output)
    );
    let cancelled = "【メンテナンス中止のお知らせ】12月10日(木) 22:00 データベース更新";
    assert!(
        subjects(&beta)
            .await
            .contains(&("hr@beta.example".to_owned(), cancelled.to_owned()))
    );
}

#[tokio::test]
async fn notice_mails_on_sqlite() {
    notice_mails(&Site::sqlite()).await;
}

#[tokio::test]
async fn notice_mails_on_postgres() {
    let Some(site) = Site::postgres("ops_notice_mails").await else {
        return;
    };
    notice_mails(&site).await;
}
