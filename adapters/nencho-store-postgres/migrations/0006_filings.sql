-- The year-end adjustment declarations (YEA-1…5): each company's periods per tax year with the
-- record of their changes, one declaration per employee and tax year, and its history.
-- Every table is tenant-owned: tenant_id leads its keys and indexes; RLS enabled and forced
-- with the same policy as the other tenant tables.

-- Set by an administrator when opening a tax year; replaced when changed.
CREATE TABLE filing_periods (
    tenant_id          uuid NOT NULL,
    company_id         uuid NOT NULL,
    tax_year           integer NOT NULL,
    adjustment_start   date NOT NULL,
    adjustment_end     date NOT NULL,
    filing_start       date NOT NULL,
    filing_end         date NOT NULL,
    refiling_start     date,
    refiling_end       date,
    year_round_changes boolean NOT NULL,
    PRIMARY KEY (tenant_id, company_id, tax_year),
    CHECK ((refiling_start IS NULL) = (refiling_end IS NULL)),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id)
);

-- Who changed a company's periods, when, and to what (oldest first: by time, then id).
CREATE TABLE filing_period_changes (
    tenant_id  uuid NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    company_id uuid NOT NULL,
    tax_year   integer NOT NULL,
    at         timestamptz NOT NULL,
    actor_id   uuid NOT NULL,
    actor_name text NOT NULL,
    summary    text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id)
);
CREATE INDEX filing_period_changes_by_year ON filing_period_changes (tenant_id, company_id, tax_year, at, id);

-- One declaration per employee and tax year. document: the Declaration as JSON text (the exact
-- serde output; text, not jsonb, so both stores keep and read it the same way), of the schema
-- version in schema_version. version: optimistic concurrency (a write names the version it
-- read).
CREATE TABLE filings (
    tenant_id      uuid NOT NULL,
    id             uuid NOT NULL,
    company_id     uuid NOT NULL,
    employee_id    uuid NOT NULL,
    tax_year       integer NOT NULL,
    status         text NOT NULL
        CHECK (status IN ('not_requested', 'requested', 'draft', 'submitted', 'returned', 'approved')),
    schema_version integer NOT NULL,
    document       text NOT NULL,
    proxy_entered  boolean NOT NULL,
    reopened       boolean NOT NULL,
    last_comment   text,
    requested_at   timestamptz,
    submitted_at   timestamptz,
    approved_at    timestamptz,
    updated_at     timestamptz NOT NULL,
    version        bigint NOT NULL,
    PRIMARY KEY (tenant_id, id),
    -- At most one declaration per employee and year; also the progress list's join.
    CONSTRAINT filings_one_per_employee_and_year UNIQUE (tenant_id, employee_id, tax_year),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
-- The progress dashboard's counts: with employee_id included, the company's filings of a year
-- join its current employees from this index alone.
CREATE INDEX filings_by_status ON filings (tenant_id, company_id, tax_year, status) INCLUDE (employee_id);

-- Every transition of a declaration (a save when from_status = to_status), oldest first.
CREATE TABLE filing_events (
    tenant_id   uuid NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    filing_id   uuid NOT NULL,
    at          timestamptz NOT NULL,
    actor_id    uuid NOT NULL,
    actor_name  text NOT NULL,
    from_status text NOT NULL,
    to_status   text NOT NULL,
    action      text NOT NULL,
    comment     text,
    proxy       boolean NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
);
CREATE INDEX filing_events_by_filing ON filing_events (tenant_id, filing_id, at, id);

-- Every changed value of a declaration: the field's stable path and label, before and after
-- (NULL = the value did not exist on that side), oldest first.
CREATE TABLE filing_changes (
    tenant_id    uuid NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    filing_id    uuid NOT NULL,
    at           timestamptz NOT NULL,
    actor_id     uuid NOT NULL,
    actor_name   text NOT NULL,
    path         text NOT NULL,
    label        text NOT NULL,
    before_value text,
    after_value  text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
);
CREATE INDEX filing_changes_by_filing ON filing_changes (tenant_id, filing_id, at, id);

DO $$
DECLARE
    table_name text;
BEGIN
    FOREACH table_name IN ARRAY ARRAY['filing_periods', 'filing_period_changes', 'filings',
                                      'filing_events', 'filing_changes'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (tenant_id = nencho_current_tenant()) '
            'WITH CHECK (tenant_id = nencho_current_tenant())', table_name);
    END LOOP;
END
$$;
-- Periods are replaced, declarations updated; neither is deleted. Their history is append-only.
GRANT SELECT, INSERT, UPDATE ON filing_periods TO nencho_app;
GRANT SELECT, INSERT, UPDATE ON filings TO nencho_app;
GRANT SELECT, INSERT ON filing_period_changes, filing_events, filing_changes TO nencho_app;
