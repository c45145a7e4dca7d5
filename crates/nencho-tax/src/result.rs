//! The output of a year-end adjustment, mapping one-to-one onto the response of the public
//! calculator contract (calculator-api.md).

use nencho_kernel::{TaxYear, Yen};

/// The result of one employee's year-end adjustment (源泉徴収簿 ⑦〜㉗).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearEndAdjustmentResult {
    pub tax_year: TaxYear,
    /// `false` when the employee is outside 年末調整; then `reason` says why and every amount is 0.
    pub eligible: bool,
    pub reason: Option<IneligibilityReason>,
    /// 給与所得控除後の給与等の金額 (⑨).
    pub employment_income: Yen,
    /// 所得金額調整控除 (⑩).
    pub income_adjustment_deduction: Yen,
    pub deductions: Deductions,
    /// The sum of `deductions` (㉑).
    pub total_deductions: Yen,
    /// 課税給与所得金額, 1,000円未満切捨て (㉒).
    pub taxable_income: Yen,
    /// 算出所得税額 (㉓).
    pub computed_tax: Yen,
    /// The part of the 住宅借入金等特別控除 that the computed tax could absorb (㉔).
    pub housing_loan_credit_applied: Yen,
    /// 年調所得税額 (㉕).
    pub annual_income_tax: Yen,
    /// 年調年税額: × 102.1%, 100円未満切捨て (㉖).
    pub annual_tax: Yen,
    /// `annual_tax − tax_withheld`: negative when too much was withheld (㉗).
    pub difference: Yen,
    /// Of the over-withheld amount, the part set against the last salary's tax that was
    /// computed but not yet withheld.
    pub applied_to_last_salary_tax: Yen,
    /// Paid back to the employee.
    pub refund: Yen,
    /// To be collected from the employee.
    pub additional_collection: Yen,
}

/// The deductions from income (所得控除), grouped as in the contract.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deductions {
    /// 社会保険料控除.
    pub social_insurance: Yen,
    /// 小規模企業共済等掛金控除.
    pub small_business_mutual_aid: Yen,
    /// 生命保険料控除.
    pub life_insurance: Yen,
    /// 地震保険料控除.
    pub earthquake_insurance: Yen,
    /// 配偶者控除 or 配偶者特別控除.
    pub spouse: Yen,
    /// 特定親族特別控除.
    pub specific_relative: Yen,
    /// 扶養控除 + 障害者控除 + 寡婦控除 + ひとり親控除 + 勤労学生控除.
    pub dependents_and_others: Yen,
    /// 基礎控除.
    pub basic: Yen,
}

impl Deductions {
    pub fn total(&self) -> Yen {
        self.social_insurance
            + self.small_business_mutual_aid
            + self.life_insurance
            + self.earthquake_insurance
            + self.spouse
            + self.specific_relative
            + self.dependents_and_others
            + self.basic
    }
}

/// Why an employee is outside 年末調整.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IneligibilityReason {
    /// 給与等の金額 above 2,000万 (所得税法190条): the employee files a 確定申告.
    SalaryAbove20Million,
}
