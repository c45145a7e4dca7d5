-- 重複扶養チェック: the people each declaration claims (the spouse of a 配偶者(特別)控除, each
-- 扶養親族 and 特定親族), one row per matching key (フリガナ or name, with the birth date; see
-- nencho_filings::PersonKey), rewritten by the store at every write of the declaration.
-- ordinal: 0 the spouse, 1 + the index of a relative. Tenant-owned: tenant_id leads the keys;
-- RLS enabled and forced with the same policy as the other tables.
CREATE TABLE filing_claims (
    tenant_id       uuid NOT NULL,
    filing_id       uuid NOT NULL,
    ordinal         integer NOT NULL,
    person_key      text NOT NULL,
    company_id      uuid NOT NULL,
    tax_year        integer NOT NULL,
    employee_id     uuid NOT NULL,
    role            text NOT NULL CHECK (role IN ('spouse', 'dependent', 'specific_relative')),
    person_name     text NOT NULL,
    declared_income bigint NOT NULL,
    PRIMARY KEY (tenant_id, filing_id, ordinal, person_key),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
);
-- The reviewer's search by person, and the dashboard's count of declarations sharing a person.
CREATE INDEX filing_claims_by_person
    ON filing_claims (tenant_id, company_id, tax_year, person_key, filing_id);
ALTER TABLE filing_claims ENABLE ROW LEVEL SECURITY;
ALTER TABLE filing_claims FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON filing_claims
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
GRANT SELECT, INSERT, DELETE ON filing_claims TO nencho_app;

-- false: the claims of this declaration are not indexed yet (written before this migration); the
-- store indexes them when it connects. Every write sets it.
ALTER TABLE filings ADD COLUMN claims_indexed boolean NOT NULL DEFAULT false;
CREATE INDEX filings_unindexed_claims ON filings (tenant_id) WHERE NOT claims_indexed;

-- true: the declaration claims a person another declaration of its company and year claims too
-- (重複の疑い). Set by the store for every declaration a write may change (the one written and
-- those sharing a key it removed or added), so the dashboard counts and lists from the index.
ALTER TABLE filings ADD COLUMN shares_claims boolean NOT NULL DEFAULT false;
CREATE INDEX filings_sharing_claims ON filings (tenant_id, company_id, tax_year, employee_id)
    WHERE shares_claims;

-- Employees matched by birth date (a claimed person who works in the company). Not led by the
-- company: an index led by (tenant_id, company_id) would compete with the others of that prefix
-- (PostgreSQL, its statistics stale after a bulk import, then read the departed employees of the
-- dashboard's counts through it: every employee of the company).
CREATE INDEX employees_by_birth_date ON employees (tenant_id, birth_date);

-- The contract's purge (migration 0023) with the new table, before the filings it refers to.
CREATE OR REPLACE FUNCTION nencho_purge_tenant(tenant uuid)
    RETURNS TABLE (table_name text, row_count bigint)
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = public, pg_temp
    AS $$
DECLARE
    purged_table text;
    deleted bigint;
BEGIN
    IF tenant IS NULL OR tenant IS DISTINCT FROM nencho_current_tenant() THEN
        RAISE EXCEPTION 'the purge runs under the setting of the tenant it purges';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM tenants WHERE id = tenant AND status = 'ended') THEN
        RAISE EXCEPTION 'the contract % has not ended', tenant;
    END IF;
    FOREACH purged_table IN ARRAY ARRAY[
        'change_requests', 'replaced_withholding_slips', 'withholding_slips', 'slip_consents', 'filing_originals',
        'filing_claims', 'filing_attachments', 'filing_reminders', 'filing_changes', 'filing_events', 'filings',
        'filing_period_changes', 'filing_periods', 'role_assignments', 'employees',
        'audit_log', 'recovery_codes', 'second_factors', 'login_attempts', 'one_time_tokens', 'sessions', 'outbox', 'ip_allow_entries',
        'access_records', 'users', 'companies'
    ] LOOP
        EXECUTE format('DELETE FROM %I WHERE tenant_id = $1', purged_table) USING tenant;
        GET DIAGNOSTICS deleted = ROW_COUNT;
        table_name := purged_table;
        row_count := deleted;
        RETURN NEXT;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION nencho_purge_tenant(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION nencho_purge_tenant(uuid) TO nencho_app;
