//! The year-end settlement (年末調整の精算, YEA-5): staff upload the payroll system's totals of
//! the year (給与等の総額, 徴収税額, 社会保険料等, …), and the page shows every employee's
//! year-end adjustment against the approved declaration — every figure down to the refund or the
//! collection — with the company's sums, or every bad row and column and nothing computed.
//!
//! Stateless: the file is read in memory (at most [`MAX_TOTALS_BYTES`]) and nothing is stored.
//! The results CSV is in the page as `data:` links (UTF-8 with BOM and Shift_JIS), and the same
//! upload with `format=csv` answers the CSV itself, and with `format=slips` the 源泉徴収票 as one
//! PDF ([`super::slips`]). Columns: docs/payroll-export.md.

use std::sync::Arc;

use askama::Template;
use nencho_app::filings::settlement::{
    Settlement, SettlementLine, SettlementRowError, TotalsLine, settle, start_settlement,
};
use nencho_app::filings::slips::issue_slips;
use nencho_app::sign_in::CurrentUser;
use nencho_csv::{CsvEncoding, TotalsErrors, payroll_totals_template, read_payroll_totals};
use nencho_kernel::{CompanyId, TaxYear, Yen};
use nencho_tenancy::Company;
use poem::http::StatusCode;
use poem::web::{Data, Multipart, Path, Query};
use poem::{IntoResponse, Request, Response, handler};
use serde::Deserialize;

use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::Site;
use crate::sites::export::{UTF8_BOM, encode_into, push_line};
use crate::sites::layout::Layout;
use crate::sites::render::{message, page, plain_not_found, rejected_form};
use crate::sites::upload::{UploadProblem, receive_upload};

/// The largest totals file accepted (some 100,000 employees' rows).
pub const MAX_TOTALS_BYTES: u64 = 10 * 1024 * 1024;

/// The results' columns, in order (the CSV's header and the table's). Documented in
/// docs/payroll-export.md.
pub const RESULT_COLUMNS: [&str; 34] = [
    "社員番号",
    "氏名",
    "状況",
    "給与等の総額",
    "徴収税額",
    "未徴収税額",
    "社会保険料等(給与から控除)",
    "小規模企業共済等掛金(給与から控除)",
    "前職の支払金額",
    "前職の社会保険料等",
    "前職の源泉徴収税額",
    "給与所得控除後の給与等の金額",
    "所得金額調整控除",
    "社会保険料控除",
    "小規模企業共済等掛金控除",
    "生命保険料控除",
    "地震保険料控除",
    "配偶者(特別)控除",
    "特定親族特別控除",
    "扶養控除・障害者控除等",
    "基礎控除",
    "所得控除の合計",
    "課税給与所得金額",
    "算出所得税額",
    "住宅借入金等特別控除額",
    "年調所得税額",
    "年調年税額",
    "差引超過額(−)又は不足額",
    "未徴収分への充当",
    "還付額",
    "徴収額",
    "税務署提出",
    "提出範囲",
    "徴収猶予税額",
];

/// One employee's cells in [`RESULT_COLUMNS`] order, amounts written by `amount`; the computed
/// ones are empty for an employee without an approved declaration. An employee staff set aside
/// has the reason after the status: `年末調整の対象外(乙欄…)`.
fn cells(line: &SettlementLine, amount: fn(Yen) -> String) -> Vec<String> {
    let totals = &line.totals;
    let mut cells = vec![
        line.employee.number.to_string(),
        line.employee.name.full(),
        line.exclusion_reason().map_or_else(
            || line.status_name().to_owned(),
            |reason| format!("{}({reason})", line.status_name()),
        ),
        amount(totals.salary_total),
        amount(totals.tax_withheld),
        amount(totals.last_salary_tax_unwithheld),
        amount(totals.social_insurance),
        amount(totals.small_business_mutual_aid),
        amount(line.previous.salary),
        amount(line.previous.social_insurance),
        amount(line.previous.tax_withheld),
    ];
    match line.result() {
        Some(result) => {
            let deductions = &result.deductions;
            cells.extend(
                [
                    result.employment_income,
                    result.income_adjustment_deduction,
                    deductions.social_insurance,
                    deductions.small_business_mutual_aid,
                    deductions.life_insurance,
                    deductions.earthquake_insurance,
                    deductions.spouse,
                    deductions.specific_relative,
                    deductions.dependents_and_others,
                    deductions.basic,
                    result.total_deductions,
                    result.taxable_income,
                    result.computed_tax,
                    result.housing_loan_credit_applied,
                    result.annual_income_tax,
                    result.annual_tax,
                    result.difference,
                    result.applied_to_last_salary_tax,
                    result.refund,
                    result.additional_collection,
                ]
                .map(amount),
            );
        }
        None => cells.resize(RESULT_COLUMNS.len() - 3, String::new()),
    }
    let filed = match (line.slip.is_some(), line.filed_with_tax_office()) {
        (_, Some(true)) => "要",
        (_, Some(false)) => "不要",
        (true, None) => "要確認",
        (false, None) => "",
    };
    cells.push(filed.to_owned());
    cells.push(
        line.submission
            .map(|rule| rule.describe().to_owned())
            .unwrap_or_default(),
    );
    cells.push(amount(totals.tax_deferred));
    cells
}

fn plain(amount: Yen) -> String {
    amount.amount().to_string()
}

fn shown(amount: Yen) -> String {
    amount.to_string()
}

/// The results as CSV bytes: UTF-8 with a BOM, or Shift_JIS.
fn results_csv(settlement: &Settlement, encoding: CsvEncoding) -> Vec<u8> {
    let mut text = String::new();
    push_line(&mut text, &RESULT_COLUMNS);
    for line in &settlement.lines {
        push_line(&mut text, &cells(line, plain));
    }
    let mut bytes = Vec::with_capacity(text.len() + UTF8_BOM.len());
    if encoding == CsvEncoding::Utf8 {
        bytes.extend_from_slice(UTF8_BOM);
    }
    encode_into(&text, encoding, &mut bytes);
    bytes
}

struct ErrorRow {
    row: u64,
    column: String,
    message: String,
}

/// A line of the 法定調書合計表 sums: what, 人員, 支払金額, 源泉徴収税額.
struct StatutoryRow {
    id: &'static str,
    label: &'static str,
    people: usize,
    payment: String,
    tax: String,
}

impl StatutoryRow {
    fn of(
        id: &'static str,
        label: &'static str,
        sums: nencho_app::filings::settlement::SlipSums,
    ) -> Self {
        Self {
            id,
            label,
            people: sums.people,
            payment: shown(sums.payment),
            tax: shown(sums.tax),
        }
    }
}

struct ResultRow {
    status: &'static str,
    cells: Vec<String>,
}

struct Summary {
    computed: usize,
    ineligible: usize,
    not_approved: usize,
    excluded: usize,
    annual_tax: String,
    tax_withheld: String,
    previous_tax_withheld: String,
    applied: String,
    refund: String,
    additional_collection: String,
    /// 法定調書合計表 (給与所得): all slips, those filed, 乙欄, 災害者.
    statutory: Vec<StatutoryRow>,
    filing_undecided: usize,
    csv_utf8: String,
    csv_sjis: String,
}

#[derive(Template)]
#[template(path = "site/filing_settlement.html")]
struct SettlementPage {
    layout: Layout,
    company_id: String,
    company_name: String,
    year: i32,
    year_label: String,
    alert: Option<String>,
    errors: Vec<ErrorRow>,
    more_errors: u64,
    columns: &'static [&'static str],
    rows: Vec<ResultRow>,
    summary: Option<Summary>,
}

impl SettlementPage {
    fn new(layout: Layout, company: &Company, tax_year: TaxYear) -> Self {
        Self {
            layout,
            company_id: company.id.to_string(),
            company_name: company.name.as_str().to_owned(),
            year: tax_year.year(),
            year_label: format!("令和{}年分({}年分)", tax_year.reiwa(), tax_year.year()),
            alert: None,
            errors: Vec::new(),
            more_errors: 0,
            columns: &RESULT_COLUMNS,
            rows: Vec::new(),
            summary: None,
        }
    }
}

/// The signed-in user, the company (checked: ExportPayroll over the whole company) and the year;
/// or the answer to give.
async fn open(
    site: &Site<'_>,
    services: &Arc<HttpServices>,
    id: &str,
    year: &str,
) -> Result<(CurrentUser, Company, TaxYear), Response> {
    let current = site.require_user().await?;
    let company_id = id.parse::<CompanyId>().map_err(|_| plain_not_found())?;
    let tax_year = super::year_of(year).ok_or_else(plain_not_found)?;
    match start_settlement(&services.app, &current, company_id).await {
        Ok(company) => Ok((current, company, tax_year)),
        Err(error) => Err(failure(site, &error).await),
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET …/settlement`: the upload form (with the notice of a consent just recorded).
#[handler]
pub async fn form(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    match open(&site, &services, &id, &year).await {
        Ok((current, company, tax_year)) => {
            let mut layout = site.layout().with_user(&current);
            // The notice of a paper consent recorded (or withdrawn) from the 電子交付 page.
            if let Some(notice) = query.notice.filter(|notice| !notice.is_empty()) {
                layout = layout.with_notice(notice);
            }
            page(
                &SettlementPage::new(layout, &company, tax_year),
                StatusCode::OK,
            )
        }
        Err(response) => response,
    }
}

#[derive(Deserialize)]
pub struct TemplateQuery {
    encoding: Option<String>,
}

/// `GET …/settlement/template`: the header and an example row.
#[handler]
pub async fn template(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Query(query): Query<TemplateQuery>,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    if let Err(response) = open(&site, &services, &id, &year).await {
        return response;
    }
    let encoding = CsvEncoding::asked(query.encoding.as_deref());
    let (charset, file_name) = match encoding {
        CsvEncoding::Utf8 => ("utf-8", "payroll-totals-template-utf8.csv"),
        CsvEncoding::ShiftJis => ("Shift_JIS", "payroll-totals-template-sjis.csv"),
    };
    payroll_totals_template(encoding)
        .with_content_type(format!("text/csv; charset={charset}"))
        .with_header(
            "Content-Disposition",
            format!("attachment; filename=\"{file_name}\""),
        )
        .into_response()
}

/// The upload form's fields.
struct TotalsUpload {
    file: Vec<u8>,
    encoding: Option<CsvEncoding>,
    /// `csv` answers the results CSV instead of the page, `slips` the 源泉徴収票.
    format: String,
    /// The results CSV's encoding.
    output: CsvEncoding,
}

/// Reads the multipart form; the file is read only after the CSRF token was checked.
async fn receive(
    site: &Site<'_>,
    multipart: &mut Multipart,
) -> Result<TotalsUpload, UploadProblem> {
    let posted = receive_upload(site, multipart, "file", MAX_TOTALS_BYTES).await?;
    Ok(TotalsUpload {
        encoding: CsvEncoding::from_code(posted.field("encoding")),
        format: posted.field("format").to_owned(),
        output: CsvEncoding::from_code(posted.field("output")).unwrap_or(CsvEncoding::Utf8),
        file: posted.file,
    })
}

const NOTHING_COMPUTED: &str = "ファイルに誤りがあります。次の行を直してからもう一度アップロードしてください(何も計算していません)。";
const NO_FILE: &str = "給与の合計額のCSVファイルを選んでください。";

fn file_errors(view: &mut SettlementPage, errors: TotalsErrors) {
    view.more_errors = errors
        .error_count
        .saturating_sub(u64::try_from(errors.errors.len()).unwrap_or(0));
    view.errors = errors
        .errors
        .into_iter()
        .map(|error| ErrorRow {
            row: error.row,
            column: error.column_name().to_owned(),
            message: error.message,
        })
        .collect();
}

/// The page listing the totals' row errors (an employee number the company does not have …):
/// nothing was computed or issued.
fn row_errors(mut view: SettlementPage, errors: Vec<SettlementRowError>) -> Response {
    view.alert = Some(NOTHING_COMPUTED.to_owned());
    view.errors = errors
        .into_iter()
        .map(|error| ErrorRow {
            row: error.row,
            column: "社員番号".to_owned(),
            message: error.message,
        })
        .collect();
    page(&view, StatusCode::UNPROCESSABLE_ENTITY)
}

/// The 源泉徴収票 of every computed employee as one PDF (one page each, in the file's order), or
/// a page saying there is none to print (nobody in the file has an approved declaration).
async fn withholding_slips(
    site: &Site<'_>,
    current: &CurrentUser,
    settlement: &Settlement,
    back: &str,
) -> Response {
    let sheets = super::slips::sheets(settlement);
    if sheets.is_empty() {
        return message(
            site.layout().with_user(current),
            StatusCode::UNPROCESSABLE_ENTITY,
            "源泉徴収票",
            "源泉徴収票を作成できる従業員がいません(ファイルの従業員に承認済みの申告書がありません)。",
            back,
            "年末調整の精算",
        );
    }
    let company = settlement
        .company
        .name
        .as_str()
        .split_whitespace()
        .collect::<String>();
    let reiwa = settlement.tax_year.reiwa();
    let title = format!("令和{reiwa}年分 給与所得の源泉徴収票 {company}");
    let filename = format!("源泉徴収票_令和{reiwa}年分_{company}.pdf");
    let fallback = format!("withholding-slips-{}.pdf", settlement.tax_year.year());
    let render = move |font: &nencho_pdf::PrintFont| {
        nencho_pdf::render_withholding_slips(&title, &sheets, font)
    };
    super::print::respond_pdf(site, current, render, &filename, &fallback, back).await
}

/// `POST …/settlement`: the upload → the results (or every error, nothing computed).
#[handler]
pub async fn upload(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Response {
    let Some(site) = Site::of(request, &services) else {
        return plain_not_found();
    };
    let (current, company, tax_year) = match open(&site, &services, &id, &year).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let back = format!(
        "/admin/companies/{}/filings/{}/settlement",
        company.id,
        tax_year.year()
    );
    let too_large = || {
        message(
            site.layout().with_user(&current),
            StatusCode::PAYLOAD_TOO_LARGE,
            "年末調整の精算",
            "ファイルが大きすぎます(10MBまで)。",
            &back,
            "年末調整の精算",
        )
    };
    let declared = request
        .header("content-length")
        .and_then(|length| length.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_TOTALS_BYTES + 64 * 1024) {
        return too_large();
    }
    let mut view = SettlementPage::new(site.layout().with_user(&current), &company, tax_year);
    let fields = match receive(&site, &mut multipart).await {
        Ok(fields) => fields,
        Err(UploadProblem::Forged) => return rejected_form(site.layout()),
        Err(UploadProblem::TooLarge) => return too_large(),
        Err(UploadProblem::Broken(error)) => {
            tracing::warn!(%error, "a settlement upload could not be read");
            view.alert = Some(NO_FILE.to_owned());
            return page(&view, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if fields.file.is_empty() {
        view.alert = Some(NO_FILE.to_owned());
        return page(&view, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let totals = match read_payroll_totals(fields.file.as_slice(), fields.encoding) {
        Ok(totals) => totals,
        Err(errors) => {
            view.alert = Some(NOTHING_COMPUTED.to_owned());
            file_errors(&mut view, errors);
            return page(&view, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let lines = totals
        .rows
        .into_iter()
        .map(|row| TotalsLine {
            row: row.row,
            employee_number: row.employee_number,
            salary_total: row.salary_total,
            tax_withheld: row.tax_withheld,
            last_salary_tax_unwithheld: row.last_salary_tax_unwithheld,
            social_insurance: row.social_insurance,
            small_business_mutual_aid: row.small_business_mutual_aid,
            tax_deferred: row.tax_deferred,
        })
        .collect::<Vec<_>>();
    if fields.format == "issue" {
        let outcome = match issue_slips(&services.app, &current, company.id, tax_year, lines).await
        {
            Ok(outcome) => outcome,
            Err(error) => return failure(&site, &error).await,
        };
        if !outcome.errors.is_empty() {
            return row_errors(view, outcome.errors);
        }
        let today = nencho_app::filings::japan_today(&services.app);
        return super::slips::issued_page(view.layout, &company, tax_year, today, &outcome);
    }
    let settlement = match settle(&services.app, &current, company.id, tax_year, lines).await {
        Ok(settlement) => settlement,
        Err(error) => return failure(&site, &error).await,
    };
    if !settlement.errors.is_empty() {
        return row_errors(view, settlement.errors);
    }
    if fields.format == "slips" {
        return withholding_slips(&site, &current, &settlement, &back).await;
    }
    if fields.format == "csv" {
        let (charset, suffix) = match fields.output {
            CsvEncoding::Utf8 => ("utf-8", ""),
            CsvEncoding::ShiftJis => ("Shift_JIS", "-sjis"),
        };
        return results_csv(&settlement, fields.output)
            .with_content_type(format!("text/csv; charset={charset}"))
            .with_header(
                "Content-Disposition",
                format!(
                    "attachment; filename=\"settlement-{}{suffix}.csv\"",
                    tax_year.year()
                ),
            )
            .with_header("Cache-Control", "no-store")
            .into_response();
    }
    let sums = settlement.totals;
    view.summary = Some(Summary {
        computed: sums.computed,
        ineligible: sums.ineligible,
        not_approved: sums.not_approved,
        excluded: sums.excluded,
        annual_tax: shown(sums.annual_tax),
        tax_withheld: shown(sums.tax_withheld),
        previous_tax_withheld: shown(sums.previous_tax_withheld),
        applied: shown(sums.applied_to_last_salary_tax),
        refund: shown(sums.refund),
        additional_collection: shown(sums.additional_collection),
        statutory: vec![
            StatutoryRow::of(
                "statutory-all",
                "源泉徴収票の総額(対象外の年末調整未済を含む)",
                sums.slips,
            ),
            StatutoryRow::of("statutory-filed", "うち税務署に提出するもの", sums.filed),
            StatutoryRow::of("statutory-secondary", "うち乙欄適用", sums.secondary_column),
            StatutoryRow::of(
                "statutory-disaster",
                "うち災害減免法により徴収猶予したもの(税額は徴収猶予税額)",
                nencho_app::filings::settlement::SlipSums {
                    tax: sums.disaster_tax_deferred,
                    ..sums.disaster
                },
            ),
        ],
        filing_undecided: sums.filing_undecided,
        csv_utf8: crate::sites::render::csv_data_url(
            &results_csv(&settlement, CsvEncoding::Utf8),
            "utf-8",
        ),
        csv_sjis: crate::sites::render::csv_data_url(
            &results_csv(&settlement, CsvEncoding::ShiftJis),
            "shift_jis",
        ),
    });
    view.rows = settlement
        .lines
        .iter()
        .map(|line| ResultRow {
            status: line.status_name(),
            cells: cells(line, shown),
        })
        .collect();
    page(&view, StatusCode::OK)
}
