//! Employees of a company and the per-company roles of users (ID-1…4).

use async_trait::async_trait;
use nencho_identity::{OneTimeToken, RoleAssignment, User};
use nencho_kernel::{CompanyId, EmployeeId, TenantId, UserId};
use nencho_tenancy::{Employee, EmployeeNumber};

use crate::{OutboxMessage, StoreError};

/// Everything one CSV import writes (or one chunk of it, written through an
/// [`ImportTransaction`]), applied in one transaction: the employees, the user IDs of the new ones (linked through
/// [`Employee::user_id`]), their invitations (the token, stored only hashed, and the mail that
/// carries it) and the IDs of employees who have left, to disable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportWrite {
    pub inserts: Vec<Employee>,
    pub updates: Vec<Employee>,
    /// Inserted before the employees that link to them.
    pub new_users: Vec<User>,
    pub invitations: Vec<(OneTimeToken, OutboxMessage)>,
    /// Disabled (their sessions end), never deleted (ID-3).
    pub disable_users: Vec<UserId>,
}

impl ImportWrite {
    pub fn is_empty(&self) -> bool {
        self.inserts.is_empty()
            && self.updates.is_empty()
            && self.new_users.is_empty()
            && self.invitations.is_empty()
            && self.disable_users.is_empty()
    }
}

/// A CSV import's store transaction, opened by [`EmployeeStore::begin_import`]: the import is
/// written in chunks ([`ImportTransaction::write`], each an [`ImportWrite`] of a few thousand
/// rows, so that no caller holds the whole file's write in memory) and becomes visible only at
/// [`ImportTransaction::commit`], all of it or nothing. Dropping it without a commit rolls every
/// chunk back. After a failed write the transaction can only be rolled back: further writes and
/// the commit fail too.
#[async_trait]
pub trait ImportTransaction: Send {
    /// Writes one chunk inside the transaction: its users first (the employees link to them),
    /// then the employees, the invitation tokens and their mails, and the disabled IDs. The same
    /// checks as [`EmployeeStore::apply_import`]: a login ID taken in the tenant fails with
    /// [`StoreError::Conflict`]; anything of another tenant (or an employee of another company) is
    /// refused.
    async fn write(&mut self, chunk: &ImportWrite) -> Result<(), StoreError>;
    /// Writes the import's line of the 操作ログ inside the transaction, so the log has it exactly
    /// when the import happened. An entry of another tenant is refused.
    async fn record_audit(&mut self, entry: &nencho_identity::AuditEntry)
    -> Result<(), StoreError>;
    /// Makes every written chunk visible at once.
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// One page of the employee list of a company, in employee-number order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeQuery {
    pub company_id: CompanyId,
    /// Matches a prefix of the employee number, or a part of the name (family and given name
    /// written together, `山田太郎`) or of its kana (hiragana in the search matches katakana).
    /// Case-insensitive for Latin letters; `%`, `_` and `\` are taken literally.
    pub search: Option<String>,
    /// Only employees of exactly this department.
    pub department: Option<String>,
    /// Employees with a leave date are left out unless this is set.
    pub include_departed: bool,
    /// Keyset paging: the page starts after this employee number (the previous page's `next`).
    pub after: Option<EmployeeNumber>,
    /// At most this many employees per page.
    pub limit: u32,
}

impl EmployeeQuery {
    /// The first page of every current employee of `company_id`.
    pub fn first_page(company_id: CompanyId, limit: u32) -> Self {
        Self {
            company_id,
            search: None,
            department: None,
            include_departed: false,
            after: None,
            limit,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeePage {
    pub employees: Vec<Employee>,
    /// Where the next page starts (pass it as [`EmployeeQuery::after`]); `None` on the last page.
    pub next: Option<EmployeeNumber>,
}

/// The employee master data of a tenant's companies. Employees are never deleted (ID-3).
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait EmployeeStore: Send + Sync {
    /// Fails with [`StoreError::Conflict`] when the employee number is taken in the company (or
    /// the linked user already has an employee record). The employee's own `tenant_id` must equal
    /// `tenant_id`; an adapter refuses a mismatch.
    async fn insert_employee(
        &self,
        tenant_id: TenantId,
        employee: &Employee,
    ) -> Result<(), StoreError>;
    async fn find_employee(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
    ) -> Result<Option<Employee>, StoreError>;
    async fn find_employee_by_number(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        number: &EmployeeNumber,
    ) -> Result<Option<Employee>, StoreError>;
    /// The employee record linked to a login ID, if any.
    async fn find_employee_by_user(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<Option<Employee>, StoreError>;
    /// Replaces every field except the ids and the company (an employee never moves between
    /// companies). Fails when no such employee exists in that company.
    async fn update_employee(
        &self,
        tenant_id: TenantId,
        employee: &Employee,
    ) -> Result<(), StoreError>;
    /// Fast at 100,000 employees: keyset paging on the employee number.
    async fn list_employees(
        &self,
        tenant_id: TenantId,
        query: &EmployeeQuery,
    ) -> Result<EmployeePage, StoreError>;
    /// Every employee of the company, departed ones included.
    async fn count_employees(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<u64, StoreError>;
    /// The CSV import's apply: inserts and updates (as [`EmployeeStore::update_employee`]) of one
    /// company, all in one transaction, or nothing at all. Every employee must belong to
    /// `company_id`.
    async fn apply_employees(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        inserts: &[Employee],
        updates: &[Employee],
    ) -> Result<(), StoreError>;
    /// Opens the transaction of a CSV import into `company_id`, to be written in chunks and
    /// committed once ([`ImportTransaction`]). On SQLite it holds the database's write lock until
    /// it is committed or dropped.
    async fn begin_import(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Box<dyn ImportTransaction>, StoreError>;
    /// The CSV import's apply with the user IDs it creates: users, employees, invitation tokens
    /// and their mails, and disabled IDs, all in one transaction or nothing at all. A login ID
    /// taken in the tenant fails with [`StoreError::Conflict`] and writes nothing. Everything
    /// must belong to `tenant_id` (and the employees to `company_id`); an adapter refuses a
    /// mismatch. A convenience over [`EmployeeStore::begin_import`] with one chunk.
    async fn apply_import(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        write: &ImportWrite,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_import(tenant_id, company_id).await?;
        transaction.write(write).await?;
        transaction.commit().await
    }
}

/// The limited roles (承認者, 担当者, 参照者) users hold per company.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait RoleAssignmentStore: Send + Sync {
    /// Gives the user this role in the assignment's company, replacing any role they had there.
    async fn assign_role(
        &self,
        tenant_id: TenantId,
        assignment: &RoleAssignment,
    ) -> Result<(), StoreError>;
    /// Removes the user's role in the company; removing a role nobody holds is not an error.
    async fn revoke_role(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        company_id: CompanyId,
    ) -> Result<(), StoreError>;
    /// Ordered by company id.
    async fn roles_of(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<Vec<RoleAssignment>, StoreError>;
    /// Ordered by user id.
    async fn role_holders(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Vec<RoleAssignment>, StoreError>;
}
