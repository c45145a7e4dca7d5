-- 登録内容の変更届: an employee's request to correct their name or address on record, and how an
-- administrator decided it. One pending request per employee at a time. Tenant-owned: tenant_id
-- leads the keys; RLS enabled and forced with the same policy as the other tables.
CREATE TABLE change_requests (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    company_id      uuid NOT NULL,
    employee_id     uuid NOT NULL,
    requested_at    timestamptz NOT NULL,
    requested_by    uuid NOT NULL,
    family          text NOT NULL,
    given           text NOT NULL,
    family_kana     text NOT NULL,
    given_kana      text NOT NULL,
    postal_code     text,
    address         text NOT NULL,
    note            text NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'applied', 'declined')),
    decided_at      timestamptz,
    decided_by      uuid,
    decided_by_name text,
    comment         text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, requested_by) REFERENCES users (tenant_id, id)
);
CREATE INDEX change_requests_by_employee ON change_requests (tenant_id, employee_id, id);
CREATE UNIQUE INDEX change_requests_one_pending ON change_requests (tenant_id, employee_id)
    WHERE status = 'pending';
CREATE INDEX change_requests_pending ON change_requests (tenant_id, company_id, id)
    WHERE status = 'pending';
ALTER TABLE change_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE change_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON change_requests
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON change_requests TO nencho_app;

-- The contract's purge (migration 0022) with the new table, before the employees and users it
-- refers to.
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
        'filing_attachments', 'filing_reminders', 'filing_changes', 'filing_events', 'filings',
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
