-- The contract's IP allow-list (SEC-2): up to 100 networks per tenant (the limit is a domain
-- rule), each with the customer's note. Empty = no restriction. Tenant-owned: tenant_id leads
-- the key; RLS enabled and forced with the same policy as the other tenant tables.
CREATE TABLE ip_allow_entries (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    network   text NOT NULL,
    note      text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, network)
);
ALTER TABLE ip_allow_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE ip_allow_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ip_allow_entries
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
-- The list is replaced whole (delete, then insert) in one transaction.
GRANT SELECT, INSERT, DELETE ON ip_allow_entries TO nencho_app;
