//! What every site page shares: language, CSRF token, the user menu, a notice.

use nencho_app::contract_end::format_end_date;
use nencho_app::sign_in::CurrentUser;
use nencho_tenancy::{ContractStatus, Tenant};

use super::i18n::{Lang, Words};

pub struct MenuUser {
    pub name: String,
    pub login_id: String,
    pub manages_users: bool,
    /// During the forced password change only "log out" is offered.
    pub restricted: bool,
}

pub struct Layout {
    pub lang: Lang,
    pub t: &'static Words,
    pub csrf: String,
    pub user: Option<MenuUser>,
    pub notice: Option<String>,
    /// The current path, so the language switch comes back here.
    pub path: String,
    pub tenant_name: String,
    /// SVC-2 on the web: the banner of an ending contract, on every page of its site.
    pub contract_end: Option<String>,
    /// SVC-6 on the web: the maintenance notices not yet over, on every page of every site.
    pub maintenance: Vec<crate::pages::maintenance::MaintenanceBanner>,
    /// SVC-5: the line about the regular maintenance window, in the footer.
    pub regular_window: &'static str,
    /// SVC-7: where the contract's contact writes for support; shown to administrators only.
    pub support: Option<String>,
}

/// The SVC-7 footer line for administrators: the support address and who should write to it.
pub fn support_line(
    lang: Lang,
    support: Option<&nencho_kernel::EmailAddress>,
    tenant: &nencho_tenancy::Tenant,
) -> Option<String> {
    let support = support?;
    let contact = &tenant.contact_email;
    Some(match lang {
        Lang::Ja => format!(
            "サポート窓口: {support}(ご契約のご担当者のメールアドレス {contact} からお問い合わせください)"
        ),
        Lang::En => format!(
            "Support: {support} (please write from the contract's contact address {contact})"
        ),
    })
}

/// The SVC-5 footer line in the page's language.
pub fn regular_window_line(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => crate::pages::maintenance::REGULAR_WINDOW_JA,
        Lang::En => crate::pages::maintenance::REGULAR_WINDOW_EN,
    }
}

/// The banner of a contract under notice of its end (SVC-2), in the page's language; `None`
/// for any other contract.
pub fn contract_end_banner(lang: Lang, tenant: &Tenant) -> Option<String> {
    if tenant.status != ContractStatus::Ending {
        return None;
    }
    let ends_on = tenant.ends_on?;
    Some(match lang {
        Lang::Ja => format!(
            "本サービスのご契約は {} に終了します。終了後はログイン・データのエクスポートができません。\
             必要なデータは終了日までにエクスポートしてください。",
            format_end_date(ends_on)
        ),
        Lang::En => format!(
            "The service contract ends on {} {}, {} (the last day of use). After that, signing in \
             and exporting data are no longer possible. Please export the data you need by then.",
            ends_on.month(),
            ends_on.day(),
            ends_on.year()
        ),
    })
}

impl Layout {
    pub fn other_lang(&self) -> &'static str {
        self.lang.other().code()
    }

    pub fn other_lang_label(&self) -> &'static str {
        self.t.switch_language
    }

    pub fn with_user(mut self, current: &CurrentUser) -> Self {
        self.user = Some(MenuUser {
            name: current.user.display_name.as_str().to_owned(),
            login_id: current.user.login_id.to_string(),
            manages_users: current.user.role.manages_users(),
            restricted: current.must_change_password()
                || current.stage != nencho_identity::SessionStage::Complete,
        });
        self
    }

    pub fn with_notice(mut self, notice: impl Into<String>) -> Self {
        self.notice = Some(notice.into());
        self
    }
}
