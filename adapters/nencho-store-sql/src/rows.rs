//! Rows → domain types. A row that does not parse back into the domain is `StoreError::Corrupt`
//! (a bug or a manual edit), never a panic.

use nencho_identity::{
    AuditAction, AuditEntry, AuditRecord, DisplayName, LoginAttempt, LoginId, LoginOutcome,
    OneTimeToken, PasswordHash, PasswordState, Role, SealedSecret, SecondFactor, Session,
    SessionStage, TokenHash, TokenPurpose, User, UserStatus,
};
use nencho_kernel::{CompanyId, EmailAddress, TenantId, UserId};
use nencho_ports::{OperatorAction, OutboxMessage, StoreError};
use nencho_tenancy::{
    Company, CompanyName, CompanyProfile, ContractStatus, CorporateNumber, LoginIdScheme, Slug,
    Tenant, TenantName,
};

use crate::{RowReader, corrupt};

fn email(text: &str, what: &str) -> Result<EmailAddress, StoreError> {
    EmailAddress::parse(text).map_err(|error| corrupt(format!("{what}: {error}")))
}

/// Reads `id, slug, name, status, contact_email, opened_at, ends_on, purged_at`. A purged
/// contract is stored as status `ended` with `purged_at` set (migration 0008).
pub fn tenant(row: &impl RowReader) -> Result<Tenant, StoreError> {
    let slug = row.text("slug")?;
    let status = row.text("status")?;
    let mut contract_status = ContractStatus::from_code(&status)
        .filter(|status| *status != ContractStatus::Purged)
        .ok_or_else(|| corrupt(format!("tenant status {status:?}")))?;
    if row.optional_timestamp("purged_at")?.is_some() {
        if contract_status != ContractStatus::Ended {
            return Err(corrupt(format!(
                "tenant status {status:?} with a purge time"
            )));
        }
        contract_status = ContractStatus::Purged;
    }
    Ok(Tenant {
        id: TenantId::from_uuid(row.uuid("id")?),
        slug: Slug::parse(&slug)
            .map_err(|error| corrupt(format!("tenant slug {slug:?}: {error}")))?,
        name: TenantName::parse(&row.text("name")?)
            .map_err(|error| corrupt(format!("tenant name: {error}")))?,
        status: contract_status,
        contact_email: email(&row.text("contact_email")?, "tenant contact e-mail")?,
        opened_at: row.timestamp("opened_at")?,
        ends_on: row.optional_date("ends_on")?,
    })
}

pub fn company(row: &impl RowReader) -> Result<Company, StoreError> {
    Ok(Company {
        id: CompanyId::from_uuid(row.uuid("id")?),
        tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
        name: CompanyName::parse(&row.text("name")?)
            .map_err(|error| corrupt(format!("company name: {error}")))?,
        profile: CompanyProfile {
            corporate_number: row
                .optional_text("corporate_number")?
                .map(|number| CorporateNumber::parse(&number))
                .transpose()
                .map_err(|error| corrupt(format!("corporate number: {error}")))?,
            address: row.text("address")?,
            tax_office: row.text("tax_office")?,
            contact: row.text("contact")?,
            login_id_scheme: {
                let scheme = row.text("login_id_scheme")?;
                LoginIdScheme::from_code(&scheme)
                    .ok_or_else(|| corrupt(format!("login id scheme {scheme:?}")))?
            },
            auto_reminders: row.boolean("auto_reminders")?,
            originals_before_approval: row.boolean("originals_before_approval")?,
            check_before_approval: row.boolean("check_before_approval")?,
        },
        registered_at: row.timestamp("registered_at")?,
    })
}

pub fn user(row: &impl RowReader) -> Result<User, StoreError> {
    let password_hash = row
        .optional_text("password_hash")?
        .map(PasswordHash::from_phc);
    let password = match (row.text("password_kind")?.as_str(), password_hash) {
        ("not_set", _) => PasswordState::NotSet,
        ("initial", Some(hash)) => PasswordState::Initial(hash),
        ("chosen", Some(hash)) => PasswordState::Chosen(hash),
        (kind, _) => return Err(corrupt(format!("password state {kind:?} without a hash"))),
    };
    let role = row.text("role")?;
    let status = row.text("status")?;
    Ok(User {
        id: UserId::from_uuid(row.uuid("id")?),
        tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
        login_id: LoginId::parse(&row.text("login_id")?)
            .map_err(|e| corrupt(format!("login id: {e}")))?,
        display_name: DisplayName::parse(&row.text("display_name")?)
            .map_err(|e| corrupt(format!("display name: {e}")))?,
        email: row
            .optional_text("email")?
            .map(|text| email(&text, "user e-mail"))
            .transpose()?,
        role: Role::from_code(&role).ok_or_else(|| corrupt(format!("role {role:?}")))?,
        status: UserStatus::from_code(&status)
            .ok_or_else(|| corrupt(format!("status {status:?}")))?,
        password,
        created_at: row.timestamp("created_at")?,
    })
}

pub fn session(row: &impl RowReader) -> Result<Session, StoreError> {
    Ok(Session {
        token_hash: TokenHash::from_hex(row.text("token_hash")?),
        tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
        user_id: UserId::from_uuid(row.uuid("user_id")?),
        created_at: row.timestamp("created_at")?,
        last_seen_at: row.timestamp("last_seen_at")?,
        stage: SessionStage::from_code(&row.text("stage")?)
            .ok_or_else(|| corrupt("session stage"))?,
    })
}

/// A `second_factors` row: `secret`, `enabled_at`, `last_used_step`.
pub fn second_factor(row: &impl RowReader) -> Result<SecondFactor, StoreError> {
    Ok(SecondFactor {
        secret: SealedSecret::from_stored(row.bytes("secret")?),
        enabled_at: row.timestamp("enabled_at")?,
        last_used_step: row.optional_integer("last_used_step")?,
    })
}

pub fn one_time_token(row: &impl RowReader) -> Result<OneTimeToken, StoreError> {
    let purpose = row.text("purpose")?;
    Ok(OneTimeToken {
        hash: TokenHash::from_hex(row.text("token_hash")?),
        tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
        user_id: UserId::from_uuid(row.uuid("user_id")?),
        purpose: TokenPurpose::from_code(&purpose)
            .ok_or_else(|| corrupt(format!("purpose {purpose:?}")))?,
        email: row
            .optional_text("email")?
            .map(|text| email(&text, "token e-mail"))
            .transpose()?,
        created_at: row.timestamp("created_at")?,
        expires_at: row.timestamp("expires_at")?,
        used_at: row.optional_timestamp("used_at")?,
    })
}

pub fn login_attempt(row: &impl RowReader) -> Result<LoginAttempt, StoreError> {
    let outcome = row.text("outcome")?;
    Ok(LoginAttempt {
        tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
        user_id: UserId::from_uuid(row.uuid("user_id")?),
        at: row.timestamp("at")?,
        ip_address: row.text("ip_address")?,
        user_agent: row.text("user_agent")?,
        outcome: LoginOutcome::from_code(&outcome)
            .ok_or_else(|| corrupt(format!("login outcome {outcome:?}")))?,
    })
}

pub fn outbox_message(row: &impl RowReader) -> Result<OutboxMessage, StoreError> {
    Ok(OutboxMessage {
        id: row.uuid("id")?,
        tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
        to: email(&row.text("to_address")?, "outbox address")?,
        subject: row.text("subject")?,
        body: row.text("body")?,
        created_at: row.timestamp("created_at")?,
        attempts: u32::try_from(row.integer("attempts")?)
            .map_err(|_| corrupt("outbox attempts"))?,
        next_attempt_at: row.timestamp("next_attempt_at")?,
        sent_at: row.optional_timestamp("sent_at")?,
        failed_at: row.optional_timestamp("failed_at")?,
        last_error: row.optional_text("last_error")?,
    })
}

pub fn operator_action(row: &impl RowReader) -> Result<OperatorAction, StoreError> {
    Ok(OperatorAction {
        at: row.timestamp("at")?,
        operator: row.text("operator")?,
        command: row.text("command")?,
        tenant_slug: row.optional_text("tenant_slug")?,
        succeeded: row.boolean("succeeded")?,
    })
}

/// `SELECT <every column [`employee`] reads> FROM employees `, for queries built at run time.
pub const SELECT_EMPLOYEES: &str = "SELECT tenant_id, id, company_id, employee_number, \
     family_name, given_name, family_name_kana, given_name_kana, birth_date, postal_code, \
     address, email, department, employment_type, hire_date, leave_date, user_id, updated_at \
     FROM employees ";

/// An `employees` row (every column, as `SELECT` lists them in both stores).
pub fn employee(row: &impl RowReader) -> Result<nencho_tenancy::Employee, StoreError> {
    use nencho_tenancy::{EmployeeNumber, EmploymentType, PersonName, PostalCode};
    let number = row.text("employee_number")?;
    let employment_type = row.text("employment_type")?;
    Ok(nencho_tenancy::Employee {
        id: nencho_kernel::EmployeeId::from_uuid(row.uuid("id")?),
        tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
        company_id: CompanyId::from_uuid(row.uuid("company_id")?),
        number: EmployeeNumber::parse(&number)
            .map_err(|error| corrupt(format!("employee number {number:?}: {error}")))?,
        name: PersonName {
            family: row.text("family_name")?,
            given: row.text("given_name")?,
            family_kana: row.text("family_name_kana")?,
            given_kana: row.text("given_name_kana")?,
        },
        birth_date: row.date("birth_date")?,
        postal_code: row
            .optional_text("postal_code")?
            .map(|digits| {
                PostalCode::parse(&digits).ok_or_else(|| corrupt(format!("postal code {digits:?}")))
            })
            .transpose()?,
        address: row.text("address")?,
        email: row
            .optional_text("email")?
            .map(|text| email(&text, "employee e-mail"))
            .transpose()?,
        department: row.optional_text("department")?,
        employment_type: EmploymentType::ALL
            .into_iter()
            .find(|known| known.code() == employment_type)
            .ok_or_else(|| corrupt(format!("employment type {employment_type:?}")))?,
        hire_date: row.optional_date("hire_date")?,
        leave_date: row.optional_date("leave_date")?,
        user_id: row.optional_uuid("user_id")?.map(UserId::from_uuid),
        updated_at: row.timestamp("updated_at")?,
    })
}

/// A `role_assignments` row: `user_id, company_id, role, departments`.
pub fn role_assignment(
    row: &impl RowReader,
) -> Result<nencho_identity::RoleAssignment, StoreError> {
    let role = row.text("role")?;
    Ok(nencho_identity::RoleAssignment {
        user_id: UserId::from_uuid(row.uuid("user_id")?),
        company_id: CompanyId::from_uuid(row.uuid("company_id")?),
        role: nencho_identity::CompanyRole::from_code(&role)
            .ok_or_else(|| corrupt(format!("company role {role:?}")))?,
        departments: crate::columns::departments_from_column(&row.text("departments")?),
    })
}

/// An `audit_log` row.
pub fn audit_record(row: &impl RowReader) -> Result<AuditRecord, StoreError> {
    let action = row.text("action")?;
    Ok(AuditRecord {
        id: row.integer("id")?,
        entry: AuditEntry {
            tenant_id: TenantId::from_uuid(row.uuid("tenant_id")?),
            at: row.timestamp("at")?,
            actor_id: UserId::from_uuid(row.uuid("actor_id")?),
            actor_login_id: row.text("actor_login_id")?,
            actor_name: row.text("actor_name")?,
            action: AuditAction::from_code(&action)
                .ok_or_else(|| corrupt(format!("audit action {action:?}")))?,
            target: row.text("target")?,
            detail: row.text("detail")?,
        },
    })
}
