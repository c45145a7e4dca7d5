-- Whether a declaration may be approved only once every certificate it calls for has arrived.
ALTER TABLE companies ADD COLUMN originals_before_approval boolean NOT NULL DEFAULT false;
