//! The operator CLI (platform staff). It works on the same store the web server uses, read from
//! the same settings, and it is safe to run while servers are serving. Operators never see a
//! tenant's data through it (SEC-8).

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
}

/// Runs one command, writing its report to `out`.
pub async fn run(args: OpsArgs, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let settings = Settings::load(&args.settings)?;
    nencho_bootstrap::telemetry::init(&settings.log);
    match args.command {
        Command::Migrate => migrate(&settings, out).await,
    }
}

async fn migrate(settings: &Settings, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
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
