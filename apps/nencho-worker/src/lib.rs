//! The maintenance worker: retention, purges, backups, notices and outbox delivery run here on
//! schedule. Today it delivers the mail outbox (alongside any web servers: each mail goes to one
//! deliverer only), runs the retention purge and the contract jobs (end after the last day,
//! purge 30 days later) hourly, sends the automatic reminders before the filing deadline every
//! 10 minutes ([`run_reminders`]) and the reviewers' business-day digest with them
//! ([`run_review_digests`]), runs the backup plan every 5 minutes ([`backup`]: SQLite
//! snapshots, or pgBackRest for PostgreSQL when a stanza is configured), watches the store's
//! health (and the web servers' with `probe_url`) every 30 seconds, recording outages for the
//! availability report ([`health`]), and stops cleanly on a signal.

pub mod backup;
pub mod health;

use std::future::Future;
use std::time::Duration;

use anyhow::Context;
use nencho_app::AppContext;
use nencho_app::contract_end::{ContractEndJobs, ContractJobReport};
use nencho_app::filings::auto_reminders::{ReminderReport, send_due_reminders};
use nencho_app::filings::review_digest::{DigestReport, send_due_review_digests};
use nencho_app::maintenance::PurgeExpired;
use nencho_app::outbox::OutboxDelivery;
use nencho_app::readiness::CheckReadiness;
use nencho_bootstrap::{Settings, SettingsArgs};

#[derive(Debug, clap::Parser)]
#[command(
    name = "nencho-worker",
    version,
    about = "nencho 年末調整電子申請 — maintenance worker"
)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// How often the retention purge runs (first at start). Hourly keeps each purge small; a day's
/// precision is all the 90-day rule needs.
const PURGE_INTERVAL: Duration = Duration::from_secs(3600);

/// How often the contract jobs run (first at start): end the contracts whose last day is over,
/// purge those 30 days past it (SVC-3, SVC-8). Hourly: a contract ends within the first hour of
/// the day after its last day, and the purge's margin against the 65 days is almost a day.
const CONTRACT_INTERVAL: Duration = Duration::from_secs(3600);

/// How often the automatic reminders before the filing deadline are looked for (first at
/// start). A reminder is due from 09:00 Japan time on its day; every 10 minutes sends it by
/// 09:10. Each run asks the store what was sent, so running more often (or several workers)
/// sends nothing twice.
const REMINDER_INTERVAL: Duration = Duration::from_secs(600);

/// One run of the automatic reminders (YEA-4) at the context's clock, logged: which company got
/// which reminder, what failed (retried next run).
pub async fn run_reminders(context: &AppContext) -> Option<ReminderReport> {
    match send_due_reminders(context, context.clock.now()).await {
        Ok(report) => {
            for sent in &report.sent {
                tracing::info!(
                    tenant = %sent.tenant.as_str(),
                    company = %sent.company_id,
                    tax_year = sent.tax_year.year(),
                    reminder_day = %sent.reminder.day,
                    days_before = sent.reminder.days_before,
                    reminded = sent.outcome.done,
                    without_email = sent.outcome.without_email,
                    "filing reminders sent"
                );
            }
            for sent in &report.own_deadlines {
                tracing::info!(
                    tenant = %sent.tenant.as_str(),
                    company = %sent.company_id,
                    filing = %sent.filing_id,
                    reminder_day = %sent.reminder.day,
                    days_before = sent.reminder.days_before,
                    mailed = sent.mailed,
                    "own-deadline reminder sent"
                );
            }
            for (slug, company, error) in &report.failed {
                let company = company.map(|id| id.to_string()).unwrap_or_default();
                tracing::warn!(tenant = %slug.as_str(), company, %error, "filing reminders failed; will retry");
            }
            tracing::info!(
                companies = report.sent.len(),
                own_deadlines = report.own_deadlines.len(),
                mails = report.mails(),
                already_sent = report.already_sent,
                failed = report.failed.len(),
                "filing reminders done"
            );
            Some(report)
        }
        Err(error) => {
            tracing::warn!(%error, "filing reminders failed; will retry");
            None
        }
    }
}

/// One run of the reviewers' morning digest (提出状況のお知らせ) at the context's clock, logged:
/// which contract's day was sent with how many mails, what failed (retried next run). It runs
/// with the reminders, every [`REMINDER_INTERVAL`]: a digest due from 08:00 goes by 08:10.
pub async fn run_review_digests(context: &AppContext) -> Option<DigestReport> {
    match send_due_review_digests(context, context.clock.now()).await {
        Ok(report) => {
            for sent in &report.sent {
                tracing::info!(
                    tenant = %sent.tenant.as_str(),
                    digest_day = %sent.day,
                    tax_year = sent.tax_year.year(),
                    new = sent.new,
                    mails = sent.mails,
                    "review digest sent"
                );
            }
            for (slug, error) in &report.failed {
                tracing::warn!(tenant = %slug.as_str(), %error, "review digest failed; will retry");
            }
            if !report.sent.is_empty() || !report.failed.is_empty() {
                tracing::info!(
                    contracts = report.sent.len(),
                    mails = report.mails(),
                    already_sent = report.already_sent,
                    failed = report.failed.len(),
                    "review digests done"
                );
            }
            Some(report)
        }
        Err(error) => {
            tracing::warn!(%error, "review digests failed; will retry");
            None
        }
    }
}

/// One run of the contract jobs, logged: what ended, what was purged (rows per table, as the
/// record that the data is gone), what failed (retried next run).
pub async fn run_contract_jobs(jobs: &ContractEndJobs) -> Option<ContractJobReport> {
    match jobs.execute().await {
        Ok(report) => {
            for slug in &report.ended {
                tracing::info!(tenant = %slug.as_str(), "contract ended");
            }
            for (slug, rows) in &report.purged {
                let deleted: u64 = rows.iter().map(|table| table.rows).sum();
                let tables = rows
                    .iter()
                    .map(|table| format!("{}={}", table.table, table.rows))
                    .collect::<Vec<_>>()
                    .join(",");
                tracing::info!(tenant = %slug.as_str(), deleted, tables, "contract purged");
            }
            for (slug, error) in &report.failed {
                tracing::warn!(tenant = %slug.as_str(), %error, "contract job failed; will retry");
            }
            tracing::info!(
                ended = report.ended.len(),
                purged = report.purged.len(),
                failed = report.failed.len(),
                "contract jobs done"
            );
            Some(report)
        }
        Err(error) => {
            tracing::warn!(%error, "contract jobs failed; will retry");
            None
        }
    }
}

/// Runs until `shutdown` completes.
pub async fn run(settings: Settings, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    let store = nencho_bootstrap::store::open(&settings.database)
        .await
        .with_context(|| format!("cannot open the store ({})", settings.database.describe()))?;
    let readiness = CheckReadiness::new(store.clone());
    let clock: std::sync::Arc<dyn nencho_kernel::Clock> =
        std::sync::Arc::new(nencho_kernel::SystemClock);
    let mailer = nencho_bootstrap::mail::open(&settings.mail, clock.clone())
        .context("the mail settings are not usable")?;
    let (stop_delivery, delivery_stopped) = tokio::sync::watch::channel(false);
    let delivery = tokio::spawn(nencho_bootstrap::outbox::deliver_until_stopped(
        OutboxDelivery {
            store: store.clone(),
            mailer,
            clock: clock.clone(),
        },
        delivery_stopped,
    ));
    tracing::info!(
        store = %settings.database.describe(),
        mail = %settings.mail.describe(),
        probe = settings.probe_url.as_deref().unwrap_or("none (the store's outages only)"),
        "worker ready"
    );

    let contract_jobs = ContractEndJobs {
        store: store.clone(),
        clock: clock.clone(),
    };
    let mut reminders_context = nencho_bootstrap::context::app_context(&settings, store.clone())
        .context("cannot load the secret key")?;
    reminders_context.clock = clock.clone();
    let backups = backup::backup_runner(&settings, clock.clone())
        .await
        .context("cannot set up backups")?;
    match &backups {
        Some(runner) => tracing::info!(backups = %runner.describe(), "backups scheduled"),
        None => {
            tracing::info!("no backups from this worker (PostgreSQL without pgbackrest_stanza)")
        }
    }
    let (stop_backups, backups_stopped) = tokio::sync::watch::channel(false);
    let backup_task = backups.map(|runner| {
        tokio::spawn(backup::run_until_stopped(
            runner,
            clock.clone(),
            backups_stopped,
        ))
    });
    let mut health = health::HealthChecks::new(
        readiness,
        store.clone(),
        settings.probe_url.as_deref(),
        clock.clone(),
    )
    .context("cannot set up the web probe")?;
    let purge = PurgeExpired {
        store: store.clone(),
        clock,
        retention: nencho_operations::RetentionPolicy::STANDARD,
        sessions: settings.session_policy,
    };
    let mut ticks = tokio::time::interval(health::HEALTH_INTERVAL);
    let mut purges = tokio::time::interval(PURGE_INTERVAL);
    purges.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut contract_runs = tokio::time::interval(CONTRACT_INTERVAL);
    contract_runs.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut reminder_runs = tokio::time::interval(REMINDER_INTERVAL);
    reminder_runs.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            _ = purges.tick() => match purge.execute().await {
                Ok(report) => tracing::info!(
                    operator_actions = report.operator_actions,
                    sessions = report.sessions,
                    tokens = report.tokens,
                    mails = report.mails,
                    access_records = report.access_records,
                    "retention purge done"
                ),
                Err(error) => tracing::warn!(%error, "retention purge failed; will retry"),
            },
            _ = contract_runs.tick() => {
                run_contract_jobs(&contract_jobs).await;
            }
            _ = reminder_runs.tick() => {
                run_reminders(&reminders_context).await;
                run_review_digests(&reminders_context).await;
            }
            _ = ticks.tick() => health.run_once().await,
        }
    }
    let _ = stop_delivery.send(true);
    let _ = stop_backups.send(true);
    if let Some(task) = backup_task {
        // Between runs it stops by itself; during one, the backup is abandoned (see backup.rs).
        task.abort();
        let _ = task.await;
    }
    let _ = delivery.await;
    tracing::info!("worker stopped");
    Ok(())
}

pub async fn main_with(args: WorkerArgs) -> anyhow::Result<()> {
    let settings = Settings::load(&args.settings)?;
    nencho_bootstrap::telemetry::init(&settings.log);
    run(settings, nencho_bootstrap::shutdown::signal()).await
}
