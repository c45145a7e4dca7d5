-- 一次確認: when and by whom (a user id) staff marked a 提出済 declaration checked, ready for
-- the 承認者. Both NULL when unchecked; anything that happens to the declaration but a
-- deadline change clears them (nencho_filings::CheckMark).
ALTER TABLE filings ADD COLUMN checked_at TEXT;
ALTER TABLE filings ADD COLUMN checked_by BLOB;
-- The few declarations checked, counted without walking every 提出済 one.
CREATE INDEX filings_checked ON filings (tenant_id, company_id, tax_year, employee_id)
    WHERE checked_at IS NOT NULL;
-- The company's rule: a declaration is approved only after someone else's 一次確認 (off by
-- default).
ALTER TABLE companies ADD COLUMN check_before_approval INTEGER NOT NULL DEFAULT 0
    CHECK (check_before_approval IN (0, 1));
