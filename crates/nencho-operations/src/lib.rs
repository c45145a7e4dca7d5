//! Operations of the platform as pure policy: how long each kind of record is kept, turned into
//! the cut-off times a purge applies (`(policy, now) -> cutoffs`). The worker runs the purge; the
//! stores delete what the cut-offs say.

mod retention;

pub use retention::{Cutoffs, RetentionPolicy};
