-- 個別の提出期限: a day staff gave one employee to enter and submit by after the company's
-- 提出期間 (given with a return, or on its own). NULL = the company's periods decide. The
-- filings' grants and row-level security cover it.
ALTER TABLE filings ADD COLUMN own_deadline date;
