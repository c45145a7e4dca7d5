//! 部署別の進捗 through the HTTP surface, on SQLite and on PostgreSQL: the page counts each
//! department by status with its shares, links each to the dashboard filtered to it, and the
//! filtered dashboard keeps the department in its counts, list and links.

use std::sync::Arc;

use nencho_ports::Store;
use poem::http::StatusCode;

use crate::filings::world;

on_both_stores!(the_progress_by_department_links_each_department_to_its_own_list);

async fn the_progress_by_department_links_each_department_to_its_own_list(store: Arc<dyn Store>) {
    let mut world = world(&store).await;
    let year = world.year;
    world.open_periods().await;
    // E0001 (総務部) is approved; E0002 moves to 経理部 and has nothing yet.
    world.approved_and_accounting().await;

    let dashboard = format!(
        "/admin/companies/{}/filings/{}",
        world.company.id,
        year.year()
    );
    let (_, page, _) = world.admin.get(&dashboard).await;
    assert!(
        page.contains(&format!(
            r#"id="departments-link" href="{dashboard}/departments""#
        )),
        "{page}"
    );
    let (status, page, _) = world.staff[2]
        .get(&format!("{dashboard}/departments"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let general_affairs = "%E7%B7%8F%E5%8B%99%E9%83%A8";
    assert!(
        page.contains(&format!(
            r#"<a href="{dashboard}?department={general_affairs}">総務部</a>"#
        )),
        "{page}"
    );
    // 経理部 first (by name), one 未依頼; 総務部 one 承認済: 100.0% handed in and approved.
    let rows: Vec<&str> = page.split(r#"<tr class="department">"#).skip(1).collect();
    assert_eq!(rows.len(), 2, "{page}");
    assert!(rows[0].contains("経理部") && rows[0].contains(r#"<td class="handed-in">0.0%</td>"#));
    assert!(
        rows[1].contains("総務部") && rows[1].contains(r#"<td class="approved">100.0%</td>"#),
        "{}",
        rows[1]
    );
    assert!(page.contains(r#"<tr class="all"><th scope="row">合計</th><td class="total">2</td>"#));

    // The same table as CSV, for Excel too.
    let (status, _, csv) = world
        .admin
        .get_file(&format!("{dashboard}/departments.csv"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "部署,人数,未依頼,依頼中,入力中,提出済,差戻し,承認済,対象外,提出率,承認率",
            "経理部,1,1,0,0,0,0,0,0,0.0%,0.0%",
            "総務部,1,0,0,0,0,0,1,0,100.0%,100.0%",
            "合計,2,1,0,0,0,0,1,0,50.0%,50.0%",
        ]
    );
    let (status, _, sjis) = world
        .admin
        .get_file(&format!("{dashboard}/departments.csv?encoding=sjis"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (decoded, _, bad) = encoding_rs::SHIFT_JIS.decode(&sjis);
    assert!(!bad && decoded.lines().nth(2) == Some("総務部,1,0,0,0,0,0,1,0,100.0%,100.0%"));

    let (status, page, _) = world
        .admin
        .get(&format!("{dashboard}?department={general_affairs}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains(r#"<span id="department-filter">部署: 総務部</span>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<span data-status="all">1</span>"#),
        "{page}"
    );
    assert!(page.contains(r#"<td class="number">E0001</td>"#), "{page}");
    assert!(!page.contains(r#"<td class="number">E0002</td>"#), "{page}");
    assert!(
        page.contains(&format!(
            "?status=approved&amp;department={general_affairs}"
        )),
        "the status links keep the department: {page}"
    );
    assert!(page.contains(r#"<input type="hidden" name="department" value="総務部">"#));
}
