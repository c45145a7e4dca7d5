//! The automatic reminders before the filing deadline (YEA-4), as the worker runs them on the
//! same SQLite store the web server uses, with a fixed clock standing for "now".

use std::sync::Arc;

use nencho_app::filings::deadlines::set_own_deadline;
use nencho_app::filings::periods::{PeriodsInput, set_periods};
use nencho_app::filings::requests::{Recipients, request_filings};
use nencho_app::sign_in::CurrentUser;
use nencho_app::tenancy::{OpenTenantRequest, open_tenant};
use nencho_bootstrap::{Settings, SettingsArgs};
use nencho_filings::{Actor, Author, FilingAction};
use nencho_identity::TokenHash;
use nencho_kernel::{Clock, EmailAddress, EmployeeId, FixedClock, TaxYear};
use nencho_ports::FilingWrite;
use nencho_tenancy::{Company, CompanyName, Employee, EmployeeNumber, EmploymentType, PersonName};
use time::OffsetDateTime;
use time::macros::{date, datetime};

/// A worker's view of one contract on a fresh SQLite store, with its ADMIN.
pub(super) struct World {
    pub(super) store: Arc<dyn nencho_ports::Store>,
    pub(super) clock: Arc<FixedClock>,
    pub(super) context: nencho_app::AppContext,
    pub(super) tenant: nencho_tenancy::Tenant,
    pub(super) admin: CurrentUser,
}

/// acme opened on the store under `data_dir`, at 2026-11-20 10:00 JST.
pub(super) async fn acme_on_november_20(data_dir: &std::path::Path) -> World {
    let settings = Settings::load(&SettingsArgs {
        data_dir: Some(data_dir.join("state")),
        ..SettingsArgs::default()
    })
    .unwrap();
    let store = nencho_bootstrap::store::open(&settings.database)
        .await
        .unwrap();
    let clock = Arc::new(FixedClock::at(datetime!(2026-11-20 01:00 UTC)));
    let mut context = nencho_bootstrap::context::app_context(&settings, store.clone()).unwrap();
    context.clock = clock.clone();
    let tenant = open_tenant(
        &context,
        OpenTenantRequest {
            slug: "acme",
            name: "株式会社アクメ",
            contact_email: "hr@acme.example",
            admin_email: None,
        },
    )
    .await
    .unwrap()
    .tenant;
    let admin = CurrentUser {
        tenant: tenant.clone(),
        user: store.list_users(tenant.id).await.unwrap().remove(0),
        session: TokenHash::from_hex("0".repeat(64)),
        stage: nencho_identity::SessionStage::Complete,
    };
    World {
        store,
        clock,
        context,
        tenant,
        admin,
    }
}

pub(super) fn set_clock(clock: &FixedClock, at: OffsetDateTime) {
    clock.advance(at - clock.now());
}

pub(super) async fn employee(
    context: &nencho_app::AppContext,
    company: &Company,
    number: &str,
    email: Option<&str>,
) -> Employee {
    let employee = Employee {
        id: EmployeeId::generate(context.clock.as_ref()),
        tenant_id: company.tenant_id,
        company_id: company.id,
        number: EmployeeNumber::parse(number).unwrap(),
        name: PersonName {
            family: "山田".into(),
            given: format!("太郎{number}"),
            family_kana: "ヤマダ".into(),
            given_kana: "タロウ".into(),
        },
        birth_date: date!(1985 - 04 - 01),
        postal_code: None,
        address: "東京都千代田区丸の内1-1-1".into(),
        email: email.map(|email| EmailAddress::parse(email).unwrap()),
        department: None,
        employment_type: EmploymentType::Regular,
        hire_date: Some(date!(2015 - 04 - 01)),
        leave_date: None,
        user_id: None,
        updated_at: context.clock.now(),
    };
    context
        .store
        .insert_employee(company.tenant_id, &employee)
        .await
        .unwrap();
    employee
}

/// The company's 2026 periods: the filing period 11/10〜11/30 in an adjustment to 1/31.
async fn filing_in_november(
    context: &nencho_app::AppContext,
    admin: &CurrentUser,
    company: &Company,
) {
    set_periods(
        context,
        admin,
        company.id,
        TaxYear::new(2026).unwrap(),
        PeriodsInput {
            adjustment_start: date!(2026 - 11 - 01),
            adjustment_end: date!(2027 - 01 - 31),
            filing_start: date!(2026 - 11 - 10),
            filing_end: date!(2026 - 11 - 30),
            refiling: None,
            year_round_changes: false,
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn unsubmitted_employees_are_reminded_once_three_days_before_the_deadline() {
    let working_dir = tempfile::tempdir().unwrap();
    // 2026-11-20 10:00 in Japan: inside the filing period 11/10〜11/30.
    let World {
        store,
        clock,
        context,
        tenant,
        admin,
    } = acme_on_november_20(working_dir.path()).await;
    let company = Company::register(
        tenant.id,
        CompanyName::parse("株式会社エー").unwrap(),
        clock.as_ref(),
    );
    store.insert_company(tenant.id, &company).await.unwrap();
    employee(&context, &company, "0001", Some("taro@acme.example")).await;
    let submitter = employee(&context, &company, "0002", Some("hanako@acme.example")).await;
    employee(&context, &company, "0003", Some("jiro@acme.example")).await;
    employee(&context, &company, "0004", None).await;
    let year = TaxYear::new(2026).unwrap();
    filing_in_november(&context, &admin, &company).await;
    request_filings(&context, &admin, company.id, year, Recipients::Everyone)
        .await
        .unwrap();
    // 0002 submits (entered by staff here; the workflow is the same).
    submit(&context, &admin, &submitter, year).await;

    // 11/20: ten days before the deadline, nothing is due.
    let report = nencho_worker::run_reminders(&context).await.unwrap();
    assert!(
        report.sent.is_empty() && report.failed.is_empty(),
        "{report:?}"
    );
    assert!(automatic_mails(&store, &tenant).await.is_empty());

    // 11/27 08:50 in Japan: the 3-day reminder is due from 09:00.
    set_clock(&clock, datetime!(2026-11-26 23:50 UTC));
    let report = nencho_worker::run_reminders(&context).await.unwrap();
    assert!(report.sent.is_empty(), "{report:?}");

    // 11/27 09:00: three days before the last day.
    set_clock(&clock, datetime!(2026-11-27 00:00 UTC));
    let report = nencho_worker::run_reminders(&context).await.unwrap();
    assert_eq!(report.sent.len(), 1, "{report:?}");
    let sent = &report.sent[0];
    assert_eq!(sent.company_id, company.id);
    assert_eq!(sent.reminder.day, date!(2026 - 11 - 27));
    assert_eq!(sent.reminder.days_before, 3);
    assert_eq!((sent.outcome.done, sent.outcome.without_email), (3, 1));
    assert_eq!(report.mails(), 2);
    let mails = automatic_mails(&store, &tenant).await;
    let mut to: Vec<_> = mails.iter().map(|mail| mail.to.as_str()).collect();
    to.sort_unstable();
    assert_eq!(
        to,
        ["jiro@acme.example", "taro@acme.example"],
        "one per unsubmitted employee with an address; none to the one who submitted"
    );
    for mail in &mails {
        assert!(mail.subject.contains("あと3日"), "{}", mail.subject);
        assert!(mail.body.contains("自動送信"), "{}", mail.body);
        assert!(mail.body.contains("令和8年11月30日"), "{}", mail.body);
        assert!(mail.body.contains("/filings/2026"), "{}", mail.body);
    }

    // The next runs (10 minutes later, or at once by another worker) send nothing.
    let again = nencho_worker::run_reminders(&context).await.unwrap();
    assert!(again.sent.is_empty(), "{again:?}");
    clock.advance(time::Duration::minutes(10));
    let again = nencho_worker::run_reminders(&context).await.unwrap();
    assert!(again.sent.is_empty(), "{again:?}");
    assert_eq!(automatic_mails(&store, &tenant).await.len(), 2);

    // After the last day, nothing more.
    set_clock(&clock, datetime!(2026-12-01 00:00 UTC));
    let after = nencho_worker::run_reminders(&context).await.unwrap();
    assert!(after.sent.is_empty(), "{after:?}");
    assert_eq!(automatic_mails(&store, &tenant).await.len(), 2);
}

#[tokio::test]
async fn the_worker_looks_for_due_reminders_at_start() {
    let working_dir = tempfile::tempdir().unwrap();
    let mut worker = nencho_testkit::command(super::BINARY, working_dir.path());
    worker.args(["--data-dir", "state"]);
    let mut worker = nencho_testkit::RunningProcess::spawn(worker);
    let done = worker.wait_for_log("filing reminders done").await;
    assert_eq!(done["companies"], 0, "{done}");
    assert_eq!(done["failed"], 0, "{done}");
    let (status, log) = worker.terminate().await;
    assert!(status.success(), "{log:?}");
}

#[tokio::test]
async fn a_company_that_turned_automatic_reminders_off_gets_none() {
    let working_dir = tempfile::tempdir().unwrap();
    let World {
        store,
        clock,
        context,
        tenant,
        admin,
    } = acme_on_november_20(working_dir.path()).await;
    let mut company = Company::register(
        tenant.id,
        CompanyName::parse("株式会社エー").unwrap(),
        clock.as_ref(),
    );
    company.profile.auto_reminders = false;
    store.insert_company(tenant.id, &company).await.unwrap();
    employee(&context, &company, "0001", Some("taro@acme.example")).await;
    let year = TaxYear::new(2026).unwrap();
    filing_in_november(&context, &admin, &company).await;
    request_filings(&context, &admin, company.id, year, Recipients::Everyone)
        .await
        .unwrap();

    // 11/27 09:00: the 3-day reminder would be due, but the company turned reminders off.
    set_clock(&clock, datetime!(2026-11-27 00:00 UTC));
    let report = nencho_worker::run_reminders(&context).await.unwrap();
    assert!(
        report.sent.is_empty() && report.failed.is_empty() && report.already_sent == 0,
        "{report:?}"
    );
    assert!(automatic_mails(&store, &tenant).await.is_empty());

    // Turned back on: the reminder still due is sent, once.
    company.profile.auto_reminders = true;
    store.update_company(tenant.id, &company).await.unwrap();
    let report = nencho_worker::run_reminders(&context).await.unwrap();
    assert_eq!(report.sent.len(), 1, "{report:?}");
    assert_eq!(automatic_mails(&store, &tenant).await.len(), 1);
}

/// `employee`'s requested declaration handed in by staff (the workflow is the employee's own).
async fn submit(
    context: &nencho_app::AppContext,
    admin: &CurrentUser,
    employee: &Employee,
    year: TaxYear,
) {
    let requested = context
        .store
        .find_filing_of(admin.tenant.id, employee.id, year)
        .await
        .unwrap()
        .unwrap();
    let submitted = requested
        .apply(
            &FilingAction::Submit { note: None },
            &Author {
                id: admin.user.id,
                name: "管理者 (admin)".into(),
                kind: Actor::Staff,
            },
            None,
            context.clock.now(),
        )
        .unwrap();
    context
        .store
        .write_filings(
            admin.tenant.id,
            &[FilingWrite {
                filing: submitted.filing,
                expected_version: requested.version,
                event: submitted.event,
                changes: submitted.changes,
                mail: None,
            }],
        )
        .await
        .unwrap();
}

/// The mails the worker sent on its own (【自動送信】), oldest first.
async fn automatic_mails(
    store: &Arc<dyn nencho_ports::Store>,
    tenant: &nencho_tenancy::Tenant,
) -> Vec<nencho_ports::OutboxMessage> {
    store
        .list_mail(tenant.id, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|mail| mail.subject.starts_with("【自動送信】"))
        .collect()
}

#[tokio::test]
async fn an_employee_given_a_later_deadline_is_reminded_toward_it_instead() {
    let working_dir = tempfile::tempdir().unwrap();
    let World {
        store,
        clock,
        context,
        tenant,
        admin,
    } = acme_on_november_20(working_dir.path()).await;
    let company = Company::register(
        tenant.id,
        CompanyName::parse("株式会社エー").unwrap(),
        clock.as_ref(),
    );
    store.insert_company(tenant.id, &company).await.unwrap();
    employee(&context, &company, "0001", Some("taro@acme.example")).await;
    let late = employee(&context, &company, "0002", Some("hanako@acme.example")).await;
    let year = TaxYear::new(2026).unwrap();
    filing_in_november(&context, &admin, &company).await;
    request_filings(&context, &admin, company.id, year, Recipients::Everyone)
        .await
        .unwrap();
    // 0002 may hand in until 12/07: the schedule 11/30 (7 days before), 12/04, 12/06, 12/07.
    let filing = store
        .find_filing_of(tenant.id, late.id, year)
        .await
        .unwrap()
        .unwrap();
    set_own_deadline(
        &context,
        &admin,
        filing.id,
        filing.version,
        Some(date!(2026 - 12 - 07)),
    )
    .await
    .unwrap();
    let to = |mails: &[nencho_ports::OutboxMessage]| -> Vec<String> {
        mails
            .iter()
            .map(|mail| mail.to.as_str().to_owned())
            .collect()
    };

    // 11/27 09:00: the company's 3-day reminder goes to 0001 only; 0002's first is not due.
    set_clock(&clock, datetime!(2026-11-27 00:00 UTC));
    let report = nencho_worker::run_reminders(&context).await.unwrap();
    assert_eq!(report.sent.len(), 1, "{report:?}");
    assert!(report.own_deadlines.is_empty(), "{report:?}");
    assert_eq!(
        to(&automatic_mails(&store, &tenant).await),
        ["taro@acme.example"]
    );

    // 11/30 09:00: the company's last day for 0001, seven days before her own for 0002.
    set_clock(&clock, datetime!(2026-11-30 00:00 UTC));
    let report = nencho_worker::run_reminders(&context).await.unwrap();
    assert_eq!(report.sent.len(), 1, "{report:?}");
    assert_eq!(report.own_deadlines.len(), 1, "{report:?}");
    let own = &report.own_deadlines[0];
    assert_eq!(
        (
            own.filing_id,
            own.reminder.day,
            own.reminder.days_before,
            own.mailed
        ),
        (filing.id, date!(2026 - 11 - 30), 7, true)
    );
    assert_eq!(report.mails(), 2);
    let mails = automatic_mails(&store, &tenant).await;
    let hers: Vec<_> = mails
        .iter()
        .filter(|mail| mail.to.as_str() == "hanako@acme.example")
        .collect();
    assert_eq!(hers.len(), 1, "{mails:?}");
    assert!(hers[0].subject.contains("あと7日"), "{}", hers[0].subject);
    assert!(
        hers[0].body.contains("令和8年12月7日"),
        "her own deadline, not the company's: {}",
        hers[0].body
    );
    let again = nencho_worker::run_reminders(&context).await.unwrap();
    assert!(again.own_deadlines.is_empty(), "once: {again:?}");

    // 12/04 08:59: not yet; 09:00: the 3-day one, the company's period being over.
    set_clock(&clock, datetime!(2026-12-03 23:59 UTC));
    let report = nencho_worker::run_reminders(&context).await.unwrap();
    assert!(report.own_deadlines.is_empty(), "{report:?}");
    set_clock(&clock, datetime!(2026-12-04 00:00 UTC));
    let report = nencho_worker::run_reminders(&context).await.unwrap();
    assert!(report.sent.is_empty(), "{report:?}");
    assert_eq!(report.own_deadlines.len(), 1, "{report:?}");
    assert_eq!(report.own_deadlines[0].reminder.days_before, 3);
    assert_eq!(automatic_mails(&store, &tenant).await.len(), 4);

    // Handed in: no more reminders toward her day.
    submit(&context, &admin, &late, year).await;
    set_clock(&clock, datetime!(2026-12-06 00:00 UTC));
    let report = nencho_worker::run_reminders(&context).await.unwrap();
    assert!(report.own_deadlines.is_empty(), "{report:?}");
    assert_eq!(automatic_mails(&store, &tenant).await.len(), 4);
}
