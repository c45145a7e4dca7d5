//! Who the client is. Behind a load balancer the socket's peer is the balancer; the client is in
//! `X-Forwarded-For`, which anyone can also write. So the header is believed only from the
//! proxies the deployment names (`trusted_proxies`), read from the right (nearest hop) and
//! stopping at the first address that is not a trusted proxy: a client cannot forge its way past
//! the balancer that appended the real peer. Every use of the client address — the IP
//! allow-list (SEC-2), rate limits (SEC-5), the login history (LOG-3), the access log — reads
//! the [`ClientAddress`] this middleware puts on the request.

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;
use nencho_tenancy::unmap_ipv4_address;
use poem::{Endpoint, Middleware, Request};

/// The proxies whose `X-Forwarded-For` is believed; empty: none (the peer is the client).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks.into())
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The client of a request from `peer` carrying these `X-Forwarded-For` values (in header
    /// order). `None` when the peer is not an IP socket (a Unix socket) and nothing trusted
    /// says more.
    pub fn client(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let mut client = peer.map(unmap_ipv4_address)?;
        if !self.trusts(client) {
            return Some(client);
        }
        let hops = forwarded_for
            .iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .rev();
        for hop in hops {
            match parse_hop(hop) {
                Some(address) => {
                    client = unmap_ipv4_address(address);
                    if !self.trusts(client) {
                        return Some(client);
                    }
                }
                // A hop that is not an address (garbage, `unknown`): what lies beyond it cannot
                // be believed, so the last trusted hop is the client.
                None => return Some(client),
            }
        }
        Some(client)
    }
}

/// An `X-Forwarded-For` element: an address, possibly with a port (`192.0.2.1:5000`,
/// `[2001:db8::1]:443`) as some proxies write it.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(address);
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    None
}

/// The client's address as resolved for this request (`None`: not known, e.g. a Unix socket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub Option<IpAddr>);

impl ClientAddress {
    /// The resolved address of `request`; the socket's peer if the middleware did not run
    /// (a handler tested alone).
    pub fn of(request: &Request) -> Self {
        request
            .extensions()
            .get::<ClientAddress>()
            .copied()
            .unwrap_or_else(|| {
                Self(
                    request
                        .remote_addr()
                        .as_socket_addr()
                        .map(|socket| unmap_ipv4_address(socket.ip())),
                )
            })
    }

    /// The address as text for logs and the login history ("" when unknown).
    pub fn text(&self) -> String {
        self.0
            .map(|address| address.to_string())
            .unwrap_or_default()
    }
}

/// Puts the [`ClientAddress`] on every request.
pub struct ResolveClient(pub TrustedProxies);

impl<E: Endpoint> Middleware<E> for ResolveClient {
    type Output = ResolveClientEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        ResolveClientEndpoint {
            inner,
            proxies: self.0.clone(),
        }
    }
}

pub struct ResolveClientEndpoint<E> {
    inner: E,
    proxies: TrustedProxies,
}

impl<E: Endpoint> Endpoint for ResolveClientEndpoint<E> {
    type Output = E::Output;

    async fn call(&self, mut request: Request) -> poem::Result<Self::Output> {
        let peer = request
            .remote_addr()
            .as_socket_addr()
            .map(|socket| socket.ip());
        let forwarded: Vec<&str> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        let client = ClientAddress(self.proxies.client(peer, &forwarded));
        request.extensions_mut().insert(client);
        self.inner.call(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(networks: &[&str]) -> TrustedProxies {
        TrustedProxies::new(networks.iter().map(|n| n.parse().unwrap()).collect())
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(Some(ip("198.51.100.7")), &["203.0.113.1"]),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(none.client(None, &["203.0.113.1"]), None);
    }

    #[test]
    fn a_trusted_proxy_hands_over_the_nearest_untrusted_hop() {
        let lb = proxies(&["10.0.0.0/8"]);
        // The client wrote a forged first hop; the balancer appended the real peer.
        assert_eq!(
            lb.client(Some(ip("10.0.0.5")), &["1.2.3.4, 203.0.113.9"]),
            Some(ip("203.0.113.9"))
        );
        // Two trusted tiers (CDN edge inside 10/8, then the balancer), split over two headers.
        assert_eq!(
            lb.client(Some(ip("10.0.0.5")), &["203.0.113.9", "10.1.2.3"]),
            Some(ip("203.0.113.9"))
        );
        // Ports and IPv4-mapped IPv6 as some proxies write them.
        assert_eq!(
            lb.client(Some(ip("::ffff:10.0.0.5")), &["[2001:db8::1]:443"]),
            Some(ip("2001:db8::1"))
        );
        assert_eq!(
            lb.client(Some(ip("10.0.0.5")), &["203.0.113.9:5000"]),
            Some(ip("203.0.113.9"))
        );
    }

    #[test]
    fn a_request_not_from_a_trusted_proxy_cannot_claim_another_address() {
        let lb = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            lb.client(Some(ip("198.51.100.7")), &["10.0.0.9"]),
            Some(ip("198.51.100.7"))
        );
    }

    #[test]
    fn garbage_or_a_missing_header_stops_at_the_last_trusted_hop() {
        let lb = proxies(&["10.0.0.0/8"]);
        assert_eq!(lb.client(Some(ip("10.0.0.5")), &[]), Some(ip("10.0.0.5")));
        assert_eq!(
            lb.client(Some(ip("10.0.0.5")), &["203.0.113.9, unknown"]),
            Some(ip("10.0.0.5"))
        );
        assert_eq!(
            lb.client(Some(ip("10.0.0.5")), &["203.0.113.9, unknown, 10.0.0.7"]),
            Some(ip("10.0.0.7"))
        );
    }
}
