//! 提出状況のお知らせ as the worker runs it on the web server's SQLite store, with a fixed clock:
//! who gets which counts (each reviewer's own scope), once per business day, only when something
//! new was submitted, never naming an employee, and not for those who turned it off.

use nencho_app::filings::checks::set_checked;
use nencho_app::filings::review_digest::set_review_digest;
use nencho_app::sign_in::CurrentUser;
use nencho_filings::FilingStatus;
use nencho_identity::{
    CompanyRole, DisplayName, LoginId, PasswordHash, PasswordState, Role, RoleAssignment, User,
    UserStatus,
};
use nencho_kernel::{Clock, EmailAddress, FilingId, TaxYear, UserId};
use nencho_ports::{FilingWrite, OutboxMessage};
use nencho_tenancy::{Company, CompanyName, Employee};
use time::macros::datetime;

use super::reminders::{World, acme_on_november_20, employee, set_clock};

/// A user of the contract who can log in, with an e-mail address, holding `role` in `company`
/// (for `departments` only, when given).
async fn staff(world: &World, login: &str, role: Option<(CompanyRole, &Company, &[&str])>) -> User {
    let user = User {
        id: UserId::generate(world.clock.as_ref()),
        tenant_id: world.tenant.id,
        login_id: LoginId::parse(login).unwrap(),
        display_name: DisplayName::parse(&format!("担当 {login}")).unwrap(),
        email: Some(EmailAddress::parse(&format!("{login}@acme.example")).unwrap()),
        role: Role::General,
        status: UserStatus::Active,
        password: PasswordState::Chosen(PasswordHash::from_phc(
            "$pbkdf2-sha256$i=600000,l=32$c2FsdA$aGFzaA",
        )),
        created_at: world.clock.now(),
    };
    world
        .store
        .insert_user(world.tenant.id, &user)
        .await
        .unwrap();
    if let Some((role, company, departments)) = role {
        world
            .store
            .assign_role(
                world.tenant.id,
                &RoleAssignment {
                    user_id: user.id,
                    company_id: company.id,
                    role,
                    departments: departments.iter().map(|d| (*d).to_owned()).collect(),
                },
            )
            .await
            .unwrap();
    }
    user
}

async fn company(world: &World, name: &str) -> Company {
    let company = Company::register(
        world.tenant.id,
        CompanyName::parse(name).unwrap(),
        world.clock.as_ref(),
    );
    world
        .store
        .insert_company(world.tenant.id, &company)
        .await
        .unwrap();
    company
}

async fn in_department(
    world: &World,
    company: &Company,
    number: &str,
    department: &str,
) -> Employee {
    let mut employee = employee(&world.context, company, number, None).await;
    employee.department = Some(department.to_owned());
    world
        .store
        .update_employee(world.tenant.id, &employee)
        .await
        .unwrap();
    employee
}

/// The employee's 2026 declaration, submitted now.
async fn submit(world: &World, employee: &Employee) {
    let now = world.clock.now();
    let mut filing = nencho_filings::Filing::new(
        FilingId::generate(world.clock.as_ref()),
        world.tenant.id,
        employee.company_id,
        employee.id,
        TaxYear::new(2026).unwrap(),
        now,
    );
    filing.status = FilingStatus::Submitted;
    filing.submitted_at = Some(now);
    filing.version = 1;
    world
        .store
        .write_filings(
            world.tenant.id,
            &[FilingWrite {
                filing,
                expected_version: 0,
                event: None,
                changes: Vec::new(),
                mail: None,
            }],
        )
        .await
        .unwrap();
}

/// The digests queued so far, by recipient.
async fn digests(world: &World) -> Vec<OutboxMessage> {
    let mut mails: Vec<OutboxMessage> = world
        .store
        .list_mail(world.tenant.id, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|mail| mail.subject.contains("新しい提出"))
        .collect();
    mails.sort_by(|a, b| a.to.as_str().cmp(b.to.as_str()));
    mails
}

fn acting(world: &World, user: &User) -> CurrentUser {
    CurrentUser {
        user: user.clone(),
        ..world.admin.clone()
    }
}

#[tokio::test]
async fn each_reviewer_gets_the_new_submissions_of_their_scope_once_a_business_day() {
    let working_dir = tempfile::tempdir().unwrap();
    let world = acme_on_november_20(working_dir.path()).await;
    world
        .store
        .set_user_email(
            world.tenant.id,
            world.admin.user.id,
            Some(EmailAddress::parse("admin@acme.example").unwrap()),
        )
        .await
        .unwrap();
    let alpha = company(&world, "株式会社エー").await;
    let beta = company(&world, "株式会社ビー").await;
    let sales = staff(
        &world,
        "sales-approver",
        Some((CompanyRole::Approver, &alpha, &["営業部"])),
    )
    .await;
    staff(&world, "beta-clerk", Some((CompanyRole::Clerk, &beta, &[]))).await;
    staff(
        &world,
        "alpha-viewer",
        Some((CompanyRole::Viewer, &alpha, &[])),
    )
    .await;
    let quiet = staff(
        &world,
        "quiet-approver",
        Some((CompanyRole::Approver, &alpha, &[])),
    )
    .await;
    let gone = staff(
        &world,
        "gone-approver",
        Some((CompanyRole::Approver, &alpha, &[])),
    )
    .await;
    world
        .store
        .set_user_status(world.tenant.id, gone.id, UserStatus::Disabled)
        .await
        .unwrap();
    let employee = staff(&world, "employee", None).await;
    set_review_digest(&world.context, &acting(&world, &quiet), false)
        .await
        .unwrap();
    assert!(
        set_review_digest(&world.context, &acting(&world, &employee), false)
            .await
            .is_err(),
        "the digest is not an employee's to set"
    );

    let salesperson = in_department(&world, &alpha, "0001", "営業部").await;
    let clerk = in_department(&world, &alpha, "0002", "総務部").await;
    let beta_employee = in_department(&world, &beta, "0001", "営業部").await;

    // Wed 2026-11-25 17:00 JST: three declarations come in.
    set_clock(&world.clock, datetime!(2026-11-25 08:00 UTC));
    submit(&world, &salesperson).await;
    submit(&world, &clerk).await;
    submit(&world, &beta_employee).await;
    // Thu 11-26 07:59 JST: not yet.
    set_clock(&world.clock, datetime!(2026-11-25 22:59 UTC));
    let early = nencho_worker::run_review_digests(&world.context)
        .await
        .unwrap();
    assert!(early.sent.is_empty(), "{early:?}");

    // Thu 08:00 JST: the digest.
    set_clock(&world.clock, datetime!(2026-11-25 23:00 UTC));
    let report = nencho_worker::run_review_digests(&world.context)
        .await
        .unwrap();
    assert_eq!(report.sent.len(), 1, "{report:?}");
    assert_eq!((report.sent[0].new, report.sent[0].mails), (3, 3));
    let mails = digests(&world).await;
    let recipients: Vec<&str> = mails.iter().map(|mail| mail.to.as_str()).collect();
    assert_eq!(
        recipients,
        [
            "admin@acme.example",
            "beta-clerk@acme.example",
            "sales-approver@acme.example"
        ],
        "reviewers only: not the 参照者, not one who turned it off, not a disabled ID"
    );
    let admin = &mails[0];
    assert_eq!(
        admin.subject,
        "令和8年分 年末調整: 新しい提出 3件(確認待ち 3件)"
    );
    assert!(
        admin
            .body
            .contains("■ 株式会社エー\n  新しい提出: 2件 / 確認待ち(提出済): 2件"),
        "{}",
        admin.body
    );
    assert!(
        admin
            .body
            .contains("■ 株式会社ビー\n  新しい提出: 1件 / 確認待ち(提出済): 1件"),
        "{}",
        admin.body
    );
    assert!(
        admin.body.contains(&format!(
            "http://acme.localhost:8080/admin/companies/{}/filings/2026?status=submitted",
            alpha.id
        )),
        "{}",
        admin.body
    );
    assert!(
        !admin.body.contains("山田") && !admin.body.contains("太郎"),
        "no employee is named: {}",
        admin.body
    );
    assert!(
        !admin.body.contains("うち確認済"),
        "nothing checked yet: {}",
        admin.body
    );
    let clerk_mail = &mails[1];
    assert!(clerk_mail.body.contains("株式会社ビー") && !clerk_mail.body.contains("株式会社エー"));
    let sales_mail = &mails[2];
    assert!(
        sales_mail
            .body
            .contains("新しい提出: 1件 / 確認待ち(提出済): 1件")
            && sales_mail.subject.contains("新しい提出 1件"),
        "営業部 only: {}",
        sales_mail.body
    );
    assert!(
        sales_mail
            .body
            .starts_with(&format!("{} 様", sales.display_name.as_str()))
    );

    // The same day again, or a second worker: nothing more.
    let again = nencho_worker::run_review_digests(&world.context)
        .await
        .unwrap();
    assert!(
        again.sent.is_empty() && again.already_sent == 0,
        "{again:?}"
    );
    assert_eq!(digests(&world).await.len(), 3);

    // Fri 11-27 08:05 JST: nothing new since Thursday's digest — claimed, no mail.
    set_clock(&world.clock, datetime!(2026-11-26 23:05 UTC));
    let quiet_day = nencho_worker::run_review_digests(&world.context)
        .await
        .unwrap();
    assert_eq!(
        (quiet_day.sent[0].new, quiet_day.mails()),
        (0, 0),
        "{quiet_day:?}"
    );

    // Fri 12:00 JST one more in 総務部, and the ADMIN checks 営業部's (一次確認); Saturday has
    // no digest; Monday 11-30 has it, since Friday's.
    set_clock(&world.clock, datetime!(2026-11-27 03:00 UTC));
    let sold = world
        .store
        .find_filing_of(world.tenant.id, salesperson.id, TaxYear::new(2026).unwrap())
        .await
        .unwrap()
        .unwrap();
    set_checked(&world.context, &world.admin, sold.id, sold.version, true)
        .await
        .unwrap();
    let late = in_department(&world, &alpha, "0003", "総務部").await;
    submit(&world, &late).await;
    set_clock(&world.clock, datetime!(2026-11-28 01:00 UTC));
    let saturday = nencho_worker::run_review_digests(&world.context)
        .await
        .unwrap();
    assert!(saturday.sent.is_empty(), "{saturday:?}");
    set_clock(&world.clock, datetime!(2026-11-29 23:10 UTC));
    let monday = nencho_worker::run_review_digests(&world.context)
        .await
        .unwrap();
    assert_eq!((monday.sent[0].new, monday.mails()), (1, 1), "{monday:?}");
    let mails = digests(&world).await;
    let monday_mail = mails
        .iter()
        .find(|mail| {
            mail.to.as_str() == "admin@acme.example" && mail.subject.contains("新しい提出 1件")
        })
        .expect("the ADMIN is told of 総務部's submission; 営業部's approver is not");
    assert!(
        monday_mail.body.contains("前回のお知らせ(2026年11月27日"),
        "{}",
        monday_mail.body
    );
    assert!(
        monday_mail
            .body
            .contains("■ 株式会社エー\n  新しい提出: 1件 / 確認待ち(提出済): 3件"),
        "{}",
        monday_mail.body
    );
    assert!(
        monday_mail.body.contains(&format!(
            "  うち確認済(承認待ち): 1件\n  http://acme.localhost:8080/admin/companies/{}/filings/2026?checked=yes\n",
            alpha.id
        )),
        "the checked ones, for the approver: {}",
        monday_mail.body
    );
    assert_eq!(mails.len(), 4);
}
