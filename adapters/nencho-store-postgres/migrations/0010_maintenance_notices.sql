-- Maintenance notices (SVC-5, SVC-6). Platform data, like tenants and operator_actions: one
-- notice is shown on every tenant's site and on the landing page, so it has no tenant_id and no
-- row-level security. Operators write them through nencho-ops; the sites only read them.
-- Cancelling sets cancelled_at (a notice is never deleted by the application).
CREATE TABLE maintenance_notices (
    id            uuid PRIMARY KEY,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    title         text NOT NULL,
    body          text NOT NULL,
    affects_users boolean NOT NULL,
    emergency     boolean NOT NULL,
    announced_at  timestamptz NOT NULL,
    cancelled_at  timestamptz,
    CHECK (ends_at > starts_at)
);
-- What the sites ask on every cache refresh: the notices not yet over.
CREATE INDEX maintenance_notices_by_end ON maintenance_notices (ends_at);
GRANT SELECT, INSERT, UPDATE ON maintenance_notices TO nencho_app;
