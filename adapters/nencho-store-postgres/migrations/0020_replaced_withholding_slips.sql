-- The 源泉徴収票 an employee was issued before a corrected one replaced it (訂正前), kept so the
-- employee and an auditor can see what was issued when. content and issued_at: as in
-- withholding_slips at the time; replaced_at: when the correction was issued. Tenant-owned:
-- tenant_id leads the key; RLS enabled and forced with the same policy as the other tables.
CREATE TABLE replaced_withholding_slips (
    tenant_id   uuid NOT NULL,
    employee_id uuid NOT NULL,
    tax_year    int4 NOT NULL,
    issued_at   timestamptz NOT NULL,
    replaced_at timestamptz NOT NULL,
    content     text NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, tax_year, issued_at),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
ALTER TABLE replaced_withholding_slips ENABLE ROW LEVEL SECURITY;
ALTER TABLE replaced_withholding_slips FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON replaced_withholding_slips
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
-- Kept as issued: inserted, never changed, deleted only by the contract's purge.
GRANT SELECT, INSERT ON replaced_withholding_slips TO nencho_app;

-- The contract's purge (migration 0015) with the new table, before the employees it refers to.
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
        'replaced_withholding_slips', 'withholding_slips', 'slip_consents', 'filing_originals',
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
