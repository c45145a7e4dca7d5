//! 担当者メモ: staff note things on a declaration for each other during the review. Read with
//! the declaration by whoever may view it (ViewFilings); written by those who work on it
//! (ReturnFilings: the 担当者 and above, not the 参照者). Never on the employee's pages.

use nencho_filings::{MemoText, StaffMemo};
use nencho_identity::Permission;
use nencho_kernel::FilingId;

use super::actor_name;
use super::review::filing_in_scope;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// Adds a memo to the declaration: 403/404 outside the actor's reach, 422 (on `memo`) when
/// empty or too long.
pub async fn add_memo(
    context: &AppContext,
    actor: &CurrentUser,
    filing_id: FilingId,
    text: &str,
) -> Result<StaffMemo, AppError> {
    filing_in_scope(context, actor, Permission::ReturnFilings, filing_id).await?;
    let text = MemoText::parse(text).map_err(|error| AppError::Invalid {
        field: "memo",
        message: error.to_string(),
    })?;
    let memo = StaffMemo {
        at: context.clock.now(),
        actor: actor.user.id,
        actor_name: actor_name(actor),
        text,
    };
    if !context
        .store
        .add_memo(actor.tenant.id, filing_id, &memo)
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(memo)
}
