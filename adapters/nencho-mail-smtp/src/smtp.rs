//! Delivery over SMTP with lettre's tokio transport.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use nencho_kernel::Clock;
use nencho_ports::{MailError, Mailer, OutgoingMail};
use secrecy::{ExposeSecret, SecretString};

use crate::MailConfigError;
use crate::message::{parse_sender, render};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Connect in clear, then upgrade with STARTTLS; refuse to go on if the server does not
    /// offer it (no silent downgrade). Usually port 587.
    StartTls,
    /// TLS from the first byte ("implicit TLS", SMTPS). Usually port 465.
    Tls,
    /// No encryption at all: only for a relay on the same host or a private network (and for
    /// tests). Credentials, if any, then travel in clear.
    Plain,
}

impl SmtpSecurity {
    /// The customary port of the mode: 587, 465 or 25.
    pub const fn default_port(self) -> u16 {
        match self {
            Self::StartTls => 587,
            Self::Tls => 465,
            Self::Plain => 25,
        }
    }
}

/// Everything [`SmtpMailer`] needs to know, typically read from the worker's configuration.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// The server's host name; with TLS it is also the name its certificate must carry.
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// Both or neither of `username` and `password`. Authentication uses PLAIN or LOGIN.
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The `From` mailbox, e.g. `nencho <no-reply@example.jp>`; also the envelope sender.
    pub from: String,
    /// Bounds the TCP connect and, separately, the whole conversation for one message, so a
    /// server that accepts the connection and then stalls cannot hold the delivery loop.
    pub timeout: Duration,
}

impl SmtpSettings {
    /// Settings with the customary port of `security`, no credentials and a 30-second timeout.
    pub fn new(host: impl Into<String>, security: SmtpSecurity, from: impl Into<String>) -> Self {
        Self {
            host: host.into(),
            port: security.default_port(),
            security,
            username: None,
            password: None,
            from: from.into(),
            timeout: Duration::from_secs(30),
        }
    }
}

/// The production [`Mailer`]: one SMTP connection per message (the outbox sends few, and a fresh
/// connection never finds a stale one), bounded by the configured timeout.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    sender: Mailbox,
    clock: Arc<dyn Clock>,
    timeout: Duration,
    host: String,
    port: u16,
    security: SmtpSecurity,
}

impl fmt::Debug for SmtpMailer {
    // Hand-written so that no part of the transport (credentials included) is ever printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("sender", &self.sender.to_string())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// Checks the settings and prepares the transport; does not connect. `clock` dates the
    /// messages and times their ids.
    pub fn new(settings: SmtpSettings, clock: Arc<dyn Clock>) -> Result<Self, MailConfigError> {
        let sender = parse_sender(&settings.from)?;
        if settings.timeout.is_zero() {
            return Err(MailConfigError::ZeroTimeout);
        }
        let credentials = match (settings.username, settings.password) {
            (Some(username), Some(password)) => Some(Credentials::new(
                username,
                password.expose_secret().to_owned(),
            )),
            (None, None) => None,
            _ => return Err(MailConfigError::IncompleteCredentials),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls_for(settings.security, &settings.host)?)
            .timeout(Some(settings.timeout));
        if let Some(credentials) = credentials {
            builder = builder.credentials(credentials);
        }
        Ok(Self {
            transport: builder.build(),
            sender,
            clock,
            timeout: settings.timeout,
            host: settings.host,
            port: settings.port,
            security: settings.security,
        })
    }

    /// Connects, greets, upgrades and authenticates as a delivery would, then quits: for a
    /// startup or operator check of the settings.
    pub async fn check_connection(&self) -> Result<(), MailError> {
        match tokio::time::timeout(self.timeout, self.transport.test_connection()).await {
            Err(_elapsed) => Err(self.stalled()),
            Ok(Err(error)) => Err(classify(&error)),
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err(MailError::Transient(
                "the mail server did not answer NOOP".to_owned(),
            )),
        }
    }

    fn stalled(&self) -> MailError {
        MailError::Transient(format!(
            "the mail server {}:{} did not finish within {:?}",
            self.host, self.port, self.timeout
        ))
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let rendered = render(&self.sender, mail, self.clock.as_ref())?;
        // lettre ends DATA with CRLF "." CRLF whether or not the message already ends in CRLF;
        // dropping ours keeps the received text identical to what `FileMailer` writes.
        let data = rendered
            .bytes
            .strip_suffix(b"\r\n")
            .unwrap_or(&rendered.bytes);
        // lettre's own timeout covers only the TCP connect; this one covers the conversation.
        let delivery = self.transport.send_raw(&rendered.envelope, data);
        match tokio::time::timeout(self.timeout, delivery).await {
            Err(_elapsed) => Err(self.stalled()),
            Ok(Err(error)) => Err(classify(&error)),
            Ok(Ok(_response)) => Ok(()),
        }
    }
}

/// The lettre transport's TLS mode for `security`. TLS names the certificate must carry and the
/// trusted roots (Mozilla's, through `webpki-roots`) are fixed here.
fn tls_for(security: SmtpSecurity, host: &str) -> Result<Tls, MailConfigError> {
    let parameters = || {
        TlsParameters::new(host.to_owned()).map_err(|error| MailConfigError::Tls {
            host: host.to_owned(),
            reason: error.to_string(),
        })
    };
    Ok(match security {
        SmtpSecurity::StartTls => Tls::Required(parameters()?),
        SmtpSecurity::Tls => Tls::Wrapper(parameters()?),
        SmtpSecurity::Plain => Tls::None,
    })
}

/// Sorts a lettre failure into the port's two kinds.
///
/// - 5xx replies are permanent: the server has said no for good (unknown user, policy, failed
///   authentication).
/// - Client-side refusals are permanent too: the server lacks STARTTLS, offers no usable
///   authentication mechanism, or cannot take this message (non-ASCII address without
///   SMTPUTF8). Retrying does not help until someone changes the configuration.
/// - Everything else is transient: 4xx replies, refused or dropped connections, timeouts, TLS
///   handshake failures (an expired certificate gets renewed), garbled replies.
fn classify(error: &SmtpError) -> MailError {
    if error.is_permanent() {
        MailError::Permanent(format!("the mail server refused the message: {error}"))
    } else if error.is_client() {
        MailError::Permanent(format!(
            "the mail server cannot be used with these settings: {error}"
        ))
    } else if error.is_transient() {
        MailError::Transient(format!("the mail server deferred the message: {error}"))
    } else {
        MailError::Transient(format!("the mail server could not be reached: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::SystemClock;

    fn settings(security: SmtpSecurity) -> SmtpSettings {
        SmtpSettings::new("smtp.example.jp", security, "nencho <no-reply@example.jp>")
    }

    #[test]
    fn each_security_mode_selects_its_tls_mode_and_port() {
        assert!(matches!(
            tls_for(SmtpSecurity::StartTls, "smtp.example.jp").unwrap(),
            Tls::Required(parameters) if parameters.domain() == "smtp.example.jp"
        ));
        assert!(matches!(
            tls_for(SmtpSecurity::Tls, "smtp.example.jp").unwrap(),
            Tls::Wrapper(parameters) if parameters.domain() == "smtp.example.jp"
        ));
        assert!(matches!(
            tls_for(SmtpSecurity::Plain, "smtp.example.jp").unwrap(),
            Tls::None
        ));
        assert_eq!(settings(SmtpSecurity::StartTls).port, 587);
        assert_eq!(settings(SmtpSecurity::Tls).port, 465);
        assert_eq!(settings(SmtpSecurity::Plain).port, 25);
    }

    #[test]
    fn every_mode_builds_a_mailer() {
        for security in [
            SmtpSecurity::StartTls,
            SmtpSecurity::Tls,
            SmtpSecurity::Plain,
        ] {
            let mailer = SmtpMailer::new(settings(security), Arc::new(SystemClock)).unwrap();
            assert_eq!(mailer.security, security);
        }
    }

    #[test]
    fn credentials_come_in_pairs_and_never_print() {
        let mut half = settings(SmtpSecurity::StartTls);
        half.username = Some("nencho".to_owned());
        assert!(matches!(
            SmtpMailer::new(half.clone(), Arc::new(SystemClock)),
            Err(MailConfigError::IncompleteCredentials)
        ));

        let mut whole = half;
        whole.password = Some(SecretString::from("hunter2-secret"));
        assert!(!format!("{whole:?}").contains("hunter2-secret"));
        let mailer = SmtpMailer::new(whole, Arc::new(SystemClock)).unwrap();
        assert!(!format!("{mailer:?}").contains("hunter2-secret"));
    }

    #[test]
    fn bad_settings_are_refused_up_front() {
        let mut zero = settings(SmtpSecurity::Plain);
        zero.timeout = Duration::ZERO;
        assert!(matches!(
            SmtpMailer::new(zero, Arc::new(SystemClock)),
            Err(MailConfigError::ZeroTimeout)
        ));
        let mut bad_sender = settings(SmtpSecurity::Plain);
        bad_sender.from = "no-reply".to_owned();
        assert!(matches!(
            SmtpMailer::new(bad_sender, Arc::new(SystemClock)),
            Err(MailConfigError::InvalidSender { .. })
        ));
    }
}
