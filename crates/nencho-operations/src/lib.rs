//! Operations of the platform as pure policy: how long each kind of record is kept, turned into
//! the cut-off times a purge applies (`(policy, now) -> cutoffs`). The worker runs the purge; the
//! stores delete what the cut-offs say.

mod access_log;
pub mod availability;
mod backup;
pub mod maintenance;
mod retention;

pub use access_log::{
    AccessRecord, PATH_MAX_CHARS, USER_AGENT_MAX_CHARS, path_without_query, user_agent_of,
};
pub use availability::{
    AvailabilityReport, Outage, OutageCause, OutageTracker, Span, availability,
};
pub use backup::{Backup, BackupId, BackupKind, BackupPlan, BackupPolicy, Inventory, plan};
pub use maintenance::{
    MaintenanceNotice, NoticeError, PlannedMaintenance, check_announcement, earliest_planned_start,
    is_in_regular_window, japan_time_en, japan_time_ja,
};
pub use retention::{Cutoffs, RetentionPolicy};
