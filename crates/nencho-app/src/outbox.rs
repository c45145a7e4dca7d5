//! Delivering the outbox: every due mail of every tenant, with retries and backoff, so an SMTP
//! outage delays mail and loses none.

use std::sync::Arc;

use nencho_kernel::Clock;
use nencho_ports::{DeliveryResult, MailError, Mailer, OutboxMessage, OutgoingMail, Store};
use time::Duration;

/// How long claimed mail is held for its sender: ample for one pass of a batch over SMTP
/// timeouts; a sender that dies gives its mail back after this.
pub const CLAIM_HOLD: Duration = Duration::minutes(10);

/// After this many failed attempts (about two days with the backoff below) a mail is given up.
pub const MAX_ATTEMPTS: u32 = 16;

/// Wait before attempt `n + 1` after `n` failures: 1, 2, 4 … minutes, at most 6 hours.
pub fn retry_delay(failed_attempts: u32) -> Duration {
    let minutes = 1i64 << failed_attempts.saturating_sub(1).min(9);
    Duration::minutes(minutes).min(Duration::hours(6))
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub deferred: usize,
    pub failed: usize,
}

pub struct OutboxDelivery {
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Arc<dyn Clock>,
}

impl OutboxDelivery {
    /// Delivers what is due now, at most `batch` per tenant.
    pub async fn deliver_due(
        &self,
        batch: u32,
    ) -> Result<DeliveryReport, nencho_ports::StoreError> {
        let mut report = DeliveryReport::default();
        for tenant in self.store.list_tenants().await? {
            let now = self.clock.now();
            for message in self
                .store
                .claim_due_mail(tenant.id, now, now + CLAIM_HOLD, batch)
                .await?
            {
                let result = self.attempt(&message).await;
                match result {
                    DeliveryResult::Sent { .. } => report.sent += 1,
                    DeliveryResult::Deferred { .. } => report.deferred += 1,
                    DeliveryResult::Failed { .. } => report.failed += 1,
                }
                self.store
                    .record_delivery(tenant.id, message.id, &result)
                    .await?;
            }
        }
        Ok(report)
    }

    async fn attempt(&self, message: &OutboxMessage) -> DeliveryResult {
        let mail = OutgoingMail {
            to: message.to.clone(),
            subject: message.subject.clone(),
            body: message.body.clone(),
        };
        let outcome = self.mailer.send(&mail).await;
        let now = self.clock.now();
        match outcome {
            Ok(()) => DeliveryResult::Sent { at: now },
            Err(MailError::Permanent(error)) => DeliveryResult::Failed { error, at: now },
            Err(MailError::Transient(error)) if message.attempts + 1 >= MAX_ATTEMPTS => {
                DeliveryResult::Failed { error, at: now }
            }
            Err(MailError::Transient(error)) => DeliveryResult::Deferred {
                error,
                retry_at: now + retry_delay(message.attempts + 1),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_one_minute_up_to_six_hours() {
        assert_eq!(retry_delay(1), Duration::minutes(1));
        assert_eq!(retry_delay(2), Duration::minutes(2));
        assert_eq!(retry_delay(5), Duration::minutes(16));
        assert_eq!(retry_delay(9), Duration::minutes(256));
        assert_eq!(retry_delay(10), Duration::hours(6));
        assert_eq!(retry_delay(40), Duration::hours(6));
    }
}
