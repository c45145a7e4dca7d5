//! ログインのご案内: a printable sheet per person just given an initial password — the site's
//! address, the login ID, the password and what to do first — for handing out on paper to
//! employees without an e-mail address (ID-6). Shown with the passwords, on the same page that
//! shows them once; printing it prints the sheets alone, one per page.

use super::context::Site;

/// One sheet.
pub struct LoginNoticeCard {
    pub name: String,
    pub login_id: String,
    pub password: String,
}

/// The sheets of one page, with what every sheet repeats.
pub struct LoginNotices {
    pub site_url: String,
    /// Who hands it out: the contract's name, and the company's when there is one.
    pub organisation: String,
    pub cards: Vec<LoginNoticeCard>,
}

impl LoginNotices {
    /// No sheets (the page has no new passwords).
    pub fn none() -> Self {
        Self {
            site_url: String::new(),
            organisation: String::new(),
            cards: Vec::new(),
        }
    }

    /// The sheets for `cards` on `site`, handed out by `company` of the tenant, if given.
    pub fn of(site: &Site<'_>, company: Option<&str>, cards: Vec<LoginNoticeCard>) -> Self {
        let tenant = site.tenant.name.as_str();
        Self {
            site_url: site.services.app.site.site_url(&site.tenant.slug),
            organisation: match company {
                Some(company) if company != tenant => format!("{tenant} {company}"),
                _ => tenant.to_owned(),
            },
            cards,
        }
    }
}
