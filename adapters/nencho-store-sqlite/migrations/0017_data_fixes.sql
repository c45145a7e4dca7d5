-- (PostgreSQL records its one-time fixes of existing rows in a table of this number; SQLite looks
-- for the rows themselves, which costs one indexed query. Kept so both stores number alike.)
CREATE INDEX filings_uncounted_originals ON filings (tenant_id) WHERE originals_pending IS NULL;
