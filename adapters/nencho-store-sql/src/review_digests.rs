//! 提出状況のお知らせ: the statements both stores run as they are (bound parameters only), and the
//! row reader.

use nencho_kernel::CompanyId;
use nencho_ports::{AwaitingReview, SentReviewDigest, StoreError};

use crate::{RowReader, corrupt};

/// `$1` tenant, `$2` tax year, `$3` since (`NULL`: from any time), `$4` until. Current
/// employees only, as the dashboard counts them; the partial index `filings_submitted` finds
/// the rows.
pub const AWAITING_REVIEW: &str = "SELECT f.company_id, e.department, count(*) AS awaiting, \
     sum(CASE WHEN ($3 IS NULL OR f.submitted_at > $3) AND f.submitted_at <= $4 \
     THEN 1 ELSE 0 END) AS new, \
     sum(CASE WHEN f.checked_at IS NOT NULL THEN 1 ELSE 0 END) AS checked \
     FROM filings f JOIN employees e ON e.tenant_id = f.tenant_id AND e.id = f.employee_id \
     WHERE f.tenant_id = $1 AND f.tax_year = $2 AND f.status = 'submitted' \
     AND e.leave_date IS NULL \
     GROUP BY f.company_id, e.department \
     ORDER BY f.company_id, e.department IS NULL, e.department";

pub const LAST_REVIEW_DIGEST: &str = "SELECT digest_day, sent_at FROM review_digests \
     WHERE tenant_id = $1 ORDER BY digest_day DESC LIMIT 1";

/// The claim: inserts nothing when the day was claimed before.
pub const CLAIM_REVIEW_DIGEST: &str = "INSERT INTO review_digests \
     (tenant_id, digest_day, tax_year, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";

pub const REVIEW_DIGEST_OPT_OUTS: &str =
    "SELECT user_id FROM review_digest_opt_outs WHERE tenant_id = $1 ORDER BY user_id";

pub const OPT_OUT_OF_REVIEW_DIGEST: &str = "INSERT INTO review_digest_opt_outs \
     (tenant_id, user_id, opted_out_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";

pub const OPT_IN_TO_REVIEW_DIGEST: &str =
    "DELETE FROM review_digest_opt_outs WHERE tenant_id = $1 AND user_id = $2";

/// A row of [`AWAITING_REVIEW`].
pub fn awaiting_review(row: &impl RowReader) -> Result<AwaitingReview, StoreError> {
    let count = |column: &str| -> Result<u64, StoreError> {
        u64::try_from(row.integer(column)?).map_err(|_| corrupt("awaiting review count"))
    };
    Ok(AwaitingReview {
        company_id: CompanyId::from_uuid(row.uuid("company_id")?),
        department: row.optional_text("department")?,
        awaiting: count("awaiting")?,
        new: count("new")?,
        checked: count("checked")?,
    })
}

/// A row of [`LAST_REVIEW_DIGEST`].
pub fn sent_review_digest(row: &impl RowReader) -> Result<SentReviewDigest, StoreError> {
    Ok(SentReviewDigest {
        day: row.date("digest_day")?,
        at: row.timestamp("sent_at")?,
    })
}
