//! The JSON shapes of the calculator contract (calculator-api.md), as poem-openapi objects. The
//! doc comment of each field becomes its description in the OpenAPI document, which is therefore
//! the field reference: every field names its Japanese term.
//!
//! Optional request fields default to 0, `false`, empty or null (`#[oai(default)]` / `Option`);
//! an unknown field is refused (`deny_unknown_fields`).

use std::borrow::Cow;

use nencho_kernel::Date;
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use poem_openapi::{Enum, Object};
use serde_json::Value;

/// 年末調整の計算の入力: one employee's figures for one tax year. All amounts are integer yen;
/// fields not given default to 0, `false`, empty or null.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
#[oai(rename = "YearEndAdjustmentRequest", deny_unknown_fields)]
pub struct YearEndAdjustmentRequest {
    /// 給与等の総額 (this employer's salaries and bonuses of the year, excluding non-taxable
    /// allowances), yen.
    pub salary_total: i64,
    /// 徴収税額の合計 (the income tax withheld in the year, including the last salary's tax if it
    /// was computed), yen.
    pub tax_withheld: i64,
    /// 12月分の税額のうち未徴収の額: the part of `tax_withheld` not yet withheld (when the last
    /// salary's tax was computed and included), yen. Default 0.
    #[oai(default)]
    pub last_salary_tax_unwithheld: i64,
    /// 社会保険料等 (withheld from salary and declared), full amount, yen. Default 0.
    #[oai(default)]
    pub social_insurance: i64,
    /// 小規模企業共済等掛金 (iDeCo, 小規模企業共済, …), full amount, yen. Default 0.
    #[oai(default)]
    pub small_business_mutual_aid: i64,
    /// 給与以外の合計所得金額の見積額 (estimated income other than this salary; used only for the
    /// income tests of the deductions), yen. Default 0.
    #[oai(default)]
    pub other_income: i64,
    /// 生命保険料: premiums paid in the year, by category. Default: all 0.
    #[oai(default)]
    pub life_insurance: LifeInsurancePremiums,
    /// 地震保険料: premiums paid in the year. Default: all 0.
    #[oai(default)]
    pub earthquake_insurance: EarthquakeInsurancePremiums,
    /// 本人: the employee's own circumstances. Default: no disability, nothing declared.
    #[oai(default)]
    pub taxpayer: Taxpayer,
    /// 配偶者 (同一生計配偶者, or the spouse for 配偶者特別控除). Omit (or null) when there is none.
    pub spouse: Option<Spouse>,
    /// 生計を一にする親族: every relative in the same livelihood except the spouse. The engine
    /// classifies each one itself (年少・一般・特定扶養・老人・同居老親等・特定親族) from the birth
    /// date, the tax year and the income. Default: none.
    #[oai(default)]
    pub relatives: Vec<Relative>,
    /// 住宅借入金等特別控除額 as written on the 住宅借入金等特別控除申告書, yen. Default 0.
    #[oai(default)]
    pub housing_loan_credit: i64,
}

/// 生命保険料: premiums paid in the year, by category and contract age.
#[derive(Debug, Clone, Default, PartialEq, Eq, Object)]
#[oai(rename = "LifeInsurancePremiums", deny_unknown_fields)]
pub struct LifeInsurancePremiums {
    /// 新生命保険料 (一般, contracts from 2012), yen. Default 0.
    #[oai(default)]
    pub new_general: i64,
    /// 旧生命保険料 (一般, contracts up to 2011), yen. Default 0.
    #[oai(default)]
    pub old_general: i64,
    /// 介護医療保険料, yen. Default 0.
    #[oai(default)]
    pub care_medical: i64,
    /// 新個人年金保険料, yen. Default 0.
    #[oai(default)]
    pub new_pension: i64,
    /// 旧個人年金保険料, yen. Default 0.
    #[oai(default)]
    pub old_pension: i64,
}

/// 地震保険料: premiums paid in the year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Object)]
#[oai(rename = "EarthquakeInsurancePremiums", deny_unknown_fields)]
pub struct EarthquakeInsurancePremiums {
    /// 地震保険料, yen. Default 0.
    #[oai(default)]
    pub earthquake: i64,
    /// 旧長期損害保険料 (long-term contracts made up to 2006), yen. Default 0.
    #[oai(default)]
    pub old_long_term: i64,
}

/// 障害者の区分: `none`, `general` (障害者) or `special` (特別障害者).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Enum)]
#[oai(rename = "Disability", rename_all = "lowercase")]
pub enum Disability {
    /// 該当しない.
    #[default]
    None,
    /// 障害者 (一般の障害者).
    General,
    /// 特別障害者.
    Special,
}

/// 本人: the employee's own circumstances.
#[derive(Debug, Clone, Default, PartialEq, Eq, Object)]
#[oai(rename = "Taxpayer", deny_unknown_fields)]
pub struct Taxpayer {
    /// 本人の障害者区分 (`none`, `general` = 障害者, `special` = 特別障害者). Default `none`.
    #[oai(default)]
    pub disability: Disability,
    /// 寡婦: the employee declares 寡婦. Default `false`.
    #[oai(default)]
    pub widow: bool,
    /// ひとり親: the employee declares ひとり親. Default `false`.
    #[oai(default)]
    pub single_parent: bool,
    /// 勤労学生: the employee declares 勤労学生. Default `false`.
    #[oai(default)]
    pub working_student: bool,
    /// 給与所得等以外の所得の金額 (for the 勤労学生 test), yen. Default 0.
    #[oai(default)]
    pub non_employment_income_for_student: i64,
}

/// 配偶者: the spouse.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
#[oai(rename = "Spouse", deny_unknown_fields)]
pub struct Spouse {
    /// 生年月日 (YYYY-MM-DD).
    pub birth_date: IsoDate,
    /// 配偶者の合計所得金額 (見積額), yen.
    pub total_income: i64,
    /// 配偶者の障害者区分 (`none`, `general` = 障害者, `special` = 特別障害者). Default `none`.
    #[oai(default)]
    pub disability: Disability,
    /// 同居: lives with the employee (for 同居特別障害者). Default `false`.
    #[oai(default)]
    pub lives_together: bool,
}

/// 親族: a relative in the same livelihood (生計を一にする親族) other than the spouse.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
#[oai(rename = "Relative", deny_unknown_fields)]
pub struct Relative {
    /// 生年月日 (YYYY-MM-DD).
    pub birth_date: IsoDate,
    /// 合計所得金額 (見積額), yen.
    pub total_income: i64,
    /// 直系尊属 (parent, grandparent, …), for 同居老親等. Default `false`.
    #[oai(default)]
    pub lineal_ascendant: bool,
    /// 同居, for 同居老親等 and 同居特別障害者. Default `false`.
    #[oai(default)]
    pub lives_together: bool,
    /// 障害者区分 (`none`, `general` = 障害者, `special` = 特別障害者). Default `none`.
    #[oai(default)]
    pub disability: Disability,
    /// 他の所得者が控除を受ける: another earner takes this relative's deductions (the relative
    /// still counts for 所得金額調整控除). Default `false`.
    #[oai(default)]
    pub claimed_by_other_earner: bool,
}

/// 年末調整の計算結果 (源泉徴収簿 ⑦〜㉗). All amounts are integer yen.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
#[oai(rename = "YearEndAdjustmentResponse")]
pub struct YearEndAdjustmentResponse {
    /// 年分: the calendar tax year (2026 = 令和8年分).
    pub tax_year: i32,
    /// 年末調整の対象: `false` when the employee is outside 年末調整 (then `reason` says why and
    /// every amount is 0).
    pub eligible: bool,
    /// 対象外の理由: present only when `eligible` is `false`.
    #[oai(skip_serializing_if_is_none)]
    pub reason: Option<IneligibilityReason>,
    /// 給与所得控除後の給与等の金額 (⑨).
    pub employment_income: i64,
    /// 所得金額調整控除 (⑩).
    pub income_adjustment_deduction: i64,
    /// 所得控除: the deductions from income, by kind.
    pub deductions: Deductions,
    /// 所得控除の額の合計額 (㉑).
    pub total_deductions: i64,
    /// 課税給与所得金額 (㉒, 1,000円未満切捨て).
    pub taxable_income: i64,
    /// 算出所得税額 (㉓).
    pub computed_tax: i64,
    /// (特定増改築等)住宅借入金等特別控除額: the part of the credit the computed tax could absorb
    /// (㉔).
    pub housing_loan_credit_applied: i64,
    /// 年調所得税額 (㉕).
    pub annual_income_tax: i64,
    /// 年調年税額 (㉖, 年調所得税額 × 102.1%, 100円未満切捨て).
    pub annual_tax: i64,
    /// 差引超過額又は不足額 (㉗): `annual_tax − tax_withheld`; negative when too much was withheld.
    pub difference: i64,
    /// 未払給与に係る未徴収の税額に充当する金額: the over-withheld amount set against the last
    /// salary's tax that was computed but not yet withheld.
    pub applied_to_last_salary_tax: i64,
    /// 還付する金額: paid back to the employee.
    pub refund: i64,
    /// 不足額 (徴収する金額): to be collected from the employee.
    pub additional_collection: i64,
}

/// 所得控除 (源泉徴収簿 ⑫〜⑳), grouped as in the contract.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
#[oai(rename = "Deductions")]
pub struct Deductions {
    /// 社会保険料控除.
    pub social_insurance: i64,
    /// 小規模企業共済等掛金控除.
    pub small_business_mutual_aid: i64,
    /// 生命保険料控除.
    pub life_insurance: i64,
    /// 地震保険料控除.
    pub earthquake_insurance: i64,
    /// 配偶者控除 or 配偶者特別控除.
    pub spouse: i64,
    /// 特定親族特別控除.
    pub specific_relative: i64,
    /// 扶養控除 + 障害者控除 + 寡婦控除 + ひとり親控除 + 勤労学生控除.
    pub dependents_and_others: i64,
    /// 基礎控除.
    pub basic: i64,
}

/// 年末調整の対象外の理由.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "IneligibilityReason")]
pub enum IneligibilityReason {
    /// 給与等の金額が2,000万円を超える (所得税法190条): the employee files a 確定申告 instead.
    #[oai(rename = "salary_above_20_million")]
    SalaryAbove20Million,
}

/// An error: `error` is the message (English, with the Japanese term of the field), `field` the
/// offending field's path in the request (e.g. `relatives[2].birth_date`, `year`, `body`), or
/// null when no field is at fault.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
#[oai(rename = "CalculatorError")]
pub struct ErrorBody {
    /// エラーの内容: what is wrong, naming the field.
    pub error: String,
    /// 項目: the path of the offending field, or null.
    pub field: Option<String>,
}

/// A calendar date as ISO 8601 `YYYY-MM-DD`, published in the OpenAPI document with the
/// standard format `date` (poem-openapi's own `Date` says `naive-date`). Parsing and rendering
/// are poem-openapi's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoDate(pub Date);

impl Type for IsoDate {
    const IS_REQUIRED: bool = true;

    type RawValueType = Self;

    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string_date".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", "date")))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromJSON for IsoDate {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        Date::parse_from_json(value)
            .map(IsoDate)
            .map_err(ParseError::propagate)
    }
}

impl ToJSON for IsoDate {
    fn to_json(&self) -> Option<Value> {
        self.0.to_json()
    }
}
