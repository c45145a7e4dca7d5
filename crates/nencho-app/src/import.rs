//! The employee import (`ImportEmployees`, ID-1, ID-2): an administrator's file, already read and
//! validated by the CSV adapter, compared with the stored employees of one company (the preview)
//! and then applied in one transaction.
//!
//! Employees are matched by (company, employee number). A new number becomes a new employee; a
//! known one keeps its id and linked user ID and is updated only when a field differs, so that
//! applying the same file twice changes nothing the second time. This module knows nothing of
//! CSV: it receives [`ImportedEmployee`]s.
//!
//! Every new employee also gets a user ID (role general, no password yet) whose login ID follows
//! the company's [`LoginIdScheme`]; one with an e-mail address is mailed an invitation link (a
//! 128-bit token, stored only as its SHA-256: no password hashing happens during an import).
//! Employees whose leave date has come have their ID disabled (ID-3). Employees, IDs, tokens,
//! mails and disabled IDs are written by one `apply_import` call, in one transaction.
//!
//! Instead of invitations the administrator may choose [`FirstPassword::Generated`]: every new,
//! active ID gets a generated initial password (changed at first login, ID-6), returned once in
//! the outcome and stored only hashed; no mail is sent. That option hashes one password per new
//! ID (PBKDF2, about 88 ms each at the current policy, on the hasher's bounded threads), so a
//! large import should use invitations.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use nencho_identity::{
    DisplayName, InitialPassword, LoginId, OneTimeToken, PasswordHash, PasswordState, Permission,
    Role, TokenPurpose, User, UserStatus,
};
use nencho_kernel::{CompanyId, Date, EmailAddress, EmployeeId, JAPAN_STANDARD_TIME, UserId};
use nencho_ports::{EmployeeQuery, ImportWrite};
use nencho_tenancy::{
    Company, Employee, EmployeeNumber, EmploymentType, LoginIdScheme, PersonName, PostalCode,
};

use crate::authorization::require;
use crate::sign_in::CurrentUser;
use crate::tenancy::generate_initial_password;
use crate::{AppContext, AppError, mail};

/// The stored employees are read in pages of this many (keyset paging on the number), not one
/// query per imported row.
const STORE_PAGE: u32 = 5_000;

/// One employee as an import file states it: every field the import sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedEmployee {
    /// The row of the file it came from (1 = the header), to name it in an error.
    pub row: u64,
    pub number: EmployeeNumber,
    pub name: PersonName,
    pub birth_date: Date,
    pub postal_code: PostalCode,
    pub address: String,
    pub email: Option<EmailAddress>,
    pub department: Option<String>,
    pub employment_type: EmploymentType,
    pub hire_date: Option<Date>,
    pub leave_date: Option<Date>,
}

impl ImportedEmployee {
    /// Sets the fields the import owns; ids, the company and the linked user stay.
    fn apply_to(&self, employee: &mut Employee) {
        employee.number = self.number.clone();
        employee.name = self.name.clone();
        employee.birth_date = self.birth_date;
        employee.postal_code = Some(self.postal_code);
        employee.address = self.address.clone();
        employee.email = self.email.clone();
        employee.department = self.department.clone();
        employee.employment_type = self.employment_type;
        employee.hire_date = self.hire_date;
        employee.leave_date = self.leave_date;
    }
}

/// What applying a file would do: "N new, M updated, K unchanged".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPreview {
    /// Each linked (through `user_id`) to its entry of `new_users`.
    pub new: Vec<Employee>,
    pub updated: Vec<Employee>,
    pub unchanged: usize,
    /// The user IDs of the new employees, in the order of `new`.
    pub new_users: Vec<User>,
    /// Linked IDs of updated employees whose leave date has come, to disable.
    pub disable_users: Vec<UserId>,
}

impl ImportPreview {
    /// How many new IDs will be mailed an invitation: the active ones with an e-mail address.
    pub fn invitations(&self) -> usize {
        self.new_users.iter().filter(|user| invitable(user)).count()
    }
}

/// How the new IDs of an import get their first password.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FirstPassword {
    /// New IDs with an e-mail address are mailed an invitation link and choose their password
    /// there; nothing is hashed during the import.
    #[default]
    Invitation,
    /// Every new, active ID gets a generated initial password, returned once in
    /// [`ImportOutcome::initial_passwords`] for the administrator to hand out; no mail is sent.
    /// Costs one password hash per new ID.
    Generated,
}

/// A generated initial password of a new ID, to show once; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedPassword {
    pub login_id: LoginId,
    pub display_name: DisplayName,
    pub password: InitialPassword,
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// User IDs created for the new employees.
    pub users_created: usize,
    /// Invitation mails queued (new, active IDs with an e-mail address).
    pub invitations_queued: usize,
    /// IDs disabled because the employee has left (new ones are created disabled).
    pub users_disabled: usize,
    /// Login IDs of new, active employees without an e-mail address: no invitation was sent, an
    /// administrator hands out an initial password instead. Empty with
    /// [`FirstPassword::Generated`].
    pub without_email: Vec<LoginId>,
    /// With [`FirstPassword::Generated`]: the initial password of every new, active ID, in the
    /// order of the file. Shown once; never stored in clear.
    pub initial_passwords: Vec<IssuedPassword>,
}

/// Why a row cannot get its user ID; the import is refused with every such row
/// ([`AppError::ImportRows`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginIdProblem {
    /// The company's login IDs are e-mail addresses and the row has none.
    NoEmail,
    /// The e-mail address (or number) cannot be a login ID (length or characters).
    Unusable(String),
    /// Another ID of the tenant (perhaps an employee of another company) has this login ID, or
    /// another row of the file would get it too.
    Taken(LoginId),
}

/// One refused row of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRowError {
    pub row: u64,
    pub number: EmployeeNumber,
    pub scheme: LoginIdScheme,
    pub problem: LoginIdProblem,
}

fn invitable(user: &User) -> bool {
    user.status == UserStatus::Active && user.email.is_some()
}

/// Compares `rows` with the company's stored employees; writes nothing.
pub async fn preview_import(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    rows: Vec<ImportedEmployee>,
) -> Result<ImportPreview, AppError> {
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(company_id),
    )
    .await?;
    compare(context, actor, company_id, rows).await
}

/// Recomputes the preview and applies it atomically (one `apply_import` call): the employees,
/// the IDs of the new ones, their invitations and the disabled IDs of leavers. The same rows
/// applied twice change nothing the second time.
pub async fn apply_import(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    rows: Vec<ImportedEmployee>,
) -> Result<ImportOutcome, AppError> {
    apply_import_with(context, actor, company_id, rows, FirstPassword::Invitation).await
}

/// [`apply_import`] with the choice of how new IDs get their first password.
pub async fn apply_import_with(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    rows: Vec<ImportedEmployee>,
    first_password: FirstPassword,
) -> Result<ImportOutcome, AppError> {
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(company_id),
    )
    .await?;
    let mut preview = compare(context, actor, company_id, rows).await?;
    let tenant = &actor.tenant;
    let now = context.clock.now();
    let site = context.site.site_url(&tenant.slug);
    let mut invitations = Vec::new();
    let mut without_email = Vec::new();
    let mut initial_passwords = Vec::new();
    match first_password {
        FirstPassword::Generated => {
            initial_passwords = issue_initial_passwords(context, &mut preview.new_users).await?;
        }
        FirstPassword::Invitation => {
            for user in &preview.new_users {
                if user.status != UserStatus::Active {
                    continue;
                }
                let Some(to) = &user.email else {
                    without_email.push(user.login_id.clone());
                    continue;
                };
                let secret = context.new_token();
                let token = OneTimeToken::issue(
                    &secret,
                    tenant.id,
                    user.id,
                    TokenPurpose::Invitation,
                    None,
                    now,
                );
                let link = format!("{site}/invitation/{}", secret.expose());
                let mail =
                    mail::invitation_link(context, tenant, user, to, &link, token.expires_at);
                invitations.push((token, mail));
            }
        }
    }
    let outcome = ImportOutcome {
        inserted: preview.new.len(),
        updated: preview.updated.len(),
        unchanged: preview.unchanged,
        users_created: preview.new_users.len(),
        invitations_queued: invitations.len(),
        users_disabled: preview.disable_users.len(),
        without_email,
        initial_passwords,
    };
    let write = ImportWrite {
        inserts: preview.new,
        updates: preview.updated,
        new_users: preview.new_users,
        invitations,
        disable_users: preview.disable_users,
    };
    if !write.is_empty() {
        context
            .store
            .apply_import(tenant.id, company_id, &write)
            .await?;
    }
    Ok(outcome)
}

/// How many initial passwords are being hashed at once; the hasher itself bounds the threads
/// that do the work, off the async ones.
const HASH_WINDOW: usize = 8;

/// Gives every new, active ID a generated initial password (ID-6: changed at first login) and
/// returns them in clear, once.
async fn issue_initial_passwords(
    context: &AppContext,
    users: &mut [User],
) -> Result<Vec<IssuedPassword>, AppError> {
    let mut issued = Vec::new();
    let mut active: Vec<&mut User> = users
        .iter_mut()
        .filter(|user| user.status == UserStatus::Active)
        .collect();
    for window in active.chunks_mut(HASH_WINDOW) {
        let passwords = window
            .iter()
            .map(|_| generate_initial_password(context))
            .collect::<Result<Vec<_>, _>>()?;
        let hashes = hash_together(context, &passwords).await?;
        for ((user, password), hash) in window.iter_mut().zip(passwords).zip(hashes) {
            user.password = PasswordState::Initial(hash);
            issued.push(IssuedPassword {
                login_id: user.login_id.clone(),
                display_name: user.display_name.clone(),
                password,
            });
        }
    }
    Ok(issued)
}

type HashFuture<'a> =
    Pin<Box<dyn Future<Output = Result<PasswordHash, nencho_ports::HashError>> + Send + 'a>>;

/// Hashes the passwords concurrently (the hasher decides how many run in parallel), in order.
async fn hash_together(
    context: &AppContext,
    passwords: &[InitialPassword],
) -> Result<Vec<PasswordHash>, AppError> {
    let mut pending: Vec<HashFuture<'_>> = passwords
        .iter()
        .map(|password| context.hasher.hash(password.expose()))
        .collect();
    let mut done: Vec<Option<Result<PasswordHash, nencho_ports::HashError>>> =
        pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (future, slot) in pending.iter_mut().zip(done.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(result) => *slot = Some(result),
                    Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    done.into_iter()
        .map(|result| match result {
            Some(result) => result.map_err(AppError::from),
            None => Err(AppError::Invalid {
                field: "password",
                message: "a password was not hashed".into(),
            }),
        })
        .collect()
}

async fn compare(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    rows: Vec<ImportedEmployee>,
) -> Result<ImportPreview, AppError> {
    let tenant = actor.tenant.id;
    // A guessed id of another tenant's company is not found here (the permission check alone
    // passes any id for a tenant-wide role).
    let company = context
        .store
        .find_company(tenant, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut seen = HashSet::with_capacity(rows.len());
    for row in &rows {
        if !seen.insert(&row.number) {
            return Err(AppError::Invalid {
                field: "employee_number",
                message: format!("the employee number {} appears twice", row.number),
            });
        }
    }
    drop(seen);
    let stored = stored_employees(context, tenant, company_id).await?;
    let now = context.clock.now();
    let mut preview = ImportPreview {
        new: Vec::new(),
        updated: Vec::new(),
        unchanged: 0,
        new_users: Vec::new(),
        disable_users: Vec::new(),
    };
    let mut new_rows = Vec::new();
    for row in rows {
        match stored.get(&row.number) {
            Some(existing) => {
                let mut candidate = existing.clone();
                row.apply_to(&mut candidate);
                if candidate == *existing {
                    preview.unchanged += 1;
                } else {
                    candidate.updated_at = now;
                    preview.updated.push(candidate);
                }
            }
            None => {
                let mut employee = Employee {
                    id: EmployeeId::generate(context.clock.as_ref()),
                    tenant_id: tenant,
                    company_id,
                    number: row.number.clone(),
                    name: row.name.clone(),
                    birth_date: row.birth_date,
                    postal_code: None,
                    address: String::new(),
                    email: None,
                    department: None,
                    employment_type: row.employment_type,
                    hire_date: None,
                    leave_date: None,
                    user_id: None,
                    updated_at: now,
                };
                row.apply_to(&mut employee);
                new_rows.push(row.row);
                preview.new.push(employee);
            }
        }
    }
    plan_users(context, &company, &mut preview, &new_rows).await?;
    Ok(preview)
}

/// The login ID a new employee gets under the company's scheme.
fn login_id_of(scheme: LoginIdScheme, employee: &Employee) -> Result<LoginId, LoginIdProblem> {
    let text = match scheme {
        LoginIdScheme::EmployeeNumber => employee.number.as_str(),
        LoginIdScheme::Email => employee
            .email
            .as_ref()
            .map(EmailAddress::as_str)
            .ok_or(LoginIdProblem::NoEmail)?,
    };
    LoginId::parse(text).map_err(|_| LoginIdProblem::Unusable(text.to_owned()))
}

/// Gives every new employee a user ID (checking that its login ID is free in the tenant) and
/// lists the linked IDs of updated employees who have left. Reads the tenant's IDs once, not
/// once per row.
async fn plan_users(
    context: &AppContext,
    company: &Company,
    preview: &mut ImportPreview,
    new_rows: &[u64],
) -> Result<(), AppError> {
    let today = context.clock.now().to_offset(JAPAN_STANDARD_TIME).date();
    let has_left = |employee: &Employee| employee.leave_date.is_some_and(|date| date <= today);
    let leavers: Vec<UserId> = preview
        .updated
        .iter()
        .filter(|employee| has_left(employee))
        .filter_map(|employee| employee.user_id)
        .collect();
    if preview.new.is_empty() && leavers.is_empty() {
        return Ok(());
    }
    let users = context.store.list_users(company.tenant_id).await?;
    let active: HashSet<UserId> = users
        .iter()
        .filter(|user| user.status == UserStatus::Active)
        .map(|user| user.id)
        .collect();
    preview.disable_users = leavers
        .into_iter()
        .filter(|user_id| active.contains(user_id))
        .collect();
    let mut taken: HashSet<LoginId> = users.into_iter().map(|user| user.login_id).collect();
    let scheme = company.profile.login_id_scheme;
    let now = context.clock.now();
    let mut errors = Vec::new();
    for (employee, &row) in preview.new.iter_mut().zip(new_rows) {
        let login_id = match login_id_of(scheme, employee) {
            Ok(login_id) => login_id,
            Err(problem) => {
                errors.push(ImportRowError {
                    row,
                    number: employee.number.clone(),
                    scheme,
                    problem,
                });
                continue;
            }
        };
        if !taken.insert(login_id.clone()) {
            errors.push(ImportRowError {
                row,
                number: employee.number.clone(),
                scheme,
                problem: LoginIdProblem::Taken(login_id),
            });
            continue;
        }
        let display_name =
            DisplayName::parse(&format!("{} {}", employee.name.family, employee.name.given))
                .or_else(|_| DisplayName::parse(employee.number.as_str()))
                .map_err(|error| AppError::Invalid {
                    field: "name",
                    message: error.to_string(),
                })?;
        let user = User {
            id: UserId::generate(context.clock.as_ref()),
            tenant_id: company.tenant_id,
            login_id,
            display_name,
            email: employee.email.clone(),
            role: Role::General,
            status: if has_left(employee) {
                UserStatus::Disabled
            } else {
                UserStatus::Active
            },
            password: PasswordState::NotSet,
            created_at: now,
        };
        employee.user_id = Some(user.id);
        preview.new_users.push(user);
    }
    if !errors.is_empty() {
        return Err(AppError::ImportRows(errors));
    }
    Ok(())
}

/// Every employee of the company, departed ones included, by number.
async fn stored_employees(
    context: &AppContext,
    tenant: nencho_kernel::TenantId,
    company_id: CompanyId,
) -> Result<HashMap<EmployeeNumber, Employee>, AppError> {
    let mut stored = HashMap::new();
    let mut query = EmployeeQuery {
        include_departed: true,
        ..EmployeeQuery::first_page(company_id, STORE_PAGE)
    };
    loop {
        let page = context.store.list_employees(tenant, &query).await?;
        stored.extend(
            page.employees
                .into_iter()
                .map(|employee| (employee.number.clone(), employee)),
        );
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(stored),
        }
    }
}

/// The company an import goes to, when the actor may import into it (for the upload form and the
/// template download, before any row is read).
pub async fn authorize_import(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
) -> Result<nencho_tenancy::Company, AppError> {
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(company_id),
    )
    .await?;
    context
        .store
        .find_company(actor.tenant.id, company_id)
        .await?
        .ok_or(AppError::NotFound)
}
