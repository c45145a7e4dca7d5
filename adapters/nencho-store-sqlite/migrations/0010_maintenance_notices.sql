-- Maintenance notices (SVC-5, SVC-6). Platform data, like tenants and operator_actions: no
-- tenant_id. Times are stored as UTC text, so text order is time order. Cancelling sets
-- cancelled_at (a notice is never deleted by the application).
CREATE TABLE maintenance_notices (
    id            BLOB PRIMARY KEY NOT NULL,
    starts_at     TEXT NOT NULL,
    ends_at       TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    affects_users INTEGER NOT NULL,
    emergency     INTEGER NOT NULL,
    announced_at  TEXT NOT NULL,
    cancelled_at  TEXT
) STRICT;
CREATE INDEX maintenance_notices_by_end ON maintenance_notices (ends_at);
