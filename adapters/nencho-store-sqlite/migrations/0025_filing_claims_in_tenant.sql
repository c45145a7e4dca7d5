-- 重複扶養チェック across the companies of a contract (a group's companies, a 社労士 office's
-- clients), for reviewers whose scope is the whole tenant: the claims of a year by person.
CREATE INDEX filing_claims_by_person_in_tenant
    ON filing_claims (tenant_id, tax_year, person_key, filing_id);
