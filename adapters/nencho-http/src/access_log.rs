//! The access log of tenant sites (LOG-1): one [`AccessRecord`] per request, written without
//! slowing the request down.
//!
//! [`AccessLogging`] wraps the tenant site inside [`crate::sites::HostDispatch`], so it sees only
//! requests to an open contract's site that passed its IP allow-list, with the tenant already
//! attached; platform hosts and refused clients are not tenant access (they are in the
//! application logs). Health probes (`/healthz`, `/readyz`) and static assets are skipped.
//!
//! A record goes onto a bounded channel ([`CHANNEL_CAPACITY`]) with `try_send`: when the channel
//! is full the record is dropped and counted, never waited for; the writer logs a warning with
//! the count. A background writer ([`AccessLogWriter::run`]) stores what arrives in batches of up
//! to [`BATCH_ROWS`] rows, or whatever arrived within [`FLUSH_INTERVAL`]. [`AccessLog::flush`]
//! writes everything sent before it (tests, and the app before it stops); [`AccessLog::stop`]
//! flushes and ends the writer (graceful shutdown).
//!
//! The counts since the start — records written, records dropped, batches the store refused —
//! are [`AccessLog::written`], [`AccessLog::dropped`] and [`AccessLog::batches_failed`];
//! [`crate::Metrics::observe_access_log`] exposes them to Prometheus.
//!
//! What is recorded: see [`AccessRecord`]. Never the query string (search terms and names travel
//! there), never the session token: the session is the signed-in user's id, which the site's
//! session lookup notes on the request ([`note_user`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use nencho_kernel::{Clock, UserId};
use nencho_ports::{AccessLogStore, AccessRecord, path_without_query, user_agent_of};
use nencho_tenancy::Tenant;
use poem::middleware::ReqId;
use poem::{Endpoint, IntoResponse, PathPattern, Request, Response};
use tokio::sync::{mpsc, oneshot};

/// Records waiting for the writer at most; beyond that they are dropped.
pub const CHANNEL_CAPACITY: usize = 10_000;
/// The most rows the writer stores in one batch.
pub const BATCH_ROWS: usize = 500;
/// The longest a record waits for its batch.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

enum Message {
    Record(AccessRecord),
    Flush(oneshot::Sender<()>),
    Stop(oneshot::Sender<()>),
}

/// The sending side, cheap to clone: the middleware records through it, the app flushes and
/// stops it.
#[derive(Clone)]
pub struct AccessLog {
    sender: mpsc::Sender<Message>,
    clock: Arc<dyn Clock>,
    counters: Arc<Counters>,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Dropped since the writer last reported.
    dropped_unreported: AtomicU64,
    /// Dropped since the start.
    dropped: AtomicU64,
    /// Stored since the start.
    written: AtomicU64,
    /// Batches the store refused since the start (their records are not stored).
    batches_failed: AtomicU64,
}

impl Counters {
    pub(crate) fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    pub(crate) fn batches_failed(&self) -> u64 {
        self.batches_failed.load(Ordering::Relaxed)
    }
}

/// The background writer: run [`AccessLogWriter::run`] on a task of its own.
pub struct AccessLogWriter {
    receiver: mpsc::Receiver<Message>,
    store: Arc<dyn AccessLogStore>,
    counters: Arc<Counters>,
    batch_rows: usize,
    interval: Duration,
}

impl AccessLog {
    /// A log writing to `store` with the standard capacity, batch size and interval; records are
    /// timed by `clock`.
    pub fn new(
        store: Arc<dyn AccessLogStore>,
        clock: Arc<dyn Clock>,
    ) -> (AccessLog, AccessLogWriter) {
        Self::with_limits(store, clock, CHANNEL_CAPACITY, BATCH_ROWS, FLUSH_INTERVAL)
    }

    /// [`AccessLog::new`] with other limits (tests of the overload rule).
    pub fn with_limits(
        store: Arc<dyn AccessLogStore>,
        clock: Arc<dyn Clock>,
        capacity: usize,
        batch_rows: usize,
        interval: Duration,
    ) -> (AccessLog, AccessLogWriter) {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        let counters = Arc::new(Counters::default());
        (
            AccessLog {
                sender,
                clock,
                counters: counters.clone(),
            },
            AccessLogWriter {
                receiver,
                store,
                counters,
                batch_rows: batch_rows.max(1),
                interval,
            },
        )
    }

    /// Queues `record` for the writer; never waits. A full channel (or a stopped writer) drops
    /// it and counts it.
    pub fn record(&self, record: AccessRecord) {
        if self.sender.try_send(Message::Record(record)).is_err() {
            self.counters
                .dropped_unreported
                .fetch_add(1, Ordering::Relaxed);
            self.counters.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Returns once everything recorded before the call has been handed to the store (or the
    /// writer has stopped).
    pub async fn flush(&self) {
        let (reply, done) = oneshot::channel();
        if self.sender.send(Message::Flush(reply)).await.is_ok() {
            let _ = done.await;
        }
    }

    /// Flushes and ends the writer; what is recorded afterwards is dropped.
    pub async fn stop(&self) {
        let (reply, done) = oneshot::channel();
        if self.sender.send(Message::Stop(reply)).await.is_ok() {
            let _ = done.await;
        }
    }

    /// Records dropped since the start (the channel was full, or the writer had stopped).
    pub fn dropped(&self) -> u64 {
        self.counters.dropped()
    }

    /// Records the writer stored since the start.
    pub fn written(&self) -> u64 {
        self.counters.written()
    }

    /// Batches the store refused since the start (logged, not retried).
    pub fn batches_failed(&self) -> u64 {
        self.counters.batches_failed()
    }

    /// The counters alone, for the metrics (holding them does not keep the writer running).
    pub(crate) fn counters(&self) -> Arc<Counters> {
        self.counters.clone()
    }
}

impl AccessLogWriter {
    /// Stores batches until [`AccessLog::stop`] or until every [`AccessLog`] is dropped, writing
    /// what is pending first.
    pub async fn run(mut self) {
        let mut batch: Vec<AccessRecord> = Vec::with_capacity(self.batch_rows);
        let mut tick = tokio::time::interval(self.interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                message = self.receiver.recv() => match message {
                    Some(Message::Record(record)) => {
                        batch.push(record);
                        if batch.len() >= self.batch_rows {
                            self.write(&mut batch).await;
                        }
                    }
                    Some(Message::Flush(reply)) => {
                        self.write(&mut batch).await;
                        let _ = reply.send(());
                    }
                    Some(Message::Stop(reply)) => {
                        self.write(&mut batch).await;
                        let _ = reply.send(());
                        return;
                    }
                    None => {
                        self.write(&mut batch).await;
                        return;
                    }
                },
                _ = tick.tick() => self.write(&mut batch).await,
            }
        }
    }

    async fn write(&self, batch: &mut Vec<AccessRecord>) {
        let dropped = self.counters.dropped_unreported.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            tracing::warn!(
                dropped,
                "access log overloaded: records dropped (LOG-1 drop-on-overload rule)"
            );
        }
        if batch.is_empty() {
            return;
        }
        match self.store.record_access(batch).await {
            Ok(()) => {
                let rows = u64::try_from(batch.len()).unwrap_or(u64::MAX);
                self.counters.written.fetch_add(rows, Ordering::Relaxed);
            }
            Err(error) => {
                self.counters.batches_failed.fetch_add(1, Ordering::Relaxed);
                tracing::error!(%error, rows = batch.len(), "access log batch not stored");
            }
        }
        batch.clear();
    }
}

/// Where the site's session lookup notes the signed-in user for the access log.
#[derive(Clone, Default)]
struct UserSlot(Arc<OnceLock<UserId>>);

/// Notes the signed-in user of `request` for its access record (called where the session
/// cookie is resolved; nothing happens outside [`AccessLogging`]).
pub(crate) fn note_user(request: &Request, user_id: UserId) {
    if let Some(slot) = request.extensions().get::<UserSlot>() {
        let _ = slot.0.set(user_id);
    }
}

/// Whether a request to `path` is left out of the log: health probes and static assets.
fn skipped(path: &str) -> bool {
    const ASSETS: &[&str] = &[
        ".js", ".css", ".png", ".svg", ".ico", ".woff", ".woff2", ".map",
    ];
    path == "/healthz"
        || path == "/readyz"
        || path.starts_with("/static/")
        || ASSETS.iter().any(|suffix| path.ends_with(suffix))
}

/// The tenant site with its requests recorded; `log: None` records nothing.
pub(crate) struct AccessLogging<E> {
    pub inner: E,
    pub log: Option<AccessLog>,
}

impl<E: Endpoint> Endpoint for AccessLogging<E> {
    type Output = Response;

    async fn call(&self, mut request: Request) -> poem::Result<Response> {
        let Some(log) = &self.log else {
            return self
                .inner
                .call(request)
                .await
                .map(IntoResponse::into_response);
        };
        let Some(tenant_id) = request.extensions().get::<Tenant>().map(|tenant| tenant.id) else {
            return self
                .inner
                .call(request)
                .await
                .map(IntoResponse::into_response);
        };
        if skipped(request.uri().path()) {
            return self
                .inner
                .call(request)
                .await
                .map(IntoResponse::into_response);
        }
        let slot = UserSlot::default();
        request.extensions_mut().insert(slot.clone());
        let at = log.clock.now();
        let started = stopwatch();
        let mut record = AccessRecord {
            tenant_id,
            at,
            client_ip: crate::client_ip::ClientAddress::of(&request).0,
            user_agent: user_agent_of(request.header("user-agent").unwrap_or_default()),
            method: request.method().as_str().to_owned(),
            path: path_without_query(request.uri().path()),
            route: None,
            status: 0,
            duration_ms: 0,
            request_id: request.data::<ReqId>().map(ToString::to_string),
            user_id: None,
        };
        let result = self
            .inner
            .call(request)
            .await
            .map(IntoResponse::into_response);
        let (pattern, status) = match &result {
            Ok(response) => (response.data::<PathPattern>(), response.status()),
            Err(error) => (error.data::<PathPattern>(), error.status()),
        };
        record.route = pattern.map(|pattern| pattern.0.to_string());
        record.status = status.as_u16();
        record.duration_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        record.user_id = slot.0.get().copied();
        log.record(record);
        result
    }
}

/// Durations only (the record's time comes from the clock).
#[allow(clippy::disallowed_methods)]
fn stopwatch() -> Instant {
    Instant::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_and_assets_are_not_access() {
        assert!(skipped("/healthz"));
        assert!(skipped("/readyz"));
        assert!(skipped("/static/filing.js"));
        assert!(skipped("/favicon.ico"));
        assert!(!skipped("/"));
        assert!(!skipped("/admin/users"));
        assert!(!skipped("/api/v1/tax/2026/year-end-adjustment"));
    }
}
