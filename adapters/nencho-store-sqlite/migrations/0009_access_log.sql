-- The access log of tenant sites (LOG-1): one row per request, kept 90 days (the retention
-- purge), deleted with the contract (SVC-8). Never the query string nor the session token: the
-- session is the signed-in user's id. `id` is random (assigned here) and only breaks ties of
-- `at` for the export's paging in time order.
CREATE TABLE access_records (
    tenant_id   BLOB NOT NULL REFERENCES tenants (id),
    at          TEXT NOT NULL,
    id          BLOB NOT NULL DEFAULT (randomblob(16)),
    client_ip   TEXT,
    user_agent  TEXT NOT NULL,
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    route       TEXT,
    status      INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    request_id  TEXT,
    user_id     BLOB,
    PRIMARY KEY (tenant_id, at, id)
) STRICT;
-- The retention purge deletes by time across tenants.
CREATE INDEX access_records_by_time ON access_records (at);
