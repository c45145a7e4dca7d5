//! Server-rendered pages. Templates live in `templates/`; askama escapes every value.

pub(crate) mod maintenance;

use std::sync::Arc;

use askama::Template;
use poem::http::StatusCode;
use poem::web::{Data, Html};
use poem::{IntoResponse, Response, handler};

use crate::HttpServices;
use maintenance::MaintenanceBanner;

#[derive(Template)]
#[template(path = "landing.html")]
struct LandingPage {
    version: &'static str,
    /// SVC-6: the maintenance notices not yet over, in Japanese and in English.
    maintenance: Vec<(MaintenanceBanner, MaintenanceBanner)>,
    regular_window_ja: &'static str,
    regular_window_en: &'static str,
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
pub async fn landing(services: Data<&Arc<HttpServices>>) -> Response {
    maintenance::refresh(&services).await;
    let maintenance = maintenance::banners(&services, true)
        .into_iter()
        .zip(maintenance::banners(&services, false))
        .collect();
    render(
        &LandingPage {
            version: env!("CARGO_PKG_VERSION"),
            maintenance,
            regular_window_ja: maintenance::REGULAR_WINDOW_JA,
            regular_window_en: maintenance::REGULAR_WINDOW_EN,
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
