//! `nencho-ops allow-ip …`: a contract's IP allow-list (SEC-2), changed by an operator on the
//! contract holder's request (e.g. when its administrators locked themselves out). Shows
//! networks and the customer's notes only.

use std::io::Write;

use anyhow::anyhow;
use nencho_app::site_access::{operator_change, operator_list};
use nencho_app::{AppContext, AppError};
use nencho_tenancy::{IpAllowEntry, IpAllowList};

use crate::UsageError;

#[derive(Debug, clap::Subcommand)]
pub enum AllowIpCommand {
    /// The contract's allowed networks (none: the site is not restricted).
    List {
        #[arg(long)]
        slug: String,
    },
    /// Allow an address or CIDR network (at most 100 per contract).
    Add {
        #[arg(long)]
        slug: String,
        /// e.g. 203.0.113.0/24 or 2001:db8::/48 or 198.51.100.7
        network: String,
        /// The customer's note for it, e.g. 本社.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Remove one network from the list.
    Remove {
        #[arg(long)]
        slug: String,
        network: String,
    },
    /// Remove every entry: the site is no longer restricted.
    Clear {
        #[arg(long)]
        slug: String,
    },
}

impl AllowIpCommand {
    pub fn name(&self) -> &'static str {
        match self {
            Self::List { .. } => "allow-ip list",
            Self::Add { .. } => "allow-ip add",
            Self::Remove { .. } => "allow-ip remove",
            Self::Clear { .. } => "allow-ip clear",
        }
    }

    pub fn slug(&self) -> &str {
        match self {
            Self::List { slug }
            | Self::Add { slug, .. }
            | Self::Remove { slug, .. }
            | Self::Clear { slug } => slug,
        }
    }
}

pub async fn run(
    command: &AllowIpCommand,
    context: &AppContext,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let slug = command.slug();
    let list = match command {
        AllowIpCommand::List { .. } => operator_list(context, slug).await,
        AllowIpCommand::Add { network, note, .. } => {
            let entry = IpAllowEntry::parse(network, note)
                .map_err(|error| UsageError(format!("invalid network {network:?}: {error}")))?;
            operator_change(context, slug, |current| {
                current.with(entry).map_err(|error| AppError::Invalid {
                    field: "network",
                    message: error.to_string(),
                })
            })
            .await
        }
        AllowIpCommand::Remove { network, .. } => {
            let entry = IpAllowEntry::parse(network, "")
                .map_err(|error| UsageError(format!("invalid network {network:?}: {error}")))?;
            operator_change(context, slug, |current| {
                current
                    .without(entry.network())
                    .ok_or_else(|| AppError::Invalid {
                        field: "network",
                        message: format!("{} is not in the list", entry.network()),
                    })
            })
            .await
        }
        AllowIpCommand::Clear { .. } => {
            operator_change(context, slug, |_| Ok(IpAllowList::default())).await
        }
    }
    .map_err(|error| failure(error, slug))?;
    print(&list, out)
}

fn print(list: &IpAllowList, out: &mut dyn Write) -> anyhow::Result<()> {
    if list.is_empty() {
        writeln!(out, "制限なし: どこからでも利用できます (no restriction)")?;
        return Ok(());
    }
    writeln!(
        out,
        "{} 件のネットワークからだけ利用できます ({} allowed networks)",
        list.entries().len(),
        list.entries().len()
    )?;
    for entry in list.entries() {
        writeln!(out, "{}\t{}", entry.network(), entry.note())?;
    }
    Ok(())
}

fn failure(error: AppError, slug: &str) -> anyhow::Error {
    match error {
        AppError::Invalid {
            field: "slug",
            message,
        } => UsageError(format!("invalid --slug {slug:?}: {message}")).into(),
        AppError::Invalid { message, .. } => UsageError(message).into(),
        AppError::NotFound => anyhow!("no contract with the site name {slug:?}"),
        other => anyhow::Error::new(other),
    }
}
