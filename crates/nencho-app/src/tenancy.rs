//! Contracts: opening one (the activation notice), finding the tenant of a request, and the
//! operator-assisted ADMIN reset.

use nencho_identity::{
    DisplayName, InitialPassword, LoginId, OneTimeToken, PasswordState, Role, TokenPurpose, User,
    UserStatus,
};
use nencho_kernel::{EmailAddress, UserId};
use nencho_tenancy::{Slug, Tenant, TenantName};

use crate::{AppContext, AppError, mail};

/// The ADMIN ID every contract starts with (ID-4, ID-6). IDs are per tenant, so every tenant's
/// ADMIN is `admin` on its own site.
pub const ADMIN_LOGIN_ID: &str = "admin";

/// 開通通知: what the operator hands to the customer. The initial password is shown once.
#[derive(Debug, Clone)]
pub struct ActivationNotice {
    pub site_url: String,
    pub admin_id: String,
    pub initial_password: InitialPassword,
    pub tenant: Tenant,
}

pub struct OpenTenantRequest<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    /// The contract's main contact; also the ADMIN's e-mail unless `admin_email` is given.
    pub contact_email: &'a str,
    pub admin_email: Option<&'a str>,
}

pub(crate) fn generate_initial_password(context: &AppContext) -> Result<InitialPassword, AppError> {
    // Rejection sampling discards a few bytes; 64 leave a wide margin for 20 characters.
    let mut bytes = [0u8; 64];
    context.random.fill(&mut bytes);
    InitialPassword::from_random_bytes(&bytes).ok_or_else(|| AppError::Invalid {
        field: "random",
        message: "not enough random bytes".into(),
    })
}

/// `nencho-ops tenant open`: the tenant and its ADMIN ID with a one-time initial password that
/// must be changed at first login.
pub async fn open_tenant(
    context: &AppContext,
    request: OpenTenantRequest<'_>,
) -> Result<ActivationNotice, AppError> {
    let slug = Slug::parse(request.slug).map_err(|e| AppError::Invalid {
        field: "slug",
        message: e.to_string(),
    })?;
    let name = TenantName::parse(request.name).map_err(|e| AppError::Invalid {
        field: "name",
        message: e.to_string(),
    })?;
    let contact = EmailAddress::parse(request.contact_email).map_err(|e| AppError::Invalid {
        field: "contact_email",
        message: e.to_string(),
    })?;
    let admin_email = match request.admin_email {
        Some(text) => EmailAddress::parse(text).map_err(|e| AppError::Invalid {
            field: "admin_email",
            message: e.to_string(),
        })?,
        None => contact.clone(),
    };
    let tenant = Tenant::open(slug, name, contact, context.clock.as_ref());
    let initial_password = generate_initial_password(context)?;
    let hash = context.hasher.hash(initial_password.expose()).await?;
    let admin = User {
        id: UserId::generate(context.clock.as_ref()),
        tenant_id: tenant.id,
        login_id: LoginId::parse(ADMIN_LOGIN_ID).map_err(|e| AppError::Invalid {
            field: "admin id",
            message: e.to_string(),
        })?,
        display_name: DisplayName::parse("管理者").map_err(|e| AppError::Invalid {
            field: "name",
            message: e.to_string(),
        })?,
        email: Some(admin_email),
        role: Role::Admin,
        status: UserStatus::Active,
        password: PasswordState::Initial(hash),
        created_at: context.clock.now(),
    };
    context.store.open_tenant(&tenant, &admin).await?;
    Ok(ActivationNotice {
        site_url: context.site.site_url(&tenant.slug),
        admin_id: admin.login_id.to_string(),
        initial_password,
        tenant,
    })
}

/// The tenant a request's `Host` names; `None` for any host that is not an open contract's site.
pub async fn resolve_tenant(context: &AppContext, host: &str) -> Result<Option<Tenant>, AppError> {
    let Some(slug) = context.site.slug_of_host(host) else {
        return Ok(None);
    };
    let tenant = context.store.find_tenant_by_slug(&slug).await?;
    Ok(tenant.filter(|tenant| !tenant.status.is_over()))
}

/// Where an assisted reset link went, for the operator's screen (masked: no customer data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssistedResetSent {
    pub masked_address: String,
    /// The ADMIN's 2段階認証 was removed (asked for, and it was on).
    pub second_factor_cleared: bool,
}

/// `nencho-ops tenant reset-admin` (ID-8): a reset link for the ADMIN ID, mailed to the contract's
/// contact address or one the operator gives. The operator never sees the link. With
/// `clear_second_factor` (the ADMIN lost the phone and the recovery codes too) the ADMIN's
/// 2段階認証 is removed as well, every session of the ID ends, and the same address is told.
pub async fn assisted_admin_reset(
    context: &AppContext,
    slug: &str,
    send_to: Option<&str>,
    clear_second_factor: bool,
) -> Result<AssistedResetSent, AppError> {
    let slug = Slug::parse(slug).map_err(|e| AppError::Invalid {
        field: "slug",
        message: e.to_string(),
    })?;
    let tenant = context
        .store
        .find_tenant_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let admin_id = LoginId::parse(ADMIN_LOGIN_ID).map_err(|e| AppError::Invalid {
        field: "admin id",
        message: e.to_string(),
    })?;
    let admin = context
        .store
        .find_user_by_login_id(tenant.id, &admin_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = match send_to {
        Some(text) => EmailAddress::parse(text).map_err(|e| AppError::Invalid {
            field: "email",
            message: e.to_string(),
        })?,
        None => tenant.contact_email.clone(),
    };
    let secret = context.new_token();
    let token = OneTimeToken::issue(
        &secret,
        tenant.id,
        admin.id,
        TokenPurpose::PasswordReset,
        None,
        context.clock.now(),
    );
    let link = format!(
        "{}/password/reset/{}",
        context.site.site_url(&tenant.slug),
        secret.expose()
    );
    let mail = mail::password_reset_link(context, &tenant, &admin, &to, &link, token.expires_at);
    context.store.issue_token(&token, &mail).await?;
    let second_factor_cleared = if clear_second_factor {
        let notice = mail::second_factor_notice(
            context,
            &tenant,
            &admin,
            &to,
            mail::SecondFactorChange::ResetByAdministrator,
            context.clock.now(),
        );
        context
            .store
            .disable_second_factor(tenant.id, admin.id, None, Some(notice))
            .await?
    } else {
        false
    };
    Ok(AssistedResetSent {
        masked_address: mask(&to),
        second_factor_cleared,
    })
}

/// `ta***@acme.example`: enough for the operator to confirm the destination, no more.
fn mask(address: &EmailAddress) -> String {
    let (local, domain) = address
        .as_str()
        .rsplit_once('@')
        .unwrap_or((address.as_str(), ""));
    let visible: String = local.chars().take(2).collect();
    format!("{visible}***@{domain}")
}
