//! The employee import wizard (ADMIN and administrators): upload → every error by row and column,
//! or the preview "N new, M updated, K unchanged" → confirm → result.
//!
//! The upload is staged on disk (never held whole in memory) under the import directory, named by
//! a random 128-bit token together with the tenant and company, so that the confirm step does not
//! ask for the file again. The form only ever names the token (32 hex digits), never a path.
//! Staged files older than a day are ignored and swept away at the next upload.
//!
//! Every pass over the file streams it: the upload validates it (counting rows) and previews it
//! chunk by chunk ([`preview_import_streamed`]); the confirm validates it again and starts the
//! apply as a background task that reads it once more, a chunk of [`IMPORT_CHUNK`] rows at a
//! time, into one store transaction ([`apply_import_streamed`]), then deletes it. The confirm
//! redirects to a progress page ("N / M 件", refreshed every second by `<meta http-equiv=refresh>`
//! and the `Refresh` header: no script) that shows the result once the apply is done. The running
//! import is known by a random id in an in-memory registry, only to the tenant and the user who
//! started it; its entry is removed when the result has been shown once.

use std::collections::HashMap;
use std::io::BufReader;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::Duration;

use askama::Template;
use nencho_app::AppError;
use nencho_app::import::{
    AppliedChanges, FirstPassword, IMPORT_CHUNK, ImportChoices, ImportCounts, ImportOutcome,
    ImportRowError, ImportSource, ImportedEmployee, IssuedPassword, LoginIdProblem, RevertedChange,
    RowsResult, apply_import_streamed, authorize_import, preview_import_streamed,
};
use nencho_app::sign_in::CurrentUser;
use nencho_csv::{CellError, CsvEncoding, EmployeeRow, ImportOptions, validate_all_with};
use nencho_kernel::{CompanyId, OffsetDateTime, TenantId, UserId};
use nencho_tenancy::{EmployeeNumber, LoginIdScheme, PersonName};
use poem::http::StatusCode;
use poem::web::{Data, Form, Multipart, Path, Query};
use poem::{IntoResponse, Request, Response, handler};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::account::failure;
use super::context::{Site, see_other};
use super::i18n::Lang;
use super::layout::Layout;
use super::login_notices::{LoginNoticeCard, LoginNotices};
use super::render::{message, page, plain_not_found, rejected_form};
use crate::HttpServices;

/// The largest upload accepted: well above a 100,000-row file.
pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

/// A staged upload older than this is not applied.
const STAGED_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The words of the import pages, Japanese first.
pub struct ImportWords {
    title: &'static str,
    file: &'static str,
    encoding: &'static str,
    encoding_auto: &'static str,
    upload: &'static str,
    template: &'static str,
    columns_hint: &'static str,
    row: &'static str,
    column: &'static str,
    message: &'static str,
    confirm: &'static str,
    cancel: &'static str,
    to_employees: &'static str,
    nothing_written: &'static str,
    too_large: &'static str,
    expired: &'static str,
    no_file: &'static str,
    without_email: &'static str,
    generate_passwords: &'static str,
    generate_passwords_hint: &'static str,
    issued_once: &'static str,
    login_id: &'static str,
    name: &'static str,
    initial_password: &'static str,
    download_csv: &'static str,
    importing: &'static str,
    rows_unit: &'static str,
    conflict: &'static str,
}

const JA: ImportWords = ImportWords {
    title: "従業員のCSV取り込み",
    file: "CSVファイル",
    encoding: "文字コード",
    encoding_auto: "自動判定",
    upload: "確認する",
    template: "取り込み用テンプレート",
    columns_hint: "1行目は見出し（社員番号、姓、名、…）です。列の説明はテンプレートをご覧ください。",
    row: "行",
    column: "列",
    message: "内容",
    confirm: "この内容で取り込む",
    cancel: "取り込まずに戻る",
    to_employees: "従業員一覧へ",
    nothing_written: "ファイルに誤りがあります。まだ何も登録していません。修正してもう一度アップロードしてください。",
    too_large: "ファイルが大きすぎます（50MBまで）。ファイルを分けてください。",
    expired: "確認の有効期限が切れたか、すでに取り込み済みです。もう一度アップロードしてください。",
    no_file: "ファイルを選んでください。",
    without_email: "メールアドレスがないため招待を送っていません。ユーザー管理から初期パスワードを発行してください。",
    generate_passwords: "招待メールの代わりに初期パスワードを発行する",
    generate_passwords_hint: "新しいIDすべてに初期パスワードを発行し、取り込み後に一度だけ表示します（招待メールは送りません。初回ログイン時に変更が必要です）。1件ごとに時間がかかるため（約0.1秒）、大量の取り込みには招待メールをお使いください。",
    issued_once: "初期パスワードはこの画面で一度だけ表示します。今すぐ控えるかCSVをダウンロードして、本人に安全な方法で渡してください。",
    login_id: "ログインID",
    name: "氏名",
    initial_password: "初期パスワード",
    download_csv: "初期パスワードをCSVでダウンロード",
    importing: "取り込み中です。このままお待ちください（自動で更新します）。",
    rows_unit: "件",
    conflict: "取り込めませんでした。同じ従業員やIDが他の操作で先に登録されました。何も登録していません。もう一度アップロードしてください。",
};

const EN: ImportWords = ImportWords {
    title: "Import employees from CSV",
    file: "CSV file",
    encoding: "Character encoding",
    encoding_auto: "Detect automatically",
    upload: "Check",
    template: "Import template",
    columns_hint: "Row 1 is the header (社員番号, 姓, 名, …). See the template for the columns.",
    row: "Row",
    column: "Column",
    message: "Problem",
    confirm: "Import",
    cancel: "Back without importing",
    to_employees: "Employee list",
    nothing_written: "The file has errors. Nothing has been saved. Correct it and upload it again.",
    too_large: "The file is too large (at most 50 MB). Please split it.",
    expired: "The check has expired or was already imported. Please upload the file again.",
    no_file: "Please choose a file.",
    without_email: "No invitation was sent to these IDs because they have no e-mail address. Issue an initial password from user management.",
    generate_passwords: "Issue initial passwords instead of invitation mails",
    generate_passwords_hint: "Every new ID gets an initial password, shown once after the import (no invitation is mailed; it must be changed at first login). Each takes about 0.1 s, so use invitations for a large import.",
    issued_once: "The initial passwords are shown only once, on this page. Note them or download the CSV now and hand them over securely.",
    login_id: "Login ID",
    name: "Name",
    initial_password: "Initial password",
    download_csv: "Download the initial passwords as CSV",
    importing: "Importing. Please wait (this page refreshes itself).",
    rows_unit: "rows",
    conflict: "The import failed: an employee or ID was registered by another action first. Nothing has been saved. Please upload the file again.",
};

fn words(lang: Lang) -> &'static ImportWords {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

struct ErrorRow {
    row: u64,
    column: &'static str,
    message: String,
}

struct PreviewView {
    summary: String,
    token: String,
    encoding: &'static str,
    /// Employees whose applied 変更届 the file contradicts.
    reverted: Vec<RevertedView>,
}

/// One employee whose applied 変更届 the file contradicts, as the preview and the result list
/// them.
struct RevertedView {
    row: u64,
    number: String,
    name: String,
    /// 項目: 変更届で反映した値 → ファイルの値.
    fields: Vec<String>,
}

fn reverted_views(reverted: &[RevertedChange]) -> Vec<RevertedView> {
    reverted
        .iter()
        .map(|change| RevertedView {
            row: change.row,
            number: change.number.to_string(),
            name: change.name.clone(),
            fields: change
                .fields
                .iter()
                .map(|(label, on_record, in_file)| format!("{label}: {on_record} → {in_file}"))
                .collect(),
        })
        .collect()
}

struct ProgressView {
    done: u64,
    total: u64,
    /// "N / M 件".
    text: String,
}

#[derive(Template)]
#[template(path = "site/import.html")]
struct ImportPage {
    layout: Layout,
    w: &'static ImportWords,
    company_id: String,
    company_name: String,
    alert: Option<String>,
    errors: Vec<ErrorRow>,
    more_errors: u64,
    preview: Option<PreviewView>,
    result: Option<String>,
    /// Login IDs of new employees without an e-mail address (no invitation sent).
    without_email: Vec<String>,
    /// Generated initial passwords, shown once, and their ログインのご案内 to print.
    notices: LoginNotices,
    /// The same as a `data:` URL of a CSV file, so that it is downloaded from this page and
    /// never kept on the server.
    issued_csv: String,
    /// While the apply runs: rows written of the file's rows.
    progress: Option<ProgressView>,
    show_form: bool,
}

impl ImportPage {
    fn new(layout: Layout, lang: Lang, company_id: CompanyId, company_name: String) -> Self {
        Self {
            layout,
            w: words(lang),
            company_id: company_id.to_string(),
            company_name,
            alert: None,
            errors: Vec::new(),
            more_errors: 0,
            preview: None,
            result: None,
            without_email: Vec::new(),
            notices: LoginNotices::none(),
            issued_csv: String::new(),
            progress: None,
            show_form: true,
        }
    }
}

/// The staged file of `token`, or `None` when the token is not 32 lowercase hex digits.
fn staged_path(
    services: &HttpServices,
    site: &Site<'_>,
    company_id: CompanyId,
    token: &str,
) -> Option<PathBuf> {
    let well_formed = token.len() == 32
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then(|| {
        services
            .import_dir
            .join(format!("{}_{company_id}_{token}.csv", site.tenant.id))
    })
}

/// Whether a staged file is older than [`STAGED_LIFETIME`] by the application's clock.
fn is_stale(metadata: &std::fs::Metadata, now: OffsetDateTime) -> bool {
    match metadata.modified() {
        Ok(modified) => OffsetDateTime::from(modified) + STAGED_LIFETIME < now,
        Err(_) => true,
    }
}

/// Removes staged files nobody confirmed within a day; best effort.
async fn sweep_stale(services: &HttpServices) {
    let now = services.app.clock.now();
    let Ok(mut entries) = tokio::fs::read_dir(&services.import_dir).await else {
        return;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        if let Ok(metadata) = entry.metadata().await
            && metadata.is_file()
            && is_stale(&metadata, now)
        {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
}

/// The outcome of reading a staged file: its valid rows as the use case takes them, or every
/// error.
enum Validated {
    Valid {
        /// How many rows the file has (nothing of them is kept).
        rows: u64,
        encoding: CsvEncoding,
    },
    Invalid {
        errors: Vec<CellError>,
        error_count: u64,
    },
}

fn imported(row: EmployeeRow) -> Result<ImportedEmployee, CellError> {
    let number = EmployeeNumber::parse(&row.employee_number).map_err(|error| CellError {
        row: row.row,
        column: Some(nencho_csv::Column::EmployeeNumber),
        message: error.to_string(),
    })?;
    Ok(ImportedEmployee {
        row: row.row,
        number,
        name: PersonName {
            family: row.family_name,
            given: row.given_name,
            family_kana: row.family_name_kana,
            given_kana: row.given_name_kana,
        },
        birth_date: row.birth_date,
        postal_code: row.postal_code,
        address: row.address,
        email: row.email,
        department: row.department,
        employment_type: row.employment_type,
        hire_date: row.hire_date,
        leave_date: row.leave_date,
    })
}

/// Reads and validates the staged file off the async threads (a 100,000-row file takes a while),
/// streamed: only the row count and the errors are kept.
async fn validate_staged(
    path: PathBuf,
    encoding: Option<CsvEncoding>,
) -> Result<Validated, String> {
    let task = tokio::task::spawn_blocking(move || -> Result<Validated, String> {
        let file = std::fs::File::open(&path).map_err(|error| error.to_string())?;
        let options = ImportOptions {
            encoding,
            ..ImportOptions::default()
        };
        let mut rows: u64 = 0;
        let mut conversion_errors = Vec::new();
        let checked =
            validate_all_with(BufReader::new(file), &options, |row| match imported(row) {
                Ok(_) => rows += 1,
                Err(error) => conversion_errors.push(error),
            });
        Ok(match checked {
            Ok(preview) if preview.is_valid() && conversion_errors.is_empty() => Validated::Valid {
                rows,
                encoding: preview.encoding,
            },
            Ok(preview) => {
                let mut errors = preview.errors;
                errors.extend(conversion_errors);
                let count = u64::try_from(errors.len()).unwrap_or(u64::MAX);
                Validated::Invalid {
                    error_count: preview.error_count.max(count),
                    errors,
                }
            }
            Err(failure) => {
                let errors = failure.to_cell_errors();
                Validated::Invalid {
                    error_count: u64::try_from(errors.len()).unwrap_or(u64::MAX),
                    errors,
                }
            }
        })
    });
    task.await.map_err(|error| error.to_string())?
}

/// What the reading thread of [`StagedRows`] hands over.
enum Staged {
    Rows(Vec<ImportedEmployee>),
    /// The whole file has been read and is valid.
    End,
    Failed(String),
}

/// The rows of a staged (already validated) file as an [`ImportSource`]: a blocking thread reads
/// the file row by row and hands over chunks of [`IMPORT_CHUNK`] rows through a channel of one,
/// so that at most about two chunks are in memory, whatever the file's size. A file that is no
/// longer valid, or a thread that ends without saying so, is an error: the import writes nothing.
struct StagedRows {
    receiver: tokio::sync::mpsc::Receiver<Staged>,
    ended: bool,
}

impl StagedRows {
    fn open(path: PathBuf, encoding: Option<CsvEncoding>) -> Self {
        let (sender, receiver) = tokio::sync::mpsc::channel(1);
        tokio::task::spawn_blocking(move || {
            let last = match read_in_chunks(&path, encoding, &sender) {
                Ok(()) => Staged::End,
                Err(error) => Staged::Failed(error),
            };
            // Nobody listens any more when the import already failed.
            let _ = sender.blocking_send(last);
        });
        Self {
            receiver,
            ended: false,
        }
    }
}

/// Streams `path` through the validator, sending its rows in chunks; fails when it is not valid.
fn read_in_chunks(
    path: &std::path::Path,
    encoding: Option<CsvEncoding>,
    sender: &tokio::sync::mpsc::Sender<Staged>,
) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|error| error.to_string())?;
    let options = ImportOptions {
        encoding,
        ..ImportOptions::default()
    };
    let mut chunk = Vec::with_capacity(IMPORT_CHUNK);
    let mut problem: Option<String> = None;
    let checked = validate_all_with(BufReader::new(file), &options, |row| {
        if problem.is_some() {
            return;
        }
        match imported(row) {
            Ok(row) => {
                chunk.push(row);
                if chunk.len() >= IMPORT_CHUNK
                    && sender
                        .blocking_send(Staged::Rows(std::mem::take(&mut chunk)))
                        .is_err()
                {
                    problem = Some("the import ended".into());
                }
            }
            Err(error) => problem = Some(error.message),
        }
    });
    if let Some(problem) = problem {
        return Err(problem);
    }
    match checked {
        Ok(preview) if preview.is_valid() => {}
        Ok(_) => return Err("the staged file is no longer valid".into()),
        Err(failure) => return Err(failure.to_string()),
    }
    if !chunk.is_empty() {
        sender
            .blocking_send(Staged::Rows(chunk))
            .map_err(|_| "the import ended".to_owned())?;
    }
    Ok(())
}

impl ImportSource for StagedRows {
    fn next_rows(&mut self) -> Pin<Box<dyn Future<Output = RowsResult> + Send + '_>> {
        Box::pin(async move {
            if self.ended {
                return Ok(None);
            }
            match self.receiver.recv().await {
                Some(Staged::Rows(rows)) => Ok(Some(rows)),
                Some(Staged::End) => {
                    self.ended = true;
                    Ok(None)
                }
                Some(Staged::Failed(message)) => Err(AppError::Invalid {
                    field: "file",
                    message,
                }),
                None => Err(AppError::Invalid {
                    field: "file",
                    message: "the staged file could not be read to its end".into(),
                }),
            }
        })
    }
}

fn error_rows(errors: &[CellError]) -> Vec<ErrorRow> {
    errors
        .iter()
        .map(|error| ErrorRow {
            row: error.row,
            column: error.column_name(),
            message: error.message.clone(),
        })
        .collect()
}

fn counts(lang: Lang, new: usize, updated: usize, unchanged: usize) -> String {
    match lang {
        Lang::Ja => format!("新規 {new}件、更新 {updated}件、変更なし {unchanged}件"),
        Lang::En => format!("{new} new, {updated} updated, {unchanged} unchanged"),
    }
}

fn preview_summary(lang: Lang, preview: &ImportCounts) -> String {
    let counts = counts(lang, preview.new, preview.updated, preview.unchanged);
    let (users, invitations) = (preview.users, preview.invitations);
    match lang {
        Lang::Ja => format!("{counts}（ID発行 {users}件、招待メール {invitations}件）"),
        Lang::En => format!("{counts} ({users} new IDs, {invitations} invitations)"),
    }
}

fn outcome_summary(lang: Lang, outcome: &ImportOutcome) -> String {
    let mut text = match lang {
        Lang::Ja => format!(
            "取り込みました。新規 {}件、更新 {}件（変更なし {}件）。ID発行 {}件、招待メール {}件を送信予定。",
            outcome.inserted,
            outcome.updated,
            outcome.unchanged,
            outcome.users_created,
            outcome.invitations_queued
        ),
        Lang::En => format!(
            "Imported: {} new, {} updated ({} unchanged). {} IDs created, {} invitations queued.",
            outcome.inserted,
            outcome.updated,
            outcome.unchanged,
            outcome.users_created,
            outcome.invitations_queued
        ),
    };
    if !outcome.initial_passwords.is_empty() {
        text.push_str(&match lang {
            Lang::Ja => format!(
                "初期パスワード {}件を発行しました。",
                outcome.initial_passwords.len()
            ),
            Lang::En => format!(
                " {} initial passwords issued.",
                outcome.initial_passwords.len()
            ),
        });
    }
    if outcome.users_disabled > 0 {
        text.push_str(&match lang {
            Lang::Ja => format!("退職者のID {}件を無効にしました。", outcome.users_disabled),
            Lang::En => format!(" {} IDs of leavers disabled.", outcome.users_disabled),
        });
    }
    let reverted = outcome.reverted.len();
    if reverted > 0 {
        text.push_str(&match (lang, outcome.applied_changes) {
            (Lang::Ja, AppliedChanges::Keep) => {
                format!("変更届で反映した内容は{reverted}人ともそのまま残しました。")
            }
            (Lang::Ja, AppliedChanges::Overwrite) => {
                format!("変更届で反映した内容を{reverted}人分ファイルの値で上書きしました。")
            }
            (Lang::En, AppliedChanges::Keep) => {
                format!(" What approved change requests set was kept for {reverted} employees.")
            }
            (Lang::En, AppliedChanges::Overwrite) => format!(
                " What approved change requests set was overwritten for {reverted} employees."
            ),
        });
    }
    text
}

/// One CSV cell, quoted; a name that a spreadsheet would take for a formula gets a leading `'`
/// (as in every CSV download).
fn csv_cell(text: &str, guard_formula: bool) -> String {
    let text = if guard_formula {
        super::export::neutralised(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The generated passwords as a UTF-8 CSV file with BOM (Excel reads it), as a `data:` URL.
fn issued_csv(w: &ImportWords, issued: &[IssuedPassword]) -> String {
    let mut csv = String::from("\u{feff}");
    csv.push_str(&format!(
        "{},{},{}\r\n",
        csv_cell(w.login_id, false),
        csv_cell(w.name, false),
        csv_cell(w.initial_password, false)
    ));
    for entry in issued {
        csv.push_str(&format!(
            "{},{},{}\r\n",
            csv_cell(entry.login_id.as_str(), false),
            csv_cell(entry.display_name.as_str(), true),
            csv_cell(entry.password.expose(), false)
        ));
    }
    super::render::csv_data_url(csv.as_bytes(), "utf-8")
}

/// The rows that cannot get a login ID, as the error table shows them.
fn login_id_errors(lang: Lang, errors: &[ImportRowError]) -> Vec<ErrorRow> {
    errors
        .iter()
        .map(|error| {
            let (column, message) = match (&error.problem, lang) {
                (LoginIdProblem::NoEmail, Lang::Ja) => (
                    "メールアドレス",
                    format!(
                        "社員番号 {} にメールアドレスがありません。この会社はメールアドレスをログインIDにする設定のため、メールアドレスが必要です。",
                        error.number
                    ),
                ),
                (LoginIdProblem::NoEmail, Lang::En) => (
                    "メールアドレス",
                    format!(
                        "Employee {} has no e-mail address, which this company uses as the login ID.",
                        error.number
                    ),
                ),
                (LoginIdProblem::Unusable(text), Lang::Ja) => (
                    "メールアドレス",
                    format!(
                        "「{text}」はログインIDに使えません（半角英数字と . _ - @ + のみ、100文字まで）。"
                    ),
                ),
                (LoginIdProblem::Unusable(text), Lang::En) => (
                    "メールアドレス",
                    format!(
                        "\"{text}\" cannot be a login ID (letters, digits and . _ - @ + only, at most 100)."
                    ),
                ),
                (LoginIdProblem::Taken(login_id), Lang::Ja) => match error.scheme {
                    LoginIdScheme::EmployeeNumber => (
                        "社員番号",
                        format!(
                            "ログインID「{login_id}」は既に使われています（別の会社の同じ社員番号など）。会社の設定でログインIDをメールアドレスにしてください。"
                        ),
                    ),
                    LoginIdScheme::Email => (
                        "メールアドレス",
                        format!(
                            "ログインID「{login_id}」は既に使われています（同じメールアドレスの別のIDがあるか、ファイル内で重複しています）。"
                        ),
                    ),
                },
                (LoginIdProblem::Taken(login_id), Lang::En) => match error.scheme {
                    LoginIdScheme::EmployeeNumber => (
                        "社員番号",
                        format!(
                            "The login ID \"{login_id}\" is taken (the same number in another company?). Use e-mail addresses as login IDs in the company settings."
                        ),
                    ),
                    LoginIdScheme::Email => (
                        "メールアドレス",
                        format!(
                            "The login ID \"{login_id}\" is taken (another ID has this address, or the file repeats it)."
                        ),
                    ),
                },
            };
            ErrorRow {
                row: error.row,
                column,
                message,
            }
        })
        .collect()
}

/// How many refused rows the page lists; the rest are counted.
const SHOWN_ERRORS: usize = 200;

fn show_login_id_errors(view: &mut ImportPage, lang: Lang, errors: &[ImportRowError]) {
    let shown = errors
        .get(..SHOWN_ERRORS.min(errors.len()))
        .unwrap_or_default();
    view.alert = Some(words(lang).nothing_written.to_owned());
    view.errors = login_id_errors(lang, shown);
    view.more_errors = u64::try_from(errors.len() - shown.len()).unwrap_or(u64::MAX);
}

#[derive(Deserialize)]
pub struct TemplateQuery {
    encoding: Option<String>,
}

#[handler]
pub async fn form(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    match authorize_import(&services.app, &current, company_id).await {
        Ok(company) => page(
            &ImportPage::new(
                site.layout().with_user(&current),
                site.lang,
                company_id,
                company.name.as_str().to_owned(),
            ),
            StatusCode::OK,
        ),
        Err(error) => failure(&site, &error).await,
    }
}

#[handler]
pub async fn template(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Query(query): Query<TemplateQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    if let Err(error) = authorize_import(&services.app, &current, company_id).await {
        return failure(&site, &error).await;
    }
    let encoding = CsvEncoding::asked(query.encoding.as_deref());
    let (charset, file_name) = match encoding {
        CsvEncoding::Utf8 => ("utf-8", "employees-template-utf8.csv"),
        CsvEncoding::ShiftJis => ("Shift_JIS", "employees-template-sjis.csv"),
    };
    nencho_csv::template(encoding)
        .with_content_type(format!("text/csv; charset={charset}"))
        .with_header(
            "Content-Disposition",
            format!("attachment; filename=\"{file_name}\""),
        )
        .into_response()
}

/// Why an upload was not staged.
enum UploadProblem {
    TooLarge,
    NoFile,
    Forged,
    Broken(String),
}

/// Reads the multipart form, streaming the file to `staged` with a cap; returns the encoding
/// asked for.
async fn receive(
    site: &Site<'_>,
    multipart: &mut Multipart,
    staged: &std::path::Path,
) -> Result<Option<CsvEncoding>, UploadProblem> {
    let mut csrf_token = String::new();
    let mut encoding = None;
    let mut received_file = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return Err(UploadProblem::Broken(error.to_string())),
        };
        match field.name() {
            Some("csrf_token") => {
                csrf_token = field.text().await.unwrap_or_default();
                if !site.csrf_ok(&csrf_token) {
                    return Err(UploadProblem::Forged);
                }
            }
            Some("encoding") => {
                encoding = CsvEncoding::from_code(&field.text().await.unwrap_or_default());
            }
            Some("file") => {
                // Nothing is written for a form that did not prove its origin first.
                if !site.csrf_ok(&csrf_token) {
                    return Err(UploadProblem::Forged);
                }
                let mut reader = field.into_async_read();
                let mut file = tokio::fs::File::create(staged)
                    .await
                    .map_err(|error| UploadProblem::Broken(error.to_string()))?;
                let mut buffer = vec![0u8; 64 * 1024];
                let mut written: u64 = 0;
                loop {
                    let read = reader
                        .read(&mut buffer)
                        .await
                        .map_err(|error| UploadProblem::Broken(error.to_string()))?;
                    if read == 0 {
                        break;
                    }
                    written += u64::try_from(read).unwrap_or(u64::MAX);
                    if written > MAX_UPLOAD_BYTES {
                        return Err(UploadProblem::TooLarge);
                    }
                    file.write_all(buffer.get(..read).unwrap_or_default())
                        .await
                        .map_err(|error| UploadProblem::Broken(error.to_string()))?;
                }
                file.flush()
                    .await
                    .map_err(|error| UploadProblem::Broken(error.to_string()))?;
                received_file = written > 0;
            }
            _ => {}
        }
    }
    if !site.csrf_ok(&csrf_token) {
        return Err(UploadProblem::Forged);
    }
    if !received_file {
        return Err(UploadProblem::NoFile);
    }
    Ok(encoding)
}

#[handler]
pub async fn upload(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    let company = match authorize_import(&services.app, &current, company_id).await {
        Ok(company) => company,
        Err(error) => return failure(&site, &error).await,
    };
    let w = words(site.lang);
    let too_large = || {
        message(
            site.layout().with_user(&current),
            StatusCode::PAYLOAD_TOO_LARGE,
            w.title,
            w.too_large,
            &format!("/admin/companies/{company_id}/import"),
            w.title,
        )
    };
    let declared = request
        .header("content-length")
        .and_then(|length| length.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_UPLOAD_BYTES + 64 * 1024) {
        return too_large();
    }
    sweep_stale(&services).await;
    if let Err(error) = tokio::fs::create_dir_all(&services.import_dir).await {
        tracing::error!(%error, "cannot create the import directory");
        return failure(
            &site,
            &AppError::Invalid {
                field: "file",
                message: error.to_string(),
            },
        )
        .await;
    }
    let token = services.app_token();
    let Some(staged) = staged_path(&services, &site, company_id, &token) else {
        return plain_not_found();
    };
    let encoding = match receive(&site, &mut multipart, &staged).await {
        Ok(encoding) => encoding,
        Err(problem) => {
            let _ = tokio::fs::remove_file(&staged).await;
            return match problem {
                UploadProblem::Forged => rejected_form(site.layout()),
                UploadProblem::TooLarge => too_large(),
                UploadProblem::NoFile | UploadProblem::Broken(_) => {
                    if let UploadProblem::Broken(error) = &problem {
                        tracing::warn!(%error, "an upload could not be read");
                    }
                    let mut view = ImportPage::new(
                        site.layout().with_user(&current),
                        site.lang,
                        company_id,
                        company.name.as_str().to_owned(),
                    );
                    view.alert = Some(w.no_file.to_owned());
                    page(&view, StatusCode::UNPROCESSABLE_ENTITY)
                }
            };
        }
    };
    let mut view = ImportPage::new(
        site.layout().with_user(&current),
        site.lang,
        company_id,
        company.name.as_str().to_owned(),
    );
    match validate_staged(staged.clone(), encoding).await {
        Ok(Validated::Invalid {
            errors,
            error_count,
        }) => {
            let _ = tokio::fs::remove_file(&staged).await;
            view.alert = Some(w.nothing_written.to_owned());
            view.more_errors =
                error_count.saturating_sub(u64::try_from(errors.len()).unwrap_or(u64::MAX));
            view.errors = error_rows(&errors);
            page(&view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(Validated::Valid { encoding, .. }) => {
            let mut source = StagedRows::open(staged.clone(), Some(encoding));
            match preview_import_streamed(&services.app, &current, company_id, &mut source).await {
                Ok(preview) => {
                    view.show_form = false;
                    view.preview = Some(PreviewView {
                        summary: preview_summary(site.lang, &preview),
                        token,
                        encoding: encoding.code(),
                        reverted: reverted_views(&preview.reverted),
                    });
                    page(&view, StatusCode::OK)
                }
                Err(AppError::ImportRows(errors)) => {
                    let _ = tokio::fs::remove_file(&staged).await;
                    show_login_id_errors(&mut view, site.lang, &errors);
                    page(&view, StatusCode::UNPROCESSABLE_ENTITY)
                }
                Err(error) => {
                    let _ = tokio::fs::remove_file(&staged).await;
                    failure(&site, &error).await
                }
            }
        }
        Err(error) => {
            let _ = tokio::fs::remove_file(&staged).await;
            tracing::error!(%error, "a staged upload could not be validated");
            failure(
                &site,
                &AppError::Invalid {
                    field: "file",
                    message: error,
                },
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct ConfirmBody {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    encoding: String,
    /// `generated` to issue initial passwords instead of invitations.
    #[serde(default)]
    first_password: String,
    /// `overwrite` to let the file replace what applied 変更届 set (kept otherwise).
    #[serde(default)]
    applied_changes: String,
}

/// How long a finished import's result waits to be shown before it is forgotten.
const RESULT_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// An apply running (or done) in the background, as the progress page shows it.
struct RunningImport {
    tenant: TenantId,
    /// Only the user who started it sees it.
    user: UserId,
    company: CompanyId,
    /// The staged file's token: a second confirm of the same file goes to this import.
    token: String,
    started: OffsetDateTime,
    /// Rows of the file processed so far, of `total`.
    done: AtomicU64,
    total: u64,
    /// Set once when the apply ends; taken (and the entry removed) when the result is shown.
    finished: Mutex<Option<Result<ImportOutcome, AppError>>>,
}

/// The running and finished imports of this process, by a random 128-bit id.
static RUNNING: LazyLock<Mutex<HashMap<String, Arc<RunningImport>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn running() -> std::sync::MutexGuard<'static, HashMap<String, Arc<RunningImport>>> {
    RUNNING.lock().unwrap_or_else(PoisonError::into_inner)
}

fn progress_path(company_id: CompanyId, import_id: &str) -> String {
    format!("/admin/companies/{company_id}/import/progress/{import_id}")
}

/// A staged file that was validated at the confirm step.
struct ValidFile {
    path: PathBuf,
    token: String,
    encoding: CsvEncoding,
    rows: u64,
}

/// Starts the apply of a validated staged file in the background; returns the import's id.
fn start_apply(
    services: &Arc<HttpServices>,
    current: &CurrentUser,
    company_id: CompanyId,
    file: ValidFile,
    choices: ImportChoices,
) -> String {
    let ValidFile {
        path: staged,
        token,
        encoding,
        rows: total,
    } = file;
    let import_id = services.app_token();
    let now = services.app.clock.now();
    let entry = Arc::new(RunningImport {
        tenant: current.tenant.id,
        user: current.user.id,
        company: company_id,
        token,
        started: now,
        done: AtomicU64::new(0),
        total,
        finished: Mutex::new(None),
    });
    {
        let mut registry = running();
        // Results nobody came back for are forgotten after a day.
        registry.retain(|_, entry| {
            let done = entry
                .finished
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_some();
            !done || entry.started + RESULT_LIFETIME >= now
        });
        registry.insert(import_id.clone(), entry.clone());
    }
    let services = services.clone();
    let current = current.clone();
    tokio::spawn(async move {
        let task_entry = entry.clone();
        let apply = tokio::spawn(async move {
            let mut source = StagedRows::open(staged.clone(), Some(encoding));
            let progress = |done: u64| task_entry.done.store(done, Ordering::Relaxed);
            let result = apply_import_streamed(
                &services.app,
                &current,
                company_id,
                &mut source,
                choices,
                &progress,
            )
            .await;
            // Applied, or refused for good: the staged file is used up.
            if matches!(&result, Ok(_) | Err(AppError::ImportRows(_))) {
                let _ = tokio::fs::remove_file(&staged).await;
            }
            result
        });
        let result = apply.await.unwrap_or_else(|error| {
            tracing::error!(%error, "an import task failed");
            Err(AppError::Invalid {
                field: "file",
                message: error.to_string(),
            })
        });
        if let Err(error) = &result {
            tracing::warn!(%error, "an import was not applied");
        }
        *entry
            .finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(result);
    });
    import_id
}

#[handler]
pub async fn confirm(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Form(body): Form<ConfirmBody>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    if !site.csrf_ok(&body.csrf_token) {
        return rejected_form(site.layout());
    }
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    let company = match authorize_import(&services.app, &current, company_id).await {
        Ok(company) => company,
        Err(error) => return failure(&site, &error).await,
    };
    let w = words(site.lang);
    let mut view = ImportPage::new(
        site.layout().with_user(&current),
        site.lang,
        company_id,
        company.name.as_str().to_owned(),
    );
    // The same file confirmed twice (a double click): one import, its progress.
    let already = running().iter().find_map(|(import_id, entry)| {
        (entry.tenant == current.tenant.id
            && entry.user == current.user.id
            && entry.company == company_id
            && entry.token == body.token
            && entry
                .finished
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_none())
        .then(|| import_id.clone())
    });
    if let Some(import_id) = already {
        return see_other(&progress_path(company_id, &import_id));
    }
    let staged = staged_path(&services, &site, company_id, &body.token);
    let usable = match &staged {
        Some(path) => match tokio::fs::metadata(path).await {
            Ok(metadata) => !is_stale(&metadata, services.app.clock.now()),
            Err(_) => false,
        },
        None => false,
    };
    let Some(staged) = staged.filter(|_| usable) else {
        view.alert = Some(w.expired.to_owned());
        return page(&view, StatusCode::UNPROCESSABLE_ENTITY);
    };
    match validate_staged(staged.clone(), CsvEncoding::from_code(&body.encoding)).await {
        Ok(Validated::Valid { rows, encoding }) => {
            let choices = ImportChoices {
                first_password: match body.first_password.as_str() {
                    "generated" => FirstPassword::Generated,
                    _ => FirstPassword::Invitation,
                },
                applied_changes: match body.applied_changes.as_str() {
                    "overwrite" => AppliedChanges::Overwrite,
                    _ => AppliedChanges::Keep,
                },
            };
            let file = ValidFile {
                path: staged,
                token: body.token.clone(),
                encoding,
                rows,
            };
            let import_id = start_apply(&services, &current, company_id, file, choices);
            see_other(&progress_path(company_id, &import_id))
        }
        Ok(Validated::Invalid {
            errors,
            error_count,
        }) => {
            let _ = tokio::fs::remove_file(&staged).await;
            view.alert = Some(w.nothing_written.to_owned());
            view.more_errors =
                error_count.saturating_sub(u64::try_from(errors.len()).unwrap_or(u64::MAX));
            view.errors = error_rows(&errors);
            page(&view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(error) => {
            tracing::error!(%error, "a staged upload could not be validated");
            view.alert = Some(w.expired.to_owned());
            page(&view, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// "N / M 件".
fn progress_text(w: &ImportWords, done: u64, total: u64) -> String {
    format!("{done} / {total} {}", w.rows_unit)
}

/// The progress of an import started by this user of this tenant (anyone else: 404), refreshed
/// every second until it is done; then its result, once.
#[handler]
pub async fn progress_page(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, import_id)): Path<(String, String)>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let current = match site.require_user().await {
        Ok(current) => current,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    let (entry, finished) = {
        let mut registry = running();
        let Some(entry) = registry.get(&import_id).cloned().filter(|entry| {
            entry.tenant == site.tenant.id
                && entry.tenant == current.tenant.id
                && entry.user == current.user.id
                && entry.company == company_id
        }) else {
            return plain_not_found();
        };
        let finished = entry
            .finished
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if finished.is_some() {
            registry.remove(&import_id);
        }
        (entry, finished)
    };
    let company = match authorize_import(&services.app, &current, company_id).await {
        Ok(company) => company,
        Err(error) => return failure(&site, &error).await,
    };
    let w = words(site.lang);
    let mut view = ImportPage::new(
        site.layout().with_user(&current),
        site.lang,
        company_id,
        company.name.as_str().to_owned(),
    );
    view.show_form = false;
    match finished {
        None => {
            let done = entry.done.load(Ordering::Relaxed).min(entry.total);
            view.progress = Some(ProgressView {
                done,
                total: entry.total,
                text: progress_text(w, done, entry.total),
            });
            page(&view, StatusCode::OK)
                .with_header("Refresh", "1")
                .with_header("Cache-Control", "no-store")
                .into_response()
        }
        Some(Ok(outcome)) => show_outcome(view, &site, &outcome),
        Some(Err(AppError::ImportRows(errors))) => {
            view.show_form = true;
            show_login_id_errors(&mut view, site.lang, &errors);
            page(&view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Some(Err(AppError::Conflict(what))) => {
            tracing::warn!(%what, "an import conflicted with another write");
            view.show_form = true;
            view.alert = Some(w.conflict.to_owned());
            page(&view, StatusCode::CONFLICT)
        }
        Some(Err(error)) => failure(&site, &error).await,
    }
}

/// The result page of an applied import; generated passwords are shown this once.
fn show_outcome(mut view: ImportPage, site: &Site<'_>, outcome: &ImportOutcome) -> Response {
    let w = words(site.lang);
    view.result = Some(outcome_summary(site.lang, outcome));
    view.without_email = outcome
        .without_email
        .iter()
        .map(ToString::to_string)
        .collect();
    if outcome.initial_passwords.is_empty() {
        return page(&view, StatusCode::OK);
    }
    view.issued_csv = issued_csv(w, &outcome.initial_passwords);
    let cards = outcome
        .initial_passwords
        .iter()
        .map(|entry| LoginNoticeCard {
            login_id: entry.login_id.to_string(),
            name: entry.display_name.as_str().to_owned(),
            password: entry.password.expose().to_owned(),
        })
        .collect();
    view.notices = LoginNotices::of(site, Some(&view.company_name), cards);
    // Shown once: neither the browser nor a proxy keeps the page.
    page(&view, StatusCode::OK)
        .with_header("Cache-Control", "no-store")
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn the_issued_passwords_csv_quotes_every_cell_and_guards_names() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"x\")", true),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(csv_cell("山田 太郎", true), "\"山田 太郎\"");
        assert_eq!(csv_cell("=x", false), "\"=x\"", "only names are guarded");
    }
}
