//! The declaration document, version [`SCHEMA_VERSION`]: what the employee declares on the five
//! forms, written once and shared by them (a spouse appears on the 扶養控除等申告書 and the
//! 配偶者控除等申告書 alike). Amounts are premiums and incomes, never deductions: those are
//! computed ([`crate::compute`]).

use nencho_kernel::{Date, Yen};
use serde::{Deserialize, Serialize};

/// The document's schema version, stored with it so a later version can read older ones.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything one employee declares for one tax year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    pub schema_version: u32,
    /// The guided flow's answers; they decide which sections apply.
    #[serde(default)]
    pub answers: Answers,
    #[serde(default)]
    pub taxpayer: TaxpayerSection,
    #[serde(default)]
    pub spouse: Option<SpouseEntry>,
    #[serde(default)]
    pub relatives: Vec<RelativeEntry>,
    #[serde(default)]
    pub life_policies: Vec<LifePolicy>,
    #[serde(default)]
    pub earthquake_policies: Vec<EarthquakePolicy>,
    /// 社会保険料 the employee paid themselves (国民年金, 国民健康保険, …), not withheld ones.
    #[serde(default)]
    pub social_insurance: Vec<SocialInsurancePayment>,
    #[serde(default)]
    pub mutual_aid: Vec<MutualAidPayment>,
    #[serde(default)]
    pub housing_loan: Option<HousingLoan>,
    /// 前職分: salaries of the year from employers the employee left before joining (中途入社),
    /// as their 源泉徴収票 state them; the year-end adjustment includes them. Added within
    /// schema version 1: a stored document without it has none.
    #[serde(default)]
    pub previous_employments: Vec<PreviousEmployment>,
    /// 翌年分の扶養控除等(異動)申告書: the family expected for next year, for next year's
    /// monthly withholding. Added within schema version 1: a stored document without it reads
    /// as unanswered.
    #[serde(default)]
    pub next_year: NextYearSection,
    /// Set when the document was started from last year's approved one: the employee must
    /// confirm it (a carried-over document cannot be submitted untouched without confirming).
    #[serde(default)]
    pub carried_over_unconfirmed: bool,
}

impl Default for Declaration {
    fn default() -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            answers: Answers::default(),
            taxpayer: TaxpayerSection::default(),
            spouse: None,
            relatives: Vec::new(),
            life_policies: Vec::new(),
            earthquake_policies: Vec::new(),
            social_insurance: Vec::new(),
            mutual_aid: Vec::new(),
            housing_loan: None,
            previous_employments: Vec::new(),
            next_year: NextYearSection::default(),
            carried_over_unconfirmed: false,
        }
    }
}

impl Declaration {
    /// Next year's starting point (繰越): family, policies and circumstances carried over,
    /// amounts of the year (premiums paid, incomes) kept as last year's figures for the employee
    /// to confirm or change, and the document marked as unconfirmed. The next-year section is
    /// copied as it was (the employee confirms it with the rest). 前職分 belongs to its year
    /// alone: it is dropped and its question asked again.
    pub fn carry_over(&self) -> Declaration {
        let mut next = Declaration {
            carried_over_unconfirmed: true,
            previous_employments: Vec::new(),
            ..self.clone()
        };
        next.answers.had_previous_employer = None;
        next
    }

    /// The sums of the 前職分 (every previous employer of the year).
    pub fn previous_employment_totals(&self) -> PreviousEmploymentTotals {
        self.previous_employments
            .iter()
            .fold(PreviousEmploymentTotals::default(), |sums, job| {
                PreviousEmploymentTotals {
                    salary: sums.salary + job.salary,
                    social_insurance: sums.social_insurance + job.social_insurance,
                    tax_withheld: sums.tax_withheld + job.tax_withheld,
                }
            })
    }
}

/// 前職分: one earlier employer of the year, from its 給与所得の源泉徴収票 (the employee hands in
/// the slip; the year-end adjustment adds its amounts, 所得税法190条 and 所得税基本通達190-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousEmployment {
    /// 支払者の氏名又は名称.
    pub payer_name: String,
    /// 支払者の住所(居所)又は所在地.
    #[serde(default)]
    pub payer_address: String,
    /// 退職年月日.
    pub left_on: Date,
    /// 支払金額.
    pub salary: Yen,
    /// 社会保険料等の金額.
    #[serde(default)]
    pub social_insurance: Yen,
    /// 源泉徴収税額.
    #[serde(default)]
    pub tax_withheld: Yen,
}

/// The 前職分 summed over a declaration's previous employers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PreviousEmploymentTotals {
    pub salary: Yen,
    pub social_insurance: Yen,
    pub tax_withheld: Yen,
}

impl Declaration {
    /// The family declared for next year: this year's spouse and relatives when the employee
    /// answered that it stays the same (or has not answered yet), otherwise the next-year
    /// section's own entries.
    pub fn next_year_family(&self) -> (Option<&SpouseEntry>, &[RelativeEntry]) {
        if self.next_year.same_as_this_year == Some(false) {
            (self.next_year.spouse.as_ref(), &self.next_year.relatives)
        } else {
            (self.spouse.as_ref(), &self.relatives)
        }
    }
}

/// 翌年分の扶養控除等(異動)申告書: whether next year's family is this year's, and otherwise
/// next year's spouse and relatives with next year's estimated incomes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextYearSection {
    /// 「来年も扶養する家族は今年と同じですか?」; `None` = not answered yet.
    #[serde(default)]
    pub same_as_this_year: Option<bool>,
    /// Next year's spouse, when the family differs (`None` = no spouse next year).
    #[serde(default)]
    pub spouse: Option<SpouseEntry>,
    /// Next year's relatives, when the family differs.
    #[serde(default)]
    pub relatives: Vec<RelativeEntry>,
}

/// The guided questions (「配偶者はいますか?」…). `None` = not answered yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    pub has_spouse: Option<bool>,
    pub has_dependents: Option<bool>,
    pub paid_life_insurance: Option<bool>,
    pub paid_earthquake_insurance: Option<bool>,
    pub paid_social_insurance: Option<bool>,
    pub paid_mutual_aid: Option<bool>,
    pub has_housing_loan: Option<bool>,
    /// 「今年、入社前に他の勤務先から給与を受け取りましたか?」(中途入社). Added within schema
    /// version 1 and not required: unanswered counts as no.
    #[serde(default)]
    pub had_previous_employer: Option<bool>,
}

impl Answers {
    /// Every question answered.
    pub fn complete(&self) -> bool {
        [
            self.has_spouse,
            self.has_dependents,
            self.paid_life_insurance,
            self.paid_earthquake_insurance,
            self.paid_social_insurance,
            self.paid_mutual_aid,
            self.has_housing_loan,
        ]
        .iter()
        .all(Option::is_some)
    }
}

/// 障害者の区分.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisabilityKind {
    #[default]
    None,
    /// 一般の障害者.
    General,
    /// 特別障害者.
    Special,
}

impl DisabilityKind {
    pub const fn japanese_name(self) -> &'static str {
        match self {
            DisabilityKind::None => "該当なし",
            DisabilityKind::General => "一般の障害者",
            DisabilityKind::Special => "特別障害者",
        }
    }
}

/// The employee's own part of the 扶養控除等申告書 and the 基礎控除申告書.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxpayerSection {
    /// 給与所得の収入金額 (見積額) for the year, from this and other employers: the basis of the
    /// 基礎控除 and 配偶者控除 income tests.
    #[serde(default)]
    pub estimated_salary: Yen,
    /// 給与所得以外の所得の合計額 (見積額).
    #[serde(default)]
    pub other_income: Yen,
    #[serde(default)]
    pub disability: DisabilityKind,
    #[serde(default)]
    pub widow: bool,
    #[serde(default)]
    pub single_parent: bool,
    #[serde(default)]
    pub working_student: bool,
    /// 勤労学生: the school's name, for the form.
    #[serde(default)]
    pub school: String,
}

/// A person's name as the forms print it: 氏名 and フリガナ.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonName {
    pub name: String,
    #[serde(default)]
    pub kana: String,
}

/// 源泉控除対象配偶者 / 同一生計配偶者 / the spouse of the 配偶者特別控除.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpouseEntry {
    pub name: PersonName,
    pub birth_date: Date,
    /// 配偶者の合計所得金額 (見積額).
    #[serde(default)]
    pub estimated_income: Yen,
    #[serde(default)]
    pub disability: DisabilityKind,
    #[serde(default)]
    pub lives_together: bool,
    /// 非居住者である親族.
    #[serde(default)]
    pub non_resident: bool,
}

/// A relative in the same livelihood (控除対象扶養親族, 年少扶養親族, 特定親族, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelativeEntry {
    pub name: PersonName,
    /// 続柄 as the employee writes it (長男, 母, …).
    pub relationship: String,
    pub birth_date: Date,
    /// 合計所得金額 (見積額).
    #[serde(default)]
    pub estimated_income: Yen,
    #[serde(default)]
    pub lives_together: bool,
    /// 直系尊属 (parents, grandparents), for 同居老親等.
    #[serde(default)]
    pub lineal_ascendant: bool,
    #[serde(default)]
    pub disability: DisabilityKind,
    /// 他の所得者が控除を受ける.
    #[serde(default)]
    pub claimed_by_other_earner: bool,
    #[serde(default)]
    pub non_resident: bool,
}

/// 生命保険料の区分.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifePolicyKind {
    /// 一般の生命保険料.
    General,
    /// 介護医療保険料 (new contracts only).
    CareMedical,
    /// 個人年金保険料.
    Pension,
}

impl LifePolicyKind {
    pub const fn japanese_name(self) -> &'static str {
        match self {
            LifePolicyKind::General => "一般の生命保険料",
            LifePolicyKind::CareMedical => "介護医療保険料",
            LifePolicyKind::Pension => "個人年金保険料",
        }
    }
}

/// 新・旧の区分: contracts from 1 January 2012 are new (新契約).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifeContractAge {
    New,
    Old,
}

impl LifeContractAge {
    pub const fn japanese_name(self) -> &'static str {
        match self {
            LifeContractAge::New => "新",
            LifeContractAge::Old => "旧",
        }
    }
}

/// One life-insurance policy as the 保険料控除申告書 lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifePolicy {
    /// 保険会社等の名称.
    pub insurer: String,
    /// 保険等の種類 (終身, 養老, 医療, …).
    #[serde(default)]
    pub policy_type: String,
    pub kind: LifePolicyKind,
    pub contract: LifeContractAge,
    /// 保険期間 or 年金支払期間, as written (e.g. 終身, 20年).
    #[serde(default)]
    pub period: String,
    /// 保険金等の受取人 (氏名).
    #[serde(default)]
    pub beneficiary: String,
    /// あなたが本年中に支払った保険料等の金額 (剰余金・割戻金を差し引いた額).
    pub premium: Yen,
}

/// 地震保険料 or 旧長期損害保険料.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EarthquakePolicyKind {
    Earthquake,
    OldLongTerm,
}

impl EarthquakePolicyKind {
    pub const fn japanese_name(self) -> &'static str {
        match self {
            EarthquakePolicyKind::Earthquake => "地震保険料",
            EarthquakePolicyKind::OldLongTerm => "旧長期損害保険料",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EarthquakePolicy {
    pub insurer: String,
    pub kind: EarthquakePolicyKind,
    /// 保険等の対象 (居住用家屋, 生活用動産).
    #[serde(default)]
    pub insured_object: String,
    #[serde(default)]
    pub period: String,
    pub premium: Yen,
}

/// 社会保険料 the employee paid (国民年金保険料, 国民健康保険料, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocialInsurancePayment {
    /// 社会保険の種類.
    pub kind: String,
    /// 保険料支払先の名称.
    #[serde(default)]
    pub payee: String,
    /// 保険料を負担することになっている人 (本人, 妻, …).
    #[serde(default)]
    pub borne_by: String,
    pub amount: Yen,
}

/// 小規模企業共済等掛金の種類.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutualAidKind {
    /// 独立行政法人中小企業基盤整備機構の共済契約の掛金.
    SmallBusiness,
    /// 確定拠出年金法の企業型年金加入者掛金.
    CorporateDc,
    /// 確定拠出年金法の個人型年金加入者掛金 (iDeCo).
    Ideco,
    /// 心身障害者扶養共済制度の掛金.
    DisabilityMutualAid,
}

impl MutualAidKind {
    pub const fn japanese_name(self) -> &'static str {
        match self {
            MutualAidKind::SmallBusiness => "小規模企業共済掛金",
            MutualAidKind::CorporateDc => "企業型年金加入者掛金",
            MutualAidKind::Ideco => "個人型年金加入者掛金 (iDeCo)",
            MutualAidKind::DisabilityMutualAid => "心身障害者扶養共済掛金",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MutualAidPayment {
    pub kind: MutualAidKind,
    pub amount: Yen,
}

/// The 住宅借入金等特別控除申告書's values from the tax office's certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HousingLoan {
    /// 居住開始年月日.
    pub residence_start: Date,
    /// 年末残高等: the loan balance at the year end (or the acquisition cost when smaller).
    pub year_end_balance: Yen,
    /// 控除限度額 as printed on the certificate.
    pub credit_limit: Yen,
}
