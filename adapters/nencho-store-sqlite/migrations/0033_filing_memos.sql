-- 担当者メモ: what staff note on a declaration for each other, never shown to the employee,
-- oldest first. Deleted with the contract (SVC-8).
CREATE TABLE filing_memos (
    id         INTEGER PRIMARY KEY,
    tenant_id  BLOB NOT NULL,
    filing_id  BLOB NOT NULL,
    at         TEXT NOT NULL,
    actor_id   BLOB NOT NULL,
    actor_name TEXT NOT NULL,
    body       TEXT NOT NULL,
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
) STRICT;
CREATE INDEX filing_memos_by_filing ON filing_memos (tenant_id, filing_id, at, id);
