-- The progress dashboard's counts split a company's employees into current ones (leave_date NULL,
-- counted from this index alone) and departed ones (a range of it, few), instead of reading every
-- employee row or, as SQLite 3.51's planner chose, every filing of the tenant.
CREATE INDEX employees_by_leave_date ON employees (tenant_id, company_id, leave_date);
