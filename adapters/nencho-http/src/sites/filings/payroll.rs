//! The payroll export (YEA-5): the approved declarations of a company and tax year as one CSV
//! row per employee, every declared field and every computed deduction, in UTF-8 (BOM) or
//! Shift_JIS (CP932) for Excel. Written page by page into a pipe that is the response body, so
//! memory stays constant however many employees there are. Columns: docs/payroll-export.md.

use std::sync::Arc;

use nencho_app::filings::payroll::{PayrollRow, payroll_page, start_payroll_export};
use nencho_csv::CsvEncoding;
use nencho_filings::{
    Declaration, DisabilityKind, LifeContractAge, LifePolicyKind, PreviousEmployment, RelativeEntry,
};
use nencho_kernel::{CompanyId, Yen, format_japan_datetime};
use nencho_tax::RelativeClass;
use poem::web::{Data, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::views::class_name;
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::Site;
use crate::sites::csv_download::stream_csv;
use crate::sites::render::plain_not_found;

/// Relatives listed in their own columns; every relative is in the JSON column too.
pub const RELATIVE_COLUMNS: usize = 8;

/// The header, in order. Documented in docs/payroll-export.md.
pub fn header() -> Vec<String> {
    let mut columns: Vec<String> = [
        "社員番号",
        "氏名",
        "フリガナ",
        "部署",
        "年分",
        "状況",
        "承認日時",
        "代理入力",
        "再年調",
        "給与の収入金額(見積)",
        "給与以外の所得(見積)",
        "本人障害者区分",
        "寡婦",
        "ひとり親",
        "勤労学生",
        "配偶者氏名",
        "配偶者生年月日",
        "配偶者合計所得(見積)",
        "配偶者障害者区分",
        "配偶者同居",
        "一般の控除対象扶養親族の数",
        "特定扶養親族の数",
        "老人扶養親族の数",
        "同居老親等の数",
        "年少扶養親族の数",
        "特定親族の数",
        "新生命保険料(一般)",
        "旧生命保険料(一般)",
        "介護医療保険料",
        "新個人年金保険料",
        "旧個人年金保険料",
        "地震保険料",
        "旧長期損害保険料",
        "社会保険料(申告分)",
        "小規模企業共済等掛金",
        "住宅居住開始日",
        "住宅借入金年末残高",
        "住宅控除限度額",
        "生命保険料控除額",
        "地震保険料控除額",
        "社会保険料控除額(申告分)",
        "小規模企業共済等掛金控除額",
        "配偶者(特別)控除額",
        "特定親族特別控除額",
        "扶養控除・障害者控除等の額",
        "基礎控除額",
        "住宅借入金等特別控除額",
        "前職 支払金額",
        "前職 社会保険料等",
        "前職 源泉徴収税額",
        "前職 支払者",
        "前職 支払者の所在地",
        "前職 退職日",
        "翌年 今年と同じ家族",
        "翌年 源泉控除対象配偶者",
        "翌年 控除対象扶養親族の数",
        "翌年 年少扶養親族の数",
        "翌年 障害者の数",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for index in 1..=RELATIVE_COLUMNS {
        for field in [
            "氏名",
            "続柄",
            "生年月日",
            "区分",
            "合計所得(見積)",
            "同居",
            "障害者区分",
        ] {
            columns.push(format!("親族{index}{field}"));
        }
    }
    columns.push("申告内容(JSON)".to_owned());
    columns
}

fn yen(amount: Yen) -> String {
    amount.amount().to_string()
}

fn flag(value: bool) -> &'static str {
    if value { "1" } else { "0" }
}

/// One employee's row, in [`header`] order.
pub fn row(row: &PayrollRow) -> Vec<String> {
    let employee = &row.employee;
    let filing = &row.filing;
    let document = &filing.document;
    let computed = &row.computed;
    let deductions = &computed.deductions;
    let taxpayer = &document.taxpayer;
    let count = |class: RelativeClass| {
        computed
            .relative_classes
            .iter()
            .zip(&document.relatives)
            .filter(|(candidate, relative)| {
                **candidate == class && !relative.claimed_by_other_earner
            })
            .count()
            .to_string()
    };
    let premium = |kind: LifePolicyKind, contract: Option<LifeContractAge>| {
        yen(document
            .life_policies
            .iter()
            .filter(|policy| {
                policy.kind == kind && contract.is_none_or(|age| policy.contract == age)
            })
            .map(|policy| policy.premium)
            .sum())
    };
    let spouse = document.spouse.as_ref();
    let loan = document.housing_loan.as_ref();
    let mut cells = vec![
        employee.number.to_string(),
        employee.name.full(),
        format!("{} {}", employee.name.family_kana, employee.name.given_kana),
        employee.department.clone().unwrap_or_default(),
        filing.tax_year.year().to_string(),
        filing.status.japanese_name().to_owned(),
        filing
            .approved_at
            .map(format_japan_datetime)
            .unwrap_or_default(),
        flag(filing.proxy_entered).to_owned(),
        flag(filing.reopened).to_owned(),
        yen(taxpayer.estimated_salary),
        yen(taxpayer.other_income),
        taxpayer.disability.japanese_name().to_owned(),
        flag(taxpayer.widow).to_owned(),
        flag(taxpayer.single_parent).to_owned(),
        flag(taxpayer.working_student).to_owned(),
        spouse
            .map(|spouse| spouse.name.name.clone())
            .unwrap_or_default(),
        spouse
            .map(|spouse| spouse.birth_date.to_string())
            .unwrap_or_default(),
        spouse
            .map(|spouse| yen(spouse.estimated_income))
            .unwrap_or_default(),
        spouse
            .map(|spouse| spouse.disability.japanese_name().to_owned())
            .unwrap_or_default(),
        spouse
            .map(|spouse| flag(spouse.lives_together).to_owned())
            .unwrap_or_default(),
        count(RelativeClass::GeneralDependent),
        count(RelativeClass::SpecificDependent),
        count(RelativeClass::ElderlyDependent),
        count(RelativeClass::ElderlyParentLivingTogether),
        count(RelativeClass::YoungDependent),
        count(RelativeClass::SpecificRelative),
        premium(LifePolicyKind::General, Some(LifeContractAge::New)),
        premium(LifePolicyKind::General, Some(LifeContractAge::Old)),
        premium(LifePolicyKind::CareMedical, None),
        premium(LifePolicyKind::Pension, Some(LifeContractAge::New)),
        premium(LifePolicyKind::Pension, Some(LifeContractAge::Old)),
        yen(computed.earthquake_premiums.earthquake),
        yen(computed.earthquake_premiums.old_long_term),
        yen(computed.declared_social_insurance),
        yen(computed.mutual_aid),
        loan.map(|loan| loan.residence_start.to_string())
            .unwrap_or_default(),
        loan.map(|loan| yen(loan.year_end_balance))
            .unwrap_or_default(),
        loan.map(|loan| yen(loan.credit_limit)).unwrap_or_default(),
        yen(deductions.life_insurance),
        yen(deductions.earthquake_insurance),
        yen(deductions.social_insurance),
        yen(deductions.small_business_mutual_aid),
        yen(deductions.spouse),
        yen(deductions.specific_relative),
        yen(deductions.dependents_and_others),
        yen(deductions.basic),
        yen(computed.housing_loan_credit),
    ];
    cells.extend(previous_employment_cells(document));
    cells.extend(next_year_cells(row));
    for index in 0..RELATIVE_COLUMNS {
        match (
            document.relatives.get(index),
            computed.relative_classes.get(index),
        ) {
            (Some(relative), Some(class)) => cells.extend([
                relative.name.name.clone(),
                relative.relationship.clone(),
                relative.birth_date.to_string(),
                class_name(*class).to_owned(),
                yen(relative.estimated_income),
                flag(relative.lives_together).to_owned(),
                relative.disability.japanese_name().to_owned(),
            ]),
            _ => cells.extend(std::iter::repeat_n(String::new(), 7)),
        }
    }
    cells.push(serde_json::to_string(document).unwrap_or_default());
    cells
}

/// 前職分: the sums of every earlier employer of the year, and their names, addresses and
/// leaving dates in the document's order, joined with ` / ` (the 源泉徴収票's 摘要 lists each).
fn previous_employment_cells(document: &Declaration) -> [String; 6] {
    let sums = document.previous_employment_totals();
    let jobs = &document.previous_employments;
    let joined = |part: fn(&PreviousEmployment) -> String| {
        jobs.iter().map(part).collect::<Vec<_>>().join(" / ")
    };
    [
        yen(sums.salary),
        yen(sums.social_insurance),
        yen(sums.tax_withheld),
        joined(|job| job.payer_name.clone()),
        joined(|job| job.payer_address.clone()),
        joined(|job| job.left_on.to_string()),
    ]
}

/// The 翌年分 扶養控除等申告書 for next year's monthly withholding: whether the family stays the
/// same (blank = unanswered), 源泉控除対象配偶者, and the relatives of next year's family by
/// their provisional class at next year's end, not counting those another earner claims.
fn next_year_cells(row: &PayrollRow) -> [String; 5] {
    let document = &row.filing.document;
    let computed = &row.computed;
    let (_, relatives) = document.next_year_family();
    let counted: Vec<_> = relatives
        .iter()
        .zip(&computed.next_year_relative_classes)
        .filter(|(relative, _)| !relative.claimed_by_other_earner)
        .collect();
    let count = |keep: &dyn Fn(&RelativeEntry, RelativeClass) -> bool| {
        counted
            .iter()
            .filter(|(relative, class)| keep(relative, **class))
            .count()
            .to_string()
    };
    [
        document
            .next_year
            .same_as_this_year
            .map(|same| flag(same).to_owned())
            .unwrap_or_default(),
        flag(computed.next_year_withholding_spouse).to_owned(),
        count(&|_, class| class.is_dependent() && class != RelativeClass::YoungDependent),
        count(&|_, class| class == RelativeClass::YoungDependent),
        count(&|relative, class| {
            class.is_dependent() && relative.disability != DisabilityKind::None
        }),
    ]
}

#[derive(Deserialize)]
pub struct PayrollQuery {
    encoding: Option<String>,
}

#[handler]
pub async fn download(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((id, year)): Path<(String, String)>,
    Query(query): Query<PayrollQuery>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    let Some(tax_year) = super::year_of(&year) else {
        return plain_not_found();
    };
    if let Err(error) = start_payroll_export(&services.app, &current, company_id).await {
        return failure(&site, &error).await;
    }
    let encoding = CsvEncoding::asked(query.encoding.as_deref());
    let file_name = format!("payroll-{}", tax_year.year());
    let services = Arc::clone(&services);
    stream_csv(encoding, &file_name, header(), move |after| {
        let services = Arc::clone(&services);
        let current = current.clone();
        Box::pin(async move {
            let (rows, next) =
                payroll_page(&services.app, &current, company_id, tax_year, after).await?;
            Ok((rows.iter().map(row).collect(), next))
        })
    })
}
