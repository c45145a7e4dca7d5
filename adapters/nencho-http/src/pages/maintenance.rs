//! Maintenance notices on the web (SVC-5, SVC-6): the banner on every tenant site page and on the
//! landing page, and the line about the regular window.
//!
//! The notices come from the process's `NoticeBoard` in [`HttpServices`] (a 60-second cache): at
//! most one store query a minute per process instead of one per page. A page's layout is built
//! synchronously from the cache; the asynchronous refresh happens in [`refresh`], awaited where a
//! page is already awaiting something (the session lookup of every site page, the landing page
//! handler).

use crate::HttpServices;
use nencho_kernel::OffsetDateTime;
use nencho_operations::{japan_time_en, japan_time_ja};
use nencho_ports::MaintenanceNotice;

/// SVC-5, for the site footer and the landing page.
pub(crate) const REGULAR_WINDOW_JA: &str = "定期メンテナンス: 平日 (月〜金) 2:00〜2:30 (日本時間) は、予告なくサービスを停止することがあります。";
pub(crate) const REGULAR_WINDOW_EN: &str = "Regular maintenance: on weekdays (Monday to Friday) \
     from 2:00 to 2:30 (Japan time) the service may be unavailable without notice.";

/// One maintenance notice as a page shows it.
pub(crate) struct MaintenanceBanner {
    /// `メンテナンスのお知らせ: 12月10日(木) 22:00〜12月11日(金) 01:00 データベース更新`.
    pub text: String,
    /// The operator's explanation, possibly empty.
    pub body: String,
}

/// Asks the store for the notices when the board's cache is stale. A failure is logged and the
/// page is served without a fresh list: a notice is never worth an error page.
pub(crate) async fn refresh(services: &HttpServices) {
    if let Err(error) = services.notices.refresh_if_stale().await {
        tracing::error!(%error, "maintenance notice lookup failed");
    }
}

/// The banners to show now, from the cache (no store access), in Japanese or English.
pub(crate) fn banners(services: &HttpServices, japanese: bool) -> Vec<MaintenanceBanner> {
    let now = services.app.clock.now();
    services
        .notices
        .shown_now()
        .iter()
        .map(|notice| banner(notice, now, japanese))
        .collect()
}

/// One notice's banner.
pub(crate) fn banner(
    notice: &MaintenanceNotice,
    now: OffsetDateTime,
    japanese: bool,
) -> MaintenanceBanner {
    let maintenance = &notice.maintenance;
    let current = notice.is_current_at(now);
    let text = if japanese {
        format!(
            "メンテナンスのお知らせ{}: {}〜{} {}",
            if current { " (実施中)" } else { "" },
            japan_time_ja(maintenance.start),
            japan_time_ja(maintenance.end),
            maintenance.title
        )
    } else {
        format!(
            "Maintenance notice{}: {} – {} (Japan time) {}",
            if current { " (in progress)" } else { "" },
            japan_time_en(maintenance.start),
            japan_time_en(maintenance.end),
            maintenance.title
        )
    };
    MaintenanceBanner {
        text,
        body: maintenance.body.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_ports::PlannedMaintenance;
    use time::macros::datetime;

    fn notice() -> MaintenanceNotice {
        MaintenanceNotice {
            id: "00000000-0000-7000-8000-000000000000".parse().unwrap(),
            maintenance: PlannedMaintenance {
                start: datetime!(2026-12-10 13:00 UTC),
                end: datetime!(2026-12-10 16:00 UTC),
                title: "データベース更新".into(),
                body: String::new(),
                affects_users: true,
            },
            emergency: false,
            announced_at: datetime!(2026-11-26 01:00 UTC),
            cancelled_at: None,
        }
    }

    #[test]
    fn banners_read_in_japan_time() {
        let now = datetime!(2026-11-26 10:00 +09:00);
        assert_eq!(
            banner(&notice(), now, true).text,
            "メンテナンスのお知らせ: 12月10日(木) 22:00〜12月11日(金) 01:00 データベース更新"
        );
        assert_eq!(
            banner(&notice(), now, false).text,
            "Maintenance notice: Thu, December 10, 22:00 – Fri, December 11, 01:00 (Japan time) \
             データベース更新"
        );
        let during = datetime!(2026-12-10 23:00 +09:00);
        assert!(banner(&notice(), during, true).text.contains("(実施中)"));
    }
}
