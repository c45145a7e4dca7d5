-- Employees of a company (ID-1, ID-2) and the limited roles users hold per company (ID-4).
-- Keys and indexes lead with tenant_id, as in PostgreSQL. Dates are ISO text (YYYY-MM-DD), as
-- sqlx writes time::Date; employee numbers compare byte by byte (BINARY), as in PostgreSQL
-- (COLLATE "C") and in Rust, so the list's keyset paging agrees everywhere.
-- An employee who left keeps their row (leave_date set); employees are never deleted (ID-3).
CREATE TABLE employees (
    tenant_id        BLOB NOT NULL,
    id               BLOB NOT NULL,
    company_id       BLOB NOT NULL,
    employee_number  TEXT NOT NULL
        CHECK (length(employee_number) BETWEEN 1 AND 20
               AND employee_number NOT GLOB '*[^A-Za-z0-9_-]*'),
    family_name      TEXT NOT NULL,
    given_name       TEXT NOT NULL,
    family_name_kana TEXT NOT NULL,
    given_name_kana  TEXT NOT NULL,
    birth_date       TEXT NOT NULL CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    postal_code      TEXT CHECK (postal_code GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
    address          TEXT NOT NULL,
    email            TEXT,
    department       TEXT,
    employment_type  TEXT NOT NULL
        CHECK (employment_type IN ('regular', 'contract', 'part_time', 'officer', 'other')),
    hire_date        TEXT CHECK (hire_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    leave_date       TEXT CHECK (leave_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    user_id          BLOB,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    -- Also the index of the list in number order.
    UNIQUE (tenant_id, company_id, employee_number),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) STRICT;
CREATE INDEX employees_by_department ON employees (tenant_id, company_id, department, employee_number);
-- One employee record per login ID, so a user finds exactly their own record.
CREATE UNIQUE INDEX employees_by_user ON employees (tenant_id, user_id);

-- A user's limited role in one company (承認者, 担当者, 参照者), replaced on re-assignment.
-- departments: the department names joined by U+001F (the unit separator); empty = the whole
-- company. The same encoding as in PostgreSQL, so both stores share one row mapping.
CREATE TABLE role_assignments (
    tenant_id   BLOB NOT NULL,
    user_id     BLOB NOT NULL,
    company_id  BLOB NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('approver', 'clerk', 'viewer')),
    departments TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, user_id, company_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id)
) STRICT;
CREATE INDEX role_assignments_by_company ON role_assignments (tenant_id, company_id, user_id);
