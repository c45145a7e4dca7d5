//! SVC-4's outages and the maintenance notices overlapping a period: the statements both stores
//! run as they are (bound parameters only), and the row reader.

use nencho_operations::{Outage, OutageCause};
use nencho_ports::StoreError;

use crate::{RowReader, corrupt};

pub const INSERT_OUTAGE: &str = "INSERT INTO outages (cause, started_at, ended_at) \
     VALUES ($1, $2, $3) ON CONFLICT (cause, started_at) DO NOTHING";

/// Overlapping `[$1, $2)`: ending after its start and starting before its end.
pub const OUTAGES_OVERLAPPING: &str = "SELECT cause, started_at, ended_at FROM outages \
     WHERE ended_at > $1 AND started_at < $2 ORDER BY started_at, cause";

pub const NOTICES_OVERLAPPING: &str = "SELECT id, starts_at, ends_at, title, body, \
     affects_users, emergency, announced_at, cancelled_at FROM maintenance_notices \
     WHERE ends_at > $1 AND starts_at < $2 ORDER BY starts_at, id";

/// An `outages` row.
pub fn outage(row: &impl RowReader) -> Result<Outage, StoreError> {
    Ok(Outage {
        cause: OutageCause::from_code(&row.text("cause")?)
            .ok_or_else(|| corrupt("outage cause"))?,
        started_at: row.timestamp("started_at")?,
        ended_at: row.timestamp("ended_at")?,
    })
}
