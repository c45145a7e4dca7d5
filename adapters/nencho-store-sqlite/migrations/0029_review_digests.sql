-- 提出状況のお知らせ (the reviewers' morning digest): one row per business day claimed for a
-- contract (the worker inserts it and queues the mails in one transaction, so a day is sent once
-- however many workers run), and the users who turned it off. Deleted with the contract (SVC-8).
CREATE TABLE review_digests (
    tenant_id  BLOB NOT NULL,
    digest_day TEXT NOT NULL,
    tax_year   INTEGER NOT NULL,
    sent_at    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, digest_day)
) STRICT;

CREATE TABLE review_digest_opt_outs (
    tenant_id     BLOB NOT NULL,
    user_id       BLOB NOT NULL,
    opted_out_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) STRICT;

-- The digest counts the contract's 提出済 declarations of a year across its companies.
CREATE INDEX filings_submitted ON filings (tenant_id, tax_year, employee_id)
    WHERE status = 'submitted';
