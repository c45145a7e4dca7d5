//! The contract's IP allow-list page (SEC-2) and the refusal every other address meets.

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::site_access::{allow_list, replace_allow_list};
use nencho_tenancy::IpAllowList;
use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Endpoint, IntoResponse, Request, Response, handler};
use serde::Deserialize;

use super::account::failure;
use super::context::Site;
use super::i18n::Lang;
use super::layout::Layout;
use super::render::{page, plain_not_found, rejected_form};
use crate::HttpServices;
use crate::client_ip::ClientAddress;

pub struct SiteAccessWords {
    title: &'static str,
    lead: &'static str,
    open: &'static str,
    restricted: &'static str,
    your_address: &'static str,
    entries_label: &'static str,
    entries_hint: &'static str,
    save: &'static str,
    saved: &'static str,
}

const JA: SiteAccessWords = SiteAccessWords {
    title: "IPアドレス制限",
    lead: "登録したIPアドレス(またはネットワーク)からだけ、このサイトを利用できるようにします。登録がないときは制限しません。最大100件まで登録できます。",
    open: "現在、IPアドレスによる制限はありません。",
    restricted: "件のネットワークからだけ利用できます。",
    your_address: "現在お使いのIPアドレス",
    entries_label: "許可するIPアドレス・ネットワーク(1行に1件)",
    entries_hint: "例: 203.0.113.0/24 本社 — アドレスまたはCIDRの後に、空白で区切ってメモを書けます。# で始まる行は無視します。すべて消して保存すると制限を解除します。",
    save: "保存する",
    saved: "保存しました。",
};

const EN: SiteAccessWords = SiteAccessWords {
    title: "IP address restriction",
    lead: "Allow this site to be used only from the registered IP addresses (or networks). With no entry, nothing is restricted. Up to 100 entries.",
    open: "There is currently no IP address restriction.",
    restricted: "network(s) may use this site.",
    your_address: "Your current IP address",
    entries_label: "Allowed addresses and networks (one per line)",
    entries_hint: "Example: 203.0.113.0/24 Head office — an address or CIDR, then an optional note after a space. Lines starting with # are ignored. Save an empty list to lift the restriction.",
    save: "Save",
    saved: "Saved.",
};

fn words(lang: Lang) -> &'static SiteAccessWords {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

#[derive(Template)]
#[template(path = "site/site_access.html")]
struct SiteAccessPage {
    layout: Layout,
    w: &'static SiteAccessWords,
    count: usize,
    client: String,
    entries: String,
    error: Option<String>,
    saved: bool,
}

/// The list as the text area shows it: one `network note` per line.
fn as_text(list: &IpAllowList) -> String {
    list.entries()
        .iter()
        .map(|entry| match entry.note() {
            "" => entry.network().to_string(),
            note => format!("{} {note}", entry.network()),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn show(
    site: &Site<'_>,
    layout: Layout,
    list: &IpAllowList,
    entries: String,
    error: Option<String>,
    saved: bool,
    status: StatusCode,
) -> Response {
    page(
        &SiteAccessPage {
            layout,
            w: words(site.lang),
            count: list.entries().len(),
            client: ClientAddress::of(site.request).text(),
            entries,
            error,
            saved,
        },
        status,
    )
}

#[handler]
pub async fn form(request: &Request, services: Data<&Arc<HttpServices>>) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    match allow_list(&services.app, &current).await {
        Ok(list) => show(
            &site,
            site.layout().with_user(&current),
            &list,
            as_text(&list),
            None,
            false,
            StatusCode::OK,
        ),
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct SiteAccessForm {
    csrf_token: String,
    #[serde(default)]
    entries: String,
}

#[handler]
pub async fn save(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(submitted): Form<SiteAccessForm>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    if !site.csrf_ok(&submitted.csrf_token) {
        return rejected_form(site.layout());
    }
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let client = ClientAddress::of(request).0;
    match replace_allow_list(&services.app, &current, &submitted.entries, client).await {
        Ok(list) => show(
            &site,
            site.layout().with_user(&current),
            &list,
            as_text(&list),
            None,
            true,
            StatusCode::OK,
        ),
        Err(AppError::Invalid { message, .. } | AppError::Refused(message)) => {
            // The page keeps what was typed, so nothing is lost while it is corrected.
            let stored = allow_list(&services.app, &current)
                .await
                .unwrap_or_default();
            show(
                &site,
                site.layout().with_user(&current),
                &stored,
                submitted.entries,
                Some(message),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Template)]
#[template(path = "site/access_denied.html")]
struct AccessDenied {
    address: String,
}

/// What a client outside the allow-list gets: 403, its own address (so it can ask its
/// administrator), and nothing about the contract.
pub fn refused(client: ClientAddress) -> Response {
    let address = client.text();
    let address = if address.is_empty() {
        "不明 (unknown)".to_owned()
    } else {
        address
    };
    page(&AccessDenied { address }, StatusCode::FORBIDDEN)
        .with_header("cache-control", "no-store")
        .into_response()
}

/// Lets a request through to the tenant's site only from an address the contract's IP
/// allow-list admits (SEC-2). It sits inside the access log, so refused attempts are recorded
/// too (LOG-1).
pub struct AllowListGate<E> {
    pub inner: E,
}

impl<E: Endpoint> Endpoint for AllowListGate<E> {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        let (Some(tenant), Some(services)) = (
            request
                .extensions()
                .get::<nencho_tenancy::Tenant>()
                .cloned(),
            request.data::<Arc<HttpServices>>().cloned(),
        ) else {
            // Only reachable if the site were served without the host dispatch: refuse.
            return Ok(plain_not_found());
        };
        let client = ClientAddress::of(&request);
        match nencho_app::site_access::admits(&services.app, &tenant, client.0).await {
            Ok(true) => self
                .inner
                .call(request)
                .await
                .map(IntoResponse::into_response),
            Ok(false) => Ok(refused(client)),
            Err(error) => {
                tracing::error!(%error, "IP allow-list lookup failed");
                Ok(StatusCode::SERVICE_UNAVAILABLE.into_response())
            }
        }
    }
}
