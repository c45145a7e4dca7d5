//! SVC-5 and SVC-6 on the web: every page of a tenant site (signed in or not) and the platform's
//! landing page show the maintenance notices not yet over, in Japanese or English, and the line
//! about the regular window; a cancelled notice goes within the 60-second cache, an ended
//! maintenance at once. On SQLite and on PostgreSQL, with a fixed clock.

use std::collections::BTreeMap;
use std::sync::Arc;

use nencho_app::AppContext;
use nencho_app::notices::{announce, cancel};
use nencho_http::{HttpServices, endpoint_with_clock};
use nencho_kernel::{Clock, FixedClock, OffsetDateTime};
use nencho_ports::{PlannedMaintenance, Store};
use poem::test::TestClient;
use time::Duration;
use time::macros::datetime;

use crate::sites::{Browser, log_in_as_admin, open_site};

on_both_stores!(maintenance_notices_show_on_every_page_until_cancelled_or_over);

const BANNER_JA: &str =
    "メンテナンスのお知らせ: 12月10日(木) 22:00〜12月11日(金) 01:00 データベース更新";
const BANNER_EN: &str = "Maintenance notice: Thu, December 10, 22:00 – Fri, December 11, \
                         01:00 (Japan time) データベース更新";
const REGULAR_JA: &str = "定期メンテナンス: 平日 (月〜金) 2:00〜2:30 (日本時間)";
const REGULAR_EN: &str = "Regular maintenance: on weekdays (Monday to Friday) from 2:00 to 2:30";

/// A browser on `host` over the services of `app` (whose clock is fixed).
fn browser(
    store: &Arc<dyn Store>,
    app: &Arc<AppContext>,
    host: &str,
) -> Browser<impl poem::Endpoint> {
    let services = HttpServices {
        app: app.clone(),
        // The board reads the test's clock, as the app does.
        notices: Arc::new(nencho_app::notices::NoticeBoard::new(
            app.store.clone(),
            app.clock.clone(),
        )),
        ..crate::services(store)
    };
    let clock: Arc<dyn Clock> = app.clock.clone();
    Browser {
        client: TestClient::new(endpoint_with_clock(services, clock)),
        host: host.into(),
        cookies: BTreeMap::new(),
        last_page: String::new(),
    }
}

fn maintenance(title: &str, start: OffsetDateTime, end: OffsetDateTime) -> PlannedMaintenance {
    PlannedMaintenance {
        start,
        end,
        title: title.into(),
        body: "この間、サービスをご利用いただけません。".into(),
        affects_users: true,
    }
}

async fn maintenance_notices_show_on_every_page_until_cancelled_or_over(store: Arc<dyn Store>) {
    let (_, notice) = open_site(&store).await;
    let clock = Arc::new(FixedClock::at(datetime!(2026-11-26 10:00 +09:00)));
    let Ok(fresh) = Arc::try_unwrap(crate::services(&store).app) else {
        panic!("a fresh context has one owner");
    };
    let app = Arc::new(AppContext {
        clock: clock.clone(),
        ..fresh
    });
    let mut admin = browser(&store, &app, "acme.localhost:8080");
    let mut visitor = browser(&store, &app, "acme.localhost:8080");
    let mut platform = browser(&store, &app, "localhost:8080");
    log_in_as_admin(&mut admin, &notice).await;
    let (_, home, _) = admin.get("/").await;
    assert!(
        !home.contains("maintenance-notices"),
        "no notice, no banner"
    );
    assert!(
        home.contains(REGULAR_JA),
        "the regular window in the footer"
    );

    let planned = announce(
        store.as_ref(),
        clock.as_ref(),
        maintenance(
            "データベース更新",
            datetime!(2026-12-10 22:00 +09:00),
            datetime!(2026-12-11 01:00 +09:00),
        ),
        false,
    )
    .await
    .unwrap();
    let withdrawn = announce(
        store.as_ref(),
        clock.as_ref(),
        maintenance(
            "取りやめた作業",
            datetime!(2026-12-20 22:00 +09:00),
            datetime!(2026-12-20 23:00 +09:00),
        ),
        false,
    )
    .await
    .unwrap();
    cancel(store.as_ref(), clock.as_ref(), withdrawn.id)
        .await
        .unwrap();

    // The sites ask the store at most once a minute.
    let (_, home, _) = admin.get("/").await;
    assert!(!home.contains(BANNER_JA), "still the cached (empty) list");
    clock.advance(Duration::seconds(60));

    for path in ["/", "/account/password", "/account/logins", "/admin/users"] {
        let (status, page, _) = admin.get(path).await;
        assert!(status.is_success(), "{path}: {status}");
        assert!(page.contains(BANNER_JA), "{path}:\n{page}");
        assert!(
            page.contains("この間、サービスをご利用いただけません。"),
            "{path}"
        );
        assert!(
            page.contains(r#"role="status" id="maintenance-notices""#),
            "{path}"
        );
        assert!(
            !page.contains("取りやめた作業"),
            "{path}: a cancelled notice"
        );
        assert!(page.contains(REGULAR_JA), "{path}");
    }
    for path in ["/login", "/password/forgot"] {
        let (status, page, _) = visitor.get(path).await;
        assert!(status.is_success(), "{path}: {status}");
        assert!(page.contains(BANNER_JA), "{path}:\n{page}");
    }
    let (_, landing, _) = platform.get("/").await;
    assert!(landing.contains(BANNER_JA), "{landing}");
    assert!(landing.contains(BANNER_EN), "{landing}");
    assert!(landing.contains(REGULAR_JA) && landing.contains(REGULAR_EN));
    assert!(!landing.contains("取りやめた作業"));

    admin.get("/lang/en?next=/").await;
    let (_, home, _) = admin.get("/").await;
    assert!(home.contains(BANNER_EN), "{home}");
    assert!(home.contains(REGULAR_EN), "{home}");

    // Cancelled: gone once the cache has expired.
    cancel(store.as_ref(), clock.as_ref(), planned.id)
        .await
        .unwrap();
    clock.advance(Duration::seconds(60));
    let (_, home, _) = admin.get("/").await;
    assert!(!home.contains("maintenance-notices"), "{home}");
    let (_, landing, _) = platform.get("/").await;
    assert!(!landing.contains("maintenance-notices"), "{landing}");

    // An emergency under way is shown as such, and disappears the moment it is over.
    announce(
        store.as_ref(),
        clock.as_ref(),
        maintenance(
            "緊急メンテナンス",
            clock.now() - Duration::minutes(10),
            clock.now() + Duration::minutes(50),
        ),
        true,
    )
    .await
    .unwrap();
    clock.advance(Duration::seconds(60));
    let (_, login, _) = visitor.get("/login").await;
    assert!(
        login.contains("メンテナンスのお知らせ (実施中): 11月26日(木) 09:52〜11月26日(木) 10:52 緊急メンテナンス"),
        "{login}"
    );
    clock.advance(Duration::minutes(49));
    let (_, login, _) = visitor.get("/login").await;
    assert!(
        !login.contains("maintenance-notices"),
        "a past notice: {login}"
    );
    let (_, landing, _) = platform.get("/").await;
    assert!(!landing.contains("maintenance-notices"), "{landing}");
}
