//! What the declaration cases share: stored tenants, companies and employees, filings and their
//! history, a declaration with every section, periods.

use nencho_filings::{
    Actor, Answers, Author, DateRange, Declaration, DisabilityKind, EarthquakePolicy,
    EarthquakePolicyKind, FieldChange, Filing, FilingAction, FilingEvent, FilingPeriods,
    FilingStatus, HousingLoan, LifeContractAge, LifePolicy, LifePolicyKind, MutualAidKind,
    MutualAidPayment, PersonName, PreviousEmployment, RelativeEntry, SocialInsurancePayment,
    SpouseEntry, TaxpayerSection, ValueChange,
};
use nencho_identity::Role;
use nencho_kernel::{Clock, EmailAddress, EmployeeId, FilingId, FixedClock, TaxYear, UserId, Yen};
use nencho_ports::{FilingWrite, OutboxMessage, PeriodChange, Store};
use nencho_tenancy::{Company, CompanyName, Employee, EmployeeNumber, EmploymentType, Tenant};
use time::macros::date;

use super::support::{tenant, user};

/// A tenant (opened with its ADMIN, returned too) and one company of it.
pub(super) async fn tenant_with_company(
    store: &dyn Store,
    slug: &str,
    clock: &FixedClock,
) -> (Tenant, UserId, Company) {
    let tenant = tenant(slug, "株式会社テスト", clock);
    let admin = user(&tenant, "admin", Role::Admin, clock);
    store.open_tenant(&tenant, &admin).await.unwrap();
    let company = company(store, &tenant, "本社", clock).await;
    (tenant, admin.id, company)
}

pub(super) async fn company(
    store: &dyn Store,
    tenant: &Tenant,
    name: &str,
    clock: &FixedClock,
) -> Company {
    clock.advance(time::Duration::milliseconds(1));
    let company = Company::register(tenant.id, CompanyName::parse(name).unwrap(), clock);
    store.insert_company(tenant.id, &company).await.unwrap();
    company
}

/// An employee of the company, stored.
pub(super) async fn employee(
    store: &dyn Store,
    company: &Company,
    number: &str,
    (family, given, family_kana, given_kana): (&str, &str, &str, &str),
    clock: &FixedClock,
) -> Employee {
    clock.advance(time::Duration::milliseconds(1));
    let employee = Employee {
        id: EmployeeId::generate(clock),
        tenant_id: company.tenant_id,
        company_id: company.id,
        number: EmployeeNumber::parse(number).unwrap(),
        name: nencho_tenancy::PersonName {
            family: family.into(),
            given: given.into(),
            family_kana: family_kana.into(),
            given_kana: given_kana.into(),
        },
        birth_date: date!(1990 - 04 - 01),
        postal_code: None,
        address: "東京都千代田区千代田1-1".into(),
        email: None,
        department: None,
        employment_type: EmploymentType::Regular,
        hire_date: None,
        leave_date: None,
        user_id: None,
        updated_at: clock.now(),
    };
    store
        .insert_employee(company.tenant_id, &employee)
        .await
        .unwrap();
    employee
}

pub(super) fn year(year: i32) -> TaxYear {
    TaxYear::new(year).unwrap()
}

/// A new declaration of the employee for the year, in `status`, at version 1.
pub(super) fn filing(
    employee: &Employee,
    tax_year: TaxYear,
    status: FilingStatus,
    clock: &FixedClock,
) -> Filing {
    clock.advance(time::Duration::milliseconds(1));
    let mut filing = Filing::new(
        FilingId::generate(clock),
        employee.tenant_id,
        employee.company_id,
        employee.id,
        tax_year,
        clock.now(),
    );
    filing.status = status;
    filing.version = 1;
    filing
}

/// Inserts filings (expected version 0), nothing else.
pub(super) async fn insert(store: &dyn Store, filings: &[Filing]) {
    let writes: Vec<FilingWrite> = filings.iter().map(|filing| bare(filing, 0)).collect();
    store
        .write_filings(filings[0].tenant_id, &writes)
        .await
        .unwrap();
}

pub(super) fn bare(filing: &Filing, expected_version: i64) -> FilingWrite {
    FilingWrite {
        filing: filing.clone(),
        expected_version,
        event: None,
        changes: Vec::new(),
        mail: None,
    }
}

/// The write of `action` taken by staff on `filing`, as the app stores it: the declaration after
/// it (the next version), its event and changed values.
pub(super) fn acted(filing: &Filing, action: &FilingAction, clock: &FixedClock) -> FilingWrite {
    clock.advance(time::Duration::milliseconds(1));
    let author = Author {
        id: UserId::from_uuid(uuid::Uuid::from_u128(7)),
        name: "人事 花子 (hr)".into(),
        kind: Actor::Staff,
    };
    let applied = filing.apply(action, &author, None, clock.now()).unwrap();
    FilingWrite {
        filing: applied.filing,
        expected_version: filing.version,
        event: applied.event,
        changes: applied.changes,
        mail: None,
    }
}

pub(super) fn event(
    actor: UserId,
    from: FilingStatus,
    to: FilingStatus,
    clock: &FixedClock,
) -> FilingEvent {
    clock.advance(time::Duration::milliseconds(1));
    FilingEvent {
        at: clock.now(),
        actor,
        actor_name: "admin".into(),
        from,
        to,
        action: "提出".into(),
        comment: Some("よろしくお願いします。".into()),
        proxy: true,
    }
}

pub(super) fn change(
    actor: UserId,
    path: &str,
    before: Option<&str>,
    after: Option<&str>,
    clock: &FixedClock,
) -> FieldChange {
    FieldChange {
        at: clock.now(),
        actor,
        actor_name: "山田 太郎".into(),
        change: ValueChange {
            path: path.into(),
            label: format!("{path} の表示名"),
            before: before.map(str::to_owned),
            after: after.map(str::to_owned),
        },
    }
}

pub(super) fn mail(tenant: &Tenant, clock: &FixedClock) -> OutboxMessage {
    OutboxMessage::new(
        tenant.id,
        EmailAddress::parse("taro@example.com").unwrap(),
        "【nencho】申告書が提出されました".into(),
        "本文です。".into(),
        clock,
    )
}

/// A declaration with every section filled in.
pub(super) fn full_declaration() -> Declaration {
    let name = |name: &str, kana: &str| PersonName {
        name: name.into(),
        kana: kana.into(),
    };
    Declaration {
        answers: Answers {
            has_spouse: Some(true),
            has_dependents: Some(true),
            paid_life_insurance: Some(true),
            paid_earthquake_insurance: Some(true),
            paid_social_insurance: Some(true),
            paid_mutual_aid: Some(true),
            has_housing_loan: Some(true),
            had_previous_employer: Some(true),
        },
        taxpayer: TaxpayerSection {
            estimated_salary: Yen::new(6_500_000),
            other_income: Yen::new(120_000),
            disability: DisabilityKind::General,
            widow: false,
            single_parent: true,
            working_student: true,
            school: "夜間大学".into(),
        },
        spouse: Some(SpouseEntry {
            name: name("山田 花子", "ヤマダ ハナコ"),
            birth_date: date!(1991 - 02 - 28),
            estimated_income: Yen::new(480_000),
            disability: DisabilityKind::Special,
            lives_together: true,
            non_resident: false,
        }),
        relatives: vec![
            RelativeEntry {
                name: name("山田 一郎", "ヤマダ イチロウ"),
                relationship: "長男".into(),
                birth_date: date!(2008 - 05 - 05),
                estimated_income: Yen::new(0),
                lives_together: true,
                lineal_ascendant: false,
                disability: DisabilityKind::None,
                claimed_by_other_earner: false,
                non_resident: false,
            },
            RelativeEntry {
                name: name("山田 梅", "ヤマダ ウメ"),
                relationship: "母".into(),
                birth_date: date!(1950 - 01 - 01),
                estimated_income: Yen::new(1_000_000),
                lives_together: false,
                lineal_ascendant: true,
                disability: DisabilityKind::General,
                claimed_by_other_earner: true,
                non_resident: true,
            },
        ],
        life_policies: vec![LifePolicy {
            insurer: "日本生命".into(),
            policy_type: "終身".into(),
            kind: LifePolicyKind::CareMedical,
            contract: LifeContractAge::Old,
            period: "終身".into(),
            beneficiary: "山田 花子".into(),
            premium: Yen::new(84_000),
        }],
        earthquake_policies: vec![EarthquakePolicy {
            insurer: "東京海上".into(),
            kind: EarthquakePolicyKind::OldLongTerm,
            insured_object: "居住用家屋".into(),
            period: "10年".into(),
            premium: Yen::new(12_000),
        }],
        social_insurance: vec![SocialInsurancePayment {
            kind: "国民年金".into(),
            payee: "日本年金機構".into(),
            borne_by: "妻".into(),
            amount: Yen::new(203_760),
        }],
        mutual_aid: vec![MutualAidPayment {
            kind: MutualAidKind::Ideco,
            amount: Yen::new(276_000),
        }],
        housing_loan: Some(HousingLoan {
            residence_start: date!(2022 - 03 - 15),
            year_end_balance: Yen::new(28_000_000),
            credit_limit: Yen::new(196_000),
        }),
        previous_employments: vec![PreviousEmployment {
            payer_name: "株式会社前職".into(),
            payer_address: "大阪市北区1-1".into(),
            left_on: date!(2026 - 03 - 31),
            salary: Yen::new(1_200_000),
            social_insurance: Yen::new(180_000),
            tax_withheld: Yen::new(30_000),
        }],
        carried_over_unconfirmed: true,
        ..Declaration::default()
    }
}

pub(super) fn periods(company: &Company, tax_year: TaxYear, refiling: bool) -> FilingPeriods {
    let y = tax_year.year();
    let day = |year: i32, month: time::Month, day: u8| {
        time::Date::from_calendar_date(year, month, day).unwrap()
    };
    FilingPeriods::new(
        company.id,
        tax_year,
        DateRange::new(
            day(y, time::Month::November, 1),
            day(y + 1, time::Month::January, 31),
        )
        .unwrap(),
        DateRange::new(
            day(y, time::Month::November, 10),
            day(y, time::Month::November, 30),
        )
        .unwrap(),
        refiling.then(|| {
            DateRange::new(
                day(y + 1, time::Month::January, 5),
                day(y + 1, time::Month::January, 20),
            )
            .unwrap()
        }),
        refiling,
    )
    .unwrap()
}

pub(super) fn period_change(
    periods: &FilingPeriods,
    actor: UserId,
    summary: &str,
    clock: &FixedClock,
) -> PeriodChange {
    clock.advance(time::Duration::milliseconds(1));
    PeriodChange {
        company_id: periods.company_id,
        tax_year: periods.tax_year,
        at: clock.now(),
        actor,
        actor_name: "admin".into(),
        summary: summary.into(),
    }
}
