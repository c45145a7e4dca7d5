-- One-time fixes of existing rows that SQL alone cannot do (they need the domain's rules), done
-- by the store when it connects and recorded here so that later connects skip them. Platform
-- data, not tenant-owned: it names the fix and when it finished, nothing of any tenant.
CREATE TABLE nencho_data_fixes (
    name    text PRIMARY KEY,
    done_at timestamptz NOT NULL
);
GRANT SELECT, INSERT ON nencho_data_fixes TO nencho_app;
