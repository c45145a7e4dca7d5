-- The automatic reminders toward a deadline of the employee's own (個別の提出期限, YEA-4): one
-- row per reminder day claimed for a declaration. The worker inserts the row (the claim) and
-- queues the reminder in the same transaction; the primary key makes a second claim of the same
-- day insert nothing. Tenant-owned: tenant_id leads the key; RLS enabled and forced with the
-- same policy as the other tenant tables. Deleted with the contract (SVC-8).
CREATE TABLE own_deadline_reminders (
    tenant_id    uuid NOT NULL,
    filing_id    uuid NOT NULL,
    reminder_day date NOT NULL,
    sent_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, filing_id, reminder_day),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
);
ALTER TABLE own_deadline_reminders ENABLE ROW LEVEL SECURITY;
ALTER TABLE own_deadline_reminders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON own_deadline_reminders
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
GRANT SELECT, INSERT ON own_deadline_reminders TO nencho_app;

-- The few declarations with a deadline of their own, read directly (the dashboard's filter and
-- the worker's reminders) without walking the company.
CREATE INDEX filings_with_own_deadline ON filings (tenant_id, company_id, tax_year, employee_id)
    WHERE own_deadline IS NOT NULL;

-- The contract's purge (migration 0033) with own_deadline_reminders.
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
        'review_digests', 'review_digest_opt_outs',
        'change_requests', 'replaced_withholding_slips', 'withholding_slips', 'slip_consents', 'filing_originals',
        'filing_memos', 'own_deadline_reminders', 'filing_claims', 'filing_attachments', 'filing_reminders', 'filing_changes', 'filing_events', 'filings',
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
