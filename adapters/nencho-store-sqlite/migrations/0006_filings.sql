-- The year-end adjustment declarations (YEA-1…5): each company's periods per tax year with the
-- record of their changes, one declaration per employee and tax year, and its history.
-- Keys and indexes lead with tenant_id, as in PostgreSQL. Dates are ISO text (YYYY-MM-DD), as
-- sqlx writes time::Date; booleans are 0/1.

-- Set by an administrator when opening a tax year; replaced when changed.
CREATE TABLE filing_periods (
    tenant_id          BLOB NOT NULL,
    company_id         BLOB NOT NULL,
    tax_year           INTEGER NOT NULL,
    adjustment_start   TEXT NOT NULL CHECK (adjustment_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    adjustment_end     TEXT NOT NULL CHECK (adjustment_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    filing_start       TEXT NOT NULL CHECK (filing_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    filing_end         TEXT NOT NULL CHECK (filing_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    refiling_start     TEXT CHECK (refiling_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    refiling_end       TEXT CHECK (refiling_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    year_round_changes INTEGER NOT NULL CHECK (year_round_changes IN (0, 1)),
    PRIMARY KEY (tenant_id, company_id, tax_year),
    CHECK ((refiling_start IS NULL) = (refiling_end IS NULL)),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id)
) STRICT;

-- Who changed a company's periods, when, and to what (oldest first: by time, then id).
CREATE TABLE filing_period_changes (
    id         INTEGER PRIMARY KEY,
    tenant_id  BLOB NOT NULL,
    company_id BLOB NOT NULL,
    tax_year   INTEGER NOT NULL,
    at         TEXT NOT NULL,
    actor_id   BLOB NOT NULL,
    actor_name TEXT NOT NULL,
    summary    TEXT NOT NULL,
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id)
) STRICT;
CREATE INDEX filing_period_changes_by_year ON filing_period_changes (tenant_id, company_id, tax_year, at, id);

-- One declaration per employee and tax year. document: the Declaration as JSON text, of the
-- schema version in schema_version. version: optimistic concurrency (a write names the version
-- it read).
CREATE TABLE filings (
    tenant_id      BLOB NOT NULL,
    id             BLOB NOT NULL,
    company_id     BLOB NOT NULL,
    employee_id    BLOB NOT NULL,
    tax_year       INTEGER NOT NULL,
    status         TEXT NOT NULL
        CHECK (status IN ('not_requested', 'requested', 'draft', 'submitted', 'returned', 'approved')),
    schema_version INTEGER NOT NULL,
    document       TEXT NOT NULL,
    proxy_entered  INTEGER NOT NULL CHECK (proxy_entered IN (0, 1)),
    reopened       INTEGER NOT NULL CHECK (reopened IN (0, 1)),
    last_comment   TEXT,
    requested_at   TEXT,
    submitted_at   TEXT,
    approved_at    TEXT,
    updated_at     TEXT NOT NULL,
    version        INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    -- At most one declaration per employee and year; also the progress list's join.
    UNIQUE (tenant_id, employee_id, tax_year),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
) STRICT;
-- The progress dashboard's counts (employee_id last: the join to the employees needs no table
-- lookup).
CREATE INDEX filings_by_status ON filings (tenant_id, company_id, tax_year, status, employee_id);

-- Every transition of a declaration (a save when from_status = to_status), oldest first.
CREATE TABLE filing_events (
    id          INTEGER PRIMARY KEY,
    tenant_id   BLOB NOT NULL,
    filing_id   BLOB NOT NULL,
    at          TEXT NOT NULL,
    actor_id    BLOB NOT NULL,
    actor_name  TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    action      TEXT NOT NULL,
    comment     TEXT,
    proxy       INTEGER NOT NULL CHECK (proxy IN (0, 1)),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
) STRICT;
CREATE INDEX filing_events_by_filing ON filing_events (tenant_id, filing_id, at, id);

-- Every changed value of a declaration: the field's stable path and label, before and after
-- (NULL = the value did not exist on that side), oldest first.
CREATE TABLE filing_changes (
    id           INTEGER PRIMARY KEY,
    tenant_id    BLOB NOT NULL,
    filing_id    BLOB NOT NULL,
    at           TEXT NOT NULL,
    actor_id     BLOB NOT NULL,
    actor_name   TEXT NOT NULL,
    path         TEXT NOT NULL,
    label        TEXT NOT NULL,
    before_value TEXT,
    after_value  TEXT,
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
) STRICT;
CREATE INDEX filing_changes_by_filing ON filing_changes (tenant_id, filing_id, at, id);
