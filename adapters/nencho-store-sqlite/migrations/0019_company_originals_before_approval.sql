-- Whether a declaration may be approved only once every certificate it calls for has arrived.
ALTER TABLE companies ADD COLUMN originals_before_approval INTEGER NOT NULL DEFAULT 0
    CHECK (originals_before_approval IN (0, 1));
