-- Invitations (issue 5): an imported employee's new ID sets its first password through a mailed
-- single-use link, stored as a one-time token of purpose 'invitation'.
--
-- SQLite cannot alter a CHECK constraint, so one_time_tokens is rebuilt with the wider check,
-- following the documented procedure for general table changes (https://sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"): create the new table, copy the rows, drop the
-- old table, rename the new one, recreate indexes/triggers/views. It is simple here because no
-- table, index, trigger or view refers to one_time_tokens (its only key is the primary key; it
-- references users as a child only), so foreign keys need not be switched off (which cannot be
-- done inside the migration's transaction anyway) and the rename rewrites no other schema.
-- The migration runs in one transaction: it applies whole or not at all.
CREATE TABLE one_time_tokens_new (
    tenant_id  BLOB NOT NULL,
    token_hash TEXT NOT NULL,
    user_id    BLOB NOT NULL,
    purpose    TEXT NOT NULL
        CHECK (purpose IN ('password_reset', 'email_confirmation', 'invitation')),
    email      TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) STRICT;

INSERT INTO one_time_tokens_new (tenant_id, token_hash, user_id, purpose, email, created_at,
                                 expires_at, used_at)
SELECT tenant_id, token_hash, user_id, purpose, email, created_at, expires_at, used_at
FROM one_time_tokens;

DROP TABLE one_time_tokens;

ALTER TABLE one_time_tokens_new RENAME TO one_time_tokens;
