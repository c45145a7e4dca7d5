-- Whether the worker mails the automatic reminders before the filing deadline (YEA-4).
ALTER TABLE companies
    ADD COLUMN auto_reminders boolean NOT NULL DEFAULT true;
