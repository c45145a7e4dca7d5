//! The input of a year-end adjustment. Each type maps one-to-one onto the request of the public
//! calculator contract (calculator-api.md): same field names, same meaning, integer yen.

use nencho_kernel::{Date, Yen};

/// Everything the engine needs about one employee for one tax year (the request body of
/// `POST /api/v1/tax/{year}/year-end-adjustment`). Optional contract fields default to zero,
/// `false`, empty or `None` here too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearEndAdjustmentRequest {
    /// 給与等の総額: this employer's salaries and bonuses of the year, excluding non-taxable
    /// allowances.
    pub salary_total: Yen,
    /// 徴収税額の合計, including the last salary's tax if it was computed.
    pub tax_withheld: Yen,
    /// The part of `tax_withheld` not yet withheld (12月分の税額を計算して含めた場合).
    pub last_salary_tax_unwithheld: Yen,
    /// 社会保険料等 (withheld and declared), full amount.
    pub social_insurance: Yen,
    /// 小規模企業共済等掛金 (iDeCo, 小規模企業共済, …), full amount.
    pub small_business_mutual_aid: Yen,
    /// 給与以外の合計所得金額の見積額; used only for the income tests of the deductions.
    pub other_income: Yen,
    pub life_insurance: LifeInsurancePremiums,
    pub earthquake_insurance: EarthquakeInsurancePremiums,
    pub taxpayer: Taxpayer,
    /// 同一生計配偶者 or the spouse for 配偶者特別控除; `None` when there is none.
    pub spouse: Option<Spouse>,
    /// Every relative in the same livelihood (生計を一にする親族) except the spouse.
    pub relatives: Vec<Relative>,
    /// 住宅借入金等特別控除額 as written on the employee's declaration (申告書).
    pub housing_loan_credit: Yen,
}

/// Life insurance premiums paid in the year, by category and contract age.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LifeInsurancePremiums {
    /// 新生命保険料 (一般, contracts from 2012).
    pub new_general: Yen,
    /// 旧生命保険料 (一般, contracts up to 2011).
    pub old_general: Yen,
    /// 介護医療保険料.
    pub care_medical: Yen,
    /// 新個人年金保険料.
    pub new_pension: Yen,
    /// 旧個人年金保険料.
    pub old_pension: Yen,
}

/// Earthquake insurance premiums paid in the year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EarthquakeInsurancePremiums {
    /// 地震保険料.
    pub earthquake: Yen,
    /// 旧長期損害保険料 (long-term contracts made up to 2006).
    pub old_long_term: Yen,
}

/// 障害者 status of a person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Disability {
    #[default]
    None,
    /// 障害者 (一般).
    General,
    /// 特別障害者.
    Special,
}

/// The employee's own circumstances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Taxpayer {
    pub disability: Disability,
    /// Declares 寡婦.
    pub widow: bool,
    /// Declares ひとり親.
    pub single_parent: bool,
    /// Declares 勤労学生.
    pub working_student: bool,
    /// 給与所得等以外の所得 (for the 勤労学生 test, at most 10万).
    pub non_employment_income_for_student: Yen,
}

/// The spouse (配偶者).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spouse {
    pub birth_date: Date,
    /// 配偶者の合計所得金額 (見積額).
    pub total_income: Yen,
    pub disability: Disability,
    /// Lives with the employee (for 同居特別障害者).
    pub lives_together: bool,
}

impl Spouse {
    /// A spouse with no disability who does not live with the employee; set the other fields
    /// as needed.
    pub fn new(birth_date: Date, total_income: Yen) -> Self {
        Self {
            birth_date,
            total_income,
            disability: Disability::None,
            lives_together: false,
        }
    }
}

/// A relative in the same livelihood other than the spouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relative {
    pub birth_date: Date,
    /// 合計所得金額 (見積額).
    pub total_income: Yen,
    /// 直系尊属 (parent, grandparent, …), for 同居老親等.
    pub lineal_ascendant: bool,
    /// 同居, for 同居老親等 and 同居特別障害者.
    pub lives_together: bool,
    pub disability: Disability,
    /// 他の所得者が控除を受ける: another earner takes this relative's deductions. The relative
    /// still counts for 所得金額調整控除.
    pub claimed_by_other_earner: bool,
}

impl Relative {
    /// A relative with the other fields `false` / no disability; set them as needed.
    pub fn new(birth_date: Date, total_income: Yen) -> Self {
        Self {
            birth_date,
            total_income,
            lineal_ascendant: false,
            lives_together: false,
            disability: Disability::None,
            claimed_by_other_earner: false,
        }
    }
}
