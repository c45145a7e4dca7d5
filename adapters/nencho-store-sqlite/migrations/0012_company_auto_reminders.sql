-- Whether the worker mails the automatic reminders before the filing deadline (YEA-4).
ALTER TABLE companies ADD COLUMN auto_reminders INTEGER NOT NULL DEFAULT 1
    CHECK (auto_reminders IN (0, 1));
