-- 操作ログ: what the tenant's administrators did to IDs, roles, settings and exports, kept for
-- the life of the contract. The actor's ID and name are copied as they were. The id (the
-- rowid) orders the log and pages it.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    tenant_id      BLOB NOT NULL,
    at             TEXT NOT NULL,
    actor_id       BLOB NOT NULL,
    actor_login_id TEXT NOT NULL,
    actor_name     TEXT NOT NULL,
    action         TEXT NOT NULL,
    target         TEXT NOT NULL,
    detail         TEXT NOT NULL,
    FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id)
) STRICT;
CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, id);
