//! 給与所得の源泉徴収票 (受給者交付用) as one PDF for the company, from a settlement: each computed
//! employee's [`WithholdingSlip`] worded box by box for `nencho-pdf`. Amounts are grouped
//! without the unit (the form prints 円 once per box), dates in 和暦, counts as digits, and a
//! zero amount or count is left blank as on a hand-written slip.
//!
//! Also the page after 電子交付 (who received their slip, who must get it on paper, who has
//! none), with a form beside each employee without consent to record the consent they gave on
//! paper (書面による同意), and beside each one issued to record a withdrawal; the form posts to
//! `POST /admin/companies/{id}/slips/consents`.

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::filings::settlement::{Settlement, start_settlement};
use nencho_app::filings::slips::{
    IssueOutcome, record_slip_consent, slip_parties, withdraw_slip_consent,
};
use nencho_kernel::{CompanyId, EmployeeId, TaxYear, parse_japanese_date};
use nencho_tenancy::{Company, Employee};
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::staff::urlencode;
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::layout::Layout;
use crate::sites::render::{message, page, plain_not_found, rejected_form};
use nencho_filings::{MidYearChange, SlipParties, SlipPerson, WithholdingSlip};
use nencho_kernel::{Yen, wareki_or_iso};
use nencho_pdf::{SlipPerson as SheetPerson, WithholdingSlipSheet};

/// The sheets of every employee with a slip, in the settlement's order.
pub(super) fn sheets(settlement: &Settlement) -> Vec<WithholdingSlipSheet> {
    settlement
        .lines
        .iter()
        .filter_map(|line| {
            let slip = line.slip.as_deref()?;
            Some(sheet(
                &slip_parties(&line.employee, &settlement.company),
                slip,
            ))
        })
        .collect()
}

fn amount(value: Yen) -> String {
    if value == Yen::ZERO {
        String::new()
    } else {
        value.grouped()
    }
}

fn count(value: u32) -> String {
    if value == 0 {
        String::new()
    } else {
        value.to_string()
    }
}

fn mark(applies: bool) -> String {
    if applies { "*" } else { "" }.to_owned()
}

fn person(person: &SlipPerson) -> SheetPerson {
    let mut class = person.class.clone().unwrap_or_default();
    if person.non_resident {
        if !class.is_empty() {
            class.push(' ');
        }
        class.push_str("非居住者");
    }
    SheetPerson {
        kana: person.name.kana.clone(),
        name: person.name.name.clone(),
        class,
    }
}

/// One slip worded for print, with the particulars it was issued with.
pub(super) fn sheet(parties: &SlipParties, slip: &WithholdingSlip) -> WithholdingSlipSheet {
    let (joined_or_left, joined_or_left_on) = match slip.mid_year {
        Some(MidYearChange::Joined(date)) => ("就職", wareki_or_iso(date)),
        Some(MidYearChange::Left(date)) => ("退職", wareki_or_iso(date)),
        None => ("", String::new()),
    };
    let housing = slip.housing_residence_start.is_some();
    WithholdingSlipSheet {
        title: format!("令和{}年分 給与所得の源泉徴収票", slip.tax_year.reiwa()),
        recipient_address: parties.recipient_address.clone(),
        recipient_number: parties.recipient_number.clone(),
        recipient_kana: parties.recipient_kana.clone(),
        recipient_name: parties.recipient_name.clone(),
        recipient_position: String::new(),
        kind: "給料・賞与".to_owned(),
        payment: slip.payment.grouped(),
        employment_income: if slip.adjusted {
            slip.employment_income.grouped()
        } else {
            String::new()
        },
        total_deductions: amount(slip.total_deductions),
        tax: slip.tax.grouped(),
        spouse_presence: if slip.has_deductible_spouse {
            "有"
        } else {
            ""
        }
        .to_owned(),
        spouse_elderly: mark(slip.elderly_spouse),
        spouse_deduction: amount(slip.spouse_deduction),
        specific_dependents: count(slip.specific_dependents),
        elderly_dependents: count(slip.elderly_dependents),
        elderly_living_together: count(slip.elderly_living_together),
        other_dependents: count(slip.other_dependents),
        young_dependents: count(slip.young_dependents),
        special_disabled: count(slip.special_disabled),
        special_disabled_living_together: count(slip.special_disabled_living_together),
        other_disabled: count(slip.other_disabled),
        non_resident_relatives: count(slip.non_resident_relatives),
        social_insurance: amount(slip.social_insurance),
        mutual_aid_within: amount(slip.mutual_aid),
        life_insurance_deduction: amount(slip.life_insurance_deduction),
        earthquake_insurance_deduction: amount(slip.earthquake_insurance_deduction),
        housing_loan_credit: amount(slip.housing_loan_credit),
        remarks: slip.remarks.clone(),
        new_life_premium: amount(slip.new_life_premium),
        old_life_premium: amount(slip.old_life_premium),
        care_medical_premium: amount(slip.care_medical_premium),
        new_pension_premium: amount(slip.new_pension_premium),
        old_pension_premium: amount(slip.old_pension_premium),
        housing_loan_count: if housing { "1" } else { "" }.to_owned(),
        housing_residence_start: slip
            .housing_residence_start
            .map(wareki_or_iso)
            .unwrap_or_default(),
        housing_year_end_balance: amount(slip.housing_year_end_balance),
        housing_credit_available: amount(slip.housing_loan_credit_available),
        spouse: slip.spouse.as_ref().map(person).unwrap_or_default(),
        spouse_income: if slip.spouse.is_some() {
            slip.spouse_income.grouped()
        } else {
            String::new()
        },
        national_pension: amount(slip.national_pension),
        old_long_term_premium: amount(slip.old_long_term_premium),
        basic_deduction: amount(slip.basic_deduction),
        income_adjustment: amount(slip.income_adjustment),
        specific_relative_deduction: amount(slip.specific_relative_deduction),
        dependents: slip.dependents.iter().map(person).collect(),
        young: slip.young.iter().map(person).collect(),
        minor: mark(slip.minor),
        foreigner: String::new(),
        death_retirement: String::new(),
        disaster: mark(slip.disaster),
        otsu: mark(slip.secondary_column),
        disabled_special: mark(slip.disability == nencho_filings::DisabilityKind::Special),
        disabled_other: mark(slip.disability == nencho_filings::DisabilityKind::General),
        widow: mark(slip.widow),
        single_parent: mark(slip.single_parent),
        working_student: mark(slip.working_student),
        joined_or_left: joined_or_left.to_owned(),
        joined_or_left_on,
        birth_date: wareki_or_iso(slip.birth_date),
        payer_address: parties.payer_address.clone(),
        payer_name: parties.payer_name.clone(),
        payer_phone: parties.payer_phone.clone(),
    }
}

struct Person {
    id: String,
    number: String,
    name: String,
}

fn people(employees: &[Employee]) -> Vec<Person> {
    employees
        .iter()
        .map(|employee| Person {
            id: employee.id.to_string(),
            number: employee.number.to_string(),
            name: employee.name.full(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "site/filing_slips_issued.html")]
struct IssuedPage {
    layout: Layout,
    company_id: String,
    company_name: String,
    year: i32,
    year_label: String,
    /// The latest day a paper consent may be dated (today): the date inputs' `max`.
    today: String,
    issued: Vec<Person>,
    without_consent: Vec<Person>,
    not_approved: Vec<Person>,
    without_slip: Vec<Person>,
}

/// What 電子交付 did: who received their slip, who must get it on paper, who has none.
pub(super) fn issued_page(
    layout: Layout,
    company: &Company,
    tax_year: TaxYear,
    today: nencho_kernel::Date,
    outcome: &IssueOutcome,
) -> Response {
    page(
        &IssuedPage {
            layout,
            company_id: company.id.to_string(),
            company_name: company.name.as_str().to_owned(),
            year: tax_year.year(),
            year_label: format!("令和{}年分", tax_year.reiwa()),
            today: today.to_string(),
            issued: people(&outcome.issued),
            without_consent: people(&outcome.without_consent),
            not_approved: people(&outcome.not_approved),
            without_slip: people(&outcome.without_slip),
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct ConsentRecordForm {
    csrf_token: String,
    /// The employee's id.
    employee: String,
    /// The day the employee consented on paper (西暦 or 和暦); unused for a withdrawal.
    #[serde(default)]
    consented_on: String,
    /// `withdraw` withdraws; anything else (or nothing) records a paper consent.
    #[serde(default)]
    action: String,
    /// The settlement's year to return to; the consents' page without it.
    #[serde(default)]
    year: String,
}

/// `POST /admin/companies/{id}/slips/consents`: staff record the consent an employee gave on
/// paper (書面による同意, 同施行令356条) with its date, or (`action=withdraw`) its withdrawal on
/// the employee's request. ExportPayroll over the whole company, checked before the form is
/// judged; then back to the settlement with a notice.
#[handler]
pub async fn record_consent(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(id): Path<String>,
    Form(form): Form<ConsentRecordForm>,
) -> Response {
    let (site, current) = match Site::enter(request, &services).await {
        Ok(entered) => entered,
        Err(response) => return response,
    };
    if !site.csrf_ok(&form.csrf_token) {
        return rejected_form(site.layout().with_user(&current));
    }
    let Ok(company_id) = id.parse::<CompanyId>() else {
        return plain_not_found();
    };
    // The permission before the form: a role without it gets 403 whatever it posts.
    if let Err(error) = start_settlement(&services.app, &current, company_id).await {
        return failure(&site, &error).await;
    }
    let Ok(employee_id) = form.employee.trim().parse::<EmployeeId>() else {
        return failure(&site, &AppError::NotFound).await;
    };
    let back = match super::year_of(form.year.trim()) {
        Some(year) => format!(
            "/admin/companies/{company_id}/filings/{}/settlement",
            year.year()
        ),
        None => format!("/admin/companies/{company_id}/slips/consents"),
    };
    let invalid = |text: &str| {
        message(
            site.layout().with_user(&current),
            StatusCode::UNPROCESSABLE_ENTITY,
            "書面による同意を記録できません",
            text,
            &back,
            "戻る",
        )
    };
    let result = if form.action == "withdraw" {
        withdraw_slip_consent(&services.app, &current, company_id, employee_id)
            .await
            .map(|employee| {
                format!(
                    "{} {} の電子交付への同意の撤回を記録しました。",
                    employee.number,
                    employee.name.full()
                )
            })
    } else {
        let Ok(consented_on) = parse_japanese_date(&form.consented_on) else {
            return invalid("同意日を 2026-11-01 の形で入力してください。");
        };
        record_slip_consent(
            &services.app,
            &current,
            company_id,
            employee_id,
            consented_on,
        )
        .await
        .map(|employee| {
            format!(
                "{} {} の書面による電子交付への同意({}年{}月{}日)を記録しました。",
                employee.number,
                employee.name.full(),
                consented_on.year(),
                u8::from(consented_on.month()),
                consented_on.day()
            )
        })
    };
    match result {
        Ok(notice) => see_other(&format!("{back}?notice={}", urlencode(&notice))),
        Err(AppError::Invalid { message, .. }) => invalid(&message),
        Err(error) => failure(&site, &error).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn parties() -> SlipParties {
        SlipParties {
            recipient_number: "0001".into(),
            recipient_name: "山田 太郎".into(),
            recipient_kana: "ヤマダ タロウ".into(),
            recipient_address: "東京都千代田区丸の内1-1-1".into(),
            payer_name: "株式会社エー".into(),
            payer_address: "東京都港区芝公園4-2-8".into(),
            payer_phone: "03-0000-0000".into(),
        }
    }

    #[test]
    fn the_reason_s_box_is_marked_on_the_sheet() {
        let year = nencho_kernel::TaxYear::new(2026).unwrap();
        let mut slip = WithholdingSlip::empty(year, date!(1980 - 06 - 01));
        let plain = sheet(&parties(), &slip);
        assert_eq!((plain.otsu.as_str(), plain.disaster.as_str()), ("", ""));
        slip.secondary_column = true;
        assert_eq!(sheet(&parties(), &slip).otsu, "*");
        slip.secondary_column = false;
        slip.disaster = true;
        let disaster = sheet(&parties(), &slip);
        assert_eq!(
            (disaster.otsu.as_str(), disaster.disaster.as_str()),
            ("", "*")
        );
    }
}
