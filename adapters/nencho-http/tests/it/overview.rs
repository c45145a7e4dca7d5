//! 全社の進捗 (`/admin/filings`) through the HTTP surface, on SQLite and on PostgreSQL: one line
//! per company the user may watch with its counts, shares and deadline; the orders; the 合計;
//! the CSV; a role narrowed to departments sees only its departments' figures; bad parameters
//! are a 400 that says which.

use std::sync::Arc;

use nencho_identity::{CompanyRole, RoleAssignment};
use nencho_kernel::{Clock, JAPAN_STANDARD_TIME, SystemClock, japanese_weekday};
use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::{employee_of, world};
use crate::sites::{registered_company, session_user};

on_both_stores!(
    the_overview_lines_up_every_company_with_its_counts_and_deadline,
    one_form_sets_the_same_periods_for_the_companies_ticked,
    a_contract_without_companies_shows_where_to_register_one,
);

/// The `<tr class="company">` rows of the page, in order.
fn company_rows(page: &str) -> Vec<&str> {
    page.split(r#"<tr class="company">"#)
        .skip(1)
        .map(|row| row.split("</tr>").next().unwrap())
        .collect()
}

async fn the_overview_lines_up_every_company_with_its_counts_and_deadline(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year;
    world.open_periods().await;
    let tenant = world.company.tenant_id;
    // 株式会社エー: E0001 (総務部) approved, E0002 (経理部) nothing yet; periods to 12-31.
    let mut accounting = world.approved_and_accounting().await;
    let other = accounting.id;
    // 株式会社ビー: one employee, nothing requested, no periods.
    let second = registered_company(&world.services, tenant, "株式会社ビー").await;
    employee_of(&world.services, tenant, second.id).await;

    let y = year.year();
    let (status, page, _) = world.admin.get(&format!("/admin/filings?year={y}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let rows = company_rows(&page);
    assert_eq!(rows.len(), 2, "{page}");
    // By name: エー then ビー.
    let a = format!("/admin/companies/{}/filings/{y}", world.company.id);
    assert!(
        rows[0].contains(&format!(r#"<a href="{a}">株式会社エー</a>"#)),
        "{}",
        rows[0]
    );
    assert!(rows[0].contains(r#"<td class="total" data-label="人数">2</td>"#));
    assert!(rows[0].contains(r#"<td class="handed-in" data-label="提出率">50.0%</td>"#));
    assert!(rows[0].contains(r#"<td class="approved" data-label="承認率">50.0%</td>"#));
    // The filing period ends on 12-31 of the year: its weekday, and the days left from today.
    let today = SystemClock.now().to_offset(JAPAN_STANDARD_TIME).date();
    let end = time::Date::from_calendar_date(y, time::Month::December, 31).unwrap();
    let days_left = (end - today).whole_days();
    assert!(
        rows[0].contains(&format!("{y}年12月31日({})", japanese_weekday(end))),
        "{}",
        rows[0]
    );
    let window = if days_left == 0 {
        "本日締切".to_owned()
    } else {
        format!("あと{days_left}日")
    };
    assert!(rows[0].contains(&window), "{}", rows[0]);
    assert!(rows[1].contains("株式会社ビー") && rows[1].contains("期間未設定"));
    assert!(
        rows[1].contains(&format!(
            r#"<a class="periods-link" href="/admin/companies/{}/periods/{y}">期間を設定</a>"#,
            second.id
        )),
        "the ADMIN may set the missing periods: {}",
        rows[1]
    );
    assert!(
        page.contains(
            r#"<tr class="all"><th scope="row">合計</th><td class="total" data-label="人数">3</td>"#
        ),
        "{page}"
    );

    // The least handed in first: ビー (0.0%) before エー (50.0%); the nearest deadline first:
    // エー (set) before ビー (none).
    let (_, page, _) = world
        .admin
        .get(&format!("/admin/filings?year={y}&order=handed_in"))
        .await;
    let rows = company_rows(&page);
    assert!(rows[0].contains("株式会社ビー") && rows[1].contains("株式会社エー"));
    assert!(page.contains(r#"<strong aria-current="true">提出率の低い順</strong>"#));
    let (_, page, _) = world
        .admin
        .get(&format!("/admin/filings?year={y}&order=deadline"))
        .await;
    let rows = company_rows(&page);
    assert!(rows[0].contains("株式会社エー") && rows[1].contains("株式会社ビー"));

    // The same table as CSV, in the asked order, for Excel too.
    let (status, _, csv) = world
        .admin
        .get_file(&format!(
            "/admin/filings/progress.csv?year={y}&order=handed_in"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[..3],
        [
            "会社,範囲,人数,未依頼,依頼中,入力中,提出済,差戻し,承認済,対象外,提出率,承認率,原本未着,重複の疑い,提出期限,期限",
            "株式会社ビー,全社,1,1,0,0,0,0,0,0,0.0%,0.0%,0,0,,期間未設定",
            &format!(
                "株式会社エー,全社,2,1,0,0,0,0,1,0,50.0%,50.0%,0,0,{y}年12月31日({}),{window}",
                japanese_weekday(end)
            ),
        ]
    );
    assert_eq!(lines[3], "合計,,3,2,0,0,0,0,1,0,33.3%,33.3%,0,0,,");
    let (status, _, sjis) = world
        .admin
        .get_file(&format!(
            "/admin/filings/progress.csv?year={y}&encoding=sjis"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (decoded, _, bad) = encoding_rs::SHIFT_JIS.decode(&sjis);
    assert!(
        !bad && decoded
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("株式会社エー,全社,2,")
    );

    // 依頼 and 督促 from the overview: エー's E0002 is not requested yet, ビー has no periods.
    accounting.email = Some(nencho_kernel::EmailAddress::parse("keiri@acme.example").unwrap());
    store.update_employee(tenant, &accounting).await.unwrap();
    let (_, page, _) = world.admin.get(&format!("/admin/filings?year={y}")).await;
    let rows = company_rows(&page);
    assert!(
        rows[0].contains(&format!(
            r#"<input type="checkbox" form="remind-companies" name="company" value="{}""#,
            world.company.id
        )),
        "{}",
        rows[0]
    );
    assert!(
        !rows[1].contains("checkbox"),
        "no periods, nothing to send: {}",
        rows[1]
    );
    let mails_before = store.list_mail(tenant, 100).await.unwrap().len();
    let year_field = y.to_string();
    let (company_a, company_b) = (world.company.id.to_string(), second.id.to_string());
    let send = |action: &'static str, companies: Vec<&'static str>| {
        let mut fields = vec![("year", year_field.clone()), ("action", action.to_owned())];
        fields.extend(companies.into_iter().map(|which| {
            (
                "company",
                if which == "a" {
                    company_a.clone()
                } else {
                    company_b.clone()
                },
            )
        }));
        fields
    };
    let post = async |browser: &mut crate::sites::Browser<_>, fields: Vec<(&str, String)>| {
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        browser.post("/admin/filings/send", &borrowed).await
    };
    // One company without periods refuses the whole request: nothing is sent.
    let (status, page, _) = post(&mut world.admin, send("request", vec!["a", "b"])).await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("期間がまだ設定されていません") && page.contains("依頼は送っていません"));
    assert_eq!(
        store.list_mail(tenant, 100).await.unwrap().len(),
        mails_before
    );
    let (status, page, _) = post(&mut world.admin, send("remind", vec![])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("督促する会社を選択してください。"), "{page}");
    let (status, _, _) = post(&mut world.admin, send("shout", vec!["a"])).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an unknown action");
    world.admin.get(&format!("/admin/filings?year={y}")).await;
    // 依頼 in エー: E0002 is requested and told so.
    let (status, _, location) = post(&mut world.admin, send("request", vec!["a"])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert!(
        location.starts_with(&format!("/admin/filings?year={y}&notice=")),
        "{location}"
    );
    let (_, page, _) = world.admin.get(&location).await;
    assert!(page.contains("1社の1件を依頼しました。"), "{page}");
    let requested = store
        .find_filing_of(tenant, other, year)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(requested.status, nencho_filings::FilingStatus::Requested);
    // 督促 in エー: one reminder, to E0002.
    let (status, _, location) = post(&mut world.admin, send("remind", vec!["a"])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = world.admin.get(&location.unwrap()).await;
    assert!(page.contains("1社の1件を督促しました。"), "{page}");
    let mails = store.list_mail(tenant, 100).await.unwrap();
    assert_eq!(
        mails.len(),
        mails_before + 2,
        "the request and the reminder"
    );
    let to_accounting: Vec<&str> = mails
        .iter()
        .filter(|mail| mail.to.as_str() == "keiri@acme.example")
        .map(|mail| mail.subject.as_str())
        .collect();
    assert!(
        to_accounting
            .iter()
            .any(|subject| subject.starts_with("【再送】"))
            && to_accounting
                .iter()
                .any(|subject| !subject.starts_with("【再送】")),
        "{to_accounting:#?}"
    );

    // The 担当者 of エー sees エー alone, with no link to periods it may not set and no 合計.
    let (status, page, _) = world.staff[1].get("/admin/filings").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let rows = company_rows(&page);
    assert_eq!(rows.len(), 1, "{page}");
    assert!(rows[0].contains("株式会社エー") && !page.contains("株式会社ビー"));
    assert!(!page.contains(r#"<tr class="all">"#));

    // The 承認者, narrowed to 経理部, sees that department's figures only, and says so.
    let approver = session_user(&world.services.app, &world.notice.tenant, &world.staff[2]).await;
    store
        .assign_role(
            tenant,
            &RoleAssignment {
                user_id: approver.user.id,
                company_id: world.company.id,
                role: CompanyRole::Approver,
                departments: vec!["経理部".into()],
            },
        )
        .await
        .unwrap();
    let (status, page, _) = world.staff[2]
        .get(&format!("/admin/filings?year={y}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let rows = company_rows(&page);
    assert_eq!(rows.len(), 1, "{page}");
    assert!(rows[0].contains(r#"<span class="hint departments">部署: 経理部</span>"#));
    assert!(rows[0].contains(r#"<td class="total" data-label="人数">1</td>"#));
    assert!(rows[0].contains(r#"<td class="handed-in" data-label="提出率">0.0%</td>"#));

    // A general user watches no company; bad parameters say what is wrong.
    let (status, _, _) = world.staff[0].get("/admin/filings").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, page, _) = world.admin.get("/admin/filings?year=20x6").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("年分は2019以降の西暦4桁で指定してください。"),
        "{page}"
    );
    let (status, page, _) = world.admin.get("/admin/filings?order=size").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("並べ替えの指定を読めません。"), "{page}");
    let (status, _, _) = world
        .admin
        .get_file("/admin/filings/progress.csv?year=1999")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// The `name="company"` checkboxes of the bulk periods page that are ticked.
fn ticked(page: &str) -> Vec<String> {
    page.split(r#"<input type="checkbox" name="company" value=""#)
        .skip(1)
        .filter(|rest| {
            let tag = rest.split('>').next().unwrap();
            tag.contains("checked")
        })
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

async fn one_form_sets_the_same_periods_for_the_companies_ticked(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let tenant = world.company.tenant_id;
    let y = world.year.year();
    let a = world.company.id;
    let b = registered_company(&world.services, tenant, "株式会社ビー")
        .await
        .id;
    let c = registered_company(&world.services, tenant, "株式会社シー")
        .await
        .id;

    let (_, page, _) = world.admin.get(&format!("/admin/filings?year={y}")).await;
    assert!(
        page.contains(&format!(
            r#"<a id="bulk-periods-link" href="/admin/filings/periods?year={y}">"#
        )),
        "{page}"
    );
    let form_path = format!("/admin/filings/periods?year={y}");
    let (status, page, _) = world.admin.get(&form_path).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // Nobody has periods yet: all ticked, the usual dates offered.
    let mut all = vec![a.to_string(), b.to_string(), c.to_string()];
    all.sort();
    let mut shown = ticked(&page);
    shown.sort();
    assert_eq!(shown, all, "{page}");
    assert!(page.contains(&format!(r#"name="filing_end" value="{y}-11-30""#)));

    let fields = |filing_end: &str, companies: &[String]| {
        let mut fields = vec![
            ("year".to_owned(), y.to_string()),
            ("adjustment_start".to_owned(), format!("{y}-11-01")),
            ("adjustment_end".to_owned(), format!("{}-01-31", y + 1)),
            ("filing_start".to_owned(), format!("{y}-11-10")),
            ("filing_end".to_owned(), filing_end.to_owned()),
            ("refiling_start".to_owned(), String::new()),
            ("refiling_end".to_owned(), String::new()),
        ];
        fields.extend(
            companies
                .iter()
                .map(|id| ("company".to_owned(), id.clone())),
        );
        fields
    };
    let chosen = [a.to_string(), b.to_string()];
    let post = async |browser: &mut crate::sites::Browser<_>, fields: Vec<(String, String)>| {
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        browser.post("/admin/filings/periods", &borrowed).await
    };
    // Dates out of order: refused, shown again as sent (A and B ticked), nothing set.
    let (status, page, _) = post(&mut world.admin, fields(&format!("{y}-11-05"), &chosen)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("終了日が開始日より前です。"), "{page}");
    let mut shown = ticked(&page);
    shown.sort();
    let mut expected = chosen.to_vec();
    expected.sort();
    assert_eq!(shown, expected);
    assert!(page.contains(&format!(r#"name="filing_end" value="{y}-11-05""#)));
    // No company ticked: refused too.
    let (status, page, _) = post(&mut world.admin, fields(&format!("{y}-11-30"), &[])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("期間を設定する会社を選択してください。"),
        "{page}"
    );
    // The same guidance too, but too long: refused before anything is set, kept as typed.
    let too_long = "案".repeat(nencho_filings::MAX_GUIDANCE_CHARS + 1);
    let with_guidance = |text: &str| {
        let mut all = fields(&format!("{y}-11-30"), &chosen);
        all.push(("guidance".to_owned(), text.to_owned()));
        all.push(("set_guidance".to_owned(), "1".to_owned()));
        all
    };
    let (status, page, _) = post(&mut world.admin, with_guidance(&too_long)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("ご案内は2000文字以内にしてください"),
        "{page}"
    );
    assert!(page.contains(&format!(">{too_long}</textarea>")));
    assert!(page.contains(r#"id="set-guidance" checked"#));
    for company in [a, b, c] {
        assert_eq!(
            store
                .find_periods(tenant, company, world.year)
                .await
                .unwrap(),
            None
        );
    }

    // A and B get the periods and the guidance, each with its own change records; C keeps none.
    let (status, _, location) = post(&mut world.admin, with_guidance("原本は総務部へ")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert!(
        location.starts_with(&format!("/admin/filings?year={y}&notice=")),
        "{location}"
    );
    let (_, page, _) = world.admin.get(&location).await;
    assert!(page.contains("2社の期間とご案内を設定しました。"), "{page}");
    for company in [a, b] {
        let periods = store
            .find_periods(tenant, company, world.year)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(periods.filing.start.to_string(), format!("{y}-11-10"));
        assert_eq!(periods.filing.end.to_string(), format!("{y}-11-30"));
        let changes = store
            .period_changes(tenant, company, world.year)
            .await
            .unwrap();
        assert_eq!(
            changes.len(),
            2,
            "the periods and the guidance: {changes:?}"
        );
        assert_eq!(
            store
                .find_guidance(tenant, company, world.year)
                .await
                .unwrap()
                .unwrap()
                .as_str(),
            "原本は総務部へ"
        );
    }
    assert_eq!(
        store.find_periods(tenant, c, world.year).await.unwrap(),
        None
    );
    // The form now starts from those periods, with only C (still without) ticked.
    let (_, page, _) = world.admin.get(&form_path).await;
    assert_eq!(ticked(&page), [c.to_string()]);
    assert!(page.contains(&format!(r#"name="filing_start" value="{y}-11-10""#)));
    assert!(page.contains(&format!("提出期間 {y}-11-10〜{y}-11-30")));
    assert!(
        !page.contains(r#"id="set-guidance" checked"#),
        "the guidance is left alone unless asked"
    );

    // Without the tick the guidance stays as it is, whatever the box says.
    let mut unticked = fields(&format!("{y}-11-30"), &[b.to_string()]);
    unticked.push(("guidance".to_owned(), String::new()));
    let (status, _, location) = post(&mut world.admin, unticked).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = world.admin.get(&location.unwrap()).await;
    assert!(page.contains("1社の期間を設定しました。"), "{page}");
    assert!(
        store
            .find_guidance(tenant, b, world.year)
            .await
            .unwrap()
            .is_some()
    );

    // A 担当者 sets no periods: neither the page nor the form.
    let (status, _, _) = world.staff[1].get(&form_path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post(
        &mut world.staff[1],
        fields(&format!("{y}-11-30"), &[a.to_string()]),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        store
            .period_changes(tenant, a, world.year)
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn a_contract_without_companies_shows_where_to_register_one(store: Arc<dyn Store>) {
    let (_services, notice) = crate::sites::open_site(&store).await;
    let mut admin = crate::sites::browser(&store, "acme.localhost:8080");
    crate::sites::log_in_as_admin(&mut admin, &notice).await;
    let (status, page, _) = admin.get("/admin/filings").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains(
            r#"<p id="no-companies">会社がまだ登録されていません。<a href="/admin/companies/new">"#
        ) && !page.contains(r#"id="company-progress""#),
        "{page}"
    );
}
