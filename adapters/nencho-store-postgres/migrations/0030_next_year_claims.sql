-- 重複扶養チェック of the 翌年分 扶養控除等(異動)申告書: next year's family is indexed under keys of
-- its own. Row-level security is forced on `filings`, so the declarations are marked for
-- indexing again by the store when it connects, under each tenant's setting (the data fix
-- `0030 filing_claims with next year`, see filings.rs), not here.
SELECT 1;
