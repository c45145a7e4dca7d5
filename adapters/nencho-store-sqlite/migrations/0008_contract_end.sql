-- The contract's end (SVC-2, SVC-8). `ends_on` is the contract's last day (ISO date), set when
-- notice is given. `purged_at` marks the tombstone of a purged contract: every tenant-owned row
-- is deleted, the tenant row stays (status 'ended') so its slug is never reused by accident.
-- SQLite cannot widen the status CHECK without rebuilding `tenants`, which four tables
-- reference (a rebuild needs foreign keys off, impossible inside the migration's transaction):
-- hence a column of its own rather than a 'purged' status; both stores read it the same way.
ALTER TABLE tenants ADD COLUMN ends_on TEXT;
ALTER TABLE tenants ADD COLUMN purged_at TEXT CHECK (purged_at IS NULL OR status = 'ended');

-- The worker's due ends and purges.
CREATE INDEX tenants_by_last_day ON tenants (status, ends_on);
