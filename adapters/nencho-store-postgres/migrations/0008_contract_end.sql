-- The contract's end (SVC-2, SVC-8). `ends_on` is the contract's last day, set when notice is
-- given. `purged_at` marks the tombstone of a purged contract: every tenant-owned row is deleted,
-- the tenant row stays (status 'ended') so its slug is never reused by accident. The status
-- CHECK is left as it is, as in SQLite (which cannot alter it), so both stores read a purged
-- contract the same way.
ALTER TABLE tenants
    ADD COLUMN ends_on date,
    ADD COLUMN purged_at timestamptz CHECK (purged_at IS NULL OR status = 'ended');

-- The worker's due ends and purges.
CREATE INDEX tenants_by_last_day ON tenants (status, ends_on);

-- The purge of an ended contract (SVC-8). The application role may not delete declarations,
-- employees or any history (they are append-only to it: no DELETE grant), so it cannot purge
-- them itself. This function, run with its owner's rights, is its only way to: it deletes the
-- tenant's rows in every tenant-owned table (children first), only for the tenant the
-- transaction is set to (row-level security still applies to the owner, FORCE'd) and only once
-- the contract has ended, and returns the rows deleted per table. The store checks the schema's
-- catalogue against the tables it knows before calling it; a new tenant-owned table is added to
-- both lists.
CREATE FUNCTION nencho_purge_tenant(tenant uuid)
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
        'ip_allow_entries', 'users', 'companies'
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
