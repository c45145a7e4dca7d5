//! Company list and settings (ADMIN and administrators).

use std::sync::Arc;

use askama::Template;
use nencho_app::companies::{
    CompanyForm, CompanySaved, find_company, list_companies, register_company, update_company,
};
use nencho_kernel::CompanyId;
use nencho_tenancy::{Company, CompanyProfile};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::account::failure;
use super::context::{Site, see_other};
use super::i18n::company_field_error;
use super::layout::Layout;
use super::render::{page, plain_not_found, rejected_form};
use crate::HttpServices;

struct CompanyRow {
    id: String,
    name: String,
    corporate_number: String,
    tax_office: String,
}

#[derive(Template)]
#[template(path = "site/companies.html")]
struct CompaniesPage {
    layout: Layout,
    rows: Vec<CompanyRow>,
}

struct Field {
    name: &'static str,
    label: &'static str,
    value: String,
    hint: Option<&'static str>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "site/company_form.html")]
struct CompanyFormPage {
    layout: Layout,
    title: &'static str,
    action: String,
    fields: Vec<Field>,
    errors: Vec<(&'static str, String)>,
}

#[derive(Deserialize, Default)]
pub struct CompanyFormBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    corporate_number: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    tax_office: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    login_id_scheme: String,
    /// A checkbox: absent from the POST when unchecked, which is off.
    #[serde(default)]
    auto_reminders: Option<String>,
    /// A checkbox, as `auto_reminders`.
    #[serde(default)]
    originals_before_approval: Option<String>,
    /// A checkbox, as `auto_reminders`.
    #[serde(default)]
    check_before_approval: Option<String>,
    #[serde(default)]
    csrf_token: String,
}

impl CompanyFormBody {
    fn form(&self) -> CompanyForm {
        CompanyForm {
            name: self.name.clone(),
            corporate_number: self.corporate_number.clone(),
            address: self.address.clone(),
            tax_office: self.tax_office.clone(),
            contact: self.contact.clone(),
            login_id_scheme: self.login_id_scheme.clone(),
            auto_reminders: self.auto_reminders.is_some(),
            originals_before_approval: self.originals_before_approval.is_some(),
            check_before_approval: self.check_before_approval.is_some(),
        }
    }

    fn of(company: &Company) -> Self {
        Self {
            name: company.name.as_str().to_owned(),
            corporate_number: company
                .profile
                .corporate_number
                .map(|n| n.to_string())
                .unwrap_or_default(),
            address: company.profile.address.clone(),
            tax_office: company.profile.tax_office.clone(),
            contact: company.profile.contact.clone(),
            login_id_scheme: company.profile.login_id_scheme.code().to_owned(),
            auto_reminders: checked(company.profile.auto_reminders),
            originals_before_approval: checked(company.profile.originals_before_approval),
            check_before_approval: checked(company.profile.check_before_approval),
            csrf_token: String::new(),
        }
    }

    /// The empty form of a new company: the settings' defaults.
    fn new_company() -> Self {
        Self {
            auto_reminders: checked(CompanyProfile::default().auto_reminders),
            originals_before_approval: checked(CompanyProfile::default().originals_before_approval),
            check_before_approval: checked(CompanyProfile::default().check_before_approval),
            ..Self::default()
        }
    }
}

fn checked(on: bool) -> Option<String> {
    on.then(|| "on".to_owned())
}

fn form_page(
    site: &Site<'_>,
    layout: Layout,
    title: &'static str,
    action: String,
    body: &CompanyFormBody,
    errors: Vec<(&'static str, String)>,
) -> CompanyFormPage {
    let t = site.lang.words();
    let error_of = |name: &str| {
        errors
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, message)| message.clone())
    };
    let fields = vec![
        Field {
            name: "name",
            label: t.company_name,
            value: body.name.clone(),
            hint: None,
            error: error_of("name"),
        },
        Field {
            name: "corporate_number",
            label: t.company_corporate_number,
            value: body.corporate_number.clone(),
            hint: Some(t.company_corporate_number_hint),
            error: error_of("corporate_number"),
        },
        Field {
            name: "address",
            label: t.company_address,
            value: body.address.clone(),
            hint: None,
            error: error_of("address"),
        },
        Field {
            name: "tax_office",
            label: t.company_tax_office,
            value: body.tax_office.clone(),
            hint: Some(t.company_tax_office_hint),
            error: error_of("tax_office"),
        },
        Field {
            name: "contact",
            label: t.company_contact,
            value: body.contact.clone(),
            hint: None,
            error: error_of("contact"),
        },
        Field {
            name: "login_id_scheme",
            label: t.company_login_id_scheme,
            value: body.login_id_scheme.clone(),
            hint: None,
            error: error_of("login_id_scheme"),
        },
        Field {
            name: "auto_reminders",
            label: t.company_auto_reminders,
            value: body.auto_reminders.clone().unwrap_or_default(),
            hint: None,
            error: None,
        },
        Field {
            name: "originals_before_approval",
            label: t.company_originals_before_approval,
            value: body.originals_before_approval.clone().unwrap_or_default(),
            hint: None,
            error: None,
        },
        Field {
            name: "check_before_approval",
            label: t.company_check_before_approval,
            value: body.check_before_approval.clone().unwrap_or_default(),
            hint: None,
            error: None,
        },
    ];
    CompanyFormPage {
        layout,
        title,
        action,
        fields,
        errors,
    }
}

#[handler]
pub async fn list(request: &Request, services: Data<&Arc<HttpServices>>) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    match list_companies(&services.app, &current).await {
        Ok(companies) => {
            let rows = companies
                .iter()
                .map(|company| CompanyRow {
                    id: company.id.to_string(),
                    name: company.name.as_str().to_owned(),
                    corporate_number: company
                        .profile
                        .corporate_number
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    tax_office: company.profile.tax_office.clone(),
                })
                .collect();
            page(
                &CompaniesPage {
                    layout: site.layout().with_user(&current),
                    rows,
                },
                StatusCode::OK,
            )
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[handler]
pub async fn new_form(request: &Request, services: Data<&Arc<HttpServices>>) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    if !current.user.role.manages_users() {
        return failure(&site, &nencho_app::AppError::Forbidden).await;
    }
    let t = site.lang.words();
    let body = CompanyFormBody::new_company();
    page(
        &form_page(
            &site,
            site.layout().with_user(&current),
            t.company_new_title,
            "/admin/companies/new".into(),
            &body,
            vec![],
        ),
        StatusCode::OK,
    )
}

#[handler]
pub async fn create(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(body): Form<CompanyFormBody>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    if !site.csrf_ok(&body.csrf_token) {
        return rejected_form(site.layout());
    }
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    match register_company(&services.app, &current, &body.form()).await {
        Ok(CompanySaved::Saved(company)) => {
            see_other(&format!("/admin/companies/{}?saved=1", company.id))
        }
        Ok(CompanySaved::Invalid(errors)) => {
            let messages = errors
                .iter()
                .map(|error| company_field_error(site.lang, error))
                .collect();
            let t = site.lang.words();
            page(
                &form_page(
                    &site,
                    site.layout().with_user(&current),
                    t.company_new_title,
                    "/admin/companies/new".into(),
                    &body,
                    messages,
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

#[handler]
pub async fn edit_form(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    poem::web::Query(query): poem::web::Query<SavedQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    let t = site.lang.words();
    match find_company(&services.app, &current, company_id).await {
        Ok(company) => {
            let mut layout = site.layout().with_user(&current);
            if query.saved.is_some() {
                layout = layout.with_notice(t.company_saved);
            }
            page(
                &form_page(
                    &site,
                    layout,
                    t.company_edit_title,
                    format!("/admin/companies/{company_id}"),
                    &CompanyFormBody::of(&company),
                    vec![],
                ),
                StatusCode::OK,
            )
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[handler]
pub async fn update(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Form(body): Form<CompanyFormBody>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    if !site.csrf_ok(&body.csrf_token) {
        return rejected_form(site.layout());
    }
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    match update_company(&services.app, &current, company_id, &body.form()).await {
        Ok(CompanySaved::Saved(_)) => see_other(&format!("/admin/companies/{company_id}?saved=1")),
        Ok(CompanySaved::Invalid(errors)) => {
            let messages = errors
                .iter()
                .map(|error| company_field_error(site.lang, error))
                .collect();
            let t = site.lang.words();
            page(
                &form_page(
                    &site,
                    site.layout().with_user(&current),
                    t.company_edit_title,
                    format!("/admin/companies/{company_id}"),
                    &body,
                    messages,
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(error) => failure(&site, &error).await,
    }
}
