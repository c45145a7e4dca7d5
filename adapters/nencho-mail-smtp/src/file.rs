//! The development mailer: messages land as `.eml` files instead of leaving the machine.

use std::fmt;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use lettre::message::Mailbox;
use nencho_kernel::{Clock, OffsetDateTime};
use nencho_ports::{MailError, Mailer, OutgoingMail};
use time::UtcOffset;
use time::macros::format_description;
use tokio::io::AsyncWriteExt;

use crate::MailConfigError;
use crate::message::{parse_sender, render};

/// Writes each message, exactly as SMTP would carry it, to
/// `{directory}/{UTC time}-{counter}.eml`, e.g. `20261125T090000.000000000Z-000000.eml`. The
/// names sort in sending order and any mail client opens the files. The directory is created on
/// first use (and again if someone deletes it while the server runs).
pub struct FileMailer {
    directory: PathBuf,
    sender: Mailbox,
    clock: Arc<dyn Clock>,
    // Orders messages written within the same clock tick (a fixed clock in tests ticks never).
    counter: AtomicU64,
}

impl fmt::Debug for FileMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileMailer")
            .field("directory", &self.directory)
            .field("sender", &self.sender.to_string())
            .finish_non_exhaustive()
    }
}

impl FileMailer {
    /// `from` is the `From` mailbox, as in [`crate::SmtpSettings::from`]; `clock` names the files
    /// and dates the messages.
    pub fn new(
        directory: impl Into<PathBuf>,
        from: &str,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, MailConfigError> {
        Ok(Self {
            directory: directory.into(),
            sender: parse_sender(from)?,
            clock,
            counter: AtomicU64::new(0),
        })
    }

    /// Where the files go.
    pub fn directory(&self) -> &Path {
        &self.directory
    }
}

#[async_trait]
impl Mailer for FileMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let now = self.clock.now();
        let bytes = render(&self.sender, mail, self.clock.as_ref())?.bytes;
        tokio::fs::create_dir_all(&self.directory)
            .await
            .map_err(|error| io_failure(&self.directory, &error))?;
        let stamp = file_stamp(now)?;
        // `create_new` never overwrites: another process writing into the same directory in the
        // same tick just moves us on to the next counter value.
        for _ in 0..1000 {
            let counter = self.counter.fetch_add(1, Ordering::Relaxed);
            let path = self.directory.join(format!("{stamp}-{counter:06}.eml"));
            let mut file = match tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .await
            {
                Ok(file) => file,
                Err(error) if error.kind() == ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(io_failure(&path, &error)),
            };
            file.write_all(&bytes)
                .await
                .map_err(|error| io_failure(&path, &error))?;
            // tokio's File writes in the background; flushing makes the file complete before
            // `send` reports success.
            file.flush()
                .await
                .map_err(|error| io_failure(&path, &error))?;
            return Ok(());
        }
        Err(MailError::Transient(format!(
            "no free file name for a message in {}",
            self.directory.display()
        )))
    }
}

/// The sortable UTC time part of a file name.
fn file_stamp(now: OffsetDateTime) -> Result<String, MailError> {
    now.to_offset(UtcOffset::UTC)
        .format(format_description!(
            "[year][month][day]T[hour][minute][second].[subsecond digits:9]Z"
        ))
        .map_err(|error| {
            MailError::Transient(format!("the clock's time cannot be formatted: {error}"))
        })
}

// A full disk or a permission problem may be fixed without touching the message.
fn io_failure(path: &Path, error: &std::io::Error) -> MailError {
    MailError::Transient(format!("cannot write {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn file_names_sort_by_time() {
        assert_eq!(
            file_stamp(datetime!(2026-11-25 18:00:00.5 +09:00)).unwrap(),
            "20261125T090000.500000000Z"
        );
    }
}
