-- Contracts are platform data: a request finds its tenant by slug before it knows the tenant.
CREATE TABLE tenants (
    id          BLOB PRIMARY KEY NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'ending', 'ended')),
    opened_at   TEXT NOT NULL
) STRICT;

-- Every tenant-owned table leads its key with tenant_id, as in PostgreSQL.
CREATE TABLE companies (
    tenant_id     BLOB NOT NULL REFERENCES tenants (id),
    id            BLOB NOT NULL,
    name          TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE INDEX companies_by_name ON companies (tenant_id, name, id);
