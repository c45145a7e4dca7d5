//! The full export (SVC-3): every kind of the tenant's data, for ADMIN and administrators
//! (`export_all`), while the contract has not ended.
//!
//! The export is pulled page by page ([`FullExport::next_page`]), table by table — companies,
//! employees (every company, departed ones included, in keyset pages), users, role assignments,
//! login history (per user), then the declarations: each company's periods, the declarations
//! (every company, every opened tax year, in pages of [`FILING_PAGE_SIZE`]), and again the same
//! declarations for their values, their transitions and their changed values, then the
//! employees' consents to receive their 源泉徴収票 electronically (per company, the consenting
//! ones among keyset pages of employees) and the issued slips (in pages of [`SLIP_PAGE_SIZE`]),
//! then the certificates' originals received for the declarations (控除証明書等の原本, in pages
//! of [`ORIGINAL_PAGE_SIZE`]), and last the documents attached to the declarations (添付書類):
//! their metadata in pages of [`ATTACHMENT_PAGE_SIZE`], then each document's content, one at a
//! time ([`ExportPage::AttachmentFile`]) — so the adapter that writes it never holds the whole
//! tenant, nor more than one document. Users come without their password hashes:
//! [`ExportedUser`] has no field for one.
//!
//! A ZIP is written one file after the other, so each declaration table is a pass of its own
//! over the store (`FilingCursor`): `list_filings` with the departed employees included, one
//! keyset page per company and year. The documents are two passes too (`attachments_after`
//! in id order): the metadata for `attachments.csv`, then the contents, which stop at the last
//! document the first pass listed (ids are time-ordered, so one attached meanwhile is left out;
//! one removed meanwhile keeps its row but has no file).
//!
//! The store has no paging of consents: per company, `consented_employees` gives the set of
//! consenting employees, the company's employees are paged again (keyset, departed ones
//! included) and each one in the set gets its time, method and recorder from `slip_consent` (one withdrawn meanwhile
//! is left out); the pass moves to the next company once every one of the set is found. The
//! issued slips are paged by `issued_slips_after` ((employee id, tax year) order), each with
//! its employee's current number and its issuer's login ID. The originals' receipts are paged
//! by `original_receipts_after` ((declaration id, key) order), each with its declaration's
//! company, employee and year and the employee's current number (one `find_filing` and one
//! `find_employee` per declaration of the page), and the document kind and subject its key
//! names.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use nencho_filings::{
    Attachment, AttachmentKind, ComputedAmounts, FieldChange, Filing, FilingEvent, FilingPeriods,
    IssuedSlip, OriginalReceipt, SlipConsent, compute,
};
use nencho_identity::{
    CompanyRole, DisplayName, LoginAttempt, LoginId, Permission, Role, UserStatus,
};
use nencho_kernel::{
    AttachmentId, CompanyId, EmailAddress, EmployeeId, FilingId, OffsetDateTime, TaxYear, TenantId,
    UserId,
};
use nencho_ports::{EmployeeQuery, FilingQuery, Store};
use nencho_tenancy::{Company, Employee, EmployeeNumber, Tenant};

use crate::authorization::require;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// Employees per page read from the store.
pub const EMPLOYEE_PAGE_SIZE: u32 = 5_000;

/// Declarations per page read from the store (each carries its whole document).
pub const FILING_PAGE_SIZE: u32 = 500;

/// Attached documents' metadata per page read from the store (their contents are read one at a
/// time).
pub const ATTACHMENT_PAGE_SIZE: u32 = 500;

/// Issued 源泉徴収票 per page read from the store.
pub const SLIP_PAGE_SIZE: u32 = 500;

/// Receipts of certificates' originals per page read from the store.
pub const ORIGINAL_PAGE_SIZE: u32 = 500;

/// Entries of the 操作ログ per page read from the store.
pub const AUDIT_PAGE_SIZE: u32 = 500;

/// 登録内容の変更届 per page read from the store.
pub const CHANGE_PAGE_SIZE: u32 = 500;

/// A user as exported: everything but the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedUser {
    pub id: UserId,
    pub login_id: LoginId,
    pub display_name: DisplayName,
    pub email: Option<EmailAddress>,
    pub role: Role,
    pub status: UserStatus,
    /// Whether the ID has a password yet (an invitation not used has none).
    pub has_password: bool,
    pub created_at: OffsetDateTime,
    /// Whether 2段階認証 is on (never its key or recovery codes).
    pub second_factor: bool,
}

/// One per-company role, with the names a reader of the export needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedRole {
    pub company_id: CompanyId,
    pub company_name: String,
    pub user_id: UserId,
    /// `None` when the user is unknown (never expected).
    pub login_id: Option<LoginId>,
    pub role: CompanyRole,
    pub departments: Vec<String>,
}

/// A declaration as exported: with its employee and the deductions computed from it (or why
/// they cannot be, in words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedFiling {
    pub employee: Employee,
    pub filing: Filing,
    pub computed: Result<ComputedAmounts, String>,
}

/// The history entries (transitions or changed values) of one declaration, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedHistory<T> {
    pub employee: Employee,
    pub filing_id: FilingId,
    pub tax_year: TaxYear,
    pub entries: Vec<T>,
}

/// Whose declaration a document is attached to, as the history files name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentOwner {
    pub company_id: CompanyId,
    pub employee_number: EmployeeNumber,
    pub tax_year: TaxYear,
}

/// A document's metadata as exported (its content comes later, in
/// [`ExportPage::AttachmentFile`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedAttachment {
    pub attachment: Attachment,
    /// `None` when the declaration or its employee is no longer found (never expected).
    pub owner: Option<AttachmentOwner>,
    /// The uploader's login ID; `None` when the user is unknown.
    pub uploaded_by_login_id: Option<LoginId>,
}

/// An employee's consent to receive the 源泉徴収票 electronically (電子交付): when, how (online or
/// on paper) and who recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedSlipConsent {
    pub employee: Employee,
    pub consent: SlipConsent,
}

/// An issued 源泉徴収票 as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedSlip {
    pub slip: IssuedSlip,
    /// The employee's number now; `None` when the employee is no longer found (never expected).
    pub employee_number: Option<EmployeeNumber>,
    /// The issuer's login ID; `None` when the user is unknown.
    pub issued_by_login_id: Option<LoginId>,
    /// When a corrected slip replaced this one (訂正前); `None` for the slip in force.
    pub replaced_at: Option<OffsetDateTime>,
}

/// Whose declaration a received original belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalOwner {
    pub company_id: CompanyId,
    pub employee_id: EmployeeId,
    /// The employee's number now; `None` when the employee is no longer found (never expected).
    pub employee_number: Option<EmployeeNumber>,
    pub tax_year: TaxYear,
}

/// A certificate's original received for a declaration (控除証明書等の原本), as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedOriginal {
    pub filing_id: FilingId,
    /// `None` when the declaration is no longer found (never expected).
    pub owner: Option<OriginalOwner>,
    /// The document kind the key names (its part before the first `:`); `None` for a code this
    /// version does not know.
    pub kind: Option<AttachmentKind>,
    /// What the certificate is for: the key after its first `:` (生命保険1 (A生命)); the whole
    /// key when it has none.
    pub subject: String,
    pub receipt: OriginalReceipt,
}

impl ExportedOriginal {
    /// The kind and subject of a receipt's key (`{AttachmentKind code}:{subject}`).
    pub fn split_key(key: &str) -> (Option<AttachmentKind>, String) {
        let (kind, subject) = nencho_filings::parse_original_key(key);
        (kind, subject.to_owned())
    }
}

/// One page of the export. Pages of a table come together and in the order of
/// [`ExportTable::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportPage {
    Companies(Vec<Company>),
    /// Employees of one company in employee-number order (a company has one or more pages).
    Employees {
        company: Arc<Company>,
        employees: Vec<Employee>,
    },
    Users(Vec<ExportedUser>),
    Roles(Vec<ExportedRole>),
    /// Every login attempt of one user, newest first.
    LoginHistory {
        user: Arc<ExportedUser>,
        attempts: Vec<LoginAttempt>,
    },
    /// The 操作ログ, newest first (one or more pages).
    AuditLog(Vec<nencho_identity::AuditRecord>),
    /// 登録内容の変更届 of the tenant, oldest first (one or more pages).
    ChangeRequests(Vec<nencho_tenancy::ChangeRequest>),
    /// Every tax year opened for one company, newest first, each with its 会社からのご案内.
    FilingPeriods {
        company: Arc<Company>,
        periods: Vec<(FilingPeriods, Option<nencho_filings::GuidanceText>)>,
    },
    /// Declarations of one company (one or more pages per company).
    Filings {
        company: Arc<Company>,
        filings: Vec<ExportedFiling>,
    },
    /// The same declarations again, for their values (`nencho_filings::flatten`).
    FilingValues {
        company: Arc<Company>,
        filings: Vec<ExportedFiling>,
    },
    /// The transitions of the same declarations.
    FilingHistory {
        company: Arc<Company>,
        filings: Vec<ExportedHistory<FilingEvent>>,
    },
    /// The changed values of the same declarations.
    FilingChanges {
        company: Arc<Company>,
        filings: Vec<ExportedHistory<FieldChange>>,
    },
    /// The 担当者メモ of the same declarations.
    FilingMemos {
        company: Arc<Company>,
        filings: Vec<ExportedHistory<nencho_filings::StaffMemo>>,
    },
    /// The consenting employees of one company, in employee-number order (departed ones
    /// included).
    SlipConsents {
        company: Arc<Company>,
        consents: Vec<ExportedSlipConsent>,
    },
    /// Issued 源泉徴収票, in (employee id, tax year) order.
    WithholdingSlips(Vec<ExportedSlip>),
    /// Certificates' originals received for the declarations, in (declaration id, key) order.
    FilingOriginals(Vec<ExportedOriginal>),
    /// Attached documents' metadata, in id order (time order).
    Attachments(Vec<ExportedAttachment>),
    /// One document with its content (at most `nencho_filings::MAX_ATTACHMENT_BYTES`), after
    /// every [`ExportPage::Attachments`] page, in the same order. Its table is
    /// [`ExportTable::Attachments`]: the file goes beside `attachments.csv`, not in it.
    AttachmentFile {
        attachment: Attachment,
        content: Vec<u8>,
    },
}

/// The tables of the export, in the order they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportTable {
    Companies,
    Employees,
    Users,
    Roles,
    LoginHistory,
    AuditLog,
    ChangeRequests,
    FilingPeriods,
    Filings,
    FilingValues,
    FilingHistory,
    FilingChanges,
    /// 担当者メモ.
    FilingMemos,
    SlipConsents,
    WithholdingSlips,
    FilingOriginals,
    Attachments,
}

impl ExportTable {
    pub const ALL: [ExportTable; 17] = [
        ExportTable::Companies,
        ExportTable::Employees,
        ExportTable::Users,
        ExportTable::Roles,
        ExportTable::LoginHistory,
        ExportTable::AuditLog,
        ExportTable::ChangeRequests,
        ExportTable::FilingPeriods,
        ExportTable::Filings,
        ExportTable::FilingValues,
        ExportTable::FilingHistory,
        ExportTable::FilingChanges,
        ExportTable::FilingMemos,
        ExportTable::SlipConsents,
        ExportTable::WithholdingSlips,
        ExportTable::FilingOriginals,
        ExportTable::Attachments,
    ];

    /// The table's place in [`ExportTable::ALL`].
    pub fn index(self) -> usize {
        match self {
            ExportTable::Companies => 0,
            ExportTable::Employees => 1,
            ExportTable::Users => 2,
            ExportTable::Roles => 3,
            ExportTable::LoginHistory => 4,
            ExportTable::AuditLog => 5,
            ExportTable::ChangeRequests => 6,
            ExportTable::FilingPeriods => 7,
            ExportTable::Filings => 8,
            ExportTable::FilingValues => 9,
            ExportTable::FilingHistory => 10,
            ExportTable::FilingChanges => 11,
            ExportTable::FilingMemos => 12,
            ExportTable::SlipConsents => 13,
            ExportTable::WithholdingSlips => 14,
            ExportTable::FilingOriginals => 15,
            ExportTable::Attachments => 16,
        }
    }
}

impl ExportPage {
    pub fn table(&self) -> ExportTable {
        match self {
            Self::Companies(_) => ExportTable::Companies,
            Self::Employees { .. } => ExportTable::Employees,
            Self::Users(_) => ExportTable::Users,
            Self::Roles(_) => ExportTable::Roles,
            Self::LoginHistory { .. } => ExportTable::LoginHistory,
            Self::AuditLog(_) => ExportTable::AuditLog,
            Self::ChangeRequests(_) => ExportTable::ChangeRequests,
            Self::FilingPeriods { .. } => ExportTable::FilingPeriods,
            Self::Filings { .. } => ExportTable::Filings,
            Self::FilingValues { .. } => ExportTable::FilingValues,
            Self::FilingHistory { .. } => ExportTable::FilingHistory,
            Self::FilingChanges { .. } => ExportTable::FilingChanges,
            Self::FilingMemos { .. } => ExportTable::FilingMemos,
            Self::SlipConsents { .. } => ExportTable::SlipConsents,
            Self::WithholdingSlips(_) => ExportTable::WithholdingSlips,
            Self::FilingOriginals(_) => ExportTable::FilingOriginals,
            Self::Attachments(_) | Self::AttachmentFile { .. } => ExportTable::Attachments,
        }
    }
}

#[derive(Debug)]
enum Stage {
    Companies,
    /// The company at this index, from after this number.
    Employees {
        index: usize,
        after: Option<EmployeeNumber>,
    },
    Users,
    Roles,
    LoginHistory {
        index: usize,
    },
    /// The 操作ログ below this id (all, for `None`).
    AuditLog {
        before: Option<i64>,
    },
    /// The change requests after this one (all, for `None`).
    ChangeRequests {
        after: Option<nencho_kernel::ChangeRequestId>,
    },
    FilingPeriods {
        index: usize,
    },
    /// A pass over every declaration for one of the declaration tables.
    Declarations {
        table: ExportTable,
        cursor: FilingCursor,
    },
    /// The consents of the company at this index: its consenting employees not yet handed out
    /// (loaded when the stage reaches the company), among its employees after this number.
    SlipConsents {
        index: usize,
        after: Option<EmployeeNumber>,
        consenting: Option<BTreeSet<EmployeeId>>,
    },
    /// The issued slips after this (employee, year).
    WithholdingSlips {
        after: Option<(EmployeeId, TaxYear)>,
    },
    /// The originals' receipts after this (declaration, key).
    FilingOriginals {
        after: Option<(FilingId, String)>,
    },
    /// The documents' metadata after this id.
    Attachments {
        after: Option<AttachmentId>,
    },
    /// The documents' contents: `queue` (ids of the current page) first, then those after
    /// `after`, up to `last` (the last one the metadata pass listed).
    AttachmentFiles {
        queue: std::collections::VecDeque<AttachmentId>,
        after: Option<AttachmentId>,
        last: AttachmentId,
    },
    Done,
}

/// Where a pass over the declarations stands: the company at `company`; within it, each
/// opened tax year's declarations, departed employees' included (keyset pages of
/// `list_filings`).
#[derive(Debug)]
struct FilingCursor {
    company: usize,
    /// The tax years opened for that company, loaded when the pass reaches it.
    years: Option<Vec<TaxYear>>,
    /// The year at this index of `years`, from after this employee number.
    year: usize,
    after: Option<EmployeeNumber>,
}

impl FilingCursor {
    fn start() -> Self {
        Self {
            company: 0,
            years: None,
            year: 0,
            after: None,
        }
    }

    fn next_company(&mut self) {
        *self = Self {
            company: self.company + 1,
            ..Self::start()
        };
    }

    /// The next declarations of one company (never an empty batch), or `None` when the pass is
    /// over.
    async fn next(
        &mut self,
        store: &dyn Store,
        tenant_id: TenantId,
        companies: &[Arc<Company>],
    ) -> Result<Option<(Arc<Company>, Vec<(Employee, Filing)>)>, AppError> {
        loop {
            let Some(company) = companies.get(self.company).cloned() else {
                return Ok(None);
            };
            let years = match &self.years {
                Some(years) => years.clone(),
                None => {
                    let years: Vec<TaxYear> = store
                        .list_periods(tenant_id, company.id)
                        .await?
                        .iter()
                        .map(|periods| periods.tax_year)
                        .collect();
                    self.years = Some(years.clone());
                    years
                }
            };
            if years.is_empty() {
                self.next_company();
                continue;
            }
            let Some(&tax_year) = years.get(self.year) else {
                self.next_company();
                continue;
            };
            let query = FilingQuery {
                company_id: company.id,
                tax_year,
                status: None,
                search: None,
                department: None,
                include_departed: true,
                awaiting_originals: false,
                shared_claims: false,
                own_deadlines: false,
                checked: None,
                after: self.after.take(),
                limit: FILING_PAGE_SIZE,
            };
            let page = store.list_filings(tenant_id, &query).await?;
            match page.next {
                Some(next) => self.after = Some(next),
                None => self.year += 1,
            }
            let batch: Vec<(Employee, Filing)> = page
                .rows
                .into_iter()
                .filter_map(|row| row.filing.map(|filing| (row.employee, filing)))
                .collect();
            if !batch.is_empty() {
                return Ok(Some((company, batch)));
            }
        }
    }
}

/// An export under way: call [`FullExport::next_page`] until it answers `None`. Owns what it
/// needs (no borrow of the request), so it can be driven from another task.
pub struct FullExport {
    store: Arc<dyn Store>,
    tenant: Tenant,
    exported_at: OffsetDateTime,
    stage: Stage,
    companies: Vec<Arc<Company>>,
    users: Vec<Arc<ExportedUser>>,
    /// The last document the metadata pass listed.
    last_attachment: Option<AttachmentId>,
}

impl std::fmt::Debug for FullExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FullExport")
            .field("tenant", &self.tenant.slug)
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

/// Checks `export_all` and that the contract has not ended, then starts the export.
pub async fn start_export(
    context: &AppContext,
    actor: &CurrentUser,
) -> Result<FullExport, AppError> {
    require(context, actor, Permission::ExportAll, None).await?;
    let tenant = context
        .store
        .find_tenant(actor.tenant.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if tenant.status.is_over() {
        return Err(AppError::ContractEnded);
    }
    crate::audit::record(
        context,
        actor,
        nencho_identity::AuditAction::FullExport,
        "",
        "",
    )
    .await?;
    Ok(FullExport {
        store: Arc::clone(&context.store),
        tenant,
        exported_at: context.clock.now(),
        stage: Stage::Companies,
        companies: Vec::new(),
        users: Vec::new(),
        last_attachment: None,
    })
}

impl FullExport {
    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// When the export was started, by the application's clock.
    pub fn exported_at(&self) -> OffsetDateTime {
        self.exported_at
    }

    fn tenant_id(&self) -> TenantId {
        self.tenant.id
    }

    /// The next page, or `None` when everything has been handed out.
    pub async fn next_page(&mut self) -> Result<Option<ExportPage>, AppError> {
        loop {
            match std::mem::replace(&mut self.stage, Stage::Done) {
                Stage::Companies => {
                    let companies = self.store.list_companies(self.tenant_id()).await?;
                    self.companies = companies.iter().cloned().map(Arc::new).collect();
                    self.stage = Stage::Employees {
                        index: 0,
                        after: None,
                    };
                    return Ok(Some(ExportPage::Companies(companies)));
                }
                Stage::Employees { index, after } => {
                    let Some(company) = self.companies.get(index).cloned() else {
                        self.stage = Stage::Users;
                        continue;
                    };
                    let query = EmployeeQuery {
                        include_departed: true,
                        after,
                        ..EmployeeQuery::first_page(company.id, EMPLOYEE_PAGE_SIZE)
                    };
                    let page = self.store.list_employees(self.tenant_id(), &query).await?;
                    self.stage = match page.next {
                        Some(next) => Stage::Employees {
                            index,
                            after: Some(next),
                        },
                        None => Stage::Employees {
                            index: index + 1,
                            after: None,
                        },
                    };
                    if page.employees.is_empty() {
                        continue;
                    }
                    return Ok(Some(ExportPage::Employees {
                        company,
                        employees: page.employees,
                    }));
                }
                Stage::Users => {
                    let with_second_factor: BTreeSet<UserId> = self
                        .store
                        .users_with_second_factor(self.tenant_id())
                        .await?
                        .into_iter()
                        .collect();
                    let users: Vec<ExportedUser> = self
                        .store
                        .list_users(self.tenant_id())
                        .await?
                        .into_iter()
                        .map(|user| ExportedUser {
                            second_factor: with_second_factor.contains(&user.id),
                            id: user.id,
                            has_password: user.password.hash().is_some(),
                            login_id: user.login_id,
                            display_name: user.display_name,
                            email: user.email,
                            role: user.role,
                            status: user.status,
                            created_at: user.created_at,
                        })
                        .collect();
                    self.users = users.iter().cloned().map(Arc::new).collect();
                    self.stage = Stage::Roles;
                    return Ok(Some(ExportPage::Users(users)));
                }
                Stage::Roles => {
                    let login_ids: HashMap<UserId, &LoginId> = self
                        .users
                        .iter()
                        .map(|user| (user.id, &user.login_id))
                        .collect();
                    let mut roles = Vec::new();
                    for company in &self.companies {
                        for holder in self
                            .store
                            .role_holders(self.tenant_id(), company.id)
                            .await?
                        {
                            roles.push(ExportedRole {
                                company_id: company.id,
                                company_name: company.name.as_str().to_owned(),
                                user_id: holder.user_id,
                                login_id: login_ids.get(&holder.user_id).map(|id| (*id).clone()),
                                role: holder.role,
                                departments: holder.departments,
                            });
                        }
                    }
                    self.stage = Stage::LoginHistory { index: 0 };
                    return Ok(Some(ExportPage::Roles(roles)));
                }
                Stage::LoginHistory { index } => {
                    let Some(user) = self.users.get(index).cloned() else {
                        self.stage = Stage::AuditLog { before: None };
                        continue;
                    };
                    self.stage = Stage::LoginHistory { index: index + 1 };
                    let attempts = self
                        .store
                        .list_login_attempts(self.tenant_id(), user.id, u32::MAX)
                        .await?;
                    if attempts.is_empty() {
                        continue;
                    }
                    return Ok(Some(ExportPage::LoginHistory { user, attempts }));
                }
                Stage::AuditLog { before } => {
                    let records = self
                        .store
                        .audit_records(self.tenant_id(), None, before, AUDIT_PAGE_SIZE)
                        .await?;
                    self.stage = match records.last() {
                        Some(last) if records.len() == AUDIT_PAGE_SIZE as usize => {
                            Stage::AuditLog {
                                before: Some(last.id),
                            }
                        }
                        _ => Stage::ChangeRequests { after: None },
                    };
                    if records.is_empty() {
                        continue;
                    }
                    return Ok(Some(ExportPage::AuditLog(records)));
                }
                Stage::ChangeRequests { after } => {
                    let requests = self
                        .store
                        .change_requests_after(self.tenant_id(), after, CHANGE_PAGE_SIZE)
                        .await?;
                    self.stage = match requests.last() {
                        Some(last) if requests.len() == CHANGE_PAGE_SIZE as usize => {
                            Stage::ChangeRequests {
                                after: Some(last.id),
                            }
                        }
                        _ => Stage::FilingPeriods { index: 0 },
                    };
                    if requests.is_empty() {
                        continue;
                    }
                    return Ok(Some(ExportPage::ChangeRequests(requests)));
                }
                Stage::FilingPeriods { index } => {
                    let Some(company) = self.companies.get(index).cloned() else {
                        self.stage = Stage::Declarations {
                            table: ExportTable::Filings,
                            cursor: FilingCursor::start(),
                        };
                        continue;
                    };
                    self.stage = Stage::FilingPeriods { index: index + 1 };
                    let periods = self
                        .store
                        .list_periods(self.tenant_id(), company.id)
                        .await?;
                    if periods.is_empty() {
                        continue;
                    }
                    let mut guidance = self
                        .store
                        .list_guidance(self.tenant_id(), company.id)
                        .await?;
                    let periods = periods
                        .into_iter()
                        .map(|periods| {
                            let text = guidance
                                .iter()
                                .position(|(year, _)| *year == periods.tax_year)
                                .map(|found| guidance.swap_remove(found).1);
                            (periods, text)
                        })
                        .collect();
                    return Ok(Some(ExportPage::FilingPeriods { company, periods }));
                }
                Stage::Declarations { table, mut cursor } => {
                    let batch = cursor
                        .next(self.store.as_ref(), self.tenant_id(), &self.companies)
                        .await?;
                    let Some((company, filings)) = batch else {
                        self.stage = match table {
                            ExportTable::Filings => Stage::Declarations {
                                table: ExportTable::FilingValues,
                                cursor: FilingCursor::start(),
                            },
                            ExportTable::FilingValues => Stage::Declarations {
                                table: ExportTable::FilingHistory,
                                cursor: FilingCursor::start(),
                            },
                            ExportTable::FilingHistory => Stage::Declarations {
                                table: ExportTable::FilingChanges,
                                cursor: FilingCursor::start(),
                            },
                            ExportTable::FilingChanges => Stage::Declarations {
                                table: ExportTable::FilingMemos,
                                cursor: FilingCursor::start(),
                            },
                            _ => Stage::SlipConsents {
                                index: 0,
                                after: None,
                                consenting: None,
                            },
                        };
                        continue;
                    };
                    self.stage = Stage::Declarations { table, cursor };
                    return Ok(Some(self.declaration_page(table, company, filings).await?));
                }
                Stage::SlipConsents {
                    index,
                    after,
                    consenting,
                } => {
                    let Some(company) = self.companies.get(index).cloned() else {
                        self.stage = Stage::WithholdingSlips { after: None };
                        continue;
                    };
                    let next_company = Stage::SlipConsents {
                        index: index + 1,
                        after: None,
                        consenting: None,
                    };
                    let mut consenting = match consenting {
                        Some(consenting) => consenting,
                        None => {
                            self.store
                                .consented_employees(self.tenant_id(), company.id)
                                .await?
                        }
                    };
                    if consenting.is_empty() {
                        self.stage = next_company;
                        continue;
                    }
                    let query = EmployeeQuery {
                        include_departed: true,
                        after,
                        ..EmployeeQuery::first_page(company.id, EMPLOYEE_PAGE_SIZE)
                    };
                    let page = self.store.list_employees(self.tenant_id(), &query).await?;
                    let mut consents = Vec::new();
                    for employee in page.employees {
                        if !consenting.remove(&employee.id) {
                            continue;
                        }
                        // One withdrawn meanwhile is left out.
                        if let Some(consent) = self
                            .store
                            .slip_consent(self.tenant_id(), employee.id)
                            .await?
                        {
                            consents.push(ExportedSlipConsent { employee, consent });
                        }
                    }
                    // Every consenting employee found, or no page left: the next company.
                    self.stage = match page.next {
                        Some(next) if !consenting.is_empty() => Stage::SlipConsents {
                            index,
                            after: Some(next),
                            consenting: Some(consenting),
                        },
                        _ => next_company,
                    };
                    if consents.is_empty() {
                        continue;
                    }
                    return Ok(Some(ExportPage::SlipConsents { company, consents }));
                }
                Stage::WithholdingSlips { after } => {
                    let slips = self
                        .store
                        .issued_slips_after(self.tenant_id(), after, SLIP_PAGE_SIZE)
                        .await?;
                    let Some(last) = slips.last().map(|slip| (slip.employee_id, slip.tax_year))
                    else {
                        self.stage = Stage::FilingOriginals { after: None };
                        continue;
                    };
                    self.stage = if slips.len() < SLIP_PAGE_SIZE as usize {
                        Stage::FilingOriginals { after: None }
                    } else {
                        Stage::WithholdingSlips { after: Some(last) }
                    };
                    return Ok(Some(self.slip_page(slips).await?));
                }
                Stage::FilingOriginals { after } => {
                    let receipts = self
                        .store
                        .original_receipts_after(self.tenant_id(), after, ORIGINAL_PAGE_SIZE)
                        .await?;
                    let Some(last) = receipts
                        .last()
                        .map(|(filing_id, receipt)| (*filing_id, receipt.key.clone()))
                    else {
                        self.stage = Stage::Attachments { after: None };
                        continue;
                    };
                    self.stage = if receipts.len() < ORIGINAL_PAGE_SIZE as usize {
                        Stage::Attachments { after: None }
                    } else {
                        Stage::FilingOriginals { after: Some(last) }
                    };
                    return Ok(Some(self.original_page(receipts).await?));
                }
                Stage::Attachments { after } => {
                    let attachments = self
                        .store
                        .attachments_after(self.tenant_id(), after, ATTACHMENT_PAGE_SIZE)
                        .await?;
                    let Some(last) = attachments.last().map(|attachment| attachment.id) else {
                        self.stage = match self.last_attachment {
                            Some(last) => Stage::AttachmentFiles {
                                queue: Default::default(),
                                after: None,
                                last,
                            },
                            None => Stage::Done,
                        };
                        continue;
                    };
                    self.last_attachment = Some(last);
                    self.stage = if attachments.len() < ATTACHMENT_PAGE_SIZE as usize {
                        Stage::AttachmentFiles {
                            queue: Default::default(),
                            after: None,
                            last,
                        }
                    } else {
                        Stage::Attachments { after: Some(last) }
                    };
                    return Ok(Some(self.attachment_page(attachments).await?));
                }
                Stage::AttachmentFiles {
                    mut queue,
                    after,
                    last,
                } => {
                    let Some(id) = queue.pop_front() else {
                        // Past the last one listed, or none left: the stage stays `Done`.
                        if after.is_some_and(|after| after >= last) {
                            continue;
                        }
                        let ids: std::collections::VecDeque<AttachmentId> = self
                            .store
                            .attachments_after(self.tenant_id(), after, ATTACHMENT_PAGE_SIZE)
                            .await?
                            .into_iter()
                            .map(|attachment| attachment.id)
                            .take_while(|id| *id <= last)
                            .collect();
                        let Some(&next_after) = ids.back() else {
                            continue;
                        };
                        self.stage = Stage::AttachmentFiles {
                            queue: ids,
                            after: Some(next_after),
                            last,
                        };
                        continue;
                    };
                    self.stage = Stage::AttachmentFiles { queue, after, last };
                    // One removed since the metadata pass has no file.
                    if let Some((attachment, content)) =
                        self.store.attachment_content(self.tenant_id(), id).await?
                    {
                        return Ok(Some(ExportPage::AttachmentFile {
                            attachment,
                            content,
                        }));
                    }
                }
                Stage::Done => return Ok(None),
            }
        }
    }

    /// The page of `attachments.csv` for a page of documents: each with its declaration's
    /// company, employee number and year (one look-up per declaration of the page) and its
    /// uploader's login ID.
    async fn attachment_page(&self, attachments: Vec<Attachment>) -> Result<ExportPage, AppError> {
        let login_ids: HashMap<UserId, &LoginId> = self
            .users
            .iter()
            .map(|user| (user.id, &user.login_id))
            .collect();
        let mut owners: HashMap<FilingId, Option<AttachmentOwner>> = HashMap::new();
        let mut exported = Vec::with_capacity(attachments.len());
        for attachment in attachments {
            let owner = match owners.get(&attachment.filing_id) {
                Some(owner) => owner.clone(),
                None => {
                    let owner = self.owner_of(attachment.filing_id).await?;
                    owners.insert(attachment.filing_id, owner.clone());
                    owner
                }
            };
            exported.push(ExportedAttachment {
                uploaded_by_login_id: login_ids
                    .get(&attachment.uploaded_by)
                    .map(|id| (*id).clone()),
                owner,
                attachment,
            });
        }
        Ok(ExportPage::Attachments(exported))
    }

    /// The page of `withholding_slips.csv` for a page of issued slips: each with its employee's
    /// number (one look-up per employee of the page) and its issuer's login ID.
    async fn slip_page(&self, slips: Vec<IssuedSlip>) -> Result<ExportPage, AppError> {
        let login_ids: HashMap<UserId, &LoginId> = self
            .users
            .iter()
            .map(|user| (user.id, &user.login_id))
            .collect();
        let mut numbers: HashMap<EmployeeId, Option<EmployeeNumber>> = HashMap::new();
        let mut exported = Vec::with_capacity(slips.len());
        for slip in slips {
            let employee_number = match numbers.get(&slip.employee_id) {
                Some(number) => number.clone(),
                None => {
                    let number = self
                        .store
                        .find_employee(self.tenant_id(), slip.employee_id)
                        .await?
                        .map(|employee| employee.number);
                    numbers.insert(slip.employee_id, number.clone());
                    number
                }
            };
            let replaced = self
                .store
                .replaced_slips(self.tenant_id(), slip.employee_id, slip.tax_year)
                .await?;
            exported.push(ExportedSlip {
                issued_by_login_id: login_ids.get(&slip.issued_by).map(|id| (*id).clone()),
                employee_number: employee_number.clone(),
                slip,
                replaced_at: None,
            });
            // The slips a correction replaced follow the one in force, newest first.
            for (old, replaced_at) in replaced {
                exported.push(ExportedSlip {
                    issued_by_login_id: login_ids.get(&old.issued_by).map(|id| (*id).clone()),
                    employee_number: employee_number.clone(),
                    slip: old,
                    replaced_at: Some(replaced_at),
                });
            }
        }
        Ok(ExportPage::WithholdingSlips(exported))
    }

    /// The page of `filing_originals.csv` for a page of receipts: each with its declaration's
    /// company, employee and year and the employee's current number (one look-up of each per
    /// declaration of the page), and the kind and subject of its key.
    async fn original_page(
        &self,
        receipts: Vec<(FilingId, OriginalReceipt)>,
    ) -> Result<ExportPage, AppError> {
        let mut owners: HashMap<FilingId, Option<OriginalOwner>> = HashMap::new();
        let mut exported = Vec::with_capacity(receipts.len());
        for (filing_id, receipt) in receipts {
            let owner = match owners.get(&filing_id) {
                Some(owner) => owner.clone(),
                None => {
                    let owner = self.original_owner(filing_id).await?;
                    owners.insert(filing_id, owner.clone());
                    owner
                }
            };
            let (kind, subject) = ExportedOriginal::split_key(&receipt.key);
            exported.push(ExportedOriginal {
                filing_id,
                owner,
                kind,
                subject,
                receipt,
            });
        }
        Ok(ExportPage::FilingOriginals(exported))
    }

    async fn original_owner(&self, filing_id: FilingId) -> Result<Option<OriginalOwner>, AppError> {
        let Some(filing) = self.store.find_filing(self.tenant_id(), filing_id).await? else {
            return Ok(None);
        };
        let employee_number = self
            .store
            .find_employee(self.tenant_id(), filing.employee_id)
            .await?
            .map(|employee| employee.number);
        Ok(Some(OriginalOwner {
            company_id: filing.company_id,
            employee_id: filing.employee_id,
            employee_number,
            tax_year: filing.tax_year,
        }))
    }

    async fn owner_of(&self, filing_id: FilingId) -> Result<Option<AttachmentOwner>, AppError> {
        let Some(filing) = self.store.find_filing(self.tenant_id(), filing_id).await? else {
            return Ok(None);
        };
        let employee = self
            .store
            .find_employee(self.tenant_id(), filing.employee_id)
            .await?;
        Ok(employee.map(|employee| AttachmentOwner {
            company_id: filing.company_id,
            employee_number: employee.number,
            tax_year: filing.tax_year,
        }))
    }

    /// The page of `table` for a batch of declarations of `company`.
    async fn declaration_page(
        &self,
        table: ExportTable,
        company: Arc<Company>,
        filings: Vec<(Employee, Filing)>,
    ) -> Result<ExportPage, AppError> {
        match table {
            ExportTable::Filings | ExportTable::FilingValues => {
                let filings = filings
                    .into_iter()
                    .map(|(employee, filing)| ExportedFiling {
                        computed: compute(&filing.document, filing.tax_year)
                            .map_err(|error| error.to_string()),
                        employee,
                        filing,
                    })
                    .collect();
                Ok(if table == ExportTable::Filings {
                    ExportPage::Filings { company, filings }
                } else {
                    ExportPage::FilingValues { company, filings }
                })
            }
            ExportTable::FilingMemos => {
                let mut memos = Vec::new();
                for (employee, filing) in filings {
                    let entries = self.store.memos(self.tenant_id(), filing.id).await?;
                    if !entries.is_empty() {
                        memos.push(ExportedHistory {
                            employee,
                            filing_id: filing.id,
                            tax_year: filing.tax_year,
                            entries,
                        });
                    }
                }
                Ok(ExportPage::FilingMemos {
                    company,
                    filings: memos,
                })
            }
            _ => {
                let mut events = Vec::new();
                let mut changes = Vec::new();
                for (employee, filing) in filings {
                    let history = self
                        .store
                        .filing_history(self.tenant_id(), filing.id)
                        .await?;
                    if table == ExportTable::FilingHistory {
                        events.push(ExportedHistory {
                            employee,
                            filing_id: filing.id,
                            tax_year: filing.tax_year,
                            entries: history.events,
                        });
                    } else {
                        changes.push(ExportedHistory {
                            employee,
                            filing_id: filing.id,
                            tax_year: filing.tax_year,
                            entries: history.changes,
                        });
                    }
                }
                Ok(if table == ExportTable::FilingHistory {
                    ExportPage::FilingHistory {
                        company,
                        filings: events,
                    }
                } else {
                    ExportPage::FilingChanges {
                        company,
                        filings: changes,
                    }
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use nencho_filings::{AttachmentFormat, AttachmentKind, FilingStatus};
    use nencho_identity::{PasswordState, User};
    use nencho_kernel::{Clock, EmployeeId, FixedClock};
    use nencho_ports::FilingWrite;
    use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
    use nencho_tenancy::{CompanyName, EmploymentType, Slug, TenantName};
    use time::macros::{date, datetime};

    use super::*;

    /// An export of `tenant` starting at `stage` (the tests look at one part of the pass).
    fn export_from(
        store: &Arc<dyn Store>,
        tenant: Tenant,
        exported_at: OffsetDateTime,
        stage: Stage,
    ) -> FullExport {
        FullExport {
            store: Arc::clone(store),
            tenant,
            exported_at,
            stage,
            companies: Vec::new(),
            users: Vec::new(),
            last_attachment: None,
        }
    }

    fn employee(company: &Company, n: u32, clock: &FixedClock) -> Employee {
        Employee {
            id: EmployeeId::generate(clock),
            tenant_id: company.tenant_id,
            company_id: company.id,
            number: EmployeeNumber::parse(&format!("E{n:05}")).unwrap(),
            name: nencho_tenancy::PersonName {
                family: "山田".into(),
                given: "太郎".into(),
                family_kana: "ヤマダ".into(),
                given_kana: "タロウ".into(),
            },
            birth_date: date!(1990 - 04 - 01),
            postal_code: None,
            address: "東京都千代田区丸の内1-1-1".into(),
            email: None,
            department: None,
            employment_type: EmploymentType::Regular,
            hire_date: None,
            // Every hundredth has left: `list_filings` leaves them out.
            leave_date: n.is_multiple_of(100).then_some(date!(2026 - 12 - 20)),
            user_id: None,
            updated_at: clock.now(),
        }
    }

    fn periods(company: &Company, year: i32) -> (FilingPeriods, nencho_ports::PeriodChange) {
        let range = |start, end| nencho_filings::DateRange::new(start, end).unwrap();
        let start = time::Date::from_calendar_date(year, time::Month::November, 1).unwrap();
        let end = time::Date::from_calendar_date(year, time::Month::December, 31).unwrap();
        let periods = FilingPeriods::new(
            company.id,
            TaxYear::new(year).unwrap(),
            range(start, end),
            range(start, end),
            None,
            false,
        )
        .unwrap();
        let change = nencho_ports::PeriodChange {
            company_id: company.id,
            tax_year: periods.tax_year,
            at: datetime!(2026-11-01 00:00 UTC),
            actor: UserId::from_uuid(Default::default()),
            actor_name: "admin".into(),
            summary: format!("{year}年分"),
        };
        (periods, change)
    }

    /// 1,203 employees, twelve of them departed; 2026 declarations for all, 2025 ones for the
    /// first ten; a second company with an opened year and no declaration, a third without.
    #[tokio::test]
    async fn a_pass_hands_out_every_declaration_once_in_pages_departed_ones_included() {
        let directory = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
                directory.path(),
            )))
            .await
            .unwrap(),
        );
        let clock = FixedClock::at(datetime!(2026-11-25 00:00 UTC));
        let tenant = Tenant::open(
            Slug::parse("acme").unwrap(),
            TenantName::parse("株式会社アクメ").unwrap(),
            EmailAddress::parse("hr@acme.example").unwrap(),
            &clock,
        );
        let admin = User {
            id: UserId::generate(&clock),
            tenant_id: tenant.id,
            login_id: LoginId::parse("admin").unwrap(),
            display_name: DisplayName::parse("管理 太郎").unwrap(),
            email: None,
            role: Role::Admin,
            status: UserStatus::Active,
            password: PasswordState::NotSet,
            created_at: clock.now(),
        };
        store.open_tenant(&tenant, &admin).await.unwrap();
        let mut companies = Vec::new();
        for name in ["株式会社エー", "株式会社ビー", "株式会社シー"] {
            let company = Company::register(tenant.id, CompanyName::parse(name).unwrap(), &clock);
            store.insert_company(tenant.id, &company).await.unwrap();
            companies.push(Arc::new(company));
        }
        let first = &companies[0];
        let employees: Vec<Employee> = (1..=1_203).map(|n| employee(first, n, &clock)).collect();
        store
            .apply_employees(tenant.id, first.id, &employees, &[])
            .await
            .unwrap();
        for (company, year) in [(first, 2026), (first, 2025), (&companies[1], 2026)] {
            let (periods, change) = periods(company, year);
            store
                .put_periods(tenant.id, &periods, &change)
                .await
                .unwrap();
        }
        let mut writes = Vec::new();
        for (index, employee) in employees.iter().enumerate() {
            let years: &[i32] = if index < 10 { &[2026, 2025] } else { &[2026] };
            for &year in years {
                let mut filing = Filing::new(
                    FilingId::generate(&clock),
                    tenant.id,
                    first.id,
                    employee.id,
                    TaxYear::new(year).unwrap(),
                    clock.now(),
                );
                filing.status = FilingStatus::Requested;
                filing.version = 1;
                writes.push(FilingWrite {
                    filing,
                    expected_version: 0,
                    event: None,
                    changes: Vec::new(),
                    mail: None,
                });
            }
        }
        store.write_filings(tenant.id, &writes).await.unwrap();

        let mut cursor = FilingCursor::start();
        let mut seen = BTreeSet::new();
        let mut batches = Vec::new();
        let mut departed = 0;
        while let Some((company, batch)) = cursor
            .next(store.as_ref(), tenant.id, &companies)
            .await
            .unwrap()
        {
            assert_eq!(company.id, first.id, "only the first has declarations");
            assert!(!batch.is_empty() && batch.len() <= FILING_PAGE_SIZE as usize * 2);
            for (employee, filing) in &batch {
                assert_eq!(employee.id, filing.employee_id);
                assert!(seen.insert(filing.id), "no declaration twice");
                departed += usize::from(employee.leave_date.is_some());
            }
            batches.push(batch.len());
        }
        assert_eq!(seen.len(), writes.len(), "every declaration");
        assert_eq!(departed, 12, "the departed employees' declarations too");
        assert_eq!(
            batches,
            [500, 500, 203, 10],
            "2026 in keyset pages (the departed among them), then 2025"
        );
        assert!(
            cursor
                .next(store.as_ref(), tenant.id, &companies)
                .await
                .unwrap()
                .is_none(),
            "it stays done"
        );
    }

    /// A tenant with an admin, a company, an opened year and one employee's declaration.
    async fn tenant_with_a_filing(
        store: &Arc<dyn Store>,
        slug: &str,
        clock: &FixedClock,
    ) -> (Tenant, User, Arc<Company>, Employee, Filing) {
        let tenant = Tenant::open(
            Slug::parse(slug).unwrap(),
            TenantName::parse("株式会社アクメ").unwrap(),
            EmailAddress::parse("hr@acme.example").unwrap(),
            clock,
        );
        let admin = User {
            id: UserId::generate(clock),
            tenant_id: tenant.id,
            login_id: LoginId::parse("admin").unwrap(),
            display_name: DisplayName::parse("管理 太郎").unwrap(),
            email: None,
            role: Role::Admin,
            status: UserStatus::Active,
            password: PasswordState::NotSet,
            created_at: clock.now(),
        };
        store.open_tenant(&tenant, &admin).await.unwrap();
        let company = Company::register(
            tenant.id,
            CompanyName::parse("株式会社エー").unwrap(),
            clock,
        );
        store.insert_company(tenant.id, &company).await.unwrap();
        let employee = employee(&company, 7, clock);
        store
            .apply_employees(tenant.id, company.id, std::slice::from_ref(&employee), &[])
            .await
            .unwrap();
        let (periods, change) = periods(&company, 2026);
        store
            .put_periods(tenant.id, &periods, &change)
            .await
            .unwrap();
        let mut filing = Filing::new(
            FilingId::generate(clock),
            tenant.id,
            company.id,
            employee.id,
            TaxYear::new(2026).unwrap(),
            clock.now(),
        );
        filing.status = FilingStatus::Draft;
        filing.version = 1;
        store
            .write_filings(
                tenant.id,
                &[FilingWrite {
                    filing: filing.clone(),
                    expected_version: 0,
                    event: None,
                    changes: Vec::new(),
                    mail: None,
                }],
            )
            .await
            .unwrap();
        (tenant, admin, Arc::new(company), employee, filing)
    }

    async fn attach(
        store: &Arc<dyn Store>,
        filing: &Filing,
        by: UserId,
        kind: AttachmentKind,
        content: &[u8],
        clock: &FixedClock,
    ) -> Attachment {
        let format = AttachmentFormat::sniff(content).unwrap();
        let attachment = Attachment {
            id: AttachmentId::generate(clock),
            tenant_id: filing.tenant_id,
            filing_id: filing.id,
            kind,
            file_name: format!("../証明書.{}", format.extension()),
            format,
            size: content.len() as u64,
            uploaded_by: by,
            uploaded_at: clock.now(),
        };
        store
            .insert_attachment(
                filing.tenant_id,
                &attachment,
                content,
                &line(&attachment, true),
            )
            .await
            .unwrap();
        attachment
    }

    /// The history line of `attachment` attached or removed, by its uploader.
    fn line(attachment: &Attachment, attached: bool) -> FieldChange {
        FieldChange {
            at: attachment.uploaded_at,
            actor: attachment.uploaded_by,
            actor_name: "admin".into(),
            change: attachment.history_change(attached),
        }
    }

    /// The documents come last: their metadata (with the declaration's company, employee number
    /// and year, and the uploader's login ID), then each content once, in the same order; not
    /// another tenant's; not one attached after the metadata pass, and no file for one removed
    /// since.
    #[tokio::test]
    async fn attachments_come_last_metadata_first_then_each_content() {
        let directory = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
                directory.path(),
            )))
            .await
            .unwrap(),
        );
        let clock = FixedClock::at(datetime!(2026-11-25 00:00 UTC));
        let (tenant, admin, company, employee, filing) =
            tenant_with_a_filing(&store, "acme", &clock).await;
        let (_, beta_admin, _, _, beta_filing) = tenant_with_a_filing(&store, "beta", &clock).await;
        let pdf = b"%PDF-1.7 certificate".to_vec();
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3].to_vec();
        let png = b"\x89PNG\r\n\x1a\nremoved".to_vec();
        let life = attach(
            &store,
            &filing,
            admin.id,
            AttachmentKind::LifeInsurance,
            &pdf,
            &clock,
        )
        .await;
        clock.advance(time::Duration::seconds(1));
        let quake = attach(
            &store,
            &filing,
            UserId::generate(&clock),
            AttachmentKind::EarthquakeInsurance,
            &jpeg,
            &clock,
        )
        .await;
        clock.advance(time::Duration::seconds(1));
        let removed = attach(
            &store,
            &filing,
            admin.id,
            AttachmentKind::Other,
            &png,
            &clock,
        )
        .await;
        attach(
            &store,
            &beta_filing,
            beta_admin.id,
            AttachmentKind::Other,
            b"%PDF-1.4 beta's",
            &clock,
        )
        .await;

        let mut export = export_from(&store, tenant.clone(), clock.now(), Stage::Companies);
        let mut tables = Vec::new();
        let mut listed = Vec::new();
        let mut files = Vec::new();
        while let Some(page) = export.next_page().await.unwrap() {
            if tables.last() != Some(&page.table()) {
                tables.push(page.table());
            }
            match page {
                ExportPage::Attachments(attachments) => {
                    assert!(files.is_empty(), "the metadata before any content");
                    listed.extend(attachments);
                    // Meanwhile one is removed and another attached.
                    assert!(
                        store
                            .delete_attachment(tenant.id, removed.id, &line(&removed, false))
                            .await
                            .unwrap()
                    );
                    clock.advance(time::Duration::seconds(1));
                    attach(
                        &store,
                        &filing,
                        admin.id,
                        AttachmentKind::Other,
                        &pdf,
                        &clock,
                    )
                    .await;
                }
                ExportPage::AttachmentFile {
                    attachment,
                    content,
                } => files.push((attachment, content)),
                _ => {}
            }
        }
        assert_eq!(tables.last(), Some(&ExportTable::Attachments));
        assert_eq!(
            tables
                .iter()
                .filter(|t| **t == ExportTable::Attachments)
                .count(),
            1,
            "its pages come together, last"
        );
        let owner = AttachmentOwner {
            company_id: company.id,
            employee_number: employee.number.clone(),
            tax_year: TaxYear::new(2026).unwrap(),
        };
        assert_eq!(
            listed,
            [
                ExportedAttachment {
                    attachment: life.clone(),
                    owner: Some(owner.clone()),
                    uploaded_by_login_id: Some(admin.login_id.clone()),
                },
                ExportedAttachment {
                    attachment: quake.clone(),
                    owner: Some(owner.clone()),
                    uploaded_by_login_id: None,
                },
                ExportedAttachment {
                    attachment: removed.clone(),
                    owner: Some(owner),
                    uploaded_by_login_id: Some(admin.login_id.clone()),
                },
            ],
            "the tenant's three, in id order, not beta's"
        );
        assert_eq!(
            files,
            [(life, pdf), (quake, jpeg)],
            "each content once; none for the removed one, nor the one attached meanwhile"
        );
        assert!(export.next_page().await.unwrap().is_none(), "it stays done");
    }

    /// More documents than a page: every one listed and every content handed out once.
    #[tokio::test]
    async fn attachments_are_paged() {
        let directory = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
                directory.path(),
            )))
            .await
            .unwrap(),
        );
        let clock = FixedClock::at(datetime!(2026-11-25 00:00 UTC));
        let (tenant, admin, _, _, filing) = tenant_with_a_filing(&store, "acme", &clock).await;
        let count = ATTACHMENT_PAGE_SIZE as usize * 2 + 1;
        let mut ids = Vec::new();
        for n in 0..count {
            // UUIDv7 ids are ordered by the millisecond only.
            clock.advance(time::Duration::milliseconds(2));
            let content = format!("%PDF-1.7 {n}");
            ids.push(
                attach(
                    &store,
                    &filing,
                    admin.id,
                    AttachmentKind::Other,
                    content.as_bytes(),
                    &clock,
                )
                .await
                .id,
            );
        }
        ids.sort();
        let mut export = export_from(
            &store,
            tenant,
            clock.now(),
            Stage::Attachments { after: None },
        );
        let mut pages = Vec::new();
        let mut listed = Vec::new();
        let mut files = Vec::new();
        while let Some(page) = export.next_page().await.unwrap() {
            match page {
                ExportPage::Attachments(attachments) => {
                    pages.push(attachments.len());
                    listed.extend(attachments.into_iter().map(|a| a.attachment.id));
                }
                ExportPage::AttachmentFile {
                    attachment,
                    content,
                } => {
                    assert_eq!(content, format!("%PDF-1.7 {}", files.len()).into_bytes());
                    files.push(attachment.id);
                }
                other => panic!("only documents: {other:?}"),
            }
        }
        assert_eq!(pages, [500, 500, 1]);
        assert_eq!(listed, ids);
        assert_eq!(files, ids);
    }

    fn issued_slip(employee: &Employee, year: i32, by: UserId, clock: &FixedClock) -> IssuedSlip {
        use nencho_filings::{SlipParties, WithholdingSlip};
        use nencho_kernel::Yen;
        let tax_year = TaxYear::new(year).unwrap();
        IssuedSlip {
            employee_id: employee.id,
            company_id: employee.company_id,
            tax_year,
            parties: SlipParties {
                recipient_number: employee.number.as_str().into(),
                recipient_name: "山田 太郎".into(),
                recipient_kana: "ヤマダ タロウ".into(),
                recipient_address: employee.address.clone(),
                payer_name: "株式会社エー".into(),
                payer_address: "東京都千代田区丸の内1-1-1".into(),
                payer_phone: "03-1234-5678".into(),
            },
            slip: WithholdingSlip {
                adjusted: true,
                payment: Yen::new(5_000_000),
                employment_income: Yen::new(3_560_000),
                total_deductions: Yen::new(1_500_000),
                tax: Yen::new(100_000),
                social_insurance: Yen::new(720_000),
                basic_deduction: Yen::new(580_000),
                ..WithholdingSlip::empty(tax_year, employee.birth_date)
            },
            issued_at: clock.now(),
            issued_by: by,
        }
    }

    /// Consents come per company in employee-number order (a withdrawn one left out, a departed
    /// one included), then the issued slips with the employee's number and the issuer's login
    /// ID, before the documents; not another tenant's.
    #[tokio::test]
    async fn consents_then_issued_slips_come_before_the_documents() {
        let directory = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
                directory.path(),
            )))
            .await
            .unwrap(),
        );
        let clock = FixedClock::at(datetime!(2026-11-25 00:00 UTC));
        let (tenant, admin, company, seventh, filing) =
            tenant_with_a_filing(&store, "acme", &clock).await;
        let (beta, beta_admin, _, beta_employee, _) =
            tenant_with_a_filing(&store, "beta", &clock).await;
        let others: Vec<Employee> = [100, 9].map(|n| employee(&company, n, &clock)).to_vec();
        store
            .apply_employees(tenant.id, company.id, &others, &[])
            .await
            .unwrap();
        let (departed, ninth) = (&others[0], &others[1]);
        assert!(departed.leave_date.is_some());
        let mut consented = Vec::new();
        for employee in [departed, &seventh, ninth] {
            clock.advance(time::Duration::seconds(1));
            // The seventh's consent was given on paper and recorded by the administrator.
            let consent = if employee.id == seventh.id {
                SlipConsent {
                    at: datetime!(2026-11-02 00:00 +9),
                    method: nencho_filings::ConsentMethod::Paper,
                    recorded_by: Some(admin.id),
                    recorded_by_name: Some("管理者 (admin)".into()),
                }
            } else {
                SlipConsent::online(clock.now())
            };
            store
                .set_slip_consent(tenant.id, employee.id, Some(&consent))
                .await
                .unwrap();
            consented.push((employee.clone(), consent));
        }
        store
            .set_slip_consent(tenant.id, ninth.id, None)
            .await
            .unwrap();
        store
            .set_slip_consent(
                beta.id,
                beta_employee.id,
                Some(&SlipConsent::online(clock.now())),
            )
            .await
            .unwrap();
        // The departed employee's slip was corrected once: the first one follows as 訂正前.
        let first = issued_slip(departed, 2026, admin.id, &clock);
        store
            .issue_slips(tenant.id, std::slice::from_ref(&first), &[])
            .await
            .unwrap();
        let mut slips = vec![
            issued_slip(&seventh, 2026, admin.id, &clock),
            issued_slip(&seventh, 2025, UserId::generate(&clock), &clock),
            issued_slip(departed, 2026, admin.id, &clock),
        ];
        store.issue_slips(tenant.id, &slips, &[]).await.unwrap();
        let corrected_at = slips[2].issued_at;
        store
            .issue_slips(
                beta.id,
                &[issued_slip(&beta_employee, 2026, beta_admin.id, &clock)],
                &[],
            )
            .await
            .unwrap();
        attach(
            &store,
            &filing,
            admin.id,
            AttachmentKind::Other,
            b"%PDF-1.7",
            &clock,
        )
        .await;

        let mut export = export_from(&store, tenant.clone(), clock.now(), Stage::Companies);
        let mut tables = Vec::new();
        let mut consents = Vec::new();
        let mut exported = Vec::new();
        while let Some(page) = export.next_page().await.unwrap() {
            if tables.last() != Some(&page.table()) {
                tables.push(page.table());
            }
            match page {
                ExportPage::SlipConsents {
                    company: of,
                    consents: page,
                } => {
                    assert_eq!(of.id, company.id);
                    consents.extend(page);
                }
                ExportPage::WithholdingSlips(page) => exported.extend(page),
                _ => {}
            }
        }
        assert!(
            tables.ends_with(&[
                ExportTable::SlipConsents,
                ExportTable::WithholdingSlips,
                ExportTable::Attachments
            ]),
            "{tables:?}"
        );
        assert_eq!(
            consents
                .iter()
                .map(|c| (c.employee.number.as_str(), c.consent.clone()))
                .collect::<Vec<_>>(),
            [
                (seventh.number.as_str(), consented[1].1.clone()),
                (departed.number.as_str(), consented[0].1.clone()),
            ],
            "in number order, the departed one too, not the withdrawn one nor beta's"
        );
        slips.sort_by_key(|slip| (slip.employee_id, slip.tax_year));
        let login = |by: UserId| (by == admin.id).then(|| admin.login_id.clone());
        let mut expected = Vec::new();
        for slip in slips {
            let corrected = slip.employee_id == departed.id;
            let employee_number = Some(if slip.employee_id == seventh.id {
                seventh.number.clone()
            } else {
                departed.number.clone()
            });
            expected.push(ExportedSlip {
                employee_number: employee_number.clone(),
                issued_by_login_id: login(slip.issued_by),
                slip,
                replaced_at: None,
            });
            if corrected {
                expected.push(ExportedSlip {
                    employee_number,
                    issued_by_login_id: login(first.issued_by),
                    slip: first.clone(),
                    replaced_at: Some(corrected_at),
                });
            }
        }
        assert_eq!(
            exported, expected,
            "the tenant's three in (employee, year) order, each followed by what it replaced, not beta's"
        );
    }

    /// Consents are found past the first page of employees; issued slips come in pages.
    #[tokio::test]
    async fn consents_and_slips_are_paged() {
        let directory = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
                directory.path(),
            )))
            .await
            .unwrap(),
        );
        let clock = FixedClock::at(datetime!(2026-11-25 00:00 UTC));
        let (tenant, admin, company, _, _) = tenant_with_a_filing(&store, "acme", &clock).await;
        let employees: Vec<Employee> = (10..=EMPLOYEE_PAGE_SIZE + 10)
            .map(|n| employee(&company, n, &clock))
            .collect();
        store
            .apply_employees(tenant.id, company.id, &employees, &[])
            .await
            .unwrap();
        let (first, last) = (&employees[0], employees.last().unwrap());
        for employee in [last, first] {
            store
                .set_slip_consent(
                    tenant.id,
                    employee.id,
                    Some(&SlipConsent::online(clock.now())),
                )
                .await
                .unwrap();
        }
        let slips: Vec<IssuedSlip> = employees[..SLIP_PAGE_SIZE as usize + 1]
            .iter()
            .flat_map(|employee| {
                [2025, 2026].map(|year| issued_slip(employee, year, admin.id, &clock))
            })
            .collect();
        store.issue_slips(tenant.id, &slips, &[]).await.unwrap();
        let mut export = export_from(&store, tenant, clock.now(), Stage::Companies);
        let mut consent_pages = Vec::new();
        let mut slip_pages = Vec::new();
        let mut seen = BTreeSet::new();
        while let Some(page) = export.next_page().await.unwrap() {
            match page {
                ExportPage::SlipConsents { consents, .. } => consent_pages.push(
                    consents
                        .into_iter()
                        .map(|c| c.employee.number)
                        .collect::<Vec<_>>(),
                ),
                ExportPage::WithholdingSlips(page) => {
                    slip_pages.push(page.len());
                    for exported in page {
                        assert!(seen.insert((exported.slip.employee_id, exported.slip.tax_year)));
                    }
                }
                _ => {}
            }
        }
        assert_eq!(
            consent_pages,
            [vec![first.number.clone()], vec![last.number.clone()]],
            "one per page of employees"
        );
        assert_eq!(slip_pages, [500, 500, 2]);
        assert_eq!(seen.len(), slips.len());
    }

    /// More receipts than a page, on two declarations: every one handed out once, in
    /// (declaration, key) order, each with its declaration's owner and its key's kind.
    #[tokio::test]
    async fn originals_are_paged() {
        use nencho_filings::{OriginalMethod, ValueChange};
        use nencho_ports::OriginalReceiptWrite;

        let directory = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
                directory.path(),
            )))
            .await
            .unwrap(),
        );
        let clock = FixedClock::at(datetime!(2026-11-25 00:00 UTC));
        let (tenant, admin, company, seventh, filing) =
            tenant_with_a_filing(&store, "acme", &clock).await;
        let ninth = employee(&company, 9, &clock);
        store
            .apply_employees(tenant.id, company.id, std::slice::from_ref(&ninth), &[])
            .await
            .unwrap();
        let mut other = Filing::new(
            FilingId::generate(&clock),
            tenant.id,
            company.id,
            ninth.id,
            TaxYear::new(2026).unwrap(),
            clock.now(),
        );
        other.version = 1;
        store
            .write_filings(
                tenant.id,
                &[FilingWrite {
                    filing: other.clone(),
                    expected_version: 0,
                    event: None,
                    changes: Vec::new(),
                    mail: None,
                }],
            )
            .await
            .unwrap();
        let count = ORIGINAL_PAGE_SIZE as usize * 2 + 1;
        let mut written = Vec::new();
        for n in 0..count {
            let on = if n % 2 == 0 { &filing } else { &other };
            let key = format!("other:書類{n:04}");
            let receipt = OriginalReceipt {
                key: key.clone(),
                method: OriginalMethod::Paper,
                at: clock.now(),
                actor: admin.id,
                actor_name: "管理 太郎 (admin)".into(),
            };
            store
                .write_original_receipt(
                    tenant.id,
                    &OriginalReceiptWrite {
                        filing_id: on.id,
                        key: key.clone(),
                        receipt: Some(receipt),
                        change: FieldChange {
                            at: clock.now(),
                            actor: admin.id,
                            actor_name: "管理 太郎 (admin)".into(),
                            change: ValueChange {
                                path: format!("originals.{key}"),
                                label: key.clone(),
                                before: None,
                                after: Some("原本受領".into()),
                            },
                        },
                    },
                )
                .await
                .unwrap();
            written.push((on.id, key));
        }
        written.sort();
        let mut export = export_from(
            &store,
            tenant,
            clock.now(),
            Stage::FilingOriginals { after: None },
        );
        let mut pages = Vec::new();
        let mut listed = Vec::new();
        while let Some(page) = export.next_page().await.unwrap() {
            let ExportPage::FilingOriginals(page) = page else {
                panic!("only originals: {page:?}");
            };
            pages.push(page.len());
            for original in page {
                let employee = if original.filing_id == filing.id {
                    &seventh
                } else {
                    &ninth
                };
                assert_eq!(
                    original.owner,
                    Some(OriginalOwner {
                        company_id: company.id,
                        employee_id: employee.id,
                        employee_number: Some(employee.number.clone()),
                        tax_year: TaxYear::new(2026).unwrap(),
                    })
                );
                assert_eq!(original.kind, Some(AttachmentKind::Other));
                assert_eq!(format!("other:{}", original.subject), original.receipt.key);
                listed.push((original.filing_id, original.receipt.key));
            }
        }
        assert_eq!(pages, [500, 500, 1]);
        assert_eq!(listed, written, "each once, in (declaration, key) order");
    }
}
