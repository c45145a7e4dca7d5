-- 重複扶養チェック of the 翌年分 扶養控除等(異動)申告書: every declaration's claims are indexed again
-- when the store opens (`claims_indexed` = 0), now with next year's family under keys of its own.
UPDATE filings SET claims_indexed = 0;
