-- What the declaration forms print about the payer, and company settings.
ALTER TABLE companies ADD COLUMN corporate_number TEXT;
ALTER TABLE companies ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN tax_office TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN login_id_scheme TEXT NOT NULL DEFAULT 'employee_number'
    CHECK (login_id_scheme IN ('employee_number', 'email'));
