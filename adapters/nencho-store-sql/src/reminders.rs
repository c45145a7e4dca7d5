//! The automatic reminders toward a declaration's own deadline (個別の提出期限): which day was
//! claimed for which declaration, read and written the same way by both stores.

use nencho_kernel::{Date, FilingId};
use nencho_ports::StoreError;

use crate::RowReader;

/// The latest day claimed per declaration of the company `$2` and year `$3` (tenant `$1`).
pub const OWN_REMINDERS_SENT: &str = "SELECT r.filing_id, max(r.reminder_day) AS reminder_day \
     FROM own_deadline_reminders r JOIN filings f \
     ON f.tenant_id = r.tenant_id AND f.id = r.filing_id \
     WHERE r.tenant_id = $1 AND f.company_id = $2 AND f.tax_year = $3 \
     GROUP BY r.filing_id";

/// The claim of the day `$3` for the declaration `$2` at `$4`: inserts nothing when claimed
/// before; another tenant's declaration fails the foreign key.
pub const CLAIM_OWN_REMINDER: &str = "INSERT INTO own_deadline_reminders \
     (tenant_id, filing_id, reminder_day, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";

/// A row of [`OWN_REMINDERS_SENT`].
pub fn own_reminder_sent(row: &impl RowReader) -> Result<(FilingId, Date), StoreError> {
    Ok((
        FilingId::from_uuid(row.uuid("filing_id")?),
        row.date("reminder_day")?,
    ))
}
