//! Backups (BAK-1, BAK-2, BAK-3) as policy: `(policy, now, inventory) -> plan`.
//!
//! BAK-1 asks for a full backup weekly, a differential every 12 hours and a transaction-log
//! backup every 5–10 minutes; BAK-2 keeps backups **at most** 35 days (which also serves SVC-8:
//! a purged contract is gone from every backup within 30 + 35 = 65 days); BAK-3 says they exist
//! for platform failures, not for a customer's own mistakes, so nothing here is per tenant.
//!
//! The planner is pure: given what exists ([`Inventory`]) and the time, it says which backup to
//! take now (if any) and which to expire. A runner (adapters/nencho-backup) carries the plan out,
//! **taking before expiring**, so a run never leaves fewer restore points than it found unless
//! they are past the limit.
//!
//! # Dependencies and the 35-day edge
//!
//! A differential (and a transaction log) is useless without the full backup it is based on: the
//! newest full taken at or before it. BAK-2 is a hard upper bound, so a full is expired once it is
//! 35 days old **together with everything based on it** — the differentials and logs of that
//! week go a little early (the youngest of them is then about 28 days old) rather than the full
//! staying late. A differential is therefore never kept without its full, and no backup outlives
//! 35 days (plus at most the interval between two planner runs; the worker runs it every 5
//! minutes). Recovery stays possible for the whole period because weekly fulls mean a fresh full
//! (≤ 7 days old) always exists long before the oldest one must go; the planner asks for it as
//! soon as the newest full turns 7 days old. Should fulls keep failing for 35 days, the policy
//! still expires the old chain — BAK-2 and SVC-8 win over keeping a stale backup — and asks for a
//! new full in the same run (which the runner takes first).

use nencho_kernel::OffsetDateTime;
use time::Duration;

/// What a backup contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BackupKind {
    /// The whole database; restorable on its own.
    Full,
    /// The changes since the last full backup.
    Differential,
    /// The transaction log (WAL) since an earlier backup: point-in-time recovery.
    Log,
}

impl BackupKind {
    /// The kind as logs, file names and the CLI spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Differential => "diff",
            Self::Log => "log",
        }
    }

    /// The inverse of [`BackupKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "full" => Some(Self::Full),
            "diff" => Some(Self::Differential),
            "log" => Some(Self::Log),
            _ => None,
        }
    }
}

/// A backup's identifier as its runner names it (a file name, a pgBackRest label).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BackupId(pub String);

impl BackupId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for BackupId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One backup that exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub id: BackupId,
    pub kind: BackupKind,
    /// When it was taken (its consistent point in time, or its start).
    pub taken_at: OffsetDateTime,
}

/// The backups that exist, in any order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    backups: Vec<Backup>,
}

impl Inventory {
    pub fn new(mut backups: Vec<Backup>) -> Self {
        backups.sort_by(|a, b| (a.taken_at, &a.id).cmp(&(b.taken_at, &b.id)));
        Self { backups }
    }

    /// Oldest first.
    pub fn backups(&self) -> &[Backup] {
        &self.backups
    }

    pub fn is_empty(&self) -> bool {
        self.backups.is_empty()
    }

    /// The newest backup of one of `kinds`.
    pub fn newest(&self, kinds: &[BackupKind]) -> Option<&Backup> {
        self.backups
            .iter()
            .rev()
            .find(|backup| kinds.contains(&backup.kind))
    }

    /// The full backup `backup` is based on: itself for a full, else the newest full taken at
    /// or before it. `None`: nothing to restore it onto.
    pub fn base_of<'a>(&'a self, backup: &'a Backup) -> Option<&'a Backup> {
        if backup.kind == BackupKind::Full {
            return Some(backup);
        }
        self.backups
            .iter()
            .rev()
            .filter(|candidate| candidate.kind == BackupKind::Full)
            .find(|full| full.taken_at <= backup.taken_at)
    }
}

/// How often each kind of backup is taken and how long backups are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupPolicy {
    /// A full backup when the newest one is this old (BAK-1: weekly).
    pub full_every: Duration,
    /// A differential when the newest full or differential is this old (BAK-1: 12 hours).
    pub differential_every: Duration,
    /// The transaction log is shipped at least this often (BAK-1: 5–10 minutes). Not planned
    /// here: PostgreSQL archives it continuously (`archive_timeout`); the embedded SQLite store
    /// has no log backups (docs/operations.md).
    pub log_every: Duration,
    /// Nothing is kept longer (BAK-2: at most 35 days).
    pub keep: Duration,
}

impl BackupPolicy {
    /// The service's policy (BAK-1, BAK-2).
    pub const STANDARD: BackupPolicy = BackupPolicy {
        full_every: Duration::days(7),
        differential_every: Duration::hours(12),
        log_every: Duration::minutes(5),
        keep: Duration::days(35),
    };
}

/// What to do now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupPlan {
    /// The backup to take, if one is due. Taken before anything is expired.
    pub take: Option<BackupKind>,
    /// The backups to delete, oldest first.
    pub expire: Vec<BackupId>,
}

impl BackupPlan {
    pub fn is_empty(&self) -> bool {
        self.take.is_none() && self.expire.is_empty()
    }
}

/// The plan at `now` (see the module documentation for the rules).
pub fn plan(policy: &BackupPolicy, now: OffsetDateTime, inventory: &Inventory) -> BackupPlan {
    let younger_than = |kinds: &[BackupKind], age: Duration| {
        inventory
            .newest(kinds)
            .is_some_and(|backup| now - backup.taken_at < age)
    };
    let take = if !younger_than(&[BackupKind::Full], policy.full_every) {
        Some(BackupKind::Full)
    } else if !younger_than(
        &[BackupKind::Full, BackupKind::Differential],
        policy.differential_every,
    ) {
        Some(BackupKind::Differential)
    } else {
        None
    };
    let too_old = |backup: &Backup| now - backup.taken_at >= policy.keep;
    // Oldest first, so the base of each backup is the last full seen (`Inventory::base_of`).
    let mut base: Option<&Backup> = None;
    let mut expire = Vec::new();
    for backup in inventory.backups() {
        if backup.kind == BackupKind::Full {
            base = Some(backup);
        }
        // Past the limit itself, or based on a full that is (or on none at all).
        if too_old(backup) || base.is_none_or(too_old) {
            expire.push(backup.id.clone());
        }
    }
    BackupPlan { take, expire }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn backup(id: &str, kind: BackupKind, taken_at: OffsetDateTime) -> Backup {
        Backup {
            id: BackupId(id.to_owned()),
            kind,
            taken_at,
        }
    }

    const NOW: OffsetDateTime = datetime!(2026-11-26 02:00 UTC);

    #[test]
    fn an_empty_inventory_asks_for_a_full_backup() {
        let plan = plan(&BackupPolicy::STANDARD, NOW, &Inventory::default());
        assert_eq!(plan.take, Some(BackupKind::Full));
        assert!(plan.expire.is_empty());
    }

    #[test]
    fn a_differential_follows_twelve_hours_after_the_last_full_or_differential() {
        let inventory = Inventory::new(vec![
            backup("f", BackupKind::Full, NOW - Duration::days(2)),
            backup("d", BackupKind::Differential, NOW - Duration::hours(11)),
        ]);
        assert_eq!(
            plan(&BackupPolicy::STANDARD, NOW, &inventory).take,
            None,
            "the differential is 11 hours old"
        );
        let later = NOW + Duration::hours(1);
        assert_eq!(
            plan(&BackupPolicy::STANDARD, later, &inventory).take,
            Some(BackupKind::Differential)
        );
    }

    #[test]
    fn a_full_is_due_when_the_newest_is_seven_days_old() {
        let inventory = Inventory::new(vec![
            backup("f", BackupKind::Full, NOW - Duration::days(7)),
            backup("d", BackupKind::Differential, NOW - Duration::hours(1)),
        ]);
        assert_eq!(
            plan(&BackupPolicy::STANDARD, NOW, &inventory).take,
            Some(BackupKind::Full)
        );
    }

    #[test]
    fn at_thirty_five_days_a_full_goes_with_everything_based_on_it() {
        let inventory = Inventory::new(vec![
            backup("old-full", BackupKind::Full, NOW - Duration::days(35)),
            backup(
                "old-diff",
                BackupKind::Differential,
                NOW - Duration::days(30),
            ),
            backup("old-log", BackupKind::Log, NOW - Duration::days(29)),
            backup("full", BackupKind::Full, NOW - Duration::days(28)),
            backup("diff", BackupKind::Differential, NOW - Duration::days(27)),
            backup("new", BackupKind::Full, NOW - Duration::hours(1)),
        ]);
        let plan = plan(&BackupPolicy::STANDARD, NOW, &inventory);
        let expired: Vec<&str> = plan.expire.iter().map(BackupId::as_str).collect();
        assert_eq!(expired, ["old-full", "old-diff", "old-log"]);
        assert_eq!(plan.take, None);
    }

    #[test]
    fn a_backup_without_any_full_before_it_is_expired() {
        let inventory = Inventory::new(vec![
            backup("orphan", BackupKind::Differential, NOW - Duration::days(1)),
            backup("full", BackupKind::Full, NOW - Duration::hours(1)),
        ]);
        let plan = plan(&BackupPolicy::STANDARD, NOW, &inventory);
        assert_eq!(plan.expire, [BackupId("orphan".into())]);
    }

    #[test]
    fn when_fulls_stopped_for_five_weeks_the_old_chain_still_goes_and_a_full_is_asked_for() {
        let inventory = Inventory::new(vec![
            backup("full", BackupKind::Full, NOW - Duration::days(36)),
            backup("diff", BackupKind::Differential, NOW - Duration::hours(2)),
        ]);
        let plan = plan(&BackupPolicy::STANDARD, NOW, &inventory);
        assert_eq!(plan.take, Some(BackupKind::Full));
        assert_eq!(
            plan.expire,
            [BackupId("full".into()), BackupId("diff".into())]
        );
    }

    fn kind() -> impl Strategy<Value = BackupKind> {
        prop_oneof![
            Just(BackupKind::Full),
            Just(BackupKind::Differential),
            Just(BackupKind::Log)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Running the planner every hour for 120 days (taking what it asks for, then expiring,
        /// with the transaction log shipped in between), starting from any inventory, keeps the
        /// policy: after the first run, nothing is older than 35 days plus one run interval, a
        /// full is at most 7 days old, a full or differential at most 12 hours old, and every
        /// kept differential and log has its full kept.
        #[test]
        fn hourly_runs_for_120_days_keep_the_policy(
            start_minutes in 0i64..(60 * 24 * 365),
            existing in proptest::collection::vec((kind(), 0i64..(60 * 24 * 60)), 0..40),
            run_minute in 0i64..60,
        ) {
            let policy = BackupPolicy::STANDARD;
            let interval = Duration::hours(1);
            let start = NOW + Duration::minutes(start_minutes) + Duration::minutes(run_minute);
            let mut backups: Vec<Backup> = existing
                .iter()
                .enumerate()
                .map(|(n, (kind, minutes_ago))| {
                    backup(&format!("old-{n}"), *kind, start - Duration::minutes(*minutes_ago))
                })
                .collect();
            let mut next_id = 0u32;
            for hour in 0..(24 * 120) {
                let now = start + interval * hour;
                if hour > 0 && hour % 24 == 0 {
                    // The log shipped since the last run (one a day stands for them all: the
                    // real ones every 5 minutes would only make the simulation slow).
                    next_id += 1;
                    backups.push(backup(&format!("log-{next_id}"), BackupKind::Log, now - Duration::minutes(5)));
                }
                if hour > 0 {
                    // Just before this run: the ages the last run left, one interval on.
                    for existing in &backups {
                        prop_assert!(now - existing.taken_at <= policy.keep + interval);
                    }
                }
                let plan = plan(&policy, now, &Inventory::new(backups.clone()));
                if let Some(kind) = plan.take {
                    prop_assert_ne!(kind, BackupKind::Log);
                    next_id += 1;
                    backups.push(backup(&format!("b-{next_id}"), kind, now));
                }
                let expired: std::collections::HashSet<&BackupId> = plan.expire.iter().collect();
                backups.retain(|backup| !expired.contains(&backup.id));

                let inventory = Inventory::new(backups.clone());
                let mut full_seen = false;
                for kept in inventory.backups() {
                    prop_assert!(now - kept.taken_at < policy.keep, "{kept:?} kept at {now}");
                    // Oldest first: a full before it means its base (the newest such) is kept.
                    full_seen |= kept.kind == BackupKind::Full;
                    prop_assert!(full_seen, "{kept:?} kept without its full");
                }
                let full = inventory.newest(&[BackupKind::Full]);
                prop_assert!(full.is_some_and(|full| now - full.taken_at < policy.full_every));
                let recent = inventory.newest(&[BackupKind::Full, BackupKind::Differential]);
                prop_assert!(recent.is_some_and(|recent| now - recent.taken_at < policy.differential_every));
            }
        }
    }
}
