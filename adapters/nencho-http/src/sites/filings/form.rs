//! The declaration's steps as HTML form fields, both ways: a document's values as the fields a
//! step shows, and a step's posted fields read back into the document, with every mistake named
//! by field. A step changes only its own section; nothing is saved while a field is wrong.

use std::collections::BTreeMap;

use nencho_filings::{
    Declaration, DisabilityKind, EarthquakePolicy, EarthquakePolicyKind, HousingLoan,
    LifeContractAge, LifePolicy, LifePolicyKind, MutualAidKind, MutualAidPayment, PersonName,
    PreviousEmployment, RelativeEntry, SocialInsurancePayment, SpouseEntry,
};
use nencho_kernel::{Date, Yen, parse_japanese_date};

/// The steps of the guided flow, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Questions,
    Taxpayer,
    /// 前職分: the 源泉徴収票 of earlier employers of the year (中途入社).
    Previous,
    Spouse,
    Relatives,
    Insurance,
    Housing,
    /// 翌年分の扶養控除等申告書: next year's family.
    NextYear,
}

impl Step {
    pub const ALL: [Step; 8] = [
        Step::Questions,
        Step::Taxpayer,
        Step::Previous,
        Step::Spouse,
        Step::Relatives,
        Step::Insurance,
        Step::Housing,
        Step::NextYear,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Step::Questions => "questions",
            Step::Taxpayer => "self",
            Step::Previous => "previous",
            Step::Spouse => "spouse",
            Step::Relatives => "relatives",
            Step::Insurance => "insurance",
            Step::Housing => "housing",
            Step::NextYear => "next_year",
        }
    }

    pub fn from_code(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.code() == code)
    }

    /// Whether the answers make this step part of the flow.
    pub fn applies(self, document: &Declaration) -> bool {
        let answers = &document.answers;
        match self {
            Step::Questions | Step::Taxpayer | Step::NextYear => true,
            Step::Previous => answers.had_previous_employer == Some(true),
            Step::Spouse => answers.has_spouse == Some(true),
            Step::Relatives => answers.has_dependents == Some(true),
            Step::Insurance => [
                answers.paid_life_insurance,
                answers.paid_earthquake_insurance,
                answers.paid_social_insurance,
                answers.paid_mutual_aid,
            ]
            .contains(&Some(true)),
            Step::Housing => answers.has_housing_loan == Some(true),
        }
    }

    /// The next step that applies, `None` after the last (the review comes next).
    pub fn next(self, document: &Declaration) -> Option<Step> {
        Step::ALL
            .into_iter()
            .skip_while(|step| *step != self)
            .skip(1)
            .find(|step| step.applies(document))
    }

    pub fn previous(self, document: &Declaration) -> Option<Step> {
        Step::ALL
            .into_iter()
            .take_while(|step| *step != self)
            .filter(|step| step.applies(document))
            .last()
    }
}

/// The posted fields of a step, by name.
pub type Fields = BTreeMap<String, String>;

/// Field name → what is wrong with it (Japanese).
pub type FieldErrors = BTreeMap<String, String>;

/// Names of the questions, with their answer in the document.
pub const QUESTIONS: [&str; 7] = [
    "has_spouse",
    "has_dependents",
    "paid_life_insurance",
    "paid_earthquake_insurance",
    "paid_social_insurance",
    "paid_mutual_aid",
    "has_housing_loan",
];

/// 「今年、入社前に他の勤務先から給与を受け取りましたか?」: asked with the others but not
/// required (it came within schema version 1; unanswered is no).
pub const PREVIOUS_EMPLOYER_QUESTION: &str = "had_previous_employer";

/// The question of the next-year step (「来年も扶養する家族は今年と同じですか?」).
pub const NEXT_YEAR_SAME: &str = "next_year_same";

/// The free-text fields of next year's spouse: all blank = no spouse next year.
const NEXT_SPOUSE_TYPED: [&str; 4] = [
    "next_spouse_name",
    "next_spouse_kana",
    "next_spouse_birth_date",
    "next_spouse_income",
];

/// The free-text fields of one row of each list (by row prefix): a row with all of them blank
/// is the spare row the page offers, not an entry.
const TYPED_FIELDS: [(&str, &[&str]); 7] = [
    (
        "p",
        &["payer", "address", "left_on", "salary", "social", "tax"],
    ),
    (
        "r",
        &["name", "kana", "relationship", "birth_date", "income"],
    ),
    (
        "n",
        &["name", "kana", "relationship", "birth_date", "income"],
    ),
    (
        "l",
        &["insurer", "type", "period", "beneficiary", "premium"],
    ),
    ("e", &["insurer", "object", "period", "premium"]),
    ("s", &["kind", "payee", "borne_by", "amount"]),
    ("m", &["amount"]),
];

fn answer_slot<'a>(document: &'a mut Declaration, name: &str) -> Option<&'a mut Option<bool>> {
    let answers = &mut document.answers;
    Some(match name {
        "has_spouse" => &mut answers.has_spouse,
        "has_dependents" => &mut answers.has_dependents,
        "paid_life_insurance" => &mut answers.paid_life_insurance,
        "paid_earthquake_insurance" => &mut answers.paid_earthquake_insurance,
        "paid_social_insurance" => &mut answers.paid_social_insurance,
        "paid_mutual_aid" => &mut answers.paid_mutual_aid,
        "has_housing_loan" => &mut answers.has_housing_loan,
        PREVIOUS_EMPLOYER_QUESTION => &mut answers.had_previous_employer,
        _ => return None,
    })
}

/// The fields a step shows for `document`.
pub fn fields_of(document: &Declaration) -> Fields {
    let mut fields = Fields::new();
    let mut put = |name: String, value: String| {
        fields.insert(name, value);
    };
    let mut copy = document.clone();
    for name in QUESTIONS.into_iter().chain([PREVIOUS_EMPLOYER_QUESTION]) {
        if let Some(Some(answer)) = answer_slot(&mut copy, name).map(|slot| *slot) {
            put(name.into(), if answer { "yes" } else { "no" }.into());
        }
    }
    let taxpayer = &document.taxpayer;
    put("estimated_salary".into(), amount(taxpayer.estimated_salary));
    put("other_income".into(), amount(taxpayer.other_income));
    put(
        "disability".into(),
        disability_code(taxpayer.disability).into(),
    );
    put("widow".into(), flag(taxpayer.widow));
    put("single_parent".into(), flag(taxpayer.single_parent));
    put("working_student".into(), flag(taxpayer.working_student));
    put("school".into(), taxpayer.school.clone());
    for (i, job) in document.previous_employments.iter().enumerate() {
        put(format!("p{i}_payer"), job.payer_name.clone());
        put(format!("p{i}_address"), job.payer_address.clone());
        put(format!("p{i}_left_on"), job.left_on.to_string());
        put(format!("p{i}_salary"), amount(job.salary));
        put(format!("p{i}_social"), amount(job.social_insurance));
        put(format!("p{i}_tax"), amount(job.tax_withheld));
    }
    if let Some(spouse) = &document.spouse {
        spouse_fields(&mut put, "spouse", spouse);
    }
    for (i, relative) in document.relatives.iter().enumerate() {
        relative_fields(&mut put, "r", i, relative);
    }
    for (i, policy) in document.life_policies.iter().enumerate() {
        put(format!("l{i}_insurer"), policy.insurer.clone());
        put(format!("l{i}_type"), policy.policy_type.clone());
        put(format!("l{i}_kind"), life_kind_code(policy.kind).into());
        put(
            format!("l{i}_contract"),
            contract_code(policy.contract).into(),
        );
        put(format!("l{i}_period"), policy.period.clone());
        put(format!("l{i}_beneficiary"), policy.beneficiary.clone());
        put(format!("l{i}_premium"), amount(policy.premium));
    }
    for (i, policy) in document.earthquake_policies.iter().enumerate() {
        put(format!("e{i}_insurer"), policy.insurer.clone());
        put(
            format!("e{i}_kind"),
            earthquake_kind_code(policy.kind).into(),
        );
        put(format!("e{i}_object"), policy.insured_object.clone());
        put(format!("e{i}_period"), policy.period.clone());
        put(format!("e{i}_premium"), amount(policy.premium));
    }
    for (i, payment) in document.social_insurance.iter().enumerate() {
        put(format!("s{i}_kind"), payment.kind.clone());
        put(format!("s{i}_payee"), payment.payee.clone());
        put(format!("s{i}_borne_by"), payment.borne_by.clone());
        put(format!("s{i}_amount"), amount(payment.amount));
    }
    for (i, payment) in document.mutual_aid.iter().enumerate() {
        put(format!("m{i}_kind"), mutual_aid_code(payment.kind).into());
        put(format!("m{i}_amount"), amount(payment.amount));
    }
    if let Some(loan) = &document.housing_loan {
        put("housing_start".into(), loan.residence_start.to_string());
        put("housing_balance".into(), amount(loan.year_end_balance));
        put("housing_limit".into(), amount(loan.credit_limit));
    }
    let next_year = &document.next_year;
    if let Some(same) = next_year.same_as_this_year {
        put(
            NEXT_YEAR_SAME.into(),
            if same { "yes" } else { "no" }.into(),
        );
    }
    if let Some(spouse) = &next_year.spouse {
        spouse_fields(&mut put, "next_spouse", spouse);
    }
    for (i, relative) in next_year.relatives.iter().enumerate() {
        relative_fields(&mut put, "n", i, relative);
    }
    fields
}

fn spouse_fields(put: &mut impl FnMut(String, String), prefix: &str, spouse: &SpouseEntry) {
    put(format!("{prefix}_name"), spouse.name.name.clone());
    put(format!("{prefix}_kana"), spouse.name.kana.clone());
    put(
        format!("{prefix}_birth_date"),
        spouse.birth_date.to_string(),
    );
    put(format!("{prefix}_income"), amount(spouse.estimated_income));
    put(
        format!("{prefix}_disability"),
        disability_code(spouse.disability).into(),
    );
    put(
        format!("{prefix}_lives_together"),
        flag(spouse.lives_together),
    );
    put(format!("{prefix}_non_resident"), flag(spouse.non_resident));
}

fn relative_fields(
    put: &mut impl FnMut(String, String),
    prefix: &str,
    i: usize,
    relative: &RelativeEntry,
) {
    let p = format!("{prefix}{i}");
    put(format!("{p}_name"), relative.name.name.clone());
    put(format!("{p}_kana"), relative.name.kana.clone());
    put(format!("{p}_relationship"), relative.relationship.clone());
    put(format!("{p}_birth_date"), relative.birth_date.to_string());
    put(format!("{p}_income"), amount(relative.estimated_income));
    put(format!("{p}_lives_together"), flag(relative.lives_together));
    put(
        format!("{p}_lineal_ascendant"),
        flag(relative.lineal_ascendant),
    );
    put(
        format!("{p}_disability"),
        disability_code(relative.disability).into(),
    );
    put(
        format!("{p}_other_earner"),
        flag(relative.claimed_by_other_earner),
    );
    put(format!("{p}_non_resident"), flag(relative.non_resident));
}

/// How many rows of a list the fields hold (the highest index present, plus one).
pub fn row_count(fields: &Fields, prefix: &str) -> usize {
    fields
        .keys()
        .filter_map(|name| {
            let rest = name.strip_prefix(prefix)?;
            let (index, _) = rest.split_once('_')?;
            index.parse::<usize>().ok()
        })
        .map(|index| index + 1)
        .max()
        .unwrap_or(0)
}

/// Reads a step's posted fields into `document` (its own section only). On any mistake the
/// document is left as it was and every mistake is returned.
pub fn apply(
    step: Step,
    document: &Declaration,
    fields: &Fields,
) -> Result<Declaration, FieldErrors> {
    let mut reader = Reader {
        fields,
        errors: FieldErrors::new(),
    };
    let mut next = document.clone();
    next.carried_over_unconfirmed = false;
    match step {
        Step::Questions => {
            for name in QUESTIONS {
                let answer = match reader.text(name).as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => {
                        reader.fail(name, "「はい」か「いいえ」を選んでください");
                        None
                    }
                };
                if let Some(slot) = answer_slot(&mut next, name) {
                    *slot = answer;
                }
            }
            next.answers.had_previous_employer =
                match reader.text(PREVIOUS_EMPLOYER_QUESTION).as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    "" => None,
                    _ => {
                        reader.fail(
                            PREVIOUS_EMPLOYER_QUESTION,
                            "「はい」か「いいえ」を選んでください",
                        );
                        None
                    }
                };
            // A "no" removes what the section held, so the forms agree with the answers.
            let answers = next.answers;
            if answers.has_spouse == Some(false) {
                next.spouse = None;
            }
            if answers.has_dependents == Some(false) {
                next.relatives.clear();
            }
            if answers.paid_life_insurance == Some(false) {
                next.life_policies.clear();
            }
            if answers.paid_earthquake_insurance == Some(false) {
                next.earthquake_policies.clear();
            }
            if answers.paid_social_insurance == Some(false) {
                next.social_insurance.clear();
            }
            if answers.paid_mutual_aid == Some(false) {
                next.mutual_aid.clear();
            }
            if answers.has_housing_loan == Some(false) {
                next.housing_loan = None;
            }
            if answers.had_previous_employer != Some(true) {
                next.previous_employments.clear();
            }
        }
        Step::Taxpayer => {
            let taxpayer = &mut next.taxpayer;
            taxpayer.estimated_salary = reader.amount("estimated_salary", false);
            taxpayer.other_income = reader.amount("other_income", true);
            taxpayer.disability = reader.disability("disability");
            taxpayer.widow = reader.flag("widow");
            taxpayer.single_parent = reader.flag("single_parent");
            taxpayer.working_student = reader.flag("working_student");
            taxpayer.school = reader.text("school");
        }
        Step::Previous => {
            next.previous_employments = reader.rows("p", |reader, i| {
                let left_on = reader.date(&format!("p{i}_left_on"));
                PreviousEmployment {
                    payer_name: reader.required(&format!("p{i}_payer")),
                    payer_address: reader.text(&format!("p{i}_address")),
                    left_on: left_on.unwrap_or(Date::MIN),
                    salary: reader.amount(&format!("p{i}_salary"), false),
                    social_insurance: reader.amount(&format!("p{i}_social"), true),
                    tax_withheld: reader.amount(&format!("p{i}_tax"), true),
                }
            });
        }
        Step::Spouse => {
            next.spouse = Some(reader.spouse("spouse"));
        }
        Step::Relatives => {
            next.relatives = reader.rows("r", |reader, i| reader.relative("r", i));
        }
        Step::NextYear => {
            let section = &mut next.next_year;
            section.same_as_this_year = match reader.text(NEXT_YEAR_SAME).as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => {
                    reader.fail(NEXT_YEAR_SAME, "「はい」か「いいえ」を選んでください");
                    None
                }
            };
            // Only a different family keeps entries of its own; "same" clears them.
            if section.same_as_this_year == Some(false) {
                let has_spouse = NEXT_SPOUSE_TYPED
                    .iter()
                    .any(|name| !reader.text(name).is_empty());
                section.spouse = has_spouse.then(|| reader.spouse("next_spouse"));
                section.relatives = reader.rows("n", |reader, i| reader.relative("n", i));
            } else {
                section.spouse = None;
                section.relatives.clear();
            }
        }
        Step::Insurance => {
            next.life_policies = reader.rows("l", |reader, i| LifePolicy {
                insurer: reader.required(&format!("l{i}_insurer")),
                policy_type: reader.text(&format!("l{i}_type")),
                kind: match reader.text(&format!("l{i}_kind")).as_str() {
                    "care_medical" => LifePolicyKind::CareMedical,
                    "pension" => LifePolicyKind::Pension,
                    _ => LifePolicyKind::General,
                },
                contract: match reader.text(&format!("l{i}_contract")).as_str() {
                    "old" => LifeContractAge::Old,
                    _ => LifeContractAge::New,
                },
                period: reader.text(&format!("l{i}_period")),
                beneficiary: reader.text(&format!("l{i}_beneficiary")),
                premium: reader.amount(&format!("l{i}_premium"), false),
            });
            next.earthquake_policies = reader.rows("e", |reader, i| EarthquakePolicy {
                insurer: reader.required(&format!("e{i}_insurer")),
                kind: match reader.text(&format!("e{i}_kind")).as_str() {
                    "old_long_term" => EarthquakePolicyKind::OldLongTerm,
                    _ => EarthquakePolicyKind::Earthquake,
                },
                insured_object: reader.text(&format!("e{i}_object")),
                period: reader.text(&format!("e{i}_period")),
                premium: reader.amount(&format!("e{i}_premium"), false),
            });
            next.social_insurance = reader.rows("s", |reader, i| SocialInsurancePayment {
                kind: reader.required(&format!("s{i}_kind")),
                payee: reader.text(&format!("s{i}_payee")),
                borne_by: reader.text(&format!("s{i}_borne_by")),
                amount: reader.amount(&format!("s{i}_amount"), false),
            });
            next.mutual_aid = reader.rows("m", |reader, i| MutualAidPayment {
                kind: match reader.text(&format!("m{i}_kind")).as_str() {
                    "small_business" => MutualAidKind::SmallBusiness,
                    "corporate_dc" => MutualAidKind::CorporateDc,
                    "disability_mutual_aid" => MutualAidKind::DisabilityMutualAid,
                    _ => MutualAidKind::Ideco,
                },
                amount: reader.amount(&format!("m{i}_amount"), false),
            });
        }
        Step::Housing => {
            let start = reader.date("housing_start");
            next.housing_loan = Some(HousingLoan {
                residence_start: start.unwrap_or(Date::MIN),
                year_end_balance: reader.amount("housing_balance", false),
                credit_limit: reader.amount("housing_limit", false),
            });
        }
    }
    if reader.errors.is_empty() {
        Ok(next)
    } else {
        Err(reader.errors)
    }
}

struct Reader<'a> {
    fields: &'a Fields,
    errors: FieldErrors,
}

impl Reader<'_> {
    fn fail(&mut self, name: &str, message: &str) {
        self.errors
            .entry(name.to_owned())
            .or_insert_with(|| message.to_owned());
    }

    fn text(&self, name: &str) -> String {
        self.fields
            .get(name)
            .map(|value| value.trim().to_owned())
            .unwrap_or_default()
    }

    fn required(&mut self, name: &str) -> String {
        let value = self.text(name);
        if value.is_empty() {
            self.fail(name, "入力してください");
        }
        value
    }

    fn flag(&self, name: &str) -> bool {
        matches!(self.text(name).as_str(), "1" | "on" | "yes" | "true")
    }

    /// An amount; blank is 0 when `blank_is_zero`, else a mistake.
    fn amount(&mut self, name: &str, blank_is_zero: bool) -> Yen {
        let text = self.text(name);
        if text.is_empty() && blank_is_zero {
            return Yen::ZERO;
        }
        match Yen::parse_typed(&text) {
            Ok(amount) => amount,
            Err(error) => {
                self.fail(name, &error.to_string());
                Yen::ZERO
            }
        }
    }

    fn date(&mut self, name: &str) -> Option<Date> {
        match parse_japanese_date(&self.text(name)) {
            Ok(date) => Some(date),
            Err(_) => {
                self.fail(
                    name,
                    "日付を 1990-04-01 や 平成2年4月1日 の形で入力してください",
                );
                None
            }
        }
    }

    /// A spouse from the fields `{prefix}_name`, `{prefix}_birth_date`, ….
    fn spouse(&mut self, prefix: &str) -> SpouseEntry {
        let birth_date = self.date(&format!("{prefix}_birth_date"));
        SpouseEntry {
            name: PersonName {
                name: self.required(&format!("{prefix}_name")),
                kana: self.text(&format!("{prefix}_kana")),
            },
            birth_date: birth_date.unwrap_or(Date::MIN),
            estimated_income: self.amount(&format!("{prefix}_income"), true),
            disability: self.disability(&format!("{prefix}_disability")),
            lives_together: self.flag(&format!("{prefix}_lives_together")),
            non_resident: self.flag(&format!("{prefix}_non_resident")),
        }
    }

    /// Row `i` of a relatives list (`r` this year, `n` next year).
    fn relative(&mut self, prefix: &str, i: usize) -> RelativeEntry {
        let p = format!("{prefix}{i}");
        let birth_date = self.date(&format!("{p}_birth_date"));
        RelativeEntry {
            name: PersonName {
                name: self.required(&format!("{p}_name")),
                kana: self.text(&format!("{p}_kana")),
            },
            relationship: self.required(&format!("{p}_relationship")),
            birth_date: birth_date.unwrap_or(Date::MIN),
            estimated_income: self.amount(&format!("{p}_income"), true),
            lives_together: self.flag(&format!("{p}_lives_together")),
            lineal_ascendant: self.flag(&format!("{p}_lineal_ascendant")),
            disability: self.disability(&format!("{p}_disability")),
            claimed_by_other_earner: self.flag(&format!("{p}_other_earner")),
            non_resident: self.flag(&format!("{p}_non_resident")),
        }
    }

    fn disability(&self, name: &str) -> DisabilityKind {
        match self.text(name).as_str() {
            "general" => DisabilityKind::General,
            "special" => DisabilityKind::Special,
            _ => DisabilityKind::None,
        }
    }

    /// The rows of a list: a row left wholly blank (the spare row) or marked for removal is
    /// dropped.
    fn rows<T>(&mut self, prefix: &str, mut read: impl FnMut(&mut Self, usize) -> T) -> Vec<T> {
        let typed = TYPED_FIELDS
            .iter()
            .find(|(candidate, _)| *candidate == prefix)
            .map_or(&[][..], |(_, names)| *names);
        (0..row_count(self.fields, prefix))
            .filter(|i| !self.flag(&format!("{prefix}{i}_remove")))
            .filter(|i| {
                typed
                    .iter()
                    .any(|name| !self.text(&format!("{prefix}{i}_{name}")).is_empty())
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|i| read(self, i))
            .collect()
    }
}

fn amount(value: Yen) -> String {
    value.amount().to_string()
}

fn flag(value: bool) -> String {
    if value { "1" } else { "" }.to_owned()
}

pub const fn disability_code(kind: DisabilityKind) -> &'static str {
    match kind {
        DisabilityKind::None => "none",
        DisabilityKind::General => "general",
        DisabilityKind::Special => "special",
    }
}

const fn life_kind_code(kind: LifePolicyKind) -> &'static str {
    match kind {
        LifePolicyKind::General => "general",
        LifePolicyKind::CareMedical => "care_medical",
        LifePolicyKind::Pension => "pension",
    }
}

const fn contract_code(contract: LifeContractAge) -> &'static str {
    match contract {
        LifeContractAge::New => "new",
        LifeContractAge::Old => "old",
    }
}

const fn earthquake_kind_code(kind: EarthquakePolicyKind) -> &'static str {
    match kind {
        EarthquakePolicyKind::Earthquake => "earthquake",
        EarthquakePolicyKind::OldLongTerm => "old_long_term",
    }
}

const fn mutual_aid_code(kind: MutualAidKind) -> &'static str {
    match kind {
        MutualAidKind::SmallBusiness => "small_business",
        MutualAidKind::CorporateDc => "corporate_dc",
        MutualAidKind::Ideco => "ideco",
        MutualAidKind::DisabilityMutualAid => "disability_mutual_aid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn a_document_survives_its_own_fields_for_every_step() {
        let mut document = Declaration::default();
        let questions = posted(&[
            ("has_spouse", "yes"),
            ("has_dependents", "yes"),
            ("paid_life_insurance", "yes"),
            ("paid_earthquake_insurance", "no"),
            ("paid_social_insurance", "no"),
            ("paid_mutual_aid", "no"),
            ("has_housing_loan", "no"),
            ("had_previous_employer", "yes"),
        ]);
        document = apply(Step::Questions, &document, &questions).unwrap();
        let previous = posted(&[
            ("p0_payer", "株式会社前職"),
            ("p0_address", ""),
            ("p0_left_on", "令和8年3月31日"),
            ("p0_salary", "１，２００，０００"),
            ("p0_social", "180000"),
            ("p0_tax", ""),
            ("p1_payer", ""),
        ]);
        document = apply(Step::Previous, &document, &previous).unwrap();
        assert_eq!(
            document.previous_employments.len(),
            1,
            "the spare row is dropped"
        );
        let job = &document.previous_employments[0];
        assert_eq!(job.left_on.to_string(), "2026-03-31");
        assert_eq!(
            (job.salary, job.social_insurance, job.tax_withheld),
            (Yen::new(1_200_000), Yen::new(180_000), Yen::ZERO)
        );
        let no_salary = posted(&[("p0_payer", "株式会社前職"), ("p0_left_on", "2026-03-31")]);
        assert!(
            apply(Step::Previous, &document, &no_salary)
                .unwrap_err()
                .contains_key("p0_salary")
        );
        let spouse = posted(&[
            ("spouse_name", "山田 花子"),
            ("spouse_birth_date", "平成2年4月1日"),
            ("spouse_income", "０"),
        ]);
        document = apply(Step::Spouse, &document, &spouse).unwrap();
        let relatives = posted(&[
            ("r0_name", "山田 一郎"),
            ("r0_relationship", "長男"),
            ("r0_birth_date", "2006-05-01"),
            ("r0_income", ""),
            ("r0_lives_together", "1"),
            ("r1_name", ""),
        ]);
        document = apply(Step::Relatives, &document, &relatives).unwrap();
        assert_eq!(
            document.relatives.len(),
            1,
            "the blank spare row is dropped"
        );
        let next_year = posted(&[
            ("next_year_same", "no"),
            ("next_spouse_name", ""),
            ("n0_name", "山田 一郎"),
            ("n0_relationship", "長男"),
            ("n0_birth_date", "2006-05-01"),
            ("n1_name", "山田 二郎"),
            ("n1_relationship", "二男"),
            ("n1_birth_date", "令和9年3月1日"),
            ("n1_income", "0"),
            ("n2_name", ""),
        ]);
        document = apply(Step::NextYear, &document, &next_year).unwrap();
        assert_eq!(document.next_year.same_as_this_year, Some(false));
        assert_eq!(document.next_year.spouse, None, "a blank spouse is none");
        assert_eq!(document.next_year.relatives.len(), 2);
        let missing = apply(Step::NextYear, &document, &posted(&[])).unwrap_err();
        assert!(missing.contains_key("next_year_same"));
        for step in Step::ALL {
            let again = apply(step, &document, &fields_of(&document)).unwrap_or_else(|errors| {
                if step.applies(&document) {
                    panic!("{step:?}: {errors:?}")
                }
                document.clone()
            });
            if step.applies(&document) {
                assert_eq!(again, document, "{step:?}");
            }
        }
        assert_eq!(Step::Questions.next(&document), Some(Step::Taxpayer));
        assert_eq!(Step::Taxpayer.next(&document), Some(Step::Previous));
        assert_eq!(Step::Previous.next(&document), Some(Step::Spouse));
        assert_eq!(Step::Relatives.next(&document), Some(Step::Insurance));
        assert_eq!(Step::Insurance.next(&document), Some(Step::NextYear));
        assert_eq!(Step::NextYear.next(&document), None);
        assert_eq!(Step::NextYear.previous(&document), Some(Step::Insurance));
        assert_eq!(Step::Insurance.previous(&document), Some(Step::Relatives));
        let same = apply(
            Step::NextYear,
            &document,
            &posted(&[("next_year_same", "yes"), ("n0_name", "ignored")]),
        )
        .unwrap();
        assert_eq!(same.next_year.same_as_this_year, Some(true));
        assert!(
            same.next_year.relatives.is_empty(),
            "\"same\" clears the rows"
        );
    }

    #[test]
    fn every_mistake_is_named_and_nothing_changes() {
        let document = Declaration::default();
        let fields = posted(&[
            ("l0_insurer", ""),
            ("l0_premium", "12.5"),
            ("l1_insurer", "A生命"),
            ("l1_premium", "-3"),
        ]);
        let errors = apply(Step::Insurance, &document, &fields).unwrap_err();
        assert_eq!(
            errors.get("l0_insurer").map(String::as_str),
            Some("入力してください")
        );
        assert!(errors.contains_key("l0_premium"));
        assert!(errors.contains_key("l1_premium"));
        let bad_date = posted(&[("spouse_name", "花子"), ("spouse_birth_date", "2/30")]);
        assert!(
            apply(Step::Spouse, &document, &bad_date)
                .unwrap_err()
                .contains_key("spouse_birth_date")
        );
    }

    #[test]
    fn answering_no_clears_the_section() {
        let mut document = Declaration::default();
        document.answers.has_spouse = Some(true);
        document.spouse = Some(SpouseEntry {
            name: PersonName {
                name: "花子".into(),
                kana: String::new(),
            },
            birth_date: Date::MIN,
            estimated_income: Yen::ZERO,
            disability: DisabilityKind::None,
            lives_together: false,
            non_resident: false,
        });
        let mut fields = fields_of(&document);
        for name in QUESTIONS {
            fields.insert(name.into(), "no".into());
        }
        let next = apply(Step::Questions, &document, &fields).unwrap();
        assert_eq!(next.spouse, None);
        // The previous-employer question is optional: left out, it is unanswered (no).
        assert_eq!(next.answers.had_previous_employer, None);
        assert!(!Step::Previous.applies(&next));
    }
}
