//! 全社の進捗: every company the user may watch, side by side for one tax year — the counts by
//! status, what is handed in, the certificates still awaited, the suspected double claims and
//! where each 提出期間 stands. A 社労士 office running fifty client companies, or a group HR
//! team, sees at a glance which company to chase first.

use std::cmp::Ordering;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use nencho_filings::{FilingPeriods, FilingWindow};
use nencho_identity::{Permission, Scope};
use nencho_kernel::{Date, TaxYear};
use nencho_ports::StatusCounts;
use nencho_tenancy::Company;

use super::japan_today;
use crate::authorization::grants_of;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// How many companies' figures are read at once: well under the stores' pools (8 and 16), so
/// other requests still find a connection.
const COMPANIES_AT_ONCE: usize = 4;

/// One company's line of the overview. For a role narrowed to departments, every figure covers
/// those departments only (it sees no figures of the others).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyProgress {
    pub company: Company,
    /// The departments the figures cover; empty: the whole company.
    pub departments: Vec<String>,
    pub counts: StatusCounts,
    /// 原本未着: handed in, certificates not all received.
    pub awaiting_originals: u64,
    /// 重複の疑い.
    pub shared_claims: u64,
    /// `None`: the year is not opened for the company yet.
    pub periods: Option<FilingPeriods>,
    /// Where the 提出期間 stands today (`None` without periods).
    pub window: Option<FilingWindow>,
}

/// The order of the overview's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgressOrder {
    /// By company name.
    #[default]
    Name,
    /// The smallest share handed in first (companies with nobody due last).
    LeastHandedIn,
    /// The earliest end of the 提出期間 first (past ones, overdue, on top); companies without
    /// periods last.
    Deadline,
}

impl ProgressOrder {
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "name" => Some(Self::Name),
            "handed_in" => Some(Self::LeastHandedIn),
            "deadline" => Some(Self::Deadline),
            _ => None,
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::LeastHandedIn => "handed_in",
            Self::Deadline => "deadline",
        }
    }
}

/// The overview for `tax_year`, one line per company the user may view declarations of
/// (ViewFilings), in `order`; no line for an administrator of a contract without companies.
/// [`AppError::Forbidden`] for any other user who may view none.
pub async fn progress_by_company(
    context: &AppContext,
    actor: &CurrentUser,
    tax_year: TaxYear,
    order: ProgressOrder,
) -> Result<Vec<CompanyProgress>, AppError> {
    let grants = grants_of(context, actor).await?;
    let tenant = actor.tenant.id;
    let companies = context.store.list_companies(tenant).await?;
    let reach: Vec<(Company, Vec<String>)> = match grants.scope(Permission::ViewFilings) {
        // Administrators see every company, none at all in a contract just opened.
        Scope::Tenant => companies
            .into_iter()
            .map(|company| (company, Vec::new()))
            .collect(),
        Scope::Companies(reach) => companies
            .into_iter()
            .filter_map(|company| {
                reach
                    .iter()
                    .find(|(id, _)| *id == company.id)
                    .map(|(_, departments)| (company, departments.clone()))
            })
            .collect(),
        Scope::Nothing => return Err(AppError::Forbidden),
    };
    if reach.is_empty() && !matches!(grants.scope(Permission::ViewFilings), Scope::Tenant) {
        return Err(AppError::Forbidden);
    }
    let today = japan_today(context);
    // A few companies at a time: a 社労士 office's two hundred clients are eight hundred small
    // queries, each a round trip (and, on PostgreSQL, a transaction setting the tenant).
    let mut lines: Vec<CompanyProgress> = stream::iter(reach)
        .map(|(company, departments)| {
            company_progress(context, company, departments, tax_year, today)
        })
        .buffered(COMPANIES_AT_ONCE)
        .try_collect()
        .await?;
    sort(&mut lines, order);
    Ok(lines)
}

async fn company_progress(
    context: &AppContext,
    company: Company,
    departments: Vec<String>,
    tax_year: TaxYear,
    today: Date,
) -> Result<CompanyProgress, AppError> {
    let tenant = company.tenant_id;
    let scopes: Vec<Option<&str>> = if departments.is_empty() {
        vec![None]
    } else {
        departments.iter().map(|name| Some(name.as_str())).collect()
    };
    let mut counts = StatusCounts::zero();
    let (mut awaiting_originals, mut shared_claims) = (0, 0);
    for department in scopes {
        counts.add(
            &context
                .store
                .status_counts(tenant, company.id, tax_year, department)
                .await?,
        );
        awaiting_originals += context
            .store
            .awaiting_originals_count(tenant, company.id, tax_year, department)
            .await?;
        shared_claims += context
            .store
            .shared_claim_count(tenant, company.id, tax_year, department)
            .await?;
    }
    let periods = context
        .store
        .find_periods(tenant, company.id, tax_year)
        .await?;
    Ok(CompanyProgress {
        window: periods.as_ref().map(|periods| periods.filing_window(today)),
        company,
        departments,
        counts,
        awaiting_originals,
        shared_claims,
        periods,
    })
}

/// The lines in `order`; ties (and [`ProgressOrder::Name`]) by company name, as listed.
fn sort(lines: &mut [CompanyProgress], order: ProgressOrder) {
    match order {
        ProgressOrder::Name => {}
        ProgressOrder::LeastHandedIn => {
            lines.sort_by(|a, b| by_share_handed_in(&a.counts, &b.counts))
        }
        ProgressOrder::Deadline => lines.sort_by_key(|line| {
            line.periods
                .as_ref()
                .map_or((true, Date::MAX), |periods| (false, periods.filing.end))
        }),
    }
}

/// Smaller share handed in first, compared exactly; nobody due sorts last.
fn by_share_handed_in(a: &StatusCounts, b: &StatusCounts) -> Ordering {
    match (a.due(), b.due()) {
        (0, 0) => Ordering::Equal,
        (0, _) => Ordering::Greater,
        (_, 0) => Ordering::Less,
        (a_due, b_due) => (u128::from(a.handed_in()) * u128::from(b_due))
            .cmp(&(u128::from(b.handed_in()) * u128::from(a_due))),
    }
}

/// The tenant-wide 合計 of the lines.
pub fn total_of(lines: &[CompanyProgress]) -> (StatusCounts, u64, u64) {
    let mut counts = StatusCounts::zero();
    let (mut awaiting_originals, mut shared_claims) = (0, 0);
    for line in lines {
        counts.add(&line.counts);
        awaiting_originals += line.awaiting_originals;
        shared_claims += line.shared_claims;
    }
    (counts, awaiting_originals, shared_claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_filings::FilingStatus;

    fn counts(pairs: &[(FilingStatus, u64)]) -> StatusCounts {
        let mut counts = StatusCounts::zero();
        counts.add(&StatusCounts {
            counts: pairs.to_vec(),
        });
        counts
    }

    #[test]
    fn the_share_handed_in_is_compared_exactly_and_nobody_due_goes_last() {
        use FilingStatus::{Approved, Draft, Excluded, NotRequested, Submitted};
        // 1 of 3 (33.3…%) against 2 of 6 (33.3…%): equal, without rounding.
        let third = counts(&[(Submitted, 1), (Draft, 2)]);
        let two_sixths = counts(&[(Approved, 2), (NotRequested, 4)]);
        assert_eq!(by_share_handed_in(&third, &two_sixths), Ordering::Equal);
        // 対象外 are not due: 1 handed in of 1 due beats 1 of 3.
        let all_due_in = counts(&[(Submitted, 1), (Excluded, 2)]);
        assert_eq!(by_share_handed_in(&third, &all_due_in), Ordering::Less);
        // A company with nobody due (no employees, or all 対象外) comes after any other.
        let nobody = counts(&[(Excluded, 3)]);
        assert_eq!(by_share_handed_in(&nobody, &third), Ordering::Greater);
        assert_eq!(by_share_handed_in(&third, &nobody), Ordering::Less);
        assert_eq!(
            by_share_handed_in(&nobody, &StatusCounts::zero()),
            Ordering::Equal
        );
    }

    #[test]
    fn orders_are_named_by_their_codes() {
        for order in [
            ProgressOrder::Name,
            ProgressOrder::LeastHandedIn,
            ProgressOrder::Deadline,
        ] {
            assert_eq!(ProgressOrder::from_code(order.code()), Some(order));
        }
        assert_eq!(ProgressOrder::from_code("size"), None);
    }
}
