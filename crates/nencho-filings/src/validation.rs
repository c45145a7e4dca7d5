//! What must hold before a declaration can be submitted, each problem named by field and told
//! in Japanese. Saving a step never needs a valid document; submitting does.

use nencho_kernel::Month;
use nencho_kernel::{Date, TaxYear, Yen};

use crate::computation::compute;
use crate::document::{Declaration, LifeContractAge, LifePolicyKind};

/// One thing to fix: `path` is the field ([`crate::flatten`]'s paths, or a section), `message`
/// says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// More than this in one amount is a typing mistake, not a premium.
const IMPLAUSIBLE_AMOUNT: i64 = 10_000_000_000;

/// Every problem that stops `declaration` from being submitted for `tax_year`; empty when it
/// can be.
pub fn validate(declaration: &Declaration, tax_year: TaxYear) -> Vec<Problem> {
    let mut problems = Problems::default();
    let answers = &declaration.answers;
    if !answers.complete() {
        problems.add("answers", "すべての質問に回答してください。");
    }
    if declaration.carried_over_unconfirmed {
        problems.add("carried_over", "前年から引き継いだ内容を確認してください。");
    }
    let taxpayer = &declaration.taxpayer;
    problems.amount(
        "taxpayer.estimated_salary",
        "給与の収入金額(見積額)",
        taxpayer.estimated_salary,
    );
    problems.amount(
        "taxpayer.other_income",
        "給与以外の所得(見積額)",
        taxpayer.other_income,
    );
    if taxpayer.widow && taxpayer.single_parent {
        problems.add(
            "taxpayer.single_parent",
            "寡婦とひとり親は同時に申告できません。",
        );
    }
    if taxpayer.working_student && taxpayer.school.trim().is_empty() {
        problems.add(
            "taxpayer.school",
            "勤労学生の場合は学校名を入力してください。",
        );
    }
    previous_employment_problems(&mut problems, declaration, tax_year);
    match (answers.has_spouse, &declaration.spouse) {
        (Some(true), None) => problems.add("spouse", "配偶者の情報を入力してください。"),
        (Some(false), Some(_)) => problems.add(
            "spouse",
            "「配偶者はいない」と回答していますが、配偶者の情報があります。",
        ),
        _ => {}
    }
    if let Some(spouse) = &declaration.spouse {
        problems.required("spouse.name", "配偶者の氏名", &spouse.name.name);
        problems.born_by_year_end("spouse.birth_date", "配偶者", spouse.birth_date, tax_year);
        problems.amount(
            "spouse.estimated_income",
            "配偶者の合計所得金額",
            spouse.estimated_income,
        );
    }
    match (answers.has_dependents, declaration.relatives.is_empty()) {
        (Some(true), true) => problems.add("relatives", "扶養する親族の情報を入力してください。"),
        (Some(false), false) => problems.add(
            "relatives",
            "「扶養する親族はいない」と回答していますが、親族の情報があります。",
        ),
        _ => {}
    }
    for (index, relative) in declaration.relatives.iter().enumerate() {
        let path = format!("relatives[{index}]");
        let who = format!("親族{}", index + 1);
        problems.required(
            &format!("{path}.name"),
            &format!("{who}の氏名"),
            &relative.name.name,
        );
        problems.required(
            &format!("{path}.relationship"),
            &format!("{who}の続柄"),
            &relative.relationship,
        );
        problems.born_by_year_end(
            &format!("{path}.birth_date"),
            &who,
            relative.birth_date,
            tax_year,
        );
        problems.amount(
            &format!("{path}.estimated_income"),
            &format!("{who}の合計所得金額"),
            relative.estimated_income,
        );
    }
    problems.list_matches_answer(
        "life_policies",
        "生命保険料",
        answers.paid_life_insurance,
        declaration.life_policies.len(),
    );
    for (index, policy) in declaration.life_policies.iter().enumerate() {
        let path = format!("life_policies[{index}]");
        let what = format!("生命保険{}", index + 1);
        problems.required(
            &format!("{path}.insurer"),
            &format!("{what}の保険会社"),
            &policy.insurer,
        );
        problems.premium(&format!("{path}.premium"), &what, policy.premium);
        if policy.kind == LifePolicyKind::CareMedical && policy.contract == LifeContractAge::Old {
            problems.add(
                &format!("{path}.contract"),
                &format!("{what}: 介護医療保険料は新契約(平成24年以降)のみです。"),
            );
        }
    }
    problems.list_matches_answer(
        "earthquake_policies",
        "地震保険料",
        answers.paid_earthquake_insurance,
        declaration.earthquake_policies.len(),
    );
    for (index, policy) in declaration.earthquake_policies.iter().enumerate() {
        let path = format!("earthquake_policies[{index}]");
        let what = format!("地震保険{}", index + 1);
        problems.required(
            &format!("{path}.insurer"),
            &format!("{what}の保険会社"),
            &policy.insurer,
        );
        problems.premium(&format!("{path}.premium"), &what, policy.premium);
    }
    problems.list_matches_answer(
        "social_insurance",
        "社会保険料",
        answers.paid_social_insurance,
        declaration.social_insurance.len(),
    );
    for (index, payment) in declaration.social_insurance.iter().enumerate() {
        let path = format!("social_insurance[{index}]");
        let what = format!("社会保険料{}", index + 1);
        problems.required(
            &format!("{path}.kind"),
            &format!("{what}の種類"),
            &payment.kind,
        );
        problems.premium(&format!("{path}.amount"), &what, payment.amount);
    }
    problems.list_matches_answer(
        "mutual_aid",
        "小規模企業共済等掛金",
        answers.paid_mutual_aid,
        declaration.mutual_aid.len(),
    );
    for (index, payment) in declaration.mutual_aid.iter().enumerate() {
        problems.premium(
            &format!("mutual_aid[{index}].amount"),
            &format!("小規模企業共済等掛金{}", index + 1),
            payment.amount,
        );
    }
    match (answers.has_housing_loan, &declaration.housing_loan) {
        (Some(true), None) => problems.add(
            "housing_loan",
            "住宅借入金等の証明書の内容を入力してください。",
        ),
        (Some(false), Some(_)) => problems.add(
            "housing_loan",
            "「住宅ローン控除なし」と回答していますが、住宅借入金の情報があります。",
        ),
        _ => {}
    }
    if let Some(loan) = &declaration.housing_loan {
        problems.premium(
            "housing_loan.year_end_balance",
            "年末残高等",
            loan.year_end_balance,
        );
        problems.premium("housing_loan.credit_limit", "控除限度額", loan.credit_limit);
        if loan.residence_start > tax_year.year_end() {
            problems.add(
                "housing_loan.residence_start",
                "居住開始年月日が対象年の年末より後です。",
            );
        }
    }
    next_year_problems(&mut problems, declaration, tax_year);
    if problems.0.is_empty()
        && let Err(error) = compute(declaration, tax_year)
    {
        problems.add("document", &format!("計算できません: {error}"));
    }
    problems.0
}

/// [`validate`] for an employee who joined on `hired_on`: one who joined during the tax year
/// (中途入社) must answer whether an earlier employer paid them that year, because the
/// adjustment must include that salary (所得税法190条) — the question is otherwise optional.
pub fn validate_for_employee(
    declaration: &Declaration,
    tax_year: TaxYear,
    hired_on: Option<Date>,
) -> Vec<Problem> {
    let mut problems = Problems(validate(declaration, tax_year));
    let joined_this_year = hired_on.is_some_and(|date| date.year() == tax_year.year());
    if joined_this_year && declaration.answers.had_previous_employer.is_none() {
        problems.add(
            "answers.had_previous_employer",
            "今年入社されたため、入社前に他の勤務先から給与を受け取ったかどうかを回答してください。",
        );
    }
    problems.0
}

/// 前職分: each previous employer as its 源泉徴収票 states it — named, left within the year,
/// with 源泉徴収税額 and 社会保険料等 each within the salary paid — and the year's salary
/// estimate covering them (it is the whole year's, the 基礎控除 and 配偶者控除 tests read it).
fn previous_employment_problems(
    problems: &mut Problems,
    declaration: &Declaration,
    tax_year: TaxYear,
) {
    match (
        declaration.answers.had_previous_employer,
        declaration.previous_employments.is_empty(),
    ) {
        (Some(true), true) => problems.add(
            "previous_employments",
            "前職の源泉徴収票の内容を1件以上入力してください。",
        ),
        (Some(false) | None, false) => problems.add(
            "previous_employments",
            "「入社前の給与はない」と回答していますが、前職の情報があります。",
        ),
        _ => {}
    }
    for (index, job) in declaration.previous_employments.iter().enumerate() {
        let path = format!("previous_employments[{index}]");
        let what = format!("前職{}", index + 1);
        problems.required(
            &format!("{path}.payer_name"),
            &format!("{what}の支払者の名称"),
            &job.payer_name,
        );
        if job.left_on.year() != tax_year.year() {
            problems.add(
                &format!("{path}.left_on"),
                &format!(
                    "{what}の退職年月日は{}年中の日付を入力してください(前年以前の退職分は年末調整に含めません)。",
                    tax_year.year()
                ),
            );
        }
        problems.amount(
            &format!("{path}.salary"),
            &format!("{what}の支払金額"),
            job.salary,
        );
        for (field, name, value) in [
            (
                "social_insurance",
                "社会保険料等の金額",
                job.social_insurance,
            ),
            ("tax_withheld", "源泉徴収税額", job.tax_withheld),
        ] {
            let field_path = format!("{path}.{field}");
            problems.amount(&field_path, &format!("{what}の{name}"), value);
            if value > job.salary {
                problems.add(
                    &field_path,
                    &format!(
                        "{what}の{name}が支払金額を超えています。源泉徴収票を確認してください。"
                    ),
                );
            }
        }
    }
    let previous_salary = declaration.previous_employment_totals().salary;
    if declaration.taxpayer.estimated_salary < previous_salary {
        problems.add(
            "taxpayer.estimated_salary",
            "給与の収入金額(見積額)は前職の支払金額を含めた1年分を入力してください。",
        );
    }
}

/// The 翌年分 扶養控除等申告書: the question must be answered when this year's family is not
/// empty (unanswered, next year's family would be ambiguous; with no family this year it is
/// none either way), and a different family needs names, 続柄 and birth dates by next year's end.
fn next_year_problems(problems: &mut Problems, declaration: &Declaration, tax_year: TaxYear) {
    let answers = &declaration.answers;
    let next_year = &declaration.next_year;
    let has_family_this_year = declaration.spouse.is_some()
        || !declaration.relatives.is_empty()
        || answers.has_spouse == Some(true)
        || answers.has_dependents == Some(true);
    let has_entries = next_year.spouse.is_some() || !next_year.relatives.is_empty();
    match next_year.same_as_this_year {
        None if has_family_this_year || has_entries => problems.add(
            "next_year.same_as_this_year",
            "来年(翌年)も扶養する家族が今年と同じかどうかを回答してください。",
        ),
        Some(true) if has_entries => problems.add(
            "next_year",
            "「来年も今年と同じ」と回答していますが、翌年の家族の情報があります。",
        ),
        _ => {}
    }
    if next_year.same_as_this_year != Some(false) {
        return;
    }
    let next_year_end =
        Date::from_calendar_date(tax_year.year() + 1, Month::December, 31).unwrap_or(Date::MAX);
    if let Some(spouse) = &next_year.spouse {
        problems.required(
            "next_year.spouse.name",
            "翌年の配偶者の氏名",
            &spouse.name.name,
        );
        problems.born_by(
            "next_year.spouse.birth_date",
            "翌年の配偶者",
            spouse.birth_date,
            next_year_end,
        );
        problems.amount(
            "next_year.spouse.estimated_income",
            "翌年の配偶者の合計所得金額",
            spouse.estimated_income,
        );
    }
    for (index, relative) in next_year.relatives.iter().enumerate() {
        let path = format!("next_year.relatives[{index}]");
        let who = format!("翌年の親族{}", index + 1);
        problems.required(
            &format!("{path}.name"),
            &format!("{who}の氏名"),
            &relative.name.name,
        );
        problems.required(
            &format!("{path}.relationship"),
            &format!("{who}の続柄"),
            &relative.relationship,
        );
        problems.born_by(
            &format!("{path}.birth_date"),
            &who,
            relative.birth_date,
            next_year_end,
        );
        problems.amount(
            &format!("{path}.estimated_income"),
            &format!("{who}の合計所得金額"),
            relative.estimated_income,
        );
    }
}

#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, path: &str, message: &str) {
        self.0.push(Problem {
            path: path.to_owned(),
            message: message.to_owned(),
        });
    }

    fn required(&mut self, path: &str, what: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(path, &format!("{what}を入力してください。"));
        }
    }

    fn amount(&mut self, path: &str, what: &str, value: Yen) {
        if value < Yen::ZERO {
            self.add(path, &format!("{what}は0円以上で入力してください。"));
        } else if value.amount() >= IMPLAUSIBLE_AMOUNT {
            self.add(
                path,
                &format!("{what}が大きすぎます。金額を確認してください。"),
            );
        }
    }

    fn premium(&mut self, path: &str, what: &str, value: Yen) {
        if value <= Yen::ZERO {
            self.add(path, &format!("{what}の金額を1円以上で入力してください。"));
        } else {
            self.amount(path, what, value);
        }
    }

    fn born_by_year_end(
        &mut self,
        path: &str,
        who: &str,
        birth: nencho_kernel::Date,
        year: TaxYear,
    ) {
        if birth > year.year_end() {
            self.add(path, &format!("{who}の生年月日が対象年の年末より後です。"));
        }
    }

    fn born_by(&mut self, path: &str, who: &str, birth: Date, end: Date) {
        if birth > end {
            self.add(path, &format!("{who}の生年月日が翌年の年末より後です。"));
        }
    }

    fn list_matches_answer(
        &mut self,
        path: &str,
        what: &str,
        answer: Option<bool>,
        entries: usize,
    ) {
        match (answer, entries) {
            (Some(true), 0) => self.add(path, &format!("{what}の明細を1件以上入力してください。")),
            (Some(false), 1..) => self.add(
                path,
                &format!("「{what}の支払いなし」と回答していますが、明細があります。"),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod next_year_tests {
    use nencho_tax::RelativeClass;
    use time::macros::date;

    use super::*;
    use crate::document::{DisabilityKind, PersonName, RelativeEntry};
    use crate::fixtures::{answered_no, problem_paths, relative, year_2026};
    use crate::forms::{Form, forms_of};
    use crate::history::flatten;

    fn year() -> TaxYear {
        year_2026()
    }

    fn child(name: &str, birth_date: Date) -> RelativeEntry {
        relative(name, "長男", birth_date)
    }

    /// Everything answered, one child (born 2011-06-01: 15 at the end of 2026, 16 in 2027).
    fn with_child() -> Declaration {
        let mut document = answered_no();
        document.answers.has_dependents = Some(true);
        document
            .relatives
            .push(child("山田 一郎", date!(2011 - 06 - 01)));
        document
    }

    fn paths(document: &Declaration) -> Vec<String> {
        problem_paths(document)
    }

    #[test]
    fn the_next_year_question_must_be_answered_when_there_is_a_family() {
        let mut document = with_child();
        assert_eq!(paths(&document), ["next_year.same_as_this_year"]);
        document.next_year.same_as_this_year = Some(true);
        assert!(paths(&document).is_empty());
        // With no family this year, next year's is none either way: no answer needed.
        let mut single = with_child();
        single.answers.has_dependents = Some(false);
        single.relatives.clear();
        assert!(paths(&single).is_empty());
    }

    #[test]
    fn a_different_family_needs_names_and_birth_dates_by_next_years_end() {
        let mut document = with_child();
        document.next_year.same_as_this_year = Some(false);
        let mut nameless = child("", date!(2028 - 01 - 01));
        nameless.relationship = String::new();
        document.next_year.relatives = vec![child("山田 一郎", date!(2011 - 06 - 01)), nameless];
        assert_eq!(
            paths(&document),
            [
                "next_year.relatives[1].name",
                "next_year.relatives[1].relationship",
                "next_year.relatives[1].birth_date",
            ]
        );
        // A baby expected in 2027 may be declared for next year (not for this year).
        document.next_year.relatives[1] = child("山田 二郎", date!(2027 - 03 - 01));
        assert!(paths(&document).is_empty());
        // "Same" with entries of its own contradicts itself.
        document.next_year.same_as_this_year = Some(true);
        assert_eq!(paths(&document), ["next_year"]);
    }

    #[test]
    fn next_years_form_is_always_filed_and_flattened() {
        let mut document = with_child();
        assert_eq!(
            forms_of(&document, &[]),
            [
                Form::Dependents,
                Form::BasicAndSpouse,
                Form::DependentsNextYear
            ]
        );
        let flat = flatten(&document);
        let question = flat
            .iter()
            .find(|field| field.path == "next_year.same_as_this_year")
            .unwrap();
        assert_eq!(question.label, "翌年: 質問: 来年も今年と同じ家族");
        assert_eq!(question.value, "未回答");
        let before = document.clone();
        document.next_year.same_as_this_year = Some(false);
        document
            .next_year
            .relatives
            .push(child("山田 二郎", date!(2027 - 03 - 01)));
        let changes = crate::diff(&before, &document);
        assert!(
            changes
                .iter()
                .any(|change| change.path == "next_year.relatives[0].name"
                    && change.label == "翌年: 親族1: 氏名"
                    && change.after.as_deref() == Some("山田 二郎"))
        );
        assert_eq!(document.carry_over().next_year, document.next_year);
    }

    #[test]
    fn next_years_family_is_classified_at_next_years_end() {
        let mut document = with_child();
        document.next_year.same_as_this_year = Some(true);
        let computed = compute(&document, year()).unwrap();
        assert_eq!(computed.relative_classes, [RelativeClass::YoungDependent]);
        // 16 at the end of 2027: a 一般の控除対象扶養親族 next year.
        assert_eq!(
            computed.next_year_relative_classes,
            [RelativeClass::GeneralDependent]
        );
        assert!(!computed.next_year_withholding_spouse);
        // A different family: next year's own entries, with a spouse within the limits.
        document.next_year.same_as_this_year = Some(false);
        document.next_year.spouse = Some(crate::SpouseEntry {
            name: PersonName {
                name: "山田 花子".into(),
                kana: String::new(),
            },
            birth_date: date!(1990 - 05 - 01),
            estimated_income: Yen::new(900_000),
            disability: DisabilityKind::None,
            lives_together: true,
            non_resident: false,
        });
        let (spouse, relatives) = document.next_year_family();
        assert!(spouse.is_some() && relatives.is_empty());
        let computed = compute(&document, year()).unwrap();
        assert!(computed.next_year_relative_classes.is_empty());
        assert!(computed.next_year_withholding_spouse);
    }
}

#[cfg(test)]
mod previous_employment_tests {
    use time::macros::date;

    use super::*;
    use crate::computation::tax_request;
    use crate::document::PreviousEmployment;
    use crate::fixtures::{answered_no, problem_paths, year_2026};
    use crate::forms::{Form, forms_of};
    use crate::history::flatten;

    fn job(salary: i64, social: i64, tax: i64) -> PreviousEmployment {
        PreviousEmployment {
            payer_name: "株式会社前職".into(),
            payer_address: "大阪市北区梅田1-1-1".into(),
            left_on: date!(2026 - 03 - 31),
            salary: Yen::new(salary),
            social_insurance: Yen::new(social),
            tax_withheld: Yen::new(tax),
        }
    }

    /// Every question answered "no" but the previous employer, with one slip; salary estimate
    /// 5,000,000 for the whole year.
    fn mid_year_hire() -> Declaration {
        let mut document = answered_no();
        document.answers.had_previous_employer = Some(true);
        document.next_year.same_as_this_year = Some(true);
        document.previous_employments = vec![job(1_200_000, 180_000, 30_000)];
        document
    }

    fn paths(document: &Declaration) -> Vec<String> {
        problem_paths(document)
    }

    #[test]
    fn a_complete_slip_is_valid_and_is_listed_with_the_forms() {
        let document = mid_year_hire();
        assert_eq!(paths(&document), Vec::<String>::new());
        assert!(forms_of(&document, &[]).contains(&Form::PreviousEmployment));
        let labels: Vec<String> = flatten(&document)
            .into_iter()
            .filter(|field| field.path.starts_with("previous_employments[0]"))
            .map(|field| format!("{}={}", field.label, field.value))
            .collect();
        assert!(
            labels.contains(&"前職1: 支払金額=1,200,000円".to_owned()),
            "{labels:?}"
        );
        assert!(
            labels.contains(&"前職1: 退職年月日=2026-03-31".to_owned()),
            "{labels:?}"
        );
        // Unanswered counts as no: no slip, no form, nothing to fix.
        let mut unanswered = document.clone();
        unanswered.answers.had_previous_employer = None;
        unanswered.previous_employments.clear();
        assert_eq!(paths(&unanswered), Vec::<String>::new());
        assert!(!forms_of(&unanswered, &[]).contains(&Form::PreviousEmployment));
    }

    #[test]
    fn a_slip_of_another_year_or_amounts_beyond_the_salary_are_problems() {
        let mut document = mid_year_hire();
        document.previous_employments[0].left_on = date!(2025 - 12 - 31);
        document.previous_employments[0].tax_withheld = Yen::new(1_300_000);
        document.previous_employments[0].payer_name = " ".into();
        document.previous_employments.push(job(5_000_000, 0, 0));
        let found = paths(&document);
        for path in [
            "previous_employments[0].payer_name",
            "previous_employments[0].left_on",
            "previous_employments[0].tax_withheld",
            // 1,200,000 + 5,000,000 paid before joining but 5,000,000 estimated for the year.
            "taxpayer.estimated_salary",
        ] {
            assert!(found.contains(&path.to_owned()), "{path}: {found:?}");
        }
        let mut missing = mid_year_hire();
        missing.previous_employments.clear();
        assert_eq!(paths(&missing), vec!["previous_employments".to_owned()]);
        let mut contradicted = mid_year_hire();
        contradicted.answers.had_previous_employer = Some(false);
        assert_eq!(
            paths(&contradicted),
            vec!["previous_employments".to_owned()]
        );
    }

    #[test]
    fn a_mid_year_hire_must_answer_the_previous_employer_question() {
        let mut document = mid_year_hire();
        document.answers.had_previous_employer = None;
        document.previous_employments.clear();
        let paths = |hired_on| -> Vec<String> {
            validate_for_employee(&document, year_2026(), hired_on)
                .into_iter()
                .map(|problem| problem.path)
                .collect()
        };
        assert_eq!(
            paths(Some(date!(2026 - 04 - 01))),
            ["answers.had_previous_employer"]
        );
        assert!(
            paths(Some(date!(2015 - 04 - 01))).is_empty(),
            "joined before"
        );
        assert!(paths(None).is_empty(), "hire date unknown");
        document.answers.had_previous_employer = Some(false);
        let answered = validate_for_employee(&document, year_2026(), Some(date!(2026 - 04 - 01)));
        assert!(answered.is_empty(), "{answered:?}");
    }

    #[test]
    fn the_slips_add_to_the_request_and_do_not_carry_over() {
        let mut document = mid_year_hire();
        document
            .previous_employments
            .push(job(300_000, 45_000, 6_000));
        let request = tax_request(&document);
        // The estimate already covers the whole year's salary; social insurance and tax
        // withheld come from the slips (所得税法190条: 前職分 included).
        assert_eq!(request.salary_total, Yen::new(5_000_000));
        assert_eq!(request.social_insurance, Yen::new(225_000));
        assert_eq!(request.tax_withheld, Yen::new(36_000));
        let computed = crate::compute(&document, year_2026()).unwrap();
        assert_eq!(computed.deductions.social_insurance, Yen::new(225_000));
        assert_eq!(computed.declared_social_insurance, Yen::ZERO);
        let next = document.carry_over();
        assert!(next.previous_employments.is_empty());
        assert_eq!(next.answers.had_previous_employer, None);
    }
}
