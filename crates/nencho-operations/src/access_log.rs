//! The access log (LOG-1): one record per request to a tenant site — the communication log
//! (client IP, time, browser) and the application-level access log (method, URL path, route,
//! status, duration, request id, and the session as the signed-in user's id) in one row.
//!
//! What is deliberately NOT recorded: the query string (search forms put names and other search
//! terms there), request and response bodies, cookies, and the session token itself (a log that
//! holds tokens hands out sessions). The session is identified by the user it belongs to.

use std::net::IpAddr;

use nencho_kernel::{OffsetDateTime, TenantId, UserId};

/// The longest user agent kept, in characters; longer ones are cut.
pub const USER_AGENT_MAX_CHARS: usize = 512;

/// The longest path kept, in characters (a path is the caller's to choose).
pub const PATH_MAX_CHARS: usize = 2048;

/// One request to a tenant's site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRecord {
    pub tenant_id: TenantId,
    /// When the request arrived.
    pub at: OffsetDateTime,
    /// The client as resolved behind the trusted proxies (`None`: not known, e.g. a Unix socket).
    pub client_ip: Option<IpAddr>,
    /// The `User-Agent` header, at most [`USER_AGENT_MAX_CHARS`] characters.
    pub user_agent: String,
    pub method: String,
    /// The URL path without the query string.
    pub path: String,
    /// The route pattern that answered (`/admin/users/:id/roles`), when one matched.
    pub route: Option<String>,
    /// The HTTP status of the response.
    pub status: u16,
    /// How long the request took to answer, in milliseconds.
    pub duration_ms: u32,
    /// The request's `x-request-id`, which the application logs carry too.
    pub request_id: Option<String>,
    /// The signed-in user, when the request carried a live session. Never the session token.
    pub user_id: Option<UserId>,
}

/// `user_agent` cut to [`USER_AGENT_MAX_CHARS`] characters.
pub fn user_agent_of(header: &str) -> String {
    header.chars().take(USER_AGENT_MAX_CHARS).collect()
}

/// The path of a request target without its query string or fragment, cut to
/// [`PATH_MAX_CHARS`] characters.
pub fn path_without_query(target: &str) -> String {
    let end = target.find(['?', '#']).unwrap_or(target.len());
    target[..end].chars().take(PATH_MAX_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_never_reaches_the_log() {
        assert_eq!(
            path_without_query("/admin/companies/1/employees?q=山田"),
            "/admin/companies/1/employees"
        );
        assert_eq!(path_without_query("/login#top"), "/login");
        assert_eq!(path_without_query("/"), "/");
    }

    #[test]
    fn user_agents_are_cut_at_512_characters() {
        let long = "あ".repeat(600);
        assert_eq!(user_agent_of(&long).chars().count(), 512);
        assert_eq!(user_agent_of("Mozilla/5.0"), "Mozilla/5.0");
    }
}
