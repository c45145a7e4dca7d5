//! 重複扶養チェック: the people the declarations claim, as the store indexes them at every write
//! ([`nencho_filings::claims_of`]), searched by person for the reviewer.

use async_trait::async_trait;
use nencho_filings::{ClaimRecord, PersonKey};
use nencho_kernel::{CompanyId, Date, FilingId, TaxYear, TenantId};
use nencho_tenancy::Employee;

use crate::StoreError;

#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait ClaimStore: Send + Sync {
    /// The claims of the company's declarations (of every company of the tenant, for `None`)
    /// for the year stored under any of `keys` (one record per matching key), by declaration and
    /// ordinal.
    async fn claims_under(
        &self,
        tenant_id: TenantId,
        company_id: Option<CompanyId>,
        tax_year: TaxYear,
        keys: &[PersonKey],
    ) -> Result<Vec<ClaimRecord>, StoreError>;
    /// The company's employees (of every company, for `None`; those who left included) born on
    /// any of `dates`, by company and number.
    async fn employees_born_on(
        &self,
        tenant_id: TenantId,
        company_id: Option<CompanyId>,
        dates: &[Date],
    ) -> Result<Vec<Employee>, StoreError>;
    /// Those of `filings` that claim a person another declaration of their company and year
    /// claims too (重複の疑い), in no particular order.
    async fn sharing_claims(
        &self,
        tenant_id: TenantId,
        filings: &[FilingId],
    ) -> Result<Vec<FilingId>, StoreError>;
    /// How many declarations of the company's current employees (of exactly `department`, when
    /// given) for the year claim a person whom another declaration of the company and year claims
    /// too.
    async fn shared_claim_count<'a>(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        tax_year: TaxYear,
        department: Option<&'a str>,
    ) -> Result<u64, StoreError>;
}
