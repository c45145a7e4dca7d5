//! What must hold before a declaration can be submitted, each problem named by field and told
//! in Japanese. Saving a step never needs a valid document; submitting does.

use nencho_kernel::{TaxYear, Yen};

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
    if problems.0.is_empty()
        && let Err(error) = compute(declaration, tax_year)
    {
        problems.add("document", &format!("計算できません: {error}"));
    }
    problems.0
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
