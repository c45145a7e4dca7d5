-- The 源泉徴収票 an employee was issued before a corrected one replaced it (訂正前), kept so the
-- employee and an auditor can see what was issued when. content and issued_at: as in
-- withholding_slips at the time; replaced_at: when the correction was issued.
CREATE TABLE replaced_withholding_slips (
    tenant_id   BLOB NOT NULL,
    employee_id BLOB NOT NULL,
    tax_year    INTEGER NOT NULL,
    issued_at   TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    content     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, tax_year, issued_at),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
) STRICT;
