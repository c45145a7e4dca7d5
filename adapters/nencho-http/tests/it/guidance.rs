//! 会社からのご案内 through the HTTP surface, on SQLite and on PostgreSQL: set on the periods
//! page once the year is opened, shown (escaped, addresses as links) on the employee's overview
//! and first step, written into the 依頼 mail, logged with the periods' changes, offered again
//! from last year's, refused when too long (text kept) and cleared when emptied.

use std::sync::Arc;

use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::world;

on_both_stores!(the_company_guidance_reaches_the_employee_pages_and_the_request_mail);

async fn the_company_guidance_reaches_the_employee_pages_and_the_request_mail(
    store: Arc<dyn Store>,
) {
    let mut world = world(&store).await;
    let tenant = world.company.tenant_id;
    let year = world.year.year();
    let company = world.company.id;
    let settings = format!("/admin/companies/{company}/periods/{year}");
    let guidance_path = format!("/admin/companies/{company}/guidance/{year}");
    let typed =
        "原本は<b>総務部</b>へ、12月5日までに。\r\n手引き: https://intra.example/nencho?a=1&b=2。";

    // Before the year is opened there is nothing to attach the guidance to.
    let (status, page, _) = world.admin.get(&settings).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"id="guidance-not-opened""#), "{page}");
    assert!(!page.contains(r#"id="guidance""#));
    let (status, page, _) = world
        .admin
        .post(&guidance_path, &[("guidance", typed)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("期間がまだ設定されていません"), "{page}");

    world.open_periods().await;
    let (_, page, _) = world
        .admin
        .get(&format!("/admin/companies/{company}/filings/{year}"))
        .await;
    assert!(page.contains(r#"id="guidance-missing""#), "{page}");
    let (_, page, _) = world.admin.get(&settings).await;
    assert!(page.contains(r#"<textarea id="guidance" name="guidance" rows="8"></textarea>"#));

    // A 担当者 may not set it (ManagePeriods is the administrators').
    world.staff[1].get("/").await;
    let (status, _, _) = world.staff[1]
        .post(&guidance_path, &[("guidance", "勝手な案内")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Too long: the page again with the reason and the text as typed; nothing saved.
    let too_long = format!("{}い", "あ".repeat(nencho_filings::MAX_GUIDANCE_CHARS));
    let (status, page, _) = world
        .admin
        .post(&guidance_path, &[("guidance", too_long.as_str())])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("ご案内は2000文字以内にしてください(いま2001文字です)。"),
        "{page}"
    );
    assert!(page.contains(&too_long));
    assert_eq!(
        store
            .find_guidance(tenant, company, world.year)
            .await
            .unwrap(),
        None
    );

    // Saved: back to the dashboard with a notice; the log quotes it.
    let (status, page, location) = world
        .admin
        .post(&guidance_path, &[("guidance", typed)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    let (_, page, _) = world.admin.get(&location.unwrap()).await;
    assert!(page.contains("会社からのご案内を保存しました。"), "{page}");
    assert!(
        page.contains(
            "<summary>会社からのご案内(従業員に表示中)</summary><p class=\"body\">原本は&#60;b&#62;"
        ),
        "the dashboard shows what the employees read: {page}"
    );
    let stored = store
        .find_guidance(tenant, company, world.year)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.as_str(),
        "原本は<b>総務部</b>へ、12月5日までに。\n手引き: https://intra.example/nencho?a=1&b=2。"
    );
    let (_, page, _) = world.admin.get(&settings).await;
    assert!(
        page.contains(
            "会社からのご案内: 「原本は&#60;b&#62;総務部&#60;/b&#62;へ、12月5日までに。…」(67文字)"
        ),
        "{page}"
    );

    // The employee sees it on the overview and the first step, escaped, the address a link.
    let employee = &mut world.staff[0];
    let (status, page, _) = employee.get(&format!("/filings/{year}")).await;
    assert_eq!(status, StatusCode::OK);
    let shown = section(&page);
    assert!(shown.contains("会社からのご案内"), "{shown}");
    assert!(!shown.contains("<b>"), "markup is text: {shown}");
    assert!(
        shown.contains(
            r#"<a href="https://intra.example/nencho?a=1&#38;b=2" rel="noopener noreferrer" target="_blank">https://intra.example/nencho?a=1&#38;b=2</a>。"#
        ),
        "{shown}"
    );
    assert!(shown.contains("&#60;b&#62;総務部"), "{shown}");
    let (_, page, _) = employee
        .get(&format!("/filings/{year}/step/questions"))
        .await;
    assert!(page.contains(r#"id="company-guidance""#));
    let (_, page, _) = employee.get(&format!("/filings/{year}/step/self")).await;
    assert!(
        !page.contains(r#"id="company-guidance""#),
        "only on the first step"
    );

    // The 依頼 mail carries it, as typed.
    let mut record = store
        .find_employee(tenant, world.employee.id)
        .await
        .unwrap()
        .unwrap();
    record.email = Some(nencho_kernel::EmailAddress::parse("taro@acme.example").unwrap());
    store.update_employee(tenant, &record).await.unwrap();
    let dashboard = format!("/admin/companies/{company}/filings/{year}");
    world.admin.get(&dashboard).await;
    let (status, _, _) = world.admin.post(&format!("{dashboard}/request"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mails = store.list_mail(tenant, 100).await.unwrap();
    let request = mails
        .iter()
        .find(|mail| mail.to.as_str() == "taro@acme.example")
        .expect("the request mail");
    assert!(
        request.body.contains(&format!(
            "■ 株式会社エーからのご案内\n{}\n",
            stored.as_str()
        )),
        "{}",
        request.body
    );

    // Last year's guidance is offered for a year without one, and shown to nobody.
    let last_year = year - 1;
    let last_settings = format!("/admin/companies/{company}/periods/{last_year}");
    world.admin.get(&last_settings).await;
    let (status, page, _) = world
        .admin
        .post(
            &last_settings,
            &[
                ("adjustment_start", &format!("{last_year}-11-01")),
                ("adjustment_end", &format!("{year}-01-31")),
                ("filing_start", &format!("{last_year}-11-01")),
                ("filing_end", &format!("{last_year}-11-30")),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    world.admin.get(&last_settings).await;
    let (status, _, _) = world
        .admin
        .post(
            &format!("/admin/companies/{company}/guidance/{last_year}"),
            &[("guidance", "昨年のご案内")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    world.admin.get(&settings).await;
    let (status, _, location) = world
        .admin
        .post(&guidance_path, &[("guidance", " \u{3000}\r\n")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = world.admin.get(&location.unwrap()).await;
    assert!(page.contains("会社からのご案内を削除しました。"), "{page}");
    let (_, page, _) = world.admin.get(&settings).await;
    assert!(page.contains(r#"id="guidance-earlier""#), "{page}");
    assert!(page.contains(&format!(
        "令和{}年分のご案内を表示しています",
        last_year - 2018
    )));
    assert!(page.contains(">昨年のご案内</textarea>"), "{page}");
    assert!(page.contains("会社からのご案内を削除"));
    let employee = &mut world.staff[0];
    let (_, page, _) = employee.get(&format!("/filings/{year}")).await;
    assert!(
        !page.contains(r#"id="company-guidance""#),
        "cleared, and last year's is not shown"
    );
}

/// The guidance's section of a page.
fn section(page: &str) -> &str {
    let start = page
        .find(r#"id="company-guidance""#)
        .unwrap_or_else(|| panic!("no guidance on {page}"));
    let end = page[start..].find("</section>").unwrap();
    &page[start..start + end]
}
