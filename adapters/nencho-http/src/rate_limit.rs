//! Per-client-IP rate limits for the public, login-free endpoints (the tax calculator).
//!
//! The client is the [`ClientAddress`] resolved once per request (the socket's peer, or behind
//! a trusted proxy the address it forwarded). IPv6 clients are keyed
//! by their /64, the block one subscriber usually holds, so that rotating addresses within it
//! does not escape the limit. The algorithm is GCRA (`governor`); its time comes from
//! [`nencho_kernel::Clock`], so tests move time instead of sleeping.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::Clock as GovernorClock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use nencho_kernel::{Clock, OffsetDateTime};
use poem::http::StatusCode;
use poem::{Endpoint, IntoResponse, Request, Response};

use crate::client_ip::ClientAddress;

/// Requests one client may send in a burst: more than a person filling in the calculator by
/// hand ever needs.
pub const CALCULATOR_BURST: u32 = 30;
/// Requests per minute one client may sustain once the burst is spent.
pub const CALCULATOR_PER_MINUTE: u32 = 60;

/// Sign-in forms (login, forgotten password) one client may post in a burst, and per minute
/// after it (SEC-4, SEC-5): a person mistyping never meets it; a password-list attack from one
/// address is slowed to a crawl, on top of the per-ID lock.
pub const SIGN_IN_BURST: u32 = 20;
pub const SIGN_IN_PER_MINUTE: u32 = 10;

/// How many checks between two sweeps of clients that are back to a full burst (and so need no
/// state): bounds the memory a flood of distinct addresses can take.
const CHECKS_BETWEEN_SWEEPS: u64 = 1024;

/// Who a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ClientKey {
    Ip(IpAddr),
    /// Not an IP socket (a Unix socket behind a local proxy): all such requests share one limit.
    Other,
}

impl ClientKey {
    fn of(address: Option<IpAddr>) -> Self {
        match address {
            Some(ip) => match ip {
                IpAddr::V4(v4) => ClientKey::Ip(IpAddr::V4(v4)),
                IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => ClientKey::Ip(IpAddr::V4(v4)),
                    None => {
                        let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                        ClientKey::Ip(IpAddr::V6(prefix.into()))
                    }
                },
            },
            _ => ClientKey::Other,
        }
    }
}

/// governor's view of [`nencho_kernel::Clock`]: time as the duration since the Unix epoch.
struct KernelClock(Arc<dyn Clock>);

impl GovernorClock for KernelClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        Duration::try_from(self.0.now() - OffsetDateTime::UNIX_EPOCH).unwrap_or(Duration::ZERO)
    }
}

/// The limiter of one group of endpoints, keyed by client.
pub(crate) struct ClientRateLimiter {
    limiter:
        RateLimiter<ClientKey, HashMapStateStore<ClientKey>, KernelClock, NoOpMiddleware<Duration>>,
    checks: AtomicU64,
}

impl ClientRateLimiter {
    /// `burst` requests at once, refilled at `per_minute`.
    pub(crate) fn new(clock: Arc<dyn Clock>, burst: u32, per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        Self {
            limiter: RateLimiter::new(quota, HashMapStateStore::default(), KernelClock(clock)),
            checks: AtomicU64::new(0),
        }
    }

    /// The sign-in forms' limit.
    pub(crate) fn for_sign_in(clock: Arc<dyn Clock>) -> Self {
        Self::new(clock, SIGN_IN_BURST, SIGN_IN_PER_MINUTE)
    }

    /// The calculator's limit.
    pub(crate) fn for_calculator(clock: Arc<dyn Clock>) -> Self {
        Self::new(clock, CALCULATOR_BURST, CALCULATOR_PER_MINUTE)
    }

    /// `Ok` when the request may go on; otherwise how long the client should wait.
    fn check(&self, address: Option<IpAddr>) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % CHECKS_BETWEEN_SWEEPS
            == CHECKS_BETWEEN_SWEEPS - 1
        {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter
            .check_key(&ClientKey::of(address))
            .map_err(|not_until| not_until.wait_time_from(self.limiter_clock_now()))
    }

    fn limiter_clock_now(&self) -> Duration {
        // The limiter owns its clock; reading the same kernel clock gives the same time.
        self.limiter.clock().now()
    }
}

/// Wraps an endpoint so that each request first passes the [`ClientRateLimiter`] found in the
/// request data under the type `L` (installed by [`crate::endpoint`]); a refused request gets
/// `refuse(retry_after_seconds)`.
pub(crate) fn rate_limited<E: Endpoint, L: LimiterData>(
    inner: E,
    refuse: fn(u64) -> Response,
) -> RateLimited<E, L> {
    RateLimited {
        inner,
        refuse,
        limiter: std::marker::PhantomData,
    }
}

/// A request-data newtype that carries one group's limiter.
pub(crate) trait LimiterData: Clone + Send + Sync + 'static {
    fn limiter(&self) -> &ClientRateLimiter;
}

/// The request data that carries the sign-in forms' limiter.
#[derive(Clone)]
pub(crate) struct SignInRateLimiter(pub(crate) Arc<ClientRateLimiter>);

impl LimiterData for SignInRateLimiter {
    fn limiter(&self) -> &ClientRateLimiter {
        &self.0
    }
}

/// The request data that carries the calculator's limiter.
#[derive(Clone)]
pub(crate) struct CalculatorRateLimiter(pub(crate) Arc<ClientRateLimiter>);

impl LimiterData for CalculatorRateLimiter {
    fn limiter(&self) -> &ClientRateLimiter {
        &self.0
    }
}

pub(crate) struct RateLimited<E, L> {
    inner: E,
    refuse: fn(u64) -> Response,
    limiter: std::marker::PhantomData<fn() -> L>,
}

impl<E: Endpoint, L: LimiterData> Endpoint for RateLimited<E, L> {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        let Some(data) = request.data::<L>().cloned() else {
            // Only reachable if the endpoint were assembled without `crate::endpoint`; refuse
            // rather than serve unlimited.
            tracing::error!("a rate limiter is not installed");
            let body = serde_json::json!({
                "error": "this service is not available (ただいま利用できません)",
                "field": null,
            });
            return Ok(poem::web::Json(body)
                .with_status(StatusCode::SERVICE_UNAVAILABLE)
                .into_response());
        };
        match data.limiter().check(ClientAddress::of(&request).0) {
            Ok(()) => self
                .inner
                .call(request)
                .await
                .map(IntoResponse::into_response),
            Err(wait) => {
                // Whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3).
                let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Ok((self.refuse)(seconds.max(1)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn address(text: &str) -> Option<IpAddr> {
        Some(text.parse::<SocketAddr>().unwrap().ip())
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_slash_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            ClientKey::of(address("[2001:db8:1:2:aaaa::1]:5000")),
            ClientKey::of(address("[2001:db8:1:2:bbbb::9]:6000"))
        );
        assert_ne!(
            ClientKey::of(address("[2001:db8:1:2::1]:5000")),
            ClientKey::of(address("[2001:db8:1:3::1]:5000"))
        );
        assert_eq!(
            ClientKey::of(address("[::ffff:192.0.2.7]:5000")),
            ClientKey::of(address("192.0.2.7:80"))
        );
        assert_eq!(ClientKey::of(None), ClientKey::Other);
    }
}
