//! `nencho-ops availability`: a year's uptime, MTTR and MTBF (SVC-4) from the outages the worker
//! recorded, the regular window and planned maintenance left out. It reads platform records
//! only: no contract's data.

use std::io::Write;

use anyhow::Context;
use nencho_app::AppError;
use nencho_app::availability::{PeriodAvailability, ReportPeriod, period_availability};
use nencho_kernel::{Clock, JAPAN_STANDARD_TIME};
use nencho_ports::Store;
use time::Duration;

use crate::UsageError;
use crate::japan::timestamp;

#[derive(Debug, clap::Args)]
pub struct AvailabilityArgs {
    /// The calendar year (JST). Default: this year, up to now
    #[arg(long, conflicts_with = "month")]
    pub year: Option<i32>,
    /// A calendar month instead (JST), like 2026-11: for a monthly SLA report
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// One JSON object instead of the table
    #[arg(long)]
    pub json: bool,
}

pub async fn run(
    args: &AvailabilityArgs,
    store: &dyn Store,
    clock: &dyn Clock,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let now = clock.now();
    let period = match (&args.month, args.year) {
        (Some(month), _) => month_of(month)?,
        (None, Some(year)) => ReportPeriod::Year(year),
        (None, None) => ReportPeriod::Year(now.to_offset(JAPAN_STANDARD_TIME).year()),
    };
    let found = match period_availability(store, period, now).await {
        Err(AppError::Invalid { message, .. }) => {
            return Err(UsageError(format!("invalid period: {message}")).into());
        }
        other => other.context("cannot read the outages")?,
    };
    if args.json {
        writeln!(out, "{}", as_json(&found))?;
    } else {
        write_table(&found, out)?;
    }
    Ok(())
}

/// `--month 2026-11`.
fn month_of(text: &str) -> Result<ReportPeriod, UsageError> {
    let refused = || {
        UsageError(format!(
            "invalid --month: {text:?} is not a month like 2026-11"
        ))
    };
    let (year, month) = text.trim().split_once('-').ok_or_else(refused)?;
    let year: i32 = year.parse().map_err(|_| refused())?;
    let month: u8 = month.parse().map_err(|_| refused())?;
    if !(1..=12).contains(&month) || !(1000..=9999).contains(&year) {
        return Err(refused());
    }
    Ok(ReportPeriod::Month(year, month))
}

/// `12 h 05 min`, `3 min 20 s`, `45 s`.
fn length(duration: Duration) -> String {
    let seconds = duration.whole_seconds().max(0);
    let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (hours, minutes) {
        (0, 0) => format!("{rest} s"),
        (0, _) => format!("{minutes} min {rest:02} s"),
        _ => format!("{hours} h {minutes:02} min"),
    }
}

fn write_table(found: &PeriodAvailability, out: &mut dyn Write) -> anyhow::Result<()> {
    let report = &found.report;
    writeln!(
        out,
        "availability {} ({} – {})",
        found.period.label(),
        timestamp(report.period.start),
        timestamp(report.period.end)
    )?;
    writeln!(
        out,
        "  service time:  {} (maintenance left out: {})",
        length(report.service_time),
        length(report.maintenance)
    )?;
    writeln!(
        out,
        "  downtime:      {} in {} failure(s)",
        length(report.downtime),
        report.failures
    )?;
    writeln!(out, "  uptime:        {:.4} %", report.uptime * 100.0)?;
    let or_none = |value: Option<Duration>| value.map_or_else(|| "—".to_owned(), length);
    writeln!(out, "  MTTR:          {}", or_none(report.mttr))?;
    writeln!(out, "  MTBF:          {}", or_none(report.mtbf))?;
    writeln!(out, "outages recorded ({}):", found.outages.len())?;
    for outage in &found.outages {
        writeln!(
            out,
            "  {}  {}  {:<5}  {}",
            timestamp(outage.started_at),
            timestamp(outage.ended_at),
            outage.cause.code(),
            length(outage.ended_at - outage.started_at)
        )?;
    }
    writeln!(
        out,
        "planned maintenance left out ({}):",
        found.planned.len()
    )?;
    for notice in &found.planned {
        writeln!(
            out,
            "  {}  {}  {}",
            timestamp(notice.maintenance.start),
            timestamp(notice.maintenance.end),
            notice.maintenance.title
        )?;
    }
    Ok(())
}

fn as_json(found: &PeriodAvailability) -> serde_json::Value {
    let report = &found.report;
    let seconds = |duration: Option<Duration>| duration.map(|d| d.whole_seconds());
    serde_json::json!({
        "period": found.period.label(),
        "from": timestamp(report.period.start),
        "to": timestamp(report.period.end),
        "service_seconds": report.service_time.whole_seconds(),
        "maintenance_seconds": report.maintenance.whole_seconds(),
        "downtime_seconds": report.downtime.whole_seconds(),
        "failures": report.failures,
        "uptime": report.uptime,
        "mttr_seconds": seconds(report.mttr),
        "mtbf_seconds": seconds(report.mtbf),
        "outages": found.outages.iter().map(|outage| serde_json::json!({
            "cause": outage.cause.code(),
            "started_at": timestamp(outage.started_at),
            "ended_at": timestamp(outage.ended_at),
        })).collect::<Vec<_>>(),
        "planned_maintenance": found.planned.iter().map(|notice| serde_json::json!({
            "id": notice.id.to_string(),
            "start": timestamp(notice.maintenance.start),
            "end": timestamp(notice.maintenance.end),
            "title": notice.maintenance.title,
        })).collect::<Vec<_>>(),
    })
}
