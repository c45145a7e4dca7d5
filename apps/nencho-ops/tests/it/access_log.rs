//! `nencho-ops access-log export` (LOG-2): one contract's access records of the JST days asked
//! for, as CSV (UTF-8 with BOM), oldest first, across pages, naming signed-in users by their
//! login ID and name; recorded in the operator log.

use nencho_kernel::UserId;
use nencho_ports::AccessRecord;
use time::macros::datetime;

use crate::site::{Site, assert_success, operator_actions, stderr, stdout, tenant};

const HEADER: &str = "at,client_ip,user_agent,method,path,route,status,duration_ms,request_id,user_id,login_id,user_name";

fn record(
    tenant_id: nencho_kernel::TenantId,
    at: time::OffsetDateTime,
    path: &str,
) -> AccessRecord {
    AccessRecord {
        tenant_id,
        at,
        client_ip: Some("203.0.113.7".parse().unwrap()),
        user_agent: "Mozilla/5.0".into(),
        method: "GET".into(),
        path: path.into(),
        route: None,
        status: 200,
        duration_ms: 3,
        request_id: Some("req-1".into()),
        user_id: None,
    }
}

#[tokio::test]
async fn one_contract_s_days_are_exported_oldest_first_and_the_export_is_logged() {
    let site = Site::sqlite();
    for slug in ["acme", "beta"] {
        assert_success(
            &site
                .ops(&[
                    "tenant",
                    "open",
                    "--slug",
                    slug,
                    "--name",
                    "株式会社テスト",
                    "--admin-email",
                    "admin@example.com",
                ])
                .await,
        );
    }
    let store = site.store().await;
    let acme = tenant(store.as_ref(), "acme").await.unwrap();
    let beta = tenant(store.as_ref(), "beta").await.unwrap();
    // The contract's ADMIN, whom the customer knows by login ID; and a user the store does not
    // have (any more), who keeps the id but has no login ID.
    let admin = store
        .list_users(acme.id)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("the contract's ADMIN");
    let user = admin.id;
    let unknown = UserId::generate(&nencho_kernel::SystemClock);
    // The 1st of November to the 30th, JST: 1,500 requests on the first day (more than a page),
    // the edges just outside, and beta's request inside.
    let first = datetime!(2026-11-01 00:00 +9);
    let mut records: Vec<AccessRecord> = (0..1_500)
        .map(|n| {
            record(
                acme.id,
                first + time::Duration::seconds(n),
                &format!("/n/{n}"),
            )
        })
        .collect();
    records.push(AccessRecord {
        user_id: Some(unknown),
        ..record(acme.id, datetime!(2026-11-30 23:59:58.25 +9), "/unknown")
    });
    records.push(AccessRecord {
        user_agent: "=cmd(), \"quoted\"".into(),
        user_id: Some(user),
        route: Some("/account/logins".into()),
        ..record(acme.id, datetime!(2026-11-30 23:59:59.5 +9), "/last")
    });
    records.push(record(
        acme.id,
        datetime!(2026-10-31 23:59:59 +9),
        "/before",
    ));
    records.push(record(acme.id, datetime!(2026-12-01 00:00 +9), "/after"));
    records.push(record(beta.id, datetime!(2026-11-15 12:00 +9), "/beta"));
    store.record_access(&records).await.unwrap();

    let output = site
        .ops(&[
            "--operator",
            "suzuki",
            "access-log",
            "export",
            "--slug",
            "acme",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
        ])
        .await;
    assert_success(&output);
    let csv = stdout(&output);
    assert!(csv.starts_with('\u{feff}'), "UTF-8 with BOM");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(lines[0], HEADER);
    assert_eq!(lines.len(), 1 + 1_502 + 1, "header, rows, the final CRLF");
    assert_eq!(
        lines[1],
        "2026-11-01T00:00:00.000+09:00,203.0.113.7,Mozilla/5.0,GET,/n/0,,200,3,req-1,,,"
    );
    assert!(lines[1_500].contains(",/n/1499,"));
    assert_eq!(
        lines[1_501],
        format!(
            "2026-11-30T23:59:58.250+09:00,203.0.113.7,Mozilla/5.0,GET,/unknown,,200,3,req-1,\
             {unknown},,"
        )
    );
    assert_eq!(
        lines[1_502],
        format!(
            "2026-11-30T23:59:59.500+09:00,203.0.113.7,\"'=cmd(), \"\"quoted\"\"\",GET,/last,\
             /account/logins,200,3,req-1,{user},{},{}",
            admin.login_id.as_str(),
            admin.display_name.as_str()
        )
    );
    assert!(
        lines[1_502].contains(&format!(",{},", admin.login_id.as_str())),
        "the login ID the customer knows"
    );
    assert!(!csv.contains("/before") && !csv.contains("/after") && !csv.contains("/beta"));

    // To a file: the same CSV, and a line saying where it went.
    let output = site
        .ops(&[
            "access-log",
            "export",
            "--slug",
            "acme",
            "--from",
            "2026-11-30",
            "--to",
            "2026-11-30",
            "--output",
            "acme.csv",
        ])
        .await;
    assert_success(&output);
    assert!(stdout(&output).contains("2 access records of acme"));
    let file = std::fs::read_to_string(site.working_dir.path().join("acme.csv")).unwrap();
    assert_eq!(file.lines().count(), 3);
    assert!(file.contains("/last"));
    assert!(file.contains(&format!(",{user},{},", admin.login_id.as_str())));

    let exports: Vec<(String, Option<String>, bool)> = operator_actions(store.as_ref())
        .await
        .into_iter()
        .filter(|action| action.command == "access-log export")
        .map(|action| (action.operator, action.tenant_slug, action.succeeded))
        .collect();
    assert_eq!(exports.len(), 2);
    assert_eq!(
        exports[1],
        ("suzuki".to_owned(), Some("acme".to_owned()), true)
    );
}

#[tokio::test]
async fn a_reversed_range_is_a_usage_error_and_an_unknown_contract_an_error() {
    let site = Site::sqlite();
    assert_success(&site.ops(&["migrate"]).await);
    let reversed = site
        .ops(&[
            "access-log",
            "export",
            "--slug",
            "acme",
            "--from",
            "2026-11-30",
            "--to",
            "2026-11-01",
        ])
        .await;
    assert_eq!(reversed.status.code(), Some(2), "{}", stderr(&reversed));
    let unknown = site
        .ops(&[
            "access-log",
            "export",
            "--slug",
            "nosuch",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
        ])
        .await;
    assert_eq!(unknown.status.code(), Some(1), "{}", stderr(&unknown));
    assert!(stderr(&unknown).contains("nosuch"));
}
