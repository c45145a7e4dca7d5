#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Integration tests of nencho-mail-smtp: real SMTP conversations on loopback with a Python
//! sink (Debian's python3-aiosmtpd), and the file mailer on a temporary directory.

mod file;
mod sink;
mod smtp;

use std::future::Future;
use std::time::Duration;

use nencho_kernel::{EmailAddress, FixedClock};
use nencho_ports::OutgoingMail;
use time::macros::datetime;

/// How long any single step may take before the test fails instead of hanging. Generous on
/// purpose: it only bounds failures, passing tests never wait for it.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, future)
        .await
        .unwrap_or_else(|_| panic!("{what} took longer than {PATIENCE:?}"))
}

pub const SENDER: &str = "nencho <no-reply@example.jp>";
pub const SUBJECT: &str = "【nencho】パスワード再設定のご案内";
pub const BODY: &str = "山田 太郎 様\n\
\n\
nencho（年末調整）のパスワード再設定を受け付けました。\n\
以下のリンクから 24 時間以内に新しいパスワードを設定してください。\n\
https://demo.example.jp/password-reset/abc123\n\
\n\
お心当たりのない場合は、このメールを破棄してください。\n";

pub fn fixed_clock() -> FixedClock {
    FixedClock::at(datetime!(2026-11-25 09:00 UTC))
}

pub fn mail_to(address: &str) -> OutgoingMail {
    OutgoingMail {
        to: EmailAddress::parse(address).unwrap(),
        subject: SUBJECT.to_owned(),
        body: BODY.to_owned(),
    }
}

/// Text as mail carries it: every line ends in CRLF.
pub fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// Parses a raw message and checks what both mailers must guarantee: ASCII on the wire, the
/// Japanese subject and body decoding to exactly what was sent, sender, recipient, date and id.
pub fn assert_well_formed(raw: &[u8], to: &str, subject: &str, body: &str) {
    let text = std::str::from_utf8(raw).expect("the message is not even UTF-8");
    assert!(
        raw.is_ascii(),
        "the message must be 7-bit clean on the wire:\n{text}"
    );
    let (header_block, _) = text
        .split_once("\r\n\r\n")
        .expect("no blank line between headers and body");
    assert!(
        header_block.contains("Subject: =?utf-8?"),
        "the subject must be an RFC 2047 encoded word:\n{header_block}"
    );
    let transfer_encoding = header_block
        .lines()
        .find_map(|line| line.strip_prefix("Content-Transfer-Encoding: "))
        .expect("no Content-Transfer-Encoding");
    if !body.is_ascii() {
        assert!(
            ["base64", "quoted-printable"].contains(&transfer_encoding),
            "{transfer_encoding}"
        );
    }

    use mail_parser::MimeHeaders;
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("mail-parser cannot parse the message");
    assert_eq!(message.subject(), Some(subject));
    assert_eq!(
        message.body_text(0).as_deref(),
        Some(crlf(body).as_str()),
        "the body must decode to exactly what was sent"
    );
    let from = message.from().and_then(|from| from.first()).unwrap();
    assert_eq!(from.name(), Some("nencho"));
    assert_eq!(from.address(), Some("no-reply@example.jp"));
    let recipient = message.to().and_then(|to| to.first()).unwrap();
    assert_eq!(recipient.address(), Some(to));
    assert_eq!(
        message
            .content_type()
            .map(|ct| (ct.ctype(), ct.subtype(), ct.attribute("charset"))),
        Some(("text", Some("plain"), Some("utf-8")))
    );
    let message_id = message.message_id().expect("no Message-ID");
    assert!(message_id.ends_with("@example.jp"), "{message_id}");
    assert_eq!(
        message.date().map(|date| date.to_timestamp()),
        Some(fixed_clock_unix())
    );
}

fn fixed_clock_unix() -> i64 {
    use nencho_kernel::Clock;
    fixed_clock().now().unix_timestamp()
}
