//! The declaration use cases end to end over a real SQLite store, with the fixed clock standing
//! for "today" (periods are Japanese calendar days): periods and their change log, requests and
//! reminders, the employee's own flow, review and approval, roles and their scope, proxy entry,
//! the carry-over from last year, and the dashboard and payroll rows.

use nencho_app::AppError;
use nencho_app::filings::exclusions::{
    ExcludedEmployee, ExclusionRequest, MAX_EXCLUSIONS_AT_ONCE, exclude_employees,
    excluded_employees, include_filing,
};
use nencho_app::filings::own::{
    own_filing, save_own_filing, submit_own_filing, withdraw_own_filing,
};
use nencho_app::filings::payroll::{payroll_page, start_payroll_export};
use nencho_app::filings::periods::{PeriodsInput, periods_of, set_periods};
use nencho_app::filings::requests::{Outcome, Recipients, remind, request_filings};
use nencho_app::filings::review::{
    BULK_APPROVAL_LIMIT, DashboardRequest, SkipReason, approve_filing, approve_many, dashboard,
    progress_by_department, proxy_save, proxy_submit, reopen_filing, return_filing, review,
    review_employee,
};
use nencho_app::sign_in::CurrentUser;
use nencho_app::tenancy::{ActivationNotice, OpenTenantRequest, open_tenant};
use nencho_app::users::assign_company_role;
use nencho_filings::{
    Answers, Declaration, EditScope, ExclusionReason, Filing, FilingStatus, LifeContractAge,
    LifePolicy, LifePolicyKind, NextYearSection, PersonName as Name, Problem, RelativeEntry,
    SpouseEntry, TaxpayerSection, compute,
};
use nencho_identity::{
    CompanyRole, DisplayName, LoginId, PasswordState, Role, TokenHash, User, UserStatus,
};
use nencho_kernel::{Clock, EmailAddress, EmployeeId, TaxYear, UserId, Yen};
use nencho_ports::{
    CompanyStore, EmployeeStore, FilingStore, OutboxMessage, OutboxStore, UserStore,
};
use nencho_tenancy::{Company, CompanyName, Employee, EmployeeNumber, EmploymentType, PersonName};
use time::OffsetDateTime;
use time::macros::{date, datetime};

use crate::support::{World, acme, logged_in, world};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn year(year: i32) -> TaxYear {
    TaxYear::new(year).unwrap()
}

/// Moves the world's clock to `at` (forward or backward).
fn set_clock(world: &World, at: OffsetDateTime) {
    let now = world.clock.now();
    world.clock.advance(at - now);
}

/// A tenant with its ADMIN logged in and one company.
struct Tenant {
    world: World,
    notice: ActivationNotice,
    admin: CurrentUser,
    company: Company,
}

async fn tenant() -> Tenant {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = company(&world, &notice, "株式会社エー").await;
    Tenant {
        world,
        notice,
        admin,
        company,
    }
}

async fn company(world: &World, notice: &ActivationNotice, name: &str) -> Company {
    let company = Company::register(
        notice.tenant.id,
        CompanyName::parse(name).unwrap(),
        world.clock.as_ref(),
    );
    world
        .store
        .insert_company(notice.tenant.id, &company)
        .await
        .unwrap();
    company
}

/// A general user of the tenant, as the session would present them (the use cases read the
/// grants from the store, not from the session).
async fn user(world: &World, notice: &ActivationNotice, login_id: &str, name: &str) -> CurrentUser {
    let user = User {
        id: UserId::generate(world.clock.as_ref()),
        tenant_id: notice.tenant.id,
        login_id: LoginId::parse(login_id).unwrap(),
        display_name: DisplayName::parse(name).unwrap(),
        email: None,
        role: Role::General,
        status: UserStatus::Active,
        password: PasswordState::NotSet,
        created_at: world.clock.now(),
    };
    world
        .store
        .insert_user(notice.tenant.id, &user)
        .await
        .unwrap();
    CurrentUser {
        tenant: notice.tenant.clone(),
        user,
        session: TokenHash::from_hex("0".repeat(64)),
        stage: nencho_identity::SessionStage::Complete,
    }
}

/// A general user with a limited role in `company`, given by the ADMIN.
async fn staff(
    tenant: &Tenant,
    login_id: &str,
    company: &Company,
    role: CompanyRole,
    departments: &[&str],
) -> CurrentUser {
    let staff = user(&tenant.world, &tenant.notice, login_id, "佐藤 花子").await;
    assign_company_role(
        &tenant.world.context,
        &tenant.admin,
        staff.user.id,
        company.id,
        role,
        departments.iter().map(|&d| d.to_owned()).collect(),
    )
    .await
    .unwrap();
    staff
}

struct NewEmployee<'a> {
    number: &'a str,
    email: Option<&'a str>,
    department: Option<&'a str>,
    user: Option<UserId>,
    left: bool,
}

impl<'a> NewEmployee<'a> {
    fn numbered(number: &'a str) -> Self {
        Self {
            number,
            email: None,
            department: None,
            user: None,
            left: false,
        }
    }

    fn email(self, email: &'a str) -> Self {
        Self {
            email: Some(email),
            ..self
        }
    }

    fn department(self, department: &'a str) -> Self {
        Self {
            department: Some(department),
            ..self
        }
    }

    fn user(self, user: &CurrentUser) -> Self {
        Self {
            user: Some(user.user.id),
            ..self
        }
    }

    fn left(self) -> Self {
        Self { left: true, ..self }
    }
}

async fn employee(world: &World, company: &Company, new: NewEmployee<'_>) -> Employee {
    let employee = Employee {
        id: EmployeeId::generate(world.clock.as_ref()),
        tenant_id: company.tenant_id,
        company_id: company.id,
        number: EmployeeNumber::parse(new.number).unwrap(),
        name: PersonName {
            family: "山田".into(),
            given: format!("太郎{}", new.number),
            family_kana: "ヤマダ".into(),
            given_kana: "タロウ".into(),
        },
        birth_date: date!(1985 - 04 - 01),
        postal_code: None,
        address: "東京都千代田区丸の内1-1-1".into(),
        email: new.email.map(|email| EmailAddress::parse(email).unwrap()),
        department: new.department.map(str::to_owned),
        employment_type: EmploymentType::Regular,
        hire_date: Some(date!(2015 - 04 - 01)),
        leave_date: new.left.then_some(date!(2026 - 03 - 31)),
        user_id: new.user,
        updated_at: world.clock.now(),
    };
    world
        .store
        .insert_employee(company.tenant_id, &employee)
        .await
        .unwrap();
    employee
}

/// 2026: adjustment 11/1〜1/31, filing 11/10〜11/30, re-filing 1/5〜1/20.
fn periods_2026() -> PeriodsInput {
    PeriodsInput {
        adjustment_start: date!(2026 - 11 - 01),
        adjustment_end: date!(2027 - 01 - 31),
        filing_start: date!(2026 - 11 - 10),
        filing_end: date!(2026 - 11 - 30),
        refiling: Some((date!(2027 - 01 - 05), date!(2027 - 01 - 20))),
        year_round_changes: false,
    }
}

fn periods_2025() -> PeriodsInput {
    PeriodsInput {
        adjustment_start: date!(2025 - 11 - 01),
        adjustment_end: date!(2026 - 01 - 31),
        filing_start: date!(2025 - 11 - 10),
        filing_end: date!(2025 - 11 - 30),
        refiling: None,
        year_round_changes: false,
    }
}

/// 2026-11-20 10:00 in Japan: inside the 2026 filing period.
const IN_FILING_2026: OffsetDateTime = datetime!(2026-11-20 01:00 UTC);

async fn open_2026(tenant: &Tenant, company: &Company) {
    set_periods(
        &tenant.world.context,
        &tenant.admin,
        company.id,
        year(2026),
        periods_2026(),
    )
    .await
    .unwrap();
}

/// A document that can be submitted: every question answered, a spouse without income, a
/// daughter born 2006 (20 at the end of 2026: 特定扶養親族) and two new-contract life policies
/// (一般 80,000円, 介護医療 30,000円).
fn complete_document() -> Declaration {
    Declaration {
        answers: Answers {
            has_spouse: Some(true),
            has_dependents: Some(true),
            paid_life_insurance: Some(true),
            paid_earthquake_insurance: Some(false),
            paid_social_insurance: Some(false),
            paid_mutual_aid: Some(false),
            has_housing_loan: Some(false),
            had_previous_employer: None,
        },
        taxpayer: TaxpayerSection {
            estimated_salary: Yen::new(6_000_000),
            ..TaxpayerSection::default()
        },
        spouse: Some(SpouseEntry {
            name: Name {
                name: "山田 花子".into(),
                kana: "ヤマダ ハナコ".into(),
            },
            birth_date: date!(1988 - 06 - 15),
            estimated_income: Yen::ZERO,
            disability: Default::default(),
            lives_together: true,
            non_resident: false,
        }),
        relatives: vec![relative("山田 一子", "長女", date!(2006 - 05 - 10))],
        life_policies: vec![
            LifePolicy {
                insurer: "日本生命保険相互会社".into(),
                policy_type: "終身".into(),
                kind: LifePolicyKind::General,
                contract: LifeContractAge::New,
                period: "終身".into(),
                beneficiary: "山田 花子".into(),
                premium: Yen::new(80_000),
            },
            LifePolicy {
                insurer: "アフラック生命保険株式会社".into(),
                policy_type: "医療".into(),
                kind: LifePolicyKind::CareMedical,
                contract: LifeContractAge::New,
                period: "終身".into(),
                beneficiary: "山田 太郎".into(),
                premium: Yen::new(30_000),
            },
        ],
        // 翌年分 扶養控除等申告書: next year's family is this year's.
        next_year: NextYearSection {
            same_as_this_year: Some(true),
            ..NextYearSection::default()
        },
        ..Declaration::default()
    }
}

fn relative(name: &str, relationship: &str, birth_date: time::Date) -> RelativeEntry {
    RelativeEntry {
        name: Name {
            name: name.into(),
            kana: String::new(),
        },
        relationship: relationship.into(),
        birth_date,
        estimated_income: Yen::ZERO,
        lives_together: true,
        lineal_ascendant: false,
        disability: Default::default(),
        claimed_by_other_earner: false,
        non_resident: false,
    }
}

async fn filing_of(tenant: &Tenant, employee: &Employee, tax_year: i32) -> Option<Filing> {
    tenant
        .world
        .store
        .find_filing_of(tenant.notice.tenant.id, employee.id, year(tax_year))
        .await
        .unwrap()
}

async fn mail(tenant: &Tenant) -> Vec<OutboxMessage> {
    tenant
        .world
        .store
        .list_mail(tenant.notice.tenant.id, 1_000)
        .await
        .unwrap()
}

async fn mail_with_subject(tenant: &Tenant, subject: &str) -> Vec<OutboxMessage> {
    let mut found: Vec<OutboxMessage> = mail(tenant)
        .await
        .into_iter()
        .filter(|message| message.subject == subject)
        .collect();
    found.sort_by(|a, b| a.to.as_str().cmp(b.to.as_str()));
    found
}

fn refused_with(result: Result<Filing, AppError>, expected: &str) {
    match result {
        Err(AppError::Refused(message)) => assert_eq!(message, expected),
        other => panic!("expected Refused({expected}), got {other:?}"),
    }
}

const CLOSED: &str = "申告の受付期間外のため、変更・提出はできません(閲覧のみ)。";
const LOCKED: &str =
    "承認済みの申告書は変更できません。再年調が必要な場合は理由を添えて差し戻してください。";
const STALE: &str = "この申告書は他の人が先に更新しました。画面を開き直してください。";

/// Requests 2026 for everyone, then the employee (`taro`) saves the complete document and
/// submits it, inside the filing period. Returns the submitted filing.
async fn submitted_by(tenant: &Tenant, company: &Company, taro: &CurrentUser) -> Filing {
    let context = &tenant.world.context;
    set_clock(&tenant.world, IN_FILING_2026);
    request_filings(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Everyone,
    )
    .await
    .unwrap();
    let own = own_filing(context, taro, year(2026)).await.unwrap();
    let saved = save_own_filing(
        context,
        taro,
        year(2026),
        own.filing.version,
        complete_document(),
    )
    .await
    .unwrap();
    submit_own_filing(context, taro, year(2026), saved.version, "")
        .await
        .unwrap()
}

/// Proxy-enters and submits the complete document for `employee` as the ADMIN.
async fn proxy_submitted(tenant: &Tenant, employee: &Employee) -> Filing {
    let context = &tenant.world.context;
    let saved = proxy_save(
        context,
        &tenant.admin,
        employee.id,
        year(2026),
        0,
        complete_document(),
    )
    .await
    .unwrap();
    proxy_submit(
        context,
        &tenant.admin,
        employee.id,
        year(2026),
        saved.version,
        "",
    )
    .await
    .unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. Periods
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_admin_sets_periods_with_a_logged_change_a_viewer_cannot_and_bad_dates_are_refused() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;

    let (none, no_changes) = periods_of(context, &tenant.admin, company.id, year(2026))
        .await
        .unwrap();
    assert!(none.is_none());
    assert!(no_changes.is_empty());

    let periods = set_periods(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        periods_2026(),
    )
    .await
    .unwrap();
    assert_eq!(periods.filing.start, date!(2026 - 11 - 10));
    let (stored, changes) = periods_of(context, &tenant.admin, company.id, year(2026))
        .await
        .unwrap();
    assert_eq!(stored, Some(periods));
    assert_eq!(changes.len(), 1);
    let change = &changes[0];
    assert_eq!(change.actor, tenant.admin.user.id);
    assert_eq!(
        change.actor_name,
        format!("{} (admin)", tenant.admin.user.display_name.as_str())
    );
    assert_eq!(change.at, tenant.world.clock.now());
    assert_eq!(change.company_id, company.id);
    assert_eq!(change.tax_year, year(2026));
    assert_eq!(
        change.summary,
        "年末調整期間 2026-11-01〜2027-01-31 / 提出期間 2026-11-10〜2026-11-30 / \
         再提出期間 2027-01-05〜2027-01-20 / 通年申告 受付しない"
    );

    // A second change is logged after the first; the periods are replaced.
    tenant.world.clock.advance(time::Duration::hours(1));
    let changed = PeriodsInput {
        filing_end: date!(2026 - 12 - 04),
        refiling: None,
        year_round_changes: true,
        ..periods_2026()
    };
    set_periods(context, &tenant.admin, company.id, year(2026), changed)
        .await
        .unwrap();
    let (stored, changes) = periods_of(context, &tenant.admin, company.id, year(2026))
        .await
        .unwrap();
    assert_eq!(stored.unwrap().filing.end, date!(2026 - 12 - 04));
    assert_eq!(changes.len(), 2);
    assert_eq!(
        changes[1].summary,
        "年末調整期間 2026-11-01〜2027-01-31 / 提出期間 2026-11-10〜2026-12-04 / \
         再提出期間 なし / 通年申告 受付する"
    );

    // 参照者: may read the periods, not set them.
    let viewer = staff(&tenant, "viewer", company, CompanyRole::Viewer, &[]).await;
    assert!(matches!(
        set_periods(context, &viewer, company.id, year(2026), periods_2026()).await,
        Err(AppError::Forbidden)
    ));
    let (_, seen) = periods_of(context, &viewer, company.id, year(2026))
        .await
        .unwrap();
    assert_eq!(seen.len(), 2);
    // A general user without a role may not even read them.
    let nobody = user(&tenant.world, &tenant.notice, "emp001", "山田 太郎").await;
    assert!(matches!(
        periods_of(context, &nobody, company.id, year(2026)).await,
        Err(AppError::Forbidden)
    ));

    // Inconsistent dates, in Japanese, naming the periods.
    let cases = [
        (
            PeriodsInput {
                filing_start: date!(2026 - 11 - 30),
                filing_end: date!(2026 - 11 - 10),
                ..periods_2026()
            },
            "終了日が開始日より前です。",
        ),
        (
            PeriodsInput {
                filing_end: date!(2027 - 02 - 10),
                ..periods_2026()
            },
            "提出期間は年末調整期間の中に収めてください。",
        ),
        (
            PeriodsInput {
                refiling: Some((date!(2026 - 11 - 05), date!(2026 - 11 - 20))),
                ..periods_2026()
            },
            "再提出期間は提出期間の開始後にしてください。",
        ),
        (
            PeriodsInput {
                refiling: Some((date!(2027 - 01 - 20), date!(2027 - 01 - 05))),
                ..periods_2026()
            },
            "終了日が開始日より前です。",
        ),
    ];
    for (input, expected) in cases {
        match set_periods(context, &tenant.admin, company.id, year(2026), input).await {
            Err(AppError::Invalid { field, message }) => {
                assert_eq!(field, "periods");
                assert_eq!(message, expected);
            }
            other => panic!("expected Invalid({expected}), got {other:?}"),
        }
    }
    match set_periods(
        context,
        &tenant.admin,
        company.id,
        year(2024),
        periods_2026(),
    )
    .await
    {
        Err(AppError::Invalid { field, message }) => {
            assert_eq!(field, "tax_year");
            assert_eq!(message, "2024年分の税制にはまだ対応していません。");
        }
        other => panic!("expected an unsupported year, got {other:?}"),
    }
    let (_, changes) = periods_of(context, &tenant.admin, company.id, year(2026))
        .await
        .unwrap();
    assert_eq!(changes.len(), 2, "a refused change is not logged");
}

// ---------------------------------------------------------------------------------------------
// 2. Requests and reminders
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn requests_go_once_to_every_current_employee_and_reminders_only_to_those_who_owe() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;
    set_clock(&tenant.world, IN_FILING_2026);
    let first = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0001").email("taro1@acme.example"),
    )
    .await;
    let second = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0002").email("taro2@acme.example"),
    )
    .await;
    let paper = employee(&tenant.world, company, NewEmployee::numbered("0003")).await;
    let departed = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0004")
            .email("gone@acme.example")
            .left(),
    )
    .await;
    let mails_before = mail(&tenant).await.len();

    match request_filings(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Everyone,
    )
    .await
    {
        Err(AppError::Refused(message)) => assert_eq!(
            message,
            "2026年分の期間がまだ設定されていません。先に期間を設定してください。"
        ),
        other => panic!("expected Refused, got {other:?}"),
    }
    assert!(filing_of(&tenant, &first, 2026).await.is_none());

    open_2026(&tenant, company).await;
    let outcome = request_filings(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Everyone,
    )
    .await
    .unwrap();
    assert_eq!(
        outcome,
        Outcome {
            done: 3,
            without_email: 1
        }
    );
    for employee in [&first, &second, &paper] {
        let filing = filing_of(&tenant, employee, 2026).await.unwrap();
        assert_eq!(filing.status, FilingStatus::Requested);
        assert_eq!(filing.version, 1);
        assert_eq!(filing.requested_at, Some(IN_FILING_2026));
        let history = tenant
            .world
            .store
            .filing_history(tenant.notice.tenant.id, filing.id)
            .await
            .unwrap();
        assert_eq!(history.events.len(), 1);
        let event = &history.events[0];
        assert_eq!(event.action, "依頼");
        assert_eq!(
            (event.from, event.to),
            (FilingStatus::NotRequested, FilingStatus::Requested)
        );
        assert_eq!(event.actor, tenant.admin.user.id);
        assert!(!event.proxy);
        assert!(history.changes.is_empty());
    }
    assert!(
        filing_of(&tenant, &departed, 2026).await.is_none(),
        "a departed employee is not asked"
    );

    let requests = mail_with_subject(&tenant, "令和8年分 年末調整の申告のお願い").await;
    assert_eq!(mail(&tenant).await.len(), mails_before + 2);
    let to: Vec<&str> = requests.iter().map(|m| m.to.as_str()).collect();
    assert_eq!(to, ["taro1@acme.example", "taro2@acme.example"]);
    let body = &requests[0].body;
    assert!(body.starts_with("山田 太郎0001 様"), "{body}");
    assert!(body.contains("株式会社エー です。"), "{body}");
    assert!(
        body.contains("提出期限: 令和8年11月30日 (2026-11-30)"),
        "{body}"
    );
    assert!(
        body.contains("http://acme.localhost:8080/filings/2026"),
        "{body}"
    );

    // Again: nobody is 未依頼 any more.
    let again = request_filings(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Everyone,
    )
    .await
    .unwrap();
    assert_eq!(again, Outcome::default());
    assert_eq!(mail(&tenant).await.len(), mails_before + 2);

    // One employee submits on paper; a newcomer is asked on their own.
    let submitted = proxy_save(
        context,
        &tenant.admin,
        second.id,
        year(2026),
        1,
        complete_document(),
    )
    .await
    .unwrap();
    let submitted = proxy_submit(
        context,
        &tenant.admin,
        second.id,
        year(2026),
        submitted.version,
        "",
    )
    .await
    .unwrap();
    assert_eq!(submitted.status, FilingStatus::Submitted);
    let newcomer = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0005").email("new@acme.example"),
    )
    .await;
    let only = request_filings(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Only(vec![newcomer.id, second.id]),
    )
    .await
    .unwrap();
    assert_eq!(
        only,
        Outcome {
            done: 1,
            without_email: 0
        },
        "the submitted one is not requested again"
    );
    let versions_before: Vec<i64> = {
        let mut versions = Vec::new();
        for employee in [&first, &second, &paper, &newcomer] {
            versions.push(filing_of(&tenant, employee, 2026).await.unwrap().version);
        }
        versions
    };
    assert_eq!(versions_before, [1, 3, 1, 1]);

    // 督促: everyone requested but not submitted (first, paper, newcomer), not the submitted one.
    tenant.world.clock.advance(time::Duration::days(3));
    let reminded = remind(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Everyone,
    )
    .await
    .unwrap();
    assert_eq!(
        reminded,
        Outcome {
            done: 3,
            without_email: 1
        }
    );
    let reminders = mail_with_subject(&tenant, "【再送】令和8年分 年末調整の申告のお願い").await;
    let to: Vec<&str> = reminders.iter().map(|m| m.to.as_str()).collect();
    assert_eq!(to, ["new@acme.example", "taro1@acme.example"]);
    assert!(reminders[0].body.contains("まだ提出されていません"));
    let mut versions_after = Vec::new();
    let mut statuses = Vec::new();
    for employee in [&first, &second, &paper, &newcomer] {
        let filing = filing_of(&tenant, employee, 2026).await.unwrap();
        versions_after.push(filing.version);
        statuses.push(filing.status);
    }
    assert_eq!(
        versions_after, versions_before,
        "a reminder changes no filing"
    );
    assert_eq!(
        statuses,
        [
            FilingStatus::Requested,
            FilingStatus::Submitted,
            FilingStatus::Requested,
            FilingStatus::Requested
        ]
    );
    // Reminding only the submitted one sends nothing.
    let none = remind(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Only(vec![second.id]),
    )
    .await
    .unwrap();
    assert_eq!(none, Outcome::default());

    // A 参照者 may neither request nor remind.
    let viewer = staff(&tenant, "viewer", company, CompanyRole::Viewer, &[]).await;
    assert!(matches!(
        remind(
            context,
            &viewer,
            company.id,
            year(2026),
            Recipients::Everyone
        )
        .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        request_filings(
            context,
            &viewer,
            company.id,
            year(2026),
            Recipients::Everyone
        )
        .await,
        Err(AppError::Forbidden)
    ));
}

// ---------------------------------------------------------------------------------------------
// 3. The employee's own flow
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_employee_saves_and_submits_only_inside_the_filing_period() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;
    let taro = user(&tenant.world, &tenant.notice, "emp001", "山田 太郎").await;
    let record = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0001")
            .email("taro@acme.example")
            .user(&taro),
    )
    .await;

    // Without periods: nothing to change yet; without an employee record: not found.
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.scope, EditScope::ViewOnly);
    assert!(own.periods.is_none());
    assert_eq!(own.filing.version, 0);
    assert_eq!(own.employee.id, record.id);
    assert!(matches!(
        own_filing(context, &tenant.admin, year(2026)).await,
        Err(AppError::NotFound)
    ));

    // Before the filing period (2026-11-05 in Japan): view only.
    set_clock(&tenant.world, datetime!(2026-11-05 01:00 UTC));
    open_2026(&tenant, company).await;
    request_filings(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Everyone,
    )
    .await
    .unwrap();
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.scope, EditScope::ViewOnly);
    assert_eq!(own.filing.status, FilingStatus::Requested);
    refused_with(
        save_own_filing(context, &taro, year(2026), 1, complete_document()).await,
        CLOSED,
    );

    // 2026-11-09 15:30 UTC is already 2026-11-10 00:30 in Japan: the first day of filing.
    set_clock(&tenant.world, datetime!(2026-11-09 15:30 UTC));
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.scope, EditScope::Everything);

    // A first step: only some questions answered.
    let mut partial = Declaration::default();
    partial.answers.has_spouse = Some(false);
    partial.taxpayer.estimated_salary = Yen::new(6_000_000);
    let saved = save_own_filing(context, &taro, year(2026), 1, partial.clone())
        .await
        .unwrap();
    assert_eq!(saved.status, FilingStatus::Draft);
    assert_eq!(saved.version, 2);
    assert!(!saved.proxy_entered);
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.filing.document, partial);
    assert_eq!(own.history.events.len(), 2);
    let event = &own.history.events[1];
    assert_eq!(event.action, "保存");
    assert_eq!(
        (event.from, event.to),
        (FilingStatus::Requested, FilingStatus::Draft)
    );
    assert_eq!(event.actor_name, "山田 太郎 (emp001)");
    assert!(!event.proxy);
    // The answered question and the salary: every changed value, answers included.
    let paths: Vec<&str> = own
        .history
        .changes
        .iter()
        .map(|change| change.change.path.as_str())
        .collect();
    assert_eq!(paths, ["answers.has_spouse", "taxpayer.estimated_salary"]);
    let change = &own.history.changes[1];
    assert_eq!(change.actor, taro.user.id);
    assert_eq!(change.change.path, "taxpayer.estimated_salary");
    assert_eq!(change.change.label, "本人: 給与の収入金額(見積額)");
    assert_eq!(change.change.before.as_deref(), Some("0円"));
    assert_eq!(change.change.after.as_deref(), Some("6,000,000円"));

    // Submitting now lists what is missing.
    match submit_own_filing(context, &taro, year(2026), 2, "").await {
        Err(AppError::Incomplete(problems)) => assert_eq!(
            problems,
            [Problem {
                path: "answers".into(),
                message: "すべての質問に回答してください。".into()
            }]
        ),
        other => panic!("expected Incomplete, got {other:?}"),
    }
    assert_eq!(filing_of(&tenant, &record, 2026).await.unwrap().version, 2);

    // Answering "a spouse" without the spouse's details is one more problem.
    let mut claimed = complete_document();
    claimed.spouse = None;
    let saved = save_own_filing(context, &taro, year(2026), 2, claimed)
        .await
        .unwrap();
    assert_eq!(saved.version, 3);
    match submit_own_filing(context, &taro, year(2026), 3, "").await {
        Err(AppError::Incomplete(problems)) => {
            let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
            assert_eq!(paths, ["spouse"]);
            assert_eq!(problems[0].message, "配偶者の情報を入力してください。");
        }
        other => panic!("expected Incomplete, got {other:?}"),
    }

    // The complete document: a save that keeps 入力中 leaves no event, only changed values.
    let saved = save_own_filing(context, &taro, year(2026), 3, complete_document())
        .await
        .unwrap();
    assert_eq!((saved.status, saved.version), (FilingStatus::Draft, 4));
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.history.events.len(), 2);
    assert!(own.problems.is_empty(), "{:?}", own.problems);
    let spouse_name = own
        .history
        .changes
        .iter()
        .find(|c| c.change.path == "spouse.name")
        .unwrap();
    assert_eq!(spouse_name.change.label, "配偶者: 氏名");
    assert_eq!(spouse_name.change.before, None);
    assert_eq!(spouse_name.change.after.as_deref(), Some("山田 花子"));

    // A stale version is a conflict and changes nothing.
    match submit_own_filing(context, &taro, year(2026), 3, "").await {
        Err(AppError::Conflict(message)) => assert_eq!(message, STALE),
        other => panic!("expected Conflict, got {other:?}"),
    }
    match save_own_filing(context, &taro, year(2026), 2, Declaration::default()).await {
        Err(AppError::Conflict(message)) => assert_eq!(message, STALE),
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(
        filing_of(&tenant, &record, 2026).await.unwrap().document,
        complete_document()
    );

    tenant.world.clock.advance(time::Duration::minutes(10));
    let submitted = submit_own_filing(context, &taro, year(2026), 4, "")
        .await
        .unwrap();
    assert_eq!(submitted.status, FilingStatus::Submitted);
    assert_eq!(submitted.version, 5);
    assert_eq!(submitted.submitted_at, Some(tenant.world.clock.now()));
    assert_eq!(filing_of(&tenant, &record, 2026).await.unwrap(), submitted);
    // 受付のお知らせ: when, and the certificates whose originals the company still needs.
    let receipts = mail_with_subject(&tenant, "令和8年分 年末調整の申告を受け付けました").await;
    assert_eq!(receipts.len(), 1);
    assert_eq!(Some(&receipts[0].to), record.email.as_ref());
    assert!(receipts[0].body.contains("原本"), "{}", receipts[0].body);
    assert!(
        receipts[0].body.contains("・生命保険料控除証明書"),
        "{}",
        receipts[0].body
    );

    // The employee may no longer save a submitted declaration; they take it back first.
    refused_with(
        save_own_filing(context, &taro, year(2026), 5, complete_document()).await,
        "従業員本人は「保存」できません。",
    );
    let withdrawn = withdraw_own_filing(context, &taro, year(2026), 5)
        .await
        .unwrap();
    assert_eq!(
        (withdrawn.status, withdrawn.version),
        (FilingStatus::Draft, 6)
    );
    let again = submit_own_filing(context, &taro, year(2026), 6, "")
        .await
        .unwrap();
    assert_eq!((again.status, again.version), (FilingStatus::Submitted, 7));
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    let actions: Vec<&str> = own
        .history
        .events
        .iter()
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(actions, ["依頼", "保存", "提出", "取り下げ", "提出"]);

    // After the filing period (2026-12-01 in Japan): view only.
    set_clock(&tenant.world, datetime!(2026-11-30 15:00 UTC));
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.scope, EditScope::ViewOnly);
    refused_with(
        withdraw_own_filing(context, &taro, year(2026), 7).await,
        CLOSED,
    );
    refused_with(
        save_own_filing(context, &taro, year(2026), 7, complete_document()).await,
        CLOSED,
    );
    assert_eq!(filing_of(&tenant, &record, 2026).await.unwrap().version, 7);
}

// ---------------------------------------------------------------------------------------------
// 4. Review: return, resubmit, approve, reopen
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_return_mails_the_comment_approval_locks_and_a_reopen_opens_two_sections() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;
    open_2026(&tenant, company).await;
    let taro = user(&tenant.world, &tenant.notice, "emp001", "山田 太郎").await;
    let record = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0001")
            .email("taro@acme.example")
            .user(&taro),
    )
    .await;
    let submitted = submitted_by(&tenant, company, &taro).await;
    assert_eq!(submitted.status, FilingStatus::Submitted);

    // An empty comment is refused.
    refused_with(
        return_filing(
            context,
            &tenant.admin,
            submitted.id,
            submitted.version,
            "  ".into(),
            None,
        )
        .await,
        "コメント(理由)を入力してください。",
    );
    let comment = "生命保険料の証明書の金額をもう一度確認してください。";
    let returned = return_filing(
        context,
        &tenant.admin,
        submitted.id,
        submitted.version,
        format!("  {comment}\n"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(returned.status, FilingStatus::Returned);
    assert_eq!(returned.last_comment.as_deref(), Some(comment));
    let mails = mail_with_subject(&tenant, "令和8年分 年末調整の申告が差し戻されました").await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to.as_str(), "taro@acme.example");
    assert!(mails[0].body.contains(comment), "{}", mails[0].body);
    let seen = review(context, &tenant.admin, submitted.id).await.unwrap();
    let last = seen.history.events.last().unwrap();
    assert_eq!(last.action, "差戻し");
    assert_eq!(last.comment.as_deref(), Some(comment));

    // The employee sees the comment and resubmits.
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.filing.last_comment.as_deref(), Some(comment));
    let resubmitted = submit_own_filing(context, &taro, year(2026), returned.version, "")
        .await
        .unwrap();
    assert_eq!(resubmitted.status, FilingStatus::Submitted);

    let approved = approve_filing(context, &tenant.admin, resubmitted.id, resubmitted.version)
        .await
        .unwrap();
    assert_eq!(approved.status, FilingStatus::Approved);
    assert_eq!(approved.approved_at, Some(tenant.world.clock.now()));
    let approval_mails =
        mail_with_subject(&tenant, "令和8年分 年末調整の申告が承認されました").await;
    assert_eq!(approval_mails.len(), 1, "the employee is told once");
    // Locked: the employee cannot change it, nor withdraw it.
    let mut changed = complete_document();
    changed.life_policies[0].premium = Yen::new(90_000);
    refused_with(
        save_own_filing(context, &taro, year(2026), approved.version, changed).await,
        LOCKED,
    );
    assert!(matches!(
        withdraw_own_filing(context, &taro, year(2026), approved.version).await,
        Err(AppError::Refused(_))
    ));
    refused_with(
        reopen_filing(
            context,
            &tenant.admin,
            approved.id,
            approved.version,
            String::new(),
        )
        .await,
        "コメント(理由)を入力してください。",
    );

    // 再年調 (in January, inside the re-filing period).
    set_clock(&tenant.world, datetime!(2027-01-06 01:00 UTC));
    let reason = "年末に扶養親族が増えたため再年調します。";
    let reopened = reopen_filing(
        context,
        &tenant.admin,
        approved.id,
        approved.version,
        reason.into(),
    )
    .await
    .unwrap();
    assert_eq!(reopened.status, FilingStatus::Draft);
    assert!(reopened.reopened);
    assert_eq!(reopened.approved_at, None);
    assert_eq!(reopened.last_comment.as_deref(), Some(reason));
    // The reopen has its own mail, with the reason; the return mail was the only other one.
    let returned = mail_with_subject(&tenant, "令和8年分 年末調整の申告が差し戻されました").await;
    assert_eq!(returned.len(), 1);
    let reopen_mails =
        mail_with_subject(&tenant, "令和8年分 年末調整の再提出のお願い(再年調)").await;
    assert_eq!(reopen_mails.len(), 1);
    assert!(reopen_mails[0].body.contains(reason));
    assert!(reopen_mails[0].body.contains("扶養親族と保険料の欄"));

    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.scope, EditScope::DependantsAndInsurance);
    // A change of the salary estimate is refused; a new child is not.
    let mut salary = complete_document();
    salary.taxpayer.estimated_salary = Yen::new(6_500_000);
    refused_with(
        save_own_filing(context, &taro, year(2026), reopened.version, salary).await,
        "現在は扶養親族と保険料の欄だけを変更できます。",
    );
    let mut family = complete_document();
    family
        .relatives
        .push(relative("山田 二郎", "長男", date!(2026 - 12 - 20)));
    let refiled = save_own_filing(context, &taro, year(2026), reopened.version, family.clone())
        .await
        .unwrap();
    assert_eq!(refiled.status, FilingStatus::Draft);
    assert_eq!(refiled.document.relatives.len(), 2);
    let resubmitted = submit_own_filing(context, &taro, year(2026), refiled.version, "")
        .await
        .unwrap();
    assert_eq!(resubmitted.status, FilingStatus::Submitted);
    let approved = approve_filing(context, &tenant.admin, resubmitted.id, resubmitted.version)
        .await
        .unwrap();
    assert_eq!(approved.status, FilingStatus::Approved);
    assert_eq!(approved.document, family);
    let history = review(context, &tenant.admin, approved.id)
        .await
        .unwrap()
        .history;
    let actions: Vec<&str> = history.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "依頼",
            "保存",
            "提出",
            "差戻し",
            "提出",
            "承認",
            "再年調のための差戻し",
            "提出",
            "承認"
        ]
    );
    assert_eq!(filing_of(&tenant, &record, 2026).await.unwrap(), approved);

    // After the re-filing period, a reopened declaration is view only.
    set_clock(&tenant.world, datetime!(2027-01-21 01:00 UTC));
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.scope, EditScope::ViewOnly);
}

#[tokio::test]
async fn a_declaration_reopened_inside_the_filing_period_waits_for_the_refiling_period() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;
    open_2026(&tenant, company).await;
    let taro = user(&tenant.world, &tenant.notice, "emp001", "山田 太郎").await;
    employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0001").user(&taro),
    )
    .await;
    let submitted = submitted_by(&tenant, company, &taro).await;
    let approved = approve_filing(context, &tenant.admin, submitted.id, submitted.version)
        .await
        .unwrap();
    let reopened = reopen_filing(
        context,
        &tenant.admin,
        approved.id,
        approved.version,
        "扶養親族の確認".into(),
    )
    .await
    .unwrap();
    // Reopened on 2026-11-20: only the re-filing period (from 2027-01-05) opens it again.
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.scope, EditScope::ViewOnly);
    refused_with(
        save_own_filing(
            context,
            &taro,
            year(2026),
            reopened.version,
            complete_document(),
        )
        .await,
        CLOSED,
    );
    refused_with(
        submit_own_filing(context, &taro, year(2026), reopened.version, "").await,
        CLOSED,
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Roles and their scope
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn approve_many_approves_the_submitted_and_skips_the_rest_with_reasons() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let first = &tenant.company;
    let second = company(&tenant.world, &tenant.notice, "株式会社ビー").await;
    set_clock(&tenant.world, IN_FILING_2026);
    open_2026(&tenant, first).await;
    open_2026(&tenant, &second).await;
    let new = |number| NewEmployee::numbered(number).department("総務部");
    let a1 = proxy_submitted(&tenant, &employee(&tenant.world, first, new("A1")).await).await;
    let a2 = proxy_submitted(&tenant, &employee(&tenant.world, first, new("A2")).await).await;
    let drafted = employee(&tenant.world, first, new("A3")).await;
    let a3 = proxy_save(
        context,
        &tenant.admin,
        drafted.id,
        year(2026),
        0,
        complete_document(),
    )
    .await
    .unwrap();
    // Corrected by staff after submission into a declaration with problems: still 提出済.
    let flawed = employee(&tenant.world, first, new("A4")).await;
    let submitted = proxy_submitted(&tenant, &flawed).await;
    let a4 = proxy_save(
        context,
        &tenant.admin,
        flawed.id,
        year(2026),
        submitted.version,
        Declaration::default(),
    )
    .await
    .unwrap();
    assert_eq!(a4.status, FilingStatus::Submitted);
    let a5 = proxy_submitted(&tenant, &employee(&tenant.world, first, new("A5")).await).await;
    let sales = employee(
        &tenant.world,
        first,
        NewEmployee::numbered("A6").department("営業部"),
    )
    .await;
    let a6 = proxy_submitted(&tenant, &sales).await;
    let b1 = proxy_submitted(
        &tenant,
        &employee(&tenant.world, &second, NewEmployee::numbered("B1")).await,
    )
    .await;

    // A 担当者 may not approve at all.
    let clerk = staff(&tenant, "clerk", first, CompanyRole::Clerk, &[]).await;
    assert!(matches!(
        approve_many(
            context,
            &clerk,
            first.id,
            year(2026),
            vec![(a1.id, a1.version)]
        )
        .await,
        Err(AppError::Forbidden)
    ));

    let approver = staff(&tenant, "approver", first, CompanyRole::Approver, &[]).await;
    let done = approve_many(
        context,
        &approver,
        first.id,
        year(2026),
        vec![
            (a1.id, a1.version),
            (a2.id, a2.version),
            (a3.id, a3.version),
            (a4.id, a4.version),
            (a5.id, a5.version - 1),
            (b1.id, b1.version),
            (a1.id, a1.version),
        ],
    )
    .await
    .unwrap();
    assert_eq!(done.approved, 2);
    // Every declaration here claims the same spouse and daughter: both approved ones are
    // named for a second look (重複の疑い), in the order selected.
    let sharing: Vec<_> = done
        .sharing_claims
        .iter()
        .map(|approved| (approved.filing_id, approved.employee_number.as_str()))
        .collect();
    assert_eq!(sharing, [(a1.id, "A1"), (a2.id, "A2")]);
    let skipped: Vec<_> = done
        .skipped
        .iter()
        .map(|skip| {
            (
                skip.filing_id,
                skip.employee_number.as_str(),
                skip.employee_name.as_str(),
                skip.reason,
            )
        })
        .collect();
    assert_eq!(
        skipped,
        vec![
            (a3.id, "A3", "山田 太郎A3", SkipReason::NotSubmitted),
            (a4.id, "A4", "山田 太郎A4", SkipReason::HasProblems),
            (a5.id, "A5", "山田 太郎A5", SkipReason::Changed),
            (b1.id, "", "", SkipReason::OutOfScope),
        ]
    );
    assert_eq!(
        SkipReason::HasProblems.japanese(),
        "入力内容に不備があります"
    );
    for approved in [&a1, &a2] {
        let stored = review(context, &approver, approved.id)
            .await
            .unwrap()
            .filing;
        assert_eq!(stored.status, FilingStatus::Approved);
        assert_eq!(stored.version, approved.version + 1);
    }
    for left in [&a3, &a4, &a5] {
        let stored = review(context, &approver, left.id).await.unwrap().filing;
        assert_eq!(stored.version, left.version);
    }
    assert_eq!(
        review(context, &tenant.admin, b1.id)
            .await
            .unwrap()
            .filing
            .status,
        FilingStatus::Submitted
    );

    // Another year, or another department for an approver narrowed to one: 対象外.
    let general = staff(
        &tenant,
        "general",
        first,
        CompanyRole::Approver,
        &["総務部"],
    )
    .await;
    let done = approve_many(
        context,
        &general,
        first.id,
        year(2026),
        vec![(a6.id, a6.version)],
    )
    .await
    .unwrap();
    assert_eq!(done.approved, 0);
    assert_eq!(done.skipped[0].reason, SkipReason::OutOfScope);
    let done = approve_many(
        context,
        &approver,
        first.id,
        year(2025),
        vec![(a5.id, a5.version)],
    )
    .await
    .unwrap();
    assert_eq!(done.skipped[0].reason, SkipReason::OutOfScope);

    // More than the cap: refused as a whole.
    let too_many = vec![(a5.id, a5.version); BULK_APPROVAL_LIMIT + 1];
    assert!(matches!(
        approve_many(context, &approver, first.id, year(2026), too_many).await,
        Err(AppError::Invalid {
            field: "selected",
            ..
        })
    ));
    assert_eq!(
        review(context, &approver, a5.id)
            .await
            .unwrap()
            .filing
            .status,
        FilingStatus::Submitted
    );
}

#[tokio::test]
async fn company_roles_reach_only_their_company_departments_and_powers() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let first = &tenant.company;
    let second = company(&tenant.world, &tenant.notice, "株式会社ビー").await;
    set_clock(&tenant.world, IN_FILING_2026);
    open_2026(&tenant, first).await;
    open_2026(&tenant, &second).await;
    let general = employee(
        &tenant.world,
        first,
        NewEmployee::numbered("A1").department("総務部"),
    )
    .await;
    let sales = employee(
        &tenant.world,
        first,
        NewEmployee::numbered("A2").department("営業部"),
    )
    .await;
    let other = employee(&tenant.world, &second, NewEmployee::numbered("B1")).await;
    let a1 = proxy_submitted(&tenant, &general).await;
    let a2 = proxy_submitted(&tenant, &sales).await;
    let b1 = proxy_submitted(&tenant, &other).await;

    // 承認者 of A: approves A's, not B's (nor sees them).
    let approver = staff(&tenant, "approver", first, CompanyRole::Approver, &[]).await;
    let approved = approve_filing(context, &approver, a1.id, a1.version)
        .await
        .unwrap();
    assert_eq!(approved.status, FilingStatus::Approved);
    assert!(matches!(
        approve_filing(context, &approver, b1.id, b1.version).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        review(context, &approver, b1.id).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        dashboard(
            context,
            &approver,
            second.id,
            year(2026),
            DashboardRequest::default()
        )
        .await,
        Err(AppError::Forbidden)
    ));

    // 担当者 of A: returns, does not approve or reopen.
    let clerk = staff(&tenant, "clerk", first, CompanyRole::Clerk, &[]).await;
    assert!(matches!(
        approve_filing(context, &clerk, a2.id, a2.version).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        reopen_filing(
            context,
            &clerk,
            approved.id,
            approved.version,
            "理由".into()
        )
        .await,
        Err(AppError::Forbidden)
    ));
    let returned = return_filing(
        context,
        &clerk,
        a2.id,
        a2.version,
        "確認してください".into(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(returned.status, FilingStatus::Returned);
    assert!(matches!(
        return_filing(
            context,
            &clerk,
            b1.id,
            b1.version,
            "確認してください".into(),
            None
        )
        .await,
        Err(AppError::Forbidden)
    ));

    // 参照者 of A: reads, changes nothing.
    let viewer = staff(&tenant, "viewer", first, CompanyRole::Viewer, &[]).await;
    let seen = review(context, &viewer, a1.id).await.unwrap();
    assert_eq!(seen.filing.status, FilingStatus::Approved);
    assert_eq!(seen.employee.id, general.id);
    assert!(seen.problems.is_empty());
    assert!(matches!(
        return_filing(
            context,
            &viewer,
            returned.id,
            returned.version,
            "x".into(),
            None
        )
        .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        proxy_save(
            context,
            &viewer,
            sales.id,
            year(2026),
            returned.version,
            complete_document()
        )
        .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        review(context, &viewer, b1.id).await,
        Err(AppError::Forbidden)
    ));

    // A 担当者 narrowed to 営業部 reaches only that department.
    let sales_clerk = staff(
        &tenant,
        "sales.clerk",
        first,
        CompanyRole::Clerk,
        &["営業部"],
    )
    .await;
    assert!(matches!(
        review(context, &sales_clerk, a1.id).await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(
        review(context, &sales_clerk, returned.id)
            .await
            .unwrap()
            .employee
            .id,
        sales.id
    );
    let board = dashboard(
        context,
        &sales_clerk,
        first.id,
        year(2026),
        DashboardRequest::default(),
    )
    .await
    .unwrap();
    let numbers: Vec<&str> = board
        .page
        .rows
        .iter()
        .map(|row| row.employee.number.as_str())
        .collect();
    assert_eq!(numbers, ["A2"]);

    // A general user without a role sees no one else's declaration.
    let nobody = user(&tenant.world, &tenant.notice, "emp009", "鈴木 一郎").await;
    assert!(matches!(
        review(context, &nobody, a1.id).await,
        Err(AppError::Forbidden)
    ));

    // Another tenant's ADMIN does not find the filing at all.
    let globex = open_tenant(
        context,
        OpenTenantRequest {
            slug: "globex",
            name: "グロービクス株式会社",
            contact_email: "hr@globex.example",
            admin_email: None,
        },
    )
    .await
    .unwrap();
    let (_, stranger) = logged_in(
        &tenant.world,
        &globex,
        "admin",
        globex.initial_password.expose(),
    )
    .await;
    assert!(matches!(
        review(context, &stranger, a1.id).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        approve_filing(context, &stranger, a2.id, returned.version).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        proxy_save(
            context,
            &stranger,
            sales.id,
            year(2026),
            returned.version,
            Declaration::default()
        )
        .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        review_employee(context, &stranger, general.id, year(2026)).await,
        Err(AppError::NotFound)
    ));
    // Nothing changed through the refusals.
    assert_eq!(
        filing_of(&tenant, &sales, 2026).await.unwrap().status,
        FilingStatus::Returned
    );
    assert_eq!(
        filing_of(&tenant, &other, 2026).await.unwrap().status,
        FilingStatus::Submitted
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Proxy entry
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_clerk_enters_and_submits_a_paper_filing_marked_as_proxy_entry() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;
    set_clock(&tenant.world, IN_FILING_2026);
    open_2026(&tenant, company).await;
    let paper = employee(&tenant.world, company, NewEmployee::numbered("0007")).await;
    let clerk = staff(&tenant, "clerk", company, CompanyRole::Clerk, &[]).await;

    // Staff open the declaration before it exists.
    let before = review_employee(context, &clerk, paper.id, year(2026))
        .await
        .unwrap();
    assert_eq!(before.filing.version, 0);
    assert_eq!(before.filing.status, FilingStatus::NotRequested);

    let mut incomplete = complete_document();
    incomplete.life_policies.clear();
    let saved = proxy_save(context, &clerk, paper.id, year(2026), 0, incomplete)
        .await
        .unwrap();
    assert_eq!((saved.status, saved.version), (FilingStatus::Draft, 1));
    assert!(saved.proxy_entered);
    match proxy_submit(context, &clerk, paper.id, year(2026), 1, "").await {
        Err(AppError::Incomplete(problems)) => {
            assert_eq!(
                problems,
                [Problem {
                    path: "life_policies".into(),
                    message: "生命保険料の明細を1件以上入力してください。".into()
                }]
            );
        }
        other => panic!("expected Incomplete, got {other:?}"),
    }

    let saved = proxy_save(
        context,
        &clerk,
        paper.id,
        year(2026),
        1,
        complete_document(),
    )
    .await
    .unwrap();
    assert_eq!((saved.status, saved.version), (FilingStatus::Draft, 2));
    let submitted = proxy_submit(context, &clerk, paper.id, year(2026), 2, "")
        .await
        .unwrap();
    assert_eq!(submitted.status, FilingStatus::Submitted);
    assert_eq!(submitted.version, 3);
    assert!(submitted.proxy_entered);
    assert_eq!(submitted.submitted_at, Some(IN_FILING_2026));

    // Staff may still correct a submitted declaration; it stays submitted.
    let mut corrected = complete_document();
    corrected.life_policies[1].premium = Yen::new(32_000);
    let corrected = proxy_save(context, &clerk, paper.id, year(2026), 3, corrected)
        .await
        .unwrap();
    assert_eq!(
        (corrected.status, corrected.version),
        (FilingStatus::Submitted, 4)
    );

    let history = review(context, &clerk, submitted.id).await.unwrap().history;
    let events: Vec<(&str, FilingStatus, FilingStatus, bool)> = history
        .events
        .iter()
        .map(|e| (e.action.as_str(), e.from, e.to, e.proxy))
        .collect();
    assert_eq!(
        events,
        [
            (
                "保存",
                FilingStatus::NotRequested,
                FilingStatus::Draft,
                true
            ),
            ("提出", FilingStatus::Draft, FilingStatus::Submitted, true),
        ]
    );
    assert!(history.events.iter().all(|e| e.actor == clerk.user.id));
    assert_eq!(history.events[0].actor_name, "佐藤 花子 (clerk)");
    let last = history.changes.last().unwrap();
    assert_eq!(last.change.path, "life_policies[1].premium");
    assert_eq!(last.change.before.as_deref(), Some("30,000円"));
    assert_eq!(last.change.after.as_deref(), Some("32,000円"));
    assert!(
        history
            .changes
            .iter()
            .any(|c| c.change.path == "life_policies[0].premium"
                && c.change.before.is_none()
                && c.change.after.as_deref() == Some("80,000円")),
        "{:?}",
        history.changes
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Carry-over from last year
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_new_year_starts_from_last_years_approved_declaration_until_confirmed() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;
    let taro = user(&tenant.world, &tenant.notice, "emp001", "山田 太郎").await;
    let record = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0001").user(&taro),
    )
    .await;

    // 2025: filed and approved.
    set_clock(&tenant.world, datetime!(2025-11-20 01:00 UTC));
    set_periods(
        context,
        &tenant.admin,
        company.id,
        year(2025),
        periods_2025(),
    )
    .await
    .unwrap();
    request_filings(
        context,
        &tenant.admin,
        company.id,
        year(2025),
        Recipients::Everyone,
    )
    .await
    .unwrap();
    let saved = save_own_filing(context, &taro, year(2025), 1, complete_document())
        .await
        .unwrap();
    let submitted = submit_own_filing(context, &taro, year(2025), saved.version, "")
        .await
        .unwrap();
    let last_year = approve_filing(context, &tenant.admin, submitted.id, submitted.version)
        .await
        .unwrap();
    assert_eq!(last_year.status, FilingStatus::Approved);

    // 2025 (no 23歳未満 special yet): NTA 生命保険料控除 新契約 (計算式Ⅰ), 一般 80,000円:
    // 40,001〜80,000 → P/4 + 20,000 = 40,000 (over 80,000 → 40,000); 介護医療 30,000円:
    // 20,001〜40,000 → P/2 + 10,000 = 25,000. Total 65,000 (rules-2025-2026.md §8).
    let (rows, _) = payroll_page(context, &tenant.admin, company.id, year(2025), None)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].computed.deductions.life_insurance, Yen::new(65_000));
    // Next year's form (2026, rules supported): the daughter is 20 at the end of 2026 and the
    // spouse (no income, salary 6,000,000) a 源泉控除対象配偶者.
    assert_eq!(
        rows[0].computed.next_year_relative_classes,
        [nencho_tax::RelativeClass::SpecificDependent]
    );
    assert!(rows[0].computed.next_year_withholding_spouse);

    // 2026: the own page starts from last year's document, to be confirmed.
    set_clock(&tenant.world, IN_FILING_2026);
    open_2026(&tenant, company).await;
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(own.filing.version, 0);
    assert_eq!(own.filing.status, FilingStatus::NotRequested);
    assert_eq!(
        own.filing.document,
        Declaration {
            carried_over_unconfirmed: true,
            ..complete_document()
        }
    );
    assert_eq!(
        own.problems,
        [Problem {
            path: "carried_over".into(),
            message: "前年から引き継いだ内容を確認してください。".into()
        }]
    );
    // The reviewer sees last year and no difference yet.
    let seen = review_employee(context, &tenant.admin, record.id, year(2026))
        .await
        .unwrap();
    assert_eq!(seen.last_year.as_ref().map(|f| f.id), Some(last_year.id));
    assert!(seen.changes_since_last_year.is_empty());

    // Still carried over once requested (an untouched requested declaration).
    request_filings(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Everyone,
    )
    .await
    .unwrap();
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert_eq!(
        (own.filing.status, own.filing.version),
        (FilingStatus::Requested, 1)
    );
    assert!(own.filing.document.carried_over_unconfirmed);
    match submit_own_filing(context, &taro, year(2026), 1, "").await {
        Err(AppError::Incomplete(problems)) => {
            assert_eq!(problems.len(), 1);
            assert_eq!(problems[0].path, "carried_over");
        }
        other => panic!("expected Incomplete, got {other:?}"),
    }

    // Saving a step confirms it (the web form clears the flag with every step it applies).
    let mut confirmed = own.filing.document.clone();
    confirmed.carried_over_unconfirmed = false;
    confirmed.life_policies[0].premium = Yen::new(90_000);
    let saved = save_own_filing(context, &taro, year(2026), 1, confirmed)
        .await
        .unwrap();
    assert!(!saved.document.carried_over_unconfirmed);
    let own = own_filing(context, &taro, year(2026)).await.unwrap();
    assert!(own.problems.is_empty(), "{:?}", own.problems);
    // The history holds only what the employee changed against the carried-over document.
    let paths: Vec<(&str, Option<&str>, Option<&str>)> = own
        .history
        .changes
        .iter()
        .map(|c| {
            (
                c.change.path.as_str(),
                c.change.before.as_deref(),
                c.change.after.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        paths,
        [(
            "life_policies[0].premium",
            Some("80,000円"),
            Some("90,000円")
        )]
    );
    let submitted = submit_own_filing(context, &taro, year(2026), saved.version, "")
        .await
        .unwrap();
    assert_eq!(submitted.status, FilingStatus::Submitted);
    let seen = review(context, &tenant.admin, submitted.id).await.unwrap();
    let since: Vec<&str> = seen
        .changes_since_last_year
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    assert_eq!(since, ["life_policies[0].premium"]);
    // Last year's declaration is untouched.
    assert_eq!(filing_of(&tenant, &record, 2025).await.unwrap(), last_year);
}

// ---------------------------------------------------------------------------------------------
// 8. Dashboard and payroll rows
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_dashboard_counts_by_status_and_payroll_gets_only_approved_rows() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;
    open_2026(&tenant, company).await;
    let taro = user(&tenant.world, &tenant.notice, "emp001", "山田 太郎").await;
    let filer = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0001").user(&taro),
    )
    .await;
    for number in ["0002", "0003", "0004"] {
        employee(&tenant.world, company, NewEmployee::numbered(number)).await;
    }
    employee(&tenant.world, company, NewEmployee::numbered("0005").left()).await;

    let board = dashboard(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        DashboardRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(board.counts.of(FilingStatus::NotRequested), 4);
    assert_eq!(board.counts.total(), 4, "the departed one is not counted");

    let submitted = submitted_by(&tenant, company, &taro).await;
    let approved = approve_filing(context, &tenant.admin, submitted.id, submitted.version)
        .await
        .unwrap();
    assert_eq!(approved.status, FilingStatus::Approved);

    let board = dashboard(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        DashboardRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(board.counts.of(FilingStatus::Approved), 1);
    assert_eq!(board.counts.of(FilingStatus::Requested), 3);
    assert_eq!(board.counts.of(FilingStatus::NotRequested), 0);
    assert_eq!(board.counts.total(), 4);
    assert_eq!(
        board.periods.as_ref().map(|p| p.filing.end),
        Some(date!(2026 - 11 - 30))
    );
    let rows: Vec<(&str, FilingStatus)> = board
        .page
        .rows
        .iter()
        .map(|row| (row.employee.number.as_str(), row.status()))
        .collect();
    assert_eq!(
        rows,
        [
            ("0001", FilingStatus::Approved),
            ("0002", FilingStatus::Requested),
            ("0003", FilingStatus::Requested),
            ("0004", FilingStatus::Requested),
        ]
    );
    assert!(board.page.next.is_none());
    let only_approved = dashboard(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        DashboardRequest {
            status: Some(FilingStatus::Approved),
            ..DashboardRequest::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(only_approved.page.rows.len(), 1);
    assert_eq!(only_approved.page.rows[0].employee.id, filer.id);

    // Payroll: only the approved row, with its computed deductions.
    start_payroll_export(context, &tenant.admin, company.id)
        .await
        .unwrap();
    let (rows, next) = payroll_page(context, &tenant.admin, company.id, year(2026), None)
        .await
        .unwrap();
    assert!(next.is_none());
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.employee.id, filer.id);
    assert_eq!(row.filing.id, approved.id);
    let deductions = &row.computed.deductions;
    // NTA 生命保険料控除 新契約: 2026 (令和8年分) with a 23歳未満の扶養親族 (the daughter born
    // 2006 is 20, 特定扶養親族), 新生命保険料(一般) uses 計算式Ⅱ: 60,001〜120,000 → P/4 + 30,000,
    // so 80,000 → 50,000; 介護医療保険料 uses 計算式Ⅰ: 20,001〜40,000 → P/2 + 10,000, so
    // 30,000 → 25,000. Total 75,000 (rules-2025-2026.md §8).
    assert_eq!(deductions.life_insurance, Yen::new(75_000));
    // 配偶者控除 (本人の合計所得 ≤ 900万, 配偶者 under 70): 380,000; 特定扶養親族: 630,000.
    assert_eq!(deductions.spouse, Yen::new(380_000));
    assert_eq!(deductions.dependents_and_others, Yen::new(630_000));
    assert_eq!(row.computed.life_premiums.new_general, Yen::new(80_000));
    assert_eq!(row.computed.life_premiums.care_medical, Yen::new(30_000));
    // Without a dependant under 23 the same policies fall back to 計算式Ⅰ: 一般 80,000 → 40,000
    // (NTA 生命保険料控除 新契約: over 40,000 up to 80,000 → P/4 + 20,000; over 80,000 → 40,000).
    let mut childless = complete_document();
    childless.answers.has_dependents = Some(false);
    childless.relatives.clear();
    assert_eq!(
        compute(&childless, year(2026))
            .unwrap()
            .deductions
            .life_insurance,
        Yen::new(65_000)
    );

    // A 参照者 may see the dashboard but not export payroll rows.
    let viewer = staff(&tenant, "viewer", company, CompanyRole::Viewer, &[]).await;
    let seen = dashboard(
        context,
        &viewer,
        company.id,
        year(2026),
        DashboardRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(seen.counts.of(FilingStatus::Approved), 1);
    assert!(matches!(
        start_payroll_export(context, &viewer, company.id).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        payroll_page(context, &viewer, company.id, year(2026), None).await,
        Err(AppError::Forbidden)
    ));
}

// ---------------------------------------------------------------------------------------------
// The certificates' originals: company and department scope
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn originals_are_received_and_reminded_only_within_the_role_s_company_and_departments() {
    use nencho_app::filings::originals::{
        intake, record_original, record_originals, remind_originals,
    };
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let first = &tenant.company;
    let second = company(&tenant.world, &tenant.notice, "株式会社ビー").await;
    set_clock(&tenant.world, IN_FILING_2026);
    open_2026(&tenant, first).await;
    open_2026(&tenant, &second).await;
    let general = employee(
        &tenant.world,
        first,
        NewEmployee::numbered("A1")
            .department("総務部")
            .email("a1@acme.example"),
    )
    .await;
    let sales = employee(
        &tenant.world,
        first,
        NewEmployee::numbered("A2")
            .department("営業部")
            .email("a2@acme.example"),
    )
    .await;
    let other = employee(&tenant.world, &second, NewEmployee::numbered("B1")).await;
    let a1 = proxy_submitted(&tenant, &general).await;
    let a2 = proxy_submitted(&tenant, &sales).await;
    let b1 = proxy_submitted(&tenant, &other).await;
    let key = nencho_filings::expected_attachments(&a1.document)
        .first()
        .expect("the complete declaration calls for a certificate")
        .original_key();

    // A 担当者 narrowed to 営業部 sees and receives only that department's.
    let sales_clerk = staff(
        &tenant,
        "sales.clerk",
        first,
        CompanyRole::Clerk,
        &["営業部"],
    )
    .await;
    let page = intake(context, &sales_clerk, first.id, year(2026), None, None)
        .await
        .unwrap();
    let listed: Vec<&str> = page
        .rows
        .iter()
        .map(|row| row.employee.number.as_str())
        .collect();
    assert_eq!(listed, ["A2"]);
    assert!(matches!(
        record_original(context, &sales_clerk, a1.id, &key, "paper").await,
        Err(AppError::Forbidden)
    ));
    let outcome = record_originals(
        context,
        &sales_clerk,
        first.id,
        year(2026),
        vec![
            (a1.id, key.clone()),
            (a2.id, key.clone()),
            (b1.id, key.clone()),
        ],
        "paper",
    )
    .await
    .unwrap();
    assert_eq!(outcome.recorded, 1, "{outcome:?}");
    assert_eq!(outcome.skipped.len(), 2, "{outcome:?}");
    assert!(
        outcome.skipped[0].ends_with("担当範囲外の申告書です。"),
        "{outcome:?}"
    );
    assert!(
        outcome.skipped[1].ends_with("対象外の申告書です。"),
        "{outcome:?}"
    );
    let receipts = |filing: nencho_kernel::FilingId| {
        let store = context.store.clone();
        let tenant_id = tenant.notice.tenant.id;
        async move {
            store
                .original_receipts(tenant_id, filing)
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(receipts(a1.id).await, 0);
    assert_eq!(receipts(a2.id).await, 1);
    assert_eq!(receipts(b1.id).await, 0);

    // A 参照者 may look but not receive; another company's 承認者 reaches none of it.
    let viewer = staff(&tenant, "viewer", first, CompanyRole::Viewer, &[]).await;
    assert!(matches!(
        intake(context, &viewer, first.id, year(2026), None, None).await,
        Err(AppError::Forbidden)
    ));
    let approver_b = staff(&tenant, "approver.b", &second, CompanyRole::Approver, &[]).await;
    assert!(matches!(
        record_original(context, &approver_b, a1.id, &key, "paper").await,
        Err(AppError::Forbidden)
    ));

    // The reminder of the narrowed clerk goes to its department only (A2 still owes the
    // certificates other than the one received).
    let subject = "令和8年分 年末調整: 控除証明書等の原本の提出のお願い";
    let before = mail_with_subject(&tenant, subject).await.len();
    let reminded = remind_originals(
        context,
        &sales_clerk,
        first.id,
        year(2026),
        Recipients::Everyone,
    )
    .await
    .unwrap();
    let after = mail_with_subject(&tenant, subject).await;
    assert_eq!(reminded.done, 1);
    assert_eq!(after.len() - before, 1);
    assert!(
        after
            .iter()
            .all(|mail| mail.to.as_str() == "a2@acme.example"),
        "{after:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 重複扶養チェック
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_person_claimed_twice_is_shown_to_reviewers_naming_only_whom_their_scope_reaches() {
    use nencho_filings::{ClaimFinding, ClaimRole};
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;
    open_2026(&tenant, company).await;
    set_clock(&tenant.world, IN_FILING_2026);
    let sales = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0001").department("営業部"),
    )
    .await;
    let general = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0002").department("総務部"),
    )
    .await;
    // The daughter of both declarations (山田 一子, 2006-05-10) works here too.
    let mut daughter = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("0003").department("総務部"),
    )
    .await;
    daughter.name = PersonName {
        family: "山田".into(),
        given: "一子".into(),
        family_kana: "ヤマダ".into(),
        given_kana: "イチコ".into(),
    };
    daughter.birth_date = date!(2006 - 05 - 10);
    tenant
        .world
        .store
        .update_employee(tenant.notice.tenant.id, &daughter)
        .await
        .unwrap();
    // Both parents claim the same spouse and daughter; the daughter files with a 6,000,000
    // salary of her own.
    let filed = proxy_submitted(&tenant, &sales).await;
    let other = proxy_submitted(&tenant, &general).await;
    let mut single = complete_document();
    single.answers.has_spouse = Some(false);
    single.answers.has_dependents = Some(false);
    single.spouse = None;
    single.relatives.clear();
    let saved = proxy_save(context, &tenant.admin, daughter.id, year(2026), 0, single)
        .await
        .unwrap();
    proxy_submit(
        context,
        &tenant.admin,
        daughter.id,
        year(2026),
        saved.version,
        "",
    )
    .await
    .unwrap();
    // In another company of the contract, someone else claims the same daughter too.
    let sister = self::company(&tenant.world, &tenant.notice, "株式会社ビー").await;
    open_2026(&tenant, &sister).await;
    let elsewhere = employee(&tenant.world, &sister, NewEmployee::numbered("B1")).await;
    let mut daughter_only = complete_document();
    daughter_only.answers.has_spouse = Some(false);
    daughter_only.spouse = None;
    proxy_save(
        context,
        &tenant.admin,
        elsewhere.id,
        year(2026),
        0,
        daughter_only,
    )
    .await
    .unwrap();

    let seen = review(context, &tenant.admin, filed.id).await.unwrap();
    let summary: Vec<(&str, Option<&str>)> = seen
        .claim_checks
        .iter()
        .map(|check| {
            let kind = match &check.finding {
                ClaimFinding::ClaimedTwice { claim, .. } if claim.role == ClaimRole::Spouse => {
                    "spouse twice"
                }
                ClaimFinding::ClaimedTwice { .. } => "relative twice",
                ClaimFinding::ClaimedPersonIsEmployee { .. } => "colleague",
                ClaimFinding::MutualSpouse { .. } => "mutual",
                ClaimFinding::EmployeeClaimedByOther { .. } => "claimed",
            };
            (kind, check.other.as_ref().map(|e| e.number.as_str()))
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("spouse twice", Some("0002")),
            ("relative twice", Some("0002")),
            ("relative twice", Some("B1")),
            ("colleague", Some("0003")),
        ]
    );
    // The ADMIN reviews every company: the other company is named; the own company's are not.
    let companies: Vec<Option<&str>> = seen
        .claim_checks
        .iter()
        .map(|check| check.other_company.as_deref())
        .collect();
    assert_eq!(companies, [None, None, Some("株式会社ビー"), None]);
    assert_eq!(
        seen.claim_checks[0]
            .other_filing
            .as_ref()
            .map(|filing| (filing.id, filing.status)),
        Some((other.id, FilingStatus::Submitted))
    );
    // The daughter's own declaration: 給与所得 of 6,000,000 in 2026 = 6,000,000 × 80% −
    // 440,000 = 4,360,000 (所得税法28条③, the 別表第五 row at 6,000,000).
    assert_eq!(seen.claim_checks[3].own_income, Some(Yen::new(4_360_000)));

    let board = dashboard(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        DashboardRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(board.shared_claims, 2);
    let shared = dashboard(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        DashboardRequest {
            shared_claims: true,
            ..DashboardRequest::default()
        },
    )
    .await
    .unwrap();
    let numbers: Vec<&str> = shared
        .page
        .rows
        .iter()
        .map(|row| row.employee.number.as_str())
        .collect();
    assert_eq!(numbers, ["0001", "0002"]);

    // A 承認者 of 営業部 sees the findings but not who in 総務部 claims the same people.
    let approver = staff(
        &tenant,
        "sales-approver",
        company,
        CompanyRole::Approver,
        &["営業部"],
    )
    .await;
    // Nor anything of another company: a role given per company searches its company only.
    let narrowed = review(context, &approver, filed.id).await.unwrap();
    assert_eq!(narrowed.claim_checks.len(), 3);
    assert!(
        narrowed
            .claim_checks
            .iter()
            .all(|check| check.other.is_none() && check.other_filing.is_none())
    );
    let board = dashboard(
        context,
        &approver,
        company.id,
        year(2026),
        DashboardRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(board.shared_claims, 1);
    // And cannot open the other declaration at all.
    assert!(matches!(
        review(context, &approver, other.id).await,
        Err(AppError::Forbidden)
    ));
}

// ---------------------------------------------------------------------------------------------
// 年末調整の対象外
// ---------------------------------------------------------------------------------------------

fn numbers_of(excluded: &[ExcludedEmployee]) -> Vec<(&str, bool)> {
    excluded
        .iter()
        .map(|one| (one.employee_number.as_str(), one.mailed))
        .collect()
}

#[tokio::test]
async fn employees_set_aside_as_excluded_are_asked_nothing_and_come_back_as_they_were() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;
    open_2026(&tenant, company).await;
    let taro = user(&tenant.world, &tenant.notice, "emp001", "山田 太郎").await;
    let returned_one = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("E001")
            .email("e001@acme.example")
            .department("営業")
            .user(&taro),
    )
    .await;
    let requested_one = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("E002").email("e002@acme.example"),
    )
    .await;
    let without_email = employee(
        &tenant.world,
        company,
        NewEmployee::numbered("E003").department("経理"),
    )
    .await;
    let approved_one = employee(&tenant.world, company, NewEmployee::numbered("E004")).await;
    employee(&tenant.world, company, NewEmployee::numbered("E005").left()).await;
    let proxy = proxy_submitted(&tenant, &approved_one).await;
    let submitted = submitted_by(&tenant, company, &taro).await;
    let comment = "保険料の金額を確認してください。";
    let returned = return_filing(
        context,
        &tenant.admin,
        submitted.id,
        submitted.version,
        comment.into(),
        None,
    )
    .await
    .unwrap();
    approve_filing(context, &tenant.admin, proxy.id, proxy.version)
        .await
        .unwrap();

    // "その他" needs a note; nothing is written when the form is refused.
    let other = ExclusionRequest {
        numbers: "E001".into(),
        reason: ExclusionReason::Other,
        note: " ".into(),
    };
    assert!(matches!(
        exclude_employees(context, &tenant.admin, company.id, year(2026), &other).await,
        Err(AppError::Invalid { field: "note", .. })
    ));
    let nothing = ExclusionRequest {
        numbers: " \n、".into(),
        reason: ExclusionReason::NonResident,
        note: String::new(),
    };
    assert!(matches!(
        exclude_employees(context, &tenant.admin, company.id, year(2026), &nothing).await,
        Err(AppError::Invalid {
            field: "numbers",
            ..
        })
    ));
    assert_eq!(
        filing_of(&tenant, &returned_one, 2026)
            .await
            .unwrap()
            .status,
        FilingStatus::Returned
    );

    let too_many = ExclusionRequest {
        numbers: (0..=MAX_EXCLUSIONS_AT_ONCE)
            .map(|index| format!("X{index}\n"))
            .collect(),
        reason: ExclusionReason::NonResident,
        note: String::new(),
    };
    match exclude_employees(context, &tenant.admin, company.id, year(2026), &too_many).await {
        Err(AppError::Invalid { field, message }) => {
            assert_eq!(field, "numbers");
            assert!(message.contains("500人まで"), "{message}");
        }
        other => panic!("501 numbers should be refused: {other:?}"),
    }

    // A viewer cannot set anyone aside.
    let viewer = staff(&tenant, "viewer", company, CompanyRole::Viewer, &[]).await;
    let secondary = ExclusionRequest {
        numbers: "E001\r\nE002、E003 E004\tE005\nE999\n山田".into(),
        reason: ExclusionReason::SecondaryEmployer,
        note: "本務先は株式会社B".into(),
    };
    assert!(matches!(
        exclude_employees(context, &viewer, company.id, year(2026), &secondary).await,
        Err(AppError::Forbidden)
    ));

    let outcome = exclude_employees(context, &tenant.admin, company.id, year(2026), &secondary)
        .await
        .unwrap();
    // Those who had been asked are told by mail (E003 has no address); E005 (left, never
    // asked) is set aside silently.
    assert_eq!(
        numbers_of(&outcome.excluded),
        [
            ("E001", true),
            ("E002", true),
            ("E003", false),
            ("E005", false)
        ]
    );
    let skipped: Vec<(&str, &str)> = outcome
        .skipped
        .iter()
        .map(|one| (one.employee_number.as_str(), one.why.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "E004",
                "承認済みです。対象外にするには、先に再年調のために差し戻してください。"
            ),
            ("E999", "この会社にこの社員番号の従業員はいません。"),
            ("山田", "社員番号の形式ではありません。"),
        ]
    );
    let reason = "乙欄(扶養控除等申告書を他の勤務先に提出、または未提出): 本務先は株式会社B";
    let excluded = filing_of(&tenant, &returned_one, 2026).await.unwrap();
    assert_eq!(excluded.status, FilingStatus::Excluded);
    assert_eq!(excluded.last_comment.as_deref(), Some(reason));
    assert_eq!(excluded.document, returned.document, "the document is kept");
    let mails = mail_with_subject(&tenant, "令和8年分 年末調整の対象外となりました").await;
    let addressed: Vec<&str> = mails.iter().map(|mail| mail.to.as_str()).collect();
    assert_eq!(addressed, ["e001@acme.example", "e002@acme.example"]);
    assert!(mails[0].body.contains(reason), "{}", mails[0].body);

    // Counted apart; asked nothing more.
    let board = dashboard(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        DashboardRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(board.counts.of(FilingStatus::Excluded), 3, "E005 has left");
    assert_eq!(board.counts.of(FilingStatus::Approved), 1);
    assert_eq!(board.counts.total(), 4);
    let reminded = remind(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Everyone,
    )
    .await
    .unwrap();
    assert_eq!(reminded, Outcome::default());
    let requested = request_filings(
        context,
        &tenant.admin,
        company.id,
        year(2026),
        Recipients::Everyone,
    )
    .await
    .unwrap();
    assert_eq!(requested, Outcome::default());
    refused_with(
        save_own_filing(
            context,
            &taro,
            year(2026),
            excluded.version,
            complete_document(),
        )
        .await,
        "対象外の申告書に「保存」はできません。",
    );
    refused_with(
        submit_own_filing(context, &taro, year(2026), excluded.version, "").await,
        "対象外の申告書に「提出」はできません。",
    );
    let (_, listed) = excluded_employees(context, &viewer, company.id, year(2026), None)
        .await
        .unwrap();
    let listed: Vec<&str> = listed
        .rows
        .iter()
        .map(|row| row.employee.number.as_str())
        .collect();
    assert_eq!(listed, ["E001", "E002", "E003", "E005"]);

    // Excluding again skips them.
    let again = exclude_employees(context, &tenant.admin, company.id, year(2026), &secondary)
        .await
        .unwrap();
    assert!(again.excluded.is_empty());
    assert_eq!(again.skipped[0].why, "すでに対象外です。");

    // Back as they were: the return comment shows again; the requested one is requested.
    let included = include_filing(context, &tenant.admin, excluded.id, excluded.version)
        .await
        .unwrap();
    assert_eq!(included.status, FilingStatus::Returned);
    assert_eq!(included.last_comment.as_deref(), Some(comment));
    assert_eq!(included.document, returned.document);
    let second = filing_of(&tenant, &requested_one, 2026).await.unwrap();
    let back = include_filing(context, &tenant.admin, second.id, second.version)
        .await
        .unwrap();
    assert_eq!(back.status, FilingStatus::Requested);
    assert_eq!(back.last_comment, None);
    assert!(matches!(
        include_filing(context, &tenant.admin, back.id, back.version).await,
        Err(AppError::Refused(_))
    ));
    let history = review(context, &tenant.admin, excluded.id)
        .await
        .unwrap()
        .history
        .events;
    let actions: Vec<(&str, FilingStatus, FilingStatus)> = history
        .iter()
        .rev()
        .take(2)
        .map(|event| (event.action.as_str(), event.from, event.to))
        .collect();
    assert_eq!(
        actions,
        [
            ("対象に戻す", FilingStatus::Excluded, FilingStatus::Returned),
            (
                "対象外にする",
                FilingStatus::Returned,
                FilingStatus::Excluded
            ),
        ]
    );

    // A clerk of 営業 reaches only 営業: E002 (no department) is skipped, E003 (経理) cannot be
    // taken back by them.
    let clerk = staff(&tenant, "clerk", company, CompanyRole::Clerk, &["営業"]).await;
    let by_clerk = exclude_employees(
        context,
        &clerk,
        company.id,
        year(2026),
        &ExclusionRequest {
            numbers: "E002".into(),
            reason: ExclusionReason::HighSalary,
            note: String::new(),
        },
    )
    .await
    .unwrap();
    assert!(by_clerk.excluded.is_empty());
    assert_eq!(
        by_clerk.skipped[0].why,
        "担当する部署の従業員ではありません。"
    );
    let third = filing_of(&tenant, &without_email, 2026).await.unwrap();
    assert!(matches!(
        include_filing(context, &clerk, third.id, third.version).await,
        Err(AppError::Forbidden)
    ));
}

#[tokio::test]
async fn the_progress_by_department_shows_a_narrowed_role_its_departments_only() {
    let tenant = tenant().await;
    let context = &tenant.world.context;
    let company = &tenant.company;
    for (number, department) in [("0001", "営業"), ("0002", "営業"), ("0003", "経理")] {
        employee(
            &tenant.world,
            company,
            NewEmployee::numbered(number).department(department),
        )
        .await;
    }
    employee(&tenant.world, company, NewEmployee::numbered("0004")).await;
    let names = |departments: &[nencho_ports::DepartmentCounts]| -> Vec<(Option<String>, u64)> {
        departments
            .iter()
            .map(|row| (row.department.clone(), row.counts.total()))
            .collect()
    };
    let (_, all) = progress_by_department(context, &tenant.admin, company.id, year(2026))
        .await
        .unwrap();
    assert_eq!(
        names(&all),
        [
            (Some("営業".to_owned()), 2),
            (Some("経理".to_owned()), 1),
            (None, 1)
        ]
    );
    let clerk = staff(&tenant, "sales", company, CompanyRole::Clerk, &["営業"]).await;
    let (_, own) = progress_by_department(context, &clerk, company.id, year(2026))
        .await
        .unwrap();
    assert_eq!(names(&own), [(Some("営業".to_owned()), 2)]);
    let outsider = user(&tenant.world, &tenant.notice, "outsider", "部外 者").await;
    assert!(matches!(
        progress_by_department(context, &outsider, company.id, year(2026)).await,
        Err(AppError::Forbidden)
    ));
}
