//! The operator activity log (LOG-4): every command that works on the store is recorded with who
//! ran it, when, which command, on which contract and whether it succeeded. Never customer data:
//! no names, no e-mail addresses, no passwords, no command-line values other than the slug.
//! `nencho-ops log` shows the entries of the retention period.

use std::io::Write;
use std::sync::Arc;

use anyhow::Context;
use nencho_kernel::{Clock, Date, OffsetDateTime};
use nencho_ports::{OperatorAction, OperatorLogStore, Store};
use serde::Serialize;
use time::Duration;

use crate::japan;

/// How long operator actions are kept (LOG-4), and so how far back `log` looks by default.
pub const RETENTION_DAYS: i64 = 90;

/// The longest slug a contract can have (a DNS label).
const MAX_SLUG_LENGTH: usize = 63;

#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// Show actions from this day on (00:00 JST), e.g. 2026-11-01. Default: 90 days ago (the
    /// retention period).
    #[arg(long, value_name = "DATE", value_parser = japan::parse_date)]
    pub since: Option<Date>,
    /// Print one JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Who runs the command: the `--operator` flag, else the OS user, else "unknown". `variable`
/// reads an environment variable (a parameter so tests need not change the process's).
pub fn operator_name(flag: Option<&str>, variable: impl Fn(&str) -> Option<String>) -> String {
    flag.map(str::to_owned)
        .into_iter()
        .chain(["USER", "LOGNAME"].into_iter().filter_map(&variable))
        .map(|name| name.trim().to_owned())
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The slug to record for what the operator typed: as typed when it has the shape of a host
/// label (so a refused `WWW` is still traceable), otherwise nothing, so that a mistyped value (an
/// e-mail address pasted into `--slug`) never reaches the log.
fn recordable_slug(typed: &str) -> Option<String> {
    let looks_like_a_label = (1..=MAX_SLUG_LENGTH).contains(&typed.len())
        && typed
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
    looks_like_a_label.then(|| typed.to_owned())
}

/// `log --json`: one action.
#[derive(Serialize)]
struct ActionJson<'a> {
    /// RFC 3339 in JST, to the second.
    at: String,
    operator: &'a str,
    command: &'a str,
    tenant_slug: Option<&'a str>,
    succeeded: bool,
}

/// A command being run, to be recorded when it ends.
pub struct Entry {
    at: OffsetDateTime,
    command: &'static str,
    tenant_slug: Option<String>,
}

/// Records the commands of one `nencho-ops` run.
pub struct OperatorLog {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    operator: String,
}

impl OperatorLog {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, operator: String) -> Self {
        Self {
            store,
            clock,
            operator,
        }
    }

    /// Notes the start of `command` (the time recorded is when it started).
    pub fn begin(&self, command: &'static str, typed_slug: Option<&str>) -> Entry {
        Entry {
            at: self.clock.now(),
            command,
            tenant_slug: typed_slug.and_then(recordable_slug),
        }
    }

    /// Records how the command ended and passes its outcome on. A command that succeeded but
    /// cannot be recorded fails (exit 1): unrecorded operator activity must not look fine. Its
    /// output has been written by then, so an activation notice is never lost.
    pub async fn finish(&self, entry: Entry, outcome: anyhow::Result<()>) -> anyhow::Result<()> {
        let action = OperatorAction {
            at: entry.at,
            operator: self.operator.clone(),
            command: entry.command.to_owned(),
            tenant_slug: entry.tenant_slug,
            succeeded: outcome.is_ok(),
        };
        let recorded = self.store.record_operator_action(&action).await;
        match (outcome, recorded) {
            (outcome, Ok(())) => outcome,
            (Ok(()), Err(error)) => Err(anyhow::Error::new(error).context(format!(
                "`{}` succeeded, but recording it in the operator log failed",
                action.command
            ))),
            // The command's own error is what the operator must see (and what sets the exit
            // code); the second failure goes to the structured log.
            (Err(error), Err(record_error)) => {
                tracing::error!(
                    command = action.command,
                    error = %record_error,
                    "cannot record a failed command in the operator log"
                );
                Err(error)
            }
        }
    }
}

/// `nencho-ops log`: the recorded actions since `--since` (or the retention period), newest first.
pub async fn show(
    store: &dyn OperatorLogStore,
    clock: &dyn Clock,
    args: &LogArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let since = match args.since {
        Some(date) => japan::start_of_day(date),
        None => clock.now() - Duration::days(RETENTION_DAYS),
    };
    let actions = store
        .list_operator_actions(since)
        .await
        .context("cannot read the operator log")?;
    if args.json {
        let entries: Vec<_> = actions
            .iter()
            .map(|action| ActionJson {
                at: japan::timestamp(action.at),
                operator: &action.operator,
                command: &action.command,
                tenant_slug: action.tenant_slug.as_deref(),
                succeeded: action.succeeded,
            })
            .collect();
        serde_json::to_writer(&mut *out, &entries)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "operator log since {} ({} actions, newest first)",
        japan::timestamp(since),
        actions.len()
    )?;
    let operator_width = column_width("operator", actions.iter().map(|a| a.operator.as_str()));
    let command_width = column_width("command", actions.iter().map(|a| a.command.as_str()));
    let slug_width = column_width(
        "slug",
        actions
            .iter()
            .map(|a| a.tenant_slug.as_deref().unwrap_or("-")),
    );
    writeln!(
        out,
        "{:<25}  {:<operator_width$}  {:<command_width$}  {:<slug_width$}  result",
        "at (JST)", "operator", "command", "slug"
    )?;
    for action in &actions {
        writeln!(
            out,
            "{:<25}  {:<operator_width$}  {:<command_width$}  {:<slug_width$}  {}",
            japan::timestamp(action.at),
            action.operator,
            action.command,
            action.tenant_slug.as_deref().unwrap_or("-"),
            if action.succeeded { "ok" } else { "failed" },
        )?;
    }
    Ok(())
}

/// The width of a text column: its widest cell or its heading.
pub(crate) fn column_width<'a>(heading: &str, cells: impl Iterator<Item = &'a str>) -> usize {
    cells
        .map(|cell| cell.chars().count())
        .chain([heading.chars().count()])
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment(user: Option<&str>, logname: Option<&str>) -> impl Fn(&str) -> Option<String> {
        let user = user.map(str::to_owned);
        let logname = logname.map(str::to_owned);
        move |name| match name {
            "USER" => user.clone(),
            "LOGNAME" => logname.clone(),
            _ => None,
        }
    }

    #[test]
    fn the_flag_names_the_operator_before_the_os_user() {
        assert_eq!(
            operator_name(Some("suzuki"), environment(Some("root"), None)),
            "suzuki"
        );
        assert_eq!(
            operator_name(None, environment(Some("tanaka"), Some("x"))),
            "tanaka"
        );
        assert_eq!(operator_name(None, environment(None, Some("sato"))), "sato");
        assert_eq!(
            operator_name(Some("  "), environment(None, None)),
            "unknown"
        );
        assert_eq!(operator_name(None, environment(Some(""), None)), "unknown");
    }

    #[test]
    fn only_label_shaped_slugs_are_recorded() {
        assert_eq!(recordable_slug("acme"), Some("acme".into()));
        assert_eq!(recordable_slug("WWW"), Some("WWW".into()));
        assert_eq!(recordable_slug("admin@acme.example"), None);
        assert_eq!(recordable_slug("株式会社アクメ"), None);
        assert_eq!(recordable_slug(""), None);
        assert_eq!(recordable_slug(&"a".repeat(64)), None);
    }
}
