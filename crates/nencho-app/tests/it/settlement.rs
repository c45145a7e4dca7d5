//! The year-end settlement (年末調整の精算, YEA-5) over a real SQLite store: payroll totals
//! against approved declarations, down to the refund, with figures checked against the published
//! rules (/work/shared/tax/rules-2025-2026.md) and the calculator contract's example
//! (calculator-api.md).

use nencho_app::AppError;
use nencho_app::filings::exclusions::{ExclusionRequest, exclude_employees};
use nencho_app::filings::periods::{PeriodsInput, set_periods};
use nencho_app::filings::review::{approve_filing, proxy_save, proxy_submit};
use nencho_app::filings::settlement::{SettlementOutcome, TotalsLine, settle, start_settlement};
use nencho_app::filings::slips::issue_slips;
use nencho_app::sign_in::CurrentUser;
use nencho_app::users::assign_company_role;
use nencho_filings::{
    Answers, Declaration, ExclusionReason, PreviousEmployment, SocialInsurancePayment,
    TaxpayerSection,
};
use nencho_identity::{
    CompanyRole, DisplayName, LoginId, PasswordState, Role, TokenHash, User, UserStatus,
};
use nencho_kernel::{Clock, EmailAddress, EmployeeId, TaxYear, UserId, Yen};
use nencho_ports::{CompanyStore, EmployeeStore, OutboxStore, SlipStore, UserStore};
use nencho_tenancy::{Company, CompanyName, Employee, EmployeeNumber, EmploymentType, PersonName};
use time::OffsetDateTime;
use time::macros::{date, datetime};

use crate::support::{World, acme, logged_in, world};

fn year() -> TaxYear {
    TaxYear::new(2026).unwrap()
}

fn yen(amount: i64) -> Yen {
    Yen::new(amount)
}

/// 株式会社エー, registered in the tenant.
async fn company_a(world: &World, tenant: nencho_kernel::TenantId) -> Company {
    let company = Company::register(
        tenant,
        CompanyName::parse("株式会社エー").unwrap(),
        world.clock.as_ref(),
    );
    world.store.insert_company(tenant, &company).await.unwrap();
    company
}

async fn employee(world: &World, company: &Company, number: &str) -> Employee {
    let employee = Employee {
        id: EmployeeId::generate(world.clock.as_ref()),
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
        email: None,
        department: Some("総務部".into()),
        employment_type: EmploymentType::Regular,
        hire_date: Some(date!(2015 - 04 - 01)),
        leave_date: None,
        user_id: None,
        updated_at: world.clock.now(),
    };
    world
        .store
        .insert_employee(company.tenant_id, &employee)
        .await
        .unwrap();
    employee
}

/// No spouse, no dependants, no insurance but the declared social insurance (国民年金 paid by
/// the employee for a family member, say), salary estimate 5,000,000.
fn single_declaration(declared_social_insurance: i64) -> Declaration {
    Declaration {
        answers: Answers {
            has_spouse: Some(false),
            has_dependents: Some(false),
            paid_life_insurance: Some(false),
            paid_earthquake_insurance: Some(false),
            paid_social_insurance: Some(declared_social_insurance > 0),
            paid_mutual_aid: Some(false),
            has_housing_loan: Some(false),
            had_previous_employer: None,
        },
        taxpayer: TaxpayerSection {
            estimated_salary: yen(5_000_000),
            ..TaxpayerSection::default()
        },
        social_insurance: if declared_social_insurance > 0 {
            vec![SocialInsurancePayment {
                kind: "国民年金保険料".into(),
                payee: "日本年金機構".into(),
                borne_by: "長女".into(),
                amount: yen(declared_social_insurance),
            }]
        } else {
            Vec::new()
        },
        ..Declaration::default()
    }
}

/// Proxy-enters, submits and approves `document` for `employee`, as the ADMIN.
async fn approved(world: &World, admin: &CurrentUser, employee: &Employee, document: Declaration) {
    let context = &world.context;
    let saved = proxy_save(context, admin, employee.id, year(), 0, document)
        .await
        .unwrap();
    let submitted = proxy_submit(context, admin, employee.id, year(), saved.version, "")
        .await
        .unwrap();
    approve_filing(context, admin, submitted.id, submitted.version)
        .await
        .unwrap();
}

fn line(row: u64, number: &str, salary: i64, withheld: i64, social: i64) -> TotalsLine {
    TotalsLine {
        row,
        employee_number: EmployeeNumber::parse(number).unwrap(),
        salary_total: yen(salary),
        tax_withheld: yen(withheld),
        last_salary_tax_unwithheld: Yen::ZERO,
        social_insurance: yen(social),
        small_business_mutual_aid: Yen::ZERO,
        tax_deferred: Yen::ZERO,
    }
}

/// A general user with a company role, as the session would present them.
async fn with_role(
    world: &World,
    admin: &CurrentUser,
    company: &Company,
    login_id: &str,
    role: CompanyRole,
) -> CurrentUser {
    let user = User {
        id: UserId::generate(world.clock.as_ref()),
        tenant_id: company.tenant_id,
        login_id: LoginId::parse(login_id).unwrap(),
        display_name: DisplayName::parse("佐藤 花子").unwrap(),
        email: None,
        role: Role::General,
        status: UserStatus::Active,
        password: PasswordState::NotSet,
        created_at: world.clock.now(),
    };
    world
        .store
        .insert_user(company.tenant_id, &user)
        .await
        .unwrap();
    assign_company_role(&world.context, admin, user.id, company.id, role, vec![])
        .await
        .unwrap();
    CurrentUser {
        tenant: admin.tenant.clone(),
        user,
        session: TokenHash::from_hex("0".repeat(64)),
        stage: nencho_identity::SessionStage::Complete,
    }
}

/// 2026-11-20 10:00 in Japan: inside the filing period.
const IN_FILING_2026: OffsetDateTime = datetime!(2026-11-20 01:00 UTC);

#[tokio::test]
async fn payroll_totals_and_approved_declarations_settle_to_the_published_figures() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = company_a(&world, notice.tenant.id).await;
    let context = &world.context;
    set_periods(
        context,
        &admin,
        company.id,
        year(),
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
    let now = world.clock.now();
    world.clock.advance(IN_FILING_2026 - now);

    let taro = employee(&world, &company, "0001").await;
    let hanako = employee(&world, &company, "0002").await;
    let _pending = employee(&world, &company, "0003").await;
    let rich = employee(&world, &company, "0004").await;
    approved(&world, &admin, &taro, single_declaration(0)).await;
    // 60,000 declared + 660,000 withheld = the same 720,000 of 社会保険料控除 (rules §7).
    approved(&world, &admin, &hanako, single_declaration(60_000)).await;
    approved(&world, &admin, &rich, single_declaration(0)).await;

    let mut unwithheld = line(3, "0002", 5_000_000, 100_000, 660_000);
    unwithheld.last_salary_tax_unwithheld = yen(10_000);
    let settlement = settle(
        context,
        &admin,
        company.id,
        year(),
        vec![
            line(2, "0001", 5_000_000, 120_000, 720_000),
            unwithheld,
            line(4, "0003", 4_000_000, 80_000, 580_000),
            line(5, "0004", 25_000_000, 4_000_000, 1_500_000),
        ],
    )
    .await
    .unwrap();
    assert!(settlement.errors.is_empty(), "{:?}", settlement.errors);
    assert_eq!(settlement.lines.len(), 4);

    // The calculator contract's example (calculator-api.md): 2026, salary 5,000,000, social
    // insurance 720,000, no dependants, 120,000 withheld.
    let first = settlement.lines[0].result().expect("computed");
    assert!(first.eligible);
    // rules §1.2 (2026): 3,600,000 ≤ X < 6,600,000 → A×80% − 440,000 with A = 5,000,000.
    assert_eq!(first.employment_income, yen(3_560_000));
    assert_eq!(first.income_adjustment_deduction, Yen::ZERO);
    // rules §7: the full social insurance; §3 (2026): 合計所得 3,560,000 → 基礎控除 1,040,000.
    assert_eq!(first.deductions.social_insurance, yen(720_000));
    assert_eq!(first.deductions.basic, yen(1_040_000));
    assert_eq!(first.total_deductions, yen(1_760_000));
    // rules §11.5: 3,560,000 − 1,760,000, 1,000円未満切捨て.
    assert_eq!(first.taxable_income, yen(1_800_000));
    // rules §11.6: T ≤ 1,950,000 → 5%.
    assert_eq!(first.computed_tax, yen(90_000));
    assert_eq!(first.annual_income_tax, yen(90_000));
    // rules §11.8: 90,000 × 102.1% = 91,890 → 100円未満切捨て 91,800.
    assert_eq!(first.annual_tax, yen(91_800));
    // rules §11.9: 120,000 − 91,800 over-withheld → refunded.
    assert_eq!(first.difference, yen(-28_200));
    assert_eq!(first.refund, yen(28_200));
    assert_eq!(first.additional_collection, Yen::ZERO);
    assert_eq!(settlement.lines[0].status_name(), "計算済");

    // Declared and withheld social insurance add up (rules §7); the over-withheld 8,200 goes
    // first to the last salary's 10,000 not yet withheld (rules §11.9), nothing is refunded.
    let second = settlement.lines[1].result().expect("computed");
    assert_eq!(second.deductions.social_insurance, yen(720_000));
    assert_eq!(second.annual_tax, yen(91_800));
    assert_eq!(second.difference, yen(-8_200));
    assert_eq!(second.applied_to_last_salary_tax, yen(8_200));
    assert_eq!(second.refund, Yen::ZERO);

    // Without an approved declaration: listed, not computed.
    assert_eq!(settlement.lines[2].outcome, SettlementOutcome::NotApproved);
    assert!(
        settlement.lines[2].slip.is_none(),
        "no slip without an approved declaration"
    );
    assert_eq!(settlement.lines[2].status_name(), "未承認");
    // Above 2,000万円: outside 年末調整 (rules §11.1, 所得税法190条).
    let fourth = settlement.lines[3].result().expect("computed");
    assert!(!fourth.eligible);
    assert_eq!(fourth.refund, Yen::ZERO);
    assert_eq!(settlement.lines[3].status_name(), "年末調整の対象外");

    let totals = settlement.totals;
    assert_eq!(
        (totals.computed, totals.ineligible, totals.not_approved),
        (3, 1, 1)
    );
    assert_eq!(totals.refund, yen(28_200));
    assert_eq!(totals.additional_collection, Yen::ZERO);
    assert_eq!(totals.applied_to_last_salary_tax, yen(8_200));
    assert_eq!(totals.annual_tax, yen(183_600));
    assert_eq!(totals.tax_withheld, yen(220_000));

    // A mid-year hire (中途入社) whose previous employer's 源泉徴収票 is on the approved
    // declaration: 1,200,000 paid, 180,000 社会保険料等, 30,000 withheld there; this company's
    // totals are 3,800,000, 540,000 and 90,000. The year-end adjustment covers both
    // (所得税法190条; rules §11): 5,000,000 of salary, 720,000 of social insurance and 120,000
    // withheld — the calculator contract's example again, so the same 年調年税額 91,800 and
    // refund 28,200, paid back by this company.
    let mut newcomer = employee(&world, &company, "0005").await;
    newcomer.hire_date = Some(date!(2026 - 04 - 01));
    world
        .store
        .update_employee(company.tenant_id, &newcomer)
        .await
        .unwrap();
    // Hired this year, the previous-employer question must be answered before submitting.
    let unanswered = proxy_save(
        context,
        &admin,
        newcomer.id,
        year(),
        0,
        single_declaration(0),
    )
    .await
    .unwrap();
    match proxy_submit(context, &admin, newcomer.id, year(), unanswered.version, "").await {
        Err(AppError::Incomplete(problems)) => assert_eq!(
            problems
                .iter()
                .map(|problem| problem.path.as_str())
                .collect::<Vec<_>>(),
            ["answers.had_previous_employer"]
        ),
        other => panic!("a mid-year hire's unanswered question is a problem: {other:?}"),
    }
    let mut mid_year = single_declaration(0);
    mid_year.answers.had_previous_employer = Some(true);
    mid_year.previous_employments = vec![PreviousEmployment {
        payer_name: "株式会社前職".into(),
        payer_address: "大阪市北区梅田1-1-1".into(),
        left_on: date!(2026 - 03 - 31),
        salary: yen(1_200_000),
        social_insurance: yen(180_000),
        tax_withheld: yen(30_000),
    }];
    let saved = proxy_save(
        context,
        &admin,
        newcomer.id,
        year(),
        unanswered.version,
        mid_year,
    )
    .await
    .unwrap();
    let submitted = proxy_submit(context, &admin, newcomer.id, year(), saved.version, "")
        .await
        .unwrap();
    approve_filing(context, &admin, submitted.id, submitted.version)
        .await
        .unwrap();
    let with_previous = settle(
        context,
        &admin,
        company.id,
        year(),
        vec![line(2, "0005", 3_800_000, 90_000, 540_000)],
    )
    .await
    .unwrap();
    assert!(
        with_previous.errors.is_empty(),
        "{:?}",
        with_previous.errors
    );
    let settled = &with_previous.lines[0];
    assert_eq!(settled.previous.salary, yen(1_200_000));
    let result = settled.result().expect("computed");
    assert_eq!(result.employment_income, yen(3_560_000));
    assert_eq!(result.deductions.social_insurance, yen(720_000));
    assert_eq!(result.taxable_income, yen(1_800_000));
    assert_eq!(result.annual_tax, yen(91_800));
    assert_eq!(result.difference, yen(-28_200));
    assert_eq!(result.refund, yen(28_200));
    assert_eq!(with_previous.totals.tax_withheld, yen(90_000));
    assert_eq!(with_previous.totals.previous_tax_withheld, yen(30_000));
    // Its 源泉徴収票: 支払金額 and 社会保険料等 cover both employers, the 源泉徴収税額 is the
    // 年調年税額, and the 摘要 names the previous employer.
    let slip = settled
        .slip
        .as_ref()
        .expect("a computed employee has a slip");
    assert_eq!(slip.payment, yen(5_000_000));
    assert_eq!(slip.employment_income, yen(3_560_000));
    assert_eq!(slip.social_insurance, yen(720_000));
    assert_eq!(slip.total_deductions, yen(1_760_000));
    assert_eq!(slip.tax, yen(91_800));
    assert!(
        slip.remarks[0].contains("株式会社前職"),
        "{:?}",
        slip.remarks
    );
    // Taro's declaration has no 前職分: the same upload settles on this company's salary alone
    // (rules §1.2: 3,800,000 × 80% − 440,000 = 2,600,000), a different result.
    let without_previous = settle(
        context,
        &admin,
        company.id,
        year(),
        vec![line(2, "0001", 3_800_000, 90_000, 540_000)],
    )
    .await
    .unwrap();
    let alone = without_previous.lines[0].result().expect("computed");
    assert_eq!(alone.employment_income, yen(2_600_000));
    assert_ne!(alone.annual_tax, yen(91_800));

    // 電子交付: issued only to the consenting employee (who is told by e-mail), listed for
    // paper otherwise; issuing again replaces the year's slip.
    let mut consenting = employee(&world, &company, "0006").await;
    consenting.email = Some(EmailAddress::parse("hanako@acme.example").unwrap());
    world
        .store
        .update_employee(company.tenant_id, &consenting)
        .await
        .unwrap();
    approved(&world, &admin, &consenting, single_declaration(0)).await;
    world
        .store
        .set_slip_consent(
            company.tenant_id,
            consenting.id,
            Some(&nencho_filings::SlipConsent::online(world.clock.now())),
        )
        .await
        .unwrap();
    let issued = issue_slips(
        context,
        &admin,
        company.id,
        year(),
        vec![
            line(2, "0006", 5_000_000, 120_000, 720_000),
            line(3, "0001", 5_000_000, 120_000, 720_000),
            line(4, "0003", 4_000_000, 80_000, 580_000),
        ],
    )
    .await
    .unwrap();
    let numbers = |employees: &[Employee]| -> Vec<String> {
        employees.iter().map(|e| e.number.to_string()).collect()
    };
    assert_eq!(numbers(&issued.issued), ["0006"]);
    assert_eq!(numbers(&issued.without_consent), ["0001"]);
    assert_eq!(numbers(&issued.not_approved), ["0003"]);
    let slip = world
        .store
        .find_issued_slip(company.tenant_id, consenting.id, year())
        .await
        .unwrap()
        .expect("issued");
    assert_eq!(slip.slip.tax, yen(91_800));
    assert_eq!(slip.parties.payer_name, "株式会社エー");
    assert_eq!(slip.issued_by, admin.user.id);
    assert!(
        world
            .store
            .find_issued_slip(company.tenant_id, taro.id, year())
            .await
            .unwrap()
            .is_none(),
        "nothing issued without consent"
    );
    let mails = world.store.list_mail(company.tenant_id, 50).await.unwrap();
    let notice = mails
        .iter()
        .find(|mail| mail.subject == "令和8年分 源泉徴収票の交付のお知らせ")
        .expect("the employee is told");
    assert_eq!(notice.to.as_str(), "hanako@acme.example");
    assert!(notice.body.contains("/slips"), "{}", notice.body);
    // A corrected upload issues again: the year's slip is replaced (年調年税額 of 4,000,000).
    issue_slips(
        context,
        &admin,
        company.id,
        year(),
        vec![line(2, "0006", 4_000_000, 80_000, 580_000)],
    )
    .await
    .unwrap();
    let replaced = world
        .store
        .find_issued_slip(company.tenant_id, consenting.id, year())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(replaced.slip.payment, yen(4_000_000));
    assert_eq!(
        world
            .store
            .issued_slip_years(company.tenant_id, consenting.id)
            .await
            .unwrap(),
        [year()]
    );

    // An unknown employee number is a row error, and then nothing is computed.
    let refused = settle(
        context,
        &admin,
        company.id,
        year(),
        vec![
            line(2, "0001", 5_000_000, 120_000, 720_000),
            line(3, "9999", 5_000_000, 120_000, 720_000),
        ],
    )
    .await
    .unwrap();
    assert!(refused.lines.is_empty());
    assert_eq!(refused.totals.refund, Yen::ZERO);
    assert_eq!(refused.errors.len(), 1);
    assert_eq!(refused.errors[0].row, 3);
    assert_eq!(refused.errors[0].employee_number, "9999");
    assert_eq!(
        refused.errors[0].message,
        "社員番号「9999」の従業員は株式会社エーにいません"
    );

    // ExportPayroll over the company: a 承認者 may, a 参照者 may not.
    let approver = with_role(&world, &admin, &company, "shonin", CompanyRole::Approver).await;
    let viewer = with_role(&world, &admin, &company, "sansho", CompanyRole::Viewer).await;
    start_settlement(context, &approver, company.id)
        .await
        .unwrap();
    assert!(matches!(
        start_settlement(context, &viewer, company.id).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        settle(context, &viewer, company.id, year(), vec![]).await,
        Err(AppError::Forbidden)
    ));
}

#[tokio::test]
async fn employees_set_aside_settle_to_slips_that_say_what_was_paid_and_withheld() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = company_a(&world, notice.tenant.id).await;
    let context = &world.context;
    let secondary = employee(&world, &company, "0001").await;
    employee(&world, &company, "0002").await;
    let adjusted = employee(&world, &company, "0003").await;
    approved(&world, &admin, &adjusted, single_declaration(0)).await;
    for (number, reason) in [
        ("0001", ExclusionReason::SecondaryEmployer),
        ("0002", ExclusionReason::NonResident),
    ] {
        let outcome = exclude_employees(
            context,
            &admin,
            company.id,
            year(),
            &ExclusionRequest {
                numbers: number.into(),
                reason,
                note: String::new(),
            },
        )
        .await
        .unwrap();
        assert_eq!(outcome.excluded.len(), 1);
    }
    world
        .store
        .set_slip_consent(
            company.tenant_id,
            secondary.id,
            Some(&nencho_filings::SlipConsent::online(world.clock.now())),
        )
        .await
        .unwrap();
    let lines = vec![
        line(2, "0001", 1_200_000, 36_700, 0),
        line(3, "0002", 3_000_000, 612_600, 0),
        line(4, "0003", 5_000_000, 120_000, 720_000),
    ];
    let settlement = settle(context, &admin, company.id, year(), lines.clone())
        .await
        .unwrap();
    assert!(settlement.errors.is_empty(), "{:?}", settlement.errors);
    let totals = settlement.totals;
    assert_eq!(
        (
            totals.computed,
            totals.excluded,
            totals.not_approved,
            totals.tax_withheld
        ),
        (1, 2, 0, yen(120_000)),
        "the excluded are neither computed nor summed"
    );
    let [otsu, abroad, _] = &settlement.lines[..] else {
        panic!("three lines: {:?}", settlement.lines);
    };
    assert_eq!(
        otsu.outcome,
        SettlementOutcome::Excluded {
            reason: "乙欄(扶養控除等申告書を他の勤務先に提出、または未提出)".into()
        }
    );
    assert_eq!(otsu.status_name(), "年末調整の対象外");
    let slip = otsu.slip.as_deref().expect("a slip of what was paid");
    assert!(!slip.adjusted && slip.secondary_column);
    assert_eq!((slip.payment, slip.tax), (yen(1_200_000), yen(36_700)));
    assert_eq!(slip.remarks, ["年末調整未済"]);
    assert!(
        abroad.slip.is_none(),
        "no 給与所得の源泉徴収票 for a 非居住者"
    );
    assert_eq!(abroad.exclusion_reason(), Some("非居住者"));

    // 税務署への提出 (NTA No.7411): the 乙欄 slip of 1,200,000円 is above 2(3)'s 500,000円;
    // the adjusted 5,000,000円 is at 1(3)'s limit, not above it; a 非居住者 has no slip.
    use nencho_filings::SubmissionRule;
    let adjusted_line = &settlement.lines[2];
    assert_eq!(otsu.submission, Some(SubmissionRule::NoDeclaration));
    assert_eq!(otsu.filed_with_tax_office(), Some(true));
    assert_eq!(adjusted_line.submission, Some(SubmissionRule::Adjusted));
    assert_eq!(adjusted_line.filed_with_tax_office(), Some(false));
    assert_eq!(
        (abroad.submission, abroad.filed_with_tax_office()),
        (None, None)
    );
    let adjusted_tax = adjusted_line.slip.as_deref().unwrap().tax;
    assert_eq!(
        (totals.slips.people, totals.slips.payment, totals.slips.tax),
        (2, yen(6_200_000), yen(36_700) + adjusted_tax)
    );
    assert_eq!(
        (totals.filed.people, totals.filed.payment, totals.filed.tax),
        (1, yen(1_200_000), yen(36_700))
    );
    assert_eq!(totals.secondary_column.people, 1);
    assert_eq!((totals.disaster.people, totals.filing_undecided), (0, 0));

    let issued = issue_slips(context, &admin, company.id, year(), lines)
        .await
        .unwrap();
    let numbers = |employees: &[Employee]| -> Vec<String> {
        employees.iter().map(|e| e.number.to_string()).collect()
    };
    assert_eq!(numbers(&issued.issued), ["0001"]);
    assert_eq!(numbers(&issued.without_slip), ["0002"]);
    assert_eq!(numbers(&issued.without_consent), ["0003"]);
    assert!(issued.not_approved.is_empty());
    let stored = world
        .store
        .find_issued_slip(company.tenant_id, secondary.id, year())
        .await
        .unwrap()
        .expect("issued");
    assert!(
        stored.slip.secondary_column,
        "the 乙欄 box survives the store"
    );
}

/// An officer (雇用形態 役員) who was adjusted: the slip goes to the tax office above 1,500,000円
/// (NTA No.7411 1(1)), where an employee's would need above 5,000,000円.
#[tokio::test]
async fn an_officers_slip_goes_to_the_tax_office_above_one_and_a_half_million() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = company_a(&world, notice.tenant.id).await;
    let mut officer = employee(&world, &company, "0009").await;
    officer.employment_type = EmploymentType::Officer;
    world
        .store
        .update_employee(company.tenant_id, &officer)
        .await
        .unwrap();
    approved(&world, &admin, &officer, single_declaration(0)).await;
    let staff = employee(&world, &company, "0010").await;
    approved(&world, &admin, &staff, single_declaration(0)).await;
    let settlement = settle(
        &world.context,
        &admin,
        company.id,
        year(),
        vec![
            line(2, "0009", 1_600_000, 20_000, 230_000),
            line(3, "0010", 1_600_000, 20_000, 230_000),
        ],
    )
    .await
    .unwrap();
    let [officer_line, staff_line] = &settlement.lines[..] else {
        panic!("two lines: {:?}", settlement.errors);
    };
    assert_eq!(
        officer_line.submission,
        Some(nencho_filings::SubmissionRule::AdjustedOfficer)
    );
    assert_eq!(officer_line.filed_with_tax_office(), Some(true));
    assert_eq!(staff_line.filed_with_tax_office(), Some(false));
    assert_eq!(settlement.totals.filed.people, 1);
}

/// A 災害者 (set aside under 災害減免法): the 徴収猶予税額 from the file goes into the slip's 摘要
/// (NTA 「給与所得の源泉徴収票の記載のしかた」) and the 法定調書合計表 sums; given for anyone else
/// it is a row error and nothing is computed.
#[tokio::test]
async fn a_disaster_victims_deferred_tax_is_on_the_slip_and_nobody_elses() {
    let world = world().await;
    let notice = acme(&world).await;
    let (_, admin) = logged_in(&world, &notice, "admin", notice.initial_password.expose()).await;
    let company = company_a(&world, notice.tenant.id).await;
    let context = &world.context;
    employee(&world, &company, "0001").await;
    let adjusted = employee(&world, &company, "0002").await;
    approved(&world, &admin, &adjusted, single_declaration(0)).await;
    exclude_employees(
        context,
        &admin,
        company.id,
        year(),
        &ExclusionRequest {
            numbers: "0001".into(),
            reason: ExclusionReason::DisasterRelief,
            note: String::new(),
        },
    )
    .await
    .unwrap();
    let deferred = |mut line: TotalsLine, amount: i64| {
        line.tax_deferred = yen(amount);
        line
    };
    let settlement = settle(
        context,
        &admin,
        company.id,
        year(),
        vec![
            deferred(line(2, "0001", 2_600_000, 10_000, 0), 48_000),
            line(3, "0002", 5_000_000, 120_000, 720_000),
        ],
    )
    .await
    .unwrap();
    assert!(settlement.errors.is_empty(), "{:?}", settlement.errors);
    let victim = &settlement.lines[0];
    let slip = victim.slip.as_deref().unwrap();
    assert!(slip.disaster);
    assert_eq!(slip.remarks, ["年末調整未済", "徴収猶予税額 48,000円"]);
    // 2(1) of No.7411: a 災害者 above 2,500,000円 is filed.
    assert_eq!(victim.filed_with_tax_office(), Some(true));
    let totals = settlement.totals;
    assert_eq!(
        (totals.disaster.people, totals.disaster_tax_deferred),
        (1, yen(48_000))
    );

    let refused = settle(
        context,
        &admin,
        company.id,
        year(),
        vec![deferred(line(3, "0002", 5_000_000, 120_000, 720_000), 1)],
    )
    .await
    .unwrap();
    assert!(refused.lines.is_empty());
    assert_eq!(refused.errors.len(), 1);
    assert!(
        refused.errors[0].message.contains("徴収猶予税額"),
        "{:?}",
        refused.errors
    );
}
