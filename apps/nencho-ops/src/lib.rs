//! The operator CLI (platform staff). It works on the same store the web server uses, read from
//! the same settings, and it is safe to run while servers are serving. Operators never see a
//! tenant's data through it (SEC-8): contracts are opened, listed and helped by their site name
//! (slug) only.
//!
//! Every command that works on the store is recorded in the operator activity log (LOG-4) by
//! [`operator_log::OperatorLog`]: who, when, which command, on which contract, and whether it
//! succeeded — never customer data.
//!
//! `tax compute` is the exception that needs neither settings nor a store (and is not logged): it
//! runs the public year-end adjustment calculator on a JSON request read from stdin, through the
//! very function the web API's calculator route calls (`nencho_http::tax_calculator`), so the two
//! cannot answer differently.
//!
//! Exit codes: 0 success, 2 input the operator must correct ([`UsageError`], [`InputRejected`],
//! or a flag clap refuses), 1 anything else.

mod access_log;
mod allow_ip;
mod availability;
mod backup;
mod japan;
mod migrate;
pub mod notice;
pub mod operator_log;
mod secret_key;
pub mod tenant;

use std::fmt;
use std::io::{Read, Write};
use std::sync::Arc;

use anyhow::Context;
use nencho_bootstrap::{Settings, SettingsArgs};
use nencho_kernel::{Clock, SystemClock};

use operator_log::{LogArgs, OperatorLog};
use tenant::TenantCommand;

#[derive(Debug, clap::Parser)]
#[command(
    name = "nencho-ops",
    version,
    about = "nencho 年末調整電子申請 — operator CLI"
)]
pub struct OpsArgs {
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Who runs the command, for the operator activity log. Default: the OS user ($USER or
    /// $LOGNAME), else "unknown".
    #[arg(long, value_name = "NAME", global = true)]
    pub operator: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Apply pending schema migrations to the configured store and list the schema's migrations.
    Migrate,
    /// Contracts (契約): open one, list them, help its ADMIN reset the password.
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// A contract's IP allow-list (SEC-2): list, add, remove, clear.
    AllowIp {
        #[command(subcommand)]
        command: allow_ip::AllowIpCommand,
    },
    /// The operator activity log (LOG-4), newest first.
    Log(LogArgs),
    /// The deployment secret against the key the database records (fingerprints only).
    SecretKey {
        #[command(subcommand)]
        command: secret_key::SecretKeyCommand,
    },
    /// A year's availability (SVC-4): uptime, MTTR and MTBF from the outages the worker
    /// recorded, the regular window and planned maintenance left out.
    Availability(availability::AvailabilityArgs),
    /// A contract's access log (LOG-1): export it as CSV for delivery to that customer on the
    /// customer's request (LOG-2). Hands customer-related records to the operator.
    AccessLog {
        #[command(subcommand)]
        command: access_log::AccessLogCommand,
    },
    /// Maintenance notices (SVC-5, SVC-6): announce, list, cancel. Times in JST.
    Notice {
        #[command(subcommand)]
        command: notice::NoticeCommand,
    },
    /// Backups (BAK-1..3): list them, or take what the plan says is due now.
    Backup {
        #[command(subcommand)]
        command: backup::BackupCommand,
    },
    /// The year-end adjustment calculator (年末調整の計算). Needs no store.
    Tax {
        #[command(subcommand)]
        command: TaxCommand,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum TaxCommand {
    /// Compute one employee's year-end adjustment: the JSON request (as for
    /// `POST /api/v1/tax/{year}/year-end-adjustment`) on stdin, the JSON response on stdout.
    /// Bad input: the error JSON (`{"error": ..., "field": ...}`) on stderr and exit code 2.
    Compute {
        /// The calendar tax year, e.g. 2026 (令和8年分).
        #[arg(long)]
        year: i32,
    },
}

/// The commands that work on the store, each recorded in the operator activity log.
enum StoreCommand {
    Migrate,
    Tenant(TenantCommand),
    AllowIp(allow_ip::AllowIpCommand),
    AccessLog(access_log::AccessLogCommand),
    Log(LogArgs),
    Availability(availability::AvailabilityArgs),
    SecretKey(secret_key::SecretKeyCommand),
    Backup(backup::BackupCommand),
    Notice(notice::NoticeCommand),
}

impl StoreCommand {
    /// The command as the operator log names it.
    fn name(&self) -> &'static str {
        match self {
            Self::Migrate => "migrate",
            Self::Tenant(command) => command.name(),
            Self::AllowIp(command) => command.name(),
            Self::AccessLog(command) => command.name(),
            Self::Log(_) => "log",
            Self::Availability(_) => "availability",
            Self::SecretKey(command) => command.name(),
            Self::Backup(command) => command.name(),
            Self::Notice(command) => command.name(),
        }
    }

    /// The contract's slug as the operator typed it, when the command targets one.
    fn target_slug(&self) -> Option<&str> {
        match self {
            Self::Tenant(command) => command.slug(),
            Self::AllowIp(command) => Some(command.slug()),
            Self::AccessLog(command) => Some(command.slug()),
            Self::Migrate
            | Self::Log(_)
            | Self::Availability(_)
            | Self::SecretKey(_)
            | Self::Backup(_)
            | Self::Notice(_) => None,
        }
    }
}

/// The calculator refused the request (the caller's mistake): `main` prints the error JSON on
/// stderr and exits with code 2.
#[derive(Debug)]
pub struct InputRejected(pub nencho_http::tax_calculator::CalculatorError);

impl InputRejected {
    /// The error as the web API answers it, on one line.
    pub fn to_json_line(&self) -> String {
        self.0.to_json().to_string()
    }
}

impl fmt::Display for InputRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json_line())
    }
}

impl std::error::Error for InputRejected {}

/// Input the operator must correct (a slug the domain refuses, a malformed e-mail address):
/// `main` prints it and exits with code 2, as clap does for a malformed command line.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The process exit code for a failed command: 2 when the operator's input was refused, else 1.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    let refused_input = error
        .chain()
        .any(|cause| cause.is::<UsageError>() || cause.is::<InputRejected>());
    if refused_input { 2 } else { 1 }
}

/// Runs one command, reading its input (if any) from `input` and writing its report to `out`.
pub async fn run(args: OpsArgs, input: &mut dyn Read, out: &mut dyn Write) -> anyhow::Result<()> {
    let command = match args.command {
        // The calculator reads no settings and opens no store, and keeps stderr for its error
        // JSON (no log lines).
        Command::Tax {
            command: TaxCommand::Compute { year },
        } => return tax_compute(year, input, out),
        Command::Migrate => StoreCommand::Migrate,
        Command::Tenant { command } => StoreCommand::Tenant(command),
        Command::AllowIp { command } => StoreCommand::AllowIp(command),
        Command::Log(log) => StoreCommand::Log(log),
        Command::Availability(args) => StoreCommand::Availability(args),
        Command::SecretKey { command } => StoreCommand::SecretKey(command),
        Command::AccessLog { command } => StoreCommand::AccessLog(command),
        Command::Backup { command } => StoreCommand::Backup(command),
        Command::Notice { command } => StoreCommand::Notice(command),
    };
    let settings = Settings::load(&args.settings)?;
    nencho_bootstrap::telemetry::init(&settings.log);
    // Without a store there is nowhere to record the attempt; the error says which store.
    let store = nencho_bootstrap::store::open(&settings.database)
        .await
        .with_context(|| format!("cannot open the store ({})", settings.database.describe()))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let operator =
        operator_log::operator_name(args.operator.as_deref(), |name| std::env::var(name).ok());
    let log = OperatorLog::new(store.clone(), clock.clone(), operator);
    let entry = log.begin(command.name(), command.target_slug());
    let outcome = match command {
        StoreCommand::Migrate => migrate::run(&settings, store, out).await,
        StoreCommand::Tenant(command) => {
            match nencho_bootstrap::context::app_context(&settings, store) {
                Ok(context) => tenant::run(&command, &context, out).await,
                Err(error) => Err(anyhow::Error::new(error).context("cannot load the secret key")),
            }
        }
        StoreCommand::AllowIp(command) => {
            match nencho_bootstrap::context::app_context(&settings, store) {
                Ok(context) => allow_ip::run(&command, &context, out).await,
                Err(error) => Err(anyhow::Error::new(error).context("cannot load the secret key")),
            }
        }
        StoreCommand::Backup(command) => backup::run(&command, &settings, clock.clone(), out).await,
        StoreCommand::AccessLog(command) => access_log::run(&command, store.as_ref(), out).await,
        StoreCommand::Log(log_args) => {
            operator_log::show(store.as_ref(), clock.as_ref(), &log_args, out).await
        }
        StoreCommand::Availability(args) => {
            availability::run(&args, store.as_ref(), clock.as_ref(), out).await
        }
        StoreCommand::SecretKey(command) => {
            secret_key::run(&command, &settings, store.as_ref(), out).await
        }
        StoreCommand::Notice(command) => {
            match nencho_bootstrap::context::app_context(&settings, store) {
                Ok(context) => notice::run(&command, &context, out).await,
                Err(error) => Err(anyhow::Error::new(error).context("cannot load the secret key")),
            }
        }
    };
    log.finish(entry, outcome).await
}

fn tax_compute(year: i32, input: &mut dyn Read, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut request = Vec::new();
    input
        .read_to_end(&mut request)
        .context("cannot read the request from stdin")?;
    let response =
        nencho_http::tax_calculator::compute_from_bytes(year, &request).map_err(InputRejected)?;
    serde_json::to_writer_pretty(&mut *out, &response)?;
    writeln!(out)?;
    Ok(())
}
