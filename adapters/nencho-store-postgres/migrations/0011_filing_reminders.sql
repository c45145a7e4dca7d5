-- The automatic reminders before the filing deadline (YEA-4): one row per reminder day claimed
-- for a company and tax year. The worker inserts the row (the claim, ON CONFLICT DO NOTHING) and
-- queues the reminders in the same transaction; only the inserter sends, so a day is reminded
-- once however many workers run. Tenant-owned: tenant_id leads the key; RLS enabled and forced
-- with the same policy as the other tenant tables. Deleted with the contract (SVC-8).
CREATE TABLE filing_reminders (
    tenant_id    uuid NOT NULL,
    company_id   uuid NOT NULL,
    tax_year     int4 NOT NULL,
    reminder_day date NOT NULL,
    sent_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, company_id, tax_year, reminder_day),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id)
);
ALTER TABLE filing_reminders ENABLE ROW LEVEL SECURITY;
ALTER TABLE filing_reminders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON filing_reminders
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
GRANT SELECT, INSERT ON filing_reminders TO nencho_app;

-- The contract's purge (migration 0009) with the new table.
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
        'filing_reminders', 'filing_changes', 'filing_events', 'filings',
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
