use nencho_kernel::OffsetDateTime;
use time::Duration;

/// Soft lock against password guessing on one ID (SEC-4, OWASP ASVS V2.2.1): after
/// `max_failures` failed logins within `window`, further attempts are refused until `window` has
/// passed since the latest failure. The correct password does not unlock it early, so a guesser
/// learns nothing from the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottlePolicy {
    pub max_failures: usize,
    pub window: Duration,
}

impl Default for LoginThrottlePolicy {
    fn default() -> Self {
        Self {
            max_failures: 10,
            window: Duration::minutes(15),
        }
    }
}

impl LoginThrottlePolicy {
    /// Where to start counting failures.
    pub fn window_start(&self, now: OffsetDateTime) -> OffsetDateTime {
        now - self.window
    }

    /// `recent_failures`: failures on the ID since [`Self::window_start`] (and since its last
    /// successful login).
    pub fn is_locked(&self, recent_failures: usize) -> bool {
        recent_failures >= self.max_failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_in_fifteen_minutes_lock_the_id() {
        let policy = LoginThrottlePolicy::default();
        assert!(!policy.is_locked(9));
        assert!(policy.is_locked(10));
    }
}
