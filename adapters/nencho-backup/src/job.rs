//! One run of the backup plan: inventory, plan, take, expire.

use nencho_kernel::OffsetDateTime;
use nencho_operations::{BackupId, BackupKind, BackupPolicy, plan};
use nencho_ports::{BackupError, BackupRunner};

/// What one run did.
#[derive(Debug, Default)]
pub struct BackupReport {
    /// The kind the plan asked for.
    pub planned: Option<BackupKind>,
    /// The kind the runner took (a SQLite snapshot is always full).
    pub taken: Option<BackupKind>,
    /// What was deleted.
    pub expired: Vec<BackupId>,
    /// What failed (the take, or an expiry); the next run tries again.
    pub failed: Vec<String>,
}

/// Takes what the plan says at `now`, then expires what it says. Expiry happens even when the
/// take failed: BAK-2's 35 days are a hard limit (SVC-8), and a failed take is retried on the next
/// run. Only reading the inventory failing stops the run (there is nothing to plan on).
pub async fn run_plan(
    runner: &dyn BackupRunner,
    policy: &BackupPolicy,
    now: OffsetDateTime,
) -> Result<BackupReport, BackupError> {
    let inventory = runner.inventory().await?;
    let plan = plan(policy, now, &inventory);
    let mut report = BackupReport {
        planned: plan.take,
        ..BackupReport::default()
    };
    if let Some(kind) = plan.take {
        match runner.take(kind).await {
            Ok(taken) => report.taken = Some(taken),
            Err(error) => report
                .failed
                .push(format!("take {}: {error}", kind.as_str())),
        }
    }
    for id in plan.expire {
        match runner.expire(&id).await {
            Ok(()) => report.expired.push(id),
            Err(error) => report.failed.push(format!("expire {id}: {error}")),
        }
    }
    Ok(report)
}
