//! The certificates' originals (控除証明書等の原本): a reviewer with ReturnFilings over the
//! employee records that the paper original, or the certificate's electronic data, of a
//! certificate the declaration calls for has arrived, or withdraws that record. The employee
//! sees which ones the company still waits for; the dashboard counts and filters the
//! declarations still waiting.

use nencho_filings::{
    FieldChange, Filing, OriginalLine, OriginalMethod, OriginalReceipt, original_lines,
    receipt_change,
};
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, FilingId, TaxYear};
use nencho_ports::OriginalReceiptWrite;

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
    let tenant = actor.tenant.id;
    let filing = context
        .store
        .find_filing(tenant, filing_id)
        .await?
        .ok_or(AppError::NotFound)?;
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
    let (company, periods, department) = prepare(context, actor, company_id, tax_year).await?;
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
                &company,
                &row.employee,
                &periods,
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
