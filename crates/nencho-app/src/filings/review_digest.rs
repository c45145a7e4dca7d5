//! 提出状況のお知らせ (YEA-3, YEA-4): every business-day morning the maintenance worker tells each
//! reviewer — whoever may return declarations (差戻し: ADMIN, 管理者, 承認者, 担当者) — how many
//! declarations were submitted since the last digest and how many wait for review, company by
//! company within their own scope (companies, and departments for a role narrowed to some), with
//! a link to each dashboard filtered on 提出済. Only when something new was submitted in their
//! scope: a quiet day sends nothing.
//!
//! Once per contract and day however many workers run ([`nencho_ports::ReviewDigestStore`]
//! claims the day and queues the mails in one transaction), on the schedule of
//! [`nencho_filings::due_review_digest`]. The mail names no employee: the counts and the link,
//! so a forwarded mail tells nobody about a colleague. Each user may turn it off
//! ([`set_review_digest`]); IDs that cannot log in, and those without an e-mail address, get
//! none.

use std::collections::{BTreeMap, HashSet};

use nencho_filings::{adjustment_year, due_review_digest};
use nencho_identity::{Grants, Permission, RoleAssignment, Scope, User};
use nencho_kernel::{Date, OffsetDateTime, TaxYear, UserId};
use nencho_ports::{AwaitingReview, OutboxMessage};
use nencho_tenancy::{Company, Slug, Tenant};

use super::mails::{CompanyWaiting, review_digest};
use crate::authorization::grants_of;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// The permission that makes a user a reviewer who gets the digest.
const REVIEWING: Permission = Permission::ReturnFilings;

/// One contract's digest day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentDigest {
    pub tenant: Slug,
    pub day: Date,
    pub tax_year: TaxYear,
    /// Declarations submitted since the last digest, in the whole contract.
    pub new: u64,
    /// Mails queued (one per reviewer with something new in scope).
    pub mails: u64,
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestReport {
    pub sent: Vec<SentDigest>,
    /// Contracts whose digest was due but already claimed by another worker meanwhile.
    pub already_sent: u64,
    /// Contracts that failed (retried on the next run), with the error.
    pub failed: Vec<(Slug, String)>,
}

impl DigestReport {
    pub fn mails(&self) -> u64 {
        self.sent.iter().map(|sent| sent.mails).sum()
    }
}

/// Sends the digests due at `now` in every contract that has not ended. Safe to run as often as
/// wanted and from several workers at once. Fails only when the contracts cannot be listed.
pub async fn send_due_review_digests(
    context: &AppContext,
    now: OffsetDateTime,
) -> Result<DigestReport, AppError> {
    let mut report = DigestReport::default();
    for tenant in context.store.list_tenants().await? {
        if tenant.status.is_over() {
            continue;
        }
        match digest_tenant(context, &tenant, now).await {
            Ok(Some(Some(sent))) => report.sent.push(sent),
            Ok(Some(None)) => report.already_sent += 1,
            Ok(None) => {}
            Err(error) => report.failed.push((tenant.slug.clone(), error.to_string())),
        }
    }
    Ok(report)
}

/// `None`: nothing due; `Some(None)`: due, but another worker claimed it first.
async fn digest_tenant(
    context: &AppContext,
    tenant: &Tenant,
    now: OffsetDateTime,
) -> Result<Option<Option<SentDigest>>, AppError> {
    let last = context.store.last_review_digest(tenant.id).await?;
    let Some(day) = due_review_digest(last.map(|sent| sent.day), now) else {
        return Ok(None);
    };
    let tax_year = TaxYear::new(adjustment_year(day)).map_err(|error| AppError::Invalid {
        field: "tax_year",
        message: error.to_string(),
    })?;
    let since = last.map(|sent| sent.at);
    let waiting = context
        .store
        .awaiting_review(tenant.id, tax_year, since, now)
        .await?;
    let new: u64 = waiting.iter().map(|group| group.new).sum();
    // A day without anything new is claimed all the same: the next digest counts from now.
    let mails = if new == 0 {
        Vec::new()
    } else {
        digest_mails(context, tenant, tax_year, since, &waiting).await?
    };
    let claimed = context
        .store
        .claim_review_digest(tenant.id, day, tax_year, now, &mails)
        .await?;
    Ok(Some(claimed.then(|| SentDigest {
        tenant: tenant.slug.clone(),
        day,
        tax_year,
        new,
        mails: mails.len() as u64,
    })))
}

async fn digest_mails(
    context: &AppContext,
    tenant: &Tenant,
    tax_year: TaxYear,
    since: Option<OffsetDateTime>,
    waiting: &[AwaitingReview],
) -> Result<Vec<OutboxMessage>, AppError> {
    let companies = context.store.list_companies(tenant.id).await?;
    let opted_out: HashSet<UserId> = context
        .store
        .review_digest_opt_outs(tenant.id)
        .await?
        .into_iter()
        .collect();
    let mut mails = Vec::new();
    for (user, grants) in reviewers(context, tenant, &companies).await? {
        if opted_out.contains(&user.id) || !user.can_log_in() {
            continue;
        }
        let Some(to) = user.email.as_ref() else {
            continue;
        };
        let lines = in_scope(&grants, &companies, waiting);
        if lines.iter().all(|line| line.new == 0) {
            continue;
        }
        mails.push(review_digest(
            context, tenant, &user, to, tax_year, since, &lines,
        ));
    }
    Ok(mails)
}

/// Everyone who may return declarations somewhere: the ADMIN and administrators, then the
/// holders of company roles that permit it, each with their grants.
async fn reviewers(
    context: &AppContext,
    tenant: &Tenant,
    companies: &[Company],
) -> Result<Vec<(User, Grants)>, AppError> {
    let mut reviewers: Vec<(User, Grants)> = context
        .store
        .list_administrators(tenant.id)
        .await?
        .into_iter()
        .map(|user| {
            let grants = Grants {
                role: user.role,
                assignments: Vec::new(),
            };
            (user, grants)
        })
        .collect();
    let mut holders: BTreeMap<UserId, Vec<RoleAssignment>> = BTreeMap::new();
    for company in companies {
        for assignment in context.store.role_holders(tenant.id, company.id).await? {
            holders
                .entry(assignment.user_id)
                .or_default()
                .push(assignment);
        }
    }
    for (user_id, assignments) in holders {
        if reviewers.iter().any(|(user, _)| user.id == user_id) {
            continue;
        }
        let Some(user) = context.store.find_user(tenant.id, user_id).await? else {
            continue;
        };
        let grants = Grants {
            role: user.role,
            assignments,
        };
        if grants.scope(REVIEWING) != Scope::Nothing {
            reviewers.push((user, grants));
        }
    }
    Ok(reviewers)
}

/// The companies (in the contract's order) where the grants reach waiting declarations, with the
/// counts of the departments they reach.
fn in_scope(
    grants: &Grants,
    companies: &[Company],
    waiting: &[AwaitingReview],
) -> Vec<CompanyWaiting> {
    companies
        .iter()
        .filter_map(|company| {
            let (awaiting, new, checked) = waiting
                .iter()
                .filter(|group| {
                    group.company_id == company.id
                        && grants.allows(REVIEWING, company.id, group.department.as_deref())
                })
                .fold((0, 0, 0), |(awaiting, new, checked), group| {
                    (
                        awaiting + group.awaiting,
                        new + group.new,
                        checked + group.checked,
                    )
                });
            (awaiting > 0).then(|| CompanyWaiting {
                company_id: company.id,
                name: company.name.as_str().to_owned(),
                awaiting,
                new,
                checked,
            })
        })
        .collect()
}

/// Whether the digest concerns the signed-in user (they may return declarations somewhere) and,
/// if so, whether they receive it: `None` for everyone else.
pub async fn review_digest_setting(
    context: &AppContext,
    actor: &CurrentUser,
) -> Result<Option<bool>, AppError> {
    if grants_of(context, actor).await?.scope(REVIEWING) == Scope::Nothing {
        return Ok(None);
    }
    let opted_out = context
        .store
        .review_digest_opt_outs(actor.tenant.id)
        .await?
        .contains(&actor.user.id);
    Ok(Some(!opted_out))
}

/// Turns the signed-in reviewer's digest on or off. [`AppError::Forbidden`] for a user the digest
/// does not concern.
pub async fn set_review_digest(
    context: &AppContext,
    actor: &CurrentUser,
    receive: bool,
) -> Result<(), AppError> {
    if grants_of(context, actor).await?.scope(REVIEWING) == Scope::Nothing {
        return Err(AppError::Forbidden);
    }
    context
        .store
        .set_review_digest(actor.tenant.id, actor.user.id, receive, context.clock.now())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_identity::{CompanyRole, Role};
    use nencho_kernel::{CompanyId, FixedClock, TenantId};
    use nencho_tenancy::CompanyName;
    use time::macros::datetime;

    fn company(name: &str) -> Company {
        let clock = FixedClock::at(datetime!(2026-11-26 00:00 UTC));
        Company::register(
            TenantId::generate(&clock),
            CompanyName::parse(name).unwrap(),
            &clock,
        )
    }

    fn group(
        company: &Company,
        department: Option<&str>,
        awaiting: u64,
        new: u64,
    ) -> AwaitingReview {
        AwaitingReview {
            company_id: company.id,
            department: department.map(str::to_owned),
            awaiting,
            new,
            checked: awaiting / 2,
        }
    }

    fn holder(company: CompanyId, role: CompanyRole, departments: &[&str]) -> Grants {
        let clock = FixedClock::at(datetime!(2026-11-26 00:00 UTC));
        Grants {
            role: Role::General,
            assignments: vec![RoleAssignment {
                user_id: UserId::generate(&clock),
                company_id: company,
                role,
                departments: departments.iter().map(|d| (*d).to_owned()).collect(),
            }],
        }
    }

    #[test]
    fn an_administrator_sees_every_company_with_something_waiting() {
        let (a, b, c) = (
            company("株式会社エー"),
            company("株式会社ビー"),
            company("株式会社シー"),
        );
        let waiting = [
            group(&a, Some("営業部"), 3, 1),
            group(&a, None, 2, 0),
            group(&c, Some("総務部"), 4, 4),
        ];
        let grants = Grants {
            role: Role::Administrator,
            assignments: Vec::new(),
        };
        let lines = in_scope(&grants, &[a.clone(), b, c.clone()], &waiting);
        assert_eq!(
            lines
                .iter()
                .map(|line| (line.company_id, line.awaiting, line.new))
                .collect::<Vec<_>>(),
            [(a.id, 5, 1), (c.id, 4, 4)]
        );
    }

    #[test]
    fn a_role_narrowed_to_departments_counts_only_those() {
        let a = company("株式会社エー");
        let waiting = [
            group(&a, Some("営業部"), 3, 1),
            group(&a, Some("総務部"), 7, 7),
            group(&a, None, 2, 2),
        ];
        let lines = in_scope(
            &holder(a.id, CompanyRole::Approver, &["営業部"]),
            std::slice::from_ref(&a),
            &waiting,
        );
        assert_eq!(
            lines
                .iter()
                .map(|line| (line.awaiting, line.new, line.checked))
                .collect::<Vec<_>>(),
            [(3, 1, 1)],
            "employees without a department are the whole company's"
        );
    }

    #[test]
    fn a_viewer_or_another_company_s_role_sees_nothing() {
        let (a, b) = (company("株式会社エー"), company("株式会社ビー"));
        let waiting = [group(&a, None, 3, 3)];
        let companies = [a.clone(), b.clone()];
        assert!(
            in_scope(
                &holder(a.id, CompanyRole::Viewer, &[]),
                &companies,
                &waiting
            )
            .is_empty()
        );
        assert!(in_scope(&holder(b.id, CompanyRole::Clerk, &[]), &companies, &waiting).is_empty());
        assert_eq!(
            in_scope(&holder(a.id, CompanyRole::Clerk, &[]), &companies, &waiting).len(),
            1,
            "a 担当者 returns declarations: they review"
        );
    }
}
