//! 給与所得の源泉徴収票 (所得税法226条①): what one employee's slip states after the year-end
//! adjustment, box by box, from the approved declaration and the settlement's result. Counts and
//! marks follow the NTA's 「給与所得の源泉徴収票の記載のしかた」 (源泉徴収票等の法定調書の作成と
//! 提出の手引): the (源泉)控除対象配偶者 box is 有 only for a 控除対象配偶者 (配偶者控除), the
//! dependants are counted by class, 障害者 and 非居住者 among the spouse and 扶養親族 (本人を
//! 除く), and 前職分, the fifth and later dependants and the 特定親族 go to the 摘要.

use nencho_kernel::{CompanyId, Date, EmployeeId, OffsetDateTime, TaxYear, UserId, Yen};
use nencho_tax::{
    RelativeClass, TaxError, YearEndAdjustmentResult, age_at_year_end, classify_relative,
    is_elderly_spouse, is_same_livelihood_spouse, rules_for,
};
use serde::{Deserialize, Serialize};

use crate::computation::{tax_relative, tax_spouse};
use crate::document::{
    Declaration, DisabilityKind, EarthquakePolicyKind, LifeContractAge, LifePolicyKind, PersonName,
};
use crate::exclusion::ExclusionReason;

/// How many dependants (and children under 16) the slip lists by name; the rest go to the 摘要.
pub const SLIP_NAMED_PERSONS: usize = 4;

/// The employee's side of the slip that the declaration does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipEmployee {
    /// 給与等の総額 paid by this employer (the 前職分 is added from the declaration).
    pub salary_paid: Yen,
    /// 徴収税額 of this employer: the slip's 源泉徴収税額 when the employee is outside 年末調整.
    pub tax_withheld: Yen,
    pub birth_date: Date,
    /// 就職 (joined within the tax year) / 退職 (left within it).
    pub hired_on: Option<Date>,
    pub left_on: Option<Date>,
    /// 徴収猶予税額: the tax not withheld under 災害減免法 (written in the 摘要 of a 災害者).
    pub tax_deferred: Yen,
}

/// A person named on the slip, with the 区分 printed beside the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipPerson {
    pub name: PersonName,
    /// 老人, 特定, 同居老親等 (or none), and whether the person lives abroad (非居住者).
    pub class: Option<String>,
    pub non_resident: bool,
}

/// 中途就・退職.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MidYearChange {
    Joined(Date),
    Left(Date),
}

/// Every value of one 源泉徴収票. Amounts of an employee outside 年末調整 (`adjusted` false) are
/// only the payment and the tax withheld; the rest stay zero and the 摘要 says 年末調整未済.
/// Serialised as it is when a slip is issued to the employee ([`IssuedSlip`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithholdingSlip {
    pub tax_year: TaxYear,
    pub adjusted: bool,
    /// 支払金額: this employer's salary and the 前職分.
    pub payment: Yen,
    /// 給与所得控除後の金額(調整控除後).
    pub employment_income: Yen,
    /// 所得控除の額の合計額.
    pub total_deductions: Yen,
    /// 源泉徴収税額: the 年調年税額 (the tax withheld when not adjusted).
    pub tax: Yen,
    /// (源泉)控除対象配偶者の有無等: 有 (a 控除対象配偶者), and 老人.
    pub has_deductible_spouse: bool,
    pub elderly_spouse: bool,
    /// 配偶者(特別)控除の額.
    pub spouse_deduction: Yen,
    pub specific_dependents: u32,
    /// 老人扶養親族 (同居老親等 included) and, of them, 同居老親等.
    pub elderly_dependents: u32,
    pub elderly_living_together: u32,
    pub other_dependents: u32,
    pub young_dependents: u32,
    /// 特別障害者 (of them 同居) and other 障害者 among the spouse and dependants.
    pub special_disabled: u32,
    pub special_disabled_living_together: u32,
    pub other_disabled: u32,
    pub non_resident_relatives: u32,
    /// 社会保険料等の金額 (小規模企業共済等掛金 included) and, of it, the 掛金.
    pub social_insurance: Yen,
    pub mutual_aid: Yen,
    pub life_insurance_deduction: Yen,
    pub earthquake_insurance_deduction: Yen,
    /// 住宅借入金等特別控除の額 (the part the tax absorbed) and the 控除可能額 (the whole credit).
    pub housing_loan_credit: Yen,
    pub housing_loan_credit_available: Yen,
    pub housing_residence_start: Option<Date>,
    pub housing_year_end_balance: Yen,
    /// 生命保険料の金額の内訳 (premiums paid), when the 生命保険料控除 applies.
    pub new_life_premium: Yen,
    pub old_life_premium: Yen,
    pub care_medical_premium: Yen,
    pub new_pension_premium: Yen,
    pub old_pension_premium: Yen,
    /// The (源泉・特別)控除対象配偶者, when a 配偶者(特別)控除 applies, with the spouse's 合計所得.
    pub spouse: Option<SlipPerson>,
    pub spouse_income: Yen,
    /// 国民年金保険料等の金額 (of the declared 社会保険料).
    pub national_pension: Yen,
    /// 旧長期損害保険料の金額.
    pub old_long_term_premium: Yen,
    pub basic_deduction: Yen,
    pub income_adjustment: Yen,
    pub specific_relative_deduction: Yen,
    /// 控除対象扶養親族 and 16歳未満の扶養親族, the first [`SLIP_NAMED_PERSONS`] each.
    pub dependents: Vec<SlipPerson>,
    pub young: Vec<SlipPerson>,
    /// 未成年者 (under 18 at the year end), 本人が障害者, 寡婦, ひとり親, 勤労学生.
    pub minor: bool,
    pub disability: DisabilityKind,
    pub widow: bool,
    pub single_parent: bool,
    pub working_student: bool,
    /// 乙欄: salary taxed by the 乙欄 (the 扶養控除等申告書 went to another employer); 災害者:
    /// withholding deferred under the 災害減免法. Both only on a slip of an employee staff set
    /// aside as 対象外 for that reason ([`unadjusted_slip`]); absent from slips issued before.
    #[serde(default)]
    pub secondary_column: bool,
    #[serde(default)]
    pub disaster: bool,
    pub mid_year: Option<MidYearChange>,
    pub birth_date: Date,
    /// (摘要), in order.
    pub remarks: Vec<String>,
}

impl WithholdingSlip {
    /// A slip of `tax_year` for someone born on `birth_date` with every box empty: nothing paid,
    /// nobody counted, not adjusted. [`withholding_slip`] fills it in.
    pub fn empty(tax_year: TaxYear, birth_date: Date) -> WithholdingSlip {
        WithholdingSlip {
            tax_year,
            adjusted: false,
            payment: Yen::ZERO,
            employment_income: Yen::ZERO,
            total_deductions: Yen::ZERO,
            tax: Yen::ZERO,
            has_deductible_spouse: false,
            elderly_spouse: false,
            spouse_deduction: Yen::ZERO,
            specific_dependents: 0,
            elderly_dependents: 0,
            elderly_living_together: 0,
            other_dependents: 0,
            young_dependents: 0,
            special_disabled: 0,
            special_disabled_living_together: 0,
            other_disabled: 0,
            non_resident_relatives: 0,
            social_insurance: Yen::ZERO,
            mutual_aid: Yen::ZERO,
            life_insurance_deduction: Yen::ZERO,
            earthquake_insurance_deduction: Yen::ZERO,
            housing_loan_credit: Yen::ZERO,
            housing_loan_credit_available: Yen::ZERO,
            housing_residence_start: None,
            housing_year_end_balance: Yen::ZERO,
            new_life_premium: Yen::ZERO,
            old_life_premium: Yen::ZERO,
            care_medical_premium: Yen::ZERO,
            new_pension_premium: Yen::ZERO,
            old_pension_premium: Yen::ZERO,
            spouse: None,
            spouse_income: Yen::ZERO,
            national_pension: Yen::ZERO,
            old_long_term_premium: Yen::ZERO,
            basic_deduction: Yen::ZERO,
            income_adjustment: Yen::ZERO,
            specific_relative_deduction: Yen::ZERO,
            dependents: Vec::new(),
            young: Vec::new(),
            minor: false,
            disability: DisabilityKind::None,
            widow: false,
            single_parent: false,
            working_student: false,
            secondary_column: false,
            disaster: false,
            mid_year: None,
            birth_date,
            remarks: Vec::new(),
        }
    }
}

/// The recipient's and the payer's particulars as printed, taken when the slip is issued (a
/// later move or a renamed company does not change an issued slip).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipParties {
    /// 受給者番号 (the employee number), 氏名, フリガナ, 住所.
    pub recipient_number: String,
    pub recipient_name: String,
    pub recipient_kana: String,
    pub recipient_address: String,
    /// 支払者: 氏名又は名称, 住所, 電話 (the company's contact).
    pub payer_name: String,
    pub payer_address: String,
    pub payer_phone: String,
}

/// A 源泉徴収票 issued to an employee electronically (電子交付, 所得税法231条②: with the
/// employee's consent): what it states, for whom, by whom and when. Issuing again for the same
/// year replaces it (a corrected slip).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedSlip {
    pub employee_id: EmployeeId,
    pub company_id: CompanyId,
    pub tax_year: TaxYear,
    pub parties: SlipParties,
    pub slip: WithholdingSlip,
    pub issued_at: OffsetDateTime,
    pub issued_by: UserId,
}

/// How an employee's consent to electronic delivery (電子交付) was given. 同施行令356条 allows
/// any means: the employee on the site, or a signed form that staff record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentMethod {
    /// The employee consented on the site (本人がサイトで同意).
    Online,
    /// The employee consented in writing and staff recorded it (書面で同意).
    Paper,
}

impl ConsentMethod {
    pub const ALL: [ConsentMethod; 2] = [ConsentMethod::Online, ConsentMethod::Paper];

    /// The stored and exported code.
    pub const fn code(self) -> &'static str {
        match self {
            ConsentMethod::Online => "online",
            ConsentMethod::Paper => "paper",
        }
    }

    pub fn from_code(code: &str) -> Option<ConsentMethod> {
        ConsentMethod::ALL
            .into_iter()
            .find(|method| method.code() == code)
    }

    /// How the pages and the export say it.
    pub const fn japanese_name(self) -> &'static str {
        match self {
            ConsentMethod::Online => "本人がサイトで同意",
            ConsentMethod::Paper => "書面で同意",
        }
    }
}

/// An employee's consent to receive the 源泉徴収票 electronically (所得税法231条②, 同施行令356条):
/// when it was given, how, and who recorded it (staff recording a paper consent; nobody for the
/// employee's own consent on the site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipConsent {
    /// When the consent was given (a paper consent: its date at 00:00 JST).
    pub at: OffsetDateTime,
    pub method: ConsentMethod,
    pub recorded_by: Option<UserId>,
    pub recorded_by_name: Option<String>,
}

impl SlipConsent {
    /// The employee's own consent on the site at `at`.
    pub fn online(at: OffsetDateTime) -> SlipConsent {
        SlipConsent {
            at,
            method: ConsentMethod::Online,
            recorded_by: None,
            recorded_by_name: None,
        }
    }
}

/// 中途就・退職: a leaving date within the year, else a joining date within it.
fn mid_year_change(tax_year: TaxYear, employee: &SlipEmployee) -> Option<MidYearChange> {
    let in_year = |date: &Date| date.year() == tax_year.year();
    match (
        employee.left_on.filter(in_year),
        employee.hired_on.filter(in_year),
    ) {
        (Some(left), _) => Some(MidYearChange::Left(left)),
        (None, Some(joined)) => Some(MidYearChange::Joined(joined)),
        (None, None) => None,
    }
}

/// The slip of an employee staff set aside as 年末調整の対象外 for `reason`: this employer's
/// payment and the tax it withheld, 年末調整未済 in the 摘要, and the 乙欄 or 災害者 box marked
/// when that is the reason, a 災害者's 徴収猶予税額 in the 摘要 too (NTA 「給与所得の源泉徴収票の
/// 記載のしかた」). `None` for a 非居住者:
/// the 給与所得の源泉徴収票 is for residents (所得税法226条①; a non-resident's pay is reported
/// on the 「非居住者等に支払われる給与、報酬、年金及び賞金の支払調書」 instead). Without a
/// reason (a description that names none) the slip marks nothing more.
pub fn unadjusted_slip(
    tax_year: TaxYear,
    employee: &SlipEmployee,
    reason: Option<ExclusionReason>,
) -> Option<WithholdingSlip> {
    if reason == Some(ExclusionReason::NonResident) {
        return None;
    }
    let disaster = reason == Some(ExclusionReason::DisasterRelief);
    let mut remarks = vec!["年末調整未済".to_owned()];
    if disaster && employee.tax_deferred > Yen::ZERO {
        remarks.push(format!("徴収猶予税額 {}", employee.tax_deferred));
    }
    Some(WithholdingSlip {
        payment: employee.salary_paid,
        tax: employee.tax_withheld,
        minor: age_at_year_end(employee.birth_date, tax_year) < 18,
        secondary_column: reason == Some(ExclusionReason::SecondaryEmployer),
        disaster,
        mid_year: mid_year_change(tax_year, employee),
        remarks,
        ..WithholdingSlip::empty(tax_year, employee.birth_date)
    })
}

/// The slip of an employee whose approved `declaration` was settled into `result` (the
/// settlement's request: this employer's totals plus the declaration's 前職分).
pub fn withholding_slip(
    tax_year: TaxYear,
    declaration: &Declaration,
    result: &YearEndAdjustmentResult,
    employee: &SlipEmployee,
) -> Result<WithholdingSlip, TaxError> {
    let rules = rules_for(tax_year)?;
    let previous = declaration.previous_employment_totals();
    let mid_year = mid_year_change(tax_year, employee);
    let taxpayer = &declaration.taxpayer;
    let mut slip = WithholdingSlip {
        adjusted: result.eligible,
        payment: employee.salary_paid + previous.salary,
        tax: employee.tax_withheld + previous.tax_withheld,
        minor: age_at_year_end(employee.birth_date, tax_year) < 18,
        disability: taxpayer.disability,
        widow: taxpayer.widow,
        single_parent: taxpayer.single_parent,
        working_student: taxpayer.working_student,
        mid_year,
        remarks: previous_employment_remarks(declaration),
        ..WithholdingSlip::empty(tax_year, employee.birth_date)
    };
    if !result.eligible {
        slip.remarks.insert(0, "年末調整未済".to_owned());
        return Ok(slip);
    }
    let deductions = &result.deductions;
    slip.employment_income = result.employment_income - result.income_adjustment_deduction;
    slip.total_deductions = result.total_deductions;
    slip.tax = result.annual_tax;
    slip.spouse_deduction = deductions.spouse;
    slip.social_insurance = deductions.social_insurance + deductions.small_business_mutual_aid;
    slip.mutual_aid = deductions.small_business_mutual_aid;
    slip.life_insurance_deduction = deductions.life_insurance;
    slip.earthquake_insurance_deduction = deductions.earthquake_insurance;
    slip.basic_deduction = deductions.basic;
    slip.income_adjustment = result.income_adjustment_deduction;
    slip.specific_relative_deduction = deductions.specific_relative;
    slip.housing_loan_credit = result.housing_loan_credit_applied;
    if let Some(loan) = &declaration.housing_loan {
        slip.housing_loan_credit_available = nencho_tax::housing_loan_credit(
            loan.year_end_balance,
            loan.residence_start,
            loan.credit_limit,
        );
        slip.housing_residence_start = Some(loan.residence_start);
        slip.housing_year_end_balance = loan.year_end_balance;
    }
    if deductions.life_insurance > Yen::ZERO {
        for policy in &declaration.life_policies {
            let slot = match (policy.kind, policy.contract) {
                (LifePolicyKind::General, LifeContractAge::New) => &mut slip.new_life_premium,
                (LifePolicyKind::General, LifeContractAge::Old) => &mut slip.old_life_premium,
                (LifePolicyKind::CareMedical, _) => &mut slip.care_medical_premium,
                (LifePolicyKind::Pension, LifeContractAge::New) => &mut slip.new_pension_premium,
                (LifePolicyKind::Pension, LifeContractAge::Old) => &mut slip.old_pension_premium,
            };
            *slot += policy.premium;
        }
    }
    slip.national_pension = declaration
        .social_insurance
        .iter()
        .filter(|payment| payment.kind.contains("国民年金"))
        .map(|payment| payment.amount)
        .sum();
    slip.old_long_term_premium = declaration
        .earthquake_policies
        .iter()
        .filter(|policy| policy.kind == EarthquakePolicyKind::OldLongTerm)
        .map(|policy| policy.premium)
        .sum();

    if let Some(spouse) = &declaration.spouse {
        let tax_spouse = tax_spouse(spouse);
        let same_livelihood = is_same_livelihood_spouse(rules, &tax_spouse);
        let deductible = same_livelihood && deductions.spouse > Yen::ZERO;
        slip.has_deductible_spouse = deductible;
        slip.elderly_spouse = deductible && is_elderly_spouse(rules, &tax_spouse);
        if deductions.spouse > Yen::ZERO {
            slip.spouse = Some(SlipPerson {
                name: spouse.name.clone(),
                class: None,
                non_resident: spouse.non_resident,
            });
            slip.spouse_income = spouse.estimated_income;
        } else if same_livelihood {
            // 同一生計配偶者 without a 配偶者控除 (the employee's income above 1,000万).
            slip.remarks
                .push(format!("同一生計配偶者 {}", spouse.name.name));
        }
        if same_livelihood {
            count_person(
                &mut slip,
                spouse.disability,
                spouse.lives_together,
                spouse.non_resident,
            );
        }
    }
    for relative in &declaration.relatives {
        if relative.claimed_by_other_earner {
            continue;
        }
        let class = classify_relative(rules, &tax_relative(relative));
        let person = |class_name: Option<&str>| SlipPerson {
            name: relative.name.clone(),
            class: class_name.map(str::to_owned),
            non_resident: relative.non_resident,
        };
        match class {
            RelativeClass::SpecificRelative => {
                slip.remarks
                    .push(format!("特定親族 {}", relative.name.name));
                continue;
            }
            RelativeClass::NotDependent => continue,
            RelativeClass::YoungDependent => {
                slip.young_dependents += 1;
                name_or_remark(&mut slip.young, &mut slip.remarks, "16歳未満", person(None));
            }
            RelativeClass::SpecificDependent => {
                slip.specific_dependents += 1;
                name_or_remark(
                    &mut slip.dependents,
                    &mut slip.remarks,
                    "扶養",
                    person(Some("特定")),
                );
            }
            RelativeClass::ElderlyDependent => {
                slip.elderly_dependents += 1;
                name_or_remark(
                    &mut slip.dependents,
                    &mut slip.remarks,
                    "扶養",
                    person(Some("老人")),
                );
            }
            RelativeClass::ElderlyParentLivingTogether => {
                slip.elderly_dependents += 1;
                slip.elderly_living_together += 1;
                name_or_remark(
                    &mut slip.dependents,
                    &mut slip.remarks,
                    "扶養",
                    person(Some("同居老親等")),
                );
            }
            RelativeClass::GeneralDependent => {
                slip.other_dependents += 1;
                name_or_remark(
                    &mut slip.dependents,
                    &mut slip.remarks,
                    "扶養",
                    person(None),
                );
            }
        }
        count_person(
            &mut slip,
            relative.disability,
            relative.lives_together,
            relative.non_resident,
        );
    }
    Ok(slip)
}

/// Counts a spouse or 扶養親族 among the 障害者 and the 非居住者 (本人を除く).
fn count_person(
    slip: &mut WithholdingSlip,
    disability: DisabilityKind,
    lives_together: bool,
    non_resident: bool,
) {
    match disability {
        DisabilityKind::Special => {
            slip.special_disabled += 1;
            if lives_together {
                slip.special_disabled_living_together += 1;
            }
        }
        DisabilityKind::General => slip.other_disabled += 1,
        DisabilityKind::None => {}
    }
    if non_resident {
        slip.non_resident_relatives += 1;
    }
}

/// Names the person in its box while there is room, else in the 摘要 (「5人目以降」).
fn name_or_remark(
    named: &mut Vec<SlipPerson>,
    remarks: &mut Vec<String>,
    what: &str,
    person: SlipPerson,
) {
    if named.len() < SLIP_NAMED_PERSONS {
        named.push(person);
    } else {
        remarks.push(format!("{what}5人目以降 {}", person.name.name));
    }
}

/// 前職分 in the 摘要: for each earlier employer, its 支払金額, 源泉徴収税額 and 社会保険料等,
/// its address and name, and the 退職 date (記載のしかた: 「前職分の…」).
fn previous_employment_remarks(declaration: &Declaration) -> Vec<String> {
    declaration
        .previous_employments
        .iter()
        .map(|job| {
            let address = if job.payer_address.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", job.payer_address.trim())
            };
            format!(
                "前職分 支払金額{} 源泉徴収税額{} 社会保険料等{}{} {} {}退職",
                job.salary,
                job.tax_withheld,
                job.social_insurance,
                address,
                job.payer_name.trim(),
                job.left_on,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn consent_method_codes_read_back() {
        for method in super::ConsentMethod::ALL {
            assert_eq!(super::ConsentMethod::from_code(method.code()), Some(method));
        }
        assert_eq!(super::ConsentMethod::from_code("fax"), None);
        assert_eq!(super::ConsentMethod::Paper.japanese_name(), "書面で同意");
    }

    use nencho_tax::compute_year_end_adjustment;
    use time::macros::date;

    use super::*;
    use crate::computation::tax_request;
    use crate::document::{LifePolicy, PreviousEmployment, RelativeEntry, SpouseEntry};

    fn name(text: &str) -> PersonName {
        PersonName {
            name: text.into(),
            kana: String::new(),
        }
    }

    fn relative(who: &str, birth_date: Date) -> RelativeEntry {
        crate::fixtures::relative(who, "子", birth_date)
    }

    /// A 2026 mid-year hire with a spouse, a child of 21, a child of 11 and a mother of 76 who
    /// lives with them and is 特別障害者, one new life policy, and a previous employer.
    fn family() -> Declaration {
        let mut mother = relative("山田 梅", date!(1950 - 01 - 01));
        mother.relationship = "母".into();
        mother.lineal_ascendant = true;
        mother.disability = DisabilityKind::Special;
        Declaration {
            spouse: Some(SpouseEntry {
                name: name("山田 花子"),
                birth_date: date!(1982 - 07 - 07),
                estimated_income: Yen::ZERO,
                disability: DisabilityKind::None,
                lives_together: true,
                non_resident: false,
            }),
            relatives: vec![
                relative("山田 一郎", date!(2005 - 06 - 01)),
                relative("山田 二郎", date!(2015 - 01 - 01)),
                mother,
            ],
            life_policies: vec![LifePolicy {
                insurer: "A生命".into(),
                policy_type: "終身".into(),
                kind: LifePolicyKind::General,
                contract: LifeContractAge::New,
                period: "終身".into(),
                beneficiary: "山田 花子".into(),
                premium: Yen::new(100_000),
            }],
            previous_employments: vec![PreviousEmployment {
                payer_name: "株式会社前職".into(),
                payer_address: "大阪市北区梅田1-1-1".into(),
                left_on: date!(2026 - 03 - 31),
                salary: Yen::new(1_200_000),
                social_insurance: Yen::new(180_000),
                tax_withheld: Yen::new(30_000),
            }],
            ..Declaration::default()
        }
    }

    fn employee() -> SlipEmployee {
        SlipEmployee {
            salary_paid: Yen::new(3_800_000),
            tax_withheld: Yen::new(90_000),
            birth_date: date!(1980 - 05 - 01),
            hired_on: Some(date!(2026 - 04 - 01)),
            left_on: None,
            tax_deferred: Yen::ZERO,
        }
    }

    /// The settlement's request: this employer's totals on top of the declaration's.
    fn settled(
        declaration: &Declaration,
        employee: &SlipEmployee,
        social: i64,
    ) -> YearEndAdjustmentResult {
        let year = TaxYear::new(2026).unwrap();
        let mut request = tax_request(declaration);
        request.salary_total =
            employee.salary_paid + declaration.previous_employment_totals().salary;
        request.tax_withheld += employee.tax_withheld;
        request.social_insurance += Yen::new(social);
        compute_year_end_adjustment(year, &request).unwrap()
    }

    #[test]
    fn a_family_slip_counts_and_names_as_the_form_asks() {
        let year = TaxYear::new(2026).unwrap();
        let declaration = family();
        let employee = employee();
        let result = settled(&declaration, &employee, 540_000);
        let slip = withholding_slip(year, &declaration, &result, &employee).unwrap();
        // 支払金額: 3,800,000 here + 1,200,000 前職分; rules §1.2 (2026): 5,000,000 × 80% −
        // 440,000 = 3,560,000.
        assert_eq!(slip.payment, Yen::new(5_000_000));
        assert_eq!(slip.employment_income, Yen::new(3_560_000));
        // rules §4: 同一生計配偶者 (income 0), employee 合計所得 ≤ 900万 → 配偶者控除 38万: 有.
        assert!(slip.has_deductible_spouse && !slip.elderly_spouse);
        assert_eq!(slip.spouse_deduction, Yen::new(380_000));
        assert_eq!(
            slip.spouse.as_ref().map(|s| s.name.name.as_str()),
            Some("山田 花子")
        );
        // rules §5: 21 → 特定 (63万); 11 → 年少; 76, 直系尊属, 同居 → 同居老親等 (58万) and
        // 同居特別障害者 (75万).
        assert_eq!(
            (
                slip.specific_dependents,
                slip.elderly_dependents,
                slip.elderly_living_together
            ),
            (1, 1, 1)
        );
        assert_eq!((slip.other_dependents, slip.young_dependents), (0, 1));
        assert_eq!(
            (
                slip.special_disabled,
                slip.special_disabled_living_together,
                slip.other_disabled
            ),
            (1, 1, 0)
        );
        assert_eq!(
            result.deductions.dependents_and_others,
            Yen::new(630_000 + 580_000 + 750_000)
        );
        let named: Vec<_> = slip
            .dependents
            .iter()
            .map(|p| (p.name.name.as_str(), p.class.as_deref()))
            .collect();
        assert_eq!(
            named,
            [("山田 一郎", Some("特定")), ("山田 梅", Some("同居老親等"))]
        );
        assert_eq!(slip.young.len(), 1);
        // 社会保険料等: 540,000 withheld here + 180,000 前職分 (rules §7).
        assert_eq!(slip.social_insurance, Yen::new(720_000));
        // rules §8 (2026, a dependant under 23): 100,000 → 100,000/4 + 30,000 = 55,000.
        assert_eq!(slip.life_insurance_deduction, Yen::new(55_000));
        assert_eq!(slip.new_life_premium, Yen::new(100_000));
        // rules §3 (2026): 合計所得 3,560,000 ≤ 489万 → 104万.
        assert_eq!(slip.basic_deduction, Yen::new(1_040_000));
        assert_eq!(
            slip.total_deductions,
            Yen::new(720_000 + 55_000 + 380_000 + 1_960_000 + 1_040_000)
        );
        // The deductions exceed the income: no tax, and the 120,000 withheld (90,000 here,
        // 30,000 before) is refunded.
        assert_eq!(slip.tax, Yen::ZERO);
        assert_eq!(result.refund, Yen::new(120_000));
        assert_eq!(
            slip.mid_year,
            Some(MidYearChange::Joined(date!(2026 - 04 - 01)))
        );
        assert!(!slip.minor);
        assert_eq!(
            slip.remarks,
            [
                "前職分 支払金額1,200,000円 源泉徴収税額30,000円 社会保険料等180,000円 大阪市北区梅田1-1-1 株式会社前職 2026-03-31退職"
            ]
        );
    }

    #[test]
    fn the_fifth_dependant_goes_to_the_remarks_and_others_claims_are_not_counted() {
        let year = TaxYear::new(2026).unwrap();
        let mut declaration = Declaration::default();
        for index in 0..5 {
            declaration
                .relatives
                .push(relative(&format!("子{index}"), date!(1995 - 01 - 02)));
        }
        let mut claimed = relative("子5", date!(1995 - 01 - 02));
        claimed.claimed_by_other_earner = true;
        declaration.relatives.push(claimed);
        let mut employee = employee();
        employee.hired_on = Some(date!(2010 - 04 - 01));
        let result = settled(&declaration, &employee, 0);
        let slip = withholding_slip(year, &declaration, &result, &employee).unwrap();
        assert_eq!(slip.other_dependents, 5);
        assert_eq!(slip.dependents.len(), SLIP_NAMED_PERSONS);
        assert!(
            slip.remarks.contains(&"扶養5人目以降 子4".to_owned()),
            "{:?}",
            slip.remarks
        );
        assert_eq!(slip.mid_year, None, "joined before the year");
    }

    #[test]
    fn an_employee_outside_the_adjustment_gets_the_payment_and_the_tax_withheld() {
        let year = TaxYear::new(2026).unwrap();
        let declaration = Declaration::default();
        let employee = SlipEmployee {
            salary_paid: Yen::new(25_000_000),
            tax_withheld: Yen::new(4_000_000),
            birth_date: date!(2009 - 02 - 01),
            hired_on: None,
            left_on: Some(date!(2026 - 10 - 31)),
            tax_deferred: Yen::ZERO,
        };
        let result = settled(&declaration, &employee, 0);
        assert!(!result.eligible);
        let slip = withholding_slip(year, &declaration, &result, &employee).unwrap();
        assert!(!slip.adjusted);
        assert_eq!(
            (slip.payment, slip.tax),
            (Yen::new(25_000_000), Yen::new(4_000_000))
        );
        assert_eq!(slip.total_deductions, Yen::ZERO);
        assert_eq!(slip.remarks, ["年末調整未済"]);
        assert_eq!(
            slip.mid_year,
            Some(MidYearChange::Left(date!(2026 - 10 - 31)))
        );
        assert!(slip.minor, "17 at the year end");
    }

    #[test]
    fn a_slip_of_an_excluded_employee_marks_the_reason_s_box() {
        let year = TaxYear::new(2026).unwrap();
        let employee = SlipEmployee {
            salary_paid: Yen::new(1_200_000),
            tax_withheld: Yen::new(36_700),
            birth_date: date!(1980 - 06 - 01),
            hired_on: Some(date!(2026 - 04 - 01)),
            left_on: None,
            tax_deferred: Yen::ZERO,
        };
        let secondary =
            unadjusted_slip(year, &employee, Some(ExclusionReason::SecondaryEmployer)).unwrap();
        assert!(!secondary.adjusted);
        assert!(secondary.secondary_column && !secondary.disaster);
        assert_eq!(
            (secondary.payment, secondary.tax),
            (Yen::new(1_200_000), Yen::new(36_700))
        );
        assert_eq!(
            (secondary.employment_income, secondary.total_deductions),
            (Yen::ZERO, Yen::ZERO)
        );
        assert_eq!(secondary.remarks, ["年末調整未済"]);
        assert_eq!(
            secondary.mid_year,
            Some(MidYearChange::Joined(date!(2026 - 04 - 01)))
        );
        assert!(!secondary.minor);
        let disaster =
            unadjusted_slip(year, &employee, Some(ExclusionReason::DisasterRelief)).unwrap();
        assert!(disaster.disaster && !disaster.secondary_column);
        assert_eq!(
            disaster.remarks,
            ["年末調整未済"],
            "nothing deferred, nothing said"
        );
        let deferred = SlipEmployee {
            tax_deferred: Yen::new(8_000),
            ..employee.clone()
        };
        let disaster =
            unadjusted_slip(year, &deferred, Some(ExclusionReason::DisasterRelief)).unwrap();
        assert_eq!(disaster.remarks, ["年末調整未済", "徴収猶予税額 8,000円"]);
        let secondary =
            unadjusted_slip(year, &deferred, Some(ExclusionReason::SecondaryEmployer)).unwrap();
        assert_eq!(
            secondary.remarks,
            ["年末調整未済"],
            "only a 災害者 has tax deferred"
        );
        let other = unadjusted_slip(year, &employee, None).unwrap();
        assert!(!other.disaster && !other.secondary_column);
        assert_eq!(
            unadjusted_slip(year, &employee, Some(ExclusionReason::NonResident)),
            None
        );
    }

    #[test]
    fn slips_issued_before_the_boxes_existed_still_read() {
        let year = TaxYear::new(2026).unwrap();
        let slip = WithholdingSlip::empty(year, date!(1980 - 06 - 01));
        let mut stored = serde_json::to_value(&slip).unwrap();
        let fields = stored.as_object_mut().unwrap();
        fields.remove("secondary_column");
        fields.remove("disaster");
        let read: WithholdingSlip = serde_json::from_value(stored).unwrap();
        assert_eq!(read, slip);
    }
}
