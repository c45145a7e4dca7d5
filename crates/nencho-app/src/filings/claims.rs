//! 重複扶養チェック for the reviewer: what one declaration's claims meet in the other
//! declarations and the employees of the company (of every company, for a reviewer of the whole
//! tenant) and year ([`nencho_filings::review_claims`]),
//! with the other employee named only when the reviewer's own scope reaches them.

use nencho_filings::{
    ClaimFinding, Filing, FilingStatus, KeyedEmployee, PersonKey, all_claims_of, compute,
    review_claims,
};
use nencho_identity::{Grants, Permission, Scope};
use nencho_kernel::{EmployeeId, TenantId, Yen};
use nencho_tenancy::Employee;

use super::grants_reach;
use crate::authorization::grants_of;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// One finding as the review page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimCheck {
    pub finding: ClaimFinding,
    /// The other employee of the finding, when the reviewer may see their declarations; `None`:
    /// 担当範囲外 (outside the reviewer's departments), not named.
    pub other: Option<Employee>,
    /// The other employee's declaration for the year and its status, in scope only.
    pub other_filing: Option<Filing>,
    /// The other employee's company, when it is not the declaration's (a reviewer of the whole
    /// tenant sees every company's declarations).
    pub other_company: Option<String>,
    /// The 合計所得金額 that the person's own declaration gives (給与所得 of the salary estimate
    /// plus other income): the colleague's for a claimed colleague, this employee's when a
    /// colleague claims them. `None` when there is no declaration with entries to read it from.
    pub own_income: Option<Yen>,
}

/// The keys of an employee's own name and birth date.
pub fn employee_keys(employee: &Employee) -> Vec<PersonKey> {
    let name = &employee.name;
    PersonKey::of(
        &format!("{}{}", name.family, name.given),
        &format!("{}{}", name.family_kana, name.given_kana),
        employee.birth_date,
    )
}

/// The 合計所得金額 a declaration gives for its own employee, once the employee has entered
/// anything (a requested declaration is still empty) and is not set aside as 対象外.
fn declared_total_income(filing: &Filing) -> Option<Yen> {
    if matches!(
        filing.status,
        FilingStatus::NotRequested | FilingStatus::Requested | FilingStatus::Excluded
    ) {
        return None;
    }
    compute(&filing.document, filing.tax_year)
        .ok()
        .map(|amounts| amounts.employment_income + filing.document.taxpayer.other_income)
}

/// The findings about `filing` of `employee`, in the order of [`order`]. The caller has checked that
/// `actor` may see `filing`.
pub async fn claim_checks(
    context: &AppContext,
    actor: &CurrentUser,
    filing: &Filing,
    employee: &Employee,
) -> Result<Vec<ClaimCheck>, AppError> {
    let tenant = employee.tenant_id;
    // A reviewer of the whole tenant (ADMIN, 管理者) is shown the other companies' declarations
    // too — a group's companies, a 社労士 office's clients: a dependant is one taxpayer's
    // whoever employs them. A role given per company sees its company's only.
    let grants = grants_of(context, actor).await?;
    let within = match grants.scope(Permission::ViewFilings) {
        Scope::Tenant => None,
        Scope::Companies(_) | Scope::Nothing => Some(filing.company_id),
    };
    // This year's claims and the 翌年分's: each meets only its own year's in other declarations.
    let claims = all_claims_of(&filing.document, filing.tax_year);
    let own_keys = employee_keys(employee);
    let mut keys: Vec<PersonKey> = claims
        .iter()
        .flat_map(|claim| claim.keys.iter().cloned())
        .chain(own_keys.iter().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    let records = context
        .store
        .claims_under(tenant, within, filing.tax_year, &keys)
        .await?;
    let mut birth_dates: Vec<_> = filing
        .document
        .spouse
        .iter()
        .map(|spouse| spouse.birth_date)
        .chain(filing.document.relatives.iter().map(|r| r.birth_date))
        .collect();
    birth_dates.sort();
    birth_dates.dedup();
    let colleagues = if claims.is_empty() {
        Vec::new()
    } else {
        context
            .store
            .employees_born_on(tenant, within, &birth_dates)
            .await?
    };
    let keyed: Vec<KeyedEmployee> = colleagues
        .iter()
        .map(|colleague| KeyedEmployee {
            employee_id: colleague.id,
            keys: employee_keys(colleague),
        })
        .collect();
    let findings = review_claims(filing.id, employee.id, &claims, &own_keys, &records, &keyed);
    let mut checks = Vec::with_capacity(findings.len());
    for finding in findings {
        let other_id = match &finding {
            ClaimFinding::ClaimedTwice { other_employee, .. }
            | ClaimFinding::MutualSpouse { other_employee, .. }
            | ClaimFinding::EmployeeClaimedByOther { other_employee, .. } => *other_employee,
            ClaimFinding::ClaimedPersonIsEmployee { employee, .. } => *employee,
        };
        let other = visible_employee(context, &grants, &colleagues, tenant, other_id).await?;
        let other_filing = match &other {
            Some(other) => {
                context
                    .store
                    .find_filing_of(tenant, other.id, filing.tax_year)
                    .await?
            }
            None => None,
        };
        let own_income = match &finding {
            ClaimFinding::ClaimedPersonIsEmployee { .. } => {
                other_filing.as_ref().and_then(declared_total_income)
            }
            ClaimFinding::EmployeeClaimedByOther { .. } | ClaimFinding::MutualSpouse { .. } => {
                declared_total_income(filing)
            }
            ClaimFinding::ClaimedTwice { .. } => None,
        };
        let other_company = match &other {
            Some(other) if other.company_id != filing.company_id => context
                .store
                .find_company(tenant, other.company_id)
                .await?
                .map(|company| company.name.as_str().to_owned()),
            _ => None,
        };
        checks.push(ClaimCheck {
            finding,
            other,
            other_filing,
            other_company,
            own_income,
        });
    }
    checks.sort_by_cached_key(order);
    Ok(checks)
}

/// The order of the page: conflicts first, then by kind and by the claim (spouse, then the
/// relatives in the document's order); among the declarations a claim meets, the company's own
/// before other companies', each by employee number, those out of scope last.
fn order(check: &ClaimCheck) -> (bool, u8, u32, bool, bool, String) {
    let (kind, ordinal) = match &check.finding {
        ClaimFinding::MutualSpouse { claim, .. } => (0, claim.ordinal),
        ClaimFinding::ClaimedTwice { claim, .. } => (1, claim.ordinal),
        ClaimFinding::ClaimedPersonIsEmployee { claim, .. } => (2, claim.ordinal),
        ClaimFinding::EmployeeClaimedByOther { .. } => (3, 0),
    };
    (
        !check.finding.is_conflict(),
        kind,
        ordinal,
        check.other.is_none(),
        check.other_company.is_some(),
        check
            .other
            .as_ref()
            .map(|other| other.number.to_string())
            .unwrap_or_default(),
    )
}

/// The employee if `grants` let the reviewer view their declarations (ViewFilings over their
/// company and department), else `None`.
async fn visible_employee(
    context: &AppContext,
    grants: &Grants,
    known: &[Employee],
    tenant: TenantId,
    employee_id: EmployeeId,
) -> Result<Option<Employee>, AppError> {
    let employee = match known.iter().find(|employee| employee.id == employee_id) {
        Some(employee) => Some(employee.clone()),
        None => context.store.find_employee(tenant, employee_id).await?,
    };
    Ok(employee.filter(|employee| grants_reach(grants, Permission::ViewFilings, employee)))
}
