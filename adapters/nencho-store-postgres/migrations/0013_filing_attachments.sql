-- The documents attached to declarations (添付書類): one row per document with its content
-- beside it, so backups, row-level security and the contract's purge (SVC-8) cover them like the
-- declarations. id: a UUIDv7 (time-ordered), so the key's order is the order of upload. kind and
-- format: the domain's codes. size: the content's length in bytes. Tenant-owned: tenant_id leads
-- the key and the index; RLS enabled and forced with the same policy as the other tenant tables.
CREATE TABLE filing_attachments (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL,
    filing_id   uuid NOT NULL,
    kind        text NOT NULL,
    file_name   text NOT NULL,
    format      text NOT NULL,
    size        bigint NOT NULL CHECK (size >= 0),
    uploaded_by uuid NOT NULL,
    uploaded_at timestamptz NOT NULL,
    content     bytea NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
);
-- A declaration's documents in upload order.
CREATE INDEX filing_attachments_by_filing ON filing_attachments (tenant_id, filing_id, id);
ALTER TABLE filing_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE filing_attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON filing_attachments
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
-- Stored, read and deleted whole; never updated.
GRANT SELECT, INSERT, DELETE ON filing_attachments TO nencho_app;

-- The contract's purge (migration 0011) with the new table, before the declarations it refers to.
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
