//! What a printed declaration needs (YEA-6): the declaration with its computed amounts and
//! forms, the payer (the company's settings), the employee, who approved it — for the
//! employee's own, for one a reviewer may see, and every approved one of a company and year
//! (the archive). The same permissions as viewing and as the payroll export.

use nencho_filings::{
    ComputedAmounts, Filing, FilingStatus, Form, OriginalLine, compute, forms_of,
};
use nencho_kernel::{CompanyId, FilingId, OffsetDateTime, TaxYear};
use nencho_ports::{FilingHistory, FilingQuery};
use nencho_tenancy::{Company, Employee};

use super::own::own_filing;
use super::payroll::start_payroll_export;
use super::review::review;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

const PAGE: u32 = 500;

/// One declaration as it is printed.
#[derive(Debug, Clone)]
pub struct PrintableFiling {
    pub company: Company,
    pub employee: Employee,
    pub filing: Filing,
    /// An error text when the document cannot be computed yet (a draft).
    pub computed: Result<ComputedAmounts, String>,
    pub forms: Vec<Form>,
    /// Who approved it and when, from the history (the latest approval).
    pub approval: Option<Approval>,
    /// The certificates it calls for and whether their originals arrived: the employer keeps
    /// the certificates with the declaration for seven years, and the printout says which.
    pub originals: Vec<OriginalLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub by: String,
    pub at: OffsetDateTime,
}

fn approval_of(filing: &Filing, history: &FilingHistory) -> Option<Approval> {
    if filing.status != FilingStatus::Approved {
        return None;
    }
    history
        .events
        .iter()
        .rev()
        .find(|event| event.to == FilingStatus::Approved)
        .map(|event| Approval {
            by: event.actor_name.clone(),
            at: filing.approved_at.unwrap_or(event.at),
        })
}

/// The actor's own declaration for `tax_year`, as [`own_filing`] shows it.
pub async fn print_own(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
) -> Result<PrintableFiling, AppError> {
    let own = own_filing(context, actor, tax_year).await?;
    Ok(PrintableFiling {
        approval: approval_of(&own.filing, &own.history),
        originals: own.originals,
        company: own.company,
        employee: own.employee,
        filing: own.filing,
        computed: own.computed,
        forms: own.forms,
    })
}

/// A declaration the actor may review ([`review`]: ViewFilings in the employee's company and
/// department).
pub async fn print_reviewed(
    context: &AppContext,
    actor: &CurrentUser,
    filing_id: FilingId,
) -> Result<PrintableFiling, AppError> {
    let found = review(context, actor, filing_id).await?;
    let company = context
        .store
        .find_company(actor.tenant.id, found.filing.company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(PrintableFiling {
        approval: approval_of(&found.filing, &found.history),
        originals: found.originals,
        company,
        employee: found.employee,
        filing: found.filing,
        computed: found.computed,
        forms: found.forms,
    })
}

/// Every approved declaration of the company and year, in employee-number order, including
/// those of employees who have left since (the 7-year archive). The payroll export's permission
/// (ExportPayroll over the whole company). All of them are held in memory at once.
pub async fn print_company(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
) -> Result<Vec<PrintableFiling>, AppError> {
    let company = start_payroll_export(context, actor, company_id).await?;
    crate::audit::record(
        context,
        actor,
        nencho_identity::AuditAction::DeclarationsPrinted,
        company.name.as_str(),
        tax_year.to_string(),
    )
    .await?;
    let tenant = actor.tenant.id;
    let mut printable = Vec::new();
    let mut after = None;
    loop {
        let query = FilingQuery {
            include_departed: true,
            awaiting_originals: false,
            shared_claims: false,
            own_deadlines: false,
            checked: None,
            company_id,
            tax_year,
            status: Some(FilingStatus::Approved),
            search: None,
            department: None,
            after,
            limit: PAGE,
        };
        let page = context.store.list_filings(tenant, &query).await?;
        for row in page.rows {
            let Some(filing) = row.filing else { continue };
            if filing.status != FilingStatus::Approved {
                continue;
            }
            let computed = compute(&filing.document, tax_year).map_err(|error| error.to_string());
            let classes = computed
                .as_ref()
                .map(|amounts| amounts.relative_classes.clone())
                .unwrap_or_default();
            let history = context.store.filing_history(tenant, filing.id).await?;
            let originals = super::originals::originals_of(context, &filing).await?;
            printable.push(PrintableFiling {
                originals,
                forms: forms_of(&filing.document, &classes),
                approval: approval_of(&filing, &history),
                company: company.clone(),
                employee: row.employee,
                computed,
                filing,
            });
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(printable)
}
