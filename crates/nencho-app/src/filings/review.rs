//! The reviewer's side (YEA-3, YEA-4): the progress dashboard, a declaration with its computed
//! deductions, its history and the diff against last year; return with a comment, approve,
//! reopen with a reason; and proxy entry (代理入力) for an employee who filed on paper.

use nencho_filings::{
    Actor, Attachment, ComputedAmounts, Declaration, Filing, FilingAction, FilingPeriods,
    FilingStatus, Form, OriginalLine, Problem, ValueChange, compute, diff, forms_of, transition,
    validate_for_employee,
};
use nencho_identity::Permission;
use nencho_kernel::{CompanyId, EmployeeId, FilingId, TaxYear};
use nencho_ports::{
    DepartmentCounts, FilingHistory, FilingMark, FilingPage, FilingQuery, StatusCounts,
};
use nencho_tenancy::{Company, Employee, EmployeeNumber};

use super::originals::originals_blocking_approval;
use super::{Change, filing_or_new, mails, persist, previous_approved, require_for_employee};
use crate::authorization::{list_department, require, scoped_departments};
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

pub const PAGE_SIZE: u32 = 50;

#[derive(Debug, Clone, Default)]
pub struct DashboardRequest {
    pub status: Option<FilingStatus>,
    pub search: Option<String>,
    pub department: Option<String>,
    /// Only declarations waiting for certificates (原本未着).
    pub awaiting_originals: bool,
    /// Only declarations claiming someone another declaration claims too (重複の疑い).
    pub shared_claims: bool,
    /// Only declarations awaiting the employee with a deadline of their own (個別の期限).
    pub own_deadlines: bool,
    /// Only 提出済 declarations with (`true`) or without (`false`) the 一次確認.
    pub checked: Option<bool>,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

impl DashboardRequest {
    /// The store's query for these filters (the dashboard's page, or a page of its CSV): current
    /// employees; a 一次確認 filter reads the 提出済 declarations it is about.
    fn query(
        &self,
        company_id: CompanyId,
        tax_year: TaxYear,
        department: Option<String>,
        after: Option<EmployeeNumber>,
        limit: u32,
    ) -> FilingQuery {
        FilingQuery {
            include_departed: false,
            awaiting_originals: self.awaiting_originals,
            shared_claims: self.shared_claims,
            own_deadlines: self.own_deadlines,
            checked: self.checked,
            company_id,
            tax_year,
            status: match self.checked {
                Some(_) => Some(FilingStatus::Submitted),
                None => self.status,
            },
            search: self.search.clone().filter(|text| !text.trim().is_empty()),
            department,
            after,
            limit,
        }
    }
}

#[derive(Debug)]
pub struct Dashboard {
    pub company: Company,
    pub tax_year: TaxYear,
    pub periods: Option<FilingPeriods>,
    /// 会社からのご案内 the employees are shown, so staff answering them know what it says.
    pub guidance: Option<nencho_filings::GuidanceText>,
    pub counts: StatusCounts,
    /// Declarations handed in whose certificates have not all arrived (原本未着).
    pub awaiting_originals: u64,
    /// Declarations claiming someone another declaration claims too (重複の疑い).
    pub shared_claims: u64,
    /// Declarations awaiting the employee with a deadline of their own (個別の期限).
    pub own_deadlines: u64,
    /// 提出済 declarations with the 一次確認 (確認済・承認待ち).
    pub checked: u64,
    pub page: FilingPage,
}

/// The progress dashboard of a company and tax year: counts by status and one page of the list.
pub async fn dashboard(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    request: DashboardRequest,
) -> Result<Dashboard, AppError> {
    let grants = require(context, actor, Permission::ViewFilings, Some(company_id)).await?;
    let department = list_department(
        &grants,
        Permission::ViewFilings,
        company_id,
        request.department.as_deref(),
    )?;
    let tenant = actor.tenant.id;
    let company = context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let after = super::page_after(request.after.as_deref())?;
    let query = request.query(company_id, tax_year, department, after, PAGE_SIZE);
    let page = context.store.list_filings(tenant, &query).await?;
    let counts = context
        .store
        .status_counts(tenant, company_id, tax_year, query.department.as_deref())
        .await?;
    let awaiting_originals = context
        .store
        .awaiting_originals_count(tenant, company_id, tax_year, query.department.as_deref())
        .await?;
    let shared_claims = context
        .store
        .shared_claim_count(tenant, company_id, tax_year, query.department.as_deref())
        .await?;
    let marked = async |mark| {
        context
            .store
            .marked_count(
                tenant,
                company_id,
                tax_year,
                query.department.as_deref(),
                mark,
            )
            .await
    };
    let own_deadlines = marked(FilingMark::OwnDeadline).await?;
    let checked = marked(FilingMark::Checked).await?;
    let periods = context
        .store
        .find_periods(tenant, company_id, tax_year)
        .await?;
    let guidance = match periods {
        Some(_) => {
            context
                .store
                .find_guidance(tenant, company_id, tax_year)
                .await?
        }
        None => None,
    };
    Ok(Dashboard {
        shared_claims,
        own_deadlines,
        checked,
        company,
        tax_year,
        periods,
        guidance,
        counts,
        awaiting_originals,
        page,
    })
}

/// 部署別の進捗: the company's current employees by department and by the status of their
/// declaration (ViewFilings); a role narrowed to departments sees its own departments only.
pub async fn progress_by_department(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
) -> Result<(Company, Vec<DepartmentCounts>), AppError> {
    let grants = require(context, actor, Permission::ViewFilings, Some(company_id)).await?;
    let visible = scoped_departments(&grants, Permission::ViewFilings, company_id);
    let tenant = actor.tenant.id;
    let company = context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut departments = context
        .store
        .status_counts_by_department(tenant, company_id, tax_year)
        .await?;
    if !visible.is_empty() {
        departments.retain(|row| {
            row.department
                .as_ref()
                .is_some_and(|name| visible.contains(name))
        });
    }
    Ok((company, departments))
}

/// Rows per page of the progress list's CSV.
pub const PROGRESS_EXPORT_PAGE: u32 = 1_000;

/// One page of the progress list as the dashboard filters it (status, 原本未着, search; a role
/// narrowed to departments sees its own), after `after`, for the CSV download. Needs
/// ViewFilings, as the dashboard does.
pub async fn progress_page(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    request: &DashboardRequest,
    after: Option<EmployeeNumber>,
) -> Result<FilingPage, AppError> {
    let grants = require(context, actor, Permission::ViewFilings, Some(company_id)).await?;
    let department = list_department(
        &grants,
        Permission::ViewFilings,
        company_id,
        request.department.as_deref(),
    )?;
    let query = request.query(
        company_id,
        tax_year,
        department,
        after,
        PROGRESS_EXPORT_PAGE,
    );
    Ok(context.store.list_filings(actor.tenant.id, &query).await?)
}

/// A declaration as the reviewer sees it.
#[derive(Debug)]
pub struct FilingReview {
    pub filing: Filing,
    pub employee: Employee,
    pub computed: Result<ComputedAmounts, String>,
    pub forms: Vec<Form>,
    pub problems: Vec<Problem>,
    pub history: FilingHistory,
    /// Last year's approved declaration and what differs from it.
    pub last_year: Option<Filing>,
    pub changes_since_last_year: Vec<ValueChange>,
    /// The documents attached, oldest first, and the certificates the declaration calls for
    /// with their receipts (原本).
    pub attachments: Vec<Attachment>,
    pub originals: Vec<OriginalLine>,
    /// 重複扶養チェック: what the declaration's claims meet in the company's other declarations
    /// and employees, conflicts first.
    pub claim_checks: Vec<super::claims::ClaimCheck>,
    /// The company's periods of the year (the deadlines a return or an extension works with).
    pub periods: Option<FilingPeriods>,
    /// 担当者メモ, oldest first (staff only).
    pub memos: Vec<nencho_filings::StaffMemo>,
    /// The company approves only after someone else's 一次確認 ([`super::checks`]).
    pub check_required: bool,
}

/// Opens a declaration for review.
pub async fn review(
    context: &AppContext,
    actor: &CurrentUser,
    filing_id: FilingId,
) -> Result<FilingReview, AppError> {
    let (filing, employee) =
        filing_in_scope(context, actor, Permission::ViewFilings, filing_id).await?;
    review_of(context, actor, filing, employee).await
}

/// The declaration of an employee for the year (also before it exists): the entry point of
/// proxy entry (代理入力), so it needs EditFilings as the proxy writes do (docs/declarations.md);
/// a 参照者 sees declarations through [`review`].
pub async fn review_employee(
    context: &AppContext,
    actor: &CurrentUser,
    employee_id: EmployeeId,
    tax_year: TaxYear,
) -> Result<FilingReview, AppError> {
    let employee = employee_in_scope(context, actor, Permission::EditFilings, employee_id).await?;
    let filing = filing_or_new(context, &employee, tax_year).await?;
    review_of(context, actor, filing, employee).await
}

async fn review_of(
    context: &AppContext,
    actor: &CurrentUser,
    filing: Filing,
    employee: Employee,
) -> Result<FilingReview, AppError> {
    let history = if filing.version > 0 {
        context
            .store
            .filing_history(employee.tenant_id, filing.id)
            .await?
    } else {
        FilingHistory::default()
    };
    let last_year = previous_approved(context, &employee, filing.tax_year).await?;
    let changes_since_last_year = last_year
        .as_ref()
        .map(|previous| diff(&previous.document, &filing.document))
        .unwrap_or_default();
    let computed = compute(&filing.document, filing.tax_year).map_err(|error| error.to_string());
    let classes = computed
        .as_ref()
        .map(|amounts| amounts.relative_classes.clone())
        .unwrap_or_default();
    let attachments = super::attachments::attachments_of(context, &filing).await?;
    let originals = super::originals::originals_of(context, &filing).await?;
    let claim_checks = super::claims::claim_checks(context, actor, &filing, &employee).await?;
    let periods = context
        .store
        .find_periods(actor.tenant.id, filing.company_id, filing.tax_year)
        .await?;
    let memos = if filing.version > 0 {
        context.store.memos(actor.tenant.id, filing.id).await?
    } else {
        Vec::new()
    };
    let check_required = context
        .store
        .find_company(actor.tenant.id, filing.company_id)
        .await?
        .is_some_and(|company| company.profile.check_before_approval);
    Ok(FilingReview {
        check_required,
        claim_checks,
        periods,
        memos,
        attachments,
        originals,
        forms: forms_of(&filing.document, &classes),
        problems: validate_for_employee(&filing.document, filing.tax_year, employee.hire_date),
        computed,
        history,
        last_year,
        changes_since_last_year,
        filing,
        employee,
    })
}

/// 差戻し: back to the employee with a comment, which is mailed to them and shown on their page,
/// and, when given, a day of their own to hand it in again by (個別の提出期限, checked as
/// [`super::deadlines::check_own_deadline`] does).
pub async fn return_filing(
    context: &AppContext,
    actor: &CurrentUser,
    filing_id: FilingId,
    expected_version: i64,
    comment: String,
    deadline: Option<nencho_kernel::Date>,
) -> Result<Filing, AppError> {
    let action = FilingAction::Return { comment, deadline };
    send_back(
        context,
        actor,
        Permission::ReturnFilings,
        filing_id,
        expected_version,
        action,
    )
    .await
}

/// A return or a reopen: the declaration goes back to the employee, who is mailed the comment
/// (or the reason) when the company's periods exist to name the deadline.
async fn send_back(
    context: &AppContext,
    actor: &CurrentUser,
    permission: Permission,
    filing_id: FilingId,
    expected_version: i64,
    action: FilingAction,
) -> Result<Filing, AppError> {
    let (filing, employee) = filing_in_scope(context, actor, permission, filing_id).await?;
    let comment = action.comment().unwrap_or_default().trim();
    let periods = context
        .store
        .find_periods(actor.tenant.id, filing.company_id, filing.tax_year)
        .await?;
    if let (
        FilingAction::Return {
            deadline: Some(day),
            ..
        },
        Some(periods),
    ) = (&action, &periods)
    {
        super::deadlines::check_own_deadline(context, periods, &filing, *day)?;
    }
    let mail = periods.and_then(|periods| match &action {
        FilingAction::Reopen { .. } => {
            mails::reopened(context, actor, &employee, &periods, comment)
        }
        FilingAction::Return { deadline, .. } => {
            mails::returned(context, actor, &employee, &periods, comment, *deadline)
        }
        _ => None,
    });
    persist(
        context,
        actor,
        Change {
            filing: &filing,
            expected_version,
            document: None,
            action,
            actor_kind: Actor::Staff,
            mail,
        },
    )
    .await
}

/// 承認: locks the declaration.
pub async fn approve_filing(
    context: &AppContext,
    actor: &CurrentUser,
    filing_id: FilingId,
    expected_version: i64,
) -> Result<Filing, AppError> {
    let (filing, employee) =
        filing_in_scope(context, actor, Permission::ApproveFilings, filing_id).await?;
    approve_loaded(context, actor, &filing, &employee, expected_version).await
}

/// Why a declaration in scope cannot be approved as it stands.
enum Refusal {
    /// `validate` reports problems.
    Problems(Vec<Problem>),
    /// The company approves only once every certificate's original has arrived; this many have
    /// not.
    OriginalsMissing(usize),
    /// The company approves only after someone's 一次確認, and there is none.
    NotChecked,
    /// The company approves only after someone else's 一次確認, and the approver made it.
    CheckedBySelf,
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Problems(problems) => AppError::Incomplete(problems),
            Refusal::OriginalsMissing(missing) => AppError::Refused(format!(
                "控除証明書等の原本(または電子データ)がまだ{missing}件届いていないため承認できません(会社の設定)。受領を記録してから承認してください。"
            )),
            Refusal::NotChecked => AppError::Refused(
                "担当者の確認(一次確認)が済んでいないため承認できません(会社の設定)。確認済みになってから承認してください。".to_owned(),
            ),
            Refusal::CheckedBySelf => AppError::Refused(
                "ご自身が確認(一次確認)した申告書は承認できません(会社の設定: 二人の目で確認)。別の承認者が承認してください。".to_owned(),
            ),
        }
    }
}

/// What keeps a declaration already loaded and checked for scope from being approved by
/// `actor`: its problems first, then the company's rules on the 一次確認 and on the originals.
async fn approval_refusal(
    context: &AppContext,
    actor: &CurrentUser,
    filing: &Filing,
    employee: &Employee,
) -> Result<Option<Refusal>, AppError> {
    let problems = validate_for_employee(&filing.document, filing.tax_year, employee.hire_date);
    if !problems.is_empty() {
        return Ok(Some(Refusal::Problems(problems)));
    }
    let company = context
        .store
        .find_company(filing.tenant_id, filing.company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if company.profile.check_before_approval {
        match filing.checked {
            None => return Ok(Some(Refusal::NotChecked)),
            Some(mark) if mark.by == actor.user.id => return Ok(Some(Refusal::CheckedBySelf)),
            Some(_) => {}
        }
    }
    Ok(originals_blocking_approval(context, &company, filing)
        .await?
        .map(Refusal::OriginalsMissing))
}

/// The approval of a declaration already loaded and checked for scope: nothing refusing it,
/// then the workflow's transition with optimistic concurrency on the version.
async fn approve_loaded(
    context: &AppContext,
    actor: &CurrentUser,
    filing: &Filing,
    employee: &Employee,
    expected_version: i64,
) -> Result<Filing, AppError> {
    if let Some(refusal) = approval_refusal(context, actor, filing, employee).await? {
        return Err(refusal.into());
    }
    approve_unchecked(context, actor, filing, employee, expected_version).await
}

/// The workflow's approval with its history, once [`approval_refusal`] found nothing; the
/// employee is told (承認のお知らせ).
async fn approve_unchecked(
    context: &AppContext,
    actor: &CurrentUser,
    filing: &Filing,
    employee: &Employee,
    expected_version: i64,
) -> Result<Filing, AppError> {
    let mail = mails::approved(context, actor, employee, filing.tax_year);
    persist(
        context,
        actor,
        Change {
            filing,
            expected_version,
            document: None,
            action: FilingAction::Approve,
            actor_kind: Actor::Staff,
            mail,
        },
    )
    .await
}

/// At most this many declarations in one 一括承認.
pub const BULK_APPROVAL_LIMIT: usize = 500;

/// Why one declaration of a 一括承認 was left as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Not 提出済 (a draft, returned, already approved…): the workflow refuses the approval.
    NotSubmitted,
    /// `validate` reports problems.
    HasProblems,
    /// The version differs from the one the reviewer selected.
    Changed,
    /// Unknown, of another company or year, or outside the reviewer's departments.
    OutOfScope,
    /// The company approves only once every certificate's original has arrived, and some have
    /// not.
    OriginalsMissing,
    /// The company approves only after someone's 一次確認, and there is none.
    NotChecked,
    /// The company approves only after someone else's 一次確認, and the reviewer made it.
    CheckedBySelf,
}

impl SkipReason {
    pub fn japanese(self) -> &'static str {
        match self {
            SkipReason::NotSubmitted => "未提出",
            SkipReason::HasProblems => "入力内容に不備があります",
            SkipReason::Changed => "他の人が更新しました",
            SkipReason::OutOfScope => "対象外",
            SkipReason::OriginalsMissing => "控除証明書等の原本が届いていません",
            SkipReason::NotChecked => "担当者の確認(一次確認)が済んでいません",
            SkipReason::CheckedBySelf => "ご自身が確認した申告書です(別の承認者が承認します)",
        }
    }
}

/// One declaration left as it was; the employee is named only when in the reviewer's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedApproval {
    pub filing_id: FilingId,
    pub employee_number: String,
    pub employee_name: String,
    pub reason: SkipReason,
}

/// A declaration approved by a 一括承認 that claims someone another declaration claims too
/// (重複の疑い): the answer names it, for a second look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedWithSharedClaims {
    pub filing_id: FilingId,
    pub employee_number: String,
    pub employee_name: String,
}

/// What a 一括承認 did.
#[derive(Debug, Default)]
pub struct BulkApproval {
    pub approved: usize,
    pub skipped: Vec<SkippedApproval>,
    /// Of the approved, those with 重複の疑い, in the order selected.
    pub sharing_claims: Vec<ApprovedWithSharedClaims>,
}

/// 一括承認: approves each selected declaration (id and the version the reviewer saw) of the
/// company and year as [`approve_filing`] would. ApproveFilings is checked once for the company;
/// each declaration that cannot be approved is skipped with its reason, never failing the
/// others. A selection repeated is taken once. Only a store failure ends the request (those
/// approved before it stay approved).
pub async fn approve_many(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    selected: Vec<(FilingId, i64)>,
) -> Result<BulkApproval, AppError> {
    if selected.len() > BULK_APPROVAL_LIMIT {
        return Err(AppError::Invalid {
            field: "selected",
            message: format!("一度に承認できるのは{BULK_APPROVAL_LIMIT}件までです。"),
        });
    }
    let permission = Permission::ApproveFilings;
    let grants = require(context, actor, permission, Some(company_id)).await?;
    let departments = scoped_departments(&grants, permission, company_id);
    let tenant = actor.tenant.id;
    let mut seen = std::collections::HashSet::new();
    let mut result = BulkApproval::default();
    let mut approved = Vec::new();
    for (filing_id, expected_version) in selected {
        if !seen.insert(filing_id) {
            continue;
        }
        let skip = |employee: Option<&Employee>, reason| SkippedApproval {
            filing_id,
            employee_number: employee
                .map(|employee| employee.number.to_string())
                .unwrap_or_default(),
            employee_name: employee
                .map(|employee| employee.name.full())
                .unwrap_or_default(),
            reason,
        };
        let filing = context
            .store
            .find_filing(tenant, filing_id)
            .await?
            .filter(|filing| filing.company_id == company_id && filing.tax_year == tax_year);
        let Some(filing) = filing else {
            result.skipped.push(skip(None, SkipReason::OutOfScope));
            continue;
        };
        let employee = context
            .store
            .find_employee(tenant, filing.employee_id)
            .await?
            .filter(|employee| {
                employee.company_id == company_id
                    && (departments.is_empty()
                        || employee
                            .department
                            .as_ref()
                            .is_some_and(|department| departments.contains(department)))
            });
        let Some(employee) = employee else {
            result.skipped.push(skip(None, SkipReason::OutOfScope));
            continue;
        };
        let reason = if filing.version != expected_version {
            Some(SkipReason::Changed)
        } else if transition(filing.status, &FilingAction::Approve, Actor::Staff).is_err() {
            Some(SkipReason::NotSubmitted)
        } else if let Some(refusal) = approval_refusal(context, actor, &filing, &employee).await? {
            Some(match refusal {
                Refusal::Problems(_) => SkipReason::HasProblems,
                Refusal::OriginalsMissing(_) => SkipReason::OriginalsMissing,
                Refusal::NotChecked => SkipReason::NotChecked,
                Refusal::CheckedBySelf => SkipReason::CheckedBySelf,
            })
        } else {
            match approve_unchecked(context, actor, &filing, &employee, expected_version).await {
                Ok(_) => None,
                Err(AppError::Conflict(_)) => Some(SkipReason::Changed),
                Err(AppError::Refused(_)) => Some(SkipReason::NotSubmitted),
                Err(error) => return Err(error),
            }
        };
        match reason {
            None => {
                result.approved += 1;
                approved.push((filing_id, employee));
            }
            Some(reason) => result.skipped.push(skip(Some(&employee), reason)),
        }
    }
    let ids: Vec<FilingId> = approved.iter().map(|(id, _)| *id).collect();
    let sharing = context.store.sharing_claims(tenant, &ids).await?;
    result.sharing_claims = approved
        .into_iter()
        .filter(|(id, _)| sharing.contains(id))
        .map(|(filing_id, employee)| ApprovedWithSharedClaims {
            filing_id,
            employee_number: employee.number.to_string(),
            employee_name: employee.name.full(),
        })
        .collect();
    Ok(result)
}

/// 再年調: reopens an approved declaration with a reason; the employee is mailed and may
/// re-file the dependants and insurance sections in the re-filing period.
pub async fn reopen_filing(
    context: &AppContext,
    actor: &CurrentUser,
    filing_id: FilingId,
    expected_version: i64,
    reason: String,
) -> Result<Filing, AppError> {
    let action = FilingAction::Reopen { reason };
    send_back(
        context,
        actor,
        Permission::ApproveFilings,
        filing_id,
        expected_version,
        action,
    )
    .await
}

/// 代理入力: staff save the employee's declaration (a paper filing), marked as proxy entry.
pub async fn proxy_save(
    context: &AppContext,
    actor: &CurrentUser,
    employee_id: EmployeeId,
    tax_year: TaxYear,
    expected_version: i64,
    document: Declaration,
) -> Result<Filing, AppError> {
    let employee = employee_in_scope(context, actor, Permission::EditFilings, employee_id).await?;
    let filing = filing_or_new(context, &employee, tax_year).await?;
    persist(
        context,
        actor,
        Change {
            filing: &filing,
            expected_version,
            document: Some(document),
            action: FilingAction::Save,
            actor_kind: Actor::Staff,
            mail: None,
        },
    )
    .await
}

/// 代理提出: staff submit a proxy-entered declaration for the employee, with a `note` for the
/// reviewers (may be blank).
pub async fn proxy_submit(
    context: &AppContext,
    actor: &CurrentUser,
    employee_id: EmployeeId,
    tax_year: TaxYear,
    expected_version: i64,
    note: &str,
) -> Result<Filing, AppError> {
    let note = super::submission_note(note)?;
    let employee = employee_in_scope(context, actor, Permission::EditFilings, employee_id).await?;
    let filing = filing_or_new(context, &employee, tax_year).await?;
    let problems = validate_for_employee(&filing.document, tax_year, employee.hire_date);
    if !problems.is_empty() {
        return Err(AppError::Incomplete(problems));
    }
    persist(
        context,
        actor,
        Change {
            filing: &filing,
            expected_version,
            document: None,
            action: FilingAction::Submit { note },
            actor_kind: Actor::Staff,
            mail: None,
        },
    )
    .await
}

async fn employee_in_scope(
    context: &AppContext,
    actor: &CurrentUser,
    permission: Permission,
    employee_id: EmployeeId,
) -> Result<Employee, AppError> {
    let employee = context
        .store
        .find_employee(actor.tenant.id, employee_id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_for_employee(context, actor, permission, &employee).await?;
    Ok(employee)
}

/// The declaration and its employee, once `permission` is found to reach the employee (company
/// and departments); [`AppError::NotFound`] for one of another tenant.
/// Refuses (403, or 404 for a declaration the tenant does not have) unless `permission` reaches
/// the declaration's employee: for a form to be checked before what it carries is read.
pub async fn require_over_filing(
    context: &AppContext,
    actor: &CurrentUser,
    permission: Permission,
    filing_id: FilingId,
) -> Result<(), AppError> {
    filing_in_scope(context, actor, permission, filing_id)
        .await
        .map(|_| ())
}

pub(crate) async fn filing_in_scope(
    context: &AppContext,
    actor: &CurrentUser,
    permission: Permission,
    filing_id: FilingId,
) -> Result<(Filing, Employee), AppError> {
    let tenant = actor.tenant.id;
    let filing = context
        .store
        .find_filing(tenant, filing_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let employee = employee_in_scope(context, actor, permission, filing.employee_id).await?;
    Ok((filing, employee))
}
