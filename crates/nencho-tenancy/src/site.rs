use std::fmt;

use crate::Slug;

/// Where tenants' sites live: `{scheme}://{slug}.{base_domain}[:{port}]`. With the defaults
/// (`http`, `localhost`, the listen port) `http://acme.localhost:8080` works in a browser, since
/// browsers resolve every `*.localhost` name to the loopback address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteAddress {
    pub scheme: String,
    pub base_domain: String,
    pub port: Option<u16>,
}

impl SiteAddress {
    /// The site URL of a tenant, as printed on the activation notice.
    pub fn site_url(&self, slug: &Slug) -> String {
        let port = match (self.scheme.as_str(), self.port) {
            ("http", Some(80)) | ("https", Some(443)) | (_, None) => String::new(),
            (_, Some(port)) => format!(":{port}"),
        };
        format!("{}://{}.{}{}", self.scheme, slug, self.base_domain, port)
    }

    /// The tenant slug a request's `Host` names, if it is one of our tenant hosts. The port, if
    /// any, is ignored; names are compared case-insensitively as DNS does.
    pub fn slug_of_host(&self, host: &str) -> Option<Slug> {
        let host = host.trim().to_ascii_lowercase();
        let name = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host.as_str(),
        };
        let label = name.strip_suffix(&format!(".{}", self.base_domain.to_ascii_lowercase()))?;
        if label.contains('.') {
            return None;
        }
        Slug::parse(label).ok()
    }

    pub fn is_secure(&self) -> bool {
        self.scheme == "https"
    }
}

impl fmt::Display for SiteAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{{slug}}.{}", self.scheme, self.base_domain)?;
        match self.port {
            Some(port) => write!(f, ":{port}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> SiteAddress {
        SiteAddress {
            scheme: "http".into(),
            base_domain: "localhost".into(),
            port: Some(8080),
        }
    }

    #[test]
    fn builds_site_urls_without_default_ports() {
        let acme = Slug::parse("acme").unwrap();
        assert_eq!(local().site_url(&acme), "http://acme.localhost:8080");
        let production = SiteAddress {
            scheme: "https".into(),
            base_domain: "nencho.example.jp".into(),
            port: Some(443),
        };
        assert_eq!(production.site_url(&acme), "https://acme.nencho.example.jp");
    }

    #[test]
    fn finds_the_slug_in_the_host_header() {
        let site = local();
        assert_eq!(
            site.slug_of_host("acme.localhost:8080"),
            Some(Slug::parse("acme").unwrap())
        );
        assert_eq!(
            site.slug_of_host("ACME.LocalHost"),
            Some(Slug::parse("acme").unwrap())
        );
        assert_eq!(site.slug_of_host("localhost:8080"), None);
        assert_eq!(
            site.slug_of_host("x.acme.localhost"),
            None,
            "one label only"
        );
        assert_eq!(site.slug_of_host("acme.localhost.evil.example"), None);
        assert_eq!(
            site.slug_of_host("www.localhost"),
            None,
            "reserved names are no tenants"
        );
        assert_eq!(site.slug_of_host(""), None);
    }
}
