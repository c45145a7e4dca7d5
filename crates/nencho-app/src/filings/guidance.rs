//! 会社からのご案内: the company's instructions to its employees for an opened tax year, set on
//! the periods page by those who set the periods and recorded with the periods' changes. The
//! employee's pages and the 依頼 and 督促 mails carry it (`own`, `mails`).

use nencho_filings::GuidanceText;
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, TaxYear};
use nencho_ports::PeriodChange;

use super::{actor_name, not_opened};
use crate::authorization::require;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// How much of the guidance the change log quotes.
const QUOTED_CHARS: usize = 30;

/// The guidance for the settings page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuidanceDraft {
    /// What the employees are shown now.
    pub current: Option<GuidanceText>,
    /// Without one, the latest earlier year's, to start from (not shown to anyone until saved).
    pub earlier: Option<(TaxYear, GuidanceText)>,
}

/// The company's guidance of `tax_year` and, when there is none, the latest earlier year's.
/// ManagePeriods in the company, as for setting it.
pub async fn guidance_draft(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
) -> Result<GuidanceDraft, AppError> {
    require(context, actor, Permission::ManagePeriods, Some(company_id)).await?;
    let every_year = context
        .store
        .list_guidance(actor.tenant.id, company_id)
        .await?;
    let current = every_year
        .iter()
        .find(|(year, _)| *year == tax_year)
        .map(|(_, text)| text.clone());
    let earlier = if current.is_some() {
        None
    } else {
        every_year.into_iter().find(|(year, _)| *year < tax_year)
    };
    Ok(GuidanceDraft { current, earlier })
}

/// Sets the company's guidance of an opened `tax_year` as typed (blank clears it). Refused
/// without ManagePeriods (403), for a company the tenant does not have (404), over
/// [`nencho_filings::MAX_GUIDANCE_CHARS`] (422, on the `guidance` field) and before the year's
/// periods are set (409). Saving what is already there writes and logs nothing.
pub async fn set_guidance(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    text: &str,
) -> Result<Option<GuidanceText>, AppError> {
    require(context, actor, Permission::ManagePeriods, Some(company_id)).await?;
    let tenant = actor.tenant.id;
    context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let guidance = guidance_typed(text)?;
    if context
        .store
        .find_periods(tenant, company_id, tax_year)
        .await?
        .is_none()
    {
        return Err(not_opened(tax_year));
    }
    let stored = context
        .store
        .find_guidance(tenant, company_id, tax_year)
        .await?;
    if stored == guidance {
        return Ok(guidance);
    }
    let change = PeriodChange {
        company_id,
        tax_year,
        at: context.clock.now(),
        actor: actor.user.id,
        actor_name: actor_name(actor),
        summary: change_summary(guidance.as_ref()),
    };
    let written = context
        .store
        .put_guidance(tenant, company_id, tax_year, guidance.as_ref(), &change)
        .await?;
    if !written {
        return Err(not_opened(tax_year));
    }
    Ok(guidance)
}

/// The guidance as typed: blank is none; too long is refused with the reason, on the
/// `guidance` field.
pub(crate) fn guidance_typed(text: &str) -> Result<Option<GuidanceText>, AppError> {
    GuidanceText::parse(text).map_err(|error| AppError::Invalid {
        field: "guidance",
        message: error.to_string(),
    })
}

/// `会社からのご案内: 「証明書の原本は…」(120文字)`, or `会社からのご案内を削除`.
fn change_summary(guidance: Option<&GuidanceText>) -> String {
    let Some(guidance) = guidance else {
        return "会社からのご案内を削除".to_owned();
    };
    let text = guidance.as_str();
    let length = text.chars().count();
    let first_line: String = text
        .chars()
        .take_while(|c| *c != '\n')
        .take(QUOTED_CHARS)
        .collect();
    let cut = if first_line.chars().count() < length {
        "…"
    } else {
        ""
    };
    format!("会社からのご案内: 「{first_line}{cut}」({length}文字)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_change_log_quotes_the_first_line_and_counts_the_characters() {
        let short = GuidanceText::parse("原本は総務部へ").unwrap();
        assert_eq!(
            change_summary(short.as_ref()),
            "会社からのご案内: 「原本は総務部へ」(7文字)"
        );
        let two_lines = GuidanceText::parse("原本は総務部へ\n期限は12月5日").unwrap();
        assert_eq!(
            change_summary(two_lines.as_ref()),
            "会社からのご案内: 「原本は総務部へ…」(16文字)"
        );
        let long = GuidanceText::parse(&"あ".repeat(40)).unwrap();
        assert_eq!(
            change_summary(long.as_ref()),
            format!("会社からのご案内: 「{}…」(40文字)", "あ".repeat(30))
        );
        assert_eq!(change_summary(None), "会社からのご案内を削除");
    }
}
