-- How a consent to electronic delivery of the 源泉徴収票 was given (同施行令356条 allows any
-- means): 'online' (the employee on the site; every consent recorded before this migration) or
-- 'paper' (a signed form that staff recorded), and who recorded it (NULL for the employee's own).
ALTER TABLE slip_consents ADD COLUMN method TEXT NOT NULL DEFAULT 'online'
    CHECK (method IN ('online', 'paper'));
ALTER TABLE slip_consents ADD COLUMN recorded_by BLOB;
ALTER TABLE slip_consents ADD COLUMN recorded_by_name TEXT;
