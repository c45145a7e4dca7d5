-- 提出状況のお知らせ (the reviewers' morning digest): one row per business day claimed for a
-- contract (the worker inserts it, ON CONFLICT DO NOTHING, and queues the mails in the same
-- transaction, so a day is sent once however many workers run), and the users who turned it off.
-- Tenant-owned: tenant_id leads the keys; RLS enabled and forced with the same policy as the
-- other tenant tables. Deleted with the contract (SVC-8).
CREATE TABLE review_digests (
    tenant_id  uuid NOT NULL,
    digest_day date NOT NULL,
    tax_year   int4 NOT NULL,
    sent_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, digest_day)
);
ALTER TABLE review_digests ENABLE ROW LEVEL SECURITY;
ALTER TABLE review_digests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON review_digests
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
GRANT SELECT, INSERT ON review_digests TO nencho_app;

CREATE TABLE review_digest_opt_outs (
    tenant_id    uuid NOT NULL,
    user_id      uuid NOT NULL,
    opted_out_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
ALTER TABLE review_digest_opt_outs ENABLE ROW LEVEL SECURITY;
ALTER TABLE review_digest_opt_outs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON review_digest_opt_outs
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
GRANT SELECT, INSERT, DELETE ON review_digest_opt_outs TO nencho_app;

-- The digest counts the contract's 提出済 declarations of a year across its companies.
CREATE INDEX filings_submitted ON filings (tenant_id, tax_year, employee_id)
    WHERE status = 'submitted';

-- The contract's purge (migration 0024) with the new tables.
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
