//! Employees of a company: the master data, its list and the CSV import's atomic apply.

use async_trait::async_trait;
use nencho_identity::{OneTimeToken, User, UserStatus};
use nencho_kernel::{CompanyId, Date, EmailAddress, EmployeeId, OffsetDateTime, TenantId, UserId};
use nencho_ports::{
    EmployeePage, EmployeeQuery, EmployeeStore, ImportTransaction, ImportWrite, OutboxMessage,
    StoreError,
};

use nencho_tenancy::{Employee, EmployeeNumber, PostalCode};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::store::PgStore;
use nencho_store_sql::columns::employee_search_patterns;
use nencho_store_sql::{rows, store_error};

/// How many employees one statement of [`EmployeeStore::apply_employees`] writes. Each column
/// travels as one array parameter, so the statement text and its parameter count stay fixed.
const APPLY_CHUNK: usize = 5_000;

/// `SELECT <every employee column> FROM employees <rest>` as one static query text.
macro_rules! select_employees {
    ($($rest:expr),+ $(,)?) => {
        concat!(
            "SELECT tenant_id, id, company_id, employee_number, family_name, given_name, \
             family_name_kana, given_name_kana, birth_date, postal_code, address, email, \
             department, employment_type, hire_date, leave_date, user_id, updated_at \
             FROM employees ",
            $($rest),+
        )
    };
}

/// The list's filters after the keyset condition; `$3` is the number the page starts after ('' =
/// the first page: no employee number is empty), `$4` whether departed employees are included,
/// `$5`–`$7` the search patterns (NULL = no search), `$8` the row limit.
macro_rules! list_employees {
    ($department:literal) => {
        select_employees!(
            "WHERE tenant_id = $1 AND company_id = $2 AND employee_number > $3 \
             AND ($4 OR leave_date IS NULL) \
             AND ($5::text IS NULL OR employee_number ILIKE $5 ESCAPE '\\' \
                  OR family_name || given_name ILIKE $6 ESCAPE '\\' \
                  OR family_name_kana || given_name_kana ILIKE $7 ESCAPE '\\') ",
            $department,
            "ORDER BY employee_number LIMIT $8"
        )
    };
}

/// The column list and `UNNEST` of the apply statements, after `$1` (tenant) and `$2` (company).
macro_rules! unnest_employees {
    () => {
        "UNNEST($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], \
         $9::date[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], \
         $15::date[], $16::date[], $17::uuid[], $18::timestamptz[]) \
         AS v(id, employee_number, family_name, given_name, family_name_kana, given_name_kana, \
         birth_date, postal_code, address, email, department, employment_type, hire_date, \
         leave_date, user_id, updated_at)"
    };
}

/// Binds every column after `(tenant_id, id, company_id)`, as `$4`…`$18`, in table order.
fn bind_fields<'q>(
    query: Query<'q, Postgres, PgArguments>,
    employee: &Employee,
) -> Query<'q, Postgres, PgArguments> {
    query
        .bind(employee.number.as_str().to_owned())
        .bind(employee.name.family.clone())
        .bind(employee.name.given.clone())
        .bind(employee.name.family_kana.clone())
        .bind(employee.name.given_kana.clone())
        .bind(employee.birth_date)
        .bind(employee.postal_code.as_ref().map(PostalCode::digits))
        .bind(employee.address.clone())
        .bind(
            employee
                .email
                .as_ref()
                .map(EmailAddress::as_str)
                .map(str::to_owned),
        )
        .bind(employee.department.clone())
        .bind(employee.employment_type.code())
        .bind(employee.hire_date)
        .bind(employee.leave_date)
        .bind(employee.user_id.map(|user_id| user_id.as_uuid()))
        .bind(employee.updated_at)
}

/// A chunk of employees as one array per column, for `UNNEST`.
#[derive(Default)]
struct ColumnArrays {
    id: Vec<Uuid>,
    employee_number: Vec<String>,
    family_name: Vec<String>,
    given_name: Vec<String>,
    family_name_kana: Vec<String>,
    given_name_kana: Vec<String>,
    birth_date: Vec<Date>,
    postal_code: Vec<Option<String>>,
    address: Vec<String>,
    email: Vec<Option<String>>,
    department: Vec<Option<String>>,
    employment_type: Vec<String>,
    hire_date: Vec<Option<Date>>,
    leave_date: Vec<Option<Date>>,
    user_id: Vec<Option<Uuid>>,
    updated_at: Vec<OffsetDateTime>,
}

impl ColumnArrays {
    fn of(employees: &[Employee]) -> Self {
        let mut columns = Self::default();
        for employee in employees {
            columns.id.push(employee.id.as_uuid());
            columns
                .employee_number
                .push(employee.number.as_str().to_owned());
            columns.family_name.push(employee.name.family.clone());
            columns.given_name.push(employee.name.given.clone());
            columns
                .family_name_kana
                .push(employee.name.family_kana.clone());
            columns
                .given_name_kana
                .push(employee.name.given_kana.clone());
            columns.birth_date.push(employee.birth_date);
            columns
                .postal_code
                .push(employee.postal_code.as_ref().map(PostalCode::digits));
            columns.address.push(employee.address.clone());
            columns.email.push(
                employee
                    .email
                    .as_ref()
                    .map(|email| email.as_str().to_owned()),
            );
            columns.department.push(employee.department.clone());
            columns
                .employment_type
                .push(employee.employment_type.code().to_owned());
            columns.hire_date.push(employee.hire_date);
            columns.leave_date.push(employee.leave_date);
            columns
                .user_id
                .push(employee.user_id.map(|user_id| user_id.as_uuid()));
            columns.updated_at.push(employee.updated_at);
        }
        columns
    }

    /// Binds the arrays as `$3`…`$18`.
    fn bind<'q>(self, query: Query<'q, Postgres, PgArguments>) -> Query<'q, Postgres, PgArguments> {
        query
            .bind(self.id)
            .bind(self.employee_number)
            .bind(self.family_name)
            .bind(self.given_name)
            .bind(self.family_name_kana)
            .bind(self.given_name_kana)
            .bind(self.birth_date)
            .bind(self.postal_code)
            .bind(self.address)
            .bind(self.email)
            .bind(self.department)
            .bind(self.employment_type)
            .bind(self.hire_date)
            .bind(self.leave_date)
            .bind(self.user_id)
            .bind(self.updated_at)
    }
}

fn check_tenant(tenant_id: TenantId, employee: &Employee) -> Result<(), StoreError> {
    if employee.tenant_id != tenant_id {
        return Err(StoreError::Backend(
            "employee belongs to another tenant".into(),
        ));
    }
    Ok(())
}

async fn insert_in(
    transaction: &mut Transaction<'static, Postgres>,
    employee: &Employee,
) -> Result<(), StoreError> {
    let query = sqlx::query(
        "INSERT INTO employees (tenant_id, id, company_id, employee_number, family_name, \
         given_name, family_name_kana, given_name_kana, birth_date, postal_code, address, email, \
         department, employment_type, hire_date, leave_date, user_id, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(employee.tenant_id.as_uuid())
    .bind(employee.id.as_uuid())
    .bind(employee.company_id.as_uuid());
    bind_fields(query, employee)
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    Ok(())
}

pub(crate) async fn update_in(
    transaction: &mut Transaction<'static, Postgres>,
    employee: &Employee,
) -> Result<(), StoreError> {
    let query = sqlx::query(
        "UPDATE employees SET employee_number = $4, family_name = $5, given_name = $6, \
         family_name_kana = $7, given_name_kana = $8, birth_date = $9, postal_code = $10, \
         address = $11, email = $12, department = $13, employment_type = $14, hire_date = $15, \
         leave_date = $16, user_id = $17, updated_at = $18 \
         WHERE tenant_id = $1 AND id = $2 AND company_id = $3",
    )
    .bind(employee.tenant_id.as_uuid())
    .bind(employee.id.as_uuid())
    .bind(employee.company_id.as_uuid());
    let updated = bind_fields(query, employee)
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Backend(format!(
            "no employee {} in that company",
            employee.number
        )));
    }
    Ok(())
}

/// Whether everything of an import belongs to the tenant (and the employees to the company).
fn check_import(
    tenant_id: TenantId,
    company_id: CompanyId,
    write: &ImportWrite,
) -> Result<(), StoreError> {
    for employee in write.inserts.iter().chain(&write.updates) {
        check_tenant(tenant_id, employee)?;
        if employee.company_id != company_id {
            return Err(StoreError::Backend(
                "employee belongs to another company".into(),
            ));
        }
    }
    let foreign = write
        .new_users
        .iter()
        .any(|user| user.tenant_id != tenant_id)
        || write
            .invitations
            .iter()
            .any(|(token, mail)| token.tenant_id != tenant_id || mail.tenant_id != tenant_id);
    if foreign {
        return Err(StoreError::Backend(
            "a user, token or mail belongs to another tenant".into(),
        ));
    }
    Ok(())
}

/// The inserts and updates of [`EmployeeStore::apply_employees`] inside a caller's transaction.
// One statement per chunk of rows, each column bound as an array: a few round trips for
// 100,000 employees instead of one per row. Dropping the transaction on an error rolls
// everything back.
async fn apply_employees_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    company_id: CompanyId,
    inserts: &[Employee],
    updates: &[Employee],
) -> Result<(), StoreError> {
    for chunk in updates.chunks(APPLY_CHUNK) {
        let query = sqlx::query(concat!(
            "UPDATE employees AS e SET employee_number = v.employee_number, \
             family_name = v.family_name, given_name = v.given_name, \
             family_name_kana = v.family_name_kana, given_name_kana = v.given_name_kana, \
             birth_date = v.birth_date, postal_code = v.postal_code, address = v.address, \
             email = v.email, department = v.department, employment_type = v.employment_type, \
             hire_date = v.hire_date, leave_date = v.leave_date, user_id = v.user_id, \
             updated_at = v.updated_at FROM ",
            unnest_employees!(),
            " WHERE e.tenant_id = $1 AND e.company_id = $2 AND e.id = v.id"
        ))
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid());
        let updated = ColumnArrays::of(chunk)
            .bind(query)
            .execute(&mut **transaction)
            .await
            .map_err(store_error)?;
        if updated.rows_affected() != chunk.len() as u64 {
            return Err(StoreError::Backend(
                "an updated employee does not exist in that company".into(),
            ));
        }
    }
    for chunk in inserts.chunks(APPLY_CHUNK) {
        let query = sqlx::query(concat!(
            "INSERT INTO employees (tenant_id, id, company_id, employee_number, family_name, \
             given_name, family_name_kana, given_name_kana, birth_date, postal_code, address, \
             email, department, employment_type, hire_date, leave_date, user_id, updated_at) \
             SELECT $1, v.id, $2, v.employee_number, v.family_name, v.given_name, \
             v.family_name_kana, v.given_name_kana, v.birth_date, v.postal_code, v.address, \
             v.email, v.department, v.employment_type, v.hire_date, v.leave_date, v.user_id, \
             v.updated_at FROM ",
            unnest_employees!()
        ))
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid());
        ColumnArrays::of(chunk)
            .bind(query)
            .execute(&mut **transaction)
            .await
            .map_err(store_error)?;
    }
    Ok(())
}

/// Inserts a chunk of new users with one statement (each column one array).
async fn insert_users_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    users: &[User],
) -> Result<(), StoreError> {
    let mut id = Vec::with_capacity(users.len());
    let mut login_id = Vec::with_capacity(users.len());
    let mut display_name = Vec::with_capacity(users.len());
    let mut email = Vec::with_capacity(users.len());
    let mut role = Vec::with_capacity(users.len());
    let mut status = Vec::with_capacity(users.len());
    let mut password_kind = Vec::with_capacity(users.len());
    let mut password_hash = Vec::with_capacity(users.len());
    let mut created_at = Vec::with_capacity(users.len());
    for user in users {
        let (kind, hash) = nencho_store_sql::columns::password_columns(&user.password);
        id.push(user.id.as_uuid());
        login_id.push(user.login_id.as_str());
        display_name.push(user.display_name.as_str());
        email.push(user.email.as_ref().map(EmailAddress::as_str));
        role.push(user.role.as_code());
        status.push(user.status.as_code());
        password_kind.push(kind);
        password_hash.push(hash);
        created_at.push(user.created_at);
    }
    sqlx::query(
        "INSERT INTO users (tenant_id, id, login_id, display_name, email, role, status, \
         password_kind, password_hash, created_at) \
         SELECT $1, v.* FROM UNNEST($2::uuid[], $3::text[], $4::text[], $5::text[], \
         $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[]) \
         AS v(id, login_id, display_name, email, role, status, password_kind, password_hash, \
         created_at)",
    )
    .bind(tenant_id.as_uuid())
    .bind(id)
    .bind(login_id)
    .bind(display_name)
    .bind(email)
    .bind(role)
    .bind(status)
    .bind(password_kind)
    .bind(password_hash)
    .bind(created_at)
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;
    Ok(())
}

/// Inserts a chunk of invitations: their tokens with one statement, their mails with another.
async fn insert_invitations_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    invitations: &[(OneTimeToken, OutboxMessage)],
) -> Result<(), StoreError> {
    let tokens = invitations.iter().map(|(token, _)| token);
    let mut token_hash = Vec::with_capacity(invitations.len());
    let mut user_id = Vec::with_capacity(invitations.len());
    let mut purpose = Vec::with_capacity(invitations.len());
    let mut token_email = Vec::with_capacity(invitations.len());
    let mut token_created_at = Vec::with_capacity(invitations.len());
    let mut expires_at = Vec::with_capacity(invitations.len());
    let mut used_at = Vec::with_capacity(invitations.len());
    for token in tokens {
        token_hash.push(token.hash.as_hex());
        user_id.push(token.user_id.as_uuid());
        purpose.push(token.purpose.as_code());
        token_email.push(token.email.as_ref().map(EmailAddress::as_str));
        token_created_at.push(token.created_at);
        expires_at.push(token.expires_at);
        used_at.push(token.used_at);
    }
    sqlx::query(
        "INSERT INTO one_time_tokens (tenant_id, token_hash, user_id, purpose, email, \
         created_at, expires_at, used_at) \
         SELECT $1, v.* FROM UNNEST($2::text[], $3::uuid[], $4::text[], $5::text[], \
         $6::timestamptz[], $7::timestamptz[], $8::timestamptz[]) \
         AS v(token_hash, user_id, purpose, email, created_at, expires_at, used_at)",
    )
    .bind(tenant_id.as_uuid())
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose)
    .bind(token_email)
    .bind(token_created_at)
    .bind(expires_at)
    .bind(used_at)
    .execute(&mut **transaction)
    .await
    .map_err(store_error)?;

    crate::outbox::enqueue_all_in(
        transaction,
        tenant_id,
        invitations.iter().map(|(_, mail)| mail),
    )
    .await
}

/// Disables a chunk of users and ends their sessions, two statements in all.
async fn disable_users_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    users: &[UserId],
) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = users.iter().map(|user_id| user_id.as_uuid()).collect();
    sqlx::query("UPDATE users SET status = $2 WHERE tenant_id = $1 AND id = ANY($3::uuid[])")
        .bind(tenant_id.as_uuid())
        .bind(UserStatus::Disabled.as_code())
        .bind(&ids)
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = ANY($2::uuid[])")
        .bind(tenant_id.as_uuid())
        .bind(&ids)
        .execute(&mut **transaction)
        .await
        .map_err(store_error)?;
    Ok(())
}

#[async_trait]
impl EmployeeStore for PgStore {
    async fn insert_employee(
        &self,
        tenant_id: TenantId,
        employee: &Employee,
    ) -> Result<(), StoreError> {
        check_tenant(tenant_id, employee)?;
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        insert_in(&mut transaction, employee).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn find_employee(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
    ) -> Result<Option<Employee>, StoreError> {
        let query = sqlx::query(select_employees!("WHERE tenant_id = $1 AND id = $2"))
            .bind(tenant_id.as_uuid())
            .bind(employee_id.as_uuid());
        self.fetch_optional_scoped(tenant_id, query)
            .await?
            .as_ref()
            .map(rows::employee)
            .transpose()
    }

    async fn find_employee_by_number(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        number: &EmployeeNumber,
    ) -> Result<Option<Employee>, StoreError> {
        let query = sqlx::query(select_employees!(
            "WHERE tenant_id = $1 AND company_id = $2 AND employee_number = $3"
        ))
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .bind(number.as_str().to_owned());
        self.fetch_optional_scoped(tenant_id, query)
            .await?
            .as_ref()
            .map(rows::employee)
            .transpose()
    }

    async fn find_employee_by_user(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<Option<Employee>, StoreError> {
        let query = sqlx::query(select_employees!("WHERE tenant_id = $1 AND user_id = $2"))
            .bind(tenant_id.as_uuid())
            .bind(user_id.as_uuid());
        self.fetch_optional_scoped(tenant_id, query)
            .await?
            .as_ref()
            .map(rows::employee)
            .transpose()
    }

    async fn update_employee(
        &self,
        tenant_id: TenantId,
        employee: &Employee,
    ) -> Result<(), StoreError> {
        check_tenant(tenant_id, employee)?;
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        update_in(&mut transaction, employee).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn list_employees(
        &self,
        tenant_id: TenantId,
        query: &EmployeeQuery,
    ) -> Result<EmployeePage, StoreError> {
        let patterns = query.search.as_deref().and_then(employee_search_patterns);
        let (number_pattern, name_pattern, kana_pattern) = match patterns {
            Some((number, name, kana)) => (Some(number), Some(name), Some(kana)),
            None => (None, None, None),
        };
        let limit = i64::from(query.limit);
        let text = match query.department {
            Some(_) => list_employees!("AND department = $9 "),
            None => list_employees!(""),
        };
        // One row more than asked tells whether another page follows.
        let mut statement = sqlx::query(text)
            .bind(tenant_id.as_uuid())
            .bind(query.company_id.as_uuid())
            .bind(
                query
                    .after
                    .as_ref()
                    .map(|number| number.as_str().to_owned())
                    .unwrap_or_default(),
            )
            .bind(query.include_departed)
            .bind(number_pattern)
            .bind(name_pattern)
            .bind(kana_pattern)
            .bind(limit + 1);
        if let Some(department) = &query.department {
            statement = statement.bind(department.clone());
        }
        let mut employees = self
            .fetch_all_scoped(tenant_id, statement)
            .await?
            .iter()
            .map(rows::employee)
            .collect::<Result<Vec<_>, _>>()?;
        let next = if employees.len() > query.limit as usize {
            employees.truncate(query.limit as usize);
            employees.last().map(|employee| employee.number.clone())
        } else {
            None
        };
        Ok(EmployeePage { employees, next })
    }

    async fn count_employees(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<u64, StoreError> {
        let query = sqlx::query_scalar(
            "SELECT count(*) FROM employees WHERE tenant_id = $1 AND company_id = $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid());
        let count: i64 = self.fetch_one_scoped(tenant_id, query).await?;
        u64::try_from(count).map_err(|_| StoreError::Corrupt("negative count".into()))
    }

    async fn apply_employees(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        inserts: &[Employee],
        updates: &[Employee],
    ) -> Result<(), StoreError> {
        for employee in inserts.iter().chain(updates) {
            check_tenant(tenant_id, employee)?;
            if employee.company_id != company_id {
                return Err(StoreError::Backend(
                    "employee belongs to another company".into(),
                ));
            }
        }
        let mut transaction = self.begin_for_tenant(tenant_id).await?;
        apply_employees_in(&mut transaction, tenant_id, company_id, inserts, updates).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn begin_import(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Box<dyn ImportTransaction>, StoreError> {
        // Row-level security admits only this tenant's rows for the whole transaction.
        let transaction = self.begin_for_tenant(tenant_id).await?;
        Ok(Box::new(PgImport {
            tenant_id,
            company_id,
            transaction,
            failed: false,
        }))
    }
}

/// An import's transaction ([`ImportTransaction`]), tenant-scoped as
/// [`PgStore::begin_for_tenant`] makes it; dropping it rolls back.
struct PgImport {
    tenant_id: TenantId,
    company_id: CompanyId,
    transaction: Transaction<'static, Postgres>,
    /// A write failed part-way: only a rollback is left.
    failed: bool,
}

#[async_trait]
impl ImportTransaction for PgImport {
    async fn record_audit(
        &mut self,
        entry: &nencho_identity::AuditEntry,
    ) -> Result<(), StoreError> {
        if entry.tenant_id != self.tenant_id {
            return Err(StoreError::Backend(
                "an audit entry of another tenant in an import".into(),
            ));
        }
        crate::audit_log::insert_audit_in(&mut self.transaction, entry).await
    }

    async fn write(&mut self, chunk: &ImportWrite) -> Result<(), StoreError> {
        if self.failed {
            return Err(StoreError::Backend(
                "an earlier chunk of this import failed".into(),
            ));
        }
        check_import(self.tenant_id, self.company_id, chunk)?;
        self.failed = true;
        write_import_in(
            &mut self.transaction,
            self.tenant_id,
            self.company_id,
            chunk,
        )
        .await?;
        self.failed = false;
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        if self.failed {
            return Err(StoreError::Backend(
                "an earlier chunk of this import failed".into(),
            ));
        }
        self.transaction.commit().await.map_err(store_error)
    }
}

/// One chunk of an import inside its transaction: users first (the new employees link to them),
/// then employees, tokens with their mails and disabled IDs, every kind of row in chunks of
/// [`APPLY_CHUNK`], one statement each.
async fn write_import_in(
    transaction: &mut Transaction<'static, Postgres>,
    tenant_id: TenantId,
    company_id: CompanyId,
    write: &ImportWrite,
) -> Result<(), StoreError> {
    for chunk in write.new_users.chunks(APPLY_CHUNK) {
        insert_users_in(transaction, tenant_id, chunk).await?;
    }
    apply_employees_in(
        transaction,
        tenant_id,
        company_id,
        &write.inserts,
        &write.updates,
    )
    .await?;
    for chunk in write.invitations.chunks(APPLY_CHUNK) {
        insert_invitations_in(transaction, tenant_id, chunk).await?;
    }
    for chunk in write.disable_users.chunks(APPLY_CHUNK) {
        disable_users_in(transaction, tenant_id, chunk).await?;
    }
    Ok(())
}
