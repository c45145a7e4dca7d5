-- 登録内容の変更届: an employee's request to correct their name or address on record, and how an
-- administrator decided it. One pending request per employee at a time.
CREATE TABLE change_requests (
    tenant_id       BLOB NOT NULL,
    id              BLOB NOT NULL,
    company_id      BLOB NOT NULL,
    employee_id     BLOB NOT NULL,
    requested_at    TEXT NOT NULL,
    requested_by    BLOB NOT NULL,
    family          TEXT NOT NULL,
    given           TEXT NOT NULL,
    family_kana     TEXT NOT NULL,
    given_kana      TEXT NOT NULL,
    postal_code     TEXT,
    address         TEXT NOT NULL,
    note            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'declined')),
    decided_at      TEXT,
    decided_by      BLOB,
    decided_by_name TEXT,
    comment         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, requested_by) REFERENCES users (tenant_id, id)
) STRICT;
CREATE INDEX change_requests_by_employee ON change_requests (tenant_id, employee_id, id);
CREATE UNIQUE INDEX change_requests_one_pending ON change_requests (tenant_id, employee_id)
    WHERE status = 'pending';
CREATE INDEX change_requests_pending ON change_requests (tenant_id, company_id, id)
    WHERE status = 'pending';
