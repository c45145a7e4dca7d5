//! Employees of a company: the master data, its list and the CSV import's atomic apply.

use std::sync::LazyLock;

use async_trait::async_trait;
use nencho_identity::UserStatus;
use nencho_kernel::{CompanyId, EmailAddress, EmployeeId, TenantId, UserId};
use nencho_ports::{EmployeePage, EmployeeQuery, EmployeeStore, ImportWrite, StoreError};

use crate::identity::{insert_token_in, insert_user_in, set_status_in};
use crate::outbox::enqueue_in;
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

/// How many employees one statement of [`EmployeeStore::apply_employees`] writes. Small on
/// purpose: sqlx looks up each `$N` parameter's name, which SQLite finds by a linear scan, so the
/// cost of binding grows with the square of a statement's parameters. Measured on 100,000 rows:
/// 16 rows (288 parameters) ≈ 44,000 rows/s; 200 rows ≈ 12,000; one row per statement ≈ 16,000.
const APPLY_CHUNK: usize = 16;

/// Columns of one employee row, in table order.
const EMPLOYEE_COLUMNS: usize = 18;

/// `($1, …, $18), ($19, …, $36), …` for `rows` rows: the same text every time, built from
/// constants only (never from input), so sqlx prepares it once per connection.
fn placeholder_rows(rows: usize) -> String {
    (0..rows)
        .map(|row| {
            let fields: Vec<String> = (1..=EMPLOYEE_COLUMNS)
                .map(|column| format!("${}", row * EMPLOYEE_COLUMNS + column))
                .collect();
            format!("({})", fields.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts [`APPLY_CHUNK`] employees at once.
static INSERT_CHUNK: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO employees (tenant_id, id, company_id, employee_number, family_name, \
         given_name, family_name_kana, given_name_kana, birth_date, postal_code, address, email, \
         department, employment_type, hire_date, leave_date, user_id, updated_at) VALUES {}",
        placeholder_rows(APPLY_CHUNK)
    )
});

/// Updates [`APPLY_CHUNK`] employees at once (the rows as in [`INSERT_CHUNK`]), each only if it
/// exists with that tenant and company.
static UPDATE_CHUNK: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH v (tenant_id, id, company_id, employee_number, family_name, given_name, \
         family_name_kana, given_name_kana, birth_date, postal_code, address, email, department, \
         employment_type, hire_date, leave_date, user_id, updated_at) AS (VALUES {}) \
         UPDATE employees AS e SET employee_number = v.employee_number, \
         family_name = v.family_name, given_name = v.given_name, \
         family_name_kana = v.family_name_kana, given_name_kana = v.given_name_kana, \
         birth_date = v.birth_date, postal_code = v.postal_code, address = v.address, \
         email = v.email, department = v.department, employment_type = v.employment_type, \
         hire_date = v.hire_date, leave_date = v.leave_date, user_id = v.user_id, \
         updated_at = v.updated_at FROM v \
         WHERE e.tenant_id = v.tenant_id AND e.company_id = v.company_id AND e.id = v.id",
        placeholder_rows(APPLY_CHUNK)
    )
});

/// Binds the rows of a whole chunk, every column of each, in table order.
fn bind_rows<'q>(
    mut query: Query<'q, Sqlite, SqliteArguments>,
    employees: &[Employee],
) -> Query<'q, Sqlite, SqliteArguments> {
    for employee in employees {
        query = bind_fields(
            query
                .bind(employee.tenant_id.as_uuid())
                .bind(employee.id.as_uuid())
                .bind(employee.company_id.as_uuid()),
            employee,
        );
    }
    query
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

async fn update_in(
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

/// The inserts and updates of [`EmployeeStore::apply_employees`] inside a caller's transaction.
// Full chunks go as one multi-row statement each (a statement per row costs a trip
// through sqlx's SQLite worker thread every time); the remainder row by row. Dropping the
// transaction on an error rolls everything back.
async fn apply_employees_in(
    transaction: &mut Transaction<'static, Sqlite>,
    inserts: &[Employee],
    updates: &[Employee],
) -> Result<(), StoreError> {
    let mut update_chunks = updates.chunks_exact(APPLY_CHUNK);
    for chunk in &mut update_chunks {
        let updated = bind_rows(sqlx::query(UPDATE_CHUNK.as_str()), chunk)
            .execute(&mut **transaction)
            .await
            .map_err(store_error)?;
        if updated.rows_affected() != APPLY_CHUNK as u64 {
            return Err(StoreError::Backend(
                "an updated employee does not exist in that company".into(),
            ));
        }
    }
    for employee in update_chunks.remainder() {
        update_in(transaction, employee).await?;
    }
    let mut insert_chunks = inserts.chunks_exact(APPLY_CHUNK);
    for chunk in &mut insert_chunks {
        bind_rows(sqlx::query(INSERT_CHUNK.as_str()), chunk)
            .execute(&mut **transaction)
            .await
            .map_err(store_error)?;
    }
    for employee in insert_chunks.remainder() {
        insert_in(transaction, employee).await?;
    }
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

    async fn apply_import(
        &self,
        tenant_id: TenantId,
        company_id: CompanyId,
        write: &ImportWrite,
    ) -> Result<(), StoreError> {
        check_import(tenant_id, company_id, write)?;
        // Users first: the new employees link to them. Dropping the transaction on an error
        // (a login ID taken in the tenant, say) rolls everything back.
        let mut transaction = self.begin_write().await?;
        for user in &write.new_users {
            insert_user_in(&mut transaction, user).await?;
        }
        apply_employees_in(&mut transaction, &write.inserts, &write.updates).await?;
        for (token, mail) in &write.invitations {
            insert_token_in(&mut transaction, token).await?;
            enqueue_in(&mut transaction, mail).await?;
        }
        for user_id in &write.disable_users {
            set_status_in(&mut transaction, tenant_id, *user_id, UserStatus::Disabled).await?;
        }
        transaction.commit().await.map_err(store_error)
    }
}
