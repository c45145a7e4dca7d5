use poem::middleware::SetHeader;

/// How long browsers keep to HTTPS for a site after seeing it (one year, ASVS V9.1.1 / V14.4.5).
const HSTS: &str = "max-age=31536000";

/// Headers every response carries (OWASP ASVS V14.4): no sniffing, no framing, no referrer
/// leaks, a content security policy that admits only this site's own resources, and no copy in
/// any cache (ASVS V14.3.2 / 5.0 V14.3.2: the pages carry personal data, an authenticator's key,
/// recovery codes; a shared PC's browser cache must not keep them). Sites
/// served over HTTPS (`site_scheme = https`: TLS ends at the deployment's proxy, SEC-6) also
/// tell browsers never to come back over plain HTTP (HSTS, per site: not for other subdomains,
/// which are other contracts' sites).
pub fn middleware(https: bool) -> SetHeader {
    let headers = SetHeader::new();
    let headers = if https {
        headers.overriding("Strict-Transport-Security", HSTS)
    } else {
        headers
    };
    headers
        .overriding("X-Content-Type-Options", "nosniff")
        .overriding("X-Frame-Options", "DENY")
        .overriding("Referrer-Policy", "same-origin")
        .overriding(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        )
        .overriding(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        )
        .overriding("Cross-Origin-Opener-Policy", "same-origin")
        .overriding("Cache-Control", "no-store")
}
