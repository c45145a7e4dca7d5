use async_trait::async_trait;
use nencho_kernel::{Clock, EmailAddress, OffsetDateTime, TenantId};
use uuid::Uuid;

use crate::StoreError;

/// A mail waiting in the outbox: written in the same transaction as the change that causes it,
/// delivered later with retries, so an SMTP outage delays mail and loses none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub to: EmailAddress,
    pub subject: String,
    pub body: String,
    pub created_at: OffsetDateTime,
    pub attempts: u32,
    pub next_attempt_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    /// Set when delivery was given up (a permanent failure or too many attempts).
    pub failed_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
}

impl OutboxMessage {
    pub fn new(
        tenant_id: TenantId,
        to: EmailAddress,
        subject: String,
        body: String,
        clock: &dyn Clock,
    ) -> Self {
        let now = clock.now();
        let seconds = u64::try_from(now.unix_timestamp()).unwrap_or(0);
        let id = Uuid::new_v7(uuid::Timestamp::from_unix(
            uuid::NoContext,
            seconds,
            now.nanosecond(),
        ));
        Self {
            id,
            tenant_id,
            to,
            subject,
            body,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            sent_at: None,
            failed_at: None,
            last_error: None,
        }
    }
}

/// What happened to one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryResult {
    Sent {
        at: OffsetDateTime,
    },
    /// Try again at `retry_at`.
    Deferred {
        error: String,
        retry_at: OffsetDateTime,
    },
    /// Give up.
    Failed {
        error: String,
        at: OffsetDateTime,
    },
}

#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait OutboxStore: Send + Sync {
    async fn enqueue_mail(&self, message: &OutboxMessage) -> Result<(), StoreError>;
    /// Hands out up to `limit` mails that are unsent, not given up and due at `now`, oldest
    /// first, and holds them until `held_until`: meanwhile no other delivery process (another
    /// web server, the worker) is handed them, so a mail is not sent twice. Each is settled by
    /// [`OutboxStore::record_delivery`]; one whose sender died comes back when the hold ends
    /// (delivery at least once).
    async fn claim_due_mail(
        &self,
        tenant_id: TenantId,
        now: OffsetDateTime,
        held_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError>;
    async fn record_delivery(
        &self,
        tenant_id: TenantId,
        message_id: Uuid,
        result: &DeliveryResult,
    ) -> Result<(), StoreError>;
    /// Every message of the tenant, newest first (for tests and support).
    async fn list_mail(
        &self,
        tenant_id: TenantId,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError>;
}
