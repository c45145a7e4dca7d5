//! 個別の提出期限: staff give one employee a day of their own to enter and submit by, after the
//! company's 提出期間 — with a return late in the period (the employee must be able to fix what
//! was returned), or on its own for a straggler — without reopening the period for everyone.
//! The employee's pages then allow what the 提出期間 allows until that day
//! ([`nencho_filings::FilingPeriods::scope_of`]); the change is in the declaration's history and
//! the employee is mailed.

use nencho_filings::{Actor, Filing, FilingAction, FilingPeriods};
use nencho_identity::Permission;
use nencho_kernel::{Date, FilingId, wareki_or_iso};

use super::review::filing_in_scope;
use super::{Change, japan_today, mails, not_opened, persist};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// Sets (or with `None` takes back) the employee's own deadline. RequestFilings over the
/// employee, as for 依頼 and 督促; the company's periods must be set (409); the day is checked by
/// [`check_own_deadline`] (422 on the `deadline` field); only a declaration the employee still
/// has to hand in (or may take back) takes one (409 otherwise).
pub async fn set_own_deadline(
    context: &AppContext,
    actor: &CurrentUser,
    filing_id: FilingId,
    expected_version: i64,
    deadline: Option<Date>,
) -> Result<Filing, AppError> {
    let (filing, employee) =
        filing_in_scope(context, actor, Permission::RequestFilings, filing_id).await?;
    let periods = context
        .store
        .find_periods(actor.tenant.id, filing.company_id, filing.tax_year)
        .await?
        .ok_or_else(|| not_opened(filing.tax_year))?;
    if let Some(day) = deadline {
        check_own_deadline(context, &periods, &filing, day)?;
    }
    let mail = mails::own_deadline_changed(context, actor, &employee, &periods, deadline);
    persist(
        context,
        actor,
        Change {
            filing: &filing,
            expected_version,
            document: None,
            action: FilingAction::Extend { deadline },
            actor_kind: Actor::Staff,
            mail,
        },
    )
    .await
}

/// A day that gives the employee more time: not in the past, after the company's own deadline
/// (the 再提出期間's end for a reopened declaration, when there is one), and within the
/// 年末調整期間.
pub(crate) fn check_own_deadline(
    context: &AppContext,
    periods: &FilingPeriods,
    filing: &Filing,
    day: Date,
) -> Result<(), AppError> {
    let invalid = |message: String| AppError::Invalid {
        field: "deadline",
        message,
    };
    if day < japan_today(context) {
        return Err(invalid(
            "提出期限には今日以降の日を指定してください。".to_owned(),
        ));
    }
    let company_end = if filing.reopened {
        periods.refiling.map(|range| range.end)
    } else {
        Some(periods.filing.end)
    };
    if let Some(end) = company_end
        && day <= end
    {
        return Err(invalid(format!(
            "会社の提出期限({})より後の日を指定してください。",
            wareki_or_iso(end)
        )));
    }
    if day > periods.adjustment.end {
        return Err(invalid(format!(
            "年末調整期間の終了日({})までの日を指定してください。",
            wareki_or_iso(periods.adjustment.end)
        )));
    }
    Ok(())
}
