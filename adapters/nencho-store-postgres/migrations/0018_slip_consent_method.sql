-- How a consent to electronic delivery of the 源泉徴収票 was given (同施行令356条 allows any
-- means): 'online' (the employee on the site; every consent recorded before this migration) or
-- 'paper' (a signed form that staff recorded), and who recorded it (NULL for the employee's own).
-- The table's grant to nencho_app (0014) covers the new columns; RLS is unchanged.
ALTER TABLE slip_consents
    ADD COLUMN method text NOT NULL DEFAULT 'online'
        CONSTRAINT slip_consents_method CHECK (method IN ('online', 'paper')),
    ADD COLUMN recorded_by uuid,
    ADD COLUMN recorded_by_name text;
