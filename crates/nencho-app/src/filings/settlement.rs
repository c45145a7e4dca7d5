//! The year-end settlement (年末調整の精算, YEA-5): from the payroll system's totals of the year
//! (salary, tax withheld, what was withheld from salary) and each employee's approved
//! declaration, the year-end adjustment down to the refund or the additional collection.
//! Stateless: nothing is read but the declarations, nothing is stored.
//!
//! The adapter reads the totals file (its wire format is not this layer's business) and hands
//! typed [`TotalsLine`]s to [`settle`].

use nencho_filings::{
    ExclusionReason, FilingStatus, PreviousEmploymentTotals, SlipEmployee, SubmissionRule,
    WithholdingSlip, tax_request, unadjusted_slip, withholding_slip,
};
use nencho_kernel::{CompanyId, TaxYear, Yen};
use nencho_tax::{TaxError, YearEndAdjustmentResult, compute_year_end_adjustment};
use nencho_tenancy::{Company, Employee, EmployeeNumber, EmploymentType};

use super::payroll::start_payroll_export;
use crate::sign_in::CurrentUser;
use crate::{AppContext, AppError};

/// One employee's payroll totals of the year, as the payroll system states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalsLine {
    /// Where the line came from (a file's row as Excel numbers it), for messages.
    pub row: u64,
    pub employee_number: EmployeeNumber,
    /// 給与等の総額 (salaries and bonuses of the year).
    pub salary_total: Yen,
    /// 徴収税額, the last salary's included if computed.
    pub tax_withheld: Yen,
    /// 未徴収税額: the part of `tax_withheld` not yet withheld.
    pub last_salary_tax_unwithheld: Yen,
    /// 社会保険料等 withheld from salary (added to the declared ones).
    pub social_insurance: Yen,
    /// 小規模企業共済等掛金 withheld from salary (added to the declared ones).
    pub small_business_mutual_aid: Yen,
    /// 徴収猶予税額 under 災害減免法: only for an employee set aside for it (on the slip's 摘要).
    pub tax_deferred: Yen,
}

/// A 徴収猶予税額 given for anyone but a 災害者.
const DEFERRED_ONLY_FOR_DISASTER: &str =
    "徴収猶予税額は、災害減免法による徴収猶予で年末調整の対象外にした従業員にだけ入力します";

/// What became of one employee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettlementOutcome {
    /// Computed; `eligible` is `false` for an employee outside 年末調整 (給与等 above
    /// 2,000万円), every amount then 0.
    Computed(Box<YearEndAdjustmentResult>),
    /// No approved declaration for the year (未承認): not computed.
    NotApproved,
    /// Set aside as 対象外 by staff, with the reason: not computed.
    Excluded { reason: String },
}

/// One employee of the settlement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementLine {
    pub totals: TotalsLine,
    pub employee: Employee,
    /// 前職分 of the approved declaration (zero when none or not approved).
    pub previous: PreviousEmploymentTotals,
    pub outcome: SettlementOutcome,
    /// The 給与所得の源泉徴収票 of a computed employee, or of one set aside as 対象外 (年末調整
    /// 未済; none for a 非居住者); `None` for 未承認.
    pub slip: Option<Box<WithholdingSlip>>,
    /// Which limit decides whether the slip is also filed with the tax office; `None` without a
    /// slip, or when no rule can be chosen (a reason of その他).
    pub submission: Option<SubmissionRule>,
}

impl SettlementLine {
    /// 税務署提出: `Some(true)` when the slip goes to the tax office too, `None` when nencho
    /// cannot tell (要確認) or there is no slip.
    pub fn filed_with_tax_office(&self) -> Option<bool> {
        let slip = self.slip.as_ref()?;
        self.submission
            .map(|rule| rule.requires_filing(slip.payment))
    }

    /// The computation, when there is one.
    pub fn result(&self) -> Option<&YearEndAdjustmentResult> {
        match &self.outcome {
            SettlementOutcome::Computed(result) => Some(result),
            SettlementOutcome::NotApproved | SettlementOutcome::Excluded { .. } => None,
        }
    }

    /// 計算済, 年末調整の対象外 (above 2,000万円, or set aside by staff) or 未承認.
    pub fn status_name(&self) -> &'static str {
        match (&self.outcome, self.result()) {
            (_, Some(result)) if result.eligible => "計算済",
            (_, Some(_)) | (SettlementOutcome::Excluded { .. }, _) => "年末調整の対象外",
            _ => "未承認",
        }
    }

    /// Why staff set the employee aside (対象外の理由), when they did.
    pub fn exclusion_reason(&self) -> Option<&str> {
        match &self.outcome {
            SettlementOutcome::Excluded { reason } => Some(reason),
            _ => None,
        }
    }
}

/// A line that cannot be settled, in Japanese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementRowError {
    pub row: u64,
    pub employee_number: String,
    pub message: String,
}

/// The company's sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SettlementTotals {
    /// Employees computed (those outside 年末調整 included).
    pub computed: usize,
    /// Of them, outside 年末調整.
    pub ineligible: usize,
    /// Without an approved declaration.
    pub not_approved: usize,
    /// Set aside by staff as 対象外 (not computed).
    pub excluded: usize,
    /// 年調年税額, summed over the computed.
    pub annual_tax: Yen,
    /// 徴収税額 of the computed (this employer's).
    pub tax_withheld: Yen,
    /// 前職分の源泉徴収税額 of the computed.
    pub previous_tax_withheld: Yen,
    /// 未徴収分への充当.
    pub applied_to_last_salary_tax: Yen,
    /// 還付額.
    pub refund: Yen,
    /// 徴収額 (不足額).
    pub additional_collection: Yen,
    /// The 給与所得の源泉徴収票 of the file (every slip: computed and set aside), for the
    /// 法定調書合計表: 人員, 支払金額 and 源泉徴収税額.
    pub slips: SlipSums,
    /// Of them, those filed with the tax office ([`SubmissionRule`]).
    pub filed: SlipSums,
    /// Of them, those of 乙欄 (set aside as 乙欄).
    pub secondary_column: SlipSums,
    /// Of them, those of 災害者 (set aside under 災害減免法).
    pub disaster: SlipSums,
    /// The 徴収猶予税額 of the 災害者 (what the 法定調書合計表 asks for them).
    pub disaster_tax_deferred: Yen,
    /// Slips whose filing nencho cannot decide (対象外 for その他): check by hand.
    pub filing_undecided: usize,
}

/// People, 支払金額 and 源泉徴収税額 of some slips.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlipSums {
    pub people: usize,
    pub payment: Yen,
    pub tax: Yen,
}

impl SlipSums {
    fn add(&mut self, slip: &WithholdingSlip) {
        self.people += 1;
        self.payment += slip.payment;
        self.tax += slip.tax;
    }
}

/// The outcome: either every line settled or listed as 未承認 (`errors` empty), or the errors
/// and nothing computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub company: Company,
    pub tax_year: TaxYear,
    /// In the order given; empty when `errors` is not.
    pub lines: Vec<SettlementLine>,
    pub totals: SettlementTotals,
    pub errors: Vec<SettlementRowError>,
}

/// Checks the actor may settle the company's year: ExportPayroll over the whole company, as for
/// the payroll export. Returns the company.
pub async fn start_settlement(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
) -> Result<Company, AppError> {
    start_payroll_export(context, actor, company_id).await
}

/// Settles each line against the employee's approved declaration of `tax_year`: the request is
/// the declaration's ([`tax_request`]) with the salary (plus the 前職分), the tax withheld (added
/// to the 前職分's) and the unwithheld part from the totals, and the social insurance and mutual
/// aid withheld from salary added to the declared ones. An employee number unknown in the company, or a declaration the engine
/// refuses, is a row error; with any row error nothing is computed.
pub async fn settle(
    context: &AppContext,
    actor: &CurrentUser,
    company_id: CompanyId,
    tax_year: TaxYear,
    lines: Vec<TotalsLine>,
) -> Result<Settlement, AppError> {
    let company = start_settlement(context, actor, company_id).await?;
    let tenant = actor.tenant.id;
    let mut settled = Vec::with_capacity(lines.len());
    let mut errors = Vec::new();
    for totals in lines {
        let error = |message: String| SettlementRowError {
            row: totals.row,
            employee_number: totals.employee_number.as_str().to_owned(),
            message,
        };
        let Some(employee) = context
            .store
            .find_employee_by_number(tenant, company_id, &totals.employee_number)
            .await?
        else {
            errors.push(error(format!(
                "社員番号「{}」の従業員は{}にいません",
                totals.employee_number,
                company.name.as_str()
            )));
            continue;
        };
        let filing = context
            .store
            .find_filing_of(tenant, employee.id, tax_year)
            .await?;
        let exclusion = filing
            .as_ref()
            .filter(|filing| filing.status == FilingStatus::Excluded)
            .map(|filing| filing.last_comment.clone().unwrap_or_default());
        let approved = filing.filter(|filing| filing.status == FilingStatus::Approved);
        let previous = approved
            .as_ref()
            .map_or_else(PreviousEmploymentTotals::default, |filing| {
                filing.document.previous_employment_totals()
            });
        let slip_employee = SlipEmployee {
            salary_paid: totals.salary_total,
            tax_withheld: totals.tax_withheld,
            birth_date: employee.birth_date,
            hired_on: employee.hire_date,
            left_on: employee.leave_date,
            tax_deferred: totals.tax_deferred,
        };
        let mut slip = None;
        let mut set_aside = None;
        let outcome = match approved {
            None => match exclusion {
                None => SettlementOutcome::NotApproved,
                // Set aside: not adjusted, but paid — the slip states what was paid and
                // withheld (none for a 非居住者).
                Some(reason) => {
                    let why = ExclusionReason::of_description(&reason);
                    if totals.tax_deferred > Yen::ZERO
                        && why != Some(ExclusionReason::DisasterRelief)
                    {
                        errors.push(error(DEFERRED_ONLY_FOR_DISASTER.to_owned()));
                        continue;
                    }
                    slip = unadjusted_slip(tax_year, &slip_employee, why).map(Box::new);
                    set_aside = Some(why.unwrap_or(ExclusionReason::Other));
                    SettlementOutcome::Excluded { reason }
                }
            },
            Some(_) if totals.tax_deferred > Yen::ZERO => {
                errors.push(error(DEFERRED_ONLY_FOR_DISASTER.to_owned()));
                continue;
            }
            Some(filing) => {
                // The declaration's request carries the 前職分's social insurance and tax
                // withheld; its salary is the estimate, replaced by this employer's total
                // plus the 前職分.
                let mut request = tax_request(&filing.document);
                request.salary_total = totals.salary_total + previous.salary;
                request.tax_withheld += totals.tax_withheld;
                request.last_salary_tax_unwithheld = totals.last_salary_tax_unwithheld;
                request.social_insurance += totals.social_insurance;
                request.small_business_mutual_aid += totals.small_business_mutual_aid;
                let computed = compute_year_end_adjustment(tax_year, &request).and_then(|result| {
                    let written =
                        withholding_slip(tax_year, &filing.document, &result, &slip_employee)?;
                    Ok((result, written))
                });
                match computed {
                    Ok((result, written)) => {
                        slip = Some(Box::new(written));
                        SettlementOutcome::Computed(Box::new(result))
                    }
                    Err(TaxError::UnsupportedYear(year)) => {
                        return Err(AppError::Invalid {
                            field: "tax_year",
                            message: format!("{year}年分の年末調整の計算には対応していません"),
                        });
                    }
                    Err(refused) => {
                        errors.push(error(format!(
                            "計算できません。給与の合計額または承認済みの申告書の内容を確認してください（{refused}）"
                        )));
                        continue;
                    }
                }
            }
        };
        let officer = employee.employment_type == EmploymentType::Officer;
        let submission = slip
            .as_deref()
            .and_then(|slip| SubmissionRule::for_slip(slip, officer, set_aside));
        settled.push(SettlementLine {
            totals,
            employee,
            previous,
            outcome,
            slip,
            submission,
        });
    }
    if !errors.is_empty() {
        settled.clear();
    }
    let totals = sum(&settled);
    Ok(Settlement {
        company,
        tax_year,
        lines: settled,
        totals,
        errors,
    })
}

fn sum(lines: &[SettlementLine]) -> SettlementTotals {
    let mut totals = SettlementTotals::default();
    for line in lines {
        if let Some(slip) = &line.slip {
            totals.slips.add(slip);
            match line.filed_with_tax_office() {
                Some(true) => totals.filed.add(slip),
                Some(false) => {}
                None => totals.filing_undecided += 1,
            }
            if slip.secondary_column {
                totals.secondary_column.add(slip);
            }
            if slip.disaster {
                totals.disaster.add(slip);
                totals.disaster_tax_deferred += line.totals.tax_deferred;
            }
        }
        let Some(result) = line.result() else {
            match line.outcome {
                SettlementOutcome::Excluded { .. } => totals.excluded += 1,
                _ => totals.not_approved += 1,
            }
            continue;
        };
        totals.computed += 1;
        if !result.eligible {
            totals.ineligible += 1;
            continue;
        }
        totals.annual_tax += result.annual_tax;
        totals.tax_withheld += line.totals.tax_withheld;
        totals.previous_tax_withheld += line.previous.tax_withheld;
        totals.applied_to_last_salary_tax += result.applied_to_last_salary_tax;
        totals.refund += result.refund;
        totals.additional_collection += result.additional_collection;
    }
    totals
}
