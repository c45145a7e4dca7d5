//! Retention (LOG-1, LOG-4): what the platform keeps, and for how long.

use nencho_kernel::OffsetDateTime;
use time::Duration;

/// How long records are kept after they stop being useful.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Operator activity (LOG-4): at most 90 days, the same for every contract.
    pub operator_log: Duration,
    /// Mail that was sent or given up: kept for support questions ("did the mail go out?"),
    /// then removed, since its body names people.
    pub settled_mail: Duration,
    /// One-time tokens after they expired (used ones expire too): a short grace so a late
    /// click still gets "this link has expired" rather than "unknown link".
    pub expired_tokens: Duration,
    /// Access records of tenant sites (LOG-1): at most 90 days, the same for every contract
    /// (not extended or shortened per customer).
    pub access_log: Duration,
}

impl RetentionPolicy {
    /// The service's policy. The login history (LOG-3) is not here: it is kept as long as the
    /// contract lives.
    pub const STANDARD: RetentionPolicy = RetentionPolicy {
        operator_log: Duration::days(90),
        settled_mail: Duration::days(90),
        expired_tokens: Duration::days(7),
        access_log: Duration::days(90),
    };

    /// The cut-offs of a purge at `now`. Sessions end by the session rules (idle and absolute
    /// lifetimes), which the caller passes in from its session policy.
    pub fn cutoffs(
        &self,
        now: OffsetDateTime,
        session_idle: Duration,
        session_absolute: Duration,
    ) -> Cutoffs {
        Cutoffs {
            operator_actions_before: now - self.operator_log,
            mail_settled_before: now - self.settled_mail,
            tokens_expired_before: now - self.expired_tokens,
            sessions_seen_before: now - session_idle,
            sessions_created_before: now - session_absolute,
            access_records_before: now - self.access_log,
        }
    }
}

/// What a purge removes: every record older than its cut-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    /// Operator actions recorded before this.
    pub operator_actions_before: OffsetDateTime,
    /// Mail sent or given up before this.
    pub mail_settled_before: OffsetDateTime,
    /// One-time tokens that expired before this.
    pub tokens_expired_before: OffsetDateTime,
    /// Sessions last seen before this (idle timeout).
    pub sessions_seen_before: OffsetDateTime,
    /// Sessions opened before this (absolute lifetime).
    pub sessions_created_before: OffsetDateTime,
    /// Access records (LOG-1) made before this.
    pub access_records_before: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_operator_and_access_logs_keep_ninety_days_and_sessions_follow_their_rules() {
        let now = datetime!(2026-11-26 02:00 UTC);
        let cutoffs =
            RetentionPolicy::STANDARD.cutoffs(now, Duration::minutes(30), Duration::hours(12));
        assert_eq!(
            cutoffs.operator_actions_before,
            datetime!(2026-08-28 02:00 UTC)
        );
        assert_eq!(
            cutoffs.access_records_before,
            datetime!(2026-08-28 02:00 UTC)
        );
        assert_eq!(cutoffs.mail_settled_before, datetime!(2026-08-28 02:00 UTC));
        assert_eq!(
            cutoffs.tokens_expired_before,
            datetime!(2026-11-19 02:00 UTC)
        );
        assert_eq!(
            cutoffs.sessions_seen_before,
            datetime!(2026-11-26 01:30 UTC)
        );
        assert_eq!(
            cutoffs.sessions_created_before,
            datetime!(2026-11-25 14:00 UTC)
        );
    }
}
