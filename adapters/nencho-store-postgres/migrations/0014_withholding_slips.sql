-- The 源泉徴収票 issued to employees electronically (電子交付, 所得税法231条②) and the employees'
-- consent to receive them so (同施行令356条), so backups, row-level security and the contract's
-- purge (SVC-8) cover them like the declarations. Tenant-owned: tenant_id leads the keys; RLS
-- enabled and forced with the same policy as the other tenant tables.

-- One row per consenting employee; a withdrawal deletes it.
CREATE TABLE slip_consents (
    tenant_id    uuid NOT NULL,
    employee_id  uuid NOT NULL,
    consented_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, employee_id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
ALTER TABLE slip_consents ENABLE ROW LEVEL SECURITY;
ALTER TABLE slip_consents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON slip_consents
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
-- Given (upserted: a consent given again takes the new time) and withdrawn (deleted).
GRANT SELECT, INSERT, UPDATE, DELETE ON slip_consents TO nencho_app;

-- One row per employee and tax year; issuing again replaces it (a corrected slip). content: the
-- whole issued slip (nencho_filings::IssuedSlip) as serde_json text, read back as it was written;
-- the other columns repeat what the queries select and order by.
CREATE TABLE withholding_slips (
    tenant_id   uuid NOT NULL,
    employee_id uuid NOT NULL,
    tax_year    int4 NOT NULL,
    company_id  uuid NOT NULL,
    issued_at   timestamptz NOT NULL,
    issued_by   uuid NOT NULL,
    content     text NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, tax_year),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
ALTER TABLE withholding_slips ENABLE ROW LEVEL SECURITY;
ALTER TABLE withholding_slips FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON withholding_slips
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
-- Inserted and replaced (upserted); never deleted but by the contract's purge.
GRANT SELECT, INSERT, UPDATE ON withholding_slips TO nencho_app;

-- The contract's purge (migration 0013) with the new tables, before the employees they refer to.
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
        'withholding_slips', 'slip_consents',
        'filing_attachments', 'filing_reminders', 'filing_changes', 'filing_events', 'filings',
        'filing_period_changes', 'filing_periods', 'role_assignments', 'employees',
        'login_attempts', 'one_time_tokens', 'sessions', 'outbox', 'ip_allow_entries',
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
