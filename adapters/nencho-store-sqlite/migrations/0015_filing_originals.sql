-- The certificates' originals (控除証明書等の原本) received for declarations. original_key: the
-- domain's key of the certificate (kind and subject); method: 'paper' or 'electronic'; at: as
-- the filings' times. A receipt is replaced or withdrawn whole; its history is in filing_changes.
CREATE TABLE filing_originals (
    tenant_id    BLOB NOT NULL,
    filing_id    BLOB NOT NULL,
    original_key TEXT NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('paper', 'electronic')),
    at           TEXT NOT NULL,
    actor_id     BLOB NOT NULL,
    actor_name   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, filing_id, original_key),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
) STRICT;

-- How many certificates the declaration's document calls for have no receipt, recounted by the
-- store at every write of the document or a receipt. NULL: not counted yet (declarations written
-- before this migration; the store counts them when it opens).
ALTER TABLE filings ADD COLUMN originals_pending INTEGER CHECK (originals_pending >= 0);
-- The dashboard's 原本未着: the few declarations of a company and year still waiting.
CREATE INDEX filings_awaiting_originals ON filings (tenant_id, company_id, tax_year, employee_id)
    WHERE originals_pending > 0 AND status IN ('submitted', 'returned', 'approved');
