//! Printing declarations as PDF (YEA-6) through the HTTP surface, on SQLite: the employee's
//! own, a reviewer's, and a company's approved ones; and who may not print what.
//!
//! Without a Japanese font on the machine these tests fail under `CI=true` and otherwise pass
//! with a loud notice (install Debian's `fonts-ipaexfont-gothic`).

use std::sync::Arc;

use nencho_app::filings::own::{save_own_filing, submit_own_filing};
use nencho_app::filings::periods::{PeriodsInput, set_periods};
use nencho_app::filings::review::approve_filing;
use nencho_app::sign_in::{CurrentUser, LoginRequest, authenticate, login};
use nencho_app::tenancy::{OpenTenantRequest, open_tenant};
use nencho_filings::{Answers, Declaration, FilingStatus, TaxpayerSection};
use nencho_http::{HttpServices, endpoint};
use nencho_identity::{
    CompanyRole, DisplayName, LoginId, PasswordState, Role, RoleAssignment, User, UserStatus,
};
use nencho_kernel::{
    Clock, CompanyId, EmployeeId, JAPAN_STANDARD_TIME, SystemClock, TaxYear, UserId, Yen,
};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use nencho_tenancy::{
    Company, CompanyName, Employee, EmployeeNumber, EmploymentType, PersonName, Tenant,
};
use poem::http::StatusCode;
use poem::test::TestClient;
use time::macros::date;

const HOST: &str = "acme.localhost:8080";
const PASSWORD: &str = "kumo-no-ue-de-odoru-pengin";

/// Whether the machine has a Japanese font; see the module's note.
pub(crate) fn font_present(test: &str) -> bool {
    match nencho_pdf::PrintFont::locate() {
        Ok(_) => true,
        Err(error) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test}: {error} (CI needs Debian's fonts-ipaexfont-gothic)")
        }
        Err(error) => {
            eprintln!(
                "\n!!!!! SKIPPED {test}: {error}\n!!!!! apt-get install fonts-ipaexfont-gothic to run it\n"
            );
            false
        }
    }
}

/// A signed-in person: their session cookie and who they are to the use cases.
struct Person {
    cookie: String,
    current: CurrentUser,
}

/// acme with companies A and B; the tax year is this year in Japan.
struct World {
    _directory: tempfile::TempDir,
    services: Arc<HttpServices>,
    client: TestClient<poem::endpoint::BoxEndpoint<'static, poem::Response>>,
    tenant: Tenant,
    company: Company,
    other_company: Company,
    admin: Person,
    year: TaxYear,
}

async fn world() -> World {
    let directory = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
        directory.path(),
    )))
    .await
    .unwrap();
    let client = TestClient::new(poem::EndpointExt::boxed(
        poem::EndpointExt::map_to_response(endpoint(crate::services(&store))),
    ));
    let services = Arc::new(crate::services(&store));
    let notice = open_tenant(
        &services.app,
        OpenTenantRequest {
            slug: "acme",
            name: "株式会社アクメ",
            contact_email: "hr@acme.example",
            admin_email: None,
        },
    )
    .await
    .unwrap();
    let tenant = notice.tenant;
    let mut company = Company::register(
        tenant.id,
        CompanyName::parse("株式会社エー").unwrap(),
        &SystemClock,
    );
    company.profile.address = "東京都千代田区丸の内1-1-1".into();
    company.profile.tax_office = "麹町".into();
    let other_company = Company::register(
        tenant.id,
        CompanyName::parse("株式会社ビー").unwrap(),
        &SystemClock,
    );
    for company in [&company, &other_company] {
        services
            .app
            .store
            .insert_company(tenant.id, company)
            .await
            .unwrap();
    }
    let today = SystemClock.now().to_offset(JAPAN_STANDARD_TIME).date();
    let admin = person(&services, &tenant, "hr-admin", Role::Administrator, None).await;
    let world = World {
        _directory: directory,
        admin,
        services,
        client,
        tenant,
        company,
        other_company,
        year: TaxYear::new(today.year()).unwrap(),
    };
    let year = world.year.year();
    set_periods(
        &world.services.app,
        &world.admin.current,
        world.company.id,
        world.year,
        PeriodsInput {
            adjustment_start: date!(2000 - 01 - 01).replace_year(year).unwrap(),
            adjustment_end: date!(2000 - 01 - 31).replace_year(year + 1).unwrap(),
            filing_start: date!(2000 - 01 - 01).replace_year(year).unwrap(),
            filing_end: date!(2000 - 12 - 31).replace_year(year).unwrap(),
            refiling: None,
            year_round_changes: false,
        },
    )
    .await
    .unwrap();
    world
}

/// A new ID with its own chosen password, signed in.
async fn person(
    services: &HttpServices,
    tenant: &Tenant,
    login_id: &str,
    role: Role,
    company_role: Option<(CompanyRole, CompanyId)>,
) -> Person {
    let app = &services.app;
    let user = User {
        id: UserId::generate(&SystemClock),
        tenant_id: tenant.id,
        login_id: LoginId::parse(login_id).unwrap(),
        display_name: DisplayName::parse(login_id).unwrap(),
        email: None,
        role,
        status: UserStatus::Active,
        password: PasswordState::Chosen(app.hasher.hash(PASSWORD).await.unwrap()),
        created_at: SystemClock.now(),
    };
    app.store.insert_user(tenant.id, &user).await.unwrap();
    if let Some((role, company_id)) = company_role {
        let assignment = RoleAssignment {
            user_id: user.id,
            company_id,
            role,
            departments: vec![],
        };
        app.store.assign_role(tenant.id, &assignment).await.unwrap();
    }
    let logged_in = login(
        app,
        LoginRequest {
            tenant,
            login_id,
            password: PASSWORD,
            ip_address: "127.0.0.1".into(),
            user_agent: "print-test".into(),
        },
    )
    .await
    .unwrap();
    let token = logged_in.token.expose().to_owned();
    let current = authenticate(app, tenant, &token).await.unwrap().unwrap();
    Person {
        cookie: format!("nencho_session={token}"),
        current,
    }
}

impl World {
    async fn person(
        &self,
        login_id: &str,
        role: Role,
        company_role: Option<(CompanyRole, CompanyId)>,
    ) -> Person {
        person(&self.services, &self.tenant, login_id, role, company_role).await
    }

    /// An employee of company A with an ID, signed in, whose declaration is saved and
    /// submitted — and approved when `approve`.
    async fn filer(&self, number: &str, family: &str, approve: bool) -> (Person, Employee) {
        let person = self
            .person(&number.to_lowercase(), Role::General, None)
            .await;
        let employee = Employee {
            id: EmployeeId::generate(&SystemClock),
            tenant_id: self.tenant.id,
            company_id: self.company.id,
            number: EmployeeNumber::parse(number).unwrap(),
            name: PersonName {
                family: family.into(),
                given: "太郎".into(),
                family_kana: "テスト".into(),
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
            user_id: Some(person.current.user.id),
            updated_at: SystemClock.now(),
        };
        let app = &self.services.app;
        app.store
            .insert_employee(self.tenant.id, &employee)
            .await
            .unwrap();
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
        let saved = save_own_filing(app, &person.current, self.year, 0, document)
            .await
            .unwrap();
        let submitted = submit_own_filing(app, &person.current, self.year, saved.version, "")
            .await
            .unwrap();
        if approve {
            let approved =
                approve_filing(app, &self.admin.current, submitted.id, submitted.version)
                    .await
                    .unwrap();
            assert_eq!(approved.status, FilingStatus::Approved);
        }
        (person, employee)
    }

    async fn get(&self, cookie: &str, path: &str) -> (StatusCode, poem::http::HeaderMap, Vec<u8>) {
        let response = self
            .client
            .get(path)
            .header("host", HOST)
            .header("cookie", cookie)
            .send()
            .await;
        let status = response.0.status();
        let headers = response.0.headers().clone();
        let body = response.0.into_body().into_vec().await.unwrap();
        (status, headers, body)
    }

    async fn filing_id(&self, employee: &Employee) -> nencho_kernel::FilingId {
        self.services
            .app
            .store
            .find_filing_of(self.tenant.id, employee.id, self.year)
            .await
            .unwrap()
            .unwrap()
            .id
    }
}

/// The PDF names `text` (its outline and metadata are UTF-16 text strings, written in hex).
fn names(pdf: &[u8], text: &str) -> bool {
    let hex: String = text
        .encode_utf16()
        .map(|unit| format!("{unit:04X}"))
        .collect();
    String::from_utf8_lossy(pdf).to_uppercase().contains(&hex)
}

fn assert_pdf(status: StatusCode, headers: &poem::http::HeaderMap, body: &[u8]) {
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(body));
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["cache-control"], "no-store");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"declarations-")
            && disposition.contains("filename*=UTF-8''%E5%B9%B4%E6%9C%AB%E8%AA%BF%E6%95%B4"),
        "{disposition}"
    );
    assert!(body.starts_with(b"%PDF-"), "a PDF");
}

#[tokio::test]
async fn an_employee_prints_their_own_declaration_but_not_another_ones() {
    if !font_present("an_employee_prints_their_own_declaration_but_not_another_ones") {
        return;
    }
    let world = world().await;
    let (yamada, employee) = world.filer("E0001", "山田", false).await;
    let (_, other) = world.filer("E0002", "鈴木", false).await;
    let _ = employee;
    let year = world.year.year();

    let (status, headers, pdf) = world
        .get(&yamada.cookie, &format!("/filings/{year}/print.pdf"))
        .await;
    assert_pdf(status, &headers, &pdf);
    assert!(names(&pdf, "E0001 山田 太郎"), "the employee's declaration");
    assert!(!names(&pdf, "鈴木"), "nobody else's");
    eprintln!("one-employee PDF: {} bytes", pdf.len());
    // To look at it: NENCHO_PDF_SAMPLE=/tmp/sample.pdf cargo test -p nencho-http --test print
    if let Some(path) = std::env::var_os("NENCHO_PDF_SAMPLE") {
        std::fs::write(path, &pdf).unwrap();
    }
    assert!(pdf.len() < 300_000, "{} bytes", pdf.len());

    // The review page links to it.
    let response = world
        .client
        .get(format!("/filings/{year}/review"))
        .header("host", HOST)
        .header("cookie", &yamada.cookie)
        .send()
        .await;
    let page = response.0.into_body().into_string().await.unwrap();
    assert!(
        page.contains(&format!("/filings/{year}/print.pdf")),
        "{page}"
    );

    // Another employee's declaration through the reviewer's address: refused.
    let other_id = world.filing_id(&other).await;
    let (status, _, body) = world
        .get(
            &yamada.cookie,
            &format!("/admin/filings/{other_id}/print.pdf"),
        )
        .await;
    assert!(
        matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{status}"
    );
    assert!(!body.starts_with(b"%PDF"));

    // Not signed in: no PDF.
    let (status, _, body) = world.get("", &format!("/filings/{year}/print.pdf")).await;
    assert_ne!(status, StatusCode::OK);
    assert!(!body.starts_with(b"%PDF"));
}

#[tokio::test]
async fn a_reviewer_prints_what_they_may_view_and_a_viewer_of_another_company_is_refused() {
    if !font_present(
        "a_reviewer_prints_what_they_may_view_and_a_viewer_of_another_company_is_refused",
    ) {
        return;
    }
    let world = world().await;
    let (_, employee) = world.filer("E0001", "山田", true).await;
    let filing_id = world.filing_id(&employee).await;
    let path = format!("/admin/filings/{filing_id}/print.pdf");

    let viewer = world
        .person(
            "sansho",
            Role::General,
            Some((CompanyRole::Viewer, world.company.id)),
        )
        .await;
    let (status, headers, pdf) = world.get(&viewer.cookie, &path).await;
    assert_pdf(status, &headers, &pdf);
    assert!(names(&pdf, "E0001 山田 太郎"));

    let (status, _, page) = world
        .get(&viewer.cookie, &format!("/admin/filings/{filing_id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        String::from_utf8_lossy(&page).contains(&path),
        "the review page links to it"
    );

    let outsider = world
        .person(
            "sansho-b",
            Role::General,
            Some((CompanyRole::Viewer, world.other_company.id)),
        )
        .await;
    let (status, _, body) = world.get(&outsider.cookie, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.starts_with(b"%PDF"));
}

#[tokio::test]
async fn the_company_file_holds_only_the_approved_declarations() {
    if !font_present("the_company_file_holds_only_the_approved_declarations") {
        return;
    }
    let world = world().await;
    world.filer("E0001", "山田", true).await;
    world.filer("E0002", "鈴木", false).await;
    world.filer("E0003", "佐藤", true).await;
    let year = world.year.year();
    let path = format!(
        "/admin/companies/{}/filings/{year}/print.pdf",
        world.company.id
    );

    let (status, headers, pdf) = world.get(&world.admin.cookie, &path).await;
    assert_pdf(status, &headers, &pdf);
    assert!(names(&pdf, "E0001 山田 太郎"));
    assert!(names(&pdf, "E0003 佐藤 太郎"));
    assert!(
        !names(&pdf, "鈴木"),
        "a submitted declaration is not in the archive"
    );

    // The dashboard links to it.
    let (_, _, page) = world
        .get(
            &world.admin.cookie,
            &format!("/admin/companies/{}/filings/{year}", world.company.id),
        )
        .await;
    assert!(String::from_utf8_lossy(&page).contains(&path));

    // Not for a viewer (the payroll export's permission), nor outside the company.
    let viewer = world
        .person(
            "sansho",
            Role::General,
            Some((CompanyRole::Viewer, world.company.id)),
        )
        .await;
    let (status, _, _) = world.get(&viewer.cookie, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let approver_b = world
        .person(
            "shonin-b",
            Role::General,
            Some((CompanyRole::Approver, world.other_company.id)),
        )
        .await;
    let (status, _, _) = world.get(&approver_b.cookie, &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A year without approved declarations: a page that says so.
    let (status, _, page) = world
        .get(
            &world.admin.cookie,
            &format!(
                "/admin/companies/{}/filings/{year}/print.pdf",
                world.other_company.id
            ),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&page).contains("承認済みの申告書はありません"));
}

/// Every page's text as a reader extracts it, without the layout's spaces and line breaks.
fn text_of(pdf: &[u8]) -> String {
    let document = lopdf::Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    document
        .extract_text(&pages)
        .expect("text extraction")
        .split_whitespace()
        .collect()
}

#[tokio::test]
async fn the_printout_says_which_certificates_originals_arrived() {
    if !font_present("the_printout_says_which_certificates_originals_arrived") {
        return;
    }
    let world = world().await;
    let (_, employee) = world.filer("E0001", "山田", false).await;
    let app = &world.services.app;
    // The declaration (handed in) also declares two life policies.
    let mut filing = app
        .store
        .find_filing_of(world.tenant.id, employee.id, world.year)
        .await
        .unwrap()
        .unwrap();
    let expected_version = filing.version;
    filing.version += 1;
    for insurer in ["あおぞら生命", "みなと生命"] {
        filing
            .document
            .life_policies
            .push(nencho_filings::LifePolicy {
                insurer: insurer.into(),
                policy_type: "終身".into(),
                kind: nencho_filings::LifePolicyKind::General,
                contract: nencho_filings::LifeContractAge::New,
                period: "終身".into(),
                beneficiary: "妻".into(),
                premium: Yen::new(60_000),
            });
    }
    crate::filings::put_filing(&*app.store, &filing, expected_version).await;
    let first = nencho_filings::expected_attachments(&filing.document)[0].original_key();
    nencho_app::filings::originals::record_original(
        app,
        &world.admin.current,
        filing.id,
        &first,
        "paper",
    )
    .await
    .unwrap();

    let (status, headers, pdf) = world
        .get(
            &world.admin.cookie,
            &format!("/admin/filings/{}/print.pdf", filing.id),
        )
        .await;
    assert_pdf(status, &headers, &pdf);
    let text = text_of(&pdf);
    // The section of the computed amounts ends with the certificates, label and state in two
    // columns (a long label wraps, so the extracted text interleaves them).
    let (_, originals) = text
        .split_once("控除証明書等の原本")
        .unwrap_or_else(|| panic!("a block of the originals: {text}"));
    let first = originals.find("生命保険1").expect("the first policy");
    let received = originals.find("原本受領(").expect("its receipt");
    let second = originals.find("生命保険2").expect("the second policy");
    let awaited = originals.find("未受領").expect("not received");
    assert!(
        first < received && received < second && second < awaited,
        "{originals}"
    );
    assert_eq!(originals.matches("原本受領").count(), 1, "{originals}");
}
