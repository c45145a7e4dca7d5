//! The operator CLI (platform staff). It works on the same store the web server uses, read from
//! the same settings, and it is safe to run while servers are serving. Operators never see a
//! tenant's data through it (SEC-8).
//!
//! `tax compute` is the exception that needs neither settings nor a store: it runs the public
//! year-end adjustment calculator on a JSON request read from stdin, through the very function
//! the web API's calculator route calls (`nencho_http::tax_calculator`), so the two cannot
//! answer differently.

use std::fmt;
use std::io::{Read, Write};

use anyhow::Context;
use nencho_app::maintenance::ApplyMigrations;
use nencho_bootstrap::{Settings, SettingsArgs};

#[derive(Debug, clap::Parser)]
#[command(
    name = "nencho-ops",
    version,
    about = "nencho 年末調整電子申請 — operator CLI"
)]
pub struct OpsArgs {
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Apply pending schema migrations to the configured store and list the schema's migrations.
    Migrate,
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

/// Runs one command, reading its input (if any) from `input` and writing its report to `out`.
pub async fn run(args: OpsArgs, input: &mut dyn Read, out: &mut dyn Write) -> anyhow::Result<()> {
    match args.command {
        Command::Migrate => {
            let settings = Settings::load(&args.settings)?;
            nencho_bootstrap::telemetry::init(&settings.log);
            migrate(&settings, out).await
        }
        // The calculator reads no settings and opens no store, and keeps stderr for its error
        // JSON (no log lines).
        Command::Tax {
            command: TaxCommand::Compute { year },
        } => tax_compute(year, input, out),
    }
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

async fn migrate(settings: &Settings, out: &mut dyn Write) -> anyhow::Result<()> {
    let store = nencho_bootstrap::store::open(&settings.database)
        .await
        .with_context(|| format!("cannot open the store ({})", settings.database.describe()))?;
    let applied = ApplyMigrations::new(store)
        .execute()
        .await
        .context("migration failed")?;
    writeln!(out, "store: {}", settings.database.describe())?;
    for migration in &applied {
        writeln!(
            out,
            "applied {:>4} {}",
            migration.version, migration.description
        )?;
    }
    writeln!(out, "schema is up to date ({} migrations)", applied.len())?;
    Ok(())
}
