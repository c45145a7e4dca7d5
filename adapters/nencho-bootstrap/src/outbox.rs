//! The outbox delivery loop that the web server and the worker both run. Several may run at
//! once: the store hands each due mail to one of them only (`claim_due_mail`).

use std::time::Duration;

use nencho_app::outbox::OutboxDelivery;
use tokio::sync::watch;

/// How often the outbox is looked at.
pub const DELIVERY_INTERVAL: Duration = Duration::from_secs(2);

/// Mails handed out per tenant and pass.
const BATCH: u32 = 50;

/// Delivers due mail every [`DELIVERY_INTERVAL`] until `stopped` changes.
pub async fn deliver_until_stopped(delivery: OutboxDelivery, mut stopped: watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(DELIVERY_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            _ = ticks.tick() => match delivery.deliver_due(BATCH).await {
                Ok(report) if report.sent + report.deferred + report.failed > 0 => {
                    tracing::info!(
                        sent = report.sent,
                        deferred = report.deferred,
                        failed = report.failed,
                        "outbox delivered"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "outbox delivery failed; will retry"),
            },
        }
    }
}
