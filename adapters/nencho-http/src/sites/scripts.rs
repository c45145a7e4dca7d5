//! The pages' few scripts, built into the binary and served from `/static/{name}` (the content
//! security policy allows scripts of the site's own origin only). Every page works without them;
//! they add what a browser can do on the spot: the live deductions of the declaration steps,
//! the 「印刷する」 buttons, the dashboard's select-all for 一括承認.

use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{IntoResponse, Response, handler};

/// Name and source of every script.
const SCRIPTS: [(&str, &str); 3] = [
    ("filing.js", include_str!("../../static/filing.js")),
    ("print.js", include_str!("../../static/print.js")),
    ("dashboard.js", include_str!("../../static/dashboard.js")),
];

#[handler]
pub fn script(Path(name): Path<String>) -> Response {
    match SCRIPTS.iter().find(|(known, _)| *known == name) {
        Some((_, source)) => source
            .with_content_type("application/javascript; charset=utf-8")
            .with_header(header::CACHE_CONTROL, "public, max-age=3600")
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
