-- 2段階認証: how far a session's login got, the contract's rule for staff, each user's
-- authenticator key and their single-use recovery codes (only hashes). Tenant-owned tables:
-- tenant_id leads the keys; RLS enabled and forced with the same policy as the other tables.
ALTER TABLE sessions ADD COLUMN stage text NOT NULL DEFAULT 'complete'
    CHECK (stage IN ('complete', 'second_factor', 'enrolment'));

ALTER TABLE tenants ADD COLUMN staff_second_factor_required boolean NOT NULL DEFAULT false;

CREATE TABLE second_factors (
    tenant_id      uuid NOT NULL,
    user_id        uuid NOT NULL,
    secret         bytea NOT NULL,
    enabled_at     timestamptz NOT NULL,
    last_used_step int8,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE TABLE recovery_codes (
    tenant_id uuid NOT NULL,
    user_id   uuid NOT NULL,
    code_hash text NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (tenant_id, user_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

DO $$
DECLARE
    table_name text;
BEGIN
    FOREACH table_name IN ARRAY ARRAY['second_factors', 'recovery_codes'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (tenant_id = nencho_current_tenant()) '
            'WITH CHECK (tenant_id = nencho_current_tenant())', table_name);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO nencho_app', table_name);
    END LOOP;
END
$$;

-- The contract's purge (migration 0020) with the new tables, before the users they refer to.
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
        'recovery_codes', 'second_factors', 'login_attempts', 'one_time_tokens', 'sessions', 'outbox', 'ip_allow_entries',
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
