//! Companies of a tenant and their settings (issue 5). Only ADMIN and administrators create
//! companies and change their settings (`manage_companies`).

use nencho_identity::Permission;
use nencho_kernel::CompanyId;
use nencho_tenancy::{Company, CompanyName, CompanyProfile, CorporateNumber, LoginIdScheme};

use crate::authorization::require;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// A company form as submitted: every field as typed.
#[derive(Debug, Clone)]
pub struct CompanyForm {
    pub name: String,
    pub corporate_number: String,
    pub address: String,
    pub tax_office: String,
    pub contact: String,
    pub login_id_scheme: String,
    /// Whether the worker mails the automatic reminders before the deadline.
    pub auto_reminders: bool,
    /// Whether approval waits for every certificate's original.
    pub originals_before_approval: bool,
    /// Whether approval waits for someone else's 一次確認.
    pub check_before_approval: bool,
}

/// Which fields of a company form are wrong; all of them at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompanyFieldError {
    NameEmpty,
    NameTooLong,
    CorporateNumber(nencho_tenancy::CorporateNumberError),
    TooLong { field: &'static str, max: usize },
    LoginIdScheme,
}

impl Default for CompanyForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            corporate_number: String::new(),
            address: String::new(),
            tax_office: String::new(),
            contact: String::new(),
            login_id_scheme: String::new(),
            auto_reminders: true,
            originals_before_approval: false,
            check_before_approval: false,
        }
    }
}

const TEXT_MAX: usize = 200;

impl CompanyForm {
    /// The validated name and settings, or every problem.
    pub fn validate(&self) -> Result<(CompanyName, CompanyProfile), Vec<CompanyFieldError>> {
        let mut errors = Vec::new();
        let name = CompanyName::parse(&self.name)
            .map_err(|error| {
                errors.push(match error {
                    nencho_tenancy::CompanyNameError::Empty => CompanyFieldError::NameEmpty,
                    nencho_tenancy::CompanyNameError::TooLong { .. } => {
                        CompanyFieldError::NameTooLong
                    }
                })
            })
            .ok();
        let corporate_number = if self.corporate_number.trim().is_empty() {
            None
        } else {
            CorporateNumber::parse(&self.corporate_number)
                .map_err(|error| errors.push(CompanyFieldError::CorporateNumber(error)))
                .ok()
        };
        for (field, value) in [
            ("address", &self.address),
            ("tax_office", &self.tax_office),
            ("contact", &self.contact),
        ] {
            if value.trim().chars().count() > TEXT_MAX {
                errors.push(CompanyFieldError::TooLong {
                    field,
                    max: TEXT_MAX,
                });
            }
        }
        let login_id_scheme = match self.login_id_scheme.as_str() {
            "" => Some(LoginIdScheme::default()),
            code => LoginIdScheme::from_code(code),
        };
        if login_id_scheme.is_none() {
            errors.push(CompanyFieldError::LoginIdScheme);
        }
        match (name, login_id_scheme, errors.is_empty()) {
            (Some(name), Some(login_id_scheme), true) => Ok((
                name,
                CompanyProfile {
                    corporate_number,
                    address: self.address.trim().to_owned(),
                    tax_office: self.tax_office.trim().to_owned(),
                    contact: self.contact.trim().to_owned(),
                    login_id_scheme,
                    auto_reminders: self.auto_reminders,
                    originals_before_approval: self.originals_before_approval,
                    check_before_approval: self.check_before_approval,
                },
            )),
            _ => Err(errors),
        }
    }
}

/// The outcome of a company form: saved, or the fields to correct.
#[derive(Debug)]
pub enum CompanySaved {
    Saved(Company),
    Invalid(Vec<CompanyFieldError>),
}

pub async fn register_company(
    context: &AppContext,
    actor: &CurrentUser,
    form: &CompanyForm,
) -> Result<CompanySaved, AppError> {
    require(context, actor, Permission::ManageCompanies, None).await?;
    let (name, profile) = match form.validate() {
        Ok(valid) => valid,
        Err(errors) => return Ok(CompanySaved::Invalid(errors)),
    };
    let mut company = Company::register(actor.tenant.id, name, context.clock.as_ref());
    company.profile = profile;
    context
        .store
        .insert_company(actor.tenant.id, &company)
        .await?;
    crate::audit::record(
        context,
        actor,
        nencho_identity::AuditAction::CompanyRegistered,
        company.name.as_str(),
        "",
    )
    .await?;
    Ok(CompanySaved::Saved(company))
}

pub async fn update_company(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    form: &CompanyForm,
) -> Result<CompanySaved, AppError> {
    require(
        context,
        actor,
        Permission::ManageCompanies,
        Some(company_id),
    )
    .await?;
    let mut company = context
        .store
        .find_company(actor.tenant.id, company_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (name, profile) = match form.validate() {
        Ok(valid) => valid,
        Err(errors) => return Ok(CompanySaved::Invalid(errors)),
    };
    let changed = changed_settings(&company, &name, &profile);
    company.name = name;
    company.profile = profile;
    context
        .store
        .update_company(actor.tenant.id, &company)
        .await?;
    if !changed.is_empty() {
        crate::audit::record(
            context,
            actor,
            nencho_identity::AuditAction::CompanySettingsChanged,
            company.name.as_str(),
            changed.join("、"),
        )
        .await?;
    }
    Ok(CompanySaved::Saved(company))
}

/// The names of the settings a save changes, as the 操作ログ lists them (a save that changes
/// nothing records nothing).
fn changed_settings(
    before: &Company,
    name: &CompanyName,
    after: &CompanyProfile,
) -> Vec<&'static str> {
    let old = &before.profile;
    [
        (before.name != *name, "会社名"),
        (old.corporate_number != after.corporate_number, "法人番号"),
        (old.address != after.address, "所在地"),
        (old.tax_office != after.tax_office, "所轄税務署"),
        (old.contact != after.contact, "問い合わせ先"),
        (
            old.login_id_scheme != after.login_id_scheme,
            "ログインIDの方式",
        ),
        (old.auto_reminders != after.auto_reminders, "自動督促"),
        (
            old.originals_before_approval != after.originals_before_approval,
            "原本の受領を承認の条件にする",
        ),
        (
            old.check_before_approval != after.check_before_approval,
            "承認の前に別の人の確認を必須にする",
        ),
    ]
    .into_iter()
    .filter_map(|(changed, label)| changed.then_some(label))
    .collect()
}

pub async fn find_company(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
) -> Result<Company, AppError> {
    require(
        context,
        actor,
        Permission::ManageCompanies,
        Some(company_id),
    )
    .await?;
    context
        .store
        .find_company(actor.tenant.id, company_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The companies the actor manages. (Limited roles will see their assigned companies once role
/// assignments are stored.)
pub async fn list_companies(
    context: &AppContext,
    actor: &CurrentUser,
) -> Result<Vec<Company>, AppError> {
    require(context, actor, Permission::ManageCompanies, None).await?;
    Ok(context.store.list_companies(actor.tenant.id).await?)
}

/// The companies where `permission` reaches the actor, in name order: every company for ADMIN
/// and administrators, the assigned ones for a limited role (the staff's way into their work).
pub async fn companies_with(
    context: &AppContext,
    actor: &CurrentUser,
    permission: Permission,
) -> Result<Vec<Company>, AppError> {
    let grants = crate::authorization::grants_of(context, actor).await?;
    let companies = context.store.list_companies(actor.tenant.id).await?;
    Ok(match grants.scope(permission) {
        nencho_identity::Scope::Tenant => companies,
        nencho_identity::Scope::Companies(reach) => companies
            .into_iter()
            .filter(|company| reach.iter().any(|(id, _)| *id == company.id))
            .collect(),
        nencho_identity::Scope::Nothing => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CompanyForm {
        CompanyForm {
            name: "株式会社アクメ".into(),
            corporate_number: "7000012050002".into(),
            address: "東京都千代田区".into(),
            tax_office: "麹町".into(),
            contact: "03-0000-0000".into(),
            login_id_scheme: "email".into(),
            auto_reminders: false,
            originals_before_approval: true,
            check_before_approval: true,
        }
    }

    #[test]
    fn a_valid_form_gives_the_name_and_settings() {
        let (name, profile) = form().validate().unwrap();
        assert_eq!(name.as_str(), "株式会社アクメ");
        assert_eq!(
            profile.corporate_number.unwrap().to_string(),
            "7000012050002"
        );
        assert_eq!(profile.login_id_scheme, LoginIdScheme::Email);
        assert!(!profile.auto_reminders);
        assert!(profile.originals_before_approval);
        assert!(profile.check_before_approval);
        let blank_number = CompanyForm {
            corporate_number: "  ".into(),
            login_id_scheme: String::new(),
            ..form()
        };
        let (_, profile) = blank_number.validate().unwrap();
        assert_eq!(
            profile.corporate_number, None,
            "an individual payer has no 法人番号"
        );
        assert_eq!(profile.login_id_scheme, LoginIdScheme::EmployeeNumber);
    }

    #[test]
    fn every_wrong_field_is_reported_at_once() {
        let bad = CompanyForm {
            name: " ".into(),
            corporate_number: "7000012050003".into(),
            address: "あ".repeat(201),
            login_id_scheme: "phone".into(),
            ..form()
        };
        let errors = bad.validate().unwrap_err();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors.contains(&CompanyFieldError::NameEmpty));
        assert!(errors.iter().any(|e| matches!(
            e,
            CompanyFieldError::CorporateNumber(
                nencho_tenancy::CorporateNumberError::CheckDigit { .. }
            )
        )));
        assert!(errors.contains(&CompanyFieldError::TooLong {
            field: "address",
            max: 200
        }));
        assert!(errors.contains(&CompanyFieldError::LoginIdScheme));
    }
}
