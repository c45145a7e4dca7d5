/// A mailer that cannot be built from its settings. Reported once at startup, so that a typo
/// in the configuration does not surface as a failed delivery hours later.
#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    /// The sender is not a mailbox such as `nencho <no-reply@example.jp>`.
    #[error("the sender {sender:?} is not a mailbox like `nencho <no-reply@example.jp>`: {reason}")]
    InvalidSender { sender: String, reason: String },
    /// A user name was given without a password, or a password without a user name.
    #[error("SMTP credentials need both a user name and a password")]
    IncompleteCredentials,
    /// A zero timeout would fail every delivery.
    #[error("the SMTP timeout must be longer than zero")]
    ZeroTimeout,
    /// The TLS parameters for the host could not be built.
    #[error("TLS for the SMTP host {host:?} cannot be set up: {reason}")]
    Tls { host: String, reason: String },
}
