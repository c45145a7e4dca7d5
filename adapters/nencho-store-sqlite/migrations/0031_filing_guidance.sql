-- 会社からのご案内: the company's instructions to its employees for an opened tax year, shown on
-- their declaration pages and in the 依頼 and 督促 mails. NULL = none. Part of the periods' row,
-- so it lives and dies (SVC-8) with them.
ALTER TABLE filing_periods ADD COLUMN guidance TEXT;
