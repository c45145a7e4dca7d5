//! The declaration pages (YEA-1…5) through the HTTP surface: periods, the request, the
//! employee's guided flow with the live preview, return with a comment, resubmission, approval
//! and the payroll CSV; and the refusals of bad input (422, 403, 409, 404 — never a 500). On
//! SQLite and on PostgreSQL.

use std::sync::Arc;

use nencho_app::sign_in::CurrentUser;
use nencho_filings::{Filing, FilingStatus, compute};
use nencho_http::HttpServices;
use nencho_identity::{CompanyRole, Role};
use nencho_kernel::{Clock, EmployeeId, JAPAN_STANDARD_TIME, SystemClock, TaxYear, Yen};
use nencho_ports::Store;
use nencho_tenancy::{Company, Employee, EmployeeNumber, EmploymentType, PersonName};
use poem::http::StatusCode;
use time::macros::date;

use crate::sites::{Browser, browser, csrf_token, log_in_as_admin, new_person, open_site};

on_both_stores!(
    a_declaration_goes_from_request_through_return_and_approval_to_the_payroll_csv,
    bad_input_is_refused_with_the_right_status_and_saves_nothing,
    a_clerk_enters_a_paper_declaration_for_an_employee_without_an_id,
    an_approver_approves_the_selected_declarations_at_once,
    a_mid_year_hire_declares_the_previous_employers_slip,
);

const HOST: &str = "acme.localhost:8080";

/// The tax year the pages work on today: the current year in Japan.
pub(crate) fn this_year() -> TaxYear {
    let today = SystemClock.now().to_offset(JAPAN_STANDARD_TIME).date();
    TaxYear::new(today.year()).unwrap()
}

/// The value of the hidden input `name` on `page`.
pub(crate) fn hidden(page: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} on the page"))
        + marker.len();
    page[start..].chars().take_while(|c| *c != '"').collect()
}

/// An employee of `company` numbered `number`, whose ID is `user`.
fn employee_record(
    tenant: nencho_kernel::TenantId,
    company: nencho_kernel::CompanyId,
    number: &str,
    user: Option<nencho_kernel::UserId>,
) -> Employee {
    Employee {
        id: EmployeeId::generate(&SystemClock),
        tenant_id: tenant,
        company_id: company,
        number: EmployeeNumber::parse(number).unwrap(),
        name: PersonName {
            family: "山田".into(),
            given: "太郎".into(),
            family_kana: "ヤマダ".into(),
            given_kana: "タロウ".into(),
        },
        birth_date: date!(1985 - 05 - 01),
        postal_code: None,
        address: "東京都千代田区丸の内1-1-1".into(),
        email: None,
        department: Some("総務部".into()),
        employment_type: EmploymentType::Regular,
        hire_date: Some(date!(2015 - 04 - 01)),
        leave_date: None,
        user_id: user,
        updated_at: SystemClock.now(),
    }
}

/// A new employee of `company` (number E0002, without an ID), stored; for the authorisation
/// matrix.
pub(crate) async fn employee_of(
    services: &HttpServices,
    tenant: nencho_kernel::TenantId,
    company: nencho_kernel::CompanyId,
) -> EmployeeId {
    let employee = employee_record(tenant, company, "E0002", None);
    services
        .app
        .store
        .insert_employee(tenant, &employee)
        .await
        .unwrap();
    employee.id
}

/// acme with company A, its ADMIN logged in, an employee with an ID, a 担当者 and a 承認者 of A
/// — all logged in on browsers of their own.
pub(crate) struct World<E> {
    pub(crate) services: Arc<HttpServices>,
    pub(crate) company: Company,
    pub(crate) employee: Employee,
    pub(crate) year: TaxYear,
    pub(crate) admin: Browser<E>,
    pub(crate) staff: Vec<Browser<E>>,
    pub(crate) notice: nencho_app::tenancy::ActivationNotice,
}

pub(crate) async fn world(store: &Arc<dyn Store>) -> World<impl poem::Endpoint> {
    let (services, notice) = open_site(store).await;
    let tenant = notice.tenant.id;
    let company = crate::sites::registered_company(&services, tenant, "株式会社エー").await;
    let mut admin = browser(store, HOST);
    log_in_as_admin(&mut admin, &notice).await;
    let admin_user: CurrentUser =
        crate::sites::session_user(&services.app, &notice.tenant, &admin).await;
    let mut staff = Vec::new();
    let mut employee_user = None;
    for (login_id, company_role) in [
        ("emp001", None),
        ("tanto", Some((CompanyRole::Clerk, company.id))),
        ("shonin", Some((CompanyRole::Approver, company.id))),
    ] {
        let mut person = browser(store, HOST);
        let id = new_person(
            &services,
            &notice,
            &admin_user,
            &mut person,
            login_id,
            Role::General,
            company_role,
        )
        .await;
        employee_user.get_or_insert(id);
        staff.push(person);
    }
    let employee = employee_record(tenant, company.id, "E0001", employee_user);
    services
        .app
        .store
        .insert_employee(tenant, &employee)
        .await
        .unwrap();
    World {
        services,
        company,
        employee,
        year: this_year(),
        admin,
        staff,
        notice,
    }
}

impl<E: poem::Endpoint> World<E> {
    /// The ADMIN opens the year with a filing period that contains today.
    pub(crate) async fn open_periods(&mut self) {
        let year = self.year.year();
        let path = format!("/admin/companies/{}/periods/{year}", self.company.id);
        let (status, page, _) = self.admin.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let (start, end, next_end) = (
            format!("{year}-01-01"),
            format!("{year}-12-31"),
            format!("{}-01-31", year + 1),
        );
        let (status, page, location) = self
            .admin
            .post(
                &path,
                &[
                    ("adjustment_start", start.as_str()),
                    ("adjustment_end", next_end.as_str()),
                    ("filing_start", start.as_str()),
                    ("filing_end", end.as_str()),
                    ("refiling_start", ""),
                    ("refiling_end", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        assert!(location.unwrap().starts_with(&format!(
            "/admin/companies/{}/filings/{year}",
            self.company.id
        )));
    }

    /// Two departments of company A: E0001 (総務部) approved, stored without its history, and a
    /// new E0002 in 経理部 with nothing yet; returns E0002.
    pub(crate) async fn approved_and_accounting(&self) -> Employee {
        let store = &self.services.app.store;
        let tenant = self.company.tenant_id;
        let other = employee_of(&self.services, tenant, self.company.id).await;
        let mut accounting = store.find_employee(tenant, other).await.unwrap().unwrap();
        accounting.department = Some("経理部".into());
        store.update_employee(tenant, &accounting).await.unwrap();
        let mut approved = Filing::new(
            nencho_kernel::FilingId::generate(&SystemClock),
            tenant,
            self.company.id,
            self.employee.id,
            self.year,
            SystemClock.now(),
        );
        approved.status = FilingStatus::Approved;
        approved.version = 1;
        crate::filings::put_filing(store.as_ref(), &approved, 0).await;
        accounting
    }

    pub(crate) async fn filing(&self) -> Filing {
        self.services
            .app
            .store
            .find_filing_of(self.company.tenant_id, self.employee.id, self.year)
            .await
            .unwrap()
            .expect("the declaration is stored")
    }
}

/// The number in the `<span id="{id}">` of `page` (a dashboard's count).
pub(crate) fn count_in(page: &str, id: &str) -> u64 {
    let marker = format!(r#"<span id="{id}">"#);
    let start = page.find(&marker).expect("the count") + marker.len();
    page[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// Stores `filing` as it is (at `expected_version` before it), without history or mail: a
/// test's starting point.
pub(crate) async fn put_filing(store: &dyn Store, filing: &Filing, expected_version: i64) {
    store
        .write_filings(
            filing.tenant_id,
            &[nencho_ports::FilingWrite {
                filing: filing.clone(),
                expected_version,
                event: None,
                changes: Vec::new(),
                mail: None,
            }],
        )
        .await
        .unwrap();
}

/// GETs the step, then posts `fields` with the page's version; returns the answer.
pub(crate) async fn save_step<E: poem::Endpoint>(
    employee: &mut Browser<E>,
    base: &str,
    step: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String, Option<String>) {
    let path = format!("{base}/step/{step}");
    let (status, page, _) = employee.get(&path).await;
    assert_eq!(status, StatusCode::OK, "GET {path}: {page}");
    let version = hidden(&page, "version");
    let mut form = fields.to_vec();
    form.push(("version", version.as_str()));
    employee.post(&path, &form).await
}

/// Approves the declaration whose review `page` (at `review`) was just shown, with its version.
async fn approve_shown<E: poem::Endpoint>(browser: &mut Browser<E>, review: &str, page: &str) {
    let version = hidden(page, "version");
    let (status, answer, _) = browser
        .post(
            &format!("{review}/approve"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{answer}");
}

pub(crate) fn redirected_to(answer: &(StatusCode, String, Option<String>), target: &str) {
    assert_eq!(
        (answer.0, answer.2.as_deref()),
        (StatusCode::SEE_OTHER, Some(target)),
        "{}",
        answer.1
    );
}

pub(crate) const QUESTIONS: [(&str, &str); 7] = [
    ("has_spouse", "yes"),
    ("has_dependents", "yes"),
    ("paid_life_insurance", "yes"),
    ("paid_earthquake_insurance", "no"),
    ("paid_social_insurance", "no"),
    ("paid_mutual_aid", "no"),
    ("has_housing_loan", "no"),
];

/// Both policies: 一般(新) 100,000円 and 介護医療 `care_premium`.
pub(crate) fn policies(care_premium: &str) -> Vec<(&'static str, String)> {
    vec![
        ("l0_insurer", "A生命保険株式会社".into()),
        ("l0_type", "終身".into()),
        ("l0_kind", "general".into()),
        ("l0_contract", "new".into()),
        ("l0_period", "終身".into()),
        ("l0_beneficiary", "山田 花子".into()),
        ("l0_premium", "100,000".into()),
        ("l1_insurer", "B生命保険株式会社".into()),
        ("l1_type", "医療".into()),
        ("l1_kind", "care_medical".into()),
        ("l1_contract", "new".into()),
        ("l1_period", "10年".into()),
        ("l1_beneficiary", "山田 太郎".into()),
        ("l1_premium", care_premium.into()),
    ]
}

pub(crate) fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

/// The CSV's header and the employee's row, by column name.
fn payroll_row(text: &str, number: &str) -> std::collections::BTreeMap<String, String> {
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(|cell| cell.trim_matches('"').to_owned())
        .collect();
    let row = lines
        .find(|line| line.trim_start_matches('"').starts_with(number))
        .unwrap_or_else(|| panic!("no row of {number} in {text}"));
    // The leading columns are plain (no quoted commas before the JSON column).
    header
        .into_iter()
        .zip(row.split(',').map(|cell| cell.trim_matches('"').to_owned()))
        .collect()
}

async fn a_declaration_goes_from_request_through_return_and_approval_to_the_payroll_csv(
    store: Arc<dyn Store>,
) {
    let mut world = world(&store).await;
    let year = world.year.year();
    let company = world.company.id;
    world.open_periods().await;

    // The ADMIN requests everyone due.
    let dashboard = format!("/admin/companies/{company}/filings/{year}");
    let (status, page, _) = world.admin.get(&dashboard).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="periods-summary""#));
    assert!(page.contains(r#"id="request-all""#));
    let (status, page, location) = world.admin.post(&format!("{dashboard}/request"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (status, page, _) = world.admin.get(&location.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("1件を依頼しました。"), "{page}");
    assert_eq!(world.filing().await.status, FilingStatus::Requested);

    // The requested employee can be reminded one by one from the list; the declaration stays
    // as it was.
    let (_, page, _) = world.admin.get(&dashboard).await;
    assert!(page.contains(r#"class="secondary remind""#), "{page}");
    let version = world.filing().await.version;
    let employee_id = world.filing().await.employee_id.to_string();
    let (status, _, location) = world
        .admin
        .post(
            &format!("{dashboard}/remind"),
            &[("employee", employee_id.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = world.admin.get(&location.unwrap()).await;
    assert!(page.contains("1件を督促しました。"), "{page}");
    assert_eq!(world.filing().await.version, version);

    let [mut employee, mut clerk, mut approver] =
        <[_; 3]>::try_from(std::mem::take(&mut world.staff))
            .ok()
            .unwrap();
    let base = format!("/filings/{year}");

    // The employee opens this year's declaration.
    let (status, _, location) = employee.get("/filings").await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some(base.as_str()))
    );
    let (status, page, _) = employee.get(&base).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains(r#"data-status="requested""#) || page.contains("依頼中"),
        "{page}"
    );
    assert!(page.contains(r#"id="start-filing""#));

    // The questions: spouse and dependants yes, life insurance yes, everything else no.
    let answer = save_step(&mut employee, &base, "questions", &QUESTIONS).await;
    redirected_to(&answer, &format!("{base}/step/self"));
    let answer = save_step(
        &mut employee,
        &base,
        "self",
        &[
            ("estimated_salary", "5,000,000"),
            ("other_income", "0"),
            ("disability", "none"),
            ("school", ""),
        ],
    )
    .await;
    redirected_to(&answer, &format!("{base}/step/spouse"));
    let answer = save_step(
        &mut employee,
        &base,
        "spouse",
        &[
            ("spouse_name", "山田 花子"),
            ("spouse_kana", "ヤマダ ハナコ"),
            ("spouse_birth_date", "平成2年4月1日"),
            ("spouse_income", "0"),
            ("spouse_disability", "none"),
            ("spouse_lives_together", "1"),
        ],
    )
    .await;
    redirected_to(&answer, &format!("{base}/step/relatives"));
    // A child born 2006-05-01 is 20 on 31 December 2026: 特定扶養親族 (19–22).
    let answer = save_step(
        &mut employee,
        &base,
        "relatives",
        &[
            ("r0_name", "山田 一郎"),
            ("r0_kana", "ヤマダ イチロウ"),
            ("r0_relationship", "長男"),
            ("r0_birth_date", "2006-05-01"),
            ("r0_income", "0"),
            ("r0_disability", "none"),
            ("r0_lives_together", "1"),
            ("r1_name", ""),
            ("r1_birth_date", ""),
        ],
    )
    .await;
    redirected_to(&answer, &format!("{base}/step/insurance"));

    // The first policy, then 「行を追加」: back on the step with a spare row.
    let first: Vec<(&'static str, String)> = policies("50,000").into_iter().take(7).collect();
    let mut fields = borrowed(&first);
    fields.push(("go", "add"));
    let answer = save_step(&mut employee, &base, "insurance", &fields).await;
    redirected_to(&answer, &format!("{base}/step/insurance?notice=saved"));
    let (status, page, _) = employee
        .get(&format!("{base}/step/insurance?notice=saved"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("A生命保険株式会社"));
    assert!(
        page.contains(r#"id="life-1""#),
        "a spare row after the first policy"
    );

    // The live preview with both policies: amounts, nothing saved.
    let version_before = world.filing().await.version;
    let both = policies("50,000");
    let mut preview_fields = borrowed(&both);
    let token = csrf_token(&page);
    preview_fields.push(("csrf_token", token.as_str()));
    let (status, body, _) = employee
        .post(&format!("{base}/preview/insurance"), &preview_fields)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let preview: serde_json::Value = serde_json::from_str(&body).unwrap();
    let amounts = preview["amounts"].as_array().unwrap();
    let life_line = amounts
        .iter()
        .find(|line| line["label"] == "生命保険料控除")
        .unwrap_or_else(|| panic!("{preview}"));
    assert_ne!(life_line["value"], "0円", "{preview}");
    assert!(
        preview["errors"].as_object().unwrap().is_empty(),
        "{preview}"
    );
    assert_eq!(
        world.filing().await.version,
        version_before,
        "a preview saves nothing"
    );

    // Both policies saved: next year's family comes next (the last step).
    let answer = save_step(&mut employee, &base, "insurance", &borrowed(&both)).await;
    redirected_to(&answer, &format!("{base}/step/next_year"));
    let (status, page, _) = employee.get(&format!("{base}/step/next_year")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("来年(翌年)も扶養する家族は今年と同じですか?"),
        "{page}"
    );
    // Unanswered: 422 with the message by the question, nothing saved.
    let (status, page, _) = save_step(&mut employee, &base, "next_year", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("「はい」か「いいえ」を選んでください"),
        "{page}"
    );
    // A different family next year: the son and a child expected in March next year.
    let next_year_of_child = (world.year.year() + 1).to_string() + "-03-01";
    let answer = save_step(
        &mut employee,
        &base,
        "next_year",
        &[
            ("next_year_same", "no"),
            ("next_spouse_name", "山田 花子"),
            ("next_spouse_birth_date", "1990-04-01"),
            ("next_spouse_income", "0"),
            ("next_spouse_lives_together", "1"),
            ("n0_name", "山田 一郎"),
            ("n0_relationship", "長男"),
            ("n0_birth_date", "2006-05-01"),
            ("n0_income", "0"),
            ("n1_name", "山田 二郎"),
            ("n1_relationship", "二男"),
            ("n1_birth_date", next_year_of_child.as_str()),
            ("n1_income", ""),
            ("n2_name", ""),
        ],
    )
    .await;
    redirected_to(&answer, &format!("{base}/review"));
    let document = world.filing().await.document;
    assert_eq!(document.next_year.same_as_this_year, Some(false));
    assert_eq!(document.next_year.relatives.len(), 2);
    assert_eq!(document.life_policies.len(), 2);
    let previewed = compute(&document, world.year).unwrap();
    assert_eq!(
        life_line["value"],
        Yen::new(previewed.deductions.life_insurance.amount()).to_string(),
        "the preview shows what is then saved"
    );

    // Review and submit.
    let (status, page, _) = employee.get(&format!("{base}/review")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="submit-filing""#), "{page}");
    assert!(
        page.contains("特定扶養親族"),
        "the child's class on the forms"
    );
    assert!(
        page.contains("翌年分 扶養控除等(異動)申告書")
            && page.contains("翌年: 親族2(山田 二郎): 翌年末の区分(暫定)")
            && page.contains("年少扶養親族(16歳未満)"),
        "next year's form with the provisional classes: {page}"
    );
    let version = hidden(&page, "version");
    let (status, page, location) = employee
        .post(&format!("{base}/submit"), &[("version", version.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(
        location.as_deref(),
        Some(format!("{base}?notice=submitted").as_str())
    );
    let filing = world.filing().await;
    assert_eq!(filing.status, FilingStatus::Submitted);
    // Submitted: the employee may take it back, not edit it in place.
    let (_, page, _) = employee.get(&format!("{base}?notice=submitted")).await;
    assert!(page.contains(r#"id="withdraw""#), "{page}");
    assert!(!page.contains(r#"id="start-filing""#), "{page}");
    let (status, page, _) = employee.get(&format!("{base}/step/self")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<fieldset disabled>"), "{page}");

    // The 担当者 returns it with a comment; a 担当者 may not approve.
    let review = format!("/admin/filings/{}", filing.id);
    let (status, page, _) = clerk.get(&review).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="return-filing""#));
    assert!(
        !page.contains(r#"id="submission-note""#),
        "submitted without a note"
    );
    assert!(
        !page.contains(r#"id="approve-filing""#),
        "a 担当者 does not approve"
    );
    let version = hidden(&page, "version");
    let comment = "介護医療保険料は控除証明書の証明額(60,000円)に直してください。";
    let (status, page, location) = clerk
        .post(
            &format!("{review}/return"),
            &[("version", version.as_str()), ("comment", comment)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(location.as_deref(), Some(review.as_str()));
    assert_eq!(world.filing().await.status, FilingStatus::Returned);
    assert_eq!(
        clerk
            .post(&format!("{review}/approve"), &[("version", "0")])
            .await
            .0,
        StatusCode::FORBIDDEN,
        "nor by posting the form"
    );

    // The employee sees the comment, fixes the policy and submits again.
    let (status, page, _) = employee.get(&base).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="return-comment""#), "{page}");
    assert!(page.contains(comment), "{page}");
    let fixed = policies("60,000");
    let answer = save_step(&mut employee, &base, "insurance", &borrowed(&fixed)).await;
    redirected_to(&answer, &format!("{base}/step/next_year"));
    let (status, page, _) = employee.get(&format!("{base}/review")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"<textarea id="note" name="note""#),
        "{page}"
    );
    let version = hidden(&page, "version");
    // A note to the reviewers goes with it: too long, it is refused, kept, and nothing changes.
    let too_long = "あ".repeat(501);
    let (status, page, _) = employee
        .post(
            &format!("{base}/submit"),
            &[("version", version.as_str()), ("note", too_long.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("連絡事項は500文字以内にしてください(いま501文字です)。")
            && page.contains(&format!(">{too_long}</textarea>")),
        "{page}"
    );
    assert_eq!(
        world.filing().await.status,
        FilingStatus::Draft,
        "not submitted"
    );
    let note = "介護医療保険料を証明額に直しました。\r\n証明書の原本は来週持参します。";
    let (status, page, _) = employee
        .post(
            &format!("{base}/submit"),
            &[("version", version.as_str()), ("note", note)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");

    // The 承認者 reads the note and approves.
    let (status, page, _) = approver.get(&review).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains(r#"<div class="notice" id="submission-note"><strong>提出時の連絡事項</strong>"#)
            && page.contains(
                "<p class=\"body\">介護医療保険料を証明額に直しました。\n証明書の原本は来週持参します。</p>"
            ),
        "{page}"
    );
    // The return's comment is still the one the employee was shown.
    assert_eq!(world.filing().await.last_comment.as_deref(), Some(comment));
    assert!(page.contains(r#"id="approve-filing""#), "{page}");
    approve_shown(&mut approver, &review, &page).await;
    let approved = world.filing().await;
    assert_eq!(approved.status, FilingStatus::Approved);
    let (_, page, _) = employee.get(&base).await;
    assert!(page.contains(r#"data-status="approved""#), "{page}");

    // The expected deductions, from the same document.
    let computed = compute(&approved.document, world.year).unwrap();
    let life = computed.deductions.life_insurance.amount();
    let dependants = computed.deductions.dependents_and_others.amount();
    if year == 2026 {
        // NTA 令和8年分 年末調整のしかた (rules-2025-2026.md §8, 107.pdf p.24): with a 23歳未満の
        // 扶養親族 the 新一般 uses 計算式Ⅱ: 100,000 > 60,000 → 100,000/4 + 30,000 = 55,000;
        // 介護医療 60,000 uses 計算式Ⅰ: 40,000 < P ≤ 80,000 → 60,000/4 + 20,000 = 35,000.
        assert_eq!(life, 55_000 + 35_000);
        // §5.1 (115.pdf p.56): 特定扶養親族 (19–22; born 2004-01-02 – 2008-01-01) 63万.
        assert_eq!(dependants, 630_000);
    }

    // Payroll CSV, UTF-8 (BOM) and Shift_JIS, by the 承認者 (ExportPayroll).
    let csv = format!("{dashboard}/payroll.csv");
    let response = approver
        .client
        .get(&csv)
        .header("host", HOST)
        .header("cookie", approver.cookie_header())
        .send()
        .await;
    response.assert_status_is_ok();
    response.assert_content_type("text/csv; charset=utf-8");
    let bytes = response.0.into_body().into_vec().await.unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf"), "UTF-8 with a BOM");
    let utf8 = String::from_utf8(bytes).unwrap();
    let response = approver
        .client
        .get(format!("{csv}?encoding=sjis"))
        .header("host", HOST)
        .header("cookie", approver.cookie_header())
        .send()
        .await;
    response.assert_status_is_ok();
    let bytes = response.0.into_body().into_vec().await.unwrap();
    let (sjis, _, malformed) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!malformed);
    for text in [utf8.as_str(), sjis.as_ref()] {
        let row = payroll_row(text, "E0001");
        assert_eq!(row["氏名"], "山田 太郎");
        assert_eq!(row["状況"], "承認済");
        assert_eq!(row["特定扶養親族の数"], "1");
        assert_eq!(row["新生命保険料(一般)"], "100000");
        assert_eq!(row["介護医療保険料"], "60000");
        assert_eq!(row["生命保険料控除額"], life.to_string());
        assert_eq!(row["扶養控除・障害者控除等の額"], dependants.to_string());
        assert_eq!(row["親族1区分"], "特定扶養親族");
        assert_eq!(row["翌年 今年と同じ家族"], "0");
        assert_eq!(row["翌年 源泉控除対象配偶者"], "1");
        assert_eq!(row["翌年 控除対象扶養親族の数"], "1");
        assert_eq!(row["翌年 年少扶養親族の数"], "1");
        assert_eq!(row["翌年 障害者の数"], "0");
    }
    // A 担当者 may not export (ExportPayroll is 承認者 and above) nor set the periods, and the
    // dashboard offers neither; it offers requests and proxy entry.
    assert_eq!(clerk.get(&csv).await.0, StatusCode::FORBIDDEN);
    let (status, page, _) = clerk.get(&dashboard).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="request-all""#) && page.contains(r#"class="proxy""#));
    assert!(!page.contains(r#"id="payroll-utf8""#) && !page.contains(r#"id="periods-link""#));
    let (_, page, _) = approver.get(&dashboard).await;
    assert!(page.contains(r#"id="payroll-utf8""#) && page.contains(r#"id="payroll-sjis""#));
    assert!(!page.contains(r#"id="periods-link""#));
    let (_, page, _) = world.admin.get(&dashboard).await;
    assert!(page.contains(r#"id="periods-link""#));
    assert!(page.contains(r#"data-status="approved">1<"#), "{page}");
}

async fn bad_input_is_refused_with_the_right_status_and_saves_nothing(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year.year();
    world.open_periods().await;
    let mut employee = world.staff.remove(0);
    let base = format!("/filings/{year}");
    let self_fields = [
        ("estimated_salary", "4,000,000"),
        ("other_income", ""),
        ("disability", "none"),
    ];
    let answer = save_step(&mut employee, &base, "questions", &QUESTIONS).await;
    assert_eq!(answer.0, StatusCode::SEE_OTHER, "{}", answer.1);
    let answer = save_step(&mut employee, &base, "self", &self_fields).await;
    assert_eq!(answer.0, StatusCode::SEE_OTHER, "{}", answer.1);
    let saved = world.filing().await;
    let version = saved.version.to_string();

    // A malformed amount: 422, the Japanese message by the field, nothing saved.
    let (status, page, _) = save_step(
        &mut employee,
        &base,
        "self",
        &[("estimated_salary", "四百万円"), ("other_income", "0")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    let field = page.find(r#"id="estimated_salary""#).unwrap();
    let error = page.find("金額は数字で入力してください").unwrap();
    let next_field = page.find(r#"id="other_income""#).unwrap();
    assert!(
        field < error && error < next_field,
        "the message is next to the field"
    );
    assert!(page.contains("四百万円"), "what was typed is kept");
    let after = world.filing().await;
    assert_eq!(after.version, saved.version, "nothing saved");
    assert_eq!(after.document, saved.document);

    // A forged CSRF token: 403.
    let (status, _, _) = employee
        .post(
            &format!("{base}/step/self"),
            &[
                ("estimated_salary", "1"),
                ("version", version.as_str()),
                ("csrf_token", "00ff"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    employee.get(&format!("{base}/review")).await;
    let (status, _, _) = employee
        .post(
            &format!("{base}/submit"),
            &[("version", version.as_str()), ("csrf_token", "00ff")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = employee
        .post(
            &format!("{base}/preview/self"),
            &[("estimated_salary", "1"), ("csrf_token", "00ff")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(world.filing().await.version, saved.version);

    // A stale version: 409 with the reason, nothing saved.
    employee.get(&format!("{base}/step/self")).await;
    let stale = (saved.version - 1).to_string();
    let (status, page, _) = employee
        .post(
            &format!("{base}/step/self"),
            &[
                ("estimated_salary", "3,000,000"),
                ("other_income", "0"),
                ("version", stale.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("他の人が先に更新しました"), "{page}");
    assert_eq!(world.filing().await.version, saved.version);

    // Unknown steps and years that are not numbers: 404.
    for path in [
        format!("{base}/step/nosuch"),
        "/filings/abc".to_owned(),
        "/filings/abc/step/self".to_owned(),
        "/filings/abc/review".to_owned(),
        "/filings/20x6".to_owned(),
    ] {
        let (status, page, _) = employee.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "GET {path}: {page}");
    }
    for path in [
        format!("{base}/step/nosuch"),
        "/filings/abc/step/self".to_owned(),
    ] {
        employee.get(&format!("{base}/step/self")).await;
        let (status, page, _) = employee
            .post(
                &path,
                &[("estimated_salary", "1"), ("version", version.as_str())],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "POST {path}: {page}");
    }
    let company = world.company.id;
    for path in [
        format!("/admin/companies/{company}/filings/abc"),
        format!("/admin/companies/{company}/periods/abc"),
        format!("/admin/companies/{company}/filings/abc/payroll.csv"),
        "/admin/filings/not-an-id".to_owned(),
        format!("/admin/employees/{}/filings/abc", world.employee.id),
        format!(
            "/admin/employees/{}/filings/{year}/step/nosuch",
            world.employee.id
        ),
    ] {
        let (status, page, _) = world.admin.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "ADMIN GET {path}: {page}");
    }
    assert_eq!(world.filing().await.version, saved.version);
}

async fn a_clerk_enters_a_paper_declaration_for_an_employee_without_an_id(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year.year();
    world.open_periods().await;
    let mut clerk = world.staff.remove(1);
    let tenant = world.company.tenant_id;
    let paper = employee_of(&world.services, tenant, world.company.id).await;
    let base = format!("/admin/employees/{paper}/filings/{year}");

    let (status, page, _) = clerk.get(&base).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="proxy-banner""#), "{page}");
    let no: Vec<(&str, &str)> = QUESTIONS.iter().map(|(name, _)| (*name, "no")).collect();
    let answer = save_step(&mut clerk, &base, "questions", &no).await;
    redirected_to(&answer, &format!("{base}/step/self"));
    let answer = save_step(
        &mut clerk,
        &base,
        "self",
        &[
            ("estimated_salary", "3,600,000"),
            ("other_income", "0"),
            ("disability", "none"),
        ],
    )
    .await;
    redirected_to(&answer, &format!("{base}/step/next_year"));
    let answer = save_step(&mut clerk, &base, "next_year", &[("next_year_same", "yes")]).await;
    redirected_to(&answer, &format!("{base}/review"));
    let (status, page, _) = clerk.get(&format!("{base}/review")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="submit-filing""#), "{page}");
    assert!(
        !page.contains(r#"id="withdraw""#),
        "only the employee withdraws"
    );
    let version = hidden(&page, "version");
    let (status, page, location) = clerk
        .post(
            &format!("{base}/submit"),
            &[
                ("version", version.as_str()),
                ("note", "紙の申告書を11月20日に受領。"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(
        location.as_deref(),
        Some(format!("{base}?notice=submitted").as_str())
    );

    let filing = world
        .services
        .app
        .store
        .find_filing_of(tenant, paper, world.year)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(filing.status, FilingStatus::Submitted);
    assert!(filing.proxy_entered);
    let (status, page, _) = clerk.get(&format!("/admin/filings/{}", filing.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("(代理入力あり)"), "{page}");
    assert!(page.contains("(代理)"), "the history marks the proxy entry");
    assert!(
        page.contains("・代理)<p class=\"body\">紙の申告書を11月20日に受領。</p>"),
        "the clerk's note, marked as entered by proxy: {page}"
    );
    assert!(
        page.contains(r#"id="proxy-link""#),
        "a 担当者 may correct it by proxy"
    );

    // Staff may still correct a submitted declaration; a stale version is refused.
    let (status, page, _) = clerk.get(&format!("{base}/step/self")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<fieldset disabled>"), "{page}");
    let stale = (filing.version - 1).to_string();
    let (status, page, _) = clerk
        .post(
            &format!("{base}/step/self"),
            &[
                ("estimated_salary", "3,700,000"),
                ("version", stale.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    let answer = save_step(
        &mut clerk,
        &base,
        "self",
        &[
            ("estimated_salary", "3,700,000"),
            ("other_income", "0"),
            ("disability", "none"),
        ],
    )
    .await;
    assert_eq!(answer.0, StatusCode::SEE_OTHER, "{}", answer.1);
    let corrected = world
        .services
        .app
        .store
        .find_filing_of(tenant, paper, world.year)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        corrected.status,
        FilingStatus::Submitted,
        "it stays submitted"
    );
    assert_eq!(
        corrected.document.taxpayer.estimated_salary,
        Yen::new(3_700_000)
    );
    // The employee's own pages are theirs alone: a clerk without an employee record has none.
    assert_eq!(
        clerk.get(&format!("/filings/{year}")).await.0,
        StatusCode::NOT_FOUND
    );
}

/// Proxy-enters a complete declaration for `employee` (all questions "no"); submits it when
/// `submit`, else leaves it 入力中. Returns the stored declaration.
async fn proxy_file<E: poem::Endpoint>(
    browser: &mut Browser<E>,
    services: &HttpServices,
    employee: &Employee,
    year: TaxYear,
    submit: bool,
) -> Filing {
    let base = format!("/admin/employees/{}/filings/{}", employee.id, year.year());
    let no: Vec<(&str, &str)> = QUESTIONS.iter().map(|(name, _)| (*name, "no")).collect();
    let answer = save_step(browser, &base, "questions", &no).await;
    redirected_to(&answer, &format!("{base}/step/self"));
    if submit {
        let self_step = [
            ("estimated_salary", "3,600,000"),
            ("other_income", "0"),
            ("disability", "none"),
        ];
        let answer = save_step(browser, &base, "self", &self_step).await;
        redirected_to(&answer, &format!("{base}/step/next_year"));
        let answer = save_step(browser, &base, "next_year", &[("next_year_same", "yes")]).await;
        redirected_to(&answer, &format!("{base}/review"));
        let (status, page, _) = browser.get(&format!("{base}/review")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let version = hidden(&page, "version");
        let (status, page, _) = browser
            .post(&format!("{base}/submit"), &[("version", version.as_str())])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    }
    services
        .app
        .store
        .find_filing_of(employee.tenant_id, employee.id, year)
        .await
        .unwrap()
        .expect("the declaration is stored")
}

/// Every `selected` checkbox value on `page`.
fn selectable(page: &str) -> Vec<String> {
    let marker = r#"name="selected" value=""#;
    page.match_indices(marker)
        .map(|(at, _)| {
            page[at + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .collect()
}

async fn an_approver_approves_the_selected_declarations_at_once(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year;
    let company = world.company.id;
    let tenant = world.company.tenant_id;
    world.open_periods().await;
    let services = world.services.clone();
    let mut filed = Vec::new();
    for number in ["E0101", "E0102", "E0103"] {
        let employee = employee_record(tenant, company, number, None);
        services
            .app
            .store
            .insert_employee(tenant, &employee)
            .await
            .unwrap();
        let submit = number != "E0103";
        filed.push(proxy_file(&mut world.admin, &services, &employee, year, submit).await);
    }
    let (first, second, draft) = (&filed[0], &filed[1], &filed[2]);
    assert_eq!(draft.status, FilingStatus::Draft);
    // A declaration of another company of the tenant, submitted there.
    let other = crate::sites::registered_company(&services, tenant, "株式会社ビー").await;
    let stranger = employee_record(tenant, other.id, "B0001", None);
    services
        .app
        .store
        .insert_employee(tenant, &stranger)
        .await
        .unwrap();
    let (status, page, _) = world
        .admin
        .get(&format!(
            "/admin/companies/{}/periods/{}",
            other.id,
            year.year()
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (start, end, next_end) = (
        format!("{}-01-01", year.year()),
        format!("{}-12-31", year.year()),
        format!("{}-01-31", year.year() + 1),
    );
    let (status, page, _) = world
        .admin
        .post(
            &format!("/admin/companies/{}/periods/{}", other.id, year.year()),
            &[
                ("adjustment_start", start.as_str()),
                ("adjustment_end", next_end.as_str()),
                ("filing_start", start.as_str()),
                ("filing_end", end.as_str()),
                ("refiling_start", ""),
                ("refiling_end", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let foreign = proxy_file(&mut world.admin, &services, &stranger, year, true).await;
    assert_eq!(foreign.status, FilingStatus::Submitted);

    let dashboard = format!("/admin/companies/{company}/filings/{}", year.year());
    let approve = format!("{dashboard}/approve");
    let value = |filing: &Filing| format!("{}:{}", filing.id, filing.version);

    // The 承認者 sees a checkbox on each 提出済 row only, and the button.
    let mut approver = world.staff.remove(2);
    let (status, page, _) = approver.get(&dashboard).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="approve-selected""#), "{page}");
    let mut offered = selectable(&page);
    offered.sort();
    let mut expected = vec![value(first), value(second)];
    expected.sort();
    assert_eq!(offered, expected);

    // A malformed value is refused, nothing approved.
    let (status, page, _) = approver
        .post(
            &approve,
            &[("selected", "not-a-filing"), ("selected", &value(first))],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    let (status, _, _) = approver.get(&dashboard).await;
    assert_eq!(status, StatusCode::OK);
    let (status, page, _) = approver.post(&approve, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");

    // The 担当者 is offered nothing and refused.
    let mut clerk = world.staff.remove(1);
    let (status, page, _) = clerk.get(&dashboard).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(!page.contains(r#"id="approve-selected""#), "{page}");
    assert!(selectable(&page).is_empty(), "{page}");
    let (status, page, _) = clerk.post(&approve, &[("selected", &value(first))]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{page}");

    let (status, _, _) = approver.get(&dashboard).await;
    assert_eq!(status, StatusCode::OK);
    let (status, page, _) = approver
        .post(
            &approve,
            &[
                ("selected", &value(first)),
                ("selected", &value(second)),
                ("selected", &value(draft)),
                ("selected", &value(&foreign)),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("2件を承認しました"), "{page}");
    assert!(
        !page.contains("approved-sharing"),
        "nobody here declares a family: no 重複の疑い to point out"
    );
    assert!(
        page.contains(r#"<td class="number">E0103</td><td class="name">山田 太郎</td><td class="reason">未提出</td>"#),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<td class="number">—</td><td class="name">—</td><td class="reason">対象外</td>"#
        ),
        "{page}"
    );
    assert!(
        !page.contains("B0001"),
        "another company's employee is not named"
    );
    let stored = |filing: &Filing| {
        let services = services.clone();
        let id = filing.id;
        async move {
            services
                .app
                .store
                .find_filing(tenant, id)
                .await
                .unwrap()
                .unwrap()
                .status
        }
    };
    assert_eq!(stored(first).await, FilingStatus::Approved);
    assert_eq!(stored(second).await, FilingStatus::Approved);
    assert_eq!(stored(draft).await, FilingStatus::Draft);
    assert_eq!(stored(&foreign).await, FilingStatus::Submitted);
}

/// 中途入社: the question brings the 前職 step; a slip without its 支払金額 is refused next to
/// the field and nothing is saved; the slip shows on the review page as its own form, in the
/// history, and in the payroll CSV's 前職 columns after approval.
async fn a_mid_year_hire_declares_the_previous_employers_slip(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year.year();
    let company = world.company.id;
    world.open_periods().await;
    let tenant = world.company.tenant_id;
    let newcomer = employee_of(&world.services, tenant, company).await;
    let base = format!("/admin/employees/{newcomer}/filings/{year}");
    let admin = &mut world.admin;

    let (_, page, _) = admin.get(&format!("{base}/step/questions")).await;
    assert!(
        page.contains("他の勤務先から給与を受け取りましたか"),
        "{page}"
    );
    let mut answers: Vec<(&str, &str)> = QUESTIONS.iter().map(|(name, _)| (*name, "no")).collect();
    answers.push(("had_previous_employer", "yes"));
    let answer = save_step(admin, &base, "questions", &answers).await;
    redirected_to(&answer, &format!("{base}/step/self"));
    let self_step = [
        ("estimated_salary", "5,000,000"),
        ("other_income", "0"),
        ("disability", "none"),
    ];
    let answer = save_step(admin, &base, "self", &self_step).await;
    redirected_to(&answer, &format!("{base}/step/previous"));

    let slip = |salary: &'static str| {
        vec![
            ("p0_payer", "株式会社前職"),
            ("p0_address", "大阪市北区梅田1-1-1"),
            ("p0_left_on", "2026-03-31"),
            ("p0_salary", salary),
            ("p0_social", "180,000"),
            ("p0_tax", "30,000"),
        ]
    };
    let before = world
        .services
        .app
        .store
        .find_filing_of(tenant, newcomer, world.year)
        .await
        .unwrap()
        .unwrap();
    let (status, page, _) = save_step(admin, &base, "previous", &slip("")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains(r#"id="p0_salary""#), "{page}");
    assert!(page.contains("株式会社前職"), "what was typed is kept");
    let after = world
        .services
        .app
        .store
        .find_filing_of(tenant, newcomer, world.year)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.version, before.version, "nothing saved");

    // The slip's left_on must be within the adjustment's year to be submitted.
    let left_on = format!("{year}-03-31");
    let mut good = slip("1,200,000");
    good[2] = ("p0_left_on", left_on.as_str());
    let answer = save_step(admin, &base, "previous", &good).await;
    redirected_to(&answer, &format!("{base}/step/next_year"));
    let answer = save_step(admin, &base, "next_year", &[("next_year_same", "yes")]).await;
    redirected_to(&answer, &format!("{base}/review"));
    let (status, page, _) = admin.get(&format!("{base}/review")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("前職分の源泉徴収票(提出分)"), "{page}");
    assert!(page.contains("1,200,000円"), "{page}");
    assert!(page.contains(r#"id="submit-filing""#), "{page}");
    let version = hidden(&page, "version");
    let (status, page, _) = admin
        .post(&format!("{base}/submit"), &[("version", version.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");

    let filing = world
        .services
        .app
        .store
        .find_filing_of(tenant, newcomer, world.year)
        .await
        .unwrap()
        .unwrap();
    let review = format!("/admin/filings/{}", filing.id);
    let (status, page, _) = admin.get(&review).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("前職1: 源泉徴収税額"),
        "the history names the slip's values"
    );
    approve_shown(admin, &review, &page).await;

    let (status, csv, _) = admin
        .get(&format!(
            "/admin/companies/{company}/filings/{year}/payroll.csv"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let number = world
        .services
        .app
        .store
        .find_employee(tenant, newcomer)
        .await
        .unwrap()
        .unwrap()
        .number
        .to_string();
    let row = payroll_row(&csv, &number);
    assert_eq!(row["前職 支払金額"], "1200000");
    assert_eq!(row["前職 社会保険料等"], "180000");
    assert_eq!(row["前職 源泉徴収税額"], "30000");
    assert_eq!(row["前職 支払者"], "株式会社前職");
    assert_eq!(row["前職 退職日"], left_on);
    // The 社会保険料控除 covers the slip's 180,000 (nothing else declared).
    assert_eq!(row["社会保険料控除額(申告分)"], "180000");
}
