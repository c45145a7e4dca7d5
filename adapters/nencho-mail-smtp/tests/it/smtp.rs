//! `SmtpMailer` against real SMTP servers on loopback.

use std::sync::Arc;
use std::time::Duration;

use nencho_mail_smtp::{SmtpMailer, SmtpSecurity, SmtpSettings};
use nencho_ports::{MailError, Mailer, OutgoingMail};
use secrecy::SecretString;
use tokio::net::TcpListener;

use crate::sink::SmtpSink;
use crate::{BODY, SENDER, SUBJECT, assert_well_formed, crlf, fixed_clock, mail_to, within};

fn settings(port: u16, security: SmtpSecurity) -> SmtpSettings {
    SmtpSettings {
        port,
        timeout: Duration::from_secs(5),
        ..SmtpSettings::new("127.0.0.1", security, SENDER)
    }
}

fn plain_mailer(port: u16) -> SmtpMailer {
    SmtpMailer::new(settings(port, SmtpSecurity::Plain), Arc::new(fixed_clock())).unwrap()
}

/// A port on which nothing listens (bound, then released).
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn delivers_a_japanese_message_that_decodes_exactly() {
    let mut sink = SmtpSink::start(&[]).await;
    let mailer = plain_mailer(sink.port);

    within("sending", mailer.send(&mail_to("taro.yamada@example.jp")))
        .await
        .unwrap();

    let received = sink.next_message().await;
    assert_eq!(received.mail_from, "no-reply@example.jp");
    assert_eq!(received.rcpt_tos, ["taro.yamada@example.jp"]);
    assert_well_formed(&received.data, "taro.yamada@example.jp", SUBJECT, BODY);
}

#[tokio::test]
async fn a_long_subject_is_folded_without_breaking_characters() {
    let mut sink = SmtpSink::start(&[]).await;
    let mailer = plain_mailer(sink.port);
    let subject = "【nencho】令和8年分 給与所得者の扶養控除等（異動）申告書・基礎控除申告書兼配偶者控除等申告書兼所得金額調整控除申告書・保険料控除申告書の提出期限が近づいています";
    let mail = OutgoingMail {
        subject: subject.to_owned(),
        ..mail_to("hanako@example.jp")
    };

    within("sending", mailer.send(&mail)).await.unwrap();

    let received = sink.next_message().await;
    let text = String::from_utf8(received.data.clone()).unwrap();
    let header_block = text.split_once("\r\n\r\n").unwrap().0;
    assert!(
        header_block.split("\r\n").all(|line| line.len() <= 78),
        "header lines must be folded:\n{header_block}"
    );
    assert_well_formed(&received.data, "hanako@example.jp", subject, BODY);
}

#[tokio::test]
async fn an_ascii_body_with_lone_dots_survives_the_data_phase() {
    let mut sink = SmtpSink::start(&[]).await;
    let mailer = plain_mailer(sink.port);
    // A line holding only "." would end DATA early unless the client dot-stuffs it.
    let body = "line one\n.\n..two dots\nlast line\n";
    let mail = OutgoingMail {
        body: body.to_owned(),
        ..mail_to("taro@example.jp")
    };

    within("sending", mailer.send(&mail)).await.unwrap();

    let received = sink.next_message().await;
    assert_well_formed(&received.data, "taro@example.jp", SUBJECT, body);
    let text = String::from_utf8(received.data).unwrap();
    assert!(text.ends_with(&crlf(body)), "{text}");
}

#[tokio::test]
async fn authenticates_when_credentials_are_configured() {
    let mut sink = SmtpSink::start(&["--auth", "nencho:s3cret-パス"]).await;
    let port = sink.port;
    let with_credentials = |password: &str| {
        let mut settings = settings(port, SmtpSecurity::Plain);
        settings.username = Some("nencho".to_owned());
        settings.password = Some(SecretString::from(password));
        SmtpMailer::new(settings, Arc::new(fixed_clock())).unwrap()
    };

    within(
        "sending",
        with_credentials("s3cret-パス").send(&mail_to("taro@example.jp")),
    )
    .await
    .unwrap();
    let received = sink.next_message().await;
    assert_eq!(received.rcpt_tos, ["taro@example.jp"]);

    // 535 Authentication failed: permanent until someone fixes the configuration.
    let error = within(
        "sending",
        with_credentials("wrong").send(&mail_to("taro@example.jp")),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, MailError::Permanent(_)), "{error:?}");

    // Without credentials the sink answers 530 to MAIL FROM.
    let error = within(
        "sending",
        plain_mailer(sink.port).send(&mail_to("taro@example.jp")),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, MailError::Permanent(_)), "{error:?}");
}

#[tokio::test]
async fn a_4xx_reply_is_transient_and_a_5xx_reply_is_permanent() {
    let mut sink = SmtpSink::start(&[
        "--reply",
        "busy@example.jp=451 4.3.0 Mailbox temporarily unavailable",
        "--reply",
        "gone@example.jp=550 5.1.1 No such user here",
    ])
    .await;
    let mailer = plain_mailer(sink.port);

    let busy = within("sending", mailer.send(&mail_to("busy@example.jp")))
        .await
        .unwrap_err();
    match &busy {
        MailError::Transient(text) => assert!(text.contains("451"), "{text}"),
        other => panic!("451 must be transient: {other:?}"),
    }

    let gone = within("sending", mailer.send(&mail_to("gone@example.jp")))
        .await
        .unwrap_err();
    match &gone {
        MailError::Permanent(text) => assert!(text.contains("550"), "{text}"),
        other => panic!("550 must be permanent: {other:?}"),
    }

    // The refusals were per recipient: the server still takes other mail.
    within("sending", mailer.send(&mail_to("taro@example.jp")))
        .await
        .unwrap();
    assert_eq!(sink.next_message().await.rcpt_tos, ["taro@example.jp"]);
}

#[tokio::test]
async fn a_server_that_is_not_listening_is_transient() {
    let port = closed_port().await;
    let mailer = plain_mailer(port);

    let error = within("sending", mailer.send(&mail_to("taro@example.jp")))
        .await
        .unwrap_err();
    assert!(matches!(error, MailError::Transient(_)), "{error:?}");

    let error = within("checking", mailer.check_connection())
        .await
        .unwrap_err();
    assert!(matches!(error, MailError::Transient(_)), "{error:?}");
}

#[tokio::test]
async fn a_server_that_accepts_and_stalls_is_transient_after_the_timeout() {
    // Connections complete in the kernel's backlog, but no greeting ever comes.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut settings = settings(listener.local_addr().unwrap().port(), SmtpSecurity::Plain);
    settings.timeout = Duration::from_millis(200);
    let mailer = SmtpMailer::new(settings, Arc::new(fixed_clock())).unwrap();

    // `within` allows far more than the configured timeout: finishing at all proves the
    // mailer gave up by itself.
    let error = within("sending", mailer.send(&mail_to("taro@example.jp")))
        .await
        .unwrap_err();
    match &error {
        MailError::Transient(text) => assert!(text.contains("200ms"), "{text}"),
        other => panic!("a stalled server must be transient: {other:?}"),
    }
    drop(listener);
}

#[tokio::test]
async fn starttls_mode_never_falls_back_to_clear_text() {
    // The sink offers no STARTTLS; a required upgrade must fail rather than send in clear.
    let sink = SmtpSink::start(&[]).await;
    let mailer = SmtpMailer::new(
        settings(sink.port, SmtpSecurity::StartTls),
        Arc::new(fixed_clock()),
    )
    .unwrap();

    let error = within("sending", mailer.send(&mail_to("taro@example.jp")))
        .await
        .unwrap_err();
    match &error {
        MailError::Permanent(text) => assert!(text.contains("STARTTLS"), "{text}"),
        other => panic!("a server without STARTTLS is a configuration error: {other:?}"),
    }
}

#[tokio::test]
async fn tls_mode_fails_the_handshake_with_a_clear_text_server_as_transient() {
    let sink = SmtpSink::start(&[]).await;
    let mailer = SmtpMailer::new(
        settings(sink.port, SmtpSecurity::Tls),
        Arc::new(fixed_clock()),
    )
    .unwrap();

    let error = within("sending", mailer.send(&mail_to("taro@example.jp")))
        .await
        .unwrap_err();
    assert!(matches!(error, MailError::Transient(_)), "{error:?}");
}

#[tokio::test]
async fn check_connection_succeeds_against_a_live_server() {
    let sink = SmtpSink::start(&[]).await;
    within("checking", plain_mailer(sink.port).check_connection())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_server_receives_exactly_what_the_file_mailer_writes() {
    let mut sink = SmtpSink::start(&[]).await;
    let temporary = tempfile::tempdir().unwrap();
    let file_mailer =
        nencho_mail_smtp::FileMailer::new(temporary.path(), SENDER, Arc::new(fixed_clock()))
            .unwrap();
    let mail = mail_to("taro@example.jp");

    within("sending", plain_mailer(sink.port).send(&mail))
        .await
        .unwrap();
    within("writing", file_mailer.send(&mail)).await.unwrap();

    let received = sink.next_message().await.data;
    let entry = std::fs::read_dir(temporary.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let written = std::fs::read(entry.path()).unwrap();
    // Only the Message-ID differs from one rendering to the next.
    let without_id = |raw: &[u8]| -> String {
        String::from_utf8(raw.to_vec())
            .unwrap()
            .split_inclusive("\r\n")
            .filter(|line| !line.starts_with("Message-ID: "))
            .collect()
    };
    assert_eq!(without_id(&received), without_id(&written));
}
