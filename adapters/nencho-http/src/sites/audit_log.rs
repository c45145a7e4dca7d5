//! The 操作ログ page (`/admin/audit-log`, `view_audit_log`): 100 entries newest first, then older
//! pages by the id they end at.

use std::sync::Arc;

use askama::Template;
use nencho_app::audit::audit_log;
use nencho_identity::AuditAction;
use nencho_kernel::format_japan_datetime;
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::account::failure;
use super::context::Site;
use super::i18n::Lang;
use super::layout::Layout;
use super::render::page;
use crate::HttpServices;

pub struct AuditWords {
    title: &'static str,
    lead: &'static str,
    none: &'static str,
    time: &'static str,
    actor: &'static str,
    action: &'static str,
    target: &'static str,
    detail: &'static str,
    older: &'static str,
    csv: &'static str,
    csv_sjis: &'static str,
    filter: &'static str,
    every_action: &'static str,
    show: &'static str,
}

const JA: AuditWords = AuditWords {
    title: "操作ログ",
    lead: "IDや権限、会社の設定、IPアドレス制限、2段階認証の変更と、データの出力(エクスポート・給与CSV・一括印刷)を、新しい順に記録しています。契約期間中は保存されます。",
    none: "記録はまだありません。",
    time: "日時",
    actor: "操作者",
    action: "操作",
    target: "対象",
    detail: "内容",
    older: "さらに古い記録",
    csv: "CSVでダウンロード(UTF-8)",
    csv_sjis: "CSVでダウンロード(Excel向け Shift_JIS)",
    filter: "操作で絞り込む",
    every_action: "すべての操作",
    show: "表示",
};

const EN: AuditWords = AuditWords {
    title: "Audit log",
    lead: "Changes to IDs, roles, company settings, the IP restriction and two-step verification, and data taken out (exports, payroll CSV, bulk printing), newest first. Kept for the life of the contract.",
    none: "Nothing recorded yet.",
    time: "Time",
    actor: "By",
    action: "Action",
    target: "Target",
    detail: "Details",
    older: "Older entries",
    csv: "Download as CSV (UTF-8)",
    csv_sjis: "Download as CSV (Shift_JIS for Excel)",
    filter: "Filter by action",
    every_action: "Every action",
    show: "Show",
};

fn words(lang: Lang) -> &'static AuditWords {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

struct AuditRow {
    time: String,
    actor: String,
    actor_login_id: String,
    action: &'static str,
    action_code: &'static str,
    target: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "site/audit_log.html")]
struct AuditPage {
    layout: Layout,
    w: &'static AuditWords,
    rows: Vec<AuditRow>,
    next: Option<i64>,
    /// (code, name, chosen) for the filter.
    actions: Vec<(&'static str, &'static str, bool)>,
    /// The chosen action's code, carried by the links ("" = every action).
    chosen: &'static str,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<String>,
    action: Option<String>,
}

/// The action a query asks for; an unknown one is none (every action).
fn action_of(code: Option<&str>) -> Option<AuditAction> {
    code.and_then(AuditAction::from_code)
}

#[handler]
pub async fn show(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<AuditQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    // A cursor that is no number starts from the newest entry.
    let before = query.before.and_then(|text| text.parse::<i64>().ok());
    let action = action_of(query.action.as_deref());
    match audit_log(&services.app, &current, action, before).await {
        Ok(found) => {
            let english = site.lang == Lang::En;
            let rows = found
                .records
                .into_iter()
                .map(|record| {
                    let entry = record.entry;
                    AuditRow {
                        time: format_japan_datetime(entry.at),
                        actor: entry.actor_name,
                        actor_login_id: entry.actor_login_id,
                        action: if english {
                            entry.action.english_name()
                        } else {
                            entry.action.japanese_name()
                        },
                        action_code: entry.action.code(),
                        target: entry.target,
                        detail: entry.detail,
                    }
                })
                .collect();
            let actions = AuditAction::ALL
                .into_iter()
                .map(|each| {
                    (
                        each.code(),
                        if english {
                            each.english_name()
                        } else {
                            each.japanese_name()
                        },
                        Some(each) == action,
                    )
                })
                .collect();
            page(
                &AuditPage {
                    layout: site.layout().with_user(&current),
                    w: words(site.lang),
                    rows,
                    next: found.next,
                    actions,
                    chosen: action.map_or("", AuditAction::code),
                },
                StatusCode::OK,
            )
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct DownloadQuery {
    encoding: Option<String>,
    action: Option<String>,
}

/// The whole 操作ログ as CSV (`/admin/audit-log.csv?encoding=utf8|sjis`), newest first, with the
/// columns of the full export's `audit_log.csv`.
#[handler]
pub async fn download(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<DownloadQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    // The first page checks the permission before anything is sent.
    let action = action_of(query.action.as_deref());
    let first = match audit_log(&services.app, &current, action, None).await {
        Ok(first) => first,
        Err(error) => return failure(&site, &error).await,
    };
    let encoding = nencho_csv::CsvEncoding::asked(query.encoding.as_deref());
    let header = super::export::AUDIT_HEADER
        .iter()
        .map(|column| (*column).to_owned())
        .collect();
    let services = Arc::clone(&services);
    let mut first = Some(first);
    super::csv_download::stream_csv(encoding, "audit-log", header, move |before: Option<i64>| {
        let services = Arc::clone(&services);
        let current = current.clone();
        let ready = first.take();
        Box::pin(async move {
            let found = match ready {
                Some(found) => found,
                None => audit_log(&services.app, &current, action, before).await?,
            };
            let rows = found
                .records
                .iter()
                .map(super::export::audit_cells)
                .collect();
            Ok((rows, found.next))
        })
    })
}
