//! `nencho-ops notice …`: maintenance notices (SVC-5, SVC-6). A notice is shown on every tenant
//! site and on the landing page from its announcement until the maintenance ends, unless it is
//! cancelled. Maintenance that affects users must start after five whole Japanese business days
//! (see `nencho_operations::maintenance`); `--emergency` waives the rule. Times are typed and
//! shown in JST.

use std::io::Write;

use anyhow::anyhow;
use nencho_app::AppContext;
use nencho_app::AppError;
use nencho_app::notices::{NoticeMail, NoticeMailing, announce, cancel, mail_notice, shown_now};
use nencho_kernel::{JAPAN_STANDARD_TIME, NoticeId, OffsetDateTime};
use nencho_ports::{MaintenanceNotice, NoticeStore, PlannedMaintenance};
use serde::Serialize;
use time::PrimitiveDateTime;
use time::macros::format_description;

use crate::UsageError;

#[derive(Debug, clap::Subcommand)]
pub enum NoticeCommand {
    /// Announce a maintenance: shown on every site until it ends. Unless --emergency (or
    /// --no-user-impact), it must start after 5 whole Japanese business days (SVC-6).
    Announce {
        /// Start, JST: "2026-12-10 22:00".
        #[arg(long)]
        start: String,
        /// End, JST: "2026-12-11 01:00".
        #[arg(long)]
        end: String,
        /// One line for the banner, e.g. "データベース更新".
        #[arg(long)]
        title: String,
        /// What users should know (shown under the title).
        #[arg(long, default_value = "")]
        body: String,
        /// An emergency: no advance notice required.
        #[arg(long)]
        emergency: bool,
        /// Users are not affected (the service stays usable): no advance notice required.
        #[arg(long)]
        no_user_impact: bool,
    },
    /// The notices shown now: under way or upcoming, by start.
    List {
        /// One JSON array on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Cancel a notice: it disappears from the sites within a minute.
    Cancel {
        /// The notice's id, as `notice list` shows it.
        #[arg(long)]
        id: String,
    },
}

impl NoticeCommand {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Announce { .. } => "notice announce",
            Self::List { .. } => "notice list",
            Self::Cancel { .. } => "notice cancel",
        }
    }
}

/// `2026-12-10 22:00` (JST) as a command-line value.
pub fn parse_japan_time(flag: &str, text: &str) -> Result<OffsetDateTime, UsageError> {
    PrimitiveDateTime::parse(
        text.trim(),
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
    )
    .map(|local| local.assume_offset(JAPAN_STANDARD_TIME))
    .map_err(|_| {
        UsageError(format!(
            "invalid {flag}: {text:?} is not a JST time like \"2026-12-10 22:00\""
        ))
    })
}

/// `2026-12-10 22:00` in JST.
fn japan_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(JAPAN_STANDARD_TIME);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

pub async fn run(
    command: &NoticeCommand,
    context: &AppContext,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let store: &dyn NoticeStore = context.store.as_ref();
    let clock = context.clock.as_ref();
    match command {
        NoticeCommand::Announce {
            start,
            end,
            title,
            body,
            emergency,
            no_user_impact,
        } => {
            let maintenance = PlannedMaintenance {
                start: parse_japan_time("--start", start)?,
                end: parse_japan_time("--end", end)?,
                title: title.clone(),
                body: body.replace("\\n", "\n"),
                affects_users: !no_user_impact,
            };
            let notice = announce(store, clock, maintenance, *emergency)
                .await
                .map_err(failure)?;
            writeln!(out, "メンテナンスを告知しました (maintenance announced)")?;
            print_one(&notice, out)?;
            if notice.emergency {
                writeln!(
                    out,
                    "緊急メンテナンスとして告知しました: 5営業日前の事前告知は不要です。\n\
                     (Announced as an emergency: the 5-business-day notice rule was waived.)"
                )?;
            }
            let mailing = mail_notice(context, &notice, NoticeMail::Announced)
                .await
                .map_err(failure)?;
            print_mailing(mailing, out)?;
        }
        NoticeCommand::List { json } => {
            let notices = shown_now(store, clock).await.map_err(failure)?;
            if *json {
                let rows: Vec<NoticeJson> = notices
                    .iter()
                    .map(|notice| NoticeJson::of(notice, clock.now()))
                    .collect();
                writeln!(out, "{}", serde_json::to_string(&rows)?)?;
            } else {
                print_list(&notices, clock.now(), out)?;
            }
        }
        NoticeCommand::Cancel { id } => {
            let notice_id: NoticeId = id
                .trim()
                .parse()
                .map_err(|_| UsageError(format!("invalid --id: {id:?} is not a notice id")))?;
            let notice = cancel(store, clock, notice_id)
                .await
                .map_err(|error| match error {
                    AppError::NotFound => anyhow!("no maintenance notice with the id {id:?}"),
                    other => failure(other),
                })?;
            writeln!(out, "メンテナンスの告知を取り消しました (notice cancelled)")?;
            print_one(&notice, out)?;
            // Those told of a maintenance still to come are told it is off.
            if notice.maintenance.end > clock.now() {
                let mailing = mail_notice(context, &notice, NoticeMail::Cancelled)
                    .await
                    .map_err(failure)?;
                print_mailing(mailing, out)?;
            }
        }
    }
    Ok(())
}

/// How many mails went out, never to whom (SEC-8).
fn print_mailing(mailing: NoticeMailing, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "通知メール (notice mails):    {} ({} contracts)",
        mailing.mails, mailing.contracts
    )?;
    Ok(())
}

fn print_one(notice: &MaintenanceNotice, out: &mut dyn Write) -> anyhow::Result<()> {
    let maintenance = &notice.maintenance;
    writeln!(out, "ID:                    {}", notice.id)?;
    writeln!(
        out,
        "開始 (start, JST):     {}",
        japan_time(maintenance.start)
    )?;
    writeln!(
        out,
        "終了 (end, JST):       {}",
        japan_time(maintenance.end)
    )?;
    writeln!(out, "件名 (title):          {}", maintenance.title)?;
    Ok(())
}

fn state(notice: &MaintenanceNotice, now: OffsetDateTime) -> &'static str {
    if notice.is_current_at(now) {
        "in-progress"
    } else {
        "upcoming"
    }
}

fn print_list(
    notices: &[MaintenanceNotice],
    now: OffsetDateTime,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "id                                    start (JST)       end (JST)         state        emergency  title"
    )?;
    for notice in notices {
        writeln!(
            out,
            "{}  {}  {}  {:<11}  {:<9}  {}",
            notice.id,
            japan_time(notice.maintenance.start),
            japan_time(notice.maintenance.end),
            state(notice, now),
            if notice.emergency { "yes" } else { "no" },
            notice.maintenance.title
        )?;
    }
    writeln!(out, "notices: {}", notices.len())?;
    Ok(())
}

#[derive(Serialize)]
struct NoticeJson {
    id: String,
    start: String,
    end: String,
    state: &'static str,
    title: String,
    body: String,
    affects_users: bool,
    emergency: bool,
    announced_at: String,
}

impl NoticeJson {
    fn of(notice: &MaintenanceNotice, now: OffsetDateTime) -> Self {
        Self {
            id: notice.id.to_string(),
            start: japan_time(notice.maintenance.start),
            end: japan_time(notice.maintenance.end),
            state: state(notice, now),
            title: notice.maintenance.title.clone(),
            body: notice.maintenance.body.clone(),
            affects_users: notice.maintenance.affects_users,
            emergency: notice.emergency,
            announced_at: japan_time(notice.announced_at),
        }
    }
}

/// Input the domain refuses names its flag (exit 2); anything else is exit 1.
fn failure(error: AppError) -> anyhow::Error {
    match error {
        AppError::Invalid { field, message } => {
            UsageError(format!("invalid --{field}: {message}")).into()
        }
        other => anyhow::Error::new(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_typed_in_japan_time() {
        assert_eq!(
            parse_japan_time("--start", "2026-12-10 22:00").unwrap(),
            datetime!(2026-12-10 13:00 UTC)
        );
        assert!(parse_japan_time("--start", "2026/12/10 22:00").is_err());
        assert!(parse_japan_time("--start", "2026-12-10").is_err());
        assert_eq!(
            japan_time(datetime!(2026-12-10 16:00 UTC)),
            "2026-12-11 01:00"
        );
    }
}
