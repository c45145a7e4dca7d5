-- SVC-4: the outages the worker records (from the first failed check to the first good one), for
-- the availability report (uptime, MTTR, MTBF). Platform data, like maintenance_notices: no
-- tenant_id, no row-level security; it names no customer. A retry of the same record is a no-op.
CREATE TABLE outages (
    cause      text NOT NULL CHECK (cause IN ('store', 'web')),
    started_at timestamptz NOT NULL,
    ended_at   timestamptz NOT NULL,
    PRIMARY KEY (cause, started_at),
    CHECK (ended_at > started_at)
);
CREATE INDEX outages_by_end ON outages (ended_at);
GRANT SELECT, INSERT ON outages TO nencho_app;
