//! SVC-4: availability measured — uptime, MTTR and MTBF over a period — from the outages the
//! worker records. The regular maintenance window (SVC-5) and planned maintenance announced
//! with notice (SVC-6) are not downtime: the service may be unavailable then by the contract;
//! emergency maintenance is.
//!
//! Definitions (as in JIS X 0014 / IEC 60050-192, the usual SLA reading): the *service time* is
//! the period minus the maintenance excluded; *downtime* the time within it when the service was
//! down (outages of several causes at once count once); a *failure* is one such stretch of
//! downtime; MTTR = downtime ÷ failures; MTBF = (service time − downtime) ÷ failures; uptime =
//! (service time − downtime) ÷ service time.

use std::collections::BTreeMap;

use nencho_kernel::JAPAN_STANDARD_TIME;
use time::{Duration, OffsetDateTime, Weekday};

use crate::maintenance::{REGULAR_WINDOW_END, REGULAR_WINDOW_START};

/// What was found down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutageCause {
    /// The store did not answer the worker.
    Store,
    /// The web servers' readiness (`probe_url`/readyz) did not answer 200.
    Web,
}

impl OutageCause {
    pub const ALL: [Self; 2] = [Self::Store, Self::Web];

    pub fn code(self) -> &'static str {
        match self {
            Self::Store => "store",
            Self::Web => "web",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|cause| cause.code() == code)
    }
}

/// A stretch of time something was down: from the first failed check to the first good one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outage {
    pub cause: OutageCause,
    pub started_at: OffsetDateTime,
    pub ended_at: OffsetDateTime,
}

/// Checks in a row that must fail before an outage is recorded: one slow answer is not an
/// outage.
pub const FAILED_CHECKS_FOR_OUTAGE: u32 = 2;

/// The worker's view between checks: since when, and for how many checks, each cause has been
/// failing.
#[derive(Debug, Clone, Default)]
pub struct OutageTracker {
    failing: BTreeMap<OutageCause, (OffsetDateTime, u32)>,
}

impl OutageTracker {
    /// Notes one check of `cause` at `at`; the outage it ends, if this good check ends one that
    /// lasted [`FAILED_CHECKS_FOR_OUTAGE`] checks or more.
    pub fn observe(
        &mut self,
        cause: OutageCause,
        healthy: bool,
        at: OffsetDateTime,
    ) -> Option<Outage> {
        if !healthy {
            self.failing.entry(cause).or_insert((at, 0)).1 += 1;
            return None;
        }
        let (started_at, checks) = self.failing.remove(&cause)?;
        (checks >= FAILED_CHECKS_FOR_OUTAGE).then_some(Outage {
            cause,
            started_at,
            ended_at: at,
        })
    }

    /// Since when `cause` has been down, once it counts as an outage.
    pub fn down_since(&self, cause: OutageCause) -> Option<OffsetDateTime> {
        self.failing
            .get(&cause)
            .filter(|(_, checks)| *checks >= FAILED_CHECKS_FOR_OUTAGE)
            .map(|(since, _)| *since)
    }
}

/// A half-open stretch of time `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
}

impl Span {
    fn length(self) -> Duration {
        (self.end - self.start).max(Duration::ZERO)
    }

    fn clipped(self, to: Span) -> Option<Span> {
        let start = self.start.max(to.start);
        let end = self.end.min(to.end);
        (start < end).then_some(Span { start, end })
    }
}

/// The spans sorted, overlapping and touching ones joined.
fn union(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|span| span.start);
    let mut joined: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match joined.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => joined.push(span),
        }
    }
    joined
}

/// SVC-5's regular windows (Monday–Friday 02:00–02:30 JST, holidays included) that overlap
/// `period`.
pub fn regular_windows(period: Span) -> Vec<Span> {
    let first = period.start.to_offset(JAPAN_STANDARD_TIME).date();
    let last = period.end.to_offset(JAPAN_STANDARD_TIME).date();
    let mut windows = Vec::new();
    let mut day = first;
    while day <= last {
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            let window = Span {
                start: day
                    .with_time(REGULAR_WINDOW_START)
                    .assume_offset(JAPAN_STANDARD_TIME),
                end: day
                    .with_time(REGULAR_WINDOW_END)
                    .assume_offset(JAPAN_STANDARD_TIME),
            };
            windows.extend(window.clipped(period));
        }
        let Some(next) = day.next_day() else { break };
        day = next;
    }
    windows
}

/// The measures of one period.
#[derive(Debug, Clone, PartialEq)]
pub struct AvailabilityReport {
    pub period: Span,
    /// Regular windows and planned maintenance within the period (joined).
    pub maintenance: Duration,
    pub service_time: Duration,
    pub downtime: Duration,
    pub failures: u32,
    /// (service time − downtime) ÷ service time; 1 for a period without service time.
    pub uptime: f64,
    pub mttr: Option<Duration>,
    pub mtbf: Option<Duration>,
    /// The stretches of downtime counted (outages joined, maintenance cut out), oldest first.
    pub downtime_spans: Vec<Span>,
}

/// The availability over `period` given the recorded `outages` and the `planned` maintenance
/// announced with notice (emergencies left out by the caller).
pub fn availability(outages: &[Outage], planned: &[Span], period: Span) -> AvailabilityReport {
    let mut excluded = regular_windows(period);
    excluded.extend(planned.iter().filter_map(|span| span.clipped(period)));
    let excluded = union(excluded);
    let maintenance: Duration = excluded.iter().map(|span| span.length()).sum();
    let down = union(
        outages
            .iter()
            .filter_map(|outage| {
                Span {
                    start: outage.started_at,
                    end: outage.ended_at,
                }
                .clipped(period)
            })
            .collect(),
    );
    let downtime_spans: Vec<Span> = down
        .iter()
        .flat_map(|span| without(*span, &excluded))
        .collect();
    // A failure is a stretch of downtime; maintenance cutting through one does not make two.
    let failures = down
        .iter()
        .filter(|span| !without(**span, &excluded).is_empty())
        .count();
    let failures = u32::try_from(failures).unwrap_or(u32::MAX);
    let downtime: Duration = downtime_spans.iter().map(|span| span.length()).sum();
    let service_time = period.length() - maintenance;
    let up = service_time - downtime;
    let uptime = if service_time.is_positive() {
        up.as_seconds_f64() / service_time.as_seconds_f64()
    } else {
        1.0
    };
    let per_failure = |total: Duration| (failures > 0).then(|| total / failures);
    AvailabilityReport {
        period,
        maintenance,
        service_time,
        downtime,
        failures,
        uptime,
        mttr: per_failure(downtime),
        mtbf: per_failure(up),
        downtime_spans,
    }
}

/// `span` minus the (joined, sorted) `excluded` spans.
fn without(span: Span, excluded: &[Span]) -> Vec<Span> {
    let mut left = Vec::new();
    let mut from = span.start;
    for cut in excluded {
        if cut.end <= from || cut.start >= span.end {
            continue;
        }
        if cut.start > from {
            left.push(Span {
                start: from,
                end: cut.start,
            });
        }
        from = from.max(cut.end);
    }
    if from < span.end {
        left.push(Span {
            start: from,
            end: span.end,
        });
    }
    left
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn outage(cause: OutageCause, start: OffsetDateTime, end: OffsetDateTime) -> Outage {
        Outage {
            cause,
            started_at: start,
            ended_at: end,
        }
    }

    /// 2026-11-23 is a Monday (勤労感謝の日: a holiday, still a window day under SVC-5).
    fn week() -> Span {
        Span {
            start: datetime!(2026-11-23 00:00 +09:00),
            end: datetime!(2026-11-30 00:00 +09:00),
        }
    }

    #[test]
    fn a_week_has_five_regular_windows_of_thirty_minutes() {
        let windows = regular_windows(week());
        assert_eq!(windows.len(), 5, "Monday to Friday, the holiday included");
        assert_eq!(windows[0].start, datetime!(2026-11-23 02:00 +09:00));
        assert_eq!(windows[4].end, datetime!(2026-11-27 02:30 +09:00));
        let report = availability(&[], &[], week());
        assert_eq!(report.maintenance, Duration::minutes(150));
        assert_eq!(
            report.service_time,
            Duration::days(7) - Duration::minutes(150)
        );
        assert_eq!((report.failures, report.uptime), (0, 1.0));
        assert_eq!((report.mttr, report.mtbf), (None, None));
    }

    /// Two outages, the store's and the web's, overlapping on Tuesday (joined: one failure of
    /// 40 minutes), one on Thursday across the window (01:50–02:40: 20 minutes count), one
    /// entirely inside Friday's window (not a failure), one in announced maintenance (none).
    #[test]
    fn overlapping_outages_count_once_and_maintenance_is_cut_out() {
        let outages = [
            outage(
                OutageCause::Store,
                datetime!(2026-11-24 10:00 +09:00),
                datetime!(2026-11-24 10:30 +09:00),
            ),
            outage(
                OutageCause::Web,
                datetime!(2026-11-24 10:20 +09:00),
                datetime!(2026-11-24 10:40 +09:00),
            ),
            outage(
                OutageCause::Web,
                datetime!(2026-11-26 01:50 +09:00),
                datetime!(2026-11-26 02:40 +09:00),
            ),
            outage(
                OutageCause::Store,
                datetime!(2026-11-27 02:05 +09:00),
                datetime!(2026-11-27 02:25 +09:00),
            ),
            outage(
                OutageCause::Store,
                datetime!(2026-11-28 22:10 +09:00),
                datetime!(2026-11-28 23:00 +09:00),
            ),
        ];
        let planned = [Span {
            start: datetime!(2026-11-28 22:00 +09:00),
            end: datetime!(2026-11-29 01:00 +09:00),
        }];
        let report = availability(&outages, &planned, week());
        assert_eq!(report.failures, 2);
        assert_eq!(report.downtime, Duration::minutes(40 + 20));
        assert_eq!(
            report.maintenance,
            Duration::minutes(150) + Duration::hours(3)
        );
        let service = Duration::days(7) - Duration::minutes(150) - Duration::hours(3);
        assert_eq!(report.service_time, service);
        assert_eq!(report.mttr, Some(Duration::minutes(30)));
        assert_eq!(report.mtbf, Some((service - Duration::minutes(60)) / 2));
        let expected =
            (service - Duration::minutes(60)).as_seconds_f64() / service.as_seconds_f64();
        assert!((report.uptime - expected).abs() < 1e-12);
        assert_eq!(report.downtime_spans.len(), 3, "Thursday's is cut in two");
    }

    #[test]
    fn outages_are_clipped_to_the_period() {
        let outages = [outage(
            OutageCause::Store,
            datetime!(2026-11-22 23:00 +09:00),
            datetime!(2026-11-23 01:00 +09:00),
        )];
        let report = availability(&outages, &[], week());
        assert_eq!(report.downtime, Duration::hours(1));
        assert_eq!(report.failures, 1);
    }

    #[test]
    fn one_failed_check_is_not_an_outage_two_are() {
        let mut tracker = OutageTracker::default();
        let at = datetime!(2026-11-24 10:00 +09:00);
        assert_eq!(tracker.observe(OutageCause::Store, false, at), None);
        assert_eq!(tracker.down_since(OutageCause::Store), None);
        assert_eq!(
            tracker.observe(OutageCause::Store, true, at + Duration::seconds(30)),
            None,
            "one slow answer"
        );
        tracker.observe(OutageCause::Store, false, at + Duration::minutes(1));
        tracker.observe(OutageCause::Web, false, at + Duration::minutes(1));
        tracker.observe(OutageCause::Store, false, at + Duration::seconds(90));
        assert_eq!(
            tracker.down_since(OutageCause::Store),
            Some(at + Duration::minutes(1))
        );
        assert_eq!(tracker.down_since(OutageCause::Web), None);
        assert_eq!(
            tracker.observe(OutageCause::Store, true, at + Duration::minutes(5)),
            Some(outage(
                OutageCause::Store,
                at + Duration::minutes(1),
                at + Duration::minutes(5)
            ))
        );
        assert_eq!(tracker.down_since(OutageCause::Store), None);
    }

    #[test]
    fn cause_codes_round_trip() {
        for cause in OutageCause::ALL {
            assert_eq!(OutageCause::from_code(cause.code()), Some(cause));
        }
        assert_eq!(OutageCause::from_code("disk"), None);
    }

    proptest::proptest! {
        /// Whatever the outages and maintenance: downtime within service time and within the
        /// outages' total, uptime a ratio, no more failures than outages, and the measures
        /// consistent with their definitions.
        #[test]
        fn the_measures_keep_their_definitions(
            outages in proptest::collection::vec((0i64..10_080, 1i64..600, proptest::bool::ANY), 0..12),
            planned in proptest::collection::vec((0i64..10_080, 1i64..300), 0..3),
        ) {
            let at = |minutes: i64| week().start + Duration::minutes(minutes);
            let outages: Vec<Outage> = outages
                .iter()
                .map(|&(start, length, store)| outage(
                    if store { OutageCause::Store } else { OutageCause::Web },
                    at(start),
                    at(start + length),
                ))
                .collect();
            let planned: Vec<Span> = planned
                .iter()
                .map(|&(start, length)| Span { start: at(start), end: at(start + length) })
                .collect();
            let report = availability(&outages, &planned, week());
            let total: Duration = outages.iter().map(|o| o.ended_at - o.started_at).sum();
            proptest::prop_assert!(report.downtime >= Duration::ZERO);
            proptest::prop_assert!(report.downtime <= report.service_time);
            proptest::prop_assert!(report.downtime <= total);
            proptest::prop_assert!((0.0..=1.0).contains(&report.uptime));
            proptest::prop_assert!(report.failures as usize <= outages.len());
            proptest::prop_assert_eq!(report.failures == 0, report.downtime == Duration::ZERO);
            proptest::prop_assert_eq!(
                report.service_time + report.maintenance,
                Duration::days(7)
            );
            if let (Some(mttr), Some(mtbf)) = (report.mttr, report.mtbf) {
                let failures = i32::try_from(report.failures).unwrap();
                proptest::prop_assert!((mttr * failures - report.downtime).abs() < Duration::seconds(1));
                proptest::prop_assert!(
                    (mtbf * failures - (report.service_time - report.downtime)).abs()
                        < Duration::seconds(1)
                );
            }
        }
    }
}
