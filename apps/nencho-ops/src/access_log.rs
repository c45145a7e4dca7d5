//! `nencho-ops access-log export`: one contract's access log (LOG-1) as CSV, for the operator to
//! hand to the customer on the customer's request for an audit (LOG-2).
//!
//! This is the one command that hands customer-related records to the operator: the operator
//! only passes the file on to the contract holder who asked for it (and deletes their copy), and
//! the command is recorded in the operator activity log (LOG-4) like every other.
//!
//! The CSV is UTF-8 with a byte-order mark (so that Excel opens it as UTF-8), CRLF line ends, one
//! header row and then one row per request, oldest first. Columns:
//!
//! | column        | content                                                                  |
//! |---------------|--------------------------------------------------------------------------|
//! | `at`          | when the request arrived, JST, RFC 3339 with milliseconds                |
//! | `client_ip`   | the client's address as resolved behind the trusted proxies (may be "")  |
//! | `user_agent`  | the browser's `User-Agent` (at most 512 characters)                      |
//! | `method`      | `GET`, `POST`, …                                                         |
//! | `path`        | the URL path, without the query string (never recorded)                  |
//! | `route`       | the route pattern that answered, e.g. `/admin/users/:id/roles` (may be "") |
//! | `status`      | the HTTP status                                                          |
//! | `duration_ms` | time to answer, in milliseconds                                          |
//! | `request_id`  | the request's `x-request-id`                                             |
//! | `user_id`     | the signed-in user's id ("" when not signed in); never the session token |
//! | `login_id`    | that user's login ID, as the customer knows it ("" when not signed in)   |
//! | `user_name`   | that user's display name ("" when not signed in)                         |
//!
//! The login ID and name are the user's **current** ones, looked up at export time (once per
//! user and export); a user the store no longer has leaves both "".
//!
//! A field that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
//! CR) is prefixed with `'`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use nencho_kernel::{OffsetDateTime, TenantId, UserId};
use nencho_ports::{AccessRecord, Store};
use nencho_tenancy::Slug;
use time::Duration;
use time::macros::{format_description, offset};

use crate::UsageError;
use crate::japan::{parse_date, start_of_day};

/// Records read from the store per page.
const PAGE_ROWS: u32 = 1_000;

/// The header row.
pub const COLUMNS: [&str; 12] = [
    "at",
    "client_ip",
    "user_agent",
    "method",
    "path",
    "route",
    "status",
    "duration_ms",
    "request_id",
    "user_id",
    "login_id",
    "user_name",
];

#[derive(Debug, clap::Subcommand)]
pub enum AccessLogCommand {
    /// Export one contract's access log (LOG-1) as CSV (UTF-8 with BOM), oldest first, for
    /// delivery to that customer on the customer's request for an audit (LOG-2). The file holds
    /// customer-related records (client addresses, user ids and login IDs): pass it only to the contract holder
    /// who asked for it, then delete your copy. The export is recorded in the operator log.
    /// Records are kept 90 days.
    Export {
        /// The contract's site name.
        #[arg(long)]
        slug: String,
        /// The first day (JST), e.g. 2026-11-01.
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        /// The last day (JST), included, e.g. 2026-11-30.
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: String,
        /// Write the CSV to this file (created or replaced) instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

impl AccessLogCommand {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Export { .. } => "access-log export",
        }
    }

    pub fn slug(&self) -> &str {
        match self {
            Self::Export { slug, .. } => slug,
        }
    }
}

pub async fn run(
    command: &AccessLogCommand,
    store: &dyn Store,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let AccessLogCommand::Export {
        slug,
        from,
        to,
        output,
    } = command;
    let slug_value = Slug::parse(slug)
        .map_err(|error| UsageError(format!("invalid site name {slug:?}: {error}")))?;
    let first = parse_date(from).map_err(UsageError)?;
    let last = parse_date(to).map_err(UsageError)?;
    if last < first {
        return Err(UsageError(format!("--to {to} is before --from {from}")).into());
    }
    let tenant = store
        .find_tenant_by_slug(&slug_value)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no contract with the site name {slug:?}"))?;
    let start = start_of_day(first);
    let end = start_of_day(last) + Duration::days(1);
    let rows = match output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut writer = BufWriter::new(file);
            let rows = export(store, &tenant, start, end, &mut writer).await?;
            writer
                .into_inner()
                .map_err(|error| error.into_error())
                .and_then(|file| file.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(
                out,
                "{rows} access records of {slug} ({from} – {to}, JST) written to {}",
                path.display()
            )?;
            rows
        }
        None => export(store, &tenant, start, end, out).await?,
    };
    tracing::info!(slug = %slug, rows, "access log exported");
    Ok(())
}

/// Writes the CSV of `tenant`'s records with `start <= at < end`, page by page; returns the
/// number of records.
async fn export(
    store: &dyn Store,
    tenant: &nencho_tenancy::Tenant,
    start: OffsetDateTime,
    end: OffsetDateTime,
    out: &mut dyn Write,
) -> anyhow::Result<u64> {
    out.write_all("\u{feff}".as_bytes())?;
    write_row(out, COLUMNS.iter().map(|column| (*column).to_owned()))?;
    let mut rows = 0u64;
    let mut after = None;
    let mut users = Users::default();
    loop {
        let page = store
            .access_records(tenant.id, start, end, after, PAGE_ROWS)
            .await?;
        for record in &page.records {
            let (login_id, user_name) = match record.user_id {
                Some(user_id) => users.name_of(store, tenant.id, user_id).await?,
                None => (String::new(), String::new()),
            };
            let row = fields(record).into_iter().chain([login_id, user_name]);
            write_row(out, row)?;
            rows += 1;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    out.flush()?;
    Ok(rows)
}

/// The login ID and display name of the users an export names, each looked up once (a tenant's
/// users are few; the records of one user many).
#[derive(Default)]
struct Users(HashMap<UserId, (String, String)>);

impl Users {
    /// `user_id`'s login ID and display name; both "" for a user the store does not have.
    async fn name_of(
        &mut self,
        store: &dyn Store,
        tenant_id: TenantId,
        user_id: UserId,
    ) -> anyhow::Result<(String, String)> {
        if let Some(known) = self.0.get(&user_id) {
            return Ok(known.clone());
        }
        let found = store
            .find_user(tenant_id, user_id)
            .await?
            .map(|user| {
                (
                    user.login_id.as_str().to_owned(),
                    user.display_name.as_str().to_owned(),
                )
            })
            .unwrap_or_default();
        self.0.insert(user_id, found.clone());
        Ok(found)
    }
}

/// The columns up to `user_id` (the login ID and name are looked up apart).
fn fields(record: &AccessRecord) -> [String; 10] {
    let at = record.at.to_offset(offset!(+9));
    let at = at
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+09:00"
        ))
        .unwrap_or_else(|_| at.to_string());
    [
        at,
        record
            .client_ip
            .map(|ip| ip.to_string())
            .unwrap_or_default(),
        record.user_agent.clone(),
        record.method.clone(),
        record.path.clone(),
        record.route.clone().unwrap_or_default(),
        record.status.to_string(),
        record.duration_ms.to_string(),
        record.request_id.clone().unwrap_or_default(),
        record
            .user_id
            .map(|user| user.to_string())
            .unwrap_or_default(),
    ]
}

fn write_row(out: &mut dyn Write, fields: impl Iterator<Item = String>) -> std::io::Result<()> {
    let line: Vec<String> = fields.map(|field| csv_field(&field)).collect();
    out.write_all(line.join(",").as_bytes())?;
    out.write_all(b"\r\n")
}

/// One CSV field: quoted when needed, formula-looking text defused.
fn csv_field(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if defused.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Mozilla/5.0"), "Mozilla/5.0");
        assert_eq!(csv_field("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field(""), "");
    }
}
