//! Who may reach a contract's site from where (SEC-2): the IP allow-list, checked on every
//! request to the site, kept by the tenant's ADMIN and administrators (`manage_site_access`) or
//! by an operator on the contract holder's written request.

use std::net::IpAddr;

use nencho_identity::Permission;
use nencho_tenancy::{IpAllowEntry, IpAllowList, Slug, Tenant};

use crate::authorization::require;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// Whether a client at `client` may use `tenant`'s site. An unknown address (not an IP socket)
/// is refused when the list restricts anything: the rule fails closed.
pub async fn admits(
    context: &AppContext,
    tenant: &Tenant,
    client: Option<IpAddr>,
) -> Result<bool, AppError> {
    let list = context.store.ip_allow_list(tenant.id).await?;
    Ok(list.is_empty() || client.is_some_and(|address| list.permits(address)))
}

/// The tenant's list, for its administrators.
pub async fn allow_list(
    context: &AppContext,
    actor: &CurrentUser,
) -> Result<IpAllowList, AppError> {
    require(context, actor, Permission::ManageSiteAccess, None).await?;
    Ok(context.store.ip_allow_list(actor.tenant.id).await?)
}

/// Reads the administrator's text: one entry per line, the network first and an optional note
/// after a space (`203.0.113.0/24 本社`); blank lines and lines starting with `#` are skipped.
/// Every bad line is reported with its number.
pub fn parse_entries(text: &str) -> Result<IpAllowList, AppError> {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (network, note) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        match IpAllowEntry::parse(network, note) {
            Ok(entry) => entries.push(entry),
            Err(error) => problems.push(format!("{}行目: {error}", index + 1)),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid {
            field: "entries",
            message: problems.join("\n"),
        });
    }
    IpAllowList::new(entries).map_err(|error| AppError::Invalid {
        field: "entries",
        message: error.to_string(),
    })
}

/// Replaces the list from the administrator's text. A list that would shut out the
/// administrator's own address is refused, so that nobody locks themselves out by a typo (an
/// operator can still change it for them).
pub async fn replace_allow_list(
    context: &AppContext,
    actor: &CurrentUser,
    text: &str,
    client: Option<IpAddr>,
) -> Result<IpAllowList, AppError> {
    require(context, actor, Permission::ManageSiteAccess, None).await?;
    let list = parse_entries(text)?;
    let keeps_actor_in = list.is_empty() || client.is_some_and(|address| list.permits(address));
    if !keeps_actor_in {
        let shown = client.map_or_else(|| "不明".to_owned(), |address| address.to_string());
        return Err(AppError::Refused(format!(
            "現在お使いの IP アドレス ({shown}) が含まれていないため、保存するとこのサイトを利用できなくなります。\
             この IP アドレスを含めてください。 (Your current address {shown} is not in the list: saving it would lock you out.)"
        )));
    }
    let before = context.store.ip_allow_list(actor.tenant.id).await?;
    context
        .store
        .replace_ip_allow_list(actor.tenant.id, &list)
        .await?;
    if before != list {
        let detail = if list.is_empty() {
            "制限なし".to_owned()
        } else {
            list.entries()
                .iter()
                .map(|entry| entry.network().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        crate::audit::record(
            context,
            actor,
            nencho_identity::AuditAction::SiteAccessChanged,
            "",
            format!(
                "{}件 → {}件: {detail}",
                before.entries().len(),
                list.entries().len()
            ),
        )
        .await?;
    }
    Ok(list)
}

/// An operator's change (`nencho-ops tenant allow-ip …`): `change` turns the current list into
/// the new one. Returns the list as stored.
pub async fn operator_change(
    context: &AppContext,
    slug: &str,
    change: impl FnOnce(&IpAllowList) -> Result<IpAllowList, AppError>,
) -> Result<IpAllowList, AppError> {
    let tenant = tenant_by_slug(context, slug).await?;
    let current = context.store.ip_allow_list(tenant.id).await?;
    let list = change(&current)?;
    if list != current {
        context
            .store
            .replace_ip_allow_list(tenant.id, &list)
            .await?;
    }
    Ok(list)
}

/// The list of the contract at `slug`, for an operator.
pub async fn operator_list(context: &AppContext, slug: &str) -> Result<IpAllowList, AppError> {
    let tenant = tenant_by_slug(context, slug).await?;
    Ok(context.store.ip_allow_list(tenant.id).await?)
}

async fn tenant_by_slug(context: &AppContext, slug: &str) -> Result<Tenant, AppError> {
    let slug = Slug::parse(slug).map_err(|error| AppError::Invalid {
        field: "slug",
        message: error.to_string(),
    })?;
    context
        .store
        .find_tenant_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_line_by_line_with_notes_and_every_bad_line_is_named() {
        let list =
            parse_entries("# 本社と VPN\n203.0.113.0/24 本社 3階\n\n2001:db8::/32\tVPN\n").unwrap();
        assert_eq!(list.entries().len(), 2);
        // IPv4 networks sort before IPv6 ones.
        assert_eq!(list.entries()[0].note(), "本社 3階");
        assert_eq!(list.entries()[1].note(), "VPN");

        let Err(AppError::Invalid { field, message }) =
            parse_entries("203.0.113.0/24\nhonsha\n192.0.2.9/24 typo\n")
        else {
            panic!("bad lines must be refused");
        };
        assert_eq!(field, "entries");
        assert!(message.contains("2行目"), "{message}");
        assert!(message.contains("3行目"), "{message}");
        assert!(message.contains("192.0.2.0/24"), "{message}");
        assert!(!message.contains("1行目"), "{message}");
        assert!(parse_entries("").unwrap().is_empty());
    }
}
