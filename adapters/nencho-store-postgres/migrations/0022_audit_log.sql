-- 操作ログ: what the tenant's administrators did to IDs, roles, settings and exports, kept for
-- the life of the contract. The actor's ID and name are copied as they were. Tenant-owned:
-- tenant_id leads the key; RLS enabled and forced with the same policy as the other tables.
CREATE TABLE audit_log (
    tenant_id      uuid NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    at             timestamptz NOT NULL,
    actor_id       uuid NOT NULL,
    actor_login_id text NOT NULL,
    actor_name     text NOT NULL,
    action         text NOT NULL,
    target         text NOT NULL,
    detail         text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id)
);
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
-- A record: inserted, never changed, deleted only by the contract's purge.
GRANT SELECT, INSERT ON audit_log TO nencho_app;

-- The contract's purge (migration 0021) with the new table, before the users it refers to.
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
