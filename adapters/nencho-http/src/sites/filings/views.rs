//! What the declaration pages show, shared by the employee's pages, proxy entry and review: the
//! computed amounts, the forms as they will be printed, and the history.

use nencho_filings::{ComputedAmounts, Declaration, FilingEvent, Form, flatten};
use nencho_kernel::{OffsetDateTime, Yen, format_japan_datetime};
use nencho_ports::FilingHistory;
use nencho_tax::RelativeClass;
use serde::Serialize;

/// One line of a table: a label and its value, both ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub label: String,
    pub value: String,
}

fn line(label: &str, value: impl Into<String>) -> Line {
    Line {
        label: label.to_owned(),
        value: value.into(),
    }
}

/// `87,500円` (the `Display` of [`Yen`] already groups the digits and adds 円).
fn yen(amount: Yen) -> String {
    amount.to_string()
}

/// The computed deductions, in the order of the 源泉徴収簿.
pub fn amount_lines(computed: &ComputedAmounts) -> Vec<Line> {
    let deductions = &computed.deductions;
    vec![
        line(
            "給与所得控除後の給与等の金額(見積)",
            yen(computed.employment_income),
        ),
        line(
            "社会保険料控除(申告分・前職分)",
            yen(deductions.social_insurance),
        ),
        line(
            "小規模企業共済等掛金控除",
            yen(deductions.small_business_mutual_aid),
        ),
        line("生命保険料控除", yen(deductions.life_insurance)),
        line("地震保険料控除", yen(deductions.earthquake_insurance)),
        line("配偶者控除・配偶者特別控除", yen(deductions.spouse)),
        line("特定親族特別控除", yen(deductions.specific_relative)),
        line(
            "扶養控除・障害者控除等",
            yen(deductions.dependents_and_others),
        ),
        line("基礎控除", yen(deductions.basic)),
        line(
            "住宅借入金等特別控除額(税額控除)",
            yen(computed.housing_loan_credit),
        ),
    ]
}

pub const fn class_name(class: RelativeClass) -> &'static str {
    match class {
        RelativeClass::YoungDependent => "年少扶養親族(16歳未満)",
        RelativeClass::GeneralDependent => "一般の控除対象扶養親族",
        RelativeClass::SpecificDependent => "特定扶養親族",
        RelativeClass::ElderlyDependent => "老人扶養親族",
        RelativeClass::ElderlyParentLivingTogether => "老人扶養親族(同居老親等)",
        RelativeClass::SpecificRelative => "特定親族",
        RelativeClass::NotDependent => "扶養控除の対象外(所得超過)",
    }
}

/// A form as it will be printed: its name and its lines.
pub struct FormView {
    pub title: &'static str,
    pub lines: Vec<Line>,
}

/// Every form the declaration fills, with the declared values and the computed amounts.
pub fn form_views(
    document: &Declaration,
    forms: &[Form],
    computed: Option<&ComputedAmounts>,
) -> Vec<FormView> {
    let fields = flatten(document);
    let pick = |prefixes: &[&str]| -> Vec<Line> {
        fields
            .iter()
            .filter(|field| prefixes.iter().any(|prefix| field.path.starts_with(prefix)))
            .map(|field| line(&field.label, field.value.clone()))
            .collect()
    };
    forms
        .iter()
        .map(|form| {
            let mut lines = match form {
                Form::Dependents => pick(&[
                    "taxpayer.disability",
                    "taxpayer.widow",
                    "taxpayer.single_parent",
                    "taxpayer.working_student",
                    "taxpayer.school",
                    "spouse.",
                    "relatives[",
                ]),
                Form::BasicAndSpouse => pick(&[
                    "taxpayer.estimated_salary",
                    "taxpayer.other_income",
                    "spouse.name",
                    "spouse.estimated_income",
                ]),
                Form::SpecificRelative => Vec::new(),
                Form::Insurance => pick(&[
                    "life_policies[",
                    "earthquake_policies[",
                    "social_insurance[",
                    "mutual_aid[",
                ]),
                Form::HousingLoan => pick(&["housing_loan."]),
                Form::PreviousEmployment => pick(&["previous_employments["]),
                Form::DependentsNextYear => pick(&["next_year."]),
            };
            if let Some(computed) = computed {
                let deductions = &computed.deductions;
                match form {
                    Form::Dependents => {
                        for (index, class) in computed.relative_classes.iter().enumerate() {
                            lines.push(line(
                                &format!("親族{}: 区分", index + 1),
                                class_name(*class),
                            ));
                        }
                        lines.push(line(
                            "扶養控除・障害者控除等(計算)",
                            yen(deductions.dependents_and_others),
                        ));
                    }
                    Form::BasicAndSpouse => {
                        lines.push(line("基礎控除の額(計算)", yen(deductions.basic)));
                        lines.push(line(
                            "配偶者控除・配偶者特別控除の額(計算)",
                            yen(deductions.spouse),
                        ));
                    }
                    Form::SpecificRelative => {
                        for (index, (relative, class)) in document
                            .relatives
                            .iter()
                            .zip(&computed.relative_classes)
                            .enumerate()
                        {
                            if *class == RelativeClass::SpecificRelative {
                                lines.push(line(
                                    &format!("親族{}: 氏名", index + 1),
                                    relative.name.name.clone(),
                                ));
                                lines.push(line(
                                    &format!("親族{}: 合計所得金額(見積額)", index + 1),
                                    yen(relative.estimated_income),
                                ));
                            }
                        }
                        lines.push(line(
                            "特定親族特別控除の額(計算)",
                            yen(deductions.specific_relative),
                        ));
                    }
                    Form::Insurance => {
                        lines.push(line(
                            "生命保険料控除額(計算)",
                            yen(deductions.life_insurance),
                        ));
                        lines.push(line(
                            "地震保険料控除額(計算)",
                            yen(deductions.earthquake_insurance),
                        ));
                        lines.push(line(
                            "社会保険料控除額(申告分・前職分)",
                            yen(deductions.social_insurance),
                        ));
                        lines.push(line(
                            "小規模企業共済等掛金控除額",
                            yen(deductions.small_business_mutual_aid),
                        ));
                    }
                    Form::HousingLoan => {
                        lines.push(line(
                            "住宅借入金等特別控除額(計算)",
                            yen(computed.housing_loan_credit),
                        ));
                    }
                    Form::PreviousEmployment => {
                        let sums = document.previous_employment_totals();
                        lines.push(line("前職分の合計: 支払金額", yen(sums.salary)));
                        lines.push(line(
                            "前職分の合計: 社会保険料等の金額",
                            yen(sums.social_insurance),
                        ));
                        lines.push(line("前職分の合計: 源泉徴収税額", yen(sums.tax_withheld)));
                    }
                    Form::DependentsNextYear => {
                        let (spouse, relatives) = document.next_year_family();
                        if let Some(spouse) = spouse {
                            lines.push(line(
                                &format!("翌年: 配偶者({}): 源泉控除対象配偶者", spouse.name.name),
                                if computed.next_year_withholding_spouse {
                                    "該当(暫定)"
                                } else {
                                    "非該当(暫定)"
                                },
                            ));
                        }
                        for (index, (relative, class)) in relatives
                            .iter()
                            .zip(&computed.next_year_relative_classes)
                            .enumerate()
                        {
                            lines.push(line(
                                &format!(
                                    "翌年: 親族{}({}): 翌年末の区分(暫定)",
                                    index + 1,
                                    relative.name.name
                                ),
                                class_name(*class),
                            ));
                        }
                    }
                }
            }
            FormView {
                title: form.japanese_name(),
                lines,
            }
        })
        .collect()
}

/// One entry of the history as shown.
pub struct EventView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub from: &'static str,
    pub to: &'static str,
    pub comment: String,
    pub proxy: bool,
}

pub struct ChangeView {
    pub at: String,
    pub actor: String,
    pub label: String,
    pub before: String,
    pub after: String,
}

/// `part` of `whole` as a percentage with one decimal (`—` when there is no whole).
pub fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".to_owned();
    }
    let tenths = (part * 1_000 + whole / 2) / whole;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

pub fn when(at: OffsetDateTime) -> String {
    format_japan_datetime(at)
}

pub fn event_views(history: &FilingHistory) -> Vec<EventView> {
    history.events.iter().map(event_view).collect()
}

/// 担当者への連絡事項 of the latest submission, if it carried one.
pub fn submission_note_view(history: &FilingHistory) -> Option<EventView> {
    nencho_filings::latest_submission_note(&history.events).map(event_view)
}

fn event_view(event: &FilingEvent) -> EventView {
    EventView {
        at: when(event.at),
        actor: event.actor_name.clone(),
        action: event.action.clone(),
        from: event.from.japanese_name(),
        to: event.to.japanese_name(),
        comment: event.comment.clone().unwrap_or_default(),
        proxy: event.proxy,
    }
}

pub fn change_views(history: &FilingHistory) -> Vec<ChangeView> {
    history
        .changes
        .iter()
        .map(|change| ChangeView {
            at: when(change.at),
            actor: change.actor_name.clone(),
            label: change.change.label.clone(),
            before: change.change.before.clone().unwrap_or_else(|| "—".into()),
            after: change.change.after.clone().unwrap_or_else(|| "—".into()),
        })
        .collect()
}

/// A piece of 会社からのご案内 as the page shows it: text, or a link to an address in it.
pub(super) struct GuidancePieceView {
    pub text: String,
    pub href: Option<String>,
}

/// The company's guidance cut into text and links, escaped by the template like any text.
pub(super) fn guidance_view(
    guidance: Option<&nencho_filings::GuidanceText>,
) -> Vec<GuidancePieceView> {
    use nencho_filings::GuidancePiece;
    guidance.map_or_else(Vec::new, |guidance| {
        guidance
            .pieces()
            .into_iter()
            .map(|piece| match piece {
                GuidancePiece::Text(text) => GuidancePieceView {
                    text: text.to_owned(),
                    href: None,
                },
                GuidancePiece::Link(address) => GuidancePieceView {
                    text: address.to_owned(),
                    href: Some(address.to_owned()),
                },
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn shares_round_to_a_tenth_of_a_percent() {
        assert_eq!(share(0, 0), "—");
        assert_eq!(share(1, 3), "33.3%");
        assert_eq!(share(2, 3), "66.7%");
        assert_eq!(share(3, 3), "100.0%");
        assert_eq!(share(1, 8), "12.5%");
    }
}
