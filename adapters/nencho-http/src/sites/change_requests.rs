//! 登録内容の変更届 pages: the employee's own record with the request form (`/profile`), and the
//! company's pending requests for ADMIN and administrators
//! (`/admin/companies/{id}/change-requests`, decided at `/admin/change-requests/{id}`).

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::change_requests::{decide_change, own_record, pending_changes, request_change};
use nencho_app::sign_in::CurrentUser;
use nencho_kernel::{ChangeRequestId, CompanyId, format_japan_datetime};
use nencho_tenancy::{ChangeRequest, Employee, MasterChange, MasterChangeError, MasterChangeForm};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::account::failure;
use super::context::{Site, see_other};
use super::i18n::Lang;
use super::layout::Layout;
use super::render::{message, page, plain_not_found};
use crate::HttpServices;

pub struct ChangeWords {
    title: &'static str,
    lead: &'static str,
    no_record: &'static str,
    current: &'static str,
    family: &'static str,
    given: &'static str,
    family_kana: &'static str,
    given_kana: &'static str,
    postal_code: &'static str,
    address: &'static str,
    note: &'static str,
    note_hint: &'static str,
    send: &'static str,
    sent: &'static str,
    pending: &'static str,
    history: &'static str,
    requested_at: &'static str,
    status: &'static str,
    comment: &'static str,
    admin_title: &'static str,
    admin_lead: &'static str,
    none_pending: &'static str,
    item: &'static str,
    now: &'static str,
    asked: &'static str,
    apply: &'static str,
    decline: &'static str,
    decided_applied: &'static str,
    decided_declined: &'static str,
    already_decided: &'static str,
}

const JA: ChangeWords = ChangeWords {
    title: "登録内容の確認・変更届",
    lead: "年末調整の申告書には、ここに登録されている氏名・住所が印字されます。引っ越しや結婚などで変わったときは、変更届を出してください。管理者が確認して反映します。",
    no_record: "このIDには従業員情報が登録されていません。",
    current: "現在の登録内容",
    family: "氏(漢字)",
    given: "名(漢字)",
    family_kana: "氏(フリガナ)",
    given_kana: "名(フリガナ)",
    postal_code: "郵便番号",
    address: "住所",
    note: "備考",
    note_hint: "変更の理由や日付(例: 2026年10月1日に転居)",
    send: "変更届を出す",
    sent: "変更届を出しました。管理者の確認をお待ちください。",
    pending: "確認待ちの変更届があります。出し直すと、前の届は取り下げられます。",
    history: "これまでの変更届",
    requested_at: "届出日時",
    status: "状態",
    comment: "管理者のコメント",
    admin_title: "登録内容の変更届",
    admin_lead: "従業員から届いた氏名・住所の変更です。反映すると従業員情報が書き換わり、本人にメールで知らせます。",
    none_pending: "確認待ちの変更届はありません。",
    item: "項目",
    now: "現在",
    asked: "変更後",
    apply: "反映する",
    decline: "差し戻す",
    decided_applied: "変更届を反映しました。",
    decided_declined: "変更届を差し戻しました。",
    already_decided: "この変更届はすでに処理されています。",
};

const EN: ChangeWords = ChangeWords {
    title: "Your record and change requests",
    lead: "The declarations print the name and address on your record. If they changed (a move, a marriage), send a change request; an administrator checks and applies it.",
    no_record: "This ID has no employee record.",
    current: "On record",
    family: "Family name (kanji)",
    given: "Given name (kanji)",
    family_kana: "Family name (katakana)",
    given_kana: "Given name (katakana)",
    postal_code: "Postal code",
    address: "Address",
    note: "Note",
    note_hint: "Why and since when (e.g. moved on 1 October 2026)",
    send: "Send the change request",
    sent: "Your change request was sent. An administrator will check it.",
    pending: "A change request is waiting to be checked. Sending another replaces it.",
    history: "Your change requests",
    requested_at: "Sent",
    status: "Status",
    comment: "Administrator's comment",
    admin_title: "Change requests",
    admin_lead: "Name and address changes sent by employees. Applying one rewrites the record and tells the employee by mail.",
    none_pending: "No change request is waiting.",
    item: "Item",
    now: "On record",
    asked: "Asked",
    apply: "Apply",
    decline: "Decline",
    decided_applied: "The change request was applied.",
    decided_declined: "The change request was declined.",
    already_decided: "This change request was already decided.",
};

fn words(lang: Lang) -> &'static ChangeWords {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

struct HistoryRow {
    requested_at: String,
    status: &'static str,
    status_code: &'static str,
    comment: String,
    address: String,
}

#[derive(Template)]
#[template(path = "site/profile.html")]
struct ProfilePage {
    layout: Layout,
    w: &'static ChangeWords,
    record: Option<Employee>,
    form: MasterChangeForm,
    errors: Vec<MasterChangeError>,
    pending: bool,
    history: Vec<HistoryRow>,
}

impl ProfilePage {
    fn error_of(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message)
    }

    fn postal_of(record: &Employee) -> String {
        record
            .postal_code
            .map(|code| code.to_string())
            .unwrap_or_default()
    }
}

fn form_of(change: &MasterChange) -> MasterChangeForm {
    MasterChangeForm {
        family: change.name.family.clone(),
        given: change.name.given.clone(),
        family_kana: change.name.family_kana.clone(),
        given_kana: change.name.given_kana.clone(),
        postal_code: change
            .postal_code
            .map(|code| code.to_string())
            .unwrap_or_default(),
        address: change.address.clone(),
        note: change.note.clone(),
    }
}

fn history_rows(requests: &[ChangeRequest]) -> Vec<HistoryRow> {
    requests
        .iter()
        .map(|request| HistoryRow {
            requested_at: format_japan_datetime(request.requested_at),
            status: request.status.japanese_name(),
            status_code: request.status.code(),
            comment: request.comment.clone(),
            address: request.change.address.clone(),
        })
        .collect()
}

async fn profile_page(
    site: &Site<'_>,
    current: &CurrentUser,
    typed: Option<(MasterChangeForm, Vec<MasterChangeError>)>,
    notice: Option<&'static str>,
) -> Response {
    let w = words(site.lang);
    let mut layout = site.layout().with_user(current);
    if let Some(notice) = notice {
        layout = layout.with_notice(notice);
    }
    let (record, history, pending, start) = match own_record(&site.services.app, current).await {
        Ok(own) => {
            let pending = own
                .requests
                .iter()
                .find(|request| request.status == nencho_tenancy::ChangeStatus::Pending);
            let start = pending
                .map(|request| form_of(&request.change))
                .unwrap_or_else(|| form_of(&MasterChange::of(&own.employee)));
            (
                Some(own.employee.clone()),
                history_rows(&own.requests),
                pending.is_some(),
                start,
            )
        }
        Err(AppError::NotFound) => (None, Vec::new(), false, MasterChangeForm::default()),
        Err(error) => return failure(site, &error).await,
    };
    let failed = typed.as_ref().is_some_and(|(_, errors)| !errors.is_empty());
    let (form, errors) = typed.unwrap_or((start, Vec::new()));
    page(
        &ProfilePage {
            layout,
            w,
            record,
            form,
            errors,
            pending,
            history,
        },
        if failed {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
    )
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

#[handler]
pub async fn profile_form(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let notice = (query.notice.as_deref() == Some("sent")).then_some(words(site.lang).sent);
    profile_page(&site, &current, None, notice).await
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    family: String,
    #[serde(default)]
    given: String,
    #[serde(default)]
    family_kana: String,
    #[serde(default)]
    given_kana: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    note: String,
}

#[handler]
pub async fn send_change(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Form(form): Form<ChangeForm>,
) -> Response {
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let typed = MasterChangeForm {
        family: form.family,
        given: form.given,
        family_kana: form.family_kana,
        given_kana: form.given_kana,
        postal_code: form.postal_code,
        address: form.address,
        note: form.note,
    };
    match request_change(&services.app, &current, &typed).await {
        Ok(Ok(_)) => see_other("/profile?notice=sent"),
        Ok(Err(errors)) => profile_page(&site, &current, Some((typed, errors)), None).await,
        Err(error) => failure(&site, &error).await,
    }
}

struct PendingRow {
    id: String,
    employee: String,
    requested_at: String,
    note: String,
    differences: Vec<(&'static str, String, String)>,
}

#[derive(Template)]
#[template(path = "site/change_requests.html")]
struct PendingPage {
    layout: Layout,
    w: &'static ChangeWords,
    rows: Vec<PendingRow>,
}

#[handler]
pub async fn pending_list(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    let w = words(site.lang);
    match pending_changes(&services.app, &current, company_id).await {
        Ok(found) => {
            let rows = found
                .into_iter()
                .map(|pending| PendingRow {
                    id: pending.request.id.to_string(),
                    employee: format!(
                        "{} {}",
                        pending.employee.number,
                        pending.employee.name.full()
                    ),
                    requested_at: format_japan_datetime(pending.request.requested_at),
                    note: pending.request.change.note.clone(),
                    differences: pending.request.change.differences(&pending.employee),
                })
                .collect();
            let mut layout = site.layout().with_user(&current);
            match query.notice.as_deref() {
                Some("applied") => layout = layout.with_notice(w.decided_applied),
                Some("declined") => layout = layout.with_notice(w.decided_declined),
                _ => {}
            }
            page(&PendingPage { layout, w, rows }, StatusCode::OK)
        }
        Err(error) => failure(&site, &error).await,
    }
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    comment: String,
}

#[handler]
pub async fn decide_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Form(form): Form<DecideForm>,
) -> Response {
    let (site, current) = match Site::enter_form(request, &services, &form.csrf_token).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Ok(id) = id.parse::<ChangeRequestId>() else {
        return plain_not_found();
    };
    let apply = match form.action.as_str() {
        "apply" => Some(true),
        "decline" => Some(false),
        _ => None,
    };
    match decide_change(&services.app, &current, id, apply, &form.comment).await {
        Ok(decided) => see_other(&format!(
            "/admin/companies/{}/change-requests?notice={}",
            decided.company_id,
            if decided.status == nencho_tenancy::ChangeStatus::Applied {
                "applied"
            } else {
                "declined"
            }
        )),
        Err(AppError::Conflict(_)) => {
            let w = words(site.lang);
            message(
                site.layout().with_user(&current),
                StatusCode::CONFLICT,
                w.admin_title,
                w.already_decided,
                "/admin/companies",
                site.lang.words().back_home,
            )
        }
        Err(error) => failure(&site, &error).await,
    }
}
