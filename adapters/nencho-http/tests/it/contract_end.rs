//! SVC-2 on the web: while notice of the contract's end is given, every page of its site shows
//! the banner with the last day, in Japanese or English; a withdrawn notice removes it. On
//! SQLite and on PostgreSQL.

use std::sync::Arc;

use nencho_app::contract_end::{cancel_notice, give_notice};
use nencho_ports::Store;
use time::macros::date;

use crate::import::{NEW_PASSWORD, browser, site};

on_both_stores!(every_page_of_an_ending_contract_shows_the_banner_until_notice_is_withdrawn);

const BANNER_JA: &str = "本サービスのご契約は 2099年12月31日(令和81年12月31日) に終了します。\
                         終了後はログイン・データのエクスポートができません。\
                         必要なデータは終了日までにエクスポートしてください。";

async fn every_page_of_an_ending_contract_shows_the_banner_until_notice_is_withdrawn(
    store: Arc<dyn Store>,
) {
    let (services, notice, _company) = site(&store).await;
    let mut admin = browser(&store);
    admin
        .log_in("admin", notice.initial_password.expose(), NEW_PASSWORD)
        .await;
    let (_, home) = admin.get("/").await;
    assert!(!home.contains("contract-end"), "no notice, no banner");

    give_notice(&services.app, "acme", date!(2099 - 12 - 31))
        .await
        .unwrap();
    for path in [
        "/",
        "/account/password",
        "/account/logins",
        "/admin/users",
        "/admin/export",
    ] {
        let (status, page) = admin.get(path).await;
        assert!(status.is_success(), "{path}: {status}");
        assert!(page.contains(BANNER_JA), "{path}:\n{page}");
        assert!(page.contains(r#"role="alert" id="contract-end""#), "{path}");
    }

    admin.get("/lang/en?next=/").await;
    let (_, home) = admin.get("/").await;
    assert!(
        home.contains(
            "The service contract ends on December 31, 2099 (the last day of use). After that, \
             signing in and exporting data are no longer possible. Please export the data you \
             need by then."
        ),
        "{home}"
    );

    cancel_notice(&services.app, "acme").await.unwrap();
    let (_, home) = admin.get("/").await;
    assert!(
        !home.contains("contract-end"),
        "a withdrawn notice, no banner"
    );
}
