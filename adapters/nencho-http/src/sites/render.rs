//! Page templates and rendering.

use askama::Template;
use poem::http::StatusCode;
use poem::web::Html;
use poem::{IntoResponse, Response};

use super::i18n::Words;
use super::layout::Layout;

pub fn page(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => Html(html).with_status(status).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "site/message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub title: String,
    pub body: String,
    pub link: String,
    pub link_label: String,
}

/// A page that says one thing and offers one link.
pub fn message(layout: Layout, status: StatusCode, title: &str, body: &str, link: &str, link_label: &str) -> Response {
    page(
        &MessagePage { layout, title: title.into(), body: body.into(), link: link.into(), link_label: link_label.into() },
        status,
    )
}

/// A form whose CSRF token is missing or wrong (or that does not parse): 403, nothing done.
pub fn rejected_form(layout: Layout) -> Response {
    let t: &Words = layout.t;
    message(layout, StatusCode::FORBIDDEN, t.error_title, t.bad_form, "/", t.back_home)
}

/// An unknown tenant host: the same page as any unknown path, naming nothing.
pub fn plain_not_found() -> Response {
    crate::pages::not_found_page()
}
