-- The application's role: not the owner of any table, no BYPASSRLS, no LOGIN of its own. The
-- server connects with the configured URL and switches to it (SET ROLE) on every connection, so
-- row-level security always applies to application queries. Roles are cluster-wide; creating it
-- tolerates a concurrent creator (several databases migrating at once, as in tests).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nencho_app') THEN
        BEGIN
            CREATE ROLE nencho_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT pg_has_role(current_user, 'nencho_app', 'MEMBER') THEN
        EXECUTE format('GRANT nencho_app TO %I', current_user);
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO nencho_app;

-- The tenant a transaction works for, set with set_config('nencho.tenant_id', …, true).
-- NULL (no rows) when unset; never an error, so a forgotten setting fails closed.
CREATE FUNCTION nencho_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('nencho.tenant_id', true), '')::uuid $$;

-- Contracts are platform data: a request finds its tenant by slug before it knows the tenant.
CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    status      text NOT NULL CHECK (status IN ('active', 'ending', 'ended')),
    opened_at   timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON tenants TO nencho_app;

-- Tenant-owned: tenant_id leads the key and every index; RLS enabled and forced.
CREATE TABLE companies (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    name          text NOT NULL,
    registered_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX companies_by_name ON companies (tenant_id, name, id);
ALTER TABLE companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE companies FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON companies
    USING (tenant_id = nencho_current_tenant())
    WITH CHECK (tenant_id = nencho_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON companies TO nencho_app;
