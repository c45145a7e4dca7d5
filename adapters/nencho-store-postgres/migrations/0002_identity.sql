-- Contracts gain their main contact (support, operator-assisted ADMIN reset).
ALTER TABLE tenants ADD COLUMN contact_email text NOT NULL DEFAULT '';

-- Every table below is tenant-owned: tenant_id leads its keys and indexes; RLS enabled and
-- forced with the same policy as companies.
CREATE TABLE users (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    login_id      text NOT NULL,
    display_name  text NOT NULL,
    email         text,
    role          text NOT NULL CHECK (role IN ('admin', 'administrator', 'general')),
    status        text NOT NULL CHECK (status IN ('active', 'disabled')),
    password_kind text NOT NULL CHECK (password_kind IN ('not_set', 'initial', 'chosen')),
    password_hash text,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, login_id)
);

CREATE TABLE sessions (
    tenant_id    uuid NOT NULL,
    token_hash   text NOT NULL,
    user_id      uuid NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);

CREATE TABLE one_time_tokens (
    tenant_id  uuid NOT NULL,
    token_hash text NOT NULL,
    user_id    uuid NOT NULL,
    purpose    text NOT NULL CHECK (purpose IN ('password_reset', 'email_confirmation')),
    email      text,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE TABLE login_attempts (
    tenant_id  uuid NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    user_id    uuid NOT NULL,
    at         timestamptz NOT NULL,
    ip_address text NOT NULL,
    user_agent text NOT NULL,
    outcome    text NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX login_attempts_by_user ON login_attempts (tenant_id, user_id, at);

CREATE TABLE outbox (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    to_address      text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    sent_at         timestamptz,
    failed_at       timestamptz,
    last_error      text,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX outbox_due ON outbox (tenant_id, next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

DO $$
DECLARE
    table_name text;
BEGIN
    FOREACH table_name IN ARRAY ARRAY['users', 'sessions', 'one_time_tokens', 'login_attempts', 'outbox'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (tenant_id = nencho_current_tenant()) '
            'WITH CHECK (tenant_id = nencho_current_tenant())', table_name);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO nencho_app', table_name);
    END LOOP;
END
$$;

-- Platform data (LOG-4): operator commands, never customer data. Not tenant-owned.
CREATE TABLE operator_actions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    operator    text NOT NULL,
    command     text NOT NULL,
    tenant_slug text,
    succeeded   boolean NOT NULL
);
CREATE INDEX operator_actions_by_time ON operator_actions (at);
GRANT SELECT, INSERT, DELETE ON operator_actions TO nencho_app;
