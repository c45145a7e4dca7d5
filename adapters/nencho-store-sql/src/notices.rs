//! Maintenance notices' rows (SVC-6): platform data, the same columns in both stores.

use nencho_kernel::NoticeId;
use nencho_ports::{MaintenanceNotice, PlannedMaintenance, StoreError};

use crate::RowReader;

/// A `maintenance_notices` row.
pub fn maintenance_notice(row: &impl RowReader) -> Result<MaintenanceNotice, StoreError> {
    Ok(MaintenanceNotice {
        id: NoticeId::from_uuid(row.uuid("id")?),
        maintenance: PlannedMaintenance {
            start: row.timestamp("starts_at")?,
            end: row.timestamp("ends_at")?,
            title: row.text("title")?,
            body: row.text("body")?,
            affects_users: row.boolean("affects_users")?,
        },
        emergency: row.boolean("emergency")?,
        announced_at: row.timestamp("announced_at")?,
        cancelled_at: row.optional_timestamp("cancelled_at")?,
    })
}
