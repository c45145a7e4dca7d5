-- The 源泉徴収票 issued to employees electronically (電子交付, 所得税法231条②) and the employees'
-- consent to receive them so (同施行令356条), so backups and the contract's purge (SVC-8) cover
-- them like the declarations.
-- slip_consents: one row per consenting employee; a withdrawal deletes it. consented_at: as the
-- filings' times.
CREATE TABLE slip_consents (
    tenant_id    BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    consented_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
) STRICT;
-- withholding_slips: one row per employee and tax year; issuing again replaces it (a corrected
-- slip). content: the whole issued slip (nencho_filings::IssuedSlip) as serde_json text; the
-- other columns repeat what the queries select and order by.
CREATE TABLE withholding_slips (
    tenant_id   BLOB NOT NULL,
    employee_id BLOB NOT NULL,
    tax_year    INTEGER NOT NULL,
    company_id  BLOB NOT NULL,
    issued_at   TEXT NOT NULL,
    issued_by   BLOB NOT NULL,
    content     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, tax_year),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
) STRICT;
