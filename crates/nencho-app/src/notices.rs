//! Maintenance notices (SVC-5, SVC-6): the operator announces a maintenance (the notice rule of
//! [`nencho_operations::maintenance`] checked unless it is an emergency) or cancels one; every
//! site shows the notices not yet over.
//!
//! Notices are platform data: no tenant, no permission check beyond being an operator (the CLI).
//! The sites read them through a [`NoticeBoard`], a small cache (one store query per
//! [`NoticeBoard::TTL`] at most, not one per page).

use std::sync::{Arc, Mutex};

use nencho_kernel::{Clock, NoticeId, OffsetDateTime};
use nencho_operations::maintenance::{MaintenanceNotice, NoticeError, PlannedMaintenance};
use nencho_ports::{NoticeStore, StoreError};
use time::Duration;

use crate::AppError;

fn invalid(error: NoticeError) -> AppError {
    let field = match error {
        NoticeError::EndNotAfterStart | NoticeError::AlreadyOver => "end",
        NoticeError::BadTitle => "title",
        NoticeError::BodyTooLong => "body",
        NoticeError::TooSoon { .. } => "start",
    };
    AppError::Invalid {
        field,
        message: error.to_string(),
    }
}

/// Announces `maintenance` now. Unless `emergency`, maintenance that affects users must start
/// after five whole Japanese business days (SVC-6); otherwise [`AppError::Invalid`] names the
/// field (`start`, `end`, `title`, `body`) and the earliest allowed start.
pub async fn announce(
    store: &dyn NoticeStore,
    clock: &dyn Clock,
    maintenance: PlannedMaintenance,
    emergency: bool,
) -> Result<MaintenanceNotice, AppError> {
    let now = clock.now();
    let notice =
        MaintenanceNotice::announce(NoticeId::generate(clock), maintenance, now, emergency)
            .map_err(invalid)?;
    store.insert_notice(&notice).await?;
    Ok(notice)
}

/// Cancels a notice: it disappears from the sites (within [`NoticeBoard::TTL`]). An unknown id is
/// [`AppError::NotFound`]; cancelling twice keeps the first cancellation.
pub async fn cancel(
    store: &dyn NoticeStore,
    clock: &dyn Clock,
    id: NoticeId,
) -> Result<MaintenanceNotice, AppError> {
    store
        .cancel_notice(id, clock.now())
        .await?
        .ok_or(AppError::NotFound)
}

/// The notices to show now: not cancelled and not yet over (under way or upcoming), by start.
pub async fn shown_now(
    store: &dyn NoticeStore,
    clock: &dyn Clock,
) -> Result<Vec<MaintenanceNotice>, AppError> {
    Ok(store.list_notices_shown_at(clock.now()).await?)
}

/// What the sites show, cached: the store is asked at most once per [`NoticeBoard::TTL`]; in
/// between, the cached notices are filtered by the clock, so a maintenance that has ended
/// disappears at once, while a new or cancelled notice shows within the TTL.
pub struct NoticeBoard {
    store: Arc<dyn NoticeStore>,
    clock: Arc<dyn Clock>,
    cache: Mutex<Cached>,
}

#[derive(Default)]
struct Cached {
    /// When the store was last asked (or a refresh claimed); `None` before the first.
    fetched_at: Option<OffsetDateTime>,
    notices: Vec<MaintenanceNotice>,
}

impl NoticeBoard {
    /// How long the cached notices are used before the store is asked again.
    pub const TTL: Duration = Duration::seconds(60);

    pub fn new(store: Arc<dyn NoticeStore>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            cache: Mutex::new(Cached::default()),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cached> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether the cached notices are older than the TTL (or were never fetched).
    pub fn is_stale(&self) -> bool {
        let now = self.clock.now();
        match self.cache().fetched_at {
            Some(at) => now - at >= Self::TTL || now < at,
            None => true,
        }
    }

    /// Asks the store again when the cache is stale. Concurrent callers do not pile up: the first
    /// one claims the refresh and the others keep the cached notices meanwhile. On a store error
    /// the cached notices stay (and the error is returned, for the log); the next try comes
    /// after the TTL.
    pub async fn refresh_if_stale(&self) -> Result<(), StoreError> {
        let now = self.clock.now();
        {
            let mut cache = self.cache();
            let fresh = cache
                .fetched_at
                .is_some_and(|at| now - at < Self::TTL && now >= at);
            if fresh {
                return Ok(());
            }
            cache.fetched_at = Some(now);
        }
        let notices = self.store.list_notices_shown_at(now).await?;
        self.cache().notices = notices;
        Ok(())
    }

    /// The cached notices still shown now (no store access).
    pub fn shown_now(&self) -> Vec<MaintenanceNotice> {
        let now = self.clock.now();
        self.cache()
            .notices
            .iter()
            .filter(|notice| notice.is_shown_at(now))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::FixedClock;
    use nencho_ports::MockNoticeStore;
    use time::macros::datetime;

    fn planned(start: OffsetDateTime) -> PlannedMaintenance {
        PlannedMaintenance {
            start,
            end: start + Duration::hours(3),
            title: "サーバー更新".into(),
            body: String::new(),
            affects_users: true,
        }
    }

    #[tokio::test]
    async fn announcing_too_soon_is_refused_before_the_store_is_touched() {
        let clock = FixedClock::at(datetime!(2026-11-30 10:00 +09:00));
        let store = MockNoticeStore::new(); // any call would panic
        let error = announce(
            &store,
            &clock,
            planned(datetime!(2026-12-07 22:00 +09:00)),
            false,
        )
        .await
        .unwrap_err();
        match error {
            AppError::Invalid { field, message } => {
                assert_eq!(field, "start");
                assert!(message.contains("2026-12-08"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_emergency_is_stored_at_once() {
        let clock = FixedClock::at(datetime!(2026-11-30 10:00 +09:00));
        let mut store = MockNoticeStore::new();
        store
            .expect_insert_notice()
            .withf(|notice| notice.emergency && notice.cancelled_at.is_none())
            .times(1)
            .returning(|_| Ok(()));
        let notice = announce(
            &store,
            &clock,
            planned(datetime!(2026-11-30 22:00 +09:00)),
            true,
        )
        .await
        .unwrap();
        assert_eq!(notice.announced_at, clock.now());
    }

    #[tokio::test]
    async fn cancelling_an_unknown_notice_is_not_found() {
        let clock = FixedClock::at(datetime!(2026-11-30 10:00 +09:00));
        let mut store = MockNoticeStore::new();
        store.expect_cancel_notice().returning(|_, _| Ok(None));
        let id = NoticeId::generate(&clock);
        assert!(matches!(
            cancel(&store, &clock, id).await,
            Err(AppError::NotFound)
        ));
    }

    #[tokio::test]
    async fn the_board_asks_the_store_once_per_ttl_and_drops_ended_maintenance_at_once() {
        let clock = Arc::new(FixedClock::at(datetime!(2026-12-10 21:00 +09:00)));
        let notice = MaintenanceNotice::announce(
            NoticeId::generate(clock.as_ref()),
            planned(datetime!(2026-12-10 22:00 +09:00)),
            clock.now(),
            true,
        )
        .unwrap();
        let mut store = MockNoticeStore::new();
        let listed = vec![notice.clone()];
        store
            .expect_list_notices_shown_at()
            .times(2)
            .returning(move |_| Ok(listed.clone()));
        let board = NoticeBoard::new(Arc::new(store), clock.clone());
        assert!(board.is_stale());
        assert!(
            board.shown_now().is_empty(),
            "nothing before the first fetch"
        );

        board.refresh_if_stale().await.unwrap();
        assert_eq!(board.shown_now(), vec![notice.clone()]);
        clock.advance(Duration::seconds(59));
        board.refresh_if_stale().await.unwrap(); // fresh: no store call
        assert!(!board.is_stale());
        clock.advance(Duration::seconds(1));
        assert!(board.is_stale());
        board.refresh_if_stale().await.unwrap(); // the second store call

        // 01:00 the next day the maintenance is over: gone without asking the store.
        clock.advance(Duration::hours(4));
        assert!(board.shown_now().is_empty());
    }
}

/// Which mail a notice sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeMail {
    Announced,
    Cancelled,
}

/// What mailing a notice did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeMailing {
    /// Contracts with at least one recipient.
    pub contracts: usize,
    pub mails: usize,
}

/// Mails `notice` (its announcement or its cancellation) to every contract that is not over:
/// its contact address and its ADMIN and administrators with an e-mail address, each address
/// once — the people who tell their employees. Maintenance without user impact mails nobody.
/// The operator learns the counts only, never an address (SEC-8).
pub async fn mail_notice(
    context: &crate::AppContext,
    notice: &MaintenanceNotice,
    kind: NoticeMail,
) -> Result<NoticeMailing, AppError> {
    let mut mailing = NoticeMailing::default();
    if !notice.maintenance.affects_users {
        return Ok(mailing);
    }
    for tenant in context.store.list_tenants().await? {
        if tenant.status == nencho_tenancy::ContractStatus::Ended {
            continue;
        }
        let administrators = context
            .store
            .list_administrators(tenant.id)
            .await?
            .into_iter()
            .filter(|user| user.status == nencho_identity::UserStatus::Active)
            .filter_map(|user| user.email);
        let (subject, body) = notice_text(context, &tenant, notice, kind);
        let mut seen = std::collections::BTreeSet::new();
        let mut sent = 0;
        for to in std::iter::once(tenant.contact_email.clone()).chain(administrators) {
            if !seen.insert(to.as_str().to_lowercase()) {
                continue;
            }
            let mail = nencho_ports::OutboxMessage::new(
                tenant.id,
                to,
                subject.clone(),
                body.clone(),
                context.clock.as_ref(),
            );
            context.store.enqueue_mail(&mail).await?;
            sent += 1;
        }
        if sent > 0 {
            mailing.contracts += 1;
            mailing.mails += sent;
        }
    }
    Ok(mailing)
}

/// The subject and the body (Japanese first, English below) of a notice's mail.
fn notice_text(
    context: &crate::AppContext,
    tenant: &nencho_tenancy::Tenant,
    notice: &MaintenanceNotice,
    kind: NoticeMail,
) -> (String, String) {
    use nencho_operations::{japan_time_en, japan_time_ja};
    let maintenance = &notice.maintenance;
    let (start, end) = (maintenance.start, maintenance.end);
    let site = context.site.site_url(&tenant.slug);
    let title = &maintenance.title;
    match kind {
        NoticeMail::Announced => (
            format!("【メンテナンスのお知らせ】{} {title}", japan_time_ja(start)),
            format!(
                "{tenant} 年末調整電子申請サイトの管理者の皆様\n\n\
                 次の日時にメンテナンスを行います。この間、サービスをご利用いただけません。\n\
                 従業員の皆様への周知をお願いいたします。\n\n\
                 日時: {from_ja}〜{to_ja}(日本時間)\n\
                 内容: {title}\n{body}\n\
                 サイト: {site}\n\n\
                 ----\n\
                 Maintenance: {from_en} – {to_en} (Japan time): {title}. The service is \
                 unavailable meanwhile; please let your employees know.\n",
                tenant = tenant.name.as_str(),
                from_ja = japan_time_ja(start),
                to_ja = japan_time_ja(end),
                from_en = japan_time_en(start),
                to_en = japan_time_en(end),
                body = if maintenance.body.is_empty() {
                    String::new()
                } else {
                    format!("\n{}\n", maintenance.body)
                },
            ),
        ),
        NoticeMail::Cancelled => (
            format!(
                "【メンテナンス中止のお知らせ】{} {title}",
                japan_time_ja(start)
            ),
            format!(
                "{tenant} 年末調整電子申請サイトの管理者の皆様\n\n\
                 先にお知らせした次のメンテナンスは中止しました。サービスは通常どおりご利用いただけます。\n\n\
                 日時: {from_ja}〜{to_ja}(日本時間)\n\
                 内容: {title}\n\n\
                 サイト: {site}\n\n\
                 ----\n\
                 The maintenance announced for {from_en} – {to_en} (Japan time), {title}, is \
                 cancelled: the service stays available.\n",
                tenant = tenant.name.as_str(),
                from_ja = japan_time_ja(start),
                to_ja = japan_time_ja(end),
                from_en = japan_time_en(start),
                to_en = japan_time_en(end),
            ),
        ),
    }
}
