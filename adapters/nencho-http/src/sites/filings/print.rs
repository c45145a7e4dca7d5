//! Declarations printed as PDF (YEA-6): the employee's own (`/filings/{year}/print.pdf`), one a
//! reviewer may see (`/admin/filings/{id}/print.pdf`), and every approved one of a company and
//! year for the archive (`/admin/companies/{id}/filings/{year}/print.pdf`, the payroll export's
//! permission). The forms are the review pages' [`form_views`] and [`amount_lines`], so paper
//! and screen say the same; the PDF is laid out by `nencho-pdf` with the machine's Japanese font.
//!
//! The company file is built in memory (every declaration, then the whole PDF: tens of KB of
//! PDF per employee and the layout while it is written, the font subset once) on a
//! blocking thread.

use std::sync::Arc;

use nencho_app::AppError;
use nencho_app::filings::print::{PrintableFiling, print_company, print_own, print_reviewed};
use nencho_app::sign_in::CurrentUser;
use nencho_filings::Form;
use nencho_kernel::{CompanyId, Date, FilingId, TaxYear, format_japan_datetime, format_wareki};
use nencho_pdf::{Block, Chapter, Line, PdfError, PrintFont, Printout, Section};
use poem::http::{StatusCode, header};
use poem::web::{Data, Path};
use poem::{IntoResponse, Request, Response, handler};

use super::views::{self, amount_lines, form_views};
use super::words::JA;
use super::year_of;
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::Site;
use crate::sites::layout::Layout;
use crate::sites::render::{message, plain_not_found};

/// The printed forms are Japanese whatever the page language: they are the official forms.
const DOCUMENT: &str = "年末調整の申告書";

fn line(label: &str, value: impl Into<String>) -> Line {
    Line::new(label, value)
}

fn japanese_date(date: Date) -> String {
    format_wareki(date).map_or_else(|| date.to_string(), |wareki| format!("{wareki}({date})"))
}

fn year_label(year: TaxYear) -> String {
    format!("令和{}年分({}年分)", year.reiwa(), year.year())
}

/// The form's title as printed on the official form: the year and 給与所得者の…; next year's
/// 扶養控除等(異動)申告書 carries next year.
fn official_title(form: Form, year: TaxYear) -> String {
    match form {
        Form::PreviousEmployment => format!("令和{}年分 {}", year.reiwa(), form.japanese_name()),
        Form::DependentsNextYear => format!(
            "令和{}年分 給与所得者の{}",
            year.reiwa() + 1,
            Form::Dependents.japanese_name()
        ),
        _ => format!(
            "令和{}年分 給与所得者の{}",
            year.reiwa(),
            form.japanese_name()
        ),
    }
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".into()
    } else {
        text.to_owned()
    }
}

/// 支払者, 提出者 and 状況: printed at the head of every form of the declaration.
fn head_blocks(printable: &PrintableFiling) -> [Block; 3] {
    let company = &printable.company;
    let profile = &company.profile;
    let employee = &printable.employee;
    let filing = &printable.filing;
    let tax_office = profile.tax_office.trim();
    let payer = Block {
        heading: "給与の支払者".into(),
        lines: vec![
            line("名称", company.name.as_str()),
            line(
                "法人番号",
                profile
                    .corporate_number
                    .as_ref()
                    .map_or_else(|| "—".into(), ToString::to_string),
            ),
            line("所在地", or_dash(&profile.address)),
            line(
                "所轄税務署",
                if tax_office.is_empty() || tax_office.ends_with("税務署") {
                    or_dash(tax_office)
                } else {
                    format!("{tax_office}税務署")
                },
            ),
        ],
    };
    let name = &employee.name;
    let address = match &employee.postal_code {
        Some(code) => format!("〒{code} {}", employee.address),
        None => employee.address.clone(),
    };
    let person = Block {
        heading: "提出者(従業員)".into(),
        lines: vec![
            line("社員番号", employee.number.to_string()),
            line("氏名", name.full()),
            line(
                "フリガナ",
                format!("{} {}", name.family_kana, name.given_kana),
            ),
            line("生年月日", japanese_date(employee.birth_date)),
            line("住所", or_dash(&address)),
        ],
    };
    let mut status = vec![line(JA.status, filing.status.japanese_name())];
    if let Some(at) = filing.submitted_at {
        status.push(line("提出日時", views::when(at)));
    }
    if let Some(approval) = &printable.approval {
        status.push(line("承認日時", views::when(approval.at)));
        status.push(line("承認者", approval.by.clone()));
    }
    if filing.proxy_entered {
        status.push(line("代理入力", "あり(担当者が従業員に代わって入力)"));
    }
    if filing.reopened {
        status.push(line("再年調", "あり"));
    }
    let status = Block {
        heading: JA.status.into(),
        lines: status,
    };
    [payer, person, status]
}

/// One employee's declaration: a section per form, then the computed deductions.
fn chapter(printable: &PrintableFiling) -> Chapter {
    let filing = &printable.filing;
    let employee = &printable.employee;
    let year = filing.tax_year;
    let subtitle = format!(
        "{} {} {}",
        year_label(year),
        employee.number,
        employee.name.full()
    );
    let head = head_blocks(printable);
    let computed = printable.computed.as_ref().ok();
    let mut sections: Vec<Section> = form_views(&filing.document, &printable.forms, computed)
        .into_iter()
        .zip(&printable.forms)
        .map(|(view, form)| {
            let mut blocks = head.to_vec();
            blocks.push(Block {
                heading: "申告内容".into(),
                lines: view
                    .lines
                    .into_iter()
                    .map(|line| Line::new(line.label, line.value))
                    .collect(),
            });
            Section {
                title: official_title(*form, year),
                subtitle: subtitle.clone(),
                blocks,
            }
        })
        .collect();
    let amounts = match &printable.computed {
        Ok(computed) => amount_lines(computed)
            .into_iter()
            .map(|line| Line::new(line.label, line.value))
            .collect(),
        Err(problem) => vec![line("計算できません", problem.clone())],
    };
    let mut blocks = head.to_vec();
    blocks.push(Block {
        heading: JA.amounts.into(),
        lines: amounts,
    });
    if !printable.originals.is_empty() {
        blocks.push(Block {
            heading: "控除証明書等の原本".into(),
            lines: printable
                .originals
                .iter()
                .map(|original| {
                    let view = super::originals::original_view(original);
                    Line::new(original.expected.label(), view.text)
                })
                .collect(),
        });
    }
    sections.push(Section {
        title: format!("{} {}", year_label(year), JA.amounts),
        subtitle,
        blocks,
    });
    Chapter {
        bookmark: format!("{} {}", employee.number, employee.name.full()),
        sections,
    }
}

fn printout(title: String, printables: &[PrintableFiling], services: &HttpServices) -> Printout {
    let company = printables
        .first()
        .map(|printable| printable.company.name.as_str().to_owned())
        .unwrap_or_default();
    Printout {
        footer: format!(
            "{company} {DOCUMENT} 印刷日時 {}",
            format_japan_datetime(services.app.clock.now())
        ),
        title,
        chapters: printables.iter().map(chapter).collect(),
    }
}

/// The message a page shows when the PDF cannot be made, and the log line behind it.
fn unprintable(site: &Site<'_>, layout: Layout, error: &PdfError, back: &str) -> Response {
    tracing::error!(%error, "printing a PDF failed");
    let body = match error {
        PdfError::NoFont { .. } | PdfError::BadFont { .. } => {
            "PDFを作成できませんでした: サーバーに日本語フォントがありません。システム管理者に連絡してください(Debianのパッケージ fonts-ipaexfont-gothic を入れるか、環境変数 NENCHO_PDF_FONT でフォントファイルを指定します)。画面の内容はブラウザーの印刷機能でも印刷できます。"
        }
        PdfError::Write(_) => {
            "PDFを作成できませんでした。しばらくしてからもう一度お試しください。画面の内容はブラウザーの印刷機能でも印刷できます。"
        }
    };
    message(
        layout,
        StatusCode::SERVICE_UNAVAILABLE,
        site.lang.words().error_title,
        body,
        back,
        JA.back,
    )
}

/// Lays out and writes the PDF on a blocking thread; the response downloads it.
async fn respond(
    site: &Site<'_>,
    current: &CurrentUser,
    printout: Printout,
    filename: &str,
    fallback: &str,
    back: &str,
) -> Response {
    let render = move |font: &PrintFont| nencho_pdf::render(&printout, font);
    respond_pdf(site, current, render, filename, fallback, back).await
}

/// Writes a PDF with `render` and the machine's Japanese font on a blocking thread (laying out
/// hundreds of pages is CPU work); the response downloads it as `filename` (`fallback` for old
/// browsers), or explains in Japanese why it could not be printed, linking `back`.
pub(super) async fn respond_pdf(
    site: &Site<'_>,
    current: &CurrentUser,
    render: impl FnOnce(&PrintFont) -> Result<Vec<u8>, PdfError> + Send + 'static,
    filename: &str,
    fallback: &str,
    back: &str,
) -> Response {
    let written = tokio::task::spawn_blocking(move || {
        let font = PrintFont::locate()?;
        render(&font)
    })
    .await;
    match written {
        Ok(Ok(pdf)) => pdf
            .with_content_type("application/pdf")
            .with_header(
                header::CONTENT_DISPOSITION,
                crate::sites::render::content_disposition(filename, fallback),
            )
            .with_header(header::CACHE_CONTROL, "no-store")
            .into_response(),
        Ok(Err(error)) => unprintable(site, site.layout().with_user(current), &error, back),
        Err(error) => unprintable(
            site,
            site.layout().with_user(current),
            &PdfError::Write(error.to_string()),
            back,
        ),
    }
}

/// The name without spaces, for a file name.
fn compact(text: &str) -> String {
    text.split_whitespace().collect()
}

/// `GET /filings/{year}/print.pdf`: the employee's own declaration.
#[handler]
pub async fn own_pdf(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(year): Path<String>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Some(year) = year_of(&year) else {
        return plain_not_found();
    };
    let printable = match print_own(&services.app, &current, year).await {
        Ok(printable) => printable,
        Err(error) => return failure(&site, &error).await,
    };
    let filename = format!(
        "{DOCUMENT}_令和{}年分_{}.pdf",
        year.reiwa(),
        compact(&printable.employee.name.full())
    );
    let title = format!(
        "{DOCUMENT} {} {}",
        year_label(year),
        printable.employee.name.full()
    );
    let printout = printout(title, std::slice::from_ref(&printable), &services);
    let back = format!("/filings/{}/review", year.year());
    let fallback = format!("declarations-{}.pdf", year.year());
    respond(&site, &current, printout, &filename, &fallback, &back).await
}

/// `GET /admin/filings/{id}/print.pdf`: a declaration the reviewer may see.
#[handler]
pub async fn reviewed_pdf(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Ok(filing_id) = id.parse::<FilingId>() else {
        return plain_not_found();
    };
    let printable = match print_reviewed(&services.app, &current, filing_id).await {
        Ok(printable) => printable,
        Err(error) => return failure(&site, &error).await,
    };
    let year = printable.filing.tax_year;
    let employee = &printable.employee;
    let filename = format!(
        "{DOCUMENT}_令和{}年分_{}_{}.pdf",
        year.reiwa(),
        employee.number,
        compact(&employee.name.full())
    );
    let fallback = format!("declarations-{}-{}.pdf", year.year(), employee.number);
    let title = format!(
        "{DOCUMENT} {} {} {}",
        year_label(year),
        employee.number,
        employee.name.full()
    );
    let printout = printout(title, std::slice::from_ref(&printable), &services);
    let back = format!("/admin/filings/{filing_id}");
    respond(&site, &current, printout, &filename, &fallback, &back).await
}

/// `GET /admin/companies/{id}/filings/{year}/print.pdf`: every approved declaration of the
/// company and year in one file, an outline entry per employee.
#[handler]
pub async fn company_pdf(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let (Ok(company_id), Some(year)) = (id.parse::<CompanyId>(), year_of(&year)) else {
        return plain_not_found();
    };
    let back = format!("/admin/companies/{company_id}/filings/{}", year.year());
    let printables = match print_company(&services.app, &current, company_id, year).await {
        Ok(printables) if printables.is_empty() => {
            return message(
                site.layout().with_user(&current),
                StatusCode::NOT_FOUND,
                DOCUMENT,
                "この年分の承認済みの申告書はありません。",
                &back,
                "一覧へ戻る",
            );
        }
        Ok(printables) => printables,
        Err(AppError::Invalid { .. }) => return plain_not_found(),
        Err(error) => return failure(&site, &error).await,
    };
    let company_name = printables
        .first()
        .map(|printable| printable.company.name.as_str().to_owned())
        .unwrap_or_default();
    let filename = format!(
        "{DOCUMENT}_令和{}年分_{}_承認済.pdf",
        year.reiwa(),
        compact(&company_name)
    );
    let fallback = format!("declarations-{}-approved.pdf", year.year());
    let title = format!("{DOCUMENT} {} {company_name} 承認済", year_label(year));
    let printout = printout(title, &printables, &services);
    drop(printables);
    respond(&site, &current, printout, &filename, &fallback, &back).await
}
