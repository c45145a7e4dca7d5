//! The 操作ログ through the site: administrative actions are listed newest first with who did
//! them and what changed, paged by 100; only ADMIN and administrators see it, and only their own
//! contract's.

use nencho_identity::{CompanyRole, Role};
use poem::http::StatusCode;

use crate::sites::{
    beta_admin, browser, log_in_as_admin, new_person, open_beta, open_site, registered_company,
};
use crate::{Backend, open_store};

fn actions(page: &str) -> Vec<String> {
    page.split(r#"<tr class="audit-entry" data-action=""#)
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| *c != '"').collect())
        .collect()
}

#[tokio::test]
async fn administrative_actions_are_listed_newest_first_with_who_and_what() {
    let fixture = open_store(Backend::Sqlite, "audit_log").await.unwrap();
    let (services, notice) = open_site(&fixture.store).await;
    let company = registered_company(&services, notice.tenant.id, "株式会社エー").await;
    let mut admin = browser(&fixture, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let admin_user = crate::sites::session_user(&services.app, &notice.tenant, &admin).await;
    let mut employee = browser(&fixture, "acme.localhost:8080");
    let taro = new_person(
        &services,
        &notice,
        &admin_user,
        &mut employee,
        "emp001",
        Role::General,
        None,
    )
    .await;

    let (status, page, _) = admin.get("/admin/audit-log").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        actions(&page),
        ["initial_password_issued"],
        "new_person's initial password, issued by the ADMIN"
    );
    admin.get("/admin/users").await;
    admin
        .post(&format!("/admin/users/{taro}/disable"), &[])
        .await;
    admin
        .post(&format!("/admin/users/{taro}/enable"), &[])
        .await;
    admin
        .post(&format!("/admin/users/{taro}/enable"), &[])
        .await;
    admin.get(&format!("/admin/users/{taro}/roles")).await;
    let (status, _, _) = admin
        .post(
            &format!("/admin/users/{taro}/roles"),
            &[
                ("company_id", company.id.to_string().as_str()),
                ("role", "clerk"),
                ("departments", "営業部、経理部"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    admin
        .post(
            &format!("/admin/users/{taro}/roles/{}/revoke", company.id),
            &[],
        )
        .await;
    admin
        .post(
            &format!("/admin/users/{taro}/roles/{}/revoke", company.id),
            &[],
        )
        .await;
    admin
        .post(
            &format!("/admin/users/{taro}/tenant-role"),
            &[("role", "administrator")],
        )
        .await;

    let (_, page, _) = admin.get("/admin/audit-log").await;
    assert_eq!(
        actions(&page),
        [
            "tenant_role_changed",
            "company_role_revoked",
            "company_role_assigned",
            "user_enabled",
            "user_disabled",
            "initial_password_issued",
        ],
        "newest first; enabling an enabled ID or revoking a role nobody holds records nothing"
    );
    assert!(page.contains("一般ユーザー → 管理者"), "{page}");
    assert!(
        page.contains("株式会社エー: 担当者(営業部、経理部)"),
        "{page}"
    );
    assert!(page.contains(r#"<td class="target">emp001</td>"#));
    assert!(page.contains("管理者(admin)"), "who did it");
    let (_, only, _) = admin
        .get("/admin/audit-log?action=company_role_assigned")
        .await;
    assert_eq!(
        actions(&only),
        ["company_role_assigned"],
        "one action's entries"
    );
    assert!(only.contains(r#"<option value="company_role_assigned" selected>"#));
    let (_, unknown, _) = admin.get("/admin/audit-log?action=nosuch").await;
    assert_eq!(
        actions(&unknown).len(),
        6,
        "an unknown action filters nothing"
    );

    // Only ADMIN and administrators; another contract sees none of it.
    let mut clerk = browser(&fixture, "acme.localhost:8080");
    new_person(
        &services,
        &notice,
        &admin_user,
        &mut clerk,
        "tanto",
        Role::General,
        Some((CompanyRole::Clerk, company.id)),
    )
    .await;
    let (status, _, _) = clerk.get("/admin/audit-log").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let beta = open_beta(&services).await;
    let mut other = beta_admin(&fixture, &beta).await;
    other.get("/password/initial").await;
    other
        .post(
            "/password/initial",
            &[
                ("new_password", "hoshi-no-shita-de-hashiru-usagi"),
                ("confirmation", "hoshi-no-shita-de-hashiru-usagi"),
            ],
        )
        .await;
    let (status, page, _) = other.get("/admin/audit-log").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="audit-none""#), "{page}");
}

#[tokio::test]
async fn the_log_pages_by_a_hundred() {
    let fixture = open_store(Backend::Sqlite, "audit_log_pages")
        .await
        .unwrap();
    let (services, notice) = open_site(&fixture.store).await;
    let mut admin = browser(&fixture, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let admin_user = crate::sites::session_user(&services.app, &notice.tenant, &admin).await;
    let mut employee = browser(&fixture, "acme.localhost:8080");
    let taro = new_person(
        &services,
        &notice,
        &admin_user,
        &mut employee,
        "emp001",
        Role::General,
        None,
    )
    .await;
    for n in 0..120 {
        nencho_app::users::set_user_enabled(&services.app, &admin_user, taro, n % 2 == 1)
            .await
            .unwrap();
    }
    let (_, first, _) = admin.get("/admin/audit-log").await;
    assert_eq!(actions(&first).len(), 100);
    let marker = r#"id="older" href=""#;
    let start = first.find(marker).expect("a link to older entries") + marker.len();
    let older: String = first[start..].chars().take_while(|c| *c != '"').collect();
    let (status, second, _) = admin.get(&older).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        actions(&second).len(),
        21,
        "the rest, the first issue included"
    );
    assert_eq!(
        actions(&second).last().map(String::as_str),
        Some("initial_password_issued")
    );
    assert!(!second.contains(r#"id="older""#));
    let (status, _, _) = admin.get("/admin/audit-log?before=not-a-number").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a bad cursor starts from the newest"
    );
}
