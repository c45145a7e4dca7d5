//! The certificates' originals received for declarations (控除証明書等の原本).

use async_trait::async_trait;
use nencho_filings::{FieldChange, OriginalReceipt};
use nencho_kernel::{CompanyId, FilingId, TaxYear, TenantId};

use crate::StoreError;

/// A receipt recorded (`receipt` set) or withdrawn (`None`) for the certificate `key` of a
/// declaration, with the history line that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalReceiptWrite {
    pub filing_id: FilingId,
    pub key: String,
    pub receipt: Option<OriginalReceipt>,
    pub change: FieldChange,
}

/// Receipts are kept per declaration and key. Every declaration also carries how many of the
/// certificates its document calls for have no receipt (`FilingRow::originals_pending`): the
/// store recounts it from the document (`nencho_filings::pending_originals`) whenever the
/// document or a receipt is written, inside that write's transaction.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait OriginalStore: Send + Sync {
    /// The declaration's receipts, in key order (also those its document no longer calls for).
    async fn original_receipts(
        &self,
        tenant_id: TenantId,
        filing_id: FilingId,
    ) -> Result<Vec<OriginalReceipt>, StoreError>;
    /// Records or withdraws one receipt, appends its history line and recounts the pending
    /// certificates, in one transaction. A declaration the tenant does not have is a
    /// [`StoreError::Conflict`] and nothing is written.
    async fn write_original_receipt(
        &self,
        tenant_id: TenantId,
        write: &OriginalReceiptWrite,
    ) -> Result<(), StoreError>;
    /// How many current employees of the company (of exactly `department` when given) have a
    /// declaration for the year that waits for certificates: handed in, returned or approved
    /// (`nencho_filings::awaits_originals`) with at least one pending.
    async fn awaiting_originals_count<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        department: Option<&'a str>,
    ) -> Result<u64, StoreError>;
    /// The tenant's receipts after `after` in (declaration, key) order, at most `limit`: the
    /// full export (SVC-3) pages through them.
    async fn original_receipts_after(
        &self,
        tenant_id: TenantId,
        after: Option<(FilingId, String)>,
        limit: u32,
    ) -> Result<Vec<(FilingId, OriginalReceipt)>, StoreError>;
}
