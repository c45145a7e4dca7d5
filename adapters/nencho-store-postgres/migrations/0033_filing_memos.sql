-- 担当者メモ: what staff note on a declaration for each other, never shown to the employee,
-- oldest first. Tenant-owned: tenant_id leads the keys; RLS enabled and forced with the same
-- policy as the other tenant tables. Deleted with the contract (SVC-8).
CREATE TABLE filing_memos (
    tenant_id  uuid NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    filing_id  uuid NOT NULL,
    at         timestamptz NOT NULL,
    actor_id   uuid NOT NULL,
    actor_name text NOT NULL,
    body       text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
);
CREATE INDEX filing_memos_by_filing ON filing_memos (tenant_id, filing_id, at, id);
ALTER TABLE filing_memos ENABLE ROW LEVEL SECURITY;
ALTER TABLE filing_memos FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON filing_memos
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
GRANT SELECT, INSERT ON filing_memos TO nencho_app;

-- The contract's purge (migration 0029) with filing_memos.
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
        'filing_memos', 'filing_claims', 'filing_attachments', 'filing_reminders', 'filing_changes', 'filing_events', 'filings',
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
