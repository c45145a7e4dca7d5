-- What the declaration forms print about the payer, and company settings.
ALTER TABLE companies
    ADD COLUMN corporate_number text CHECK (corporate_number ~ '^[1-9][0-9]{12}$'),
    ADD COLUMN address text NOT NULL DEFAULT '',
    ADD COLUMN tax_office text NOT NULL DEFAULT '',
    ADD COLUMN contact text NOT NULL DEFAULT '',
    ADD COLUMN login_id_scheme text NOT NULL DEFAULT 'employee_number'
        CHECK (login_id_scheme IN ('employee_number', 'email'));
