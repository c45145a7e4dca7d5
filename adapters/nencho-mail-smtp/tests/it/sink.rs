//! Starts `smtp_sink.py` and reads what it received.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

use crate::within;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/smtp_sink.py");

/// A running SMTP sink on 127.0.0.1. Killed when dropped.
pub struct SmtpSink {
    pub port: u16,
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
}

/// One message as the sink received it.
#[derive(Debug)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub data: Vec<u8>,
}

impl SmtpSink {
    /// Starts the sink with `args` (see the script's docstring) and waits for its ready line.
    pub async fn start(args: &[&str]) -> Self {
        // Debian's interpreter: a pyenv `python3` earlier on PATH does not see dist-packages.
        let python =
            std::env::var("NENCHO_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned());
        let mut child = Command::new(&python)
            .arg(SCRIPT)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Debug logging is verbose enough to fill an unread pipe; show it instead.
            .stderr(if std::env::var_os("NENCHO_SMTP_SINK_DEBUG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::piped()
            })
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {python}: {error}"));
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let Some(line) = within("the SMTP sink's start", stdout.next_line())
            .await
            .unwrap()
        else {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr).await;
            }
            panic!(
                "the SMTP sink did not start (is Debian's python3-aiosmtpd installed?):\n{stderr}"
            );
        };
        let ready: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(ready["ready"], true, "{line}");
        let port = u16::try_from(ready["port"].as_u64().unwrap()).unwrap();
        Self {
            port,
            child,
            stdout,
        }
    }

    /// The next message the sink accepted, in arrival order.
    pub async fn next_message(&mut self) -> Received {
        let line = within("the SMTP sink's report", self.stdout.next_line())
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("the SMTP sink exited: {:?}", self.child.try_wait()));
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        Received {
            mail_from: record["mail_from"].as_str().unwrap().to_owned(),
            rcpt_tos: record["rcpt_tos"]
                .as_array()
                .unwrap()
                .iter()
                .map(|rcpt| rcpt.as_str().unwrap().to_owned())
                .collect(),
            // The script sends one character per byte (latin-1).
            data: record["data"]
                .as_str()
                .unwrap()
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap())
                .collect(),
        }
    }
}
