-- The automatic reminders before the filing deadline (YEA-4): one row per reminder day claimed
-- for a company and tax year. The worker inserts the row (the claim) and queues the reminders in
-- the same transaction; the primary key makes a second claim of the same day insert nothing, so
-- a day is reminded once however many workers run. reminder_day: ISO text (YYYY-MM-DD), the
-- Japan date of the schedule.
CREATE TABLE filing_reminders (
    tenant_id    BLOB NOT NULL,
    company_id   BLOB NOT NULL,
    tax_year     INTEGER NOT NULL,
    reminder_day TEXT NOT NULL CHECK (reminder_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    sent_at      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, company_id, tax_year, reminder_day),
    FOREIGN KEY (tenant_id, company_id) REFERENCES companies (tenant_id, id)
) STRICT;
