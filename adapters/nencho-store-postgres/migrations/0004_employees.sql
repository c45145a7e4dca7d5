-- Employees of a company (ID-1, ID-2) and the limited roles users hold per company (ID-4).
-- Both tables are tenant-owned: tenant_id leads their keys and indexes; RLS enabled and forced
-- with the same policy as the other tenant tables.

-- Employee numbers compare byte by byte (COLLATE "C"), as in SQLite and in Rust: the list's
-- keyset paging and its order agree everywhere, and a number prefix search can use the index.
-- An employee who left keeps their row (leave_date set); employees are never deleted (ID-3).
CREATE TABLE employees (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    company_id       uuid NOT NULL,
    employee_number  text COLLATE "C" NOT NULL CHECK (employee_number ~ '^[A-Za-z0-9_-]{1,20}$'),
    family_name      text NOT NULL,
    given_name       text NOT NULL,
    family_name_kana text NOT NULL,
    given_name_kana  text NOT NULL,
    birth_date       date NOT NULL,
    postal_code      text CHECK (postal_code ~ '^[0-9]{7}$'),
    address          text NOT NULL,
    email            text,
    department       text,
    employment_type  text NOT NULL
        CHECK (employment_type IN ('regular', 'contract', 'part_time', 'officer', 'other')),
    hire_date        date,
    leave_date       date,
    user_id          uuid,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    -- Also the index of the list in number order.
    CONSTRAINT employees_number_unique UNIQUE (tenant_id, company_id, employee_number),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX employees_by_department ON employees (tenant_id, company_id, department, employee_number);
-- One employee record per login ID, so a user finds exactly their own record.
CREATE UNIQUE INDEX employees_by_user ON employees (tenant_id, user_id);

-- A user's limited role in one company (承認者, 担当者, 参照者), replaced on re-assignment.
-- departments: the department names joined by U+001F (the unit separator); empty = the whole
-- company. The same encoding as in SQLite, so both stores share one row mapping.
CREATE TABLE role_assignments (
    tenant_id   uuid NOT NULL,
    user_id     uuid NOT NULL,
    company_id  uuid NOT NULL,
    role        text NOT NULL CHECK (role IN ('approver', 'clerk', 'viewer')),
    departments text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, user_id, company_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id)
);
CREATE INDEX role_assignments_by_company ON role_assignments (tenant_id, company_id, user_id);

DO $$
DECLARE
    table_name text;
BEGIN
    FOREACH table_name IN ARRAY ARRAY['employees', 'role_assignments'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON %I USING (tenant_id = nencho_current_tenant()) '
            'WITH CHECK (tenant_id = nencho_current_tenant())', table_name);
    END LOOP;
END
$$;
-- Employees are never deleted (ID-3); role assignments are revoked by deleting them.
GRANT SELECT, INSERT, UPDATE ON employees TO nencho_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON role_assignments TO nencho_app;
