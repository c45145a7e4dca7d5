-- 会社からのご案内: the company's instructions to its employees for an opened tax year, shown on
-- their declaration pages and in the 依頼 and 督促 mails. NULL = none. Part of the periods' row,
-- so it shares their row-level security, grants and purge (SVC-8).
ALTER TABLE filing_periods ADD COLUMN guidance text;
