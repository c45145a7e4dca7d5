//! The year-end settlement page (年末調整の精算, YEA-5) through the HTTP surface: upload the
//! payroll totals → every figure and the refund; a bad file lists its row errors and computes
//! nothing; a forged CSRF token and a 参照者 get 403. On SQLite and on PostgreSQL.

use std::sync::Arc;

use nencho_app::filings::periods::{PeriodsInput, set_periods};
use nencho_app::filings::review::{approve_filing, proxy_save, proxy_submit};
use nencho_app::sign_in::CurrentUser;
use nencho_filings::{Answers, Declaration, TaxpayerSection};
use nencho_identity::{CompanyRole, Role};
use nencho_kernel::{Clock, EmployeeId, SystemClock, Yen};
use nencho_ports::Store;
use nencho_tenancy::{Company, Employee, EmployeeNumber, EmploymentType, PersonName};
use poem::http::StatusCode;
use time::macros::date;

use crate::filings::this_year;
use crate::sites::{Browser, browser, csrf_token, log_in_as_admin, new_person, open_site};

on_both_stores!(
    uploaded_totals_settle_to_the_refund_and_a_bad_file_computes_nothing,
    a_forged_token_and_a_viewer_are_refused,
    the_same_upload_prints_the_withholding_slips_of_the_approved,
);

const HOST: &str = "acme.localhost:8080";

/// Posts the settlement form as a browser does (`multipart/form-data`), with `extra` fields.
async fn upload<E: poem::Endpoint>(
    browser: &mut Browser<E>,
    path: &str,
    file: &[u8],
    token: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, Vec<u8>) {
    let mut fields = vec![("csrf_token", token), ("encoding", "auto")];
    fields.extend_from_slice(extra);
    let (status, body, _) = browser
        .post_file(path, &fields, "totals.csv", file, "text/csv")
        .await;
    (status, body)
}

struct World<E> {
    company: Company,
    admin: Browser<E>,
    viewer: Browser<E>,
}

/// acme with company A, its ADMIN and a 参照者 logged in, and employee E0001 whose declaration
/// for this year (no spouse, no dependants, no insurance) is approved; E0002 has none.
async fn world(store: &Arc<dyn Store>) -> World<impl poem::Endpoint> {
    let (services, notice) = open_site(store).await;
    let tenant = notice.tenant.id;
    let company = crate::sites::registered_company(&services, tenant, "株式会社エー").await;
    let mut admin = browser(store, HOST);
    log_in_as_admin(&mut admin, &notice).await;
    let admin_user: CurrentUser =
        crate::sites::session_user(&services.app, &notice.tenant, &admin).await;
    let mut viewer = browser(store, HOST);
    new_person(
        &services,
        &notice,
        &admin_user,
        &mut viewer,
        "sansho",
        Role::General,
        Some((CompanyRole::Viewer, company.id)),
    )
    .await;
    let year = this_year();
    let context = &services.app;
    set_periods(
        context,
        &admin_user,
        company.id,
        year,
        PeriodsInput {
            adjustment_start: time::Date::from_calendar_date(year.year(), time::Month::January, 1)
                .unwrap(),
            adjustment_end: time::Date::from_calendar_date(
                year.year() + 1,
                time::Month::January,
                31,
            )
            .unwrap(),
            filing_start: time::Date::from_calendar_date(year.year(), time::Month::January, 1)
                .unwrap(),
            filing_end: time::Date::from_calendar_date(year.year(), time::Month::December, 31)
                .unwrap(),
            refiling: None,
            year_round_changes: false,
        },
    )
    .await
    .unwrap();
    for number in ["E0001", "E0002"] {
        let employee = Employee {
            id: EmployeeId::generate(&SystemClock),
            tenant_id: tenant,
            company_id: company.id,
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
            user_id: None,
            updated_at: SystemClock.now(),
        };
        services
            .app
            .store
            .insert_employee(tenant, &employee)
            .await
            .unwrap();
        if number != "E0001" {
            continue;
        }
        let document = Declaration {
            answers: Answers {
                has_spouse: Some(false),
                has_dependents: Some(false),
                paid_life_insurance: Some(false),
                paid_earthquake_insurance: Some(false),
                paid_social_insurance: Some(false),
                paid_mutual_aid: Some(false),
                has_housing_loan: Some(false),
                had_previous_employer: None,
            },
            taxpayer: TaxpayerSection {
                estimated_salary: Yen::new(5_000_000),
                ..TaxpayerSection::default()
            },
            ..Declaration::default()
        };
        let saved = proxy_save(context, &admin_user, employee.id, year, 0, document)
            .await
            .unwrap();
        let submitted = proxy_submit(context, &admin_user, employee.id, year, saved.version, "")
            .await
            .unwrap();
        approve_filing(context, &admin_user, submitted.id, submitted.version)
            .await
            .unwrap();
    }
    World {
        company,
        admin,
        viewer,
    }
}

fn settlement_path(company: &Company) -> String {
    format!(
        "/admin/companies/{}/filings/{}/settlement",
        company.id,
        this_year().year()
    )
}

const TOTALS: &str = "社員番号,給与等の総額,徴収税額,社会保険料等,未徴収税額,小規模企業共済等掛金\r\n\
                      E0001,5000000,120000,720000,,\r\n\
                      E0002,4000000,80000,580000,,\r\n";

async fn uploaded_totals_settle_to_the_refund_and_a_bad_file_computes_nothing(
    store: Arc<dyn Store>,
) {
    let mut world = world(&store).await;
    let path = settlement_path(&world.company);

    // The dashboard links to the settlement next to the payroll CSV.
    let dashboard = format!(
        "/admin/companies/{}/filings/{}",
        world.company.id,
        this_year().year()
    );
    let (status, page, _) = world.admin.get(&dashboard).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(&format!(r#"id="settlement-link" href="{path}""#)));

    let (status, form, _) = world.admin.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains(r#"enctype="multipart/form-data""#));
    assert!(form.contains(r#"<option value="sjis">"#));
    let token = csrf_token(&form);

    // The template downloads as CSV with the Japanese header.
    let template = world
        .admin
        .client
        .get(format!("{path}/template?encoding=utf8"))
        .header("host", HOST)
        .header("cookie", world.admin.cookie_header())
        .send()
        .await;
    template.assert_status_is_ok();
    let template = template.0.into_body().into_vec().await.unwrap();
    assert!(
        String::from_utf8(template)
            .unwrap()
            .starts_with("\u{feff}社員番号,給与等の総額,徴収税額,社会保険料等")
    );

    // The calculator contract's example (calculator-api.md): 5,000,000, 720,000, 120,000
    // withheld → 年調年税額 91,800, refund 28,200. Sent as Shift_JIS with full-width digits.
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(
        "社員番号,給与等の総額,徴収税額,社会保険料等\r\nＥ０００１,５，０００，０００,１２００００,７２００００\r\nE0002,4000000,80000,580000\r\n",
    );
    let (status, body) = upload(&mut world.admin, &path, &sjis, &token, &[]).await;
    let page = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"id="refund-total">28,200円<"#), "{page}");
    assert!(page.contains(r#"id="collection-total">0円<"#));
    assert!(page.contains(r#"id="not-approved-count">1人<"#));
    assert!(page.contains("<td>91,800円</td>"), "年調年税額");
    assert!(page.contains("<td>3,560,000円</td>"), "給与所得控除後");
    assert!(page.contains("<td>1,800,000円</td>"), "課税給与所得");
    assert!(page.contains("<td>-28,200円</td>"), "差引超過額");
    assert!(page.contains(r#"data-status="未承認""#));
    assert!(page.contains("data:text/csv;charset=utf-8,"));
    // The 法定調書合計表 sums: one slip (E0002 has no approved declaration), none filed.
    let statutory = |id: &str| {
        let start = page.find(&format!(r#"<tr id="{id}">"#)).unwrap();
        page[start..start + page[start..].find("</tr>").unwrap()].to_owned()
    };
    assert!(
        statutory("statutory-all").contains(r#"class="people">1人<"#),
        "{page}"
    );
    assert!(statutory("statutory-all").contains("5,000,000円"));
    assert!(statutory("statutory-filed").contains(r#"class="people">0人<"#));

    // The same file with format=csv answers the results CSV.
    let (status, body) = upload(
        &mut world.admin,
        &path,
        TOTALS.as_bytes(),
        &token,
        &[("format", "csv")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(body).unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("社員番号"), "E0001");
    assert_eq!(cell("状況"), "計算済");
    assert_eq!(cell("年調年税額"), "91800");
    assert_eq!(cell("還付額"), "28200");
    assert_eq!(cell("徴収額"), "0");
    // 5,000,000円 adjusted: at the 500万円 limit of NTA No.7411 1(3), not above it.
    assert_eq!(cell("税務署提出"), "不要");
    assert_eq!(cell("提出範囲"), "年末調整をした人(500万円超)");
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("E0002,山田 太郎,未承認,4000000")
    );

    // A bad file: every bad row listed, nothing computed.
    let bad = "社員番号,給与等の総額,徴収税額,社会保険料等\r\nE0001,5000000,12万,720000\r\nE9999,1,1,1\r\n";
    let (status, body) = upload(&mut world.admin, &path, bad.as_bytes(), &token, &[]).await;
    let page = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("何も計算していません"));
    assert!(page.contains(
        r#"<td class="row">2</td><td class="column">徴収税額</td><td class="message">徴収税額「12万」は円単位の数字で入力してください"#
    ), "{page}");
    assert!(!page.contains("refund-total"));
    // A good file naming an employee the company does not have: the row, nothing computed.
    let unknown = "社員番号,給与等の総額,徴収税額,社会保険料等\r\nE0001,5000000,120000,720000\r\nE9999,1,1,1\r\n";
    let (status, body) = upload(&mut world.admin, &path, unknown.as_bytes(), &token, &[]).await;
    let page = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("社員番号「E9999」の従業員は株式会社エーにいません"));
    assert!(!page.contains("refund-total"));
}

async fn a_forged_token_and_a_viewer_are_refused(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let path = settlement_path(&world.company);
    world.admin.get(&path).await;
    let (status, body) = upload(
        &mut world.admin,
        &path,
        TOTALS.as_bytes(),
        "00112233445566778899aabbccddeeff",
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!String::from_utf8(body).unwrap().contains("refund-total"));

    // A 参照者 (ViewFilings only) may neither open the page nor upload.
    let (status, _, _) = world.viewer.get(&path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, home, _) = world.viewer.get("/").await;
    let token = csrf_token(&home);
    assert!(!token.is_empty());
    let (status, body) = upload(&mut world.viewer, &path, TOTALS.as_bytes(), &token, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!String::from_utf8(body).unwrap().contains("refund-total"));
    let (status, _, _) = world.viewer.get(&format!("{path}/template")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Nor does the dashboard offer the link.
    let (_, dashboard, _) = world
        .viewer
        .get(&format!(
            "/admin/companies/{}/filings/{}",
            world.company.id,
            this_year().year()
        ))
        .await;
    assert!(!dashboard.contains("settlement-link"));
}

/// 源泉徴収票(PDF): the same upload with `format=slips` answers one page per employee with an
/// approved declaration (E0001; E0002 has none), titled with the year and the company; a file
/// with nobody approved answers a page saying so.
async fn the_same_upload_prints_the_withholding_slips_of_the_approved(store: Arc<dyn Store>) {
    if !crate::print::font_present("the_same_upload_prints_the_withholding_slips_of_the_approved") {
        return;
    }
    let mut world = world(&store).await;
    let path = settlement_path(&world.company);
    let (status, form, _) = world.admin.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(r#"name="format" value="slips""#), "{form}");
    let token = csrf_token(&form);
    let (status, body) = upload(
        &mut world.admin,
        &path,
        TOTALS.as_bytes(),
        &token,
        &[("format", "slips")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(body.starts_with(b"%PDF-"), "a PDF");
    let document = lopdf::Document::load_mem(&body).unwrap();
    assert_eq!(document.get_pages().len(), 1, "E0001 only");
    let title: String = "給与所得の源泉徴収票"
        .encode_utf16()
        .map(|unit| format!("{unit:04X}"))
        .collect();
    assert!(
        String::from_utf8_lossy(&body)
            .to_uppercase()
            .contains(&title),
        "the document is titled as the slips"
    );

    let nobody = "社員番号,給与等の総額,徴収税額,社会保険料等\r\nE0002,4000000,80000,580000\r\n";
    let (status, body) = upload(
        &mut world.admin,
        &path,
        nobody.as_bytes(),
        &token,
        &[("format", "slips")],
    )
    .await;
    let page = String::from_utf8(body).unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("源泉徴収票を作成できる従業員がいません"),
        "{page}"
    );
}
