//! Typed configuration. Precedence, highest first: command-line flag, `NENCHO_*` environment
//! variable, the configuration file, the built-in default. With nothing configured at all the
//! server runs on SQLite under `./data` at `127.0.0.1:8080`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use nencho_identity::{PasswordPolicy, SessionPolicy};
use nencho_kernel::EmailAddress;
use nencho_tenancy::SiteAddress;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use time::Duration;

/// The flags every app accepts; each also reads its `NENCHO_*` variable.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct SettingsArgs {
    /// Configuration file (TOML). Default: ./nencho.toml when it exists.
    #[arg(long, env = "NENCHO_CONFIG", value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Directory for the embedded database and other local files. Default: ./data
    #[arg(long, env = "NENCHO_DATA_DIR", value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// postgres://… for PostgreSQL, or sqlite://FILE. Default: SQLite in the data directory.
    #[arg(
        long,
        env = "NENCHO_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<String>,
    /// Address the web server listens on. Default: 127.0.0.1:8080
    #[arg(long, env = "NENCHO_LISTEN", value_name = "ADDR", global = true)]
    pub listen: Option<SocketAddr>,
    /// Address of a second, private listener serving Prometheus metrics at GET /metrics (MON-3;
    /// never expose it publicly). Default: none (no metrics listener)
    #[arg(
        long,
        env = "NENCHO_METRICS_LISTEN",
        value_name = "ADDR",
        global = true
    )]
    pub metrics_listen: Option<SocketAddr>,
    /// Proxies (load balancers) in front of the web server, as IP addresses or CIDR networks,
    /// comma-separated: only a request from one of them has its X-Forwarded-For believed, and
    /// the client is the nearest address in it that is not a trusted proxy. Default: none (the
    /// socket's peer is the client)
    #[arg(
        long,
        env = "NENCHO_TRUSTED_PROXIES",
        value_name = "CIDR,...",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<String>,
    /// Log filter (tracing EnvFilter syntax, e.g. "info" or "nencho_http=debug"). Default: info
    #[arg(long, env = "NENCHO_LOG", value_name = "FILTER", global = true)]
    pub log: Option<String>,
    /// Tenant sites are `{slug}.{base_domain}`. Default: localhost
    #[arg(long, env = "NENCHO_BASE_DOMAIN", value_name = "DOMAIN", global = true)]
    pub base_domain: Option<String>,
    /// Scheme of the public site URLs: http or https (behind a TLS proxy). Default: http
    #[arg(long, env = "NENCHO_SITE_SCHEME", value_name = "SCHEME", global = true)]
    pub site_scheme: Option<String>,
    /// Port of the public site URLs. Default: the listen port for http, none for https.
    #[arg(long, env = "NENCHO_SITE_PORT", value_name = "PORT", global = true)]
    pub site_port: Option<u16>,
    /// Minimum password length in characters (NIST SP 800-63B: at least 15). Default: 15
    #[arg(
        long,
        env = "NENCHO_PASSWORD_MIN_LENGTH",
        value_name = "N",
        global = true
    )]
    pub password_min_length: Option<usize>,
    /// Minutes without a request after which a session ends. Default: 30
    #[arg(
        long,
        env = "NENCHO_SESSION_IDLE_MINUTES",
        value_name = "MINUTES",
        global = true
    )]
    pub session_idle_minutes: Option<u32>,
    /// Hours after login at which a session ends however active. Default: 12
    #[arg(
        long,
        env = "NENCHO_SESSION_ABSOLUTE_HOURS",
        value_name = "HOURS",
        global = true
    )]
    pub session_absolute_hours: Option<u32>,
    /// pgBackRest stanza of the PostgreSQL store: with it the worker takes the full and
    /// differential backups (BAK-1) with `pgbackrest --stanza=…`. Default: none (no backups run
    /// for PostgreSQL; SQLite is snapshotted regardless)
    #[arg(
        long,
        env = "NENCHO_PGBACKREST_STANZA",
        value_name = "STANZA",
        global = true
    )]
    pub pgbackrest_stanza: Option<String>,
    /// The platform's support address, shown to tenant administrators (SVC-7: support requests
    /// come by e-mail from the contract's contact). Default: none shown
    #[arg(
        long,
        env = "NENCHO_SUPPORT_EMAIL",
        value_name = "ADDRESS",
        global = true
    )]
    pub support_email: Option<String>,
    /// A web server's own address for the worker to check every 30 seconds (`{URL}/readyz`),
    /// recording the outages of the availability report (SVC-4). Plain http: the server itself,
    /// not the TLS proxy. Default: none (only the store's outages are recorded)
    #[arg(long, env = "NENCHO_PROBE_URL", value_name = "URL", global = true)]
    pub probe_url: Option<String>,
    #[command(flatten)]
    pub mail: crate::mail::MailArgs,
}

/// The configuration file's shape: the same settings as the flags, all optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    listen: Option<SocketAddr>,
    metrics_listen: Option<SocketAddr>,
    trusted_proxies: Option<Vec<String>>,
    log: Option<String>,
    base_domain: Option<String>,
    site_scheme: Option<String>,
    site_port: Option<u16>,
    password_min_length: Option<usize>,
    session_idle_minutes: Option<u32>,
    session_absolute_hours: Option<u32>,
    pgbackrest_stanza: Option<String>,
    support_email: Option<String>,
    probe_url: Option<String>,
    /// Secret for CSRF tokens and sealing; every server of a deployment needs the same one.
    secret_key: Option<String>,
    /// The secret being replaced, while a rotation re-seals what it sealed.
    previous_secret_key: Option<String>,
    #[serde(default)]
    mail: crate::mail::MailFileSettings,
}

/// Which store the apps use.
#[derive(Debug, Clone)]
pub enum DatabaseSettings {
    /// The embedded default: one SQLite file.
    Sqlite { path: PathBuf },
    /// Production: a PostgreSQL URL (may carry a password, so it never prints).
    Postgres { url: SecretString },
}

/// The resolved settings of one process.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    /// Where GET /metrics is served (a private address); `None`: nowhere.
    pub metrics_listen: Option<SocketAddr>,
    pub data_dir: PathBuf,
    pub database: DatabaseSettings,
    /// The proxies whose X-Forwarded-For is believed (none: the socket's peer is the client).
    pub trusted_proxies: Vec<IpNet>,
    pub log: String,
    pub site: SiteAddress,
    pub password_policy: PasswordPolicy,
    pub session_policy: SessionPolicy,
    /// `None`: generated once and kept in the data directory (fine for one server).
    pub secret_key: Option<SecretString>,
    /// The deployment secret being replaced (rotation): what it sealed is re-sealed with
    /// `secret_key` at the next start. `None`: no rotation (or, for a generated key, the data
    /// directory's `secret.key.previous`).
    pub previous_secret_key: Option<SecretString>,
    pub mail: crate::mail::MailSettings,
    /// The pgBackRest stanza the worker backs PostgreSQL up with (`None`: no PostgreSQL backups
    /// from the worker).
    pub pgbackrest_stanza: Option<String>,
    /// Where support requests go (SVC-7), shown to tenant administrators.
    pub support_email: Option<EmailAddress>,
    /// The web server the worker checks for the availability report (`None`: the store only).
    pub probe_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the configuration file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    ParseFile { path: PathBuf, message: String },
    #[error(
        "database_url must start with postgres://, postgresql:// or sqlite:// (got {scheme:?})"
    )]
    DatabaseScheme { scheme: String },
    #[error("{setting}: {message}")]
    Invalid {
        setting: &'static str,
        message: String,
    },
}

impl Settings {
    pub const DEFAULT_LISTEN: &'static str = "127.0.0.1:8080";
    pub const DEFAULT_DATA_DIR: &'static str = "data";
    pub const DEFAULT_CONFIG_FILE: &'static str = "nencho.toml";
    pub const DEFAULT_LOG: &'static str = "info";

    /// Resolves the settings from parsed flags/variables and the configuration file.
    pub fn load(args: &SettingsArgs) -> Result<Self, SettingsError> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None if Path::new(Self::DEFAULT_CONFIG_FILE).is_file() => {
                read_file(Path::new(Self::DEFAULT_CONFIG_FILE))?
            }
            None => FileSettings::default(),
        };
        Self::resolve(args, file)
    }

    fn resolve(args: &SettingsArgs, file: FileSettings) -> Result<Self, SettingsError> {
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from(Self::DEFAULT_DATA_DIR));
        let database = match args.database_url.clone().or(file.database_url.clone()) {
            None => DatabaseSettings::Sqlite {
                path: data_dir.join("nencho.sqlite3"),
            },
            Some(url) => database_from_url(url)?,
        };
        let listen = match args.listen.or(file.listen) {
            Some(listen) => listen,
            None => default_listen(),
        };
        let metrics_listen = args.metrics_listen.or(file.metrics_listen);
        if metrics_listen == Some(listen) && listen.port() != 0 {
            return Err(SettingsError::Invalid {
                setting: "metrics_listen",
                message: "must differ from listen: metrics are not served on the public listener"
                    .into(),
            });
        }
        let trusted_proxies = trusted_proxies(args, &file)?;
        let log = args
            .log
            .clone()
            .or(file.log.clone())
            .unwrap_or_else(|| Self::DEFAULT_LOG.to_owned());
        let site = site_address(args, &file, listen)?;
        let minimum_length = args
            .password_min_length
            .or(file.password_min_length)
            .unwrap_or(PasswordPolicy::DEFAULT_MINIMUM_LENGTH);
        if !(8..=64).contains(&minimum_length) {
            return Err(SettingsError::Invalid {
                setting: "password_min_length",
                message: "must be between 8 and 64".into(),
            });
        }
        let defaults = SessionPolicy::default();
        let idle = args.session_idle_minutes.or(file.session_idle_minutes);
        let absolute = args.session_absolute_hours.or(file.session_absolute_hours);
        let session_policy = SessionPolicy {
            idle_timeout: idle.map_or(defaults.idle_timeout, |m| {
                Duration::minutes(i64::from(m.max(1)))
            }),
            absolute_lifetime: absolute.map_or(defaults.absolute_lifetime, |h| {
                Duration::hours(i64::from(h.max(1)))
            }),
        };
        let secret_key = std::env::var("NENCHO_SECRET_KEY")
            .ok()
            .or(file.secret_key.clone())
            .map(SecretString::from);
        let previous_secret_key = std::env::var("NENCHO_PREVIOUS_SECRET_KEY")
            .ok()
            .or(file.previous_secret_key.clone())
            .map(SecretString::from);
        let pgbackrest_stanza = args
            .pgbackrest_stanza
            .clone()
            .or(file.pgbackrest_stanza.clone())
            .map(|stanza| stanza.trim().to_owned())
            .filter(|stanza| !stanza.is_empty());
        if let Some(stanza) = &pgbackrest_stanza
            && !stanza
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        {
            return Err(SettingsError::Invalid {
                setting: "pgbackrest_stanza",
                message: format!("{stanza:?} is not a stanza name (letters, digits, - and _)"),
            });
        }
        let support_email = args
            .support_email
            .clone()
            .or(file.support_email.clone())
            .map(|address| {
                EmailAddress::parse(address.trim()).map_err(|error| SettingsError::Invalid {
                    setting: "support_email",
                    message: error.to_string(),
                })
            })
            .transpose()?;
        let probe_url = args
            .probe_url
            .clone()
            .or(file.probe_url.clone())
            .map(|url| probe_url_of(&url))
            .transpose()?;
        let mail = crate::mail::MailSettings::resolve(&args.mail, file.mail, &data_dir)?;
        Ok(Self {
            listen,
            metrics_listen,
            data_dir,
            database,
            trusted_proxies,
            log,
            site,
            password_policy: PasswordPolicy { minimum_length },
            session_policy,
            secret_key,
            previous_secret_key,
            mail,
            pgbackrest_stanza,
            support_email,
            probe_url,
        })
    }
}

/// The flag (or variable) wins over the file as a whole; each entry must be an address or a
/// network with no host bits set (`10.0.0.7/8` is a typo, not a network).
fn trusted_proxies(args: &SettingsArgs, file: &FileSettings) -> Result<Vec<IpNet>, SettingsError> {
    let texts = if args.trusted_proxies.is_empty() {
        file.trusted_proxies.clone().unwrap_or_default()
    } else {
        args.trusted_proxies.clone()
    };
    texts
        .iter()
        .map(|text| text.trim())
        .filter(|text| !text.is_empty())
        .map(|text| {
            let network = text
                .parse::<IpNet>()
                .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| SettingsError::Invalid {
                    setting: "trusted_proxies",
                    message: format!("{text:?} is not an IP address or CIDR network"),
                })?;
            if network.trunc() != network {
                return Err(SettingsError::Invalid {
                    setting: "trusted_proxies",
                    message: format!(
                        "{text:?} has host bits set (did you mean {}?)",
                        network.trunc()
                    ),
                });
            }
            Ok(network)
        })
        .collect()
}

fn site_address(
    args: &SettingsArgs,
    file: &FileSettings,
    listen: SocketAddr,
) -> Result<SiteAddress, SettingsError> {
    let base_domain = args
        .base_domain
        .clone()
        .or_else(|| file.base_domain.clone())
        .unwrap_or_else(|| "localhost".to_owned())
        .trim_matches('.')
        .to_ascii_lowercase();
    if base_domain.is_empty()
        || !base_domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return Err(SettingsError::Invalid {
            setting: "base_domain",
            message: format!("{base_domain:?} is not a DNS name"),
        });
    }
    let scheme = args
        .site_scheme
        .clone()
        .or_else(|| file.site_scheme.clone())
        .unwrap_or_else(|| "http".to_owned());
    if scheme != "http" && scheme != "https" {
        return Err(SettingsError::Invalid {
            setting: "site_scheme",
            message: "must be http or https".into(),
        });
    }
    let port = args
        .site_port
        .or(file.site_port)
        .or_else(|| (scheme == "http").then(|| listen.port()));
    Ok(SiteAddress {
        scheme,
        base_domain,
        port,
    })
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn read_file(path: &Path) -> Result<FileSettings, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsError::ReadFile {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|error| SettingsError::ParseFile {
        path: path.to_owned(),
        message: error.to_string(),
    })
}

fn database_from_url(url: String) -> Result<DatabaseSettings, SettingsError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(DatabaseSettings::Postgres {
            url: SecretString::from(url),
        });
    }
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = path.split_once('?').map_or(path, |(path, _)| path);
        return Ok(DatabaseSettings::Sqlite {
            path: PathBuf::from(path),
        });
    }
    let scheme = url
        .split_once(':')
        .map_or("", |(scheme, _)| scheme)
        .to_owned();
    Err(SettingsError::DatabaseScheme { scheme })
}

impl DatabaseSettings {
    /// For logs: which store, without credentials.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite { path } => format!("sqlite {}", path.display()),
            Self::Postgres { url } => {
                let url = url.expose_secret();
                let host = url.rsplit_once('@').map_or(url, |(_, host)| host);
                let host = host
                    .trim_start_matches("postgres://")
                    .trim_start_matches("postgresql://");
                format!("postgres {}", host.split('?').next().unwrap_or_default())
            }
        }
    }
}

/// `http://host[:port][/path]` without a trailing slash: the worker adds `/readyz`.
fn probe_url_of(url: &str) -> Result<String, SettingsError> {
    let url = url.trim().trim_end_matches('/');
    let host = url.strip_prefix("http://").unwrap_or_default();
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SettingsError::Invalid {
            setting: "probe_url",
            message: format!(
                "{url:?} is not an http:// address of a web server (the server itself, not the \
                 TLS proxy)"
            ),
        });
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_configured_means_sqlite_under_data_on_localhost_8080() {
        let settings =
            Settings::resolve(&SettingsArgs::default(), FileSettings::default()).unwrap();
        assert_eq!(settings.listen.to_string(), Settings::DEFAULT_LISTEN);
        assert_eq!(settings.data_dir, PathBuf::from("data"));
        assert!(
            matches!(settings.database, DatabaseSettings::Sqlite { ref path } if path == Path::new("data/nencho.sqlite3"))
        );
        assert_eq!(settings.log, "info");
    }

    #[test]
    fn trusted_proxies_come_from_the_flag_or_the_file_and_typos_are_refused() {
        let file: FileSettings =
            toml::from_str("trusted_proxies = [\"10.0.0.0/8\", \"192.0.2.1\"]\n").unwrap();
        let settings = Settings::resolve(&SettingsArgs::default(), file).unwrap();
        let shown: Vec<String> = settings
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.0.2.1/32"]);

        let args = SettingsArgs {
            trusted_proxies: vec!["2001:db8::/32".into()],
            ..Default::default()
        };
        let file: FileSettings = toml::from_str("trusted_proxies = [\"10.0.0.0/8\"]\n").unwrap();
        let settings = Settings::resolve(&args, file).unwrap();
        assert_eq!(settings.trusted_proxies.len(), 1);
        assert_eq!(settings.trusted_proxies[0].to_string(), "2001:db8::/32");

        for typo in ["10.0.0.7/8", "proxy.internal"] {
            let args = SettingsArgs {
                trusted_proxies: vec![typo.into()],
                ..Default::default()
            };
            let error = Settings::resolve(&args, FileSettings::default()).unwrap_err();
            assert!(error.to_string().contains("trusted_proxies"), "{error}");
        }
        let nothing = Settings::resolve(&SettingsArgs::default(), FileSettings::default()).unwrap();
        assert!(nothing.trusted_proxies.is_empty());
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file: FileSettings = toml::from_str(
            "data_dir = \"/srv/nencho\"\nlisten = \"0.0.0.0:9000\"\nlog = \"debug\"\n",
        )
        .unwrap();
        let args = SettingsArgs {
            listen: Some("127.0.0.1:7000".parse().unwrap()),
            ..Default::default()
        };
        let settings = Settings::resolve(&args, file).unwrap();
        assert_eq!(settings.listen.to_string(), "127.0.0.1:7000");
        assert_eq!(settings.data_dir, PathBuf::from("/srv/nencho"));
        assert_eq!(settings.log, "debug");
        assert!(
            matches!(settings.database, DatabaseSettings::Sqlite { ref path } if path == Path::new("/srv/nencho/nencho.sqlite3"))
        );
    }

    #[test]
    fn database_urls_choose_the_store_and_hide_the_password() {
        let args = SettingsArgs {
            database_url: Some("postgres://app:s3cret@db.internal:5432/nencho".into()),
            ..Default::default()
        };
        let settings = Settings::resolve(&args, FileSettings::default()).unwrap();
        assert_eq!(
            settings.database.describe(),
            "postgres db.internal:5432/nencho"
        );
        assert!(!format!("{settings:?}").contains("s3cret"));

        let args = SettingsArgs {
            database_url: Some("sqlite:///tmp/x.db?mode=rwc".into()),
            ..Default::default()
        };
        let settings = Settings::resolve(&args, FileSettings::default()).unwrap();
        assert!(
            matches!(settings.database, DatabaseSettings::Sqlite { ref path } if path == Path::new("/tmp/x.db"))
        );

        let args = SettingsArgs {
            database_url: Some("mysql://x".into()),
            ..Default::default()
        };
        assert!(matches!(
            Settings::resolve(&args, FileSettings::default()),
            Err(SettingsError::DatabaseScheme { ref scheme }) if scheme == "mysql"
        ));
    }

    #[test]
    fn the_metrics_listener_is_off_by_default_and_never_the_public_one() {
        let settings =
            Settings::resolve(&SettingsArgs::default(), FileSettings::default()).unwrap();
        assert_eq!(settings.metrics_listen, None);

        let file: FileSettings = toml::from_str("metrics_listen = \"127.0.0.1:9100\"\n").unwrap();
        let settings = Settings::resolve(&SettingsArgs::default(), file).unwrap();
        assert_eq!(
            settings.metrics_listen,
            Some("127.0.0.1:9100".parse().unwrap())
        );

        let args = SettingsArgs {
            metrics_listen: Some("127.0.0.1:8080".parse().unwrap()),
            ..Default::default()
        };
        assert!(matches!(
            Settings::resolve(&args, FileSettings::default()),
            Err(SettingsError::Invalid {
                setting: "metrics_listen",
                ..
            })
        ));
    }

    #[test]
    fn a_misspelt_setting_in_the_file_is_an_error_naming_it() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("nencho.toml");
        std::fs::write(&path, "listne = \"0.0.0.0:80\"\n").unwrap();
        let args = SettingsArgs {
            config: Some(path),
            ..Default::default()
        };
        let error = Settings::load(&args).unwrap_err().to_string();
        assert!(error.contains("listne"), "{error}");
    }

    #[test]
    fn the_support_address_is_optional_and_must_be_an_address() {
        let nothing = Settings::resolve(&SettingsArgs::default(), FileSettings::default()).unwrap();
        assert_eq!(nothing.support_email, None);
        let file: FileSettings =
            toml::from_str("support_email = \"support@nencho.example\"\n").unwrap();
        let settings = Settings::resolve(&SettingsArgs::default(), file).unwrap();
        assert_eq!(
            settings.support_email.map(|address| address.to_string()),
            Some("support@nencho.example".to_owned())
        );
        let args = SettingsArgs {
            support_email: Some("not an address".into()),
            ..Default::default()
        };
        let error = Settings::resolve(&args, FileSettings::default()).unwrap_err();
        assert!(error.to_string().contains("support_email"), "{error}");
    }

    #[test]
    fn the_probe_url_is_a_plain_http_address() {
        let file: FileSettings =
            toml::from_str("probe_url = \"http://10.0.1.10:8080/\"\n").unwrap();
        let settings = Settings::resolve(&SettingsArgs::default(), file).unwrap();
        assert_eq!(settings.probe_url.as_deref(), Some("http://10.0.1.10:8080"));
        for wrong in [
            "https://acme.nencho.example",
            "10.0.1.10:8080",
            "http://",
            "http://a b",
        ] {
            let args = SettingsArgs {
                probe_url: Some(wrong.into()),
                ..SettingsArgs::default()
            };
            let error = Settings::resolve(&args, FileSettings::default()).unwrap_err();
            assert!(error.to_string().contains("probe_url"), "{wrong}: {error}");
        }
    }

    #[test]
    fn the_pgbackrest_stanza_is_optional_and_must_be_a_name() {
        let nothing = Settings::resolve(&SettingsArgs::default(), FileSettings::default()).unwrap();
        assert_eq!(nothing.pgbackrest_stanza, None);
        let file: FileSettings = toml::from_str("pgbackrest_stanza = \"nencho\"\n").unwrap();
        let settings = Settings::resolve(&SettingsArgs::default(), file).unwrap();
        assert_eq!(settings.pgbackrest_stanza.as_deref(), Some("nencho"));
        let args = SettingsArgs {
            pgbackrest_stanza: Some("a b; rm".into()),
            ..SettingsArgs::default()
        };
        assert!(Settings::resolve(&args, FileSettings::default()).is_err());
    }
}
