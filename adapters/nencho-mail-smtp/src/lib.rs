//! The e-mail adapter of nencho: implements the [`nencho_ports::Mailer`] port with lettre.
//! [`SmtpMailer`] delivers over SMTP (STARTTLS, implicit TLS through rustls, or plain text for a
//! relay on the same host); [`FileMailer`] is the development mode and writes each message as an
//! `.eml` file instead of sending it.
//!
//! Both build the same message: plain text in UTF-8, the subject as RFC 2047 encoded words, the
//! body in quoted-printable or base64 as lettre finds shorter, and a `Date` and `Message-ID`
//! taken from an injected [`nencho_kernel::Clock`], so nothing here reads the wall clock. Failures
//! are sorted into [`MailError::Transient`](nencho_ports::MailError::Transient) (retry later: no
//! connection, timeout, 4xx) and [`MailError::Permanent`](nencho_ports::MailError::Permanent)
//! (5xx, an address lettre refuses, a configuration the server cannot serve).
//!
//! The crate knows nothing of the outbox, the stores or HTTP; the worker wires it up. Entry
//! points: [`SmtpMailer::new`] with [`SmtpSettings`], and [`FileMailer::new`].

mod error;
mod file;
mod message;
mod smtp;

pub use error::MailConfigError;
pub use file::FileMailer;
pub use smtp::{SmtpMailer, SmtpSecurity, SmtpSettings};
