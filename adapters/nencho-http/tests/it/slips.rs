//! 源泉徴収票の電子交付 through the HTTP surface, on SQLite and on PostgreSQL: issuing lists an
//! employee who has not consented for paper delivery and issues nothing to them; once they
//! consent, issuing gives them their slip on their own page as a PDF; withdrawing keeps what was
//! issued; a forged token is refused; a user without an employee record has no slips.

use std::sync::Arc;

use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::{QUESTIONS, hidden, redirected_to, save_step, world};
use crate::sites::csrf_token;

on_both_stores!(a_consenting_employee_receives_the_issued_slip);

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

async fn a_consenting_employee_receives_the_issued_slip(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year.year();
    world.open_periods().await;
    let mut employee = world.staff.remove(0);

    // A declaration with nothing to declare, submitted and approved.
    let base = format!("/filings/{year}");
    let no: Vec<(&str, &str)> = QUESTIONS.iter().map(|(name, _)| (*name, "no")).collect();
    let answer = save_step(&mut employee, &base, "questions", &no).await;
    redirected_to(&answer, &format!("{base}/step/self"));
    let answer = save_step(
        &mut employee,
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
}
