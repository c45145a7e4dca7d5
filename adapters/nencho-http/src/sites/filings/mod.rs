//! The declaration pages (YEA-1…4): the employee's guided flow and proxy entry, and the script
//! that shows the deductions live.

mod flow;
mod form;
mod views;
mod words;

use poem::http::header;
use poem::{IntoResponse, Response, Route, get, handler, post};

/// Adds the declaration routes to a tenant site's routes.
pub fn routes(route: Route) -> Route {
    route
        .at("/filings", get(flow::current_year))
        .at("/filings/:year", get(flow::own_overview))
        .at(
            "/filings/:year/step/:step",
            get(flow::own_step).post(flow::own_save_step),
        )
        .at("/filings/:year/preview/:step", post(flow::own_preview))
        .at("/filings/:year/review", get(flow::own_review))
        .at("/filings/:year/submit", post(flow::own_submit))
        .at("/filings/:year/withdraw", post(flow::own_withdraw))
        .at(
            "/admin/employees/:employee/filings/:year",
            get(flow::proxy_overview),
        )
        .at(
            "/admin/employees/:employee/filings/:year/step/:step",
            get(flow::proxy_step).post(flow::proxy_save_step),
        )
        .at(
            "/admin/employees/:employee/filings/:year/preview/:step",
            post(flow::proxy_preview),
        )
        .at(
            "/admin/employees/:employee/filings/:year/review",
            get(flow::proxy_review),
        )
        .at(
            "/admin/employees/:employee/filings/:year/submit",
            post(flow::proxy_submit_handler),
        )
        .at("/static/filing.js", get(script))
}

#[handler]
fn script() -> Response {
    include_str!("../../../static/filing.js")
        .with_content_type("application/javascript; charset=utf-8")
        .with_header(header::CACHE_CONTROL, "public, max-age=3600")
        .into_response()
}
