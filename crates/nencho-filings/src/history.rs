//! The declaration's history: every transition (who, when, from, to, comment) and every changed
//! value (field, before, after, who), so reviewers never have to ask "who changed this?". The
//! same field-by-field comparison gives the diff against last year.

use nencho_kernel::{OffsetDateTime, UserId, Yen};

use crate::document::{Declaration, DisabilityKind, PersonName, RelativeEntry, SpouseEntry};
use crate::workflow::FilingStatus;

/// One transition of the workflow (or a save, when `from == to`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingEvent {
    pub at: OffsetDateTime,
    pub actor: UserId,
    /// The actor's login ID or name at the time, for display.
    pub actor_name: String,
    pub from: FilingStatus,
    pub to: FilingStatus,
    /// The action in Japanese (提出, 差戻し, …).
    pub action: String,
    pub comment: Option<String>,
    /// Done by staff for the employee (代理入力).
    pub proxy: bool,
}

/// One value that changed: `path` is stable (`relatives[0].birth_date`), `label` is for people
/// (親族1: 生年月日). `None` = the value did not exist on that side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueChange {
    pub path: String,
    pub label: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A [`ValueChange`] as the history keeps it: who made it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub at: OffsetDateTime,
    pub actor: UserId,
    pub actor_name: String,
    pub change: ValueChange,
}

/// A value of the document as a line: its path, its Japanese label and its display text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatField {
    pub path: String,
    pub label: String,
    pub value: String,
}

/// Every value of the document, in form order.
pub fn flatten(document: &Declaration) -> Vec<FlatField> {
    let mut fields = Fields::default();
    let answers = &document.answers;
    for (path, label, answer) in [
        (
            "answers.has_spouse",
            "質問: 配偶者がいる",
            answers.has_spouse,
        ),
        (
            "answers.has_dependents",
            "質問: 生計を一にする親族がいる",
            answers.has_dependents,
        ),
        (
            "answers.paid_life_insurance",
            "質問: 生命保険料の支払いがある",
            answers.paid_life_insurance,
        ),
        (
            "answers.paid_earthquake_insurance",
            "質問: 地震保険料の支払いがある",
            answers.paid_earthquake_insurance,
        ),
        (
            "answers.paid_social_insurance",
            "質問: 社会保険料の支払いがある",
            answers.paid_social_insurance,
        ),
        (
            "answers.paid_mutual_aid",
            "質問: 小規模企業共済等掛金の支払いがある",
            answers.paid_mutual_aid,
        ),
        (
            "answers.has_housing_loan",
            "質問: 住宅ローン控除を受ける",
            answers.has_housing_loan,
        ),
        (
            "answers.had_previous_employer",
            "質問: 今年、入社前に他の勤務先から給与を受け取った",
            answers.had_previous_employer,
        ),
    ] {
        let value = match answer {
            Some(true) => "はい",
            Some(false) => "いいえ",
            None => "未回答",
        };
        fields.text(path, label, value);
    }
    let taxpayer = &document.taxpayer;
    fields.yen(
        "taxpayer.estimated_salary",
        "本人: 給与の収入金額(見積額)",
        taxpayer.estimated_salary,
    );
    fields.yen(
        "taxpayer.other_income",
        "本人: 給与以外の所得(見積額)",
        taxpayer.other_income,
    );
    fields.disability("taxpayer.disability", "本人: 障害者", taxpayer.disability);
    fields.flag("taxpayer.widow", "本人: 寡婦", taxpayer.widow);
    fields.flag(
        "taxpayer.single_parent",
        "本人: ひとり親",
        taxpayer.single_parent,
    );
    fields.flag(
        "taxpayer.working_student",
        "本人: 勤労学生",
        taxpayer.working_student,
    );
    fields.text("taxpayer.school", "本人: 学校名", &taxpayer.school);
    for (index, job) in document.previous_employments.iter().enumerate() {
        let path = format!("previous_employments[{index}]");
        let label = format!("前職{}", index + 1);
        fields.text(
            &format!("{path}.payer_name"),
            &format!("{label}: 支払者の名称"),
            &job.payer_name,
        );
        fields.text(
            &format!("{path}.payer_address"),
            &format!("{label}: 支払者の所在地"),
            &job.payer_address,
        );
        fields.text(
            &format!("{path}.left_on"),
            &format!("{label}: 退職年月日"),
            &job.left_on.to_string(),
        );
        fields.yen(
            &format!("{path}.salary"),
            &format!("{label}: 支払金額"),
            job.salary,
        );
        fields.yen(
            &format!("{path}.social_insurance"),
            &format!("{label}: 社会保険料等の金額"),
            job.social_insurance,
        );
        fields.yen(
            &format!("{path}.tax_withheld"),
            &format!("{label}: 源泉徴収税額"),
            job.tax_withheld,
        );
    }
    if let Some(spouse) = &document.spouse {
        fields.spouse("spouse", "配偶者", spouse);
    }
    for (index, relative) in document.relatives.iter().enumerate() {
        fields.relative(
            &format!("relatives[{index}]"),
            &format!("親族{}", index + 1),
            relative,
        );
    }
    for (index, policy) in document.life_policies.iter().enumerate() {
        let path = format!("life_policies[{index}]");
        let label = format!("生命保険{}", index + 1);
        fields.text(
            &format!("{path}.insurer"),
            &format!("{label}: 保険会社"),
            &policy.insurer,
        );
        fields.text(
            &format!("{path}.policy_type"),
            &format!("{label}: 保険の種類"),
            &policy.policy_type,
        );
        fields.text(
            &format!("{path}.kind"),
            &format!("{label}: 区分"),
            policy.kind.japanese_name(),
        );
        fields.text(
            &format!("{path}.contract"),
            &format!("{label}: 新・旧"),
            policy.contract.japanese_name(),
        );
        fields.text(
            &format!("{path}.period"),
            &format!("{label}: 保険期間"),
            &policy.period,
        );
        fields.text(
            &format!("{path}.beneficiary"),
            &format!("{label}: 受取人"),
            &policy.beneficiary,
        );
        fields.yen(
            &format!("{path}.premium"),
            &format!("{label}: 支払保険料"),
            policy.premium,
        );
    }
    for (index, policy) in document.earthquake_policies.iter().enumerate() {
        let path = format!("earthquake_policies[{index}]");
        let label = format!("地震保険{}", index + 1);
        fields.text(
            &format!("{path}.insurer"),
            &format!("{label}: 保険会社"),
            &policy.insurer,
        );
        fields.text(
            &format!("{path}.kind"),
            &format!("{label}: 区分"),
            policy.kind.japanese_name(),
        );
        fields.text(
            &format!("{path}.insured_object"),
            &format!("{label}: 保険の対象"),
            &policy.insured_object,
        );
        fields.text(
            &format!("{path}.period"),
            &format!("{label}: 保険期間"),
            &policy.period,
        );
        fields.yen(
            &format!("{path}.premium"),
            &format!("{label}: 支払保険料"),
            policy.premium,
        );
    }
    for (index, payment) in document.social_insurance.iter().enumerate() {
        let path = format!("social_insurance[{index}]");
        let label = format!("社会保険料{}", index + 1);
        fields.text(
            &format!("{path}.kind"),
            &format!("{label}: 種類"),
            &payment.kind,
        );
        fields.text(
            &format!("{path}.payee"),
            &format!("{label}: 支払先"),
            &payment.payee,
        );
        fields.text(
            &format!("{path}.borne_by"),
            &format!("{label}: 負担する人"),
            &payment.borne_by,
        );
        fields.yen(
            &format!("{path}.amount"),
            &format!("{label}: 支払額"),
            payment.amount,
        );
    }
    for (index, payment) in document.mutual_aid.iter().enumerate() {
        let path = format!("mutual_aid[{index}]");
        let label = format!("小規模企業共済等掛金{}", index + 1);
        fields.text(
            &format!("{path}.kind"),
            &format!("{label}: 種類"),
            payment.kind.japanese_name(),
        );
        fields.yen(
            &format!("{path}.amount"),
            &format!("{label}: 支払額"),
            payment.amount,
        );
    }
    if let Some(loan) = &document.housing_loan {
        fields.text(
            "housing_loan.residence_start",
            "住宅借入金: 居住開始年月日",
            &loan.residence_start.to_string(),
        );
        fields.yen(
            "housing_loan.year_end_balance",
            "住宅借入金: 年末残高等",
            loan.year_end_balance,
        );
        fields.yen(
            "housing_loan.credit_limit",
            "住宅借入金: 控除限度額",
            loan.credit_limit,
        );
    }
    let next_year = &document.next_year;
    fields.text(
        "next_year.same_as_this_year",
        "翌年: 質問: 来年も今年と同じ家族",
        match next_year.same_as_this_year {
            Some(true) => "はい",
            Some(false) => "いいえ",
            None => "未回答",
        },
    );
    if let Some(spouse) = &next_year.spouse {
        fields.spouse("next_year.spouse", "翌年: 配偶者", spouse);
    }
    for (index, relative) in next_year.relatives.iter().enumerate() {
        fields.relative(
            &format!("next_year.relatives[{index}]"),
            &format!("翌年: 親族{}", index + 1),
            relative,
        );
    }
    fields.0
}

/// The values that differ between `before` and `after`, by path, in `after`'s order followed
/// by the values that disappeared.
pub fn diff(before: &Declaration, after: &Declaration) -> Vec<ValueChange> {
    let old = flatten(before);
    let new = flatten(after);
    let mut changes = Vec::new();
    for field in &new {
        let previous = old.iter().find(|candidate| candidate.path == field.path);
        if previous.map(|previous| &previous.value) != Some(&field.value) {
            changes.push(ValueChange {
                path: field.path.clone(),
                label: field.label.clone(),
                before: previous.map(|previous| previous.value.clone()),
                after: Some(field.value.clone()),
            });
        }
    }
    for field in &old {
        if !new.iter().any(|candidate| candidate.path == field.path) {
            changes.push(ValueChange {
                path: field.path.clone(),
                label: field.label.clone(),
                before: Some(field.value.clone()),
                after: None,
            });
        }
    }
    changes
}

#[derive(Default)]
struct Fields(Vec<FlatField>);

impl Fields {
    fn text(&mut self, path: &str, label: &str, value: &str) {
        self.0.push(FlatField {
            path: path.to_owned(),
            label: label.to_owned(),
            value: value.to_owned(),
        });
    }

    fn yen(&mut self, path: &str, label: &str, value: Yen) {
        self.text(path, label, &format!("{value}"));
    }

    fn flag(&mut self, path: &str, label: &str, value: bool) {
        self.text(path, label, if value { "はい" } else { "いいえ" });
    }

    fn disability(&mut self, path: &str, label: &str, value: DisabilityKind) {
        self.text(path, label, value.japanese_name());
    }

    fn spouse(&mut self, path: &str, label: &str, spouse: &SpouseEntry) {
        self.name(path, label, &spouse.name);
        self.text(
            &format!("{path}.birth_date"),
            &format!("{label}: 生年月日"),
            &spouse.birth_date.to_string(),
        );
        self.yen(
            &format!("{path}.estimated_income"),
            &format!("{label}: 合計所得金額(見積額)"),
            spouse.estimated_income,
        );
        self.disability(
            &format!("{path}.disability"),
            &format!("{label}: 障害者"),
            spouse.disability,
        );
        self.flag(
            &format!("{path}.lives_together"),
            &format!("{label}: 同居"),
            spouse.lives_together,
        );
        self.flag(
            &format!("{path}.non_resident"),
            &format!("{label}: 非居住者"),
            spouse.non_resident,
        );
    }

    fn relative(&mut self, path: &str, label: &str, relative: &RelativeEntry) {
        self.name(path, label, &relative.name);
        self.text(
            &format!("{path}.relationship"),
            &format!("{label}: 続柄"),
            &relative.relationship,
        );
        self.text(
            &format!("{path}.birth_date"),
            &format!("{label}: 生年月日"),
            &relative.birth_date.to_string(),
        );
        self.yen(
            &format!("{path}.estimated_income"),
            &format!("{label}: 合計所得金額(見積額)"),
            relative.estimated_income,
        );
        self.flag(
            &format!("{path}.lives_together"),
            &format!("{label}: 同居"),
            relative.lives_together,
        );
        self.flag(
            &format!("{path}.lineal_ascendant"),
            &format!("{label}: 直系尊属"),
            relative.lineal_ascendant,
        );
        self.disability(
            &format!("{path}.disability"),
            &format!("{label}: 障害者"),
            relative.disability,
        );
        self.flag(
            &format!("{path}.claimed_by_other_earner"),
            &format!("{label}: 他の所得者が控除"),
            relative.claimed_by_other_earner,
        );
        self.flag(
            &format!("{path}.non_resident"),
            &format!("{label}: 非居住者"),
            relative.non_resident,
        );
    }

    fn name(&mut self, path: &str, label: &str, name: &PersonName) {
        self.text(
            &format!("{path}.name"),
            &format!("{label}: 氏名"),
            &name.name,
        );
        self.text(
            &format!("{path}.kana"),
            &format!("{label}: フリガナ"),
            &name.kana,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{LifeContractAge, LifePolicy, LifePolicyKind, SpouseEntry};
    use time::macros::date;

    #[test]
    fn a_changed_premium_and_an_added_spouse_are_the_changes() {
        let mut before = Declaration::default();
        before.life_policies.push(LifePolicy {
            insurer: "日本生命".into(),
            policy_type: "終身".into(),
            kind: LifePolicyKind::General,
            contract: LifeContractAge::New,
            period: "終身".into(),
            beneficiary: "妻".into(),
            premium: Yen::new(80_000),
        });
        let mut after = before.clone();
        after.life_policies[0].premium = Yen::new(90_000);
        after.spouse = Some(SpouseEntry {
            name: PersonName {
                name: "山田花子".into(),
                kana: "ヤマダハナコ".into(),
            },
            birth_date: date!(1990 - 05 - 01),
            estimated_income: Yen::ZERO,
            disability: DisabilityKind::None,
            lives_together: true,
            non_resident: false,
        });
        let changes = diff(&before, &after);
        let premium = changes
            .iter()
            .find(|change| change.path == "life_policies[0].premium")
            .unwrap();
        assert_eq!(premium.before, Some(Yen::new(80_000).to_string()));
        assert_eq!(premium.after, Some(Yen::new(90_000).to_string()));
        assert!(
            changes
                .iter()
                .any(|change| change.path == "spouse.name" && change.before.is_none())
        );
        assert_eq!(
            changes.len(),
            1 + 7,
            "the premium and the spouse's seven values"
        );
        assert!(diff(&after, &after).is_empty());
        let removed = diff(&after, &before);
        assert!(
            removed
                .iter()
                .any(|change| change.path == "spouse.name" && change.after.is_none())
        );
    }
}
