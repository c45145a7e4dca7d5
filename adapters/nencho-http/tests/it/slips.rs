//! 源泉徴収票の電子交付 through the HTTP surface, on SQLite and on PostgreSQL: issuing lists an
//! employee who has not consented for paper delivery and issues nothing to them; once they
//! consent, issuing gives them their slip on their own page as a PDF; withdrawing keeps what was
//! issued; a forged token is refused; a user without an employee record has no slips. Staff
//! record a consent given on paper for an employee listed without consent (the next issue
//! delivers electronically, the employee's page says 書面で同意), and its withdrawal; a date in
//! the future is refused and changes nothing.

use std::sync::Arc;

use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::{QUESTIONS, World, hidden, redirected_to, save_step, world};
use crate::sites::csrf_token;

on_both_stores!(
    a_consenting_employee_receives_the_issued_slip,
    staff_record_a_paper_consent_and_its_withdrawal
);

/// Posts the settlement upload with the button 「源泉徴収票を電子交付」; the status and the page.
async fn issue<E: poem::Endpoint>(
    admin: &mut crate::sites::Browser<E>,
    settlement: &str,
    token: &str,
    totals: &str,
) -> (StatusCode, String) {
    let (status, body, _) = admin
        .post_file(
            settlement,
            &[("csrf_token", token), ("format", "issue")],
            "totals.csv",
            totals.as_bytes(),
            "text/csv",
        )
        .await;
    (status, String::from_utf8(body).unwrap())
}

/// The employee's declaration with nothing to declare, submitted and approved by the ADMIN.
async fn approved_declaration<E: poem::Endpoint>(
    world: &mut World<E>,
    employee: &mut crate::sites::Browser<E>,
) {
    let year = world.year.year();
    // A declaration with nothing to declare, submitted and approved.
    let base = format!("/filings/{year}");
    let no: Vec<(&str, &str)> = QUESTIONS.iter().map(|(name, _)| (*name, "no")).collect();
    let answer = save_step(employee, &base, "questions", &no).await;
    redirected_to(&answer, &format!("{base}/step/self"));
    let answer = save_step(
        employee,
        &base,
        "self",
        &[("estimated_salary", "5,000,000"), ("other_income", "0")],
    )
    .await;
    redirected_to(&answer, &format!("{base}/step/next_year"));
    let (_, page, _) = employee.get(&format!("{base}/review")).await;
    let version = hidden(&page, "version");
    let (status, _, _) = employee
        .post(&format!("{base}/submit"), &[("version", version.as_str())])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let filing = world.filing().await;
    let review = format!("/admin/filings/{}", filing.id);
    let (_, page, _) = world.admin.get(&review).await;
    let version = hidden(&page, "version");
    let (status, _, _) = world
        .admin
        .post(
            &format!("{review}/approve"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn a_consenting_employee_receives_the_issued_slip(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year.year();
    world.open_periods().await;
    let mut employee = world.staff.remove(0);

    approved_declaration(&mut world, &mut employee).await;

    // Not consenting yet: nothing issued to them, listed for paper delivery.
    let (status, page, _) = employee.get("/slips").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(r#"data-consented="false""#), "{page}");
    assert!(page.contains(r#"id="no-slips""#));
    let settlement = format!(
        "/admin/companies/{}/filings/{year}/settlement",
        world.company.id
    );
    let totals = format!(
        "社員番号,給与等の総額,徴収税額,社会保険料等\r\n{},5000000,120000,720000\r\n",
        world.employee.number
    );
    let (_, form, _) = world.admin.get(&settlement).await;
    let token = csrf_token(&form);
    let (status, page) = issue(&mut world.admin, &settlement, &token, &totals).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("0人に電子交付しました"), "{page}");
    assert!(page.contains(r#"id="without-consent""#), "{page}");
    let (_, page, _) = employee.get("/slips").await;
    assert!(
        page.contains(r#"id="no-slips""#),
        "nothing issued without consent"
    );

    // A forged token does not consent; the form does.
    let (status, _, _) = employee
        .post(
            "/slips/consent",
            &[("consent", "yes"), ("csrf_token", "00ff")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    employee.get("/slips").await;
    let (status, _, location) = employee.post("/slips/consent", &[("consent", "yes")]).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/slips?notice=consented"))
    );
    let (_, page, _) = employee.get("/slips?notice=consented").await;
    assert!(page.contains(r#"data-consented="true""#), "{page}");

    // Issued now: on their page, as a PDF of one page.
    let (status, page) = issue(&mut world.admin, &settlement, &token, &totals).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("1人に電子交付しました"), "{page}");
    assert!(!page.contains(r#"id="without-consent""#), "{page}");
    let (_, page, _) = employee.get("/slips").await;
    let link = format!("/slips/{year}/print.pdf");
    assert!(page.contains(&format!(r#"href="{link}""#)), "{page}");
    if crate::print::font_present("a_consenting_employee_receives_the_issued_slip") {
        let (status, headers, body) = employee.get_file(&link).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        assert_eq!(headers["content-type"], "application/pdf");
        let document = lopdf::Document::load_mem(&body).unwrap();
        assert_eq!(document.get_pages().len(), 1);
    }

    // Issued again with corrected totals (訂正): the new slip is the one in force, the first is
    // kept as 訂正前 and prints too; there is no second replaced one, nor one for another year.
    let corrected = format!(
        "社員番号,給与等の総額,徴収税額,社会保険料等\r\n{},5100000,125000,730000\r\n",
        world.employee.number
    );
    let (status, page) = issue(&mut world.admin, &settlement, &token, &corrected).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("1人に電子交付しました"), "{page}");
    let (_, page, _) = employee.get("/slips").await;
    let replaced = format!("/slips/{year}/replaced/1/print.pdf");
    assert!(page.contains(&format!(r#"href="{replaced}""#)), "{page}");
    assert!(page.contains("訂正前の源泉徴収票("), "{page}");
    let slip_of = |issued: Option<nencho_filings::IssuedSlip>| issued.unwrap().slip.payment;
    let tenant = world.company.tenant_id;
    assert_eq!(
        slip_of(
            store
                .find_issued_slip(tenant, world.employee.id, world.year)
                .await
                .unwrap()
        ),
        nencho_kernel::Yen::new(5_100_000)
    );
    let kept = store
        .replaced_slips(tenant, world.employee.id, world.year)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].0.slip.payment, nencho_kernel::Yen::new(5_000_000));
    if crate::print::font_present("a_consenting_employee_receives_the_issued_slip") {
        let (status, headers, body) = employee.get_file(&replaced).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
        assert_eq!(headers["content-type"], "application/pdf");
    }
    for missing in [
        format!("/slips/{year}/replaced/2/print.pdf"),
        format!("/slips/{year}/replaced/0/print.pdf"),
        format!("/slips/{}/replaced/1/print.pdf", year - 1),
        format!("/slips/{year}/replaced/x/print.pdf"),
    ] {
        let (status, _, _) = employee.get_file(&missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }

    // Withdrawn: what was issued stays readable.
    employee.get("/slips").await;
    let (status, _, _) = employee.post("/slips/consent", &[("consent", "no")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = employee.get("/slips").await;
    assert!(page.contains(r#"data-consented="false""#));
    assert!(page.contains(&format!(r#"href="{link}""#)));

    // Staff without an employee record have no slips of their own.
    let mut clerk = world.staff.remove(0);
    let (status, page, _) = clerk.get("/slips").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("従業員として登録されていない"), "{page}");
    let (status, _, _) = clerk.get_file(&link).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = clerk.get_file(&replaced).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only one's own");
}

async fn staff_record_a_paper_consent_and_its_withdrawal(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year.year();
    world.open_periods().await;
    let mut employee = world.staff.remove(0);
    approved_declaration(&mut world, &mut employee).await;
    let tenant = world.company.tenant_id;
    let employee_id = world.employee.id;
    let settlement = format!(
        "/admin/companies/{}/filings/{year}/settlement",
        world.company.id
    );
    let consents = format!("/admin/companies/{}/slips/consents", world.company.id);
    let totals = format!(
        "社員番号,給与等の総額,徴収税額,社会保険料等\r\n{},5000000,120000,720000\r\n",
        world.employee.number
    );
    let (_, form, _) = world.admin.get(&settlement).await;
    let token = csrf_token(&form);

    // Listed without consent, with the form to record a paper consent.
    let (status, page) = issue(&mut world.admin, &settlement, &token, &totals).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("0人に電子交付しました"), "{page}");
    assert!(page.contains(r#"class="paper-consent""#), "{page}");
    assert!(
        page.contains(&format!(r#"name="employee" value="{employee_id}""#)),
        "{page}"
    );
    assert!(
        page.contains(r#"type="date" name="consented_on""#),
        "{page}"
    );

    let today = world
        .services
        .app
        .clock
        .now()
        .to_offset(nencho_kernel::JAPAN_STANDARD_TIME)
        .date();
    let employee_text = employee_id.to_string();
    let year_text = year.to_string();

    // A day in the future is refused, and nothing is recorded; so is a date that does not read.
    let tomorrow = (today + time::Duration::days(1)).to_string();
    for (day, says) in [(tomorrow.as_str(), "未来"), ("2026-13-45", "同意日")] {
        let (status, page, _) = world
            .admin
            .post(
                &consents,
                &[
                    ("employee", employee_text.as_str()),
                    ("consented_on", day),
                    ("year", year_text.as_str()),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{day}: {page}");
        assert!(page.contains(says), "{day}: {page}");
        assert_eq!(
            store.slip_consent(tenant, employee_id).await.unwrap(),
            None,
            "{day}: nothing recorded"
        );
        issue(&mut world.admin, &settlement, &token, &totals).await;
    }

    // Recorded with the day the form was signed: back to the settlement with a notice.
    let signed = today - time::Duration::days(10);
    let (status, _, location) = world
        .admin
        .post(
            &consents,
            &[
                ("employee", employee_text.as_str()),
                ("consented_on", signed.to_string().as_str()),
                ("year", year_text.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert!(
        location.starts_with(&format!("{settlement}?notice=")),
        "{location}"
    );
    let (status, page, _) = world.admin.get(&location).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("書面による電子交付への同意"), "{page}");
    let admin_id = store
        .list_users(tenant)
        .await
        .unwrap()
        .into_iter()
        .find(|user| user.login_id.as_str() == "admin")
        .unwrap()
        .id;
    let consent = store
        .slip_consent(tenant, employee_id)
        .await
        .unwrap()
        .expect("the paper consent is recorded");
    assert_eq!(consent.method, nencho_filings::ConsentMethod::Paper);
    assert_eq!(consent.recorded_by, Some(admin_id));
    assert!(
        consent
            .recorded_by_name
            .as_deref()
            .is_some_and(|name| name.ends_with("(admin)")),
        "{consent:?}"
    );
    assert_eq!(
        consent.at,
        signed
            .midnight()
            .assume_offset(nencho_kernel::JAPAN_STANDARD_TIME)
    );

    // The next issue delivers electronically, with the form to record a withdrawal.
    let (status, page) = issue(&mut world.admin, &settlement, &token, &totals).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("1人に電子交付しました"), "{page}");
    assert!(!page.contains(r#"id="without-consent""#), "{page}");
    assert!(page.contains(r#"class="withdraw-consent""#), "{page}");
    let (_, page, _) = employee.get("/slips").await;
    assert!(page.contains(r#"data-consented="true""#), "{page}");
    assert!(page.contains(r#"data-method="paper""#), "{page}");
    assert!(page.contains("書面で同意 (記録: "), "{page}");
    assert!(
        page.contains(&format!(
            "{}年{}月{}日、",
            signed.year(),
            u8::from(signed.month()),
            signed.day()
        )),
        "{page}"
    );
    assert!(page.contains(&format!(r#"href="/slips/{year}/print.pdf""#)));

    // Withdrawn on the employee's written request: the next issue lists them for paper again,
    // what was issued stays readable.
    let (status, _, location) = world
        .admin
        .post(
            &consents,
            &[
                ("employee", employee_text.as_str()),
                ("action", "withdraw"),
                ("year", year_text.as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location
            .unwrap()
            .starts_with(&format!("{settlement}?notice="))
    );
    assert_eq!(store.slip_consent(tenant, employee_id).await.unwrap(), None);

    // The consents' page lists every employee with how they consented, and records too.
    let (status, page, _) = world
        .admin
        .get(&format!("{consents}?q={}", world.employee.number))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let row = format!(
        r#"<tr class="consent" data-employee="{}" data-method="">"#,
        world.employee.number
    );
    assert!(page.contains(&row), "{page}");
    assert!(page.contains("同意なし(書面で交付)"), "{page}");
    let (status, _, location) = world
        .admin
        .post(
            &consents,
            &[
                ("employee", employee_text.as_str()),
                ("consented_on", signed.to_string().as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert!(
        location.starts_with(&format!("{consents}?notice=")),
        "{location}"
    );
    let (_, page, _) = world.admin.get(&location).await;
    assert!(page.contains(r#"data-method="paper">"#), "{page}");
    assert!(page.contains("書面で同意 ("), "{page}");
    assert!(page.contains("、記録: "), "{page}");
    let (_, page, _) = world.admin.get(&settlement).await;
    assert!(page.contains(r#"id="consents-link""#), "{page}");
    world
        .admin
        .post(
            &consents,
            &[("employee", employee_text.as_str()), ("action", "withdraw")],
        )
        .await;
    assert_eq!(store.slip_consent(tenant, employee_id).await.unwrap(), None);

    let (_, page, _) = employee.get("/slips").await;
    assert!(page.contains(r#"data-consented="false""#), "{page}");
    assert!(page.contains(&format!(r#"href="/slips/{year}/print.pdf""#)));
    let (status, page) = issue(&mut world.admin, &settlement, &token, &totals).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("0人に電子交付しました"), "{page}");
    assert!(page.contains(r#"id="without-consent""#), "{page}");

    // The employee's own consent stays 「サイトで同意」 with nobody recorded.
    employee.get("/slips").await;
    let (status, _, _) = employee.post("/slips/consent", &[("consent", "yes")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = employee.get("/slips").await;
    assert!(page.contains(r#"data-method="online""#), "{page}");
    let consent = store
        .slip_consent(tenant, employee_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(consent.method, nencho_filings::ConsentMethod::Online);
    assert_eq!(consent.recorded_by, None);

    // An employee of no company of the tenant (a made-up id) is not found.
    issue(&mut world.admin, &settlement, &token, &totals).await;
    let unknown = nencho_kernel::EmployeeId::generate(&nencho_kernel::SystemClock).to_string();
    let (status, _, _) = world
        .admin
        .post(
            &consents,
            &[
                ("employee", unknown.as_str()),
                ("consented_on", signed.to_string().as_str()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
