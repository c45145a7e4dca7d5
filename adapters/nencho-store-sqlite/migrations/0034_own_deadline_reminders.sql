-- The automatic reminders toward a deadline of the employee's own (個別の提出期限, YEA-4): one
-- row per reminder day claimed for a declaration. The worker inserts the row (the claim) and
-- queues the reminder in the same transaction; the primary key makes a second claim of the same
-- day insert nothing. reminder_day: ISO text (YYYY-MM-DD), the Japan date of the schedule.
CREATE TABLE own_deadline_reminders (
    tenant_id    BLOB NOT NULL,
    filing_id    BLOB NOT NULL,
    reminder_day TEXT NOT NULL CHECK (reminder_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    sent_at      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, filing_id, reminder_day),
    FOREIGN KEY (tenant_id, filing_id) REFERENCES filings (tenant_id, id)
) STRICT;
-- The few declarations with a deadline of their own, read directly (the dashboard's filter and
-- the worker's reminders) without walking the company.
CREATE INDEX filings_with_own_deadline ON filings (tenant_id, company_id, tax_year, employee_id)
    WHERE own_deadline IS NOT NULL;
