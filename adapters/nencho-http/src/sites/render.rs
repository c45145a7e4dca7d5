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
pub fn message(
    layout: Layout,
    status: StatusCode,
    title: &str,
    body: &str,
    link: &str,
    link_label: &str,
) -> Response {
    page(
        &MessagePage {
            layout,
            title: title.into(),
            body: body.into(),
            link: link.into(),
            link_label: link_label.into(),
        },
        status,
    )
}

/// A form whose CSRF token is missing or wrong (or that does not parse): 403, nothing done.
pub fn rejected_form(layout: Layout) -> Response {
    let t: &Words = layout.t;
    message(
        layout,
        StatusCode::FORBIDDEN,
        t.error_title,
        t.bad_form,
        "/",
        t.back_home,
    )
}

/// An unknown tenant host: the same page as any unknown path, naming nothing.
pub fn plain_not_found() -> Response {
    crate::pages::not_found_page()
}

/// 429 for a client that posts sign-in forms too fast; bilingual, as it has no session.
pub fn too_many_attempts(retry_after_seconds: u64) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>しばらくお待ちください</title></head><body><main><h1>しばらくお待ちください</h1>\
         <p>短い時間に多くの操作がありました。{retry_after_seconds}秒ほど待ってからもう一度お試しください。</p>\
         <p lang=\"en\">Too many attempts. Please wait {retry_after_seconds} seconds and try again.</p>\
         </main></body></html>"
    );
    Html(body)
        .with_status(StatusCode::TOO_MANY_REQUESTS)
        .with_header("Retry-After", retry_after_seconds.to_string())
        .into_response()
}

/// Percent-encodes bytes, keeping only RFC 3986's unreserved characters: for a query value or
/// a `data:` URL.
pub fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 with RFC 5987's encoding): the
/// Japanese `filename` for browsers that read `filename*`, `fallback` (ASCII) for the others.
pub fn content_disposition(filename: &str, fallback: &str) -> String {
    disposition("attachment", filename, fallback)
}

/// As [`content_disposition`], for a file the browser shows itself (an attached certificate).
pub fn inline_disposition(filename: &str, fallback: &str) -> String {
    disposition("inline", filename, fallback)
}

fn disposition(kind: &str, filename: &str, fallback: &str) -> String {
    let ascii: String = fallback
        .chars()
        .map(|character| {
            if character.is_ascii_graphic() && character != '"' && character != '\\' {
                character
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encode(filename.as_bytes());
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A CSV file as a `data:` URL, so that it is downloaded from the page and never kept on the
/// server (generated passwords, settlement results).
pub fn csv_data_url(bytes: &[u8], charset: &str) -> String {
    format!("data:text/csv;charset={charset},{}", percent_encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_is_encoded_for_every_browser() {
        assert_eq!(
            content_disposition("申告書 令和8年.pdf", "declarations-2026.pdf"),
            "attachment; filename=\"declarations-2026.pdf\"; \
             filename*=UTF-8''%E7%94%B3%E5%91%8A%E6%9B%B8%20%E4%BB%A4%E5%92%8C8%E5%B9%B4.pdf"
        );
        assert_eq!(
            content_disposition("a\"b.pdf", "a\"b\\c d.pdf"),
            "attachment; filename=\"a_b_c_d.pdf\"; filename*=UTF-8''a%22b.pdf"
        );
    }
}
