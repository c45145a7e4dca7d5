//! A real SMTP server for the web server to deliver to: nencho-mail-smtp's `smtp_sink.py`
//! (Debian's python3 with aiosmtpd), which reports every message it accepts as one JSON line.
//! Only the script is shared with that crate; the reading side is this module's own.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

use crate::within;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../adapters/nencho-mail-smtp/tests/it/smtp_sink.py"
);

/// A running SMTP sink on 127.0.0.1. It exits when its stdin closes and is killed when dropped,
/// so it never outlives the test.
pub struct SmtpSink {
    pub port: u16,
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
}

/// One message as the sink received it.
#[derive(Debug)]
pub struct ReceivedMail {
    pub rcpt_tos: Vec<String>,
    /// The message exactly as sent, headers and encoded body.
    pub raw: Vec<u8>,
}

/// A received message, decoded.
#[derive(Debug)]
pub struct DecodedMail {
    pub rcpt_tos: Vec<String>,
    pub subject: String,
    pub text_body: String,
}

impl SmtpSink {
    pub async fn start() -> Self {
        // Debian's interpreter: a python3 earlier on PATH (pyenv…) does not see dist-packages.
        let python =
            std::env::var("NENCHO_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned());
        let mut child = Command::new(&python)
            .arg(SCRIPT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {python} {SCRIPT}: {error}"));
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let first_line = within(
            "the SMTP sink's ready line",
            crate::PATIENCE,
            stdout.next_line(),
        )
        .await
        .unwrap();
        let Some(line) = first_line else {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr).await;
            }
            panic!(
                "the SMTP sink did not start (is Debian's python3-aiosmtpd installed?):\n{stderr}"
            );
        };
        let ready: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            ready["ready"], true,
            "unexpected first line from the SMTP sink: {line}"
        );
        let port = u16::try_from(ready["port"].as_u64().unwrap()).unwrap();
        Self {
            port,
            child,
            stdout,
        }
    }

    /// The next message the sink accepted (in arrival order), or `None` if none arrives within
    /// `patience`.
    pub async fn next_mail(&mut self, patience: Duration) -> Option<ReceivedMail> {
        let line = tokio::time::timeout(patience, self.stdout.next_line())
            .await
            .ok()?
            .unwrap()
            .unwrap_or_else(|| panic!("the SMTP sink exited: {:?}", self.child.try_wait()));
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        Some(ReceivedMail {
            rcpt_tos: record["rcpt_tos"]
                .as_array()
                .unwrap()
                .iter()
                .map(|rcpt| rcpt.as_str().unwrap().to_owned())
                .collect(),
            // The script sends one character per byte (latin-1).
            raw: record["data"]
                .as_str()
                .unwrap()
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap())
                .collect(),
        })
    }

    /// Waits until a message to `recipient` whose decoded subject contains `subject_part`
    /// arrives; other messages are passed over (and listed if none matches in time).
    pub async fn wait_for_mail(
        &mut self,
        recipient: &str,
        subject_part: &str,
        patience: Duration,
    ) -> DecodedMail {
        let mut passed_over = Vec::new();
        let search = async {
            loop {
                let mail = self.next_mail(patience).await?;
                let decoded = mail.decode();
                if decoded
                    .rcpt_tos
                    .iter()
                    .any(|rcpt| rcpt.eq_ignore_ascii_case(recipient))
                    && decoded.subject.contains(subject_part)
                {
                    return Some(decoded);
                }
                passed_over.push(format!("{:?} {:?}", decoded.rcpt_tos, decoded.subject));
            }
        };
        let outcome = tokio::time::timeout(patience, search).await;
        match outcome {
            Ok(Some(mail)) => mail,
            Ok(None) | Err(_) => panic!(
                "no mail to {recipient} with a subject containing {subject_part:?} reached the \
                 SMTP sink within {patience:?}; received meanwhile: {passed_over:#?}"
            ),
        }
    }
}

impl ReceivedMail {
    pub fn decode(&self) -> DecodedMail {
        let message = mail_parser::MessageParser::default()
            .parse(&self.raw)
            .unwrap_or_else(|| {
                panic!(
                    "the SMTP sink received a message mail-parser cannot read:\n{}",
                    String::from_utf8_lossy(&self.raw)
                )
            });
        DecodedMail {
            rcpt_tos: self.rcpt_tos.clone(),
            subject: message.subject().unwrap_or_default().to_owned(),
            text_body: message
                .body_text(0)
                .map(|body| body.into_owned())
                .unwrap_or_default(),
        }
    }
}
