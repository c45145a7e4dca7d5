-- no-transaction
-- 年末調整の対象外: a declaration set aside as 'excluded' (nencho_filings::FilingStatus::Excluded;
-- its last_comment holds the reason). The statuses are a CHECK on filings.status, which SQLite
-- cannot alter, so filings is rebuilt with the wider check by the documented procedure for
-- general table changes (https://sqlite.org/lang_altertable.html, "Making Other Kinds Of Table
-- Schema Changes"), unchanged otherwise: the same columns in the same order (0006's, then
-- 0015's originals_pending, 0024's claims_indexed and shares_claims), keys, checks and indexes.
--
-- Unlike one_time_tokens in 0005, filings is a parent: filing_events, filing_changes,
-- filing_attachments, filing_originals and filing_claims refer to it. With foreign keys on,
-- DROP TABLE filings would first delete its rows and fail on theirs, so foreign keys are off for
-- the rebuild; SQLite ignores that pragma inside a transaction, so this file opts out of sqlx's
-- (the first line) and runs its own: it still applies whole or not at all, and sqlx records it
-- once it has committed (were the process to stop in between, the next open rebuilds the table
-- again, which changes nothing). The children's references name filings, so they hold for the
-- new table once it has the name; no trigger or view refers to filings. BEGIN IMMEDIATE: the
-- write lock at once, as the store's writes take it.
PRAGMA foreign_keys = OFF;

BEGIN IMMEDIATE;

CREATE TABLE filings_new (
    tenant_id         BLOB NOT NULL,
    id                BLOB NOT NULL,
    company_id        BLOB NOT NULL,
    employee_id       BLOB NOT NULL,
    tax_year          INTEGER NOT NULL,
    status            TEXT NOT NULL
        CHECK (status IN ('not_requested', 'requested', 'draft', 'submitted', 'returned',
                          'approved', 'excluded')),
    schema_version    INTEGER NOT NULL,
    document          TEXT NOT NULL,
    proxy_entered     INTEGER NOT NULL CHECK (proxy_entered IN (0, 1)),
    reopened          INTEGER NOT NULL CHECK (reopened IN (0, 1)),
    last_comment      TEXT,
    requested_at      TEXT,
    submitted_at      TEXT,
    approved_at       TEXT,
    updated_at        TEXT NOT NULL,
    version           INTEGER NOT NULL,
    originals_pending INTEGER CHECK (originals_pending >= 0),
    claims_indexed    INTEGER NOT NULL DEFAULT 0 CHECK (claims_indexed IN (0, 1)),
    shares_claims     INTEGER NOT NULL DEFAULT 0 CHECK (shares_claims IN (0, 1)),
    PRIMARY KEY (tenant_id, id),
    -- At most one declaration per employee and year; also the progress list's join.
    UNIQUE (tenant_id, employee_id, tax_year),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
) STRICT;

INSERT INTO filings_new (tenant_id, id, company_id, employee_id, tax_year, status,
                         schema_version, document, proxy_entered, reopened, last_comment,
                         requested_at, submitted_at, approved_at, updated_at, version,
                         originals_pending, claims_indexed, shares_claims)
SELECT tenant_id, id, company_id, employee_id, tax_year, status, schema_version, document,
       proxy_entered, reopened, last_comment, requested_at, submitted_at, approved_at,
       updated_at, version, originals_pending, claims_indexed, shares_claims
FROM filings;

DROP TABLE filings;

ALTER TABLE filings_new RENAME TO filings;

-- Every index filings had, as its migration made it (0006, 0015, 0017, 0024).
CREATE INDEX filings_by_status ON filings (tenant_id, company_id, tax_year, status, employee_id);
CREATE INDEX filings_awaiting_originals ON filings (tenant_id, company_id, tax_year, employee_id)
    WHERE originals_pending > 0 AND status IN ('submitted', 'returned', 'approved');
CREATE INDEX filings_uncounted_originals ON filings (tenant_id) WHERE originals_pending IS NULL;
CREATE INDEX filings_unindexed_claims ON filings (tenant_id) WHERE claims_indexed = 0;
CREATE INDEX filings_sharing_claims ON filings (tenant_id, company_id, tax_year, employee_id)
    WHERE shares_claims;

-- The procedure's foreign key check, made to stop the migration: a row here fails the CHECK,
-- and the transaction is not committed. Over filings and the tables referring to it.
CREATE TEMP TABLE filings_rebuild_check (violations INTEGER NOT NULL CHECK (violations = 0));
INSERT INTO filings_rebuild_check
SELECT count(*) FROM (
    SELECT 1 FROM pragma_foreign_key_check('filings')
    UNION ALL SELECT 1 FROM pragma_foreign_key_check('filing_events')
    UNION ALL SELECT 1 FROM pragma_foreign_key_check('filing_changes')
    UNION ALL SELECT 1 FROM pragma_foreign_key_check('filing_attachments')
    UNION ALL SELECT 1 FROM pragma_foreign_key_check('filing_originals')
    UNION ALL SELECT 1 FROM pragma_foreign_key_check('filing_claims')
);
DROP TABLE filings_rebuild_check;

COMMIT;

PRAGMA foreign_keys = ON;
