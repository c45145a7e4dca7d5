//! The certificates' receipts (`filing_originals`) and the declarations' count of certificates
//! still awaited (`filings.originals_pending`), read and counted the same way by both stores.

use nencho_filings::{Declaration, OriginalMethod, OriginalReceipt, pending_originals};
use nencho_kernel::{FilingId, UserId};
use nencho_ports::StoreError;

use crate::{RowReader, corrupt};

/// A `filing_originals` row: `original_key, method, at, actor_id, actor_name`.
pub fn receipt(row: &impl RowReader) -> Result<OriginalReceipt, StoreError> {
    let method = row.text("method")?;
    Ok(OriginalReceipt {
        key: row.text("original_key")?,
        method: OriginalMethod::from_code(&method)
            .ok_or_else(|| corrupt(format!("unknown original method {method:?}")))?,
        at: row.timestamp("at")?,
        actor: UserId::from_uuid(row.uuid("actor_id")?),
        actor_name: row.text("actor_name")?,
    })
}

/// A receipt with its declaration (`filing_id` and the columns of [`receipt`]).
pub fn filed_receipt(row: &impl RowReader) -> Result<(FilingId, OriginalReceipt), StoreError> {
    Ok((FilingId::from_uuid(row.uuid("filing_id")?), receipt(row)?))
}

/// The `originals_pending` column of a declaration holding `document` whose receipts are the
/// `received` keys.
pub fn pending_column<S: AsRef<str>>(document: &Declaration, received: &[S]) -> i64 {
    i64::from(pending_originals(document, received))
}

/// The `originals_pending` column before any receipt is read: exact for a new declaration (it
/// has none yet) and for one whose document calls for no certificate. When it is above zero for
/// an existing declaration, the store recounts with the stored receipts.
pub fn pending_without_receipts(document: &Declaration) -> i64 {
    pending_column::<&str>(document, &[])
}
