//! SVC-4: outages recorded as the worker sees them, and the availability report of a year for the
//! operator (uptime, MTTR, MTBF), planned maintenance and the regular window left out.

use std::sync::Arc;

use nencho_kernel::{JAPAN_STANDARD_TIME, OffsetDateTime};
use nencho_operations::{
    AvailabilityReport, MaintenanceNotice, Outage, OutageCause, OutageTracker, Span, availability,
};
use nencho_ports::{AvailabilityStore, NoticeStore, StoreError};
use time::{Date, Month};

use crate::AppError;

/// The worker's checks turned into recorded outages. An outage of the store is only known to
/// have ended when the store answers again, so every ended outage waits here until it is written.
pub struct OutageRecorder {
    store: Arc<dyn AvailabilityStore>,
    tracker: OutageTracker,
    unwritten: Vec<Outage>,
}

impl OutageRecorder {
    pub fn new(store: Arc<dyn AvailabilityStore>) -> Self {
        Self {
            store,
            tracker: OutageTracker::default(),
            unwritten: Vec::new(),
        }
    }

    /// Notes one check. Answers the outage this check ended, if any, which
    /// [`Self::write_ended`] then writes.
    pub fn check(
        &mut self,
        cause: OutageCause,
        healthy: bool,
        at: OffsetDateTime,
    ) -> Option<Outage> {
        let ended = self.tracker.observe(cause, healthy, at);
        self.unwritten.extend(ended);
        ended
    }

    /// Writes the ended outages not written yet; those that fail stay for the next call.
    pub async fn write_ended(&mut self) -> Result<(), StoreError> {
        while let Some(outage) = self.unwritten.first() {
            self.store.record_outage(outage).await?;
            self.unwritten.remove(0);
        }
        Ok(())
    }

    /// Since when `cause` has been down, once it counts as an outage.
    pub fn down_since(&self, cause: OutageCause) -> Option<OffsetDateTime> {
        self.tracker.down_since(cause)
    }
}

/// A calendar period of the report in Japan time: a year or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportPeriod {
    Year(i32),
    /// The year and the month (1–12).
    Month(i32, u8),
}

impl ReportPeriod {
    /// `2026` or `2026-11`, as the report names it.
    pub fn label(self) -> String {
        match self {
            Self::Year(year) => year.to_string(),
            Self::Month(year, month) => format!("{year}-{month:02}"),
        }
    }

    /// 00:00 JST of the first day, and of the first day after.
    fn bounds(self) -> Result<(OffsetDateTime, OffsetDateTime), AppError> {
        let first = |year: i32, month: u8| {
            Month::try_from(month)
                .and_then(|month| Date::from_calendar_date(year, month, 1))
                .map(|date| date.midnight().assume_offset(JAPAN_STANDARD_TIME))
                .map_err(|_| AppError::Invalid {
                    field: "period",
                    message: format!("{} is not a year or a month", self.label()),
                })
        };
        match self {
            Self::Year(year) => Ok((first(year, 1)?, first(year + 1, 1)?)),
            Self::Month(year, 12) => Ok((first(year, 12)?, first(year + 1, 1)?)),
            Self::Month(year, month) => Ok((first(year, month)?, first(year, month + 1)?)),
        }
    }
}

/// One period's availability, with what it was computed from.
#[derive(Debug, Clone)]
pub struct PeriodAvailability {
    pub period: ReportPeriod,
    pub report: AvailabilityReport,
    /// The outages recorded that overlap the period, by start.
    pub outages: Vec<Outage>,
    /// The planned maintenance left out of the downtime (announced, not cancelled, affecting
    /// users, not an emergency).
    pub planned: Vec<MaintenanceNotice>,
}

/// The availability of a calendar year or month in Japan time, up to `now` for the current
/// one. A period not begun yet is refused.
pub async fn period_availability<S>(
    store: &S,
    period: ReportPeriod,
    now: OffsetDateTime,
) -> Result<PeriodAvailability, AppError>
where
    S: AvailabilityStore + NoticeStore + ?Sized,
{
    let (start, end) = period.bounds()?;
    if start >= now {
        return Err(AppError::Invalid {
            field: "period",
            message: format!("{} has not begun", period.label()),
        });
    }
    let end = end.min(now);
    let outages = store.outages_overlapping(start, end).await?;
    let planned: Vec<MaintenanceNotice> = store
        .notices_overlapping(start, end)
        .await?
        .into_iter()
        .filter(|notice| {
            notice.cancelled_at.is_none() && notice.maintenance.affects_users && !notice.emergency
        })
        .collect();
    let spans: Vec<Span> = planned
        .iter()
        .map(|notice| Span {
            start: notice.maintenance.start,
            end: notice.maintenance.end,
        })
        .collect();
    let report = availability(&outages, &spans, Span { start, end });
    Ok(PeriodAvailability {
        period,
        report,
        outages,
        planned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_ports::MockAvailabilityStore;
    use time::macros::datetime;

    #[test]
    fn a_month_runs_from_its_first_day_to_the_next_months_in_japan_time() {
        assert_eq!(
            ReportPeriod::Month(2026, 12).bounds().unwrap(),
            (
                datetime!(2026-12-01 00:00 +09:00),
                datetime!(2027-01-01 00:00 +09:00)
            )
        );
        assert_eq!(
            ReportPeriod::Month(2026, 2).bounds().unwrap().1,
            datetime!(2026-03-01 00:00 +09:00)
        );
        assert!(ReportPeriod::Month(2026, 13).bounds().is_err());
        assert!(ReportPeriod::Month(2026, 0).bounds().is_err());
        assert_eq!(ReportPeriod::Month(2026, 3).label(), "2026-03");
    }

    #[tokio::test]
    async fn an_outage_of_the_store_is_written_once_the_store_answers_again() {
        let mut store = MockAvailabilityStore::new();
        let mut answering = mockall::Sequence::new();
        store
            .expect_record_outage()
            .times(1)
            .in_sequence(&mut answering)
            .returning(|_| Err(StoreError::Unavailable("still starting".into())));
        store
            .expect_record_outage()
            .withf(|outage| {
                outage.cause == OutageCause::Store
                    && outage.started_at == datetime!(2026-11-26 10:00 UTC)
                    && outage.ended_at == datetime!(2026-11-26 10:02 UTC)
            })
            .times(1)
            .in_sequence(&mut answering)
            .returning(|_| Ok(()));
        let mut recorder = OutageRecorder::new(Arc::new(store));
        let start = datetime!(2026-11-26 10:00 UTC);
        for seconds in [0, 30, 60, 90] {
            let at = start + time::Duration::seconds(seconds);
            assert_eq!(recorder.check(OutageCause::Store, false, at), None);
        }
        assert_eq!(recorder.down_since(OutageCause::Store), Some(start));
        let ended = recorder.check(OutageCause::Store, true, start + time::Duration::minutes(2));
        assert!(ended.is_some());
        assert!(
            recorder.write_ended().await.is_err(),
            "kept for the next try"
        );
        recorder.write_ended().await.unwrap();
        recorder.write_ended().await.unwrap();
    }
}
