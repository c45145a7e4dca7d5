//! Employees of a company: the master data, its list and the CSV import's atomic apply.

use std::sync::OnceLock;

use async_trait::async_trait;
use nencho_identity::{OneTimeToken, User, UserStatus};
use nencho_kernel::{CompanyId, EmailAddress, EmployeeId, TenantId, UserId};
use nencho_ports::{
    EmployeePage, EmployeeQuery, EmployeeStore, ImportTransaction, ImportWrite, OutboxMessage,
    StoreError,
};

use nencho_tenancy::{Employee, EmployeeNumber, PostalCode};
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, Transaction};

use crate::store::SqliteStore;
use nencho_store_sql::columns::employee_search_patterns;
use nencho_store_sql::{rows, store_error};

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
             AND ($5 IS NULL OR employee_number LIKE $5 ESCAPE '\\' \
                  OR family_name || given_name LIKE $6 ESCAPE '\\' \
                  OR family_name_kana || given_name_kana LIKE $7 ESCAPE '\\') ",
            $department,
            "ORDER BY employee_number LIMIT $8"
        )
    };
}

/// Binds every column after `(tenant_id, id, company_id)`, as `$4`…`$18`, in table order.
fn bind_fields<'q>(
    query: Query<'q, Sqlite, SqliteArguments>,
    employee: &Employee,
) -> Query<'q, Sqlite, SqliteArguments> {
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

/// Rows per multi-row statement, largest first: a batch is cut into these sizes, so that every
/// statement text is one of a few static ones (built from constants only, never from input),
/// prepared once per connection.
const ROW_BATCHES: [usize; 3] = [256, 16, 1];

/// A multi-row statement `{head} (?, …), (?, …), … {tail}` for each size of [`ROW_BATCHES`].
///
/// The placeholders are anonymous `?`, bound by position: sqlx looks a `$N` parameter up by its
/// name, which SQLite does by a linear scan, so a statement of many `$N` parameters binds in
/// quadratic time (measured on 100,000 employees: 16 rows of `$N` ≈ 44,000 rows/s, 200 rows ≈
/// 12,000). With `?` a 256-row statement (4,608 parameters for an employee) costs no more per row
/// than a small one.
struct MultiRow {
    head: &'static str,
    columns: usize,
    tail: &'static str,
    /// The largest batch this statement takes (a size of [`ROW_BATCHES`]).
    largest: usize,
    texts: [OnceLock<String>; ROW_BATCHES.len()],
}

impl MultiRow {
    const fn new(head: &'static str, columns: usize, tail: &'static str) -> Self {
        Self::at_most(head, columns, ROW_BATCHES[0], tail)
    }

    const fn at_most(
        head: &'static str,
        columns: usize,
        largest: usize,
        tail: &'static str,
    ) -> Self {
        Self {
            head,
            columns,
            tail,
            largest,
            texts: [const { OnceLock::new() }; ROW_BATCHES.len()],
        }
    }

    /// The statement for `rows` rows, when `rows` is one of [`ROW_BATCHES`].
    fn text(&'static self, rows: usize) -> Option<&'static str> {
        let index = ROW_BATCHES.iter().position(|size| *size == rows)?;
        let cell = self.texts.get(index)?;
        Some(cell.get_or_init(|| {
            let row = format!("({})", vec!["?"; self.columns].join(", "));
            format!("{} {} {}", self.head, vec![row; rows].join(", "), self.tail)
        }))
    }
}

/// Runs `statement` over every item, as few statements as [`ROW_BATCHES`] allows (a 100,000-row
/// batch takes 391 statements), each row bound by `bind`; returns the rows affected.
async fn execute_batched<'a, T>(
    transaction: &mut Transaction<'static, Sqlite>,
    statement: &'static MultiRow,
    items: &'a [T],
    bind: fn(Query<'a, Sqlite, SqliteArguments>, &'a T) -> Query<'a, Sqlite, SqliteArguments>,
) -> Result<u64, StoreError> {
    let mut affected = 0;
    let mut rest = items;
    for size in ROW_BATCHES
        .into_iter()
        .filter(|size| *size <= statement.largest)
    {
        let text = statement
            .text(size)
            .ok_or_else(|| StoreError::Backend("no statement for that batch size".into()))?;
        while rest.len() >= size {
            let (batch, tail) = rest.split_at(size);
            rest = tail;
            let query = batch.iter().fold(sqlx::query(text), bind);
            affected += query
                .execute(&mut **transaction)
                .await
                .map_err(store_error)?
                .rows_affected();
        }
    }
    Ok(affected)
}

/// Binds one employee row, every column in table order.
fn bind_employee<'a>(
    query: Query<'a, Sqlite, SqliteArguments>,
    employee: &'a Employee,
) -> Query<'a, Sqlite, SqliteArguments> {
    bind_fields(
        query
            .bind(employee.tenant_id.as_uuid())
            .bind(employee.id.as_uuid())
            .bind(employee.company_id.as_uuid()),
        employee,
    )
}

/// Inserts employees.
static INSERT_EMPLOYEES: MultiRow = MultiRow::new(
    "INSERT INTO employees (tenant_id, id, company_id, employee_number, family_name, \
     given_name, family_name_kana, given_name_kana, birth_date, postal_code, address, email, \
     department, employment_type, hire_date, leave_date, user_id, updated_at) VALUES",
    18,
    "",
);

/// Updates employees (the rows as in [`INSERT_EMPLOYEES`]), each only if it exists with that
/// tenant and company. At most 16 rows a statement: SQLite joins the `VALUES` rows without an
/// index, so larger statements get slower per row (measured on 100,000 updates: 16 rows ≈
/// 33,000 rows/s, 256 rows ≈ 8,000).
static UPDATE_EMPLOYEES: MultiRow = MultiRow::at_most(
    "WITH v (tenant_id, id, company_id, employee_number, family_name, given_name, \
     family_name_kana, given_name_kana, birth_date, postal_code, address, email, department, \
     employment_type, hire_date, leave_date, user_id, updated_at) AS (VALUES",
    18,
    16,
    ") UPDATE employees AS e SET employee_number = v.employee_number, \
     family_name = v.family_name, given_name = v.given_name, \
     family_name_kana = v.family_name_kana, given_name_kana = v.given_name_kana, \
     birth_date = v.birth_date, postal_code = v.postal_code, address = v.address, \
     email = v.email, department = v.department, employment_type = v.employment_type, \
     hire_date = v.hire_date, leave_date = v.leave_date, user_id = v.user_id, \
     updated_at = v.updated_at FROM v \
     WHERE e.tenant_id = v.tenant_id AND e.company_id = v.company_id AND e.id = v.id",
);

/// Inserts the IDs of new employees.
static INSERT_USERS: MultiRow = MultiRow::new(
    "INSERT INTO users (tenant_id, id, login_id, display_name, email, role, status, \
     password_kind, password_hash, created_at) VALUES",
    10,
    "",
);

fn bind_user<'a>(
    query: Query<'a, Sqlite, SqliteArguments>,
    user: &'a User,
) -> Query<'a, Sqlite, SqliteArguments> {
    let (password_kind, password_hash) =
        nencho_store_sql::columns::password_columns(&user.password);
    query
        .bind(user.tenant_id.as_uuid())
        .bind(user.id.as_uuid())
        .bind(user.login_id.as_str())
        .bind(user.display_name.as_str())
        .bind(user.email.as_ref().map(EmailAddress::as_str))
        .bind(user.role.as_code())
        .bind(user.status.as_code())
        .bind(password_kind)
        .bind(password_hash)
        .bind(user.created_at)
}

/// Inserts the invitation tokens (stored hashed).
static INSERT_TOKENS: MultiRow = MultiRow::new(
    "INSERT INTO one_time_tokens (tenant_id, token_hash, user_id, purpose, email, created_at, \
     expires_at, used_at) VALUES",
    8,
    "",
);

fn bind_token<'a>(
    query: Query<'a, Sqlite, SqliteArguments>,
    (token, _): &'a (OneTimeToken, OutboxMessage),
) -> Query<'a, Sqlite, SqliteArguments> {
    query
        .bind(token.tenant_id.as_uuid())
        .bind(token.hash.as_hex())
        .bind(token.user_id.as_uuid())
        .bind(token.purpose.as_code())
        .bind(token.email.as_ref().map(EmailAddress::as_str))
        .bind(token.created_at)
        .bind(token.expires_at)
        .bind(token.used_at)
}

/// Queues the invitation mails.
static INSERT_MAILS: MultiRow = MultiRow::new(
    "INSERT INTO outbox (tenant_id, id, to_address, subject, body, created_at, attempts, \
     next_attempt_at, sent_at, failed_at, last_error) VALUES",
    11,
    "",
);

fn bind_mail<'a>(
    query: Query<'a, Sqlite, SqliteArguments>,
    (_, message): &'a (OneTimeToken, OutboxMessage),
) -> Query<'a, Sqlite, SqliteArguments> {
    query
        .bind(message.tenant_id.as_uuid())
        .bind(message.id)
        .bind(message.to.as_str())
        .bind(&message.subject)
        .bind(&message.body)
        .bind(message.created_at)
        .bind(i64::from(message.attempts))
        .bind(message.next_attempt_at)
        .bind(message.sent_at)
        .bind(message.failed_at)
        .bind(message.last_error.as_deref())
}

/// Disables the IDs of leavers (rows of tenant, user, status).
static DISABLE_USERS: MultiRow = MultiRow::new(
    "WITH v (tenant_id, id, status) AS (VALUES",
    3,
    ") UPDATE users AS u SET status = v.status FROM v \
     WHERE u.tenant_id = v.tenant_id AND u.id = v.id",
);

/// Ends every session of the disabled IDs (the rows as in [`DISABLE_USERS`]).
static END_SESSIONS: MultiRow = MultiRow::new(
    "WITH v (tenant_id, id, status) AS (VALUES",
    3,
    ") DELETE FROM sessions \
     WHERE EXISTS (SELECT 1 FROM v WHERE v.tenant_id = sessions.tenant_id \
     AND v.id = sessions.user_id)",
);

fn bind_disabled<'a>(
    query: Query<'a, Sqlite, SqliteArguments>,
    user: &'a (TenantId, UserId),
) -> Query<'a, Sqlite, SqliteArguments> {
    query
        .bind(user.0.as_uuid())
        .bind(user.1.as_uuid())
        .bind(UserStatus::Disabled.as_code())
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
    transaction: &mut Transaction<'static, Sqlite>,
    employee: &Employee,
) -> Result<(), StoreError> {
    // One static text: sqlx prepares it once per connection and reuses it for every row.
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
    transaction: &mut Transaction<'static, Sqlite>,
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

/// The inserts and updates of [`EmployeeStore::apply_employees`] inside a caller's transaction,
/// in multi-row statements ([`execute_batched`]). Dropping the transaction on an error rolls
/// everything back.
async fn apply_employees_in(
    transaction: &mut Transaction<'static, Sqlite>,
    inserts: &[Employee],
    updates: &[Employee],
) -> Result<(), StoreError> {
    let updated = execute_batched(transaction, &UPDATE_EMPLOYEES, updates, bind_employee).await?;
    if updated != updates.len() as u64 {
        return Err(StoreError::Backend(
            "an updated employee does not exist in that company".into(),
        ));
    }
    execute_batched(transaction, &INSERT_EMPLOYEES, inserts, bind_employee).await?;
    Ok(())
}

#[async_trait]
impl EmployeeStore for SqliteStore {
    async fn insert_employee(
        &self,
        tenant_id: TenantId,
        employee: &Employee,
    ) -> Result<(), StoreError> {
        check_tenant(tenant_id, employee)?;
        let mut transaction = self.begin_write().await?;
        insert_in(&mut transaction, employee).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn find_employee(
        &self,
        tenant_id: TenantId,
        employee_id: EmployeeId,
    ) -> Result<Option<Employee>, StoreError> {
        sqlx::query(select_employees!("WHERE tenant_id = $1 AND id = $2"))
            .bind(tenant_id.as_uuid())
            .bind(employee_id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?
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
        sqlx::query(select_employees!(
            "WHERE tenant_id = $1 AND company_id = $2 AND employee_number = $3"
        ))
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .bind(number.as_str().to_owned())
        .fetch_optional(&self.pool)
        .await
        .map_err(store_error)?
        .as_ref()
        .map(rows::employee)
        .transpose()
    }

    async fn find_employee_by_user(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> Result<Option<Employee>, StoreError> {
        sqlx::query(select_employees!("WHERE tenant_id = $1 AND user_id = $2"))
            .bind(tenant_id.as_uuid())
            .bind(user_id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?
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
        let mut transaction = self.begin_write().await?;
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
        let mut employees = statement
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?
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
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM employees WHERE tenant_id = $1 AND company_id = $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(company_id.as_uuid())
        .fetch_one(&self.pool)
        .await
        .map_err(store_error)?;
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
        let mut transaction = self.begin_write().await?;
        apply_employees_in(&mut transaction, inserts, updates).await?;
        transaction.commit().await.map_err(store_error)
    }

    async fn begin_import(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
    ) -> Result<Box<dyn ImportTransaction>, StoreError> {
        let transaction = self.begin_write().await?;
        Ok(Box::new(SqliteImport {
            tenant_id,
            company_id,
            transaction,
            failed: false,
        }))
    }
}

/// An import's transaction ([`ImportTransaction`]): `BEGIN IMMEDIATE`, so it holds SQLite's
/// write lock until it is committed or dropped (dropping rolls back).
struct SqliteImport {
    tenant_id: TenantId,
    company_id: CompanyId,
    transaction: Transaction<'static, Sqlite>,
    /// A write failed part-way: only a rollback is left.
    failed: bool,
}

#[async_trait]
impl ImportTransaction for SqliteImport {
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
        write_import_in(&mut self.transaction, self.tenant_id, chunk).await?;
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
/// then employees, tokens, mails and disabled IDs.
async fn write_import_in(
    transaction: &mut Transaction<'static, Sqlite>,
    tenant_id: TenantId,
    write: &ImportWrite,
) -> Result<(), StoreError> {
    execute_batched(transaction, &INSERT_USERS, &write.new_users, bind_user).await?;
    apply_employees_in(transaction, &write.inserts, &write.updates).await?;
    execute_batched(transaction, &INSERT_TOKENS, &write.invitations, bind_token).await?;
    execute_batched(transaction, &INSERT_MAILS, &write.invitations, bind_mail).await?;
    let disabled: Vec<(TenantId, UserId)> = write
        .disable_users
        .iter()
        .map(|user_id| (tenant_id, *user_id))
        .collect();
    execute_batched(transaction, &DISABLE_USERS, &disabled, bind_disabled).await?;
    execute_batched(transaction, &END_SESSIONS, &disabled, bind_disabled).await?;
    Ok(())
}
