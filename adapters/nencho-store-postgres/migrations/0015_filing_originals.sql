-- The certificates' originals (控除証明書等の原本) received for declarations. original_key: the
-- domain's key of the certificate (kind and subject); method: 'paper' or 'electronic'. A receipt
-- is replaced or withdrawn whole; its history is in filing_changes. Tenant-owned: tenant_id leads
-- the key; RLS enabled and forced with the same policy as the other tenant tables.
CREATE TABLE filing_originals (
    tenant_id    uuid NOT NULL,
    filing_id    uuid NOT NULL,
    original_key text NOT NULL,
    method       text NOT NULL CHECK (method IN ('paper', 'electronic')),
    at           timestamptz NOT NULL,
    actor_id     uuid NOT NULL,
    actor_name   text NOT NULL,
    PRIMARY KEY (tenant_id, filing_id, original_key),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
);
ALTER TABLE filing_originals ENABLE ROW LEVEL SECURITY;
ALTER TABLE filing_originals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON filing_originals
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON filing_originals TO nencho_app;

-- How many certificates the declaration's document calls for have no receipt, recounted by the
-- store at every write of the document or a receipt. NULL: not counted yet (declarations written
-- before this migration; the store counts them when it opens).
ALTER TABLE filings ADD COLUMN originals_pending integer CHECK (originals_pending >= 0);
-- The dashboard's 原本未着: the few declarations of a company and year still waiting.
CREATE INDEX filings_awaiting_originals ON filings (tenant_id, company_id, tax_year, employee_id)
    WHERE originals_pending > 0 AND status IN ('submitted', 'returned', 'approved');

-- The contract's purge (migration 0014) with the new table, before the declarations it refers to.
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
        'withholding_slips', 'slip_consents', 'filing_originals',
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
