//! Runs a nencho binary as a real process (as an operator would) and follows its JSON log lines
//! on stderr, so tests wait for events ("listening", "worker ready") instead of sleeping.
//!
//! Test support: failing is panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStderr, Command};

/// How long a process may take to reach an expected log line or to stop.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A command for `binary` with a clean environment as far as nencho is concerned: no inherited
/// `NENCHO_*` variable can change what the test means.
pub fn command(binary: &str, working_dir: &Path) -> Command {
    let mut command = Command::new(binary);
    command.current_dir(working_dir);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("NENCHO_") {
            command.env_remove(name);
        }
    }
    command.env("NENCHO_LOG", "info");
    command
}

pub struct RunningProcess {
    child: Child,
    stderr: Lines<BufReader<ChildStderr>>,
    /// Every line read so far, to show when an expectation fails.
    seen: Vec<String>,
}

impl RunningProcess {
    pub fn spawn(mut command: Command) -> Self {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("the binary starts");
        let stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        Self {
            child,
            stderr,
            seen: Vec::new(),
        }
    }

    /// Reads log lines until one whose `message` field equals `message`; returns it parsed.
    pub async fn wait_for_log(&mut self, message: &str) -> serde_json::Value {
        let search = async {
            while let Some(line) = self.stderr.next_line().await.unwrap() {
                self.seen.push(line.clone());
                if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line)
                    && event["message"] == message
                {
                    return Some(event);
                }
            }
            None
        };
        match tokio::time::timeout(PATIENCE, search).await {
            Ok(Some(event)) => event,
            Ok(None) => panic!(
                "the process ended before logging {message:?}; it logged:\n{}",
                self.seen.join("\n")
            ),
            Err(_) => panic!(
                "no {message:?} within {PATIENCE:?}; the process logged:\n{}",
                self.seen.join("\n")
            ),
        }
    }

    pub fn id(&self) -> u32 {
        self.child.id().unwrap()
    }

    /// Sends SIGTERM (as a service manager would) and waits for the process to exit.
    pub async fn terminate(self) -> (ExitStatus, Vec<String>) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM failed");
        self.wait().await
    }

    /// Waits for the process to exit on its own; returns its status and every stderr line.
    pub async fn wait(mut self) -> (ExitStatus, Vec<String>) {
        let drain = async {
            while let Some(line) = self.stderr.next_line().await.unwrap() {
                self.seen.push(line);
            }
            self.child.wait().await.unwrap()
        };
        let status = tokio::time::timeout(PATIENCE, drain)
            .await
            .expect("the process stops in time");
        (status, self.seen)
    }
}
