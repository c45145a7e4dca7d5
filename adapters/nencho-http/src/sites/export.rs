//! The full export (SVC-3): ADMIN and administrators download every kind of the tenant's data as
//! a ZIP of CSV files (`companies.csv`, `employees.csv`, `users.csv`, `roles.csv`,
//! `login_history.csv`, the declarations' `filing_periods.csv`, `filings.csv`,
//! `filing_values.csv`, `filing_history.csv`, `filing_changes.csv`, the 源泉徴収票's electronic
//! delivery (電子交付) `slip_consents.csv` (the consents) and `withholding_slips.csv` (the issued
//! slips), the certificates' originals received (控除証明書等の原本) `filing_originals.csv`, the
//! attached documents' `attachments.csv`, and a `README.txt` describing them), in
//! UTF-8 with a BOM or in CP932, and each attached document as it was uploaded,
//! `attachments/{attachment id}.{pdf|jpg|png}` (the uploaded file name is only a cell of
//! `attachments.csv`, never part of a path).
//!
//! The use case hands the data out page by page ([`FullExport::next_page`]); each page is
//! encoded and deflated straight into an unnamed temporary file in the OS temp dir (the ZIP
//! writer needs to seek), which is then streamed as the response body and vanishes when the
//! body is dropped. Documents are stored as they are (JPEG, PNG and PDF are compressed already),
//! one at a time. Memory stays bounded by one page (5,000 employees, 500 declarations, 500
//! issued slips, 500 originals' receipts, 500 documents' metadata) or one document (10 MB),
//! whatever the tenant's size.

use std::fmt::Write as _;
use std::io::{Seek, SeekFrom, Write};
use std::sync::Arc;

use askama::Template;
use encoding_rs::{EncoderResult, SHIFT_JIS};
use nencho_app::AppError;
use nencho_app::export::{
    ExportPage, ExportTable, ExportedAttachment, ExportedFiling, ExportedHistory, ExportedOriginal,
    ExportedRole, ExportedSlip, ExportedSlipConsent, ExportedUser, FullExport,
};
use nencho_csv::{Column, CsvEncoding};
use nencho_filings::{
    Attachment, AttachmentFormat, DateRange, FieldChange, FilingEvent, FilingPeriods, flatten,
};
use nencho_identity::{CompanyRole, LoginAttempt, LoginOutcome, Role, UserStatus};
use nencho_kernel::{Date, OffsetDateTime, Yen};
use nencho_tenancy::{Company, Employee, LoginIdScheme};
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Body, IntoResponse, Request, Response, handler};
use serde::Deserialize;
use time::UtcOffset;
use time::macros::format_description;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::account::failure;
use super::context::Site;
use super::i18n::Lang;
use super::layout::Layout;
use super::render::{message, page, plain_not_found};
use crate::HttpServices;

/// The words of the export page, Japanese first.
pub struct ExportWords {
    title: &'static str,
    lead: &'static str,
    encoding: &'static str,
    utf8: &'static str,
    sjis: &'static str,
    download: &'static str,
    files: &'static str,
    ended: &'static str,
    failed: &'static str,
}

const JA: ExportWords = ExportWords {
    title: "全データのエクスポート",
    lead: "会社・従業員・ユーザー・役割・ログイン履歴・操作ログ・登録内容の変更届・年末調整の申告書（期間、全項目、履歴、担当者メモ）・源泉徴収票の電子交付（同意と交付した源泉徴収票）・控除証明書等の原本の受領記録・添付書類を、CSVファイルと添付書類のファイルをまとめたZIPファイルでダウンロードします。各ファイルの説明はZIPの中の README.txt にあります。",
    encoding: "文字コード",
    utf8: "UTF-8（BOM付き）",
    sjis: "Shift_JIS（CP932、Excel向け）",
    download: "ダウンロード",
    files: "companies.csv（会社）、employees.csv（従業員）、users.csv（ユーザー）、roles.csv（役割）、login_history.csv（ログイン履歴）、audit_log.csv（操作ログ）、change_requests.csv（登録内容の変更届）、filing_periods.csv（申告期間）、filings.csv（申告書）、filing_values.csv（申告書の項目）、filing_history.csv（申告書の操作履歴）、filing_changes.csv（申告書の変更履歴）、filing_memos.csv（担当者メモ）、slip_consents.csv（源泉徴収票の電子交付への同意）、withholding_slips.csv（交付した源泉徴収票）、filing_originals.csv（控除証明書等の原本の受領記録）、attachments.csv（添付書類の一覧）、attachments フォルダ（添付書類のファイル）",
    ended: "ご契約が終了しているため、データをエクスポートできません。",
    failed: "エクスポートを作成できませんでした。しばらくしてからもう一度お試しください。",
};

const EN: ExportWords = ExportWords {
    title: "Export all data",
    lead: "Download companies, employees, users, roles, login history, the audit log, the change requests, the year-end adjustment declarations (periods, every value, history, staff memos), the withholding slips issued electronically (the consents and the slips), the certificates' originals received and the declarations' attached documents as a ZIP of CSV files and the documents' files. README.txt inside the ZIP describes each file (in Japanese).",
    encoding: "Character encoding",
    utf8: "UTF-8 (with BOM)",
    sjis: "Shift_JIS (CP932, for Excel)",
    download: "Download",
    files: "companies.csv, employees.csv, users.csv, roles.csv, login_history.csv, audit_log.csv (audit log), change_requests.csv (change requests), filing_periods.csv, filings.csv, filing_values.csv, filing_history.csv, filing_changes.csv, filing_memos.csv (staff memos), slip_consents.csv (consents to electronic withholding slips), withholding_slips.csv (issued withholding slips), filing_originals.csv (certificates' originals received), attachments.csv (attached documents), the attachments folder (the documents' files)",
    ended: "The contract has ended: the data can no longer be exported.",
    failed: "The export could not be made. Please try again later.",
};

fn words(lang: Lang) -> &'static ExportWords {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

#[derive(Template)]
#[template(path = "site/export.html")]
struct ExportPageView {
    layout: Layout,
    w: &'static ExportWords,
}

#[derive(Deserialize)]
pub struct DownloadQuery {
    encoding: Option<String>,
}

/// The answer to a refused export: 410 with its own message once the contract has ended, the
/// usual page otherwise.
async fn refused(site: &Site<'_>, error: &AppError) -> Response {
    match error {
        AppError::ContractEnded => {
            let t = site.lang.words();
            message(
                site.layout(),
                StatusCode::GONE,
                t.error_title,
                words(site.lang).ended,
                "/",
                t.back_home,
            )
        }
        other => failure(site, other).await,
    }
}

#[handler]
pub async fn form(request: &Request, services: Data<&Arc<HttpServices>>) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    match nencho_app::export::start_export(&services.app, &current).await {
        Ok(_) => page(
            &ExportPageView {
                layout: site.layout().with_user(&current),
                w: words(site.lang),
            },
            StatusCode::OK,
        ),
        Err(error) => refused(&site, &error).await,
    }
}

#[handler]
pub async fn download(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Query(query): Query<DownloadQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let export = match nencho_app::export::start_export(&services.app, &current).await {
        Ok(export) => export,
        Err(error) => return refused(&site, &error).await,
    };
    let encoding = CsvEncoding::asked(query.encoding.as_deref());
    let file_name = format!(
        "nencho-export-{}-{}.zip",
        export.tenant().slug.as_str(),
        jst(export.exported_at())
            .format(format_description!("[year][month][day]"))
            .unwrap_or_default()
    );
    let handle = tokio::runtime::Handle::current();
    let written = tokio::task::spawn_blocking(move || {
        let file = tempfile::tempfile()?;
        write_zip(&handle, export, encoding, file)
    })
    .await;
    let mut file = match written {
        Ok(Ok(file)) => file,
        Ok(Err(error)) => {
            tracing::error!(error = %error.0, "the export failed");
            return export_failed(&site);
        }
        Err(error) => {
            tracing::error!(%error, "the export task failed");
            return export_failed(&site);
        }
    };
    let length = match file.seek(SeekFrom::End(0)).and_then(|length| {
        file.seek(SeekFrom::Start(0))?;
        Ok(length)
    }) {
        Ok(length) => length,
        Err(error) => {
            tracing::error!(%error, "the export file cannot be read back");
            return export_failed(&site);
        }
    };
    Body::from_async_read(tokio::fs::File::from_std(file))
        .with_content_type("application/zip")
        .with_header("Content-Length", length.to_string())
        .with_header(
            "Content-Disposition",
            format!("attachment; filename=\"{file_name}\""),
        )
        .with_header("Cache-Control", "no-store")
        .into_response()
}

fn export_failed(site: &Site<'_>) -> Response {
    let t = site.lang.words();
    message(
        site.layout(),
        StatusCode::SERVICE_UNAVAILABLE,
        t.error_title,
        words(site.lang).failed,
        "/",
        t.back_home,
    )
}

/// Why the ZIP could not be written, for the log.
#[derive(Debug)]
struct ExportFailure(String);

impl From<AppError> for ExportFailure {
    fn from(error: AppError) -> Self {
        Self(error.to_string())
    }
}

impl From<zip::result::ZipError> for ExportFailure {
    fn from(error: zip::result::ZipError) -> Self {
        Self(error.to_string())
    }
}

impl From<std::io::Error> for ExportFailure {
    fn from(error: std::io::Error) -> Self {
        Self(error.to_string())
    }
}

fn jst(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(UtcOffset::from_hms(9, 0, 0).unwrap_or(UtcOffset::UTC))
}

/// `2026-11-25 09:30:00` in JST.
fn time_text(at: OffsetDateTime) -> String {
    jst(at)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
}

/// `2026-11-25`.
fn date_text(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// The file each table goes to.
fn file_name(table: ExportTable) -> &'static str {
    match table {
        ExportTable::Companies => "companies.csv",
        ExportTable::Employees => "employees.csv",
        ExportTable::Users => "users.csv",
        ExportTable::Roles => "roles.csv",
        ExportTable::LoginHistory => "login_history.csv",
        ExportTable::AuditLog => "audit_log.csv",
        ExportTable::ChangeRequests => "change_requests.csv",
        ExportTable::FilingPeriods => "filing_periods.csv",
        ExportTable::Filings => "filings.csv",
        ExportTable::FilingValues => "filing_values.csv",
        ExportTable::FilingHistory => "filing_history.csv",
        ExportTable::FilingChanges => "filing_changes.csv",
        ExportTable::SlipConsents => "slip_consents.csv",
        ExportTable::WithholdingSlips => "withholding_slips.csv",
        ExportTable::FilingOriginals => "filing_originals.csv",
        ExportTable::Attachments => "attachments.csv",
        ExportTable::FilingMemos => "filing_memos.csv",
    }
}

/// Where a document goes in the ZIP: its id and the extension of its (sniffed) format, nothing
/// the uploader chose.
fn attachment_path(attachment: &Attachment) -> String {
    format!(
        "attachments/{}.{}",
        attachment.id,
        attachment.format.extension()
    )
}

const COMPANY_HEADER: [&str; 11] = [
    "会社ID",
    "会社名",
    "法人番号",
    "所在地",
    "所轄税務署",
    "問い合わせ先",
    "ログインIDの方式",
    "自動督促",
    "原本の受領後に承認",
    "確認後に承認",
    "登録日時",
];
const EMPLOYEE_EXTRA_HEADER: [&str; 5] = ["会社ID", "会社名", "従業員ID", "ユーザーID", "更新日時"];
const USER_HEADER: [&str; 9] = [
    "ユーザーID",
    "ログインID",
    "氏名",
    "メールアドレス",
    "権限",
    "状態",
    "パスワード設定済み",
    "登録日時",
    "2段階認証",
];
const ROLE_HEADER: [&str; 6] = [
    "会社ID",
    "会社名",
    "ユーザーID",
    "ログインID",
    "役割",
    "部署",
];
const LOGIN_HEADER: [&str; 6] = [
    "ユーザーID",
    "ログインID",
    "日時",
    "結果",
    "IPアドレス",
    "ブラウザ",
];

pub(super) const AUDIT_HEADER: [&str; 9] = [
    "番号",
    "日時",
    "操作者ID",
    "操作者ログインID",
    "操作者",
    "操作",
    "操作コード",
    "対象",
    "内容",
];

const CHANGE_REQUEST_HEADER: [&str; 17] = [
    "届出ID",
    "会社ID",
    "従業員ID",
    "届出日時",
    "届出者ID",
    "氏",
    "名",
    "氏（フリガナ）",
    "名（フリガナ）",
    "郵便番号",
    "住所",
    "備考",
    "状態",
    "状態コード",
    "処理日時",
    "処理者",
    "コメント",
];

const PERIOD_HEADER: [&str; 11] = [
    "会社ID",
    "会社名",
    "年分",
    "年末調整期間の開始日",
    "年末調整期間の終了日",
    "提出期間の開始日",
    "提出期間の終了日",
    "再提出期間の開始日",
    "再提出期間の終了日",
    "通年申告",
    "会社からのご案内",
];
const FILING_HEADER: [&str; 34] = [
    "申告書ID",
    "会社ID",
    "会社名",
    "従業員ID",
    "社員番号",
    "氏名",
    "年分",
    "状態",
    "状態コード",
    "代理入力",
    "再年調",
    "最新のコメント",
    "依頼日時",
    "提出日時",
    "承認日時",
    "個別の提出期限",
    "一次確認日時",
    "一次確認者ID",
    "更新日時",
    "版",
    "スキーマバージョン",
    "給与所得控除後の給与等の金額",
    "社会保険料控除",
    "小規模企業共済等掛金控除",
    "生命保険料控除",
    "地震保険料控除",
    "配偶者（特別）控除",
    "特定親族特別控除",
    "扶養控除・障害者控除等",
    "基礎控除",
    "所得控除の合計",
    "住宅借入金等特別控除額",
    "控除額を計算できない理由",
    "申告内容（JSON）",
];
const VALUE_HEADER: [&str; 8] = [
    "申告書ID",
    "会社ID",
    "社員番号",
    "氏名",
    "年分",
    "項目パス",
    "項目名",
    "値",
];
const EVENT_HEADER: [&str; 12] = [
    "申告書ID",
    "会社ID",
    "社員番号",
    "年分",
    "日時",
    "操作者ID",
    "操作者",
    "操作",
    "変更前の状態",
    "変更後の状態",
    "コメント",
    "代理入力",
];
const CHANGE_HEADER: [&str; 11] = [
    "申告書ID",
    "会社ID",
    "社員番号",
    "年分",
    "日時",
    "操作者ID",
    "操作者",
    "項目パス",
    "項目名",
    "変更前",
    "変更後",
];

const MEMO_HEADER: [&str; 8] = [
    "申告書ID",
    "会社ID",
    "社員番号",
    "年分",
    "日時",
    "記入者ID",
    "記入者",
    "メモ",
];

const SLIP_CONSENT_HEADER: [&str; 7] = [
    "社員番号",
    "会社ID",
    "同意日時",
    "同意の方法",
    "同意の方法コード",
    "記録者ID",
    "記録者",
];
const SLIP_HEADER: [&str; 39] = [
    "会社ID",
    "従業員ID",
    "社員番号",
    "年分",
    "交付日時",
    "交付者ID",
    "交付者のログインID",
    "受給者番号",
    "受給者の氏名",
    "受給者のフリガナ",
    "受給者の住所",
    "支払者の名称",
    "支払者の住所",
    "支払者の電話番号",
    "年末調整済",
    "支払金額",
    "給与所得控除後の金額",
    "所得控除の額の合計額",
    "源泉徴収税額",
    "控除対象配偶者の有無",
    "配偶者（特別）控除の額",
    "特定扶養親族の数",
    "老人扶養親族の数",
    "うち同居老親等の数",
    "その他の扶養親族の数",
    "16歳未満扶養親族の数",
    "特別障害者の数",
    "うち同居の特別障害者の数",
    "その他の障害者の数",
    "非居住者である親族の数",
    "社会保険料等の金額",
    "生命保険料の控除額",
    "地震保険料の控除額",
    "住宅借入金等特別控除の額",
    "基礎控除の額",
    "摘要",
    "交付内容（JSON）",
    "訂正前",
    "訂正された日時",
];

const ORIGINAL_HEADER: [&str; 14] = [
    "申告書ID",
    "会社ID",
    "従業員ID",
    "社員番号",
    "年分",
    "種類",
    "種類コード",
    "対象",
    "書類キー",
    "受領方法",
    "受領方法コード",
    "記録日時",
    "操作者ID",
    "操作者",
];

const ATTACHMENT_HEADER: [&str; 14] = [
    "添付書類ID",
    "申告書ID",
    "会社ID",
    "社員番号",
    "年分",
    "種類",
    "種類コード",
    "ファイル名",
    "形式",
    "大きさ（バイト）",
    "添付者ID",
    "添付者のログインID",
    "添付日時",
    "ZIP内のファイル",
];

fn header(table: ExportTable) -> Vec<&'static str> {
    match table {
        ExportTable::Companies => COMPANY_HEADER.to_vec(),
        ExportTable::Employees => Column::ALL
            .iter()
            .map(|column| column.japanese_name())
            .chain(EMPLOYEE_EXTRA_HEADER)
            .collect(),
        ExportTable::Users => USER_HEADER.to_vec(),
        ExportTable::Roles => ROLE_HEADER.to_vec(),
        ExportTable::LoginHistory => LOGIN_HEADER.to_vec(),
        ExportTable::AuditLog => AUDIT_HEADER.to_vec(),
        ExportTable::ChangeRequests => CHANGE_REQUEST_HEADER.to_vec(),
        ExportTable::FilingPeriods => PERIOD_HEADER.to_vec(),
        ExportTable::Filings => FILING_HEADER.to_vec(),
        ExportTable::FilingValues => VALUE_HEADER.to_vec(),
        ExportTable::FilingHistory => EVENT_HEADER.to_vec(),
        ExportTable::FilingChanges => CHANGE_HEADER.to_vec(),
        ExportTable::SlipConsents => SLIP_CONSENT_HEADER.to_vec(),
        ExportTable::WithholdingSlips => SLIP_HEADER.to_vec(),
        ExportTable::FilingOriginals => ORIGINAL_HEADER.to_vec(),
        ExportTable::Attachments => ATTACHMENT_HEADER.to_vec(),
        ExportTable::FilingMemos => MEMO_HEADER.to_vec(),
    }
}

/// A cell as written to a CSV file meant for Excel: one that Excel would take for a formula
/// (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return — an employee's insurer named
/// `=HYPERLINK(…)`) gets a leading apostrophe, which Excel shows as text and drops when it saves
/// (OWASP's advice against CSV injection); numbers such as `-12,345` stay numbers.
pub(super) fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula_like = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let digits = cell.trim_start_matches(['+', '-']);
    let number = digits.len() + 1 == cell.len()
        && digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.');
    if formula_like && !number {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Appends one CSV line (CRLF) to `out`, quoting cells as Excel does and neutralising cells
/// Excel would run as formulas.
pub(super) fn push_line<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (index, cell) in cells.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        let cell = neutralised(cell.as_ref());
        let cell = cell.as_ref();
        if cell.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

fn company_line(out: &mut String, company: &Company) {
    let profile = &company.profile;
    push_line(
        out,
        &[
            company.id.to_string(),
            company.name.as_str().to_owned(),
            profile
                .corporate_number
                .map(|number| number.to_string())
                .unwrap_or_default(),
            profile.address.clone(),
            profile.tax_office.clone(),
            profile.contact.clone(),
            match profile.login_id_scheme {
                LoginIdScheme::EmployeeNumber => "社員番号",
                LoginIdScheme::Email => "メールアドレス",
            }
            .to_owned(),
            yes_no(profile.auto_reminders),
            yes_no(profile.originals_before_approval),
            yes_no(profile.check_before_approval),
            time_text(company.registered_at),
        ],
    );
}

/// The cells of one employee, in the import's column order, then the extra columns.
fn employee_line(out: &mut String, company: &Company, employee: &Employee) {
    let cells: Vec<String> = Column::ALL
        .iter()
        .map(|column| match column {
            Column::EmployeeNumber => employee.number.as_str().to_owned(),
            Column::FamilyName => employee.name.family.clone(),
            Column::GivenName => employee.name.given.clone(),
            Column::FamilyNameKana => employee.name.family_kana.clone(),
            Column::GivenNameKana => employee.name.given_kana.clone(),
            Column::BirthDate => date_text(employee.birth_date),
            Column::PostalCode => employee
                .postal_code
                .map(|code| code.to_string())
                .unwrap_or_default(),
            Column::Address => employee.address.clone(),
            Column::Email => employee
                .email
                .as_ref()
                .map(|email| email.as_str().to_owned())
                .unwrap_or_default(),
            Column::Department => employee.department.clone().unwrap_or_default(),
            Column::EmploymentType => employee.employment_type.japanese_name().to_owned(),
            Column::HireDate => employee.hire_date.map(date_text).unwrap_or_default(),
            Column::LeaveDate => employee.leave_date.map(date_text).unwrap_or_default(),
        })
        .chain([
            company.id.to_string(),
            company.name.as_str().to_owned(),
            employee.id.to_string(),
            employee
                .user_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            time_text(employee.updated_at),
        ])
        .collect();
    push_line(out, &cells);
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "ADMIN",
        Role::Administrator => "管理者",
        Role::General => "一般ユーザー",
    }
}

fn company_role_name(role: CompanyRole) -> &'static str {
    match role {
        CompanyRole::Approver => "承認者",
        CompanyRole::Clerk => "担当者",
        CompanyRole::Viewer => "参照者",
    }
}

fn user_line(out: &mut String, user: &ExportedUser) {
    push_line(
        out,
        &[
            user.id.to_string(),
            user.login_id.to_string(),
            user.display_name.as_str().to_owned(),
            user.email
                .as_ref()
                .map(|email| email.as_str().to_owned())
                .unwrap_or_default(),
            role_name(user.role).to_owned(),
            match user.status {
                UserStatus::Active => "有効",
                UserStatus::Disabled => "無効",
            }
            .to_owned(),
            if user.has_password {
                "はい"
            } else {
                "いいえ"
            }
            .to_owned(),
            time_text(user.created_at),
            yes_no(user.second_factor),
        ],
    );
}

fn role_line(out: &mut String, role: &ExportedRole) {
    push_line(
        out,
        &[
            role.company_id.to_string(),
            role.company_name.clone(),
            role.user_id.to_string(),
            role.login_id
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            company_role_name(role.role).to_owned(),
            role.departments.join("、"),
        ],
    );
}

fn login_line(out: &mut String, user: &ExportedUser, attempt: &LoginAttempt) {
    push_line(
        out,
        &[
            user.id.to_string(),
            user.login_id.to_string(),
            time_text(attempt.at),
            match attempt.outcome {
                LoginOutcome::Success => "成功",
                LoginOutcome::WrongPassword => "パスワード誤り",
                LoginOutcome::Disabled => "無効なID",
                LoginOutcome::Locked => "ロック中",
                LoginOutcome::NoPassword => "パスワード未設定",
                LoginOutcome::PasswordVerified => "パスワード確認済み(確認コード待ち)",
                LoginOutcome::WrongCode => "確認コード誤り",
                LoginOutcome::RecoveryCode => "成功(リカバリーコード)",
            }
            .to_owned(),
            attempt.ip_address.clone(),
            attempt.user_agent.clone(),
        ],
    );
}

fn audit_line(out: &mut String, record: &nencho_identity::AuditRecord) {
    push_line(out, &audit_cells(record));
}

/// One entry of the 操作ログ as the columns of [`AUDIT_HEADER`] (the export's `audit_log.csv`
/// and the 操作ログ page's download alike).
pub(super) fn audit_cells(record: &nencho_identity::AuditRecord) -> Vec<String> {
    let entry = &record.entry;
    vec![
        record.id.to_string(),
        time_text(entry.at),
        entry.actor_id.to_string(),
        entry.actor_login_id.clone(),
        entry.actor_name.clone(),
        entry.action.japanese_name().to_owned(),
        entry.action.code().to_owned(),
        entry.target.clone(),
        entry.detail.clone(),
    ]
}

fn change_request_line(out: &mut String, request: &nencho_tenancy::ChangeRequest) {
    let change = &request.change;
    push_line(
        out,
        &[
            request.id.to_string(),
            request.company_id.to_string(),
            request.employee_id.to_string(),
            time_text(request.requested_at),
            request.requested_by.to_string(),
            change.name.family.clone(),
            change.name.given.clone(),
            change.name.family_kana.clone(),
            change.name.given_kana.clone(),
            change
                .postal_code
                .map(|code| code.to_string())
                .unwrap_or_default(),
            change.address.clone(),
            change.note.clone(),
            request.status.japanese_name().to_owned(),
            request.status.code().to_owned(),
            request.decided_at.map(time_text).unwrap_or_default(),
            request.decided_by_name.clone().unwrap_or_default(),
            request.comment.clone(),
        ],
    );
}

fn yes_no(value: bool) -> String {
    if value { "はい" } else { "いいえ" }.to_owned()
}

/// An amount as a plain integer (no grouping), for a spreadsheet to sum.
fn yen_text(amount: Yen) -> String {
    amount.amount().to_string()
}

/// 「姓 名」, as the display name of an imported employee's ID.
fn employee_name(employee: &Employee) -> String {
    format!("{} {}", employee.name.family, employee.name.given)
}

fn period_line(
    out: &mut String,
    company: &Company,
    (periods, guidance): &(FilingPeriods, Option<nencho_filings::GuidanceText>),
) {
    let ends = |range: Option<DateRange>| match range {
        Some(range) => [date_text(range.start), date_text(range.end)],
        None => [String::new(), String::new()],
    };
    let [adjustment_start, adjustment_end] = ends(Some(periods.adjustment));
    let [filing_start, filing_end] = ends(Some(periods.filing));
    let [refiling_start, refiling_end] = ends(periods.refiling);
    push_line(
        out,
        &[
            company.id.to_string(),
            company.name.as_str().to_owned(),
            periods.tax_year.year().to_string(),
            adjustment_start,
            adjustment_end,
            filing_start,
            filing_end,
            refiling_start,
            refiling_end,
            yes_no(periods.year_round_changes),
            guidance
                .as_ref()
                .map(|text| text.as_str().to_owned())
                .unwrap_or_default(),
        ],
    );
}

/// One declaration: its workflow fields, the computed deductions and the whole document as
/// JSON (what `serde_json` reads back into a `Declaration`).
fn filing_line(out: &mut String, company: &Company, exported: &ExportedFiling) {
    let filing = &exported.filing;
    let employee = &exported.employee;
    let optional_time = |at: Option<OffsetDateTime>| at.map(time_text).unwrap_or_default();
    let mut cells = vec![
        filing.id.to_string(),
        company.id.to_string(),
        company.name.as_str().to_owned(),
        employee.id.to_string(),
        employee.number.as_str().to_owned(),
        employee_name(employee),
        filing.tax_year.year().to_string(),
        filing.status.japanese_name().to_owned(),
        filing.status.code().to_owned(),
        yes_no(filing.proxy_entered),
        yes_no(filing.reopened),
        filing.last_comment.clone().unwrap_or_default(),
        optional_time(filing.requested_at),
        optional_time(filing.submitted_at),
        optional_time(filing.approved_at),
        filing.own_deadline.map(date_text).unwrap_or_default(),
        optional_time(filing.checked.map(|mark| mark.at)),
        filing
            .checked
            .map(|mark| mark.by.to_string())
            .unwrap_or_default(),
        time_text(filing.updated_at),
        filing.version.to_string(),
        filing.document.schema_version.to_string(),
    ];
    match &exported.computed {
        Ok(computed) => {
            let deductions = &computed.deductions;
            cells.extend(
                [
                    computed.employment_income,
                    deductions.social_insurance,
                    deductions.small_business_mutual_aid,
                    deductions.life_insurance,
                    deductions.earthquake_insurance,
                    deductions.spouse,
                    deductions.specific_relative,
                    deductions.dependents_and_others,
                    deductions.basic,
                    deductions.total(),
                    computed.housing_loan_credit,
                ]
                .map(yen_text),
            );
            cells.push(String::new());
        }
        Err(reason) => {
            cells.extend(std::iter::repeat_n(String::new(), 11));
            cells.push(reason.clone());
        }
    }
    cells.push(serde_json::to_string(&filing.document).unwrap_or_default());
    push_line(out, &cells);
}

/// One line per value of the declaration; answers how many.
fn value_lines(out: &mut String, company: &Company, exported: &ExportedFiling) -> usize {
    let fields = flatten(&exported.filing.document);
    let prefix = [
        exported.filing.id.to_string(),
        company.id.to_string(),
        exported.employee.number.as_str().to_owned(),
        employee_name(&exported.employee),
        exported.filing.tax_year.year().to_string(),
    ];
    for field in &fields {
        let mut cells = prefix.to_vec();
        cells.extend([field.path.clone(), field.label.clone(), field.value.clone()]);
        push_line(out, &cells);
    }
    fields.len()
}

/// The cells every history line starts with.
fn history_prefix<T>(company: &Company, history: &ExportedHistory<T>) -> [String; 4] {
    [
        history.filing_id.to_string(),
        company.id.to_string(),
        history.employee.number.as_str().to_owned(),
        history.tax_year.year().to_string(),
    ]
}

fn event_lines(out: &mut String, company: &Company, history: &ExportedHistory<FilingEvent>) {
    let prefix = history_prefix(company, history);
    for event in &history.entries {
        let mut cells = prefix.to_vec();
        cells.extend([
            time_text(event.at),
            event.actor.to_string(),
            event.actor_name.clone(),
            event.action.clone(),
            event.from.japanese_name().to_owned(),
            event.to.japanese_name().to_owned(),
            event.comment.clone().unwrap_or_default(),
            yes_no(event.proxy),
        ]);
        push_line(out, &cells);
    }
}

fn change_lines(out: &mut String, company: &Company, history: &ExportedHistory<FieldChange>) {
    let prefix = history_prefix(company, history);
    for change in &history.entries {
        let mut cells = prefix.to_vec();
        cells.extend([
            time_text(change.at),
            change.actor.to_string(),
            change.actor_name.clone(),
            change.change.path.clone(),
            change.change.label.clone(),
            change.change.before.clone().unwrap_or_default(),
            change.change.after.clone().unwrap_or_default(),
        ]);
        push_line(out, &cells);
    }
}

fn memo_lines(
    out: &mut String,
    company: &Company,
    history: &ExportedHistory<nencho_filings::StaffMemo>,
) {
    let prefix = history_prefix(company, history);
    for memo in &history.entries {
        let mut cells = prefix.to_vec();
        cells.extend([
            time_text(memo.at),
            memo.actor.to_string(),
            memo.actor_name.clone(),
            memo.text.as_str().to_owned(),
        ]);
        push_line(out, &cells);
    }
}

fn slip_consent_line(out: &mut String, company: &Company, consent: &ExportedSlipConsent) {
    push_line(
        out,
        &[
            consent.employee.number.as_str().to_owned(),
            company.id.to_string(),
            time_text(consent.consent.at),
            consent.consent.method.japanese_name().to_owned(),
            consent.consent.method.code().to_owned(),
            consent
                .consent
                .recorded_by
                .map(|user| user.to_string())
                .unwrap_or_default(),
            consent.consent.recorded_by_name.clone().unwrap_or_default(),
        ],
    );
}

/// One issued 源泉徴収票: who, when and by whom, the parties, the main boxes, and the whole
/// `IssuedSlip` as JSON (what `serde_json` reads back).
fn slip_line(out: &mut String, exported: &ExportedSlip) {
    let issued = &exported.slip;
    let parties = &issued.parties;
    let slip = &issued.slip;
    let mut cells = vec![
        issued.company_id.to_string(),
        issued.employee_id.to_string(),
        exported
            .employee_number
            .as_ref()
            .map(|number| number.as_str().to_owned())
            .unwrap_or_default(),
        issued.tax_year.year().to_string(),
        time_text(issued.issued_at),
        issued.issued_by.to_string(),
        exported
            .issued_by_login_id
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        parties.recipient_number.clone(),
        parties.recipient_name.clone(),
        parties.recipient_kana.clone(),
        parties.recipient_address.clone(),
        parties.payer_name.clone(),
        parties.payer_address.clone(),
        parties.payer_phone.clone(),
        yes_no(slip.adjusted),
    ];
    cells.extend(
        [
            slip.payment,
            slip.employment_income,
            slip.total_deductions,
            slip.tax,
        ]
        .map(yen_text),
    );
    cells.push(
        if slip.has_deductible_spouse {
            "有"
        } else {
            "無"
        }
        .to_owned(),
    );
    cells.push(yen_text(slip.spouse_deduction));
    cells.extend(
        [
            slip.specific_dependents,
            slip.elderly_dependents,
            slip.elderly_living_together,
            slip.other_dependents,
            slip.young_dependents,
            slip.special_disabled,
            slip.special_disabled_living_together,
            slip.other_disabled,
            slip.non_resident_relatives,
        ]
        .map(|count| count.to_string()),
    );
    cells.extend(
        [
            slip.social_insurance,
            slip.life_insurance_deduction,
            slip.earthquake_insurance_deduction,
            slip.housing_loan_credit,
            slip.basic_deduction,
        ]
        .map(yen_text),
    );
    cells.push(slip.remarks.join(" / "));
    cells.push(serde_json::to_string(issued).unwrap_or_default());
    cells.push(yes_no(exported.replaced_at.is_some()));
    cells.push(exported.replaced_at.map(time_text).unwrap_or_default());
    push_line(out, &cells);
}

/// One certificate's original received: whose declaration, which certificate (the kind and
/// subject its key names, and the key itself, as the store keeps it), how, when and by whom.
fn original_line(out: &mut String, exported: &ExportedOriginal) {
    let receipt = &exported.receipt;
    let [company_id, employee_id, employee_number, tax_year] = match &exported.owner {
        Some(owner) => [
            owner.company_id.to_string(),
            owner.employee_id.to_string(),
            owner
                .employee_number
                .as_ref()
                .map(|number| number.as_str().to_owned())
                .unwrap_or_default(),
            owner.tax_year.year().to_string(),
        ],
        None => [String::new(), String::new(), String::new(), String::new()],
    };
    push_line(
        out,
        &[
            exported.filing_id.to_string(),
            company_id,
            employee_id,
            employee_number,
            tax_year,
            exported
                .kind
                .map(|kind| kind.japanese_name().to_owned())
                .unwrap_or_default(),
            exported
                .kind
                .map(|kind| kind.code().to_owned())
                .unwrap_or_default(),
            exported.subject.clone(),
            receipt.key.clone(),
            receipt.method.japanese_name().to_owned(),
            receipt.method.code().to_owned(),
            time_text(receipt.at),
            receipt.actor.to_string(),
            receipt.actor_name.clone(),
        ],
    );
}

fn format_name(format: AttachmentFormat) -> &'static str {
    match format {
        AttachmentFormat::Pdf => "PDF",
        AttachmentFormat::Jpeg => "JPEG",
        AttachmentFormat::Png => "PNG",
    }
}

fn attachment_line(out: &mut String, exported: &ExportedAttachment) {
    let attachment = &exported.attachment;
    let [company_id, employee_number, tax_year] = match &exported.owner {
        Some(owner) => [
            owner.company_id.to_string(),
            owner.employee_number.as_str().to_owned(),
            owner.tax_year.year().to_string(),
        ],
        None => [String::new(), String::new(), String::new()],
    };
    push_line(
        out,
        &[
            attachment.id.to_string(),
            attachment.filing_id.to_string(),
            company_id,
            employee_number,
            tax_year,
            attachment.kind.japanese_name().to_owned(),
            attachment.kind.code().to_owned(),
            attachment.file_name.clone(),
            format_name(attachment.format).to_owned(),
            attachment.size.to_string(),
            attachment.uploaded_by.to_string(),
            exported
                .uploaded_by_login_id
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            time_text(attachment.uploaded_at),
            attachment_path(attachment),
        ],
    );
}

/// Encodes `text` onto `out`; for CP932 a character it lacks becomes `?`. Returns how many did.
pub(super) fn encode_into(text: &str, encoding: CsvEncoding, out: &mut Vec<u8>) -> u64 {
    match encoding {
        CsvEncoding::Utf8 => {
            out.extend_from_slice(text.as_bytes());
            0
        }
        CsvEncoding::ShiftJis => {
            let mut encoder = SHIFT_JIS.new_encoder();
            let mut replaced = 0;
            let mut remaining = text;
            let mut buffer = [0u8; 4096];
            loop {
                let (result, read, written) =
                    encoder.encode_from_utf8_without_replacement(remaining, &mut buffer, true);
                out.extend_from_slice(&buffer[..written]);
                remaining = remaining.get(read..).unwrap_or("");
                match result {
                    EncoderResult::InputEmpty => break,
                    EncoderResult::OutputFull => {}
                    EncoderResult::Unmappable(_) => {
                        out.push(b'?');
                        replaced += 1;
                    }
                }
            }
            replaced
        }
    }
}

pub(super) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Rows written per table, in the order of [`ExportTable::ALL`].
type RowCounts = [u64; ExportTable::ALL.len()];

/// Writes the ZIP, page by page, and answers the file positioned anywhere.
struct ZipOut<W: Write + Seek> {
    zip: ZipWriter<W>,
    encoding: CsvEncoding,
    options: SimpleFileOptions,
    /// How many of [`ExportTable::ALL`] have been started.
    started: usize,
    rows: RowCounts,
    replaced: u64,
    buffer: Vec<u8>,
}

impl<W: Write + Seek> ZipOut<W> {
    /// Starts every file up to and including `table` that is not started yet (a table without
    /// rows still gets its header).
    fn reach(&mut self, table: ExportTable) -> Result<(), ExportFailure> {
        let target = table.index();
        while self.started <= target {
            let next = ExportTable::ALL[self.started];
            self.zip.start_file(file_name(next), self.options)?;
            let mut text = String::new();
            push_line(&mut text, &header(next));
            self.buffer.clear();
            if self.encoding == CsvEncoding::Utf8 {
                self.buffer.extend_from_slice(UTF8_BOM);
            }
            self.replaced += encode_into(&text, self.encoding, &mut self.buffer);
            self.zip.write_all(&self.buffer)?;
            self.started += 1;
        }
        Ok(())
    }

    fn write_rows(
        &mut self,
        table: ExportTable,
        text: &str,
        rows: u64,
    ) -> Result<(), ExportFailure> {
        self.reach(table)?;
        self.buffer.clear();
        self.replaced += encode_into(text, self.encoding, &mut self.buffer);
        self.zip.write_all(&self.buffer)?;
        if let Some(count) = self.rows.get_mut(table.index()) {
            *count += rows;
        }
        Ok(())
    }

    /// Writes one document as it is (stored, not deflated: it is compressed already), after every
    /// CSV file.
    fn write_document(
        &mut self,
        attachment: &Attachment,
        content: &[u8],
    ) -> Result<(), ExportFailure> {
        self.reach(ExportTable::Attachments)?;
        let options = self
            .options
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(zip_time(attachment.uploaded_at));
        self.zip.start_file(attachment_path(attachment), options)?;
        self.zip.write_all(content)?;
        Ok(())
    }
}

/// A time as a ZIP entry's (local, JST) modification time.
fn zip_time(at: OffsetDateTime) -> zip::DateTime {
    let at = jst(at);
    zip::DateTime::from_date_and_time(
        u16::try_from(at.year()).unwrap_or(1980),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
    )
    .unwrap_or_default()
}

fn write_zip(
    handle: &tokio::runtime::Handle,
    mut export: FullExport,
    encoding: CsvEncoding,
    file: std::fs::File,
) -> Result<std::fs::File, ExportFailure> {
    let modified = zip_time(export.exported_at());
    let mut out = ZipOut {
        zip: ZipWriter::new(file),
        encoding,
        options: SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .last_modified_time(modified)
            .large_file(true),
        started: 0,
        rows: [0; ExportTable::ALL.len()],
        replaced: 0,
        buffer: Vec::new(),
    };
    let mut text = String::new();
    while let Some(page) = handle.block_on(export.next_page())? {
        if let ExportPage::AttachmentFile {
            attachment,
            content,
        } = &page
        {
            out.write_document(attachment, content)?;
            continue;
        }
        text.clear();
        let rows = match &page {
            ExportPage::Companies(companies) => {
                companies.iter().for_each(|c| company_line(&mut text, c));
                companies.len()
            }
            ExportPage::Employees { company, employees } => {
                employees
                    .iter()
                    .for_each(|e| employee_line(&mut text, company, e));
                employees.len()
            }
            ExportPage::Users(users) => {
                users.iter().for_each(|u| user_line(&mut text, u));
                users.len()
            }
            ExportPage::Roles(roles) => {
                roles.iter().for_each(|r| role_line(&mut text, r));
                roles.len()
            }
            ExportPage::LoginHistory { user, attempts } => {
                attempts.iter().for_each(|a| login_line(&mut text, user, a));
                attempts.len()
            }
            ExportPage::AuditLog(records) => {
                records.iter().for_each(|r| audit_line(&mut text, r));
                records.len()
            }
            ExportPage::ChangeRequests(requests) => {
                requests
                    .iter()
                    .for_each(|r| change_request_line(&mut text, r));
                requests.len()
            }
            ExportPage::FilingPeriods { company, periods } => {
                periods
                    .iter()
                    .for_each(|p| period_line(&mut text, company, p));
                periods.len()
            }
            ExportPage::Filings { company, filings } => {
                filings
                    .iter()
                    .for_each(|f| filing_line(&mut text, company, f));
                filings.len()
            }
            ExportPage::FilingValues { company, filings } => filings
                .iter()
                .map(|f| value_lines(&mut text, company, f))
                .sum(),
            ExportPage::FilingHistory { company, filings } => {
                filings
                    .iter()
                    .for_each(|h| event_lines(&mut text, company, h));
                filings.iter().map(|h| h.entries.len()).sum()
            }
            ExportPage::FilingChanges { company, filings } => {
                filings
                    .iter()
                    .for_each(|h| change_lines(&mut text, company, h));
                filings.iter().map(|h| h.entries.len()).sum()
            }
            ExportPage::FilingMemos { company, filings } => {
                filings
                    .iter()
                    .for_each(|h| memo_lines(&mut text, company, h));
                filings.iter().map(|h| h.entries.len()).sum()
            }
            ExportPage::SlipConsents { company, consents } => {
                consents
                    .iter()
                    .for_each(|c| slip_consent_line(&mut text, company, c));
                consents.len()
            }
            ExportPage::WithholdingSlips(slips) => {
                slips.iter().for_each(|s| slip_line(&mut text, s));
                slips.len()
            }
            ExportPage::FilingOriginals(originals) => {
                originals.iter().for_each(|o| original_line(&mut text, o));
                originals.len()
            }
            ExportPage::Attachments(attachments) => {
                attachments
                    .iter()
                    .for_each(|a| attachment_line(&mut text, a));
                attachments.len()
            }
            ExportPage::AttachmentFile { .. } => 0,
        };
        out.write_rows(page.table(), &text, rows as u64)?;
    }
    out.reach(ExportTable::Attachments)?;
    let readme = readme(&export, encoding, &out.rows, out.replaced);
    out.zip.start_file("README.txt", out.options)?;
    out.buffer.clear();
    if encoding == CsvEncoding::Utf8 {
        out.buffer.extend_from_slice(UTF8_BOM);
    }
    encode_into(&readme, encoding, &mut out.buffer);
    out.zip.write_all(&out.buffer)?;
    let mut file = out.zip.finish()?;
    file.flush()?;
    Ok(file)
}

/// README.txt: what each file holds, in Japanese, with the row counts and how many characters
/// CP932 could not represent.
fn readme(export: &FullExport, encoding: CsvEncoding, rows: &RowCounts, replaced: u64) -> String {
    let tenant = export.tenant();
    let mut text = String::new();
    let encoding_text = match encoding {
        CsvEncoding::Utf8 => "UTF-8（BOM付き）",
        CsvEncoding::ShiftJis => "Shift_JIS（CP932）",
    };
    let _ = write!(
        text,
        "nencho 全データエクスポート\r\n\
         \r\n\
         契約: {name}（{slug}）\r\n\
         作成日時: {at}（日本時間）\r\n\
         文字コード: {encoding_text}、改行: CRLF\r\n\
         日付は YYYY-MM-DD、日時は日本時間の YYYY-MM-DD HH:MM:SS です。\r\n",
        name = tenant.name.as_str(),
        slug = tenant.slug.as_str(),
        at = time_text(export.exported_at()),
    );
    if encoding == CsvEncoding::ShiftJis {
        let _ = write!(
            text,
            "Shift_JIS（CP932）で表せない文字は「?」に置き換えました: {replaced}文字。\
             正確な内容が必要な場合は UTF-8 でエクスポートしてください。\r\n"
        );
    }
    let _ = write!(
        text,
        "\r\n\
         ■ companies.csv（会社、{companies}件）\r\n\
         会社ID, 会社名, 法人番号, 所在地, 所轄税務署, 問い合わせ先, ログインIDの方式（社員番号／メールアドレス）, 自動督促（提出期限前に督促メールを自動で送る：はい／いいえ）, 原本の受領後に承認（控除証明書等の原本がすべて届くまで承認できない：はい／いいえ）, 確認後に承認（別の人が一次確認を済ませるまで承認できない：はい／いいえ）, 登録日時\r\n\
         \r\n\
         ■ employees.csv（従業員、{employees}件、退職者を含む）\r\n\
         最初の13列は従業員CSV取り込みと同じ列です（{columns}）。\r\n\
         続けて 会社ID, 会社名, 従業員ID, ユーザーID（ログインIDとの紐付け）, 更新日時 の列があります。\r\n\
         取り込み直すときは、会社ごとに行を分け、最後の5列（会社ID〜更新日時）を削除してから、その会社の取り込み画面でアップロードしてください。\r\n\
         \r\n\
         ■ users.csv（ユーザー、{users}件）\r\n\
         ユーザーID, ログインID, 氏名, メールアドレス, 権限（ADMIN／管理者／一般ユーザー）, 状態（有効／無効）, パスワード設定済み（はい／いいえ）, 登録日時, 2段階認証（はい＝設定済み／いいえ）\r\n\
         パスワード（ハッシュを含む）と2段階認証のキー・リカバリーコードは出力しません。\r\n\
         \r\n\
         ■ roles.csv（会社ごとの役割、{roles}件）\r\n\
         会社ID, 会社名, ユーザーID, ログインID, 役割（承認者／担当者／参照者）, 部署（限定している場合、「、」区切り）\r\n\
         ADMIN と管理者は全社に対する権限を持つため、ここには含まれません（users.csv の権限列をご覧ください）。\r\n\
         \r\n\
         ■ login_history.csv（ログイン履歴、{logins}件）\r\n\
         ユーザーID, ログインID, 日時, 結果（成功／パスワード誤り／無効なID／ロック中／パスワード未設定／パスワード確認済み(確認コード待ち)／確認コード誤り／成功(リカバリーコード)）, IPアドレス, ブラウザ\r\n\
         ユーザーごとに新しい順です。\r\n\
         \r\n\
         ■ audit_log.csv（操作ログ、{audits}件）\r\n\
         番号, 日時, 操作者ID（ユーザーID）, 操作者のログインID, 操作者, 操作（IDの無効化・会社ごとの権限の付与・全データのエクスポートなど）, 操作コード（user_disabled など）, 対象（ログインID・会社名など）, 内容（変更の内容）\r\n\
         管理者が行ったIDや権限、会社の設定、IPアドレス制限、2段階認証の変更と、データの出力を、新しい順に並べたものです。操作者のログインIDと氏名は操作したときのままです。\r\n\
         \r\n\
         ■ change_requests.csv（登録内容の変更届、{change_requests}件）\r\n\
         届出ID, 会社ID, 従業員ID, 届出日時, 届出者ID（ユーザーID）, 氏, 名, 氏（フリガナ）, 名（フリガナ）, 郵便番号, 住所, 備考, 状態（確認待ち／反映済み／差戻し）, 状態コード（pending／applied／declined）, 処理日時, 処理者, コメント\r\n\
         従業員が届け出た氏名・住所の変更（届け出た内容）を、古い順に並べたものです。従業員IDで employees.csv と対応します。\r\n\
         \r\n\
         ■ filing_periods.csv（年末調整の期間、{periods}件）\r\n\
         会社ID, 会社名, 年分（西暦）, 年末調整期間の開始日, 年末調整期間の終了日, 提出期間の開始日, 提出期間の終了日, 再提出期間の開始日, 再提出期間の終了日（再提出期間がなければ空欄）, 通年申告（はい／いいえ）, 会社からのご案内（従業員に表示する文章、なければ空欄）\r\n\
         会社ごとに新しい年分から順です。\r\n\
         \r\n\
         ■ filings.csv（申告書、{filings}件）\r\n\
         申告書ID, 会社ID, 会社名, 従業員ID, 社員番号, 氏名, 年分（西暦）, 状態（未依頼／依頼中／入力中／提出済／差戻し／承認済）, 状態コード（not_requested／requested／draft／submitted／returned／approved）, \
         代理入力（はい／いいえ）, 再年調（はい／いいえ）, 最新のコメント（差戻しコメントまたは再年調の理由）, 依頼日時, 提出日時, 承認日時, 個別の提出期限（この従業員だけ延長した期限、なければ空欄）, 一次確認日時（提出済で担当者が確認済みにした日時、なければ空欄）, 一次確認者ID（確認したユーザーのユーザーID）, 更新日時, 版（更新のたびに増える番号）, スキーマバージョン（申告内容の形式）, \
         給与所得控除後の給与等の金額, 社会保険料控除, 小規模企業共済等掛金控除, 生命保険料控除, 地震保険料控除, 配偶者（特別）控除, 特定親族特別控除, 扶養控除・障害者控除等（扶養控除・障害者控除・寡婦控除・ひとり親控除・勤労学生控除の合計）, 基礎控除, 所得控除の合計, 住宅借入金等特別控除額, \
         控除額を計算できない理由, 申告内容（JSON）\r\n\
         金額は円単位の整数（桁区切りなし）で、申告内容から計算した見込みの額です（給与の収入金額は本人の見積額、源泉徴収された社会保険料は含みません）。計算できない場合は金額が空欄になり、その理由が入ります。\r\n\
         申告内容（JSON）は申告書の全項目で、そのまま読み込み直せる形式です（正確に読み込み直すには UTF-8 でエクスポートしてください）。\r\n\
         会社ごと・年分ごとに在籍者を社員番号順に、続けて退職日のある従業員の申告書があります。\r\n\
         \r\n\
         ■ filing_values.csv（申告書の項目、{values}件）\r\n\
         申告書ID, 会社ID, 社員番号, 氏名, 年分（西暦）, 項目パス（例: relatives[0].birth_date）, 項目名（例: 親族1: 生年月日）, 値\r\n\
         申告書の入力項目を1項目1行で、申告書の様式の順に並べたものです。申告書IDで filings.csv と対応します。\r\n\
         \r\n\
         ■ filing_history.csv（申告書の操作履歴、{events}件）\r\n\
         申告書ID, 会社ID, 社員番号, 年分（西暦）, 日時, 操作者ID（ユーザーID）, 操作者, 操作（依頼・提出・差戻し・承認など）, 変更前の状態, 変更後の状態, コメント, 代理入力（はい／いいえ）\r\n\
         申告書ごとに古い順です。変更前と変更後の状態が同じ行は保存です。\r\n\
         \r\n\
         ■ filing_changes.csv（申告書の変更履歴、{changes}件）\r\n\
         申告書ID, 会社ID, 社員番号, 年分（西暦）, 日時, 操作者ID（ユーザーID）, 操作者, 項目パス, 項目名, 変更前, 変更後\r\n\
         変更された値を1項目1行で、申告書ごとに古い順に並べたものです。値がなかった側は空欄です。\r\n\
         \r\n\
         ■ filing_memos.csv（担当者メモ、{memos}件）\r\n\
         申告書ID, 会社ID, 社員番号, 年分（西暦）, 日時, 記入者ID（ユーザーID）, 記入者, メモ\r\n\
         担当者どうしの申し送り（従業員には表示されないもの）を、申告書ごとに古い順に並べたものです。\r\n\
         \r\n\
         ■ slip_consents.csv（源泉徴収票の電子交付への同意、{consents}件）\r\n\
         社員番号, 会社ID, 同意日時\r\n\
         源泉徴収票を電子交付で受け取ることに同意している従業員（退職者を含む）を、会社ごとに社員番号順に並べたものです。同意していない、または同意を取り消した従業員の行はありません。\r\n\
         \r\n\
         ■ withholding_slips.csv（交付した源泉徴収票、{slips}件）\r\n\
         会社ID, 従業員ID, 社員番号, 年分（西暦）, 交付日時, 交付者ID（ユーザーID）, 交付者のログインID, \
         受給者番号, 受給者の氏名, 受給者のフリガナ, 受給者の住所, 支払者の名称, 支払者の住所, 支払者の電話番号, 年末調整済（はい／いいえ）, \
         支払金額, 給与所得控除後の金額, 所得控除の額の合計額, 源泉徴収税額, 控除対象配偶者の有無（有／無）, 配偶者（特別）控除の額, \
         特定扶養親族の数, 老人扶養親族の数, うち同居老親等の数, その他の扶養親族の数, 16歳未満扶養親族の数, 特別障害者の数, うち同居の特別障害者の数, その他の障害者の数, 非居住者である親族の数, \
         社会保険料等の金額, 生命保険料の控除額, 地震保険料の控除額, 住宅借入金等特別控除の額, 基礎控除の額, 摘要（「 / 」区切り）, 交付内容（JSON）, 訂正前（はい＝訂正された前の源泉徴収票／いいえ＝現在のもの）, 訂正された日時\r\n\
         電子交付した源泉徴収票を、従業員・年分ごとに1行で並べたものです（同じ年分を交付し直した場合は最新のもの）。受給者と支払者の欄は交付したときの記載のままです。社員番号は現在の番号です。金額は円単位の整数（桁区切りなし）です。\r\n\
         交付内容（JSON）は交付した源泉徴収票の全項目で、そのまま読み込み直せる形式です（正確に読み込み直すには UTF-8 でエクスポートしてください）。\r\n\
         \r\n\
         ■ filing_originals.csv（控除証明書等の原本の受領記録、{originals}件）\r\n\
         申告書ID, 会社ID, 従業員ID, 社員番号, 年分（西暦）, 種類（生命保険料控除証明書など）, 種類コード（life_insurance など）, 対象（例: 生命保険1 (A生命)）, 書類キー（種類コード:対象）, \
         受領方法（原本受領／電子データで確認）, 受領方法コード（paper／electronic）, 記録日時, 操作者ID（ユーザーID）, 操作者\r\n\
         控除証明書等の原本（紙の原本または電子的控除証明書）を受け取ったと記録した書類を、申告書ごとに書類キー順に1行で並べたものです。記録を取り消した書類の行はありません。\
         申告書IDで filings.csv と対応します。社員番号は現在の番号です。申告内容の変更で求められなくなった書類の記録も含みます。\r\n\
         \r\n\
         ■ attachments.csv（添付書類、{attachments}件）\r\n\
         添付書類ID, 申告書ID, 会社ID, 社員番号, 年分（西暦）, 種類（生命保険料控除証明書など）, 種類コード（life_insurance など）, ファイル名（添付したときの名前）, 形式（PDF／JPEG／PNG）, 大きさ（バイト）, 添付者ID（ユーザーID）, 添付者のログインID, 添付日時, ZIP内のファイル\r\n\
         添付した順です。申告書IDで filings.csv と対応します。\r\n\
         \r\n\
         ■ attachments フォルダ（添付書類のファイル）\r\n\
         添付書類を添付されたときのままの内容で、1書類1ファイル、attachments/添付書類ID.拡張子（pdf／jpg／png）の名前で入れています。attachments.csv の「ZIP内のファイル」列がその名前です。\r\n\
         エクスポートの途中で削除された書類は、attachments.csv に行があってもファイルがないことがあります。\r\n",
        companies = rows[0],
        employees = rows[1],
        users = rows[2],
        roles = rows[3],
        logins = rows[4],
        audits = rows[5],
        change_requests = rows[6],
        periods = rows[7],
        filings = rows[8],
        values = rows[9],
        events = rows[10],
        changes = rows[11],
        memos = rows[12],
        consents = rows[13],
        slips = rows[14],
        originals = rows[15],
        attachments = rows[16],
        columns = Column::ALL
            .iter()
            .map(|column| column.japanese_name())
            .collect::<Vec<_>>()
            .join(", "),
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp932_replaces_what_it_lacks_and_counts_it() {
        let mut out = Vec::new();
        assert_eq!(encode_into("髙橋😀", CsvEncoding::ShiftJis, &mut out), 1);
        let (text, _, errors) = SHIFT_JIS.decode(&out);
        assert!(!errors);
        assert_eq!(text, "髙橋?");
    }

    #[test]
    fn cells_excel_would_run_as_formulas_are_written_as_text() {
        let mut out = String::new();
        push_line(
            &mut out,
            &[
                "=HYPERLINK(\"http://x\")",
                "+81-3-1234-5678",
                "@SUM(A1)",
                "-1,234",
                "-5",
                "ー",
                "山田",
                "",
            ],
        );
        assert_eq!(
            out,
            "\"'=HYPERLINK(\"\"http://x\"\")\",'+81-3-1234-5678,'@SUM(A1),\"-1,234\",-5,ー,山田,\r\n"
        );
        let mut out = String::new();
        push_line(&mut out, &["\tx", "-", "=1+1", "-inf", "--1", "+5"]);
        assert_eq!(out, "'\tx,'-,'=1+1,'-inf,'--1,+5\r\n");
    }

    #[test]
    fn cells_are_quoted_as_excel_does() {
        let mut out = String::new();
        push_line(&mut out, &["a", "b,c", "d\"e", "f\ng"]);
        assert_eq!(out, "a,\"b,c\",\"d\"\"e\",\"f\ng\"\r\n");
    }
}
