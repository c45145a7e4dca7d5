-- SVC-4: the outages the worker records (from the first failed check to the first good one), for
-- the availability report (uptime, MTTR, MTBF). Platform data: it names no customer.
CREATE TABLE outages (
    cause      TEXT NOT NULL CHECK (cause IN ('store', 'web')),
    started_at TEXT NOT NULL,
    ended_at   TEXT NOT NULL,
    PRIMARY KEY (cause, started_at),
    CHECK (ended_at > started_at)
) STRICT;
CREATE INDEX outages_by_end ON outages (ended_at);
