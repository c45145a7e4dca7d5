-- 2段階認証: how far a session's login got, the contract's rule for staff, each user's
-- authenticator key and their single-use recovery codes (only hashes).
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'complete'
    CHECK (stage IN ('complete', 'second_factor', 'enrolment'));

ALTER TABLE tenants ADD COLUMN staff_second_factor_required INTEGER NOT NULL DEFAULT 0
    CHECK (staff_second_factor_required IN (0, 1));

CREATE TABLE second_factors (
    tenant_id      BLOB NOT NULL,
    user_id        BLOB NOT NULL,
    secret         BLOB NOT NULL,
    enabled_at     TEXT NOT NULL,
    last_used_step INTEGER,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) STRICT;

CREATE TABLE recovery_codes (
    tenant_id BLOB NOT NULL,
    user_id   BLOB NOT NULL,
    code_hash TEXT NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (tenant_id, user_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) STRICT;
