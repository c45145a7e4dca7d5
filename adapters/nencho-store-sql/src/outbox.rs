//! What both stores check of the mails a write queues with it.

use nencho_kernel::TenantId;
use nencho_ports::{OutboxMessage, StoreError};

/// Every mail is `tenant_id`'s: a write of one tenant never queues another's mail.
pub fn all_of_tenant(tenant_id: TenantId, mails: &[OutboxMessage]) -> Result<(), StoreError> {
    if mails.iter().any(|mail| mail.tenant_id != tenant_id) {
        return Err(StoreError::Backend("mail of another tenant".into()));
    }
    Ok(())
}
