//! 年末調整の対象外: staff set aside the employees the year-end adjustment does not apply to
//! (乙欄, 2,000万円超, 退職, 非居住者, …; see [`nencho_filings::ExclusionReason`]) — several at
//! once by pasting their employee numbers from the payroll system — and take them back.
//! An excluded employee is asked for nothing: requests and reminders pass them by and the
//! dashboard counts them apart. Permission: RequestFilings (who is asked to file), over each
//! employee's company and department.

use nencho_filings::{Actor, ExclusionReason, Filing, FilingAction, FilingStatus, restoration};
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, FilingId, TaxYear};
use nencho_ports::{FilingPage, FilingRow, FilingWrite};
use nencho_tenancy::{Company, Employee, EmployeeNumber};

use super::requests::query;
use super::review::filing_in_scope;
use super::{Change, author, grants_reach, mails, page_after, persist};
use crate::authorization::{list_department, require};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// At most this many employee numbers in one exclusion.
pub const MAX_EXCLUSIONS_AT_ONCE: usize = 500;

/// The excluded employees listed per page.
pub const EXCLUDED_PAGE_SIZE: u32 = 200;

/// What to set aside: the employee numbers as typed or pasted (one per line, or separated by
/// spaces, commas or 、), the reason and its note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExclusionRequest {
    pub numbers: String,
    pub reason: ExclusionReason,
    pub note: String,
}

/// An employee now 対象外.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludedEmployee {
    pub employee_number: String,
    pub employee_name: String,
    /// Told by e-mail (they had been asked to file and have an address).
    pub mailed: bool,
}

/// A number that was not excluded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedExclusion {
    pub employee_number: String,
    pub employee_name: Option<String>,
    pub why: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExclusionOutcome {
    pub excluded: Vec<ExcludedEmployee>,
    pub skipped: Vec<SkippedExclusion>,
}

/// The employee numbers in `text`, in order, each once, at most `limit + 1` of them (enough to
/// tell that there are too many without reading a huge paste to the end); a word that cannot be
/// an employee number is kept as typed, for the skipped list.
pub fn employee_numbers(text: &str, limit: usize) -> Vec<Result<EmployeeNumber, String>> {
    let mut seen = std::collections::HashSet::new();
    let mut numbers = Vec::new();
    let words = text.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；' | '"' | '\'')
    });
    for word in words.filter(|word| !word.is_empty()) {
        let number = EmployeeNumber::parse(word).map_err(|_| word.to_owned());
        if seen.insert(number.clone()) {
            numbers.push(number);
            if numbers.len() > limit {
                break;
            }
        }
    }
    numbers
}

/// 対象外にする: each listed employee of the company whose declaration for the year is neither
/// approved nor excluded becomes 対象外 with the reason; those who had been asked to file are
/// mailed that nothing more is needed. Every exclusion lands in one transaction (all or none);
/// a number that cannot be excluded is skipped and named with the reason.
pub async fn exclude_employees(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    request: &ExclusionRequest,
) -> Result<ExclusionOutcome, AppError> {
    let grants = require(context, actor, Permission::RequestFilings, Some(company_id)).await?;
    let reason = request
        .reason
        .describe(&request.note)
        .map_err(|error| AppError::Invalid {
            field: "note",
            message: error.to_string(),
        })?;
    let numbers = employee_numbers(&request.numbers, MAX_EXCLUSIONS_AT_ONCE);
    if numbers.is_empty() {
        return Err(AppError::Invalid {
            field: "numbers",
            message: "対象外にする従業員の社員番号を入力してください。".into(),
        });
    }
    if numbers.len() > MAX_EXCLUSIONS_AT_ONCE {
        return Err(AppError::Invalid {
            field: "numbers",
            message: format!(
                "一度に対象外にできるのは{MAX_EXCLUSIONS_AT_ONCE}人までです。分けて入力してください。"
            ),
        });
    }
    let tenant = actor.tenant.id;
    context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let asked: Vec<EmployeeNumber> = numbers
        .iter()
        .filter_map(|number| number.as_ref().ok().cloned())
        .collect();
    let mut found: std::collections::HashMap<EmployeeNumber, FilingRow> = context
        .store
        .filing_rows_of_numbers(tenant, company_id, tax_year, &asked)
        .await?
        .into_iter()
        .map(|row| (row.employee.number.clone(), row))
        .collect();
    let action = FilingAction::Exclude { reason };
    let author = author(actor, Actor::Staff);
    let now = context.clock.now();
    let mut outcome = ExclusionOutcome::default();
    let mut writes = Vec::new();
    for number in numbers {
        let number = match number {
            Ok(number) => number,
            Err(typed) => {
                outcome.skipped.push(SkippedExclusion {
                    employee_number: typed,
                    employee_name: None,
                    why: "社員番号の形式ではありません。".into(),
                });
                continue;
            }
        };
        let skip = |employee: Option<&Employee>, why: &str| SkippedExclusion {
            employee_number: number.to_string(),
            employee_name: employee.map(|employee| employee.name.full()),
            why: why.to_owned(),
        };
        let Some(FilingRow {
            employee, filing, ..
        }) = found.remove(&number)
        else {
            outcome
                .skipped
                .push(skip(None, "この会社にこの社員番号の従業員はいません。"));
            continue;
        };
        if !grants_reach(&grants, Permission::RequestFilings, &employee) {
            outcome.skipped.push(skip(
                Some(&employee),
                "担当する部署の従業員ではありません。",
            ));
            continue;
        }
        // An exclusion carries nothing over from last year: the employee files nothing.
        let filing = filing.unwrap_or_else(|| {
            Filing::new(
                FilingId::generate(context.clock.as_ref()),
                tenant,
                company_id,
                employee.id,
                tax_year,
                now,
            )
        });
        let refusal = match filing.status {
            FilingStatus::Approved => {
                Some("承認済みです。対象外にするには、先に再年調のために差し戻してください。")
            }
            FilingStatus::Excluded => Some("すでに対象外です。"),
            _ => None,
        };
        if let Some(why) = refusal {
            outcome.skipped.push(skip(Some(&employee), why));
            continue;
        }
        let applied = filing
            .apply(&action, &author, None, now)
            .map_err(|error| AppError::Refused(error.to_string()))?;
        let asked = filing.status != FilingStatus::NotRequested;
        let mail = asked
            .then(|| {
                mails::excluded(
                    context,
                    actor,
                    &employee,
                    tax_year,
                    action.comment().unwrap_or_default(),
                )
            })
            .flatten();
        outcome.excluded.push(ExcludedEmployee {
            employee_number: employee.number.to_string(),
            employee_name: employee.name.full(),
            mailed: mail.is_some(),
        });
        writes.push(FilingWrite {
            filing: applied.filing,
            expected_version: filing.version,
            event: applied.event,
            changes: applied.changes,
            mail,
        });
    }
    if !writes.is_empty() {
        context.store.write_filings(tenant, &writes).await?;
    }
    Ok(outcome)
}

/// 対象に戻す: the excluded declaration returns to the status it had when it was excluded, with
/// the comment it showed then (see [`nencho_filings::restoration`]).
pub async fn include_filing(
    context: &AppContext,
    actor: &CurrentUser,
    filing_id: FilingId,
    expected_version: i64,
) -> Result<Filing, AppError> {
    let (filing, _) =
        filing_in_scope(context, actor, Permission::RequestFilings, filing_id).await?;
    let history = context
        .store
        .filing_history(actor.tenant.id, filing.id)
        .await?;
    persist(
        context,
        actor,
        Change {
            filing: &filing,
            expected_version,
            document: None,
            action: restoration(&history.events).action(),
            actor_kind: Actor::Staff,
            mail: None,
        },
    )
    .await
}

/// The company and its excluded employees of the year (those who have left too), by employee
/// number, a page at a time; a role narrowed to departments sees its own. Permission:
/// ViewFilings, as the dashboard.
pub async fn excluded_employees(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    after: Option<&str>,
) -> Result<(Company, FilingPage), AppError> {
    let grants = require(context, actor, Permission::ViewFilings, Some(company_id)).await?;
    let department = list_department(&grants, Permission::ViewFilings, company_id, None)?;
    let company = context
        .store
        .find_company(actor.tenant.id, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut query = query(
        company_id,
        tax_year,
        department,
        Some(FilingStatus::Excluded),
    );
    query.include_departed = true;
    query.after = page_after(after)?;
    query.limit = EXCLUDED_PAGE_SIZE;
    let page = context.store.list_filings(actor.tenant.id, &query).await?;
    Ok((company, page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_pasted_from_a_spreadsheet() {
        let numbers = employee_numbers("E001\r\nE002,E003、Ｅ００４\tE001\n\n\"E005\" 山田", 10);
        let shown: Vec<String> = numbers
            .iter()
            .map(|number| match number {
                Ok(number) => number.to_string(),
                Err(typed) => format!("!{typed}"),
            })
            .collect();
        assert_eq!(shown, ["E001", "E002", "E003", "E004", "E005", "!山田"]);
        assert!(employee_numbers(" \n、", 10).is_empty());
        // A long paste is read only as far as it takes to tell it is too long.
        let many: String = (0..100_000).map(|index| format!("E{index} ")).collect();
        assert_eq!(employee_numbers(&many, 500).len(), 501);
        assert_eq!(employee_numbers("E1 E1 E1 E2", 1).len(), 2);
    }
}
