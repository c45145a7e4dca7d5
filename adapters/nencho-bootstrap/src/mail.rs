//! Mail settings and the mailer they choose: `.eml` files in the data directory (the default, for
//! local use) or SMTP.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use nencho_kernel::Clock;
use nencho_mail_smtp::{FileMailer, MailConfigError, SmtpMailer, SmtpSecurity, SmtpSettings};
use nencho_ports::Mailer;
use secrecy::SecretString;
use serde::Deserialize;

use crate::SettingsError;

#[derive(Debug, Default, Clone, clap::Args)]
pub struct MailArgs {
    /// How mail leaves: "file" (.eml files in MAIL_DIR) or "smtp". Default: file
    #[arg(long, env = "NENCHO_MAIL_MODE", value_name = "MODE", global = true)]
    pub mail_mode: Option<String>,
    /// Directory for .eml files in file mode. Default: DATA_DIR/mail
    #[arg(long, env = "NENCHO_MAIL_DIR", value_name = "DIR", global = true)]
    pub mail_dir: Option<PathBuf>,
    /// Sender of every mail, e.g. "nencho <no-reply@example.jp>".
    #[arg(long, env = "NENCHO_MAIL_FROM", value_name = "MAILBOX", global = true)]
    pub mail_from: Option<String>,
    #[arg(long, env = "NENCHO_SMTP_HOST", value_name = "HOST", global = true)]
    pub smtp_host: Option<String>,
    #[arg(long, env = "NENCHO_SMTP_PORT", value_name = "PORT", global = true)]
    pub smtp_port: Option<u16>,
    /// starttls (default), tls or plain.
    #[arg(long, env = "NENCHO_SMTP_SECURITY", value_name = "MODE", global = true)]
    pub smtp_security: Option<String>,
    #[arg(long, env = "NENCHO_SMTP_USERNAME", value_name = "USER", global = true)]
    pub smtp_username: Option<String>,
}

/// The `[mail]` table of nencho.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailFileSettings {
    mode: Option<String>,
    dir: Option<PathBuf>,
    from: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_security: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
}

#[derive(Debug, Clone)]
pub enum MailTransport {
    File { dir: PathBuf },
    Smtp(SmtpSettings),
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: MailTransport,
    pub from: String,
}

const DEFAULT_FROM: &str = "nencho <no-reply@localhost>";

impl MailSettings {
    pub(crate) fn resolve(
        args: &MailArgs,
        file: MailFileSettings,
        data_dir: &Path,
    ) -> Result<Self, SettingsError> {
        let from = args
            .mail_from
            .clone()
            .or(file.from)
            .unwrap_or_else(|| DEFAULT_FROM.to_owned());
        let mode = args
            .mail_mode
            .clone()
            .or(file.mode)
            .unwrap_or_else(|| "file".to_owned());
        let transport = match mode.as_str() {
            "file" => MailTransport::File {
                dir: args
                    .mail_dir
                    .clone()
                    .or(file.dir)
                    .unwrap_or_else(|| data_dir.join("mail")),
            },
            "smtp" => {
                let host =
                    args.smtp_host
                        .clone()
                        .or(file.smtp_host)
                        .ok_or(SettingsError::Invalid {
                            setting: "smtp_host",
                            message: "required when mail_mode is smtp".into(),
                        })?;
                let security = match args.smtp_security.clone().or(file.smtp_security).as_deref() {
                    None | Some("starttls") => SmtpSecurity::StartTls,
                    Some("tls") => SmtpSecurity::Tls,
                    Some("plain") => SmtpSecurity::Plain,
                    Some(other) => {
                        return Err(SettingsError::Invalid {
                            setting: "smtp_security",
                            message: format!("{other:?}: use starttls, tls or plain"),
                        });
                    }
                };
                let mut smtp = SmtpSettings::new(host, security, from.clone());
                if let Some(port) = args.smtp_port.or(file.smtp_port) {
                    smtp.port = port;
                }
                smtp.username = args.smtp_username.clone().or(file.smtp_username);
                smtp.password = std::env::var("NENCHO_SMTP_PASSWORD")
                    .ok()
                    .or(file.smtp_password)
                    .map(SecretString::from);
                smtp.timeout = Duration::from_secs(30);
                MailTransport::Smtp(smtp)
            }
            other => {
                return Err(SettingsError::Invalid {
                    setting: "mail_mode",
                    message: format!("{other:?}: use file or smtp"),
                });
            }
        };
        Ok(Self { transport, from })
    }

    pub fn describe(&self) -> String {
        match &self.transport {
            MailTransport::File { dir } => format!("file {}", dir.display()),
            MailTransport::Smtp(smtp) => format!("smtp {}:{}", smtp.host, smtp.port),
        }
    }
}

/// The mailer the settings choose.
pub fn open(
    settings: &MailSettings,
    clock: Arc<dyn Clock>,
) -> Result<Arc<dyn Mailer>, MailConfigError> {
    Ok(match &settings.transport {
        MailTransport::File { dir } => {
            Arc::new(FileMailer::new(dir.clone(), &settings.from, clock)?)
        }
        MailTransport::Smtp(smtp) => Arc::new(SmtpMailer::new(smtp.clone(), clock)?),
    })
}
