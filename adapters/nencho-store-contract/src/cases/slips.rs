//! The 源泉徴収票 issued to employees electronically (電子交付) and their consent: consent given,
//! withdrawn and given again; slips issued with their mails in one transaction, found back whole,
//! replaced when issued again, listed by year and paged through for the export; all or nothing;
//! never seen by another tenant. (The contract's purge removing them is in `contract_end`.)

use std::collections::BTreeSet;

use nencho_filings::{
    ConsentMethod, IssuedSlip, MidYearChange, PersonName, SlipConsent, SlipParties, SlipPerson,
    WithholdingSlip,
};
use nencho_kernel::{Clock, EmailAddress, EmployeeId, FixedClock, TaxYear, TenantId, UserId, Yen};
use nencho_ports::{OutboxMessage, Store};
use nencho_tenancy::{Company, Employee, Tenant};
use time::macros::{date, datetime};

use super::filing_support::*;
use super::support::clock;

fn person(name: &str, kana: &str, class: Option<&str>) -> SlipPerson {
    SlipPerson {
        name: PersonName {
            name: name.into(),
            kana: kana.into(),
        },
        class: class.map(Into::into),
        non_resident: false,
    }
}

/// A family's slip of `tax_year` with `tax` as its 源泉徴収税額: every kind of field filled in
/// (persons, optional dates, the 摘要), so a column dropped on the way shows.
fn withholding_slip(tax_year: TaxYear, tax: i64) -> WithholdingSlip {
    WithholdingSlip {
        adjusted: true,
        payment: Yen::new(5_000_000),
        employment_income: Yen::new(3_560_000),
        total_deductions: Yen::new(4_155_000),
        tax: Yen::new(tax),
        has_deductible_spouse: true,
        spouse_deduction: Yen::new(380_000),
        specific_dependents: 1,
        elderly_dependents: 1,
        elderly_living_together: 1,
        young_dependents: 1,
        special_disabled: 1,
        special_disabled_living_together: 1,
        social_insurance: Yen::new(720_000),
        mutual_aid: Yen::new(144_000),
        life_insurance_deduction: Yen::new(55_000),
        earthquake_insurance_deduction: Yen::new(25_000),
        housing_loan_credit: Yen::new(120_000),
        housing_loan_credit_available: Yen::new(210_000),
        housing_residence_start: Some(date!(2022 - 03 - 20)),
        housing_year_end_balance: Yen::new(30_000_000),
        new_life_premium: Yen::new(100_000),
        care_medical_premium: Yen::new(40_000),
        spouse: Some(person("山田 花子", "ヤマダ ハナコ", None)),
        national_pension: Yen::new(199_080),
        basic_deduction: Yen::new(1_040_000),
        dependents: vec![
            person("山田 一郎", "ヤマダ イチロウ", Some("特定")),
            person("山田 梅", "ヤマダ ウメ", Some("同居老親等")),
        ],
        young: vec![person("山田 次郎", "ヤマダ ジロウ", None)],
        mid_year: Some(MidYearChange::Joined(date!(2026 - 04 - 01))),
        remarks: vec![
            "前職分 支払金額1,200,000円 源泉徴収税額30,000円 社会保険料等180,000円 \
             大阪市北区梅田1-1-1 株式会社前職 2026-03-31退職"
                .into(),
        ],
        ..WithholdingSlip::empty(tax_year, date!(1990 - 04 - 01))
    }
}

/// The slip of `employee` for `tax_year`, issued by `issuer` now (the clock moves on first).
pub(super) fn issued(
    employee: &Employee,
    tax_year: TaxYear,
    tax: i64,
    issuer: UserId,
    clock: &FixedClock,
) -> IssuedSlip {
    clock.advance(time::Duration::milliseconds(1));
    IssuedSlip {
        employee_id: employee.id,
        company_id: employee.company_id,
        tax_year,
        parties: SlipParties {
            recipient_number: employee.number.as_str().into(),
            recipient_name: format!("{} {}", employee.name.family, employee.name.given),
            recipient_kana: format!("{} {}", employee.name.family_kana, employee.name.given_kana),
            recipient_address: employee.address.clone(),
            payer_name: "株式会社テスト".into(),
            payer_address: "東京都千代田区丸の内1-1-1".into(),
            payer_phone: "03-1234-5678".into(),
        },
        slip: withholding_slip(tax_year, tax),
        issued_at: clock.now(),
        issued_by: issuer,
    }
}

fn slip_mail(tenant_id: TenantId, to: &str, clock: &FixedClock) -> OutboxMessage {
    OutboxMessage::new(
        tenant_id,
        EmailAddress::parse(to).unwrap(),
        "【nencho】源泉徴収票を交付しました".into(),
        "源泉徴収票を交付しました。ログインしてご確認ください。".into(),
        clock,
    )
}

/// A tenant with a company and two employees of it, stored.
async fn tenant_with_employees(
    store: &dyn Store,
    slug: &str,
    clock: &FixedClock,
) -> (Tenant, UserId, Company, Employee, Employee) {
    let (tenant, admin, company) = tenant_with_company(store, slug, clock).await;
    let taro = employee(
        store,
        &company,
        "0001",
        ("山田", "太郎", "ヤマダ", "タロウ"),
        clock,
    )
    .await;
    let hanako = employee(
        store,
        &company,
        "0002",
        ("鈴木", "花子", "スズキ", "ハナコ"),
        clock,
    )
    .await;
    (tenant, admin, company, taro, hanako)
}

pub async fn slip_consent_is_given_withdrawn_and_given_again_per_company(store: &dyn Store) {
    let clock = clock();
    let (acme, _, honsha, taro, hanako) = tenant_with_employees(store, "acme", &clock).await;
    let shiten = company(store, &acme, "支店", &clock).await;
    let jiro = employee(
        store,
        &shiten,
        "0001",
        ("佐藤", "次郎", "サトウ", "ジロウ"),
        &clock,
    )
    .await;
    assert_eq!(store.slip_consent(acme.id, taro.id).await.unwrap(), None);
    assert!(
        store
            .consented_employees(acme.id, honsha.id)
            .await
            .unwrap()
            .is_empty()
    );

    let first = clock.now();
    store
        .set_slip_consent(acme.id, taro.id, Some(&SlipConsent::online(first)))
        .await
        .unwrap();
    store
        .set_slip_consent(acme.id, jiro.id, Some(&SlipConsent::online(first)))
        .await
        .unwrap();
    assert_eq!(
        store.slip_consent(acme.id, taro.id).await.unwrap(),
        Some(SlipConsent::online(first))
    );
    assert_eq!(store.slip_consent(acme.id, hanako.id).await.unwrap(), None);
    assert_eq!(
        store.consented_employees(acme.id, honsha.id).await.unwrap(),
        BTreeSet::from([taro.id]),
        "only the company's consenting employees"
    );
    assert_eq!(
        store.consented_employees(acme.id, shiten.id).await.unwrap(),
        BTreeSet::from([jiro.id])
    );

    // Withdrawn, and withdrawing again changes nothing.
    store
        .set_slip_consent(acme.id, taro.id, None)
        .await
        .unwrap();
    store
        .set_slip_consent(acme.id, taro.id, None)
        .await
        .unwrap();
    assert_eq!(store.slip_consent(acme.id, taro.id).await.unwrap(), None);
    assert!(
        store
            .consented_employees(acme.id, honsha.id)
            .await
            .unwrap()
            .is_empty()
    );

    // Given again: the new time.
    clock.advance(time::Duration::days(3));
    let again = clock.now();
    store
        .set_slip_consent(acme.id, taro.id, Some(&SlipConsent::online(again)))
        .await
        .unwrap();
    store
        .set_slip_consent(acme.id, hanako.id, Some(&SlipConsent::online(again)))
        .await
        .unwrap();
    assert_eq!(
        store.slip_consent(acme.id, taro.id).await.unwrap(),
        Some(SlipConsent::online(again))
    );
    // Given while given: the later time.
    clock.advance(time::Duration::days(1));
    store
        .set_slip_consent(acme.id, hanako.id, Some(&SlipConsent::online(clock.now())))
        .await
        .unwrap();
    assert_eq!(
        store.slip_consent(acme.id, hanako.id).await.unwrap(),
        Some(SlipConsent::online(clock.now()))
    );
    assert_eq!(
        store.consented_employees(acme.id, honsha.id).await.unwrap(),
        BTreeSet::from([taro.id, hanako.id])
    );
    assert_eq!(
        store.consented_employees(acme.id, shiten.id).await.unwrap(),
        BTreeSet::from([jiro.id]),
        "the other company's consent is untouched"
    );

    // An employee the tenant does not have cannot consent.
    assert!(
        store
            .set_slip_consent(
                acme.id,
                EmployeeId::generate(&clock),
                Some(&SlipConsent::online(clock.now()))
            )
            .await
            .is_err()
    );
}

pub async fn a_paper_consent_keeps_its_method_and_recorder_until_replaced(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha, taro, hanako) = tenant_with_employees(store, "acme", &clock).await;
    let given = datetime!(2026-11-02 00:00 +9);
    let paper = SlipConsent {
        at: given,
        method: ConsentMethod::Paper,
        recorded_by: Some(admin),
        recorded_by_name: Some("管理 花子 (admin)".into()),
    };
    store
        .set_slip_consent(acme.id, taro.id, Some(&paper))
        .await
        .unwrap();
    store
        .set_slip_consent(acme.id, hanako.id, Some(&SlipConsent::online(clock.now())))
        .await
        .unwrap();
    let read = store.slip_consent(acme.id, taro.id).await.unwrap();
    assert_eq!(
        read,
        Some(paper.clone()),
        "method, time and recorder read back"
    );
    assert_eq!(
        read.map(|consent| consent.at.to_offset(time::UtcOffset::UTC)),
        Some(datetime!(2026-11-01 15:00 UTC))
    );
    assert_eq!(
        store.slip_consent(acme.id, hanako.id).await.unwrap(),
        Some(SlipConsent::online(clock.now())),
        "an online consent has no recorder"
    );
    assert_eq!(
        store.consented_employees(acme.id, honsha.id).await.unwrap(),
        BTreeSet::from([taro.id, hanako.id]),
        "a paper consent counts like an online one"
    );

    // The employee consents on the site later: the online consent replaces the paper one, its
    // recorder cleared.
    clock.advance(time::Duration::days(1));
    store
        .set_slip_consent(acme.id, taro.id, Some(&SlipConsent::online(clock.now())))
        .await
        .unwrap();
    assert_eq!(
        store.slip_consent(acme.id, taro.id).await.unwrap(),
        Some(SlipConsent::online(clock.now()))
    );
    // And a paper consent recorded over an online one takes its place whole.
    store
        .set_slip_consent(acme.id, hanako.id, Some(&paper))
        .await
        .unwrap();
    assert_eq!(
        store.slip_consent(acme.id, hanako.id).await.unwrap(),
        Some(paper)
    );
    store
        .set_slip_consent(acme.id, hanako.id, None)
        .await
        .unwrap();
    assert_eq!(store.slip_consent(acme.id, hanako.id).await.unwrap(), None);
}

pub async fn issued_slips_round_trip_whole_with_their_mails_and_are_replaced(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, _, taro, hanako) = tenant_with_employees(store, "acme", &clock).await;
    assert_eq!(
        store
            .find_issued_slip(acme.id, taro.id, year(2026))
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .issued_slip_years(acme.id, taro.id)
            .await
            .unwrap()
            .is_empty()
    );

    let taro_2026 = issued(&taro, year(2026), 0, admin, &clock);
    let hanako_2026 = issued(&hanako, year(2026), 48_300, admin, &clock);
    let notice = slip_mail(acme.id, "taro@acme.example", &clock);
    store
        .issue_slips(
            acme.id,
            &[taro_2026.clone(), hanako_2026.clone()],
            std::slice::from_ref(&notice),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .find_issued_slip(acme.id, taro.id, year(2026))
            .await
            .unwrap(),
        Some(taro_2026.clone()),
        "the whole slip comes back as issued"
    );
    assert_eq!(
        store
            .find_issued_slip(acme.id, hanako.id, year(2026))
            .await
            .unwrap(),
        Some(hanako_2026.clone())
    );
    assert_eq!(
        store
            .find_issued_slip(acme.id, taro.id, year(2025))
            .await
            .unwrap(),
        None
    );
    let queued = store.list_mail(acme.id, 10).await.unwrap();
    assert_eq!(queued.len(), 1, "the mail is queued with the slips");
    assert_eq!(queued[0].id, notice.id);
    assert_eq!(queued[0].subject, notice.subject);

    // Issued again (a corrected slip): replaced, one row per employee and year.
    let mut corrected = issued(&taro, year(2026), 12_000, admin, &clock);
    corrected.parties.recipient_address = "東京都港区芝公園4-2-8".into();
    corrected.slip.remarks.push("再交付".into());
    store
        .issue_slips(acme.id, std::slice::from_ref(&corrected), &[])
        .await
        .unwrap();
    assert_ne!(corrected, taro_2026);
    assert_eq!(
        store
            .find_issued_slip(acme.id, taro.id, year(2026))
            .await
            .unwrap(),
        Some(corrected.clone()),
        "the content is the corrected slip's"
    );
    assert_eq!(
        store.issued_slips_after(acme.id, None, 10).await.unwrap(),
        {
            let mut all = vec![corrected.clone(), hanako_2026.clone()];
            all.sort_by_key(|slip| (slip.employee_id, slip.tax_year));
            all
        },
        "one slip per employee and year"
    );
    assert_eq!(
        store.list_mail(acme.id, 10).await.unwrap().len(),
        1,
        "no mail, none queued"
    );
    // The replaced slip is kept as it was (訂正前), with when it was replaced; a second
    // correction keeps both, newest first.
    assert_eq!(
        store
            .replaced_slips(acme.id, taro.id, year(2026))
            .await
            .unwrap(),
        [(taro_2026.clone(), corrected.issued_at)]
    );
    let again = issued(&taro, year(2026), 13_000, admin, &clock);
    store
        .issue_slips(acme.id, std::slice::from_ref(&again), &[])
        .await
        .unwrap();
    assert_eq!(
        store
            .replaced_slips(acme.id, taro.id, year(2026))
            .await
            .unwrap(),
        [
            (corrected.clone(), again.issued_at),
            (taro_2026.clone(), corrected.issued_at)
        ]
    );
    assert!(
        store
            .replaced_slips(acme.id, hanako.id, year(2026))
            .await
            .unwrap()
            .is_empty()
    );
    let corrected = again;

    // Other years: listed newest first.
    let taro_2024 = issued(&taro, year(2024), 30_000, admin, &clock);
    let taro_2025 = issued(&taro, year(2025), 25_000, admin, &clock);
    store
        .issue_slips(acme.id, &[taro_2024.clone(), taro_2025.clone()], &[])
        .await
        .unwrap();
    assert_eq!(
        store.issued_slip_years(acme.id, taro.id).await.unwrap(),
        [year(2026), year(2025), year(2024)]
    );
    assert_eq!(
        store.issued_slip_years(acme.id, hanako.id).await.unwrap(),
        [year(2026)]
    );
    assert_eq!(
        store
            .find_issued_slip(acme.id, taro.id, year(2024))
            .await
            .unwrap(),
        Some(taro_2024)
    );
    assert_eq!(
        store
            .find_issued_slip(acme.id, taro.id, year(2026))
            .await
            .unwrap(),
        Some(corrected),
        "the other years leave 2026 as it was"
    );

    // Nothing to issue: nothing written.
    store.issue_slips(acme.id, &[], &[]).await.unwrap();
    assert_eq!(
        store
            .issued_slips_after(acme.id, None, 10)
            .await
            .unwrap()
            .len(),
        4
    );
}

pub async fn issued_slips_page_in_employee_and_year_order(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha, taro, hanako) = tenant_with_employees(store, "acme", &clock).await;
    let (beta, beta_admin, _, beta_taro, _) = tenant_with_employees(store, "beta", &clock).await;
    let jiro = employee(
        store,
        &honsha,
        "0003",
        ("佐藤", "次郎", "サトウ", "ジロウ"),
        &clock,
    )
    .await;

    // Five slips of three employees, issued out of order, and one of beta.
    let mut stored = vec![
        issued(&jiro, year(2026), 1_000, admin, &clock),
        issued(&taro, year(2026), 2_000, admin, &clock),
        issued(&hanako, year(2025), 3_000, admin, &clock),
        issued(&taro, year(2024), 4_000, admin, &clock),
        issued(&hanako, year(2026), 5_000, admin, &clock),
    ];
    store.issue_slips(acme.id, &stored[..3], &[]).await.unwrap();
    store
        .issue_slips(
            beta.id,
            &[issued(&beta_taro, year(2026), 9_000, beta_admin, &clock)],
            &[],
        )
        .await
        .unwrap();
    store.issue_slips(acme.id, &stored[3..], &[]).await.unwrap();
    stored.sort_by_key(|slip| (slip.employee_id, slip.tax_year));

    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = store.issued_slips_after(acme.id, after, 2).await.unwrap();
        assert!(page.len() <= 2, "at most the limit");
        let Some(last) = page.last() else { break };
        after = Some((last.employee_id, last.tax_year));
        pages.push(page);
    }
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        [2, 2, 1],
        "two, two, one, then nothing"
    );
    assert_eq!(
        pages.concat(),
        stored,
        "every slip once, by employee id then tax year"
    );
    assert_eq!(
        store.issued_slips_after(acme.id, None, 10).await.unwrap(),
        stored
    );
    // After an employee's earlier year comes their later year, then the next employee.
    let first = &stored[0];
    assert_eq!(
        store
            .issued_slips_after(acme.id, Some((first.employee_id, first.tax_year)), 1)
            .await
            .unwrap(),
        vec![stored[1].clone()]
    );
    let last = &stored[4];
    assert!(
        store
            .issued_slips_after(acme.id, Some((last.employee_id, last.tax_year)), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .issued_slips_after(acme.id, None, 0)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn issued_slips_and_consents_never_cross_tenants(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, honsha, taro, _) = tenant_with_employees(store, "acme", &clock).await;
    let (beta, beta_admin, beta_honsha, beta_taro, _) =
        tenant_with_employees(store, "beta", &clock).await;
    store
        .set_slip_consent(acme.id, taro.id, Some(&SlipConsent::online(clock.now())))
        .await
        .unwrap();
    let slip = issued(&taro, year(2026), 10_000, admin, &clock);
    store
        .issue_slips(
            acme.id,
            std::slice::from_ref(&slip),
            &[slip_mail(acme.id, "taro@acme.example", &clock)],
        )
        .await
        .unwrap();

    assert_eq!(
        store.slip_consent(beta.id, taro.id).await.unwrap(),
        None,
        "beta does not see acme's consent"
    );
    assert!(
        store
            .consented_employees(beta.id, honsha.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .consented_employees(beta.id, beta_honsha.id)
            .await
            .unwrap()
            .is_empty(),
        "beta's consent list is empty"
    );
    assert_eq!(
        store
            .find_issued_slip(beta.id, taro.id, year(2026))
            .await
            .unwrap(),
        None,
        "nor reads acme's slip"
    );
    assert!(
        store
            .issued_slip_years(beta.id, taro.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .issued_slips_after(beta.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.list_mail(beta.id, 10).await.unwrap().is_empty());
    assert!(
        store
            .issued_slips_after(TenantId::generate(&clock), None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // beta names acme's employee: for beta it does not exist.
    assert!(
        store
            .set_slip_consent(beta.id, taro.id, Some(&SlipConsent::online(clock.now())))
            .await
            .is_err()
    );
    assert!(
        store
            .issue_slips(
                beta.id,
                &[issued(&taro, year(2026), 99_999, beta_admin, &clock)],
                &[]
            )
            .await
            .is_err()
    );
    // Nor does beta withdraw acme's consent.
    store
        .set_slip_consent(beta.id, taro.id, None)
        .await
        .unwrap();

    // beta's own, and acme's untouched.
    let beta_slip = issued(&beta_taro, year(2026), 20_000, beta_admin, &clock);
    store
        .issue_slips(beta.id, std::slice::from_ref(&beta_slip), &[])
        .await
        .unwrap();
    assert_eq!(
        store.issued_slips_after(beta.id, None, 10).await.unwrap(),
        vec![beta_slip]
    );
    assert_eq!(
        store.issued_slips_after(acme.id, None, 10).await.unwrap(),
        vec![slip.clone()]
    );
    assert_eq!(
        store
            .find_issued_slip(acme.id, taro.id, year(2026))
            .await
            .unwrap(),
        Some(slip)
    );
    assert!(
        store
            .slip_consent(acme.id, taro.id)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store.consented_employees(acme.id, honsha.id).await.unwrap(),
        BTreeSet::from([taro.id])
    );
    assert_eq!(
        store
            .find_issued_slip(acme.id, beta_taro.id, year(2026))
            .await
            .unwrap(),
        None
    );
}

pub async fn issuing_slips_is_all_or_nothing(store: &dyn Store) {
    let clock = clock();
    let (acme, admin, _, taro, hanako) = tenant_with_employees(store, "acme", &clock).await;
    let (beta, _, _, _, _) = tenant_with_employees(store, "beta", &clock).await;
    let before = issued(&taro, year(2026), 1_000, admin, &clock);
    store
        .issue_slips(acme.id, std::slice::from_ref(&before), &[])
        .await
        .unwrap();

    // An employee unknown in the tenant, after valid slips (one replacing) and with a mail.
    let mut stranger = issued(&hanako, year(2026), 3_000, admin, &clock);
    stranger.employee_id = EmployeeId::generate(&clock);
    let outcome = store
        .issue_slips(
            acme.id,
            &[
                issued(&taro, year(2026), 2_000, admin, &clock),
                issued(&hanako, year(2026), 2_500, admin, &clock),
                stranger,
            ],
            &[slip_mail(acme.id, "taro@acme.example", &clock)],
        )
        .await;
    assert!(outcome.is_err(), "an unknown employee: {outcome:?}");

    // A mail of another tenant, with valid slips.
    let outcome = store
        .issue_slips(
            acme.id,
            &[
                issued(&taro, year(2026), 2_000, admin, &clock),
                issued(&hanako, year(2026), 2_500, admin, &clock),
            ],
            &[
                slip_mail(acme.id, "taro@acme.example", &clock),
                slip_mail(beta.id, "someone@beta.example", &clock),
            ],
        )
        .await;
    assert!(outcome.is_err(), "a mail of another tenant: {outcome:?}");

    assert_eq!(
        store.issued_slips_after(acme.id, None, 10).await.unwrap(),
        vec![before.clone()],
        "nothing was written, not even the valid slips"
    );
    assert_eq!(
        store
            .find_issued_slip(acme.id, taro.id, year(2026))
            .await
            .unwrap(),
        Some(before),
        "the slip issued before stays as it was"
    );
    assert!(
        store
            .issued_slip_years(acme.id, hanako.id)
            .await
            .unwrap()
            .is_empty()
    );
    for tenant in [acme.id, beta.id] {
        assert!(
            store.list_mail(tenant, 10).await.unwrap().is_empty(),
            "no mail was queued"
        );
    }
}
