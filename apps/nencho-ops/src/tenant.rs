//! `nencho-ops tenant …`: contracts. Opening one prints the activation notice (開通通知); the
//! assisted ADMIN reset (ID-8) mails a link the operator never sees; `terminate` gives notice of
//! the contract's end (SVC-2) and `cancel-termination` withdraws it; the list shows contract
//! data only (SEC-8).

use std::io::Write;

use anyhow::{Context, anyhow};
use nencho_app::AppContext;
use nencho_app::contract_end;
use nencho_app::tenancy::{ActivationNotice, OpenTenantRequest};
use nencho_app::{AppError, tenancy};
use nencho_kernel::{Date, EmailAddress};
use serde::Serialize;

use crate::operator_log::column_width;
use crate::{UsageError, japan};

#[derive(Debug, clap::Subcommand)]
pub enum TenantCommand {
    /// Open a contract: its site and its ADMIN ID with a one-time initial password, printed as
    /// the activation notice (開通通知).
    Open {
        /// The site name: the `acme` of http://acme.{base domain}.
        #[arg(long)]
        slug: String,
        /// The contract holder's name, e.g. 株式会社アクメ.
        #[arg(long)]
        name: String,
        /// The ADMIN ID's e-mail address; also the contract's contact unless --contact-email
        /// is given.
        #[arg(long, value_name = "ADDRESS")]
        admin_email: String,
        /// The contract's contact (assisted ADMIN resets go here). Default: --admin-email.
        #[arg(long, value_name = "ADDRESS")]
        contact_email: Option<String>,
        /// Print only `{"site_url", "admin_id", "initial_password"}` as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Mail the ADMIN ID a password reset link (ID-8). Prints only the masked destination.
    ResetAdmin {
        /// The contract's site name.
        #[arg(long)]
        slug: String,
        /// Send the link here instead of to the contract's contact address.
        #[arg(long, value_name = "ADDRESS")]
        email: Option<String>,
        /// Also remove the ADMIN's 2段階認証 (phone and recovery codes lost); every session of
        /// the ADMIN ID ends.
        #[arg(long)]
        clear_two_factor: bool,
    },
    /// Give notice of the contract's end (SVC-2): its last day, at least three months from
    /// today (JST). Its users are told by e-mail now and on every page until then; after it,
    /// nobody can sign in or export (SVC-3), and 30 days later the worker deletes every datum
    /// (SVC-8).
    Terminate {
        /// The contract's site name.
        #[arg(long)]
        slug: String,
        /// The contract's last day (JST), e.g. 2027-03-31.
        #[arg(long, value_name = "YYYY-MM-DD")]
        end_date: String,
    },
    /// Withdraw the notice of the contract's end (before it has ended); its users are told.
    CancelTermination {
        /// The contract's site name.
        #[arg(long)]
        slug: String,
    },
    /// Every contract: slug, status, the date it was opened and its last day once notice is
    /// given (contract data only).
    List {
        /// Print one JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
}

impl TenantCommand {
    /// The command as the operator log names it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Open { .. } => "tenant open",
            Self::ResetAdmin { .. } => "tenant reset-admin",
            Self::Terminate { .. } => "tenant terminate",
            Self::CancelTermination { .. } => "tenant cancel-termination",
            Self::List { .. } => "tenant list",
        }
    }

    /// The slug as typed, when the command targets one contract.
    pub fn slug(&self) -> Option<&str> {
        match self {
            Self::Open { slug, .. }
            | Self::ResetAdmin { slug, .. }
            | Self::Terminate { slug, .. }
            | Self::CancelTermination { slug } => Some(slug),
            Self::List { .. } => None,
        }
    }
}

pub async fn run(
    command: &TenantCommand,
    context: &AppContext,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        TenantCommand::Open {
            slug,
            name,
            admin_email,
            contact_email,
            json,
        } => {
            // Without --contact-email the contact is the --admin-email address; with it, check it
            // here so that the error names the flag the operator typed.
            if let Some(contact) = contact_email {
                EmailAddress::parse(contact)
                    .map_err(|error| UsageError(format!("invalid --contact-email: {error}")))?;
            }
            let request = match contact_email {
                Some(contact) => OpenTenantRequest {
                    slug,
                    name,
                    contact_email: contact,
                    admin_email: Some(admin_email),
                },
                None => OpenTenantRequest {
                    slug,
                    name,
                    contact_email: admin_email,
                    admin_email: None,
                },
            };
            let notice = tenancy::open_tenant(context, request)
                .await
                .map_err(|error| failure(error, slug))?;
            if *json {
                print_notice_json(&notice, out)
            } else {
                print_notice(&notice, out)
            }
        }
        TenantCommand::ResetAdmin {
            slug,
            email,
            clear_two_factor,
        } => {
            let sent =
                tenancy::assisted_admin_reset(context, slug, email.as_deref(), *clear_two_factor)
                    .await
                    .map_err(|error| failure(error, slug))?;
            writeln!(
                out,
                "ADMIN パスワード再設定リンクを送信します (password reset link queued)"
            )?;
            writeln!(out, "サイト (site):      {slug}")?;
            writeln!(out, "送信先 (sent to):   {}", sent.masked_address)?;
            if *clear_two_factor {
                writeln!(
                    out,
                    "2段階認証 (two-step): {}",
                    if sent.second_factor_cleared {
                        "解除しました (removed)"
                    } else {
                        "設定されていません (was not on)"
                    }
                )?;
            }
            writeln!(
                out,
                "リンクはメールでのみ届きます。配信はサーバーの送信処理が行います。\n\
                 (The link is in the mail only; the server's outbox delivery sends it.)"
            )?;
            Ok(())
        }
        TenantCommand::Terminate { slug, end_date } => {
            let ends_on = japan::parse_date(end_date)
                .map_err(|error| UsageError(format!("invalid --end-date: {error}")))?;
            let given = contract_end::give_notice(context, slug, ends_on)
                .await
                .map_err(|error| failure(error, slug))?;
            writeln!(
                out,
                "契約終了を通知しました (notice of the contract's end given)"
            )?;
            writeln!(out, "サイト (site):                 {slug}")?;
            writeln!(out, "最終利用日 (last day, JST):    {}", iso_date(ends_on))?;
            writeln!(
                out,
                "データ削除日 (purge on, JST):  {}",
                iso_date(given.purge_on)
            )?;
            writeln!(out, "通知メール (notice mails):    {}", given.mails)?;
            Ok(())
        }
        TenantCommand::CancelTermination { slug } => {
            contract_end::cancel_notice(context, slug)
                .await
                .map_err(|error| failure(error, slug))?;
            writeln!(
                out,
                "契約終了の通知を取り消しました (notice of the contract's end withdrawn)"
            )?;
            writeln!(out, "サイト (site):      {slug}")?;
            Ok(())
        }
        TenantCommand::List { json } => list(context, *json, out).await,
    }
}

/// 開通通知 for the operator to hand to the customer: Japanese with English labels.
fn print_notice(notice: &ActivationNotice, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "開通通知 (activation notice): {}",
        notice.tenant.name.as_str()
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "サイトURL (site URL):               {}",
        notice.site_url
    )?;
    writeln!(
        out,
        "ADMIN ID:                           {}",
        notice.admin_id
    )?;
    writeln!(
        out,
        "初期パスワード (initial password):  {}",
        notice.initial_password.expose()
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "初期パスワードは初回ログイン時に必ず変更してください。\n\
         (The initial password must be changed at first login.)"
    )?;
    writeln!(
        out,
        "初期パスワードはこの1回しか表示されません。\n\
         (The initial password is shown this once only.)"
    )?;
    Ok(())
}

/// `tenant open --json`: the notice's three facts, in the order the notice shows them.
#[derive(Serialize)]
struct NoticeJson<'a> {
    site_url: &'a str,
    admin_id: &'a str,
    initial_password: &'a str,
}

/// `tenant list --json`: one contract.
#[derive(Serialize)]
struct ContractJson<'a> {
    slug: &'a str,
    status: &'static str,
    /// The JST date it was opened, `2026-11-25`.
    opened_on: String,
    /// The contract's last day (JST) once notice is given, else `null`.
    ends_on: Option<String>,
}

fn print_notice_json(notice: &ActivationNotice, out: &mut dyn Write) -> anyhow::Result<()> {
    let object = NoticeJson {
        site_url: &notice.site_url,
        admin_id: &notice.admin_id,
        initial_password: notice.initial_password.expose(),
    };
    serde_json::to_writer(&mut *out, &object)?;
    writeln!(out)?;
    Ok(())
}

/// Contract data only: no names, no contacts.
async fn list(context: &AppContext, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut tenants = context
        .store
        .list_tenants()
        .await
        .context("cannot list the contracts")?;
    tenants.sort_by(|a, b| a.slug.cmp(&b.slug));
    if json {
        let entries: Vec<_> = tenants
            .iter()
            .map(|tenant| ContractJson {
                slug: tenant.slug.as_str(),
                status: tenant.status.as_code(),
                opened_on: japan::date_of(tenant.opened_at),
                ends_on: tenant.ends_on.map(iso_date),
            })
            .collect();
        serde_json::to_writer(&mut *out, &entries)?;
        writeln!(out)?;
        return Ok(());
    }
    let slug_width = column_width("slug", tenants.iter().map(|tenant| tenant.slug.as_str()));
    writeln!(
        out,
        "{:<slug_width$}  {:<7}  opened (JST)  ends (JST)",
        "slug", "status"
    )?;
    for tenant in &tenants {
        let ends = tenant.ends_on.map(iso_date).unwrap_or_default();
        writeln!(
            out,
            "{:<slug_width$}  {:<7}  {}    {ends}",
            tenant.slug.as_str(),
            tenant.status.as_code(),
            japan::date_of(tenant.opened_at)
        )?;
    }
    writeln!(out, "contracts: {}", tenants.len())?;
    Ok(())
}

/// `2027-03-31`.
fn iso_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The use case's refusal in the operator's terms: input to correct → [`UsageError`] (exit 2)
/// naming the flag; anything else → exit 1. E-mail addresses are never echoed.
fn failure(error: AppError, slug: &str) -> anyhow::Error {
    match error {
        AppError::Invalid { field, message } => match field {
            "slug" => UsageError(format!("invalid --slug {slug:?}: {message}")).into(),
            "name" | "email" => UsageError(format!("invalid --{field}: {message}")).into(),
            "end_date" => UsageError(format!("invalid --end-date: {message}")).into(),
            // A bad contact address here came from --admin-email (see `run`).
            "contact_email" | "admin_email" => {
                UsageError(format!("invalid --admin-email: {message}")).into()
            }
            _ => anyhow!(AppError::Invalid { field, message }),
        },
        AppError::Conflict(_) => anyhow!("a contract with the site name {slug:?} already exists"),
        AppError::NotFound => {
            anyhow!("no contract with the site name {slug:?} (or it has no ADMIN ID)")
        }
        AppError::Refused(reason) => anyhow!("the contract {slug:?}: {reason}"),
        other => anyhow::Error::new(other),
    }
}
