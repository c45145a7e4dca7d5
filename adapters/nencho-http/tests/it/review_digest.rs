//! 提出状況のお知らせ on the address page: a 承認者 sees the setting and turns it off and on
//! (the store follows), a missing choice is a 422 that keeps the page, and an employee never sees
//! it.

use nencho_identity::{CompanyRole, Role};
use poem::http::StatusCode;

use crate::sites::{browser, log_in_as_admin, new_person, open_site, registered_company};
use crate::{Backend, open_store};

#[tokio::test]
async fn a_reviewer_turns_the_submission_digest_off_and_on_and_an_employee_has_none() {
    let fixture = open_store(Backend::Sqlite, "review_digest").await.unwrap();
    let (services, notice) = open_site(&fixture.store).await;
    let tenant = notice.tenant.id;
    let company = registered_company(&services, tenant, "株式会社エー").await;
    let mut admin = browser(&fixture, "acme.localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let admin_user = crate::sites::session_user(&services.app, &notice.tenant, &admin).await;
    let mut approver = browser(&fixture, "acme.localhost:8080");
    let approver_id = new_person(
        &services,
        &notice,
        &admin_user,
        &mut approver,
        "approver",
        Role::General,
        Some((CompanyRole::Approver, company.id)),
    )
    .await;

    let (status, page, _) = approver.get("/account/email").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<section id="review-digest""#), "{page}");
    assert!(page.contains(r#"value="on" checked"#), "on by default");
    assert!(
        page.contains(r#"id="digest-no-email""#),
        "without an address the page says no digest can arrive"
    );

    let (status, _, location) = approver
        .post("/account/notifications", &[("receive", "off")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/account/email?notice=digest_saved")
    );
    assert_eq!(
        services
            .app
            .store
            .review_digest_opt_outs(tenant)
            .await
            .unwrap(),
        [approver_id]
    );
    let (_, page, _) = approver.get("/account/email?notice=digest_saved").await;
    assert!(page.contains("提出状況のお知らせの設定を保存しました。"));
    assert!(page.contains(r#"value="off" checked"#), "{page}");

    let (status, page, _) = approver.post("/account/notifications", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(r#"id="digest-error""#) && page.contains("選んでください"));
    assert!(
        page.contains(r#"value="off" checked"#),
        "the setting is unchanged"
    );

    approver
        .post("/account/notifications", &[("receive", "on")])
        .await;
    assert!(
        services
            .app
            .store
            .review_digest_opt_outs(tenant)
            .await
            .unwrap()
            .is_empty()
    );

    let mut employee = browser(&fixture, "acme.localhost:8080");
    new_person(
        &services,
        &notice,
        &admin_user,
        &mut employee,
        "e0001",
        Role::General,
        None,
    )
    .await;
    let (status, page, _) = employee.get("/account/email").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("review-digest"), "employees have no digest");
    let (status, _, _) = employee
        .post("/account/notifications", &[("receive", "off")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        services
            .app
            .store
            .review_digest_opt_outs(tenant)
            .await
            .unwrap()
            .is_empty()
    );
}
