-- 重複扶養チェック: the people each declaration claims (the spouse of a 配偶者(特別)控除, each
-- 扶養親族 and 特定親族), one row per matching key (フリガナ or name, with the birth date; see
-- nencho_filings::PersonKey), rewritten by the store at every write of the declaration.
-- ordinal: 0 the spouse, 1 + the index of a relative. WITHOUT ROWID: a declaration's own claims
-- are read by the primary key, which then holds every column.
CREATE TABLE filing_claims (
    tenant_id       BLOB NOT NULL,
    filing_id       BLOB NOT NULL,
    ordinal         INTEGER NOT NULL,
    person_key      TEXT NOT NULL,
    company_id      BLOB NOT NULL,
    tax_year        INTEGER NOT NULL,
    employee_id     BLOB NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('spouse', 'dependent', 'specific_relative')),
    person_name     TEXT NOT NULL,
    declared_income INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, filing_id, ordinal, person_key),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
) STRICT, WITHOUT ROWID;
-- The reviewer's search by person, and the dashboard's count of declarations sharing a person.
CREATE INDEX filing_claims_by_person
    ON filing_claims (tenant_id, company_id, tax_year, person_key, filing_id);

-- 0: the claims of this declaration are not indexed yet (written before this migration); the
-- store indexes them when it opens. Every write sets it.
ALTER TABLE filings ADD COLUMN claims_indexed INTEGER NOT NULL DEFAULT 0
    CHECK (claims_indexed IN (0, 1));
CREATE INDEX filings_unindexed_claims ON filings (tenant_id) WHERE claims_indexed = 0;

-- 1: the declaration claims a person another declaration of its company and year claims too
-- (重複の疑い). Set by the store for every declaration a write may change (the one written and
-- those sharing a key it removed or added), so the dashboard counts and lists from the index.
ALTER TABLE filings ADD COLUMN shares_claims INTEGER NOT NULL DEFAULT 0
    CHECK (shares_claims IN (0, 1));
CREATE INDEX filings_sharing_claims ON filings (tenant_id, company_id, tax_year, employee_id)
    WHERE shares_claims;

-- Employees matched by birth date (a claimed person who works in the company). Not led by the
-- company: an index led by (tenant_id, company_id) would compete with the others of that prefix
-- (PostgreSQL, its statistics stale after a bulk import, then read the departed employees of the
-- dashboard's counts through it: every employee of the company).
CREATE INDEX employees_by_birth_date ON employees (tenant_id, birth_date);
