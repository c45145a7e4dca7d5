//! `nencho-ops migrate`: bring the schema up to date and list its migrations.

use std::io::Write;
use std::sync::Arc;

use anyhow::Context;
use nencho_app::maintenance::ApplyMigrations;
use nencho_bootstrap::Settings;
use nencho_ports::Store;

pub async fn run(
    settings: &Settings,
    store: Arc<dyn Store>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
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
