-- The documents attached to declarations (添付書類): one row per document with its content
-- beside it, so backups and the contract's purge (SVC-8) cover them like the declarations.
-- id: a UUIDv7 (time-ordered), so the key's order is the order of upload. kind and format: the
-- domain's codes. size: the content's length in bytes. uploaded_at: as the filings' times.
CREATE TABLE filing_attachments (
    tenant_id   BLOB NOT NULL,
    id          BLOB NOT NULL,
    filing_id   BLOB NOT NULL,
    kind        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    format      TEXT NOT NULL,
    size        INTEGER NOT NULL CHECK (size >= 0),
    uploaded_by BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    content     BLOB NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
) STRICT;
-- A declaration's documents in upload order.
CREATE INDEX filing_attachments_by_filing ON filing_attachments (tenant_id, filing_id, id);
