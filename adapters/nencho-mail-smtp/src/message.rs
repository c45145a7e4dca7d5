//! The one place where an [`OutgoingMail`] becomes an RFC 5322 message, shared by both mailers
//! so that the development `.eml` files show exactly what SMTP would carry.

use std::error::Error as StdError;
use std::time::SystemTime;

use lettre::Message;
use lettre::address::Envelope;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue, MIME_VERSION_1_0};
use nencho_kernel::{Clock, OffsetDateTime};
use nencho_ports::{MailError, OutgoingMail};
use uuid::{Timestamp, Uuid};

use crate::MailConfigError;

/// Parses the configured sender, e.g. `nencho <no-reply@example.jp>` (a Japanese display name is
/// fine: lettre encodes it).
pub(crate) fn parse_sender(sender: &str) -> Result<Mailbox, MailConfigError> {
    sender
        .parse::<Mailbox>()
        .map_err(|error| MailConfigError::InvalidSender {
            sender: sender.to_owned(),
            reason: error.to_string(),
        })
}

/// A message ready to go: its SMTP envelope and its RFC 5322 text, which always ends in CRLF.
#[derive(Debug)]
pub(crate) struct RenderedMail {
    pub envelope: Envelope,
    pub bytes: Vec<u8>,
}

/// Builds the message: `text/plain; charset=utf-8` with a transfer encoding lettre picks (7bit
/// for ASCII, otherwise the shorter of quoted-printable and base64), so the wire stays ASCII and
/// no 8BITMIME support is needed from the server. Line breaks become CRLF.
pub(crate) fn render(
    sender: &Mailbox,
    mail: &OutgoingMail,
    clock: &dyn Clock,
) -> Result<RenderedMail, MailError> {
    // The kernel's address check is looser than RFC 5321's; what lettre refuses no server will
    // take either, so retrying is pointless. The address itself is left out of the error because
    // error texts end up in logs.
    let recipient = mail.to.as_str().parse::<Mailbox>().map_err(|error| {
        MailError::Permanent(format!(
            "the recipient address cannot be used in SMTP: {error}"
        ))
    })?;
    let now = clock.now();
    // `body` (not `singlepart`) keeps the text exactly as given; `singlepart` appends a CRLF.
    let message = Message::builder()
        .from(sender.clone())
        .to(recipient)
        .subject(mail.subject.as_str())
        .date(SystemTime::from(now))
        .message_id(Some(message_id(sender, now)))
        .header(AutoSubmitted)
        .header(MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|error| MailError::Permanent(format!("the message cannot be built: {error}")))?;
    let mut bytes = message.formatted();
    if !bytes.ends_with(b"\r\n") {
        bytes.extend_from_slice(b"\r\n");
    }
    Ok(RenderedMail {
        envelope: message.envelope().clone(),
        bytes,
    })
}

/// `<uuid@sender-domain>`: the UUIDv7 makes it unique, the sender's domain says who minted it
/// (rather than whatever host name the worker runs on).
fn message_id(sender: &Mailbox, now: OffsetDateTime) -> String {
    let seconds = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    let timestamp = Timestamp::from_unix(uuid::NoContext, seconds, now.nanosecond());
    format!(
        "<{}@{}>",
        Uuid::new_v7(timestamp).simple(),
        sender.email.domain()
    )
}

/// `Auto-Submitted: auto-generated` (RFC 3834): tells vacation responders and mailing lists
/// that a program sent this, so they do not answer the no-reply address.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

const AUTO_SUBMITTED: HeaderName = HeaderName::new_from_ascii_str("Auto-Submitted");

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        AUTO_SUBMITTED
    }

    fn parse(text: &str) -> Result<Self, Box<dyn StdError + Send + Sync>> {
        if text.trim().eq_ignore_ascii_case("auto-generated") {
            Ok(Self)
        } else {
            Err(format!("unexpected Auto-Submitted value {text:?}").into())
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(AUTO_SUBMITTED, "auto-generated".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::{EmailAddress, FixedClock};
    use time::macros::datetime;

    fn mail(to: &str) -> OutgoingMail {
        OutgoingMail {
            to: EmailAddress::parse(to).unwrap(),
            subject: "【nencho】パスワード再設定のご案内".to_owned(),
            body: "山田 太郎 様\n\n以下のリンクから再設定してください。\n".to_owned(),
        }
    }

    #[test]
    fn builds_an_ascii_only_message_with_date_id_and_encoded_subject() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let sender = parse_sender("年調 <no-reply@example.jp>").unwrap();
        let rendered = render(&sender, &mail("taro@example.jp"), &clock).unwrap();
        let text = String::from_utf8(rendered.bytes).unwrap();
        assert!(text.is_ascii(), "{text}");
        assert!(
            text.contains("Date: Wed, 25 Nov 2026 09:00:00 +0000\r\n"),
            "{text}"
        );
        assert!(text.contains("Subject: =?utf-8?"), "{text}");
        assert!(text.contains("Message-ID: <"), "{text}");
        assert!(text.contains("@example.jp>\r\n"), "{text}");
        assert!(text.contains("MIME-Version: 1.0\r\n"), "{text}");
        assert!(
            text.contains("Auto-Submitted: auto-generated\r\n"),
            "{text}"
        );
        assert!(
            text.contains("Content-Type: text/plain; charset=utf-8\r\n"),
            "{text}"
        );
        assert!(text.ends_with("\r\n"), "{text}");
        assert_eq!(rendered.envelope.to().len(), 1);
    }

    #[test]
    fn an_ascii_body_is_kept_as_given_with_crlf_line_ends() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let sender = parse_sender("nencho <no-reply@example.jp>").unwrap();
        let ascii = OutgoingMail {
            body: "line one\nline two\n".to_owned(),
            ..mail("taro@example.jp")
        };
        let text = String::from_utf8(render(&sender, &ascii, &clock).unwrap().bytes).unwrap();
        assert!(
            text.contains("Content-Transfer-Encoding: 7bit\r\n"),
            "{text}"
        );
        assert!(text.ends_with("\r\n\r\nline one\r\nline two\r\n"), "{text}");

        let unterminated = OutgoingMail {
            body: "no newline at the end".to_owned(),
            ..mail("taro@example.jp")
        };
        let text =
            String::from_utf8(render(&sender, &unterminated, &clock).unwrap().bytes).unwrap();
        assert!(
            text.ends_with("\r\n\r\nno newline at the end\r\n"),
            "{text}"
        );
    }

    #[test]
    fn an_address_lettre_refuses_is_permanent() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let sender = parse_sender("nencho <no-reply@example.jp>").unwrap();
        // The kernel accepts a comma in the local part; RFC 5321 does not (unquoted).
        let error = render(&sender, &mail("ta,ro@example.jp"), &clock).unwrap_err();
        assert!(matches!(error, MailError::Permanent(_)), "{error:?}");
    }

    #[test]
    fn a_sender_that_is_not_a_mailbox_is_a_configuration_error() {
        for bad in ["", "nencho", "nencho <no-reply>", "<@example.jp>"] {
            assert!(
                matches!(
                    parse_sender(bad),
                    Err(MailConfigError::InvalidSender { .. })
                ),
                "{bad}"
            );
        }
    }
}
