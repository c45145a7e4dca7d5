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
//! mails and disabled IDs are written in one store transaction ([`EmployeeStore::begin_import`]),
//! fed in chunks of [`IMPORT_CHUNK`] rows, so that memory stays bounded however large the file:
//! the rows come from an [`ImportSource`] (the HTTP adapter streams them from the staged file)
//! and only one chunk's employees, IDs, tokens and mails are held at a time. Across the whole
//! file the matching holds one small record per row: per stored employee of the company its
//! number, ids and a 128-bit fingerprint of the fields the import sets ([`StoredKey`]), the
//! numbers seen in the file (duplicates) and the tenant's login IDs (taken ones).
//!
//! [`EmployeeStore::begin_import`]: nencho_ports::EmployeeStore::begin_import
//!
//! Instead of invitations the administrator may choose [`FirstPassword::Generated`]: every new,
//! active ID gets a generated initial password (changed at first login, ID-6), returned once in
//! the outcome and stored only hashed; no mail is sent. That option hashes one password per new
//! ID (PBKDF2, about 88 ms each at the current policy, on the hasher's bounded threads), so a
//! large import should use invitations.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;
use std::task::Poll;

use nencho_identity::{
    DisplayName, InitialPassword, LoginId, OneTimeToken, PasswordHash, PasswordState, Permission,
    Role, TokenPurpose, User, UserStatus,
};
use nencho_kernel::{
    CompanyId, Date, EmailAddress, EmployeeId, JAPAN_STANDARD_TIME, OffsetDateTime, TenantId,
    UserId,
};
use nencho_ports::{EmployeeQuery, ImportTransaction, ImportWrite};
use nencho_tenancy::{
    ChangeStatus, Company, Employee, EmployeeNumber, EmploymentType, LoginIdScheme, MasterChange,
    PersonName, PostalCode,
};

use crate::authorization::require;
use crate::sign_in::CurrentUser;
use crate::tenancy::generate_initial_password;
use crate::{AppContext, AppError, mail};

/// The stored employees are read in pages of this many (keyset paging on the number), not one
/// query per imported row.
const STORE_PAGE: u32 = 5_000;

/// Rows per chunk of an apply: each chunk's employees, IDs, tokens and mails (about 3 KB a row)
/// are built, written into the import's transaction and dropped before the next is read.
pub const IMPORT_CHUNK: usize = 2_000;

/// Where an import's rows come from, a chunk at a time (about [`IMPORT_CHUNK`] rows), so that the
/// file is never held whole. The HTTP adapter reads its staged file row by row; a `Vec` of rows
/// is one through [`RowsInMemory`].
pub trait ImportSource: Send {
    /// The next rows of the file in its order, or `None` after the last. An error ends the import
    /// and nothing is written.
    fn next_rows(&mut self) -> Pin<Box<dyn Future<Output = RowsResult> + Send + '_>>;
}

/// What [`ImportSource::next_rows`] gives.
pub type RowsResult = Result<Option<Vec<ImportedEmployee>>, AppError>;

/// Rows already in memory, handed out [`IMPORT_CHUNK`] at a time.
pub struct RowsInMemory(std::vec::IntoIter<ImportedEmployee>);

impl RowsInMemory {
    pub fn new(rows: Vec<ImportedEmployee>) -> Self {
        Self(rows.into_iter())
    }
}

impl ImportSource for RowsInMemory {
    fn next_rows(&mut self) -> Pin<Box<dyn Future<Output = RowsResult> + Send + '_>> {
        let rows: Vec<ImportedEmployee> = self.0.by_ref().take(IMPORT_CHUNK).collect();
        Box::pin(std::future::ready(Ok((!rows.is_empty()).then_some(rows))))
    }
}

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

/// An employee whose 登録内容の変更届, applied by an administrator and still on the record, the
/// file contradicts (the payroll system's copy of the record is older): each field as the
/// record holds it from the request and as the file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevertedChange {
    pub row: u64,
    pub number: EmployeeNumber,
    /// The name on the record (the one the request set).
    pub name: String,
    /// (項目, 変更届で反映した値, ファイルの値).
    pub fields: Vec<(&'static str, String, String)>,
}

/// What an import does to the fields of an applied 変更届 the file contradicts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AppliedChanges {
    /// The record keeps the request's values; the file's other fields are imported.
    #[default]
    Keep,
    /// The file's values replace them (the administrator chose so, having seen the list).
    Overwrite,
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
    /// Employees whose applied 変更届 the file contradicts (kept, as counted above).
    pub reverted: Vec<RevertedChange>,
}

impl ImportPreview {
    /// How many new IDs will be mailed an invitation: the active ones with an e-mail address.
    pub fn invitations(&self) -> usize {
        self.new_users.iter().filter(|user| invitable(user)).count()
    }

    /// The preview's figures.
    pub fn counts(&self) -> ImportCounts {
        ImportCounts {
            new: self.new.len(),
            updated: self.updated.len(),
            unchanged: self.unchanged,
            users: self.new_users.len(),
            invitations: self.invitations(),
            disabled: self.disable_users.len(),
            reverted: self.reverted.clone(),
        }
    }
}

/// What applying a file would do, in figures only ([`preview_import_streamed`]: nothing per row
/// is kept but the few employees whose applied 変更届 the file contradicts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// User IDs to create (one per new employee).
    pub users: usize,
    /// Invitation mails to queue (new, active IDs with an e-mail address).
    pub invitations: usize,
    /// IDs of leavers to disable.
    pub disabled: usize,
    /// Employees whose applied 変更届 the file contradicts; the counts above keep the requests'
    /// values ([`AppliedChanges::Keep`]).
    pub reverted: Vec<RevertedChange>,
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
    /// Employees whose applied 変更届 the file contradicted, and what was done with them.
    pub reverted: Vec<RevertedChange>,
    pub applied_changes: AppliedChanges,
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
    let mut matcher = Matcher::load(context, actor, company_id).await?;
    let plan = matcher.plan(context, rows)?;
    let reverted = std::mem::take(&mut matcher.reverted);
    matcher.finish()?;
    Ok(ImportPreview {
        new: plan.new,
        updated: plan.updated,
        unchanged: plan.unchanged,
        new_users: plan.new_users,
        disable_users: plan.disable_users,
        reverted,
    })
}

/// [`preview_import`] over a file read chunk by chunk, keeping only the figures: the rows, the
/// planned employees and IDs of a chunk are dropped before the next is read.
pub async fn preview_import_streamed(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    source: &mut dyn ImportSource,
) -> Result<ImportCounts, AppError> {
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(company_id),
    )
    .await?;
    let mut matcher = Matcher::load(context, actor, company_id).await?;
    let mut counts = ImportCounts::default();
    while let Some(rows) = source.next_rows().await? {
        let plan = matcher.plan(context, rows)?;
        counts.new += plan.new.len();
        counts.updated += plan.updated.len();
        counts.unchanged += plan.unchanged;
        counts.users += plan.new_users.len();
        counts.invitations += plan.new_users.iter().filter(|user| invitable(user)).count();
        counts.disabled += plan.disable_users.len();
    }
    counts.reverted = std::mem::take(&mut matcher.reverted);
    matcher.finish()?;
    Ok(counts)
}

/// Recomputes the preview and applies it atomically (one store transaction): the employees,
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
    apply_import_streamed(
        context,
        actor,
        company_id,
        &mut RowsInMemory::new(rows),
        ImportChoices {
            first_password,
            applied_changes: AppliedChanges::Keep,
        },
        &|_| {},
    )
    .await
}

/// The administrator's choices at the confirm step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportChoices {
    pub first_password: FirstPassword,
    pub applied_changes: AppliedChanges,
}

/// [`apply_import_with`] over a file read chunk by chunk, with bounded memory: each chunk of rows
/// is matched, turned into employees, IDs, tokens and mails, written into the import's one store
/// transaction and dropped; the transaction is committed after the last chunk, so the import is
/// all there or not at all (a refused row anywhere, a taken login ID or any error writes
/// nothing). `progress` is told after each chunk how many rows of the file have been processed.
pub async fn apply_import_streamed(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    source: &mut dyn ImportSource,
    choices: ImportChoices,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<ImportOutcome, AppError> {
    let first_password = choices.first_password;
    require(
        context,
        actor,
        Permission::ManageEmployees,
        Some(company_id),
    )
    .await?;
    let mut matcher = Matcher::load(context, actor, company_id).await?;
    matcher.applied_changes = choices.applied_changes;
    let tenant = &actor.tenant;
    let site = context.site.site_url(&tenant.slug);
    let mut outcome = ImportOutcome {
        inserted: 0,
        updated: 0,
        unchanged: 0,
        users_created: 0,
        invitations_queued: 0,
        users_disabled: 0,
        without_email: Vec::new(),
        initial_passwords: Vec::new(),
        reverted: Vec::new(),
        applied_changes: choices.applied_changes,
    };
    // Begun at the first chunk that writes anything: a file that changes nothing takes no lock.
    let mut transaction: Option<Box<dyn ImportTransaction>> = None;
    let mut processed: u64 = 0;
    while let Some(rows) = source.next_rows().await? {
        processed += u64::try_from(rows.len()).unwrap_or(u64::MAX);
        let mut plan = matcher.plan(context, rows)?;
        if !matcher.errors.is_empty() {
            // Nothing will be written: only look for every other refused row.
            progress(processed);
            continue;
        }
        let now = context.clock.now();
        let mut invitations = Vec::new();
        match first_password {
            FirstPassword::Generated => {
                let issued = issue_initial_passwords(context, &mut plan.new_users).await?;
                outcome.initial_passwords.extend(issued);
            }
            FirstPassword::Invitation => {
                for user in &plan.new_users {
                    if user.status != UserStatus::Active {
                        continue;
                    }
                    let Some(to) = &user.email else {
                        outcome.without_email.push(user.login_id.clone());
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
        outcome.inserted += plan.new.len();
        outcome.updated += plan.updated.len();
        outcome.unchanged += plan.unchanged;
        outcome.users_created += plan.new_users.len();
        outcome.invitations_queued += invitations.len();
        outcome.users_disabled += plan.disable_users.len();
        let write = ImportWrite {
            inserts: plan.new,
            updates: plan.updated,
            new_users: plan.new_users,
            invitations,
            disable_users: plan.disable_users,
        };
        if !write.is_empty() {
            let open = match transaction.as_mut() {
                Some(open) => open,
                None => {
                    transaction.insert(context.store.begin_import(tenant.id, company_id).await?)
                }
            };
            open.write(&write).await?;
        }
        progress(processed);
    }
    outcome.reverted = std::mem::take(&mut matcher.reverted);
    // Refused rows: dropping the transaction rolls back whatever was written.
    matcher.finish()?;
    if let Some(mut transaction) = transaction {
        // The 操作ログ's line is written in the import's transaction: both or neither.
        let company = context.store.find_company(tenant.id, company_id).await?;
        let entry = crate::audit::entry(
            context,
            actor,
            nencho_identity::AuditAction::EmployeesImported,
            company
                .map(|company| company.name.as_str().to_owned())
                .unwrap_or_default(),
            format!(
                "新規 {}件、更新 {}件、変更なし {}件、ID作成 {}件、ID無効化 {}件{}",
                outcome.inserted,
                outcome.updated,
                outcome.unchanged,
                outcome.users_created,
                outcome.users_disabled,
                match (outcome.reverted.len(), outcome.applied_changes) {
                    (0, _) => String::new(),
                    (count, AppliedChanges::Keep) => {
                        format!("、変更届の内容を残した従業員 {count}人")
                    }
                    (count, AppliedChanges::Overwrite) => {
                        format!("、変更届の内容をファイルで上書きした従業員 {count}人")
                    }
                }
            ),
        );
        transaction.record_audit(&entry).await?;
        transaction.commit().await?;
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

/// What the matching keeps of a stored employee for the whole file: its ids and a fingerprint
/// of the fields the import sets, not the employee (about 100 bytes with its number).
struct StoredKey {
    id: EmployeeId,
    user_id: Option<UserId>,
    fingerprint: (u64, u64),
}

/// What one chunk of rows does.
struct ChunkPlan {
    /// Each linked (through `user_id`) to its entry of `new_users`.
    new: Vec<Employee>,
    updated: Vec<Employee>,
    unchanged: usize,
    new_users: Vec<User>,
    disable_users: Vec<UserId>,
}

/// Matches a file's rows, chunk by chunk, with the company's stored employees (by number) and
/// plans the user IDs of the new ones. Holds one small record per row across the file, never an
/// employee: see [`StoredKey`]; the numbers seen (each appears once); the tenant's login IDs.
struct Matcher {
    tenant: TenantId,
    company: Company,
    today: Date,
    stored: HashMap<EmployeeNumber, StoredKey>,
    seen: HashSet<EmployeeNumber>,
    taken: HashSet<LoginId>,
    active: HashSet<UserId>,
    /// Two independently keyed hashers: a 128-bit fingerprint.
    keys: (RandomState, RandomState),
    /// Every refused row so far; once there is one nothing is written.
    errors: Vec<ImportRowError>,
    /// The latest applied 変更届 of each employee whose record still holds its values.
    applied: HashMap<EmployeeId, MasterChange>,
    applied_changes: AppliedChanges,
    /// The employees whose applied 変更届 the file contradicts, so far.
    reverted: Vec<RevertedChange>,
}

impl Matcher {
    /// Reads the company, its stored employees (pages of [`STORE_PAGE`], departed ones included)
    /// and the tenant's IDs once, not once per row.
    async fn load(
        context: &AppContext,
        actor: &CurrentUser,
        company_id: CompanyId,
    ) -> Result<Self, AppError> {
        let tenant = actor.tenant.id;
        // A guessed id of another tenant's company is not found here (the permission check alone
        // passes any id for a tenant-wide role).
        let company = context
            .store
            .find_company(tenant, company_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut matcher = Self {
            tenant,
            company,
            today: context.clock.now().to_offset(JAPAN_STANDARD_TIME).date(),
            stored: HashMap::new(),
            seen: HashSet::new(),
            taken: HashSet::new(),
            active: HashSet::new(),
            keys: (RandomState::new(), RandomState::new()),
            errors: Vec::new(),
            applied: HashMap::new(),
            applied_changes: AppliedChanges::Keep,
            reverted: Vec::new(),
        };
        let applied = applied_change_requests(context, tenant, company_id).await?;
        let mut query = EmployeeQuery {
            include_departed: true,
            ..EmployeeQuery::first_page(company_id, STORE_PAGE)
        };
        loop {
            let page = context.store.list_employees(tenant, &query).await?;
            for employee in page.employees {
                if let Some(change) = applied.get(&employee.id)
                    && change.differences(&employee).is_empty()
                {
                    matcher.applied.insert(employee.id, change.clone());
                }
                let key = StoredKey {
                    id: employee.id,
                    user_id: employee.user_id,
                    fingerprint: matcher.fingerprint(&employee),
                };
                matcher.stored.insert(employee.number, key);
            }
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        for user in context.store.list_users(tenant).await? {
            if user.status == UserStatus::Active {
                matcher.active.insert(user.id);
            }
            matcher.taken.insert(user.login_id);
        }
        Ok(matcher)
    }

    /// A 128-bit hash of every field the import sets: equal for an unchanged employee.
    fn fingerprint(&self, employee: &Employee) -> (u64, u64) {
        let fields = (
            (
                &employee.number,
                &employee.name.family,
                &employee.name.given,
                &employee.name.family_kana,
                &employee.name.given_kana,
                employee.birth_date,
            ),
            (
                employee.postal_code,
                &employee.address,
                &employee.email,
                &employee.department,
                employee.employment_type,
                employee.hire_date,
                employee.leave_date,
            ),
        );
        (self.keys.0.hash_one(fields), self.keys.1.hash_one(fields))
    }

    fn has_left(&self, employee: &Employee) -> bool {
        employee.leave_date.is_some_and(|date| date <= self.today)
    }

    /// Matches one chunk: new employees with their planned IDs, changed ones, the count of
    /// unchanged ones and the IDs of leavers to disable. A refused row is added to `errors`; a
    /// number seen twice in the file fails at once.
    fn plan(
        &mut self,
        context: &AppContext,
        rows: Vec<ImportedEmployee>,
    ) -> Result<ChunkPlan, AppError> {
        let now = context.clock.now();
        let mut plan = ChunkPlan {
            new: Vec::new(),
            updated: Vec::new(),
            unchanged: 0,
            new_users: Vec::new(),
            disable_users: Vec::new(),
        };
        for row in rows {
            if !self.seen.insert(row.number.clone()) {
                return Err(AppError::Invalid {
                    field: "employee_number",
                    message: format!("the employee number {} appears twice", row.number),
                });
            }
            let key = self
                .stored
                .get(&row.number)
                .map(|key| (key.id, key.user_id, key.fingerprint));
            let mut employee = Employee {
                id: match key {
                    Some((id, _, _)) => id,
                    None => EmployeeId::generate(context.clock.as_ref()),
                },
                tenant_id: self.tenant,
                company_id: self.company.id,
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
                user_id: key.and_then(|(_, user_id, _)| user_id),
                updated_at: now,
            };
            row.apply_to(&mut employee);
            match key {
                Some((_, user_id, fingerprint)) => {
                    self.guard_applied_change(row.row, &mut employee);
                    if self.fingerprint(&employee) == fingerprint {
                        plan.unchanged += 1;
                        continue;
                    }
                    if self.has_left(&employee)
                        && let Some(user_id) = user_id
                        && self.active.remove(&user_id)
                    {
                        plan.disable_users.push(user_id);
                    }
                    plan.updated.push(employee);
                }
                None => {
                    if let Some(user) = self.new_user(context, &mut employee, row.row, now)? {
                        plan.new_users.push(user);
                    }
                    plan.new.push(employee);
                }
            }
        }
        Ok(plan)
    }

    /// The user ID of a new employee (linked to it), its login ID checked free in the tenant; a
    /// refused row is added to `errors`.
    fn new_user(
        &mut self,
        context: &AppContext,
        employee: &mut Employee,
        row: u64,
        now: OffsetDateTime,
    ) -> Result<Option<User>, AppError> {
        let scheme = self.company.profile.login_id_scheme;
        let login_id = match login_id_of(scheme, employee) {
            Ok(login_id) => login_id,
            Err(problem) => {
                self.errors.push(ImportRowError {
                    row,
                    number: employee.number.clone(),
                    scheme,
                    problem,
                });
                return Ok(None);
            }
        };
        if !self.taken.insert(login_id.clone()) {
            self.errors.push(ImportRowError {
                row,
                number: employee.number.clone(),
                scheme,
                problem: LoginIdProblem::Taken(login_id),
            });
            return Ok(None);
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
            tenant_id: self.tenant,
            login_id,
            display_name,
            email: employee.email.clone(),
            role: Role::General,
            status: if self.has_left(employee) {
                UserStatus::Disabled
            } else {
                UserStatus::Active
            },
            password: PasswordState::NotSet,
            created_at: now,
        };
        employee.user_id = Some(user.id);
        Ok(Some(user))
    }

    /// Fails with every refused row, if any.
    /// An employee whose applied 変更届 the file contradicts is listed, and keeps the request's
    /// values unless the administrator chose to overwrite them.
    fn guard_applied_change(&mut self, row: u64, employee: &mut Employee) {
        let Some(applied) = self.applied.get(&employee.id) else {
            return;
        };
        let fields: Vec<(&'static str, String, String)> = applied
            .differences(employee)
            .into_iter()
            .map(|(label, in_file, on_record)| (label, on_record, in_file))
            .collect();
        if fields.is_empty() {
            return;
        }
        self.reverted.push(RevertedChange {
            row,
            number: employee.number.clone(),
            name: applied.name.full(),
            fields,
        });
        if self.applied_changes == AppliedChanges::Keep {
            *employee = applied.apply_to(employee, employee.updated_at);
        }
    }

    fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::ImportRows(self.errors))
        }
    }
}

/// Requests read per page when looking for the applied ones.
const CHANGE_REQUEST_PAGE: u32 = 500;

/// The latest applied 変更届 of each employee of the company (requests come in time order, so a
/// later one replaces an earlier).
async fn applied_change_requests(
    context: &AppContext,
    tenant: TenantId,
    company_id: CompanyId,
) -> Result<HashMap<EmployeeId, MasterChange>, AppError> {
    let mut applied = HashMap::new();
    let mut after = None;
    loop {
        let page = context
            .store
            .change_requests_after(tenant, after, CHANGE_REQUEST_PAGE)
            .await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.id);
        let full = page.len() == CHANGE_REQUEST_PAGE as usize;
        for request in page {
            if request.company_id == company_id && request.status == ChangeStatus::Applied {
                applied.insert(request.employee_id, request.change);
            }
        }
        if !full {
            break;
        }
    }
    Ok(applied)
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
