//! The access log's rows (LOG-1): one request per row; the client address as text.

use nencho_kernel::{TenantId, UserId};
use nencho_ports::{AccessCursor, AccessPage, AccessRecord, StoreError};

use crate::{RowReader, corrupt};

/// One stored record and the cursor just after it.
pub fn access_record(row: &impl RowReader) -> Result<(AccessRecord, AccessCursor), StoreError> {
    let client_ip = row
        .optional_text("client_ip")?
        .map(|text| {
            text.parse()
                .map_err(|_| corrupt(format!("access_records: client_ip {text:?}")))
        })
        .transpose()?;
    let status = row.integer("status")?;
    let duration_ms = row.integer("duration_ms")?;
    let record = AccessRecord {
        tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
        at: row.timestamp("at")?,
        client_ip,
        user_agent: row.text("user_agent")?,
        method: row.text("method")?,
        path: row.text("path")?,
        route: row.optional_text("route")?,
        status: u16::try_from(status)
            .map_err(|_| corrupt(format!("access_records: status {status}")))?,
        duration_ms: u32::try_from(duration_ms)
            .map_err(|_| corrupt(format!("access_records: duration_ms {duration_ms}")))?,
        request_id: row.optional_text("request_id")?,
        user_id: row.optional_uuid("user_id")?.map(UserId::from_uuid),
    };
    let cursor = AccessCursor {
        at: record.at,
        id: row.uuid("id")?,
    };
    Ok((record, cursor))
}

/// A page of at most `limit` rows: `next` is the cursor after the last row when the page is
/// full (there may be more), else `None`.
pub fn page(
    rows: impl Iterator<Item = Result<(AccessRecord, AccessCursor), StoreError>>,
    limit: u32,
) -> Result<AccessPage, StoreError> {
    let mut records = Vec::new();
    let mut last = None;
    for row in rows {
        let (record, cursor) = row?;
        records.push(record);
        last = Some(cursor);
    }
    let full = u32::try_from(records.len()).unwrap_or(u32::MAX) >= limit && limit > 0;
    Ok(AccessPage {
        records,
        next: if full { last } else { None },
    })
}
