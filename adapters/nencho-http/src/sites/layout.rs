//! What every site page shares: language, CSRF token, the user menu, a notice.

use nencho_app::sign_in::CurrentUser;

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
            restricted: current.must_change_password(),
        });
        self
    }

    pub fn with_notice(mut self, notice: impl Into<String>) -> Self {
        self.notice = Some(notice.into());
        self
    }
}
