-- Contracts gain their main contact (support, operator-assisted ADMIN reset).
ALTER TABLE tenants ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';

CREATE TABLE users (
    tenant_id     BLOB NOT NULL REFERENCES tenants (id),
    id            BLOB NOT NULL,
    login_id      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    email         TEXT,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'administrator', 'general')),
    status        TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    password_kind TEXT NOT NULL CHECK (password_kind IN ('not_set', 'initial', 'chosen')),
    password_hash TEXT,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, login_id)
) STRICT;

CREATE TABLE sessions (
    tenant_id    BLOB NOT NULL,
    token_hash   TEXT NOT NULL,
    user_id      BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) STRICT;
CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);

CREATE TABLE one_time_tokens (
    tenant_id  BLOB NOT NULL,
    token_hash TEXT NOT NULL,
    user_id    BLOB NOT NULL,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_confirmation')),
    email      TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) STRICT;

CREATE TABLE login_attempts (
    id         INTEGER PRIMARY KEY,
    tenant_id  BLOB NOT NULL,
    user_id    BLOB NOT NULL,
    at         TEXT NOT NULL,
    ip_address TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) STRICT;
CREATE INDEX login_attempts_by_user ON login_attempts (tenant_id, user_id, at);

CREATE TABLE outbox (
    tenant_id       BLOB NOT NULL REFERENCES tenants (id),
    id              BLOB NOT NULL,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    failed_at       TEXT,
    last_error      TEXT,
    PRIMARY KEY (tenant_id, id)
) STRICT;
CREATE INDEX outbox_due ON outbox (tenant_id, next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Platform data (LOG-4): operator commands, never customer data.
CREATE TABLE operator_actions (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    operator    TEXT NOT NULL,
    command     TEXT NOT NULL,
    tenant_slug TEXT,
    succeeded   INTEGER NOT NULL
) STRICT;
CREATE INDEX operator_actions_by_time ON operator_actions (at);
