-- Invitations (issue 5): an imported employee's new ID sets its first password through a mailed
-- single-use link. The token kinds are a CHECK on one_time_tokens.purpose, so the constraint is
-- replaced by one that also allows 'invitation' (PostgreSQL named the inline check
-- one_time_tokens_purpose_check). Existing rows all satisfy the wider check.
ALTER TABLE one_time_tokens DROP CONSTRAINT one_time_tokens_purpose_check;
ALTER TABLE one_time_tokens ADD CONSTRAINT one_time_tokens_purpose_check
    CHECK (purpose IN ('password_reset', 'email_confirmation', 'invitation'));
