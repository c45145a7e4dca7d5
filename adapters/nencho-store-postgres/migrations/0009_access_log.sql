-- The access log of tenant sites (LOG-1): one row per request, kept 90 days (the retention
-- purge), deleted with the contract (SVC-8). Never the query string nor the session token: the
-- session is the signed-in user's id. `id` is random (assigned here) and only breaks ties of
-- `at` for the export's paging in time order. Tenant-owned: tenant_id leads the key; RLS
-- enabled and forced with the same policy as the other tenant tables.
CREATE TABLE access_records (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    at          timestamptz NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    client_ip   text,
    user_agent  text NOT NULL,
    method      text NOT NULL,
    path        text NOT NULL,
    route       text,
    status      int4 NOT NULL,
    duration_ms int4 NOT NULL,
    request_id  text,
    user_id     uuid,
    PRIMARY KEY (tenant_id, at, id)
);
ALTER TABLE access_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE access_records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON access_records
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
-- Written in batches, read by the export, deleted by the retention purge (tenant by tenant,
-- under each tenant's setting, like sessions and mail).
GRANT SELECT, INSERT, DELETE ON access_records TO nencho_app;

-- The contract's purge (migration 0008) with the new table.
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
        'filing_changes', 'filing_events', 'filings', 'filing_period_changes', 'filing_periods',
        'role_assignments', 'employees', 'login_attempts', 'one_time_tokens', 'sessions', 'outbox',
        'ip_allow_entries', 'access_records', 'users', 'companies'
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
