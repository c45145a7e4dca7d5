//! Server-rendered pages. Templates live in `templates/`; askama escapes every value.

use askama::Template;
use poem::http::StatusCode;
use poem::web::Html;
use poem::{IntoResponse, Response, handler};

#[derive(Template)]
#[template(path = "landing.html")]
struct LandingPage {
    version: &'static str,
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage;

/// Renders a page, or a plain 500 that shows nothing of the failure.
fn render(page: &impl Template, status: StatusCode) -> Response {
    match page.render() {
        Ok(html) => Html(html).with_status(status).into_response(),
        Err(error) => {
            tracing::error!(%error, "template failed to render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[handler]
pub async fn landing() -> Response {
    render(
        &LandingPage {
            version: env!("CARGO_PKG_VERSION"),
        },
        StatusCode::OK,
    )
}

/// Any unknown path: a plain page that reveals nothing.
pub async fn not_found(_: poem::error::NotFoundError) -> Response {
    not_found_page()
}

pub fn not_found_page() -> Response {
    render(&NotFoundPage, StatusCode::NOT_FOUND)
}
