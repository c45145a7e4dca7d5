-- The deployment's sealing key, by fingerprint only (never the key): authenticator keys are kept
-- sealed with it (SEC-7), and a server started with another key is stopped before it seals
-- anything the others cannot open; a rotation replaces it once everything is re-sealed. Platform data, like maintenance_notices: no tenant_id, no
-- row-level security; it names no customer.
CREATE TABLE deployment_keys (
    purpose       text PRIMARY KEY CHECK (purpose IN ('sealing')),
    fingerprint   text NOT NULL,
    registered_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON deployment_keys TO nencho_app;
