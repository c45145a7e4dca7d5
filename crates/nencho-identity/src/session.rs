use nencho_kernel::{OffsetDateTime, TenantId, UserId};
use time::Duration;

use crate::TokenHash;

/// A login session, stored so that any web server can serve it. The cookie holds the secret
/// token; the store holds only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: TokenHash,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub stage: SessionStage,
}

/// How far the login behind a session got. Only a [`SessionStage::Complete`] session opens the
/// site; the others open the one page that completes them (and logout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    Complete,
    /// The password was right; the authenticator's code is still to come.
    SecondFactorPending,
    /// The password was right, but the contract requires 2段階認証 of this user, who has none
    /// yet: only its set-up page is open.
    EnrolmentRequired,
}

impl SessionStage {
    pub const fn as_code(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::SecondFactorPending => "second_factor",
            Self::EnrolmentRequired => "enrolment",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "complete" => Some(Self::Complete),
            "second_factor" => Some(Self::SecondFactorPending),
            "enrolment" => Some(Self::EnrolmentRequired),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Active,
    /// No request for longer than the idle timeout.
    IdleExpired,
    /// Older than the absolute lifetime, however active.
    Expired,
}

/// Session lifetimes (OWASP ASVS V3.3): 30 minutes idle, 12 hours absolute by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle_timeout: Duration,
    pub absolute_lifetime: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::minutes(30),
            absolute_lifetime: Duration::hours(12),
        }
    }
}

impl SessionPolicy {
    /// Writes of `last_seen_at` are skipped when the last one is this recent, so that a busy page
    /// does not write on every request. Far below the idle timeout, so no session dies early.
    const TOUCH_GRANULARITY: Duration = Duration::minutes(1);

    /// A password waits this long for its second factor; then the login starts again.
    pub const SECOND_FACTOR_WINDOW: Duration = Duration::minutes(10);

    pub fn evaluate(&self, session: &Session, now: OffsetDateTime) -> SessionState {
        let lifetime = match session.stage {
            SessionStage::SecondFactorPending => {
                Self::SECOND_FACTOR_WINDOW.min(self.absolute_lifetime)
            }
            SessionStage::Complete | SessionStage::EnrolmentRequired => self.absolute_lifetime,
        };
        if now >= session.created_at + lifetime {
            SessionState::Expired
        } else if now >= session.last_seen_at + self.idle_timeout {
            SessionState::IdleExpired
        } else {
            SessionState::Active
        }
    }

    pub fn needs_touch(&self, session: &Session, now: OffsetDateTime) -> bool {
        now - session.last_seen_at >= Self::TOUCH_GRANULARITY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_kernel::{Clock, FixedClock};
    use time::macros::datetime;

    fn session(clock: &FixedClock) -> Session {
        Session {
            token_hash: TokenHash::from_hex("00"),
            tenant_id: TenantId::generate(clock),
            user_id: UserId::generate(clock),
            created_at: clock.now(),
            last_seen_at: clock.now(),
            stage: SessionStage::Complete,
        }
    }

    #[test]
    fn a_password_waits_ten_minutes_for_its_code() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let policy = SessionPolicy::default();
        let mut session = session(&clock);
        session.stage = SessionStage::SecondFactorPending;
        session.last_seen_at = clock.now() + Duration::minutes(9);
        assert_eq!(
            policy.evaluate(&session, clock.now() + Duration::minutes(9)),
            SessionState::Active
        );
        assert_eq!(
            policy.evaluate(&session, clock.now() + Duration::minutes(10)),
            SessionState::Expired
        );
        session.stage = SessionStage::Complete;
        assert_eq!(
            policy.evaluate(&session, clock.now() + Duration::minutes(10)),
            SessionState::Active
        );
    }

    #[test]
    fn stage_codes_round_trip() {
        for stage in [
            SessionStage::Complete,
            SessionStage::SecondFactorPending,
            SessionStage::EnrolmentRequired,
        ] {
            assert_eq!(SessionStage::from_code(stage.as_code()), Some(stage));
        }
    }

    #[test]
    fn idle_for_30_minutes_ends_a_session() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let policy = SessionPolicy::default();
        let session = session(&clock);
        assert_eq!(
            policy.evaluate(&session, clock.now() + Duration::minutes(29)),
            SessionState::Active
        );
        assert_eq!(
            policy.evaluate(&session, clock.now() + Duration::minutes(30)),
            SessionState::IdleExpired
        );
    }

    #[test]
    fn twelve_hours_end_even_an_active_session() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let policy = SessionPolicy::default();
        let mut session = session(&clock);
        session.last_seen_at = clock.now() + Duration::hours(12) - Duration::minutes(1);
        assert_eq!(
            policy.evaluate(
                &session,
                clock.now() + Duration::hours(12) - Duration::seconds(1)
            ),
            SessionState::Active
        );
        assert_eq!(
            policy.evaluate(&session, clock.now() + Duration::hours(12)),
            SessionState::Expired
        );
    }

    #[test]
    fn the_timeouts_are_configurable() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let policy = SessionPolicy {
            idle_timeout: Duration::minutes(5),
            absolute_lifetime: Duration::hours(1),
        };
        let session = session(&clock);
        assert_eq!(
            policy.evaluate(&session, clock.now() + Duration::minutes(5)),
            SessionState::IdleExpired
        );
    }

    #[test]
    fn last_seen_is_written_at_most_once_a_minute() {
        let clock = FixedClock::at(datetime!(2026-11-25 09:00 UTC));
        let policy = SessionPolicy::default();
        let session = session(&clock);
        assert!(!policy.needs_touch(&session, clock.now() + Duration::seconds(59)));
        assert!(policy.needs_touch(&session, clock.now() + Duration::seconds(60)));
    }
}
