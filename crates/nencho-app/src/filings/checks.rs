//! 一次確認 (確認済み): a 担当者 checks a submitted declaration and marks it, so the 承認者 finds
//! what is ready on the dashboard (確認済・承認待ち) and approves it, one by one or in bulk. A
//! company may require the mark — by someone other than the approver — before any approval
//! (`CompanyProfile::check_before_approval`, two people's eyes on every declaration). The mark is
//! the workflow's ([`nencho_filings::CheckMark`]): it is in the history, and anything that happens
//! to the declaration but a deadline change takes it off. The employee is not told: it is the
//! reviewers' own step.

use nencho_filings::{Actor, Filing, FilingAction};
use nencho_identity::Permission;
use nencho_kernel::FilingId;

use super::review::filing_in_scope;
use super::{Change, persist};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// Marks the 提出済 declaration checked (`checked`) or takes the mark back. ReturnFilings over
/// the employee — the 担当者 and above, as for a return. A stale version is a conflict (409);
/// marking what is already marked, or unmarking what is not, is refused (409) and writes
/// nothing.
pub async fn set_checked(
    context: &AppContext,
    actor: &CurrentUser,
    filing_id: FilingId,
    expected_version: i64,
    checked: bool,
) -> Result<Filing, AppError> {
    let (filing, _) = filing_in_scope(context, actor, Permission::ReturnFilings, filing_id).await?;
    if filing.version != expected_version {
        return Err(AppError::Conflict(format!(
            "filing {filing_id} is no longer at version {expected_version}"
        )));
    }
    match (filing.checked.is_some(), checked) {
        (true, true) => Err(AppError::Refused(
            "この申告書はすでに確認済みです。".to_owned(),
        )),
        (false, false) => Err(AppError::Refused(
            "この申告書は確認済みではありません。".to_owned(),
        )),
        _ => {
            persist(
                context,
                actor,
                Change {
                    filing: &filing,
                    expected_version,
                    document: None,
                    action: if checked {
                        FilingAction::Check
                    } else {
                        FilingAction::Uncheck
                    },
                    actor_kind: Actor::Staff,
                    mail: None,
                },
            )
            .await
        }
    }
}
