-- The deployment's sealing key, by fingerprint only (never the key): authenticator keys are kept
-- sealed with it (SEC-7), and a server started with another key (a restored database without its
-- secret.key, say) is stopped before it seals anything that cannot be opened.
CREATE TABLE deployment_keys (
    purpose       TEXT PRIMARY KEY CHECK (purpose IN ('sealing')),
    fingerprint   TEXT NOT NULL,
    registered_at TEXT NOT NULL
) STRICT;
