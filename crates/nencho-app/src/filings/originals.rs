//! The certificates' originals (控除証明書等の原本): a reviewer with ReturnFilings over the
//! employee records that the paper original, or the certificate's electronic data, of a
//! certificate the declaration calls for has arrived, or withdraws that record. The employee
//! sees which ones the company still waits for; the dashboard counts and filters the
//! declarations still waiting.

use nencho_filings::{
    ExpectedAttachment, FieldChange, Filing, OriginalLine, OriginalMethod, OriginalReceipt,
    original_lines, receipt_change,
};
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, FilingId, TaxYear};
use nencho_ports::OriginalReceiptWrite;
use nencho_tenancy::{Company, Employee, EmployeeNumber};

use crate::authorization::{list_department, require};

use super::requests::{Outcome, Recipients, prepare, query};
use super::{actor_name, mails, require_for_employee};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// The certificates the declaration calls for, each with its receipt (none before the
/// declaration is first stored).
pub(crate) async fn originals_of(
    context: &AppContext,
    filing: &Filing,
) -> Result<Vec<OriginalLine>, AppError> {
    let receipts = if filing.version == 0 {
        Vec::new()
    } else {
        context
            .store
            .original_receipts(filing.tenant_id, filing.id)
            .await?
    };
    Ok(original_lines(&filing.document, &receipts))
}

/// How the reviewer's form says a certificate arrived: an [`OriginalMethod`] code, or `none` to
/// withdraw the record.
pub const WITHDRAW: &str = "none";

/// How many certificates of `filing` still have no original, when its company approves only
/// once they all have arrived (`CompanyProfile::originals_before_approval`); `None` when the
/// approval may go ahead.
pub(crate) async fn originals_blocking_approval(
    context: &AppContext,
    company: &nencho_tenancy::Company,
    filing: &Filing,
) -> Result<Option<usize>, AppError> {
    if !company.profile.originals_before_approval {
        return Ok(None);
    }
    let missing = originals_of(context, filing)
        .await?
        .iter()
        .filter(|line| line.receipt.is_none())
        .count();
    Ok((missing > 0).then_some(missing))
}

/// Records that the certificate `key` of the declaration arrived by `method` (an
/// [`OriginalMethod`] code), or withdraws the record ([`WITHDRAW`]), with a line in the
/// declaration's history. The form is judged only after the permission.
pub async fn record_original(
    context: &AppContext,
    actor: &CurrentUser,
    filing_id: FilingId,
    key: &str,
    method: &str,
) -> Result<(), AppError> {
    let filing = context
        .store
        .find_filing(actor.tenant.id, filing_id)
        .await?
        .ok_or(AppError::NotFound)?;
    record_on(context, actor, &filing, key, method).await
}

/// [`record_original`] for a declaration already read.
async fn record_on(
    context: &AppContext,
    actor: &CurrentUser,
    filing: &Filing,
    key: &str,
    method: &str,
) -> Result<(), AppError> {
    let tenant = actor.tenant.id;
    let employee = context
        .store
        .find_employee(tenant, filing.employee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_for_employee(context, actor, Permission::ReturnFilings, &employee).await?;
    let method = match method {
        WITHDRAW => None,
        code => Some(
            OriginalMethod::from_code(code).ok_or_else(|| AppError::Invalid {
                field: "method",
                message: "受領の方法が正しくありません。".into(),
            })?,
        ),
    };
    let receipts = context.store.original_receipts(tenant, filing.id).await?;
    let change = receipt_change(&filing.document, &receipts, key, method)
        .map_err(|error| AppError::Refused(error.to_string()))?;
    let at = context.clock.now();
    let actor_name = actor_name(actor);
    let write = OriginalReceiptWrite {
        filing_id: filing.id,
        key: key.to_owned(),
        receipt: method.map(|method| OriginalReceipt {
            key: key.to_owned(),
            method,
            at,
            actor: actor.user.id,
            actor_name: actor_name.clone(),
        }),
        change: FieldChange {
            at,
            actor: actor.user.id,
            actor_name,
            change,
        },
    };
    context.store.write_original_receipt(tenant, &write).await?;
    Ok(())
}

/// 原本の督促: a mail to everyone among `recipients` whose handed-in declaration still waits for
/// certificates, naming each one missing. Changes no declaration. Needs RequestFilings, as
/// every reminder does.
pub async fn remind_originals(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    recipients: Recipients,
) -> Result<Outcome, AppError> {
    let (year, department) = prepare(context, actor, company_id, tax_year).await?;
    let tenant = actor.tenant.id;
    let mut outcome = Outcome::default();
    let mut query = query(company_id, tax_year, department, None);
    query.awaiting_originals = true;
    loop {
        let page = context.store.list_filings(tenant, &query).await?;
        for row in &page.rows {
            let Some(filing) = &row.filing else { continue };
            if !recipients.includes(row.employee.id) {
                continue;
            }
            let missing: Vec<_> = originals_of(context, filing)
                .await?
                .into_iter()
                .filter(|line| line.receipt.is_none())
                .map(|line| line.expected)
                .collect();
            if missing.is_empty() {
                continue;
            }
            outcome.done += 1;
            match mails::originals_reminder(
                context,
                &actor.tenant,
                &year.company,
                &row.employee,
                &year.periods,
                &missing,
            ) {
                Some(mail) => context.store.enqueue_mail(&mail).await?,
                None => outcome.without_email += 1,
            }
        }
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    Ok(outcome)
}

/// Declarations per page of the intake (原本の受付).
pub const INTAKE_PAGE_SIZE: u32 = 50;

/// At most this many certificates are recorded by one submission of the intake.
pub const BULK_RECEIPT_LIMIT: usize = 500;

/// A declaration waiting for certificates, with those still missing.
#[derive(Debug)]
pub struct AwaitingDeclaration {
    pub filing: Filing,
    pub employee: Employee,
    pub missing: Vec<ExpectedAttachment>,
}

/// One page of the intake: the company's handed-in declarations still waiting for
/// certificates, in employee-number order.
#[derive(Debug)]
pub struct Intake {
    pub company: Company,
    pub rows: Vec<AwaitingDeclaration>,
    pub next: Option<EmployeeNumber>,
}

/// 原本の受付: the declarations of the company and year waiting for certificates (a role
/// narrowed to departments sees its own), found by employee number, name or kana, so the
/// clerk opening an envelope finds its employee at once. Needs ReturnFilings.
pub async fn intake(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    search: Option<String>,
    after: Option<String>,
) -> Result<Intake, AppError> {
    let permission = Permission::ReturnFilings;
    let grants = require(context, actor, permission, Some(company_id)).await?;
    let department = list_department(&grants, permission, company_id, None)?;
    let tenant = actor.tenant.id;
    let company = context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let after = super::page_after(after.as_deref())?;
    let mut query = super::requests::query(company_id, tax_year, department, None);
    query.awaiting_originals = true;
    query.search = search.filter(|text| !text.trim().is_empty());
    query.after = after;
    query.limit = INTAKE_PAGE_SIZE;
    let page = context.store.list_filings(tenant, &query).await?;
    let mut rows = Vec::with_capacity(page.rows.len());
    for row in page.rows {
        let Some(filing) = row.filing else { continue };
        let missing = originals_of(context, &filing)
            .await?
            .into_iter()
            .filter(|line| line.receipt.is_none())
            .map(|line| line.expected)
            .collect();
        rows.push(AwaitingDeclaration {
            filing,
            employee: row.employee,
            missing,
        });
    }
    Ok(Intake {
        company,
        rows,
        next: page.next,
    })
}

/// What one submission of the intake did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BulkReceipt {
    pub recorded: usize,
    /// The certificates not recorded, each with why (in Japanese).
    pub skipped: Vec<String>,
}

/// Records each selected certificate (declaration and key) of the company and year as received
/// by `method`, as [`record_original`] would; one that cannot be (another company's, outside the
/// role's departments, already recorded, no longer called for) is skipped with its reason and
/// never fails the others. ReturnFilings is checked for the company before the selection is
/// read.
pub async fn record_originals(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    selected: Vec<(FilingId, String)>,
    method: &str,
) -> Result<BulkReceipt, AppError> {
    require(context, actor, Permission::ReturnFilings, Some(company_id)).await?;
    if OriginalMethod::from_code(method).is_none() {
        return Err(AppError::Invalid {
            field: "method",
            message: "受領の方法が正しくありません。".into(),
        });
    }
    if selected.is_empty() {
        return Err(AppError::Invalid {
            field: "receipt",
            message: "受領した書類を選択してください。".into(),
        });
    }
    if selected.len() > BULK_RECEIPT_LIMIT {
        return Err(AppError::Invalid {
            field: "receipt",
            message: format!("一度に記録できるのは{BULK_RECEIPT_LIMIT}件までです。"),
        });
    }
    let tenant = actor.tenant.id;
    let mut outcome = BulkReceipt::default();
    let mut seen = std::collections::HashSet::new();
    for (filing_id, key) in selected {
        if !seen.insert((filing_id, key.clone())) {
            continue;
        }
        let (_, subject) = nencho_filings::parse_original_key(&key);
        let filing = context
            .store
            .find_filing(tenant, filing_id)
            .await?
            .filter(|filing| filing.company_id == company_id && filing.tax_year == tax_year);
        let Some(filing) = filing else {
            outcome
                .skipped
                .push(format!("{subject}: 対象外の申告書です。"));
            continue;
        };
        match record_on(context, actor, &filing, &key, method).await {
            Ok(()) => outcome.recorded += 1,
            Err(AppError::Refused(reason)) => outcome.skipped.push(format!("{subject}: {reason}")),
            Err(AppError::Forbidden | AppError::NotFound) => outcome
                .skipped
                .push(format!("{subject}: 担当範囲外の申告書です。")),
            Err(error) => return Err(error),
        }
    }
    Ok(outcome)
}
