-- The contract's IP allow-list (SEC-2): up to 100 networks per tenant (the limit is a domain
-- rule), each with the customer's note. Empty = no restriction.
CREATE TABLE ip_allow_entries (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    network   TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, network)
) STRICT;
