use async_trait::async_trait;
use nencho_kernel::EmailAddress;

/// One plain-text message. Japanese subjects and bodies are normal: the adapter encodes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: EmailAddress,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Worth retrying later (server down, timeout, 4xx reply).
    #[error("mail delivery failed for now: {0}")]
    Transient(String),
    /// Retrying will not help (address refused, 5xx reply, bad configuration).
    #[error("mail delivery failed: {0}")]
    Permanent(String),
}

/// Delivers e-mail. Use cases never call it directly: they write to the outbox in the same
/// transaction as the change that causes the mail, and the delivery loop calls the mailer.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}
