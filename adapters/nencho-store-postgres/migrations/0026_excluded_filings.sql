-- 年末調整の対象外: a declaration set aside as 'excluded' (nencho_filings::FilingStatus::Excluded;
-- its last_comment holds the reason). The statuses are a CHECK on filings.status, so the
-- constraint is replaced by one that also allows 'excluded' (PostgreSQL named the inline check
-- filings_status_check). Existing rows all satisfy the wider check; the table itself, its
-- indexes, row-level security and grants are untouched.
ALTER TABLE filings DROP CONSTRAINT filings_status_check;
ALTER TABLE filings ADD CONSTRAINT filings_status_check
    CHECK (status IN ('not_requested', 'requested', 'draft', 'submitted', 'returned', 'approved',
                      'excluded'));
