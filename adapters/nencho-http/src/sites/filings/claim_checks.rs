//! 重複扶養チェック on the review page: each finding in words, conflicts marked, the other
//! declaration linked when the reviewer may open it.

use nencho_app::filings::claims::ClaimCheck;
use nencho_filings::{Claim, ClaimFinding};
use nencho_kernel::Yen;

/// One finding as the page shows it.
pub(super) struct ClaimCheckView {
    /// Breaks a rule by itself (claimed twice, spouses claiming each other).
    pub conflict: bool,
    pub title: &'static str,
    pub detail: String,
    /// The other declaration, when the reviewer may open it.
    pub link: Option<String>,
}

fn who(check: &ClaimCheck) -> String {
    match &check.other {
        Some(other) => {
            let department = other
                .department
                .as_deref()
                .map(|department| format!("・{department}"))
                .unwrap_or_default();
            let company = check
                .other_company
                .as_deref()
                .map(|company| format!("{company} "))
                .unwrap_or_default();
            format!(
                "{company}社員番号 {} {}({}{})",
                other.number,
                other.name.full(),
                check
                    .other_filing
                    .as_ref()
                    .map_or("申告書なし", |filing| filing.status.japanese_name()),
                department
            )
        }
        None => "担当範囲外の従業員".to_owned(),
    }
}

fn person(claim: &Claim) -> String {
    format!(
        "{}({}、所得見積額 {})",
        claim.name,
        claim.role.japanese(),
        claim.declared_income
    )
}

/// Whose declaration gives the person's own income, in the sentence.
#[derive(Clone, Copy)]
enum Source {
    /// The colleague's own declaration.
    Theirs,
    /// The declaration under review (its employee is the person claimed).
    This,
}

fn own_income(income: Option<Yen>, declared: Yen, source: Source) -> String {
    let whose = match source {
        Source::Theirs => "本人の申告",
        Source::This => "この申告書",
    };
    match income {
        Some(income) if income > declared => format!(
            "{whose}による合計所得金額は {income} で、控除の対象として申告された見積額より多くなっています。"
        ),
        Some(income) => format!("{whose}による合計所得金額は {income} です。"),
        None => format!("{whose}はまだ入力されていません。"),
    }
}

pub(super) fn claim_check_views(checks: &[ClaimCheck]) -> Vec<ClaimCheckView> {
    checks
        .iter()
        .map(|check| {
            let (title, detail) = match &check.finding {
                ClaimFinding::ClaimedTwice {
                    claim, other_role, ..
                } if claim.next_year => (
                    "翌年分: 同じ方が他の従業員の翌年分の申告書でも控除の対象になっています",
                    format!(
                        "{} は、{} の翌年分の扶養控除等(異動)申告書でも{}として申告されています。来年の毎月の源泉徴収で同じ方を2人が控除の対象にすることはできません(所得税法194条、85条④)。どちらの申告書に記載するかを確認してください。",
                        person(claim),
                        who(check),
                        other_role.japanese()
                    ),
                ),
                ClaimFinding::ClaimedTwice {
                    claim, other_role, ..
                } => (
                    "同じ方が他の従業員の申告書でも控除の対象になっています",
                    format!(
                        "{} は、{} の申告書でも{}として申告されています。同じ方を2人以上の控除の対象にすることはできません(所得税法85条④、所得税法施行令219条)。どちらの申告で控除するかを確認してください。",
                        person(claim),
                        who(check),
                        other_role.japanese()
                    ),
                ),
                ClaimFinding::MutualSpouse {
                    claim,
                    declared_income_of_employee,
                    ..
                } => (
                    "夫婦が互いに配偶者控除等を申告しています",
                    format!(
                        "配偶者 {} は {} で、その申告書でもこの従業員を配偶者として申告しています(所得見積額 {})。配偶者特別控除は夫婦の双方が受けることはできません(所得税法83条の2②)。{}",
                        claim.name,
                        who(check),
                        declared_income_of_employee,
                        own_income(check.own_income, *declared_income_of_employee, Source::This)
                    ),
                ),
                ClaimFinding::ClaimedPersonIsEmployee { claim, .. } => (
                    "控除の対象の方が従業員として登録されています",
                    format!(
                        "{} は、{} と氏名(またはフリガナ)と生年月日が一致します。{}",
                        person(claim),
                        who(check),
                        own_income(check.own_income, claim.declared_income, Source::Theirs)
                    ),
                ),
                ClaimFinding::EmployeeClaimedByOther {
                    role,
                    declared_income,
                    ..
                } => (
                    "この従業員が他の従業員の申告書で控除の対象になっています",
                    format!(
                        "{} の申告書で、この従業員が{}として申告されています(所得見積額 {})。この申告書による合計所得金額と照らして確認してください。{}",
                        who(check),
                        role.japanese(),
                        declared_income,
                        own_income(check.own_income, *declared_income, Source::This)
                    ),
                ),
            };
            ClaimCheckView {
                conflict: check.finding.is_conflict(),
                title,
                detail,
                link: check
                    .other_filing
                    .as_ref()
                    .map(|filing| format!("/admin/filings/{}", filing.id)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use nencho_filings::{ClaimRole, PersonKey};
    use nencho_kernel::{EmployeeId, FilingId};
    use time::macros::date;

    use super::*;

    fn claim(role: ClaimRole, income: i64) -> Claim {
        Claim {
            ordinal: 1,
            role,
            name: "山田 一子".into(),
            declared_income: Yen::new(income),
            keys: PersonKey::of("山田一子", "", date!(2006 - 05 - 10)),
            next_year: false,
        }
    }

    fn check(finding: ClaimFinding, own_income: Option<i64>) -> ClaimCheck {
        ClaimCheck {
            finding,
            other: None,
            other_filing: None,
            other_company: None,
            own_income: own_income.map(Yen::new),
        }
    }

    #[test]
    fn each_finding_says_what_to_compare_and_names_nobody_out_of_scope() {
        let someone: EmployeeId = "00000000-0000-0000-0000-000000000002".parse().unwrap();
        let their_filing: FilingId = "00000000-0000-0000-0000-000000000003".parse().unwrap();
        let views = claim_check_views(&[
            check(
                ClaimFinding::ClaimedPersonIsEmployee {
                    claim: claim(ClaimRole::Dependent, 0),
                    employee: someone,
                },
                Some(4_360_000),
            ),
            check(
                ClaimFinding::EmployeeClaimedByOther {
                    other_filing: their_filing,
                    other_employee: someone,
                    role: ClaimRole::Spouse,
                    declared_income: Yen::new(500_000),
                },
                Some(400_000),
            ),
            check(
                ClaimFinding::ClaimedTwice {
                    claim: claim(ClaimRole::SpecificRelative, 1_000_000),
                    other_filing: their_filing,
                    other_employee: someone,
                    other_role: ClaimRole::Dependent,
                },
                None,
            ),
        ]);
        assert!(!views[0].conflict);
        assert!(
            views[0].detail.contains(
                "本人の申告による合計所得金額は 4,360,000円 で、控除の対象として申告された見積額より多くなっています。"
            ),
            "{}",
            views[0].detail
        );
        assert!(
            views[1]
                .detail
                .ends_with("この申告書による合計所得金額は 400,000円 です。"),
            "{}",
            views[1].detail
        );
        assert!(views[2].conflict);
        assert!(
            views[2].detail.starts_with(
                "山田 一子(特定親族、所得見積額 1,000,000円) は、担当範囲外の従業員 の申告書でも扶養親族として申告されています。"
            ),
            "{}",
            views[2].detail
        );
        assert!(views.iter().all(|view| view.link.is_none()));
    }

    #[test]
    fn a_next_year_finding_says_it_is_about_next_year_s_withholding() {
        let someone: EmployeeId = "00000000-0000-0000-0000-000000000002".parse().unwrap();
        let their_filing: FilingId = "00000000-0000-0000-0000-000000000003".parse().unwrap();
        let next_year = Claim {
            next_year: true,
            ordinal: 1001,
            ..claim(ClaimRole::Dependent, 0)
        };
        let views = claim_check_views(&[check(
            ClaimFinding::ClaimedTwice {
                claim: next_year,
                other_filing: their_filing,
                other_employee: someone,
                other_role: ClaimRole::Dependent,
            },
            None,
        )]);
        assert!(views[0].conflict);
        assert!(views[0].title.starts_with("翌年分: "), "{}", views[0].title);
        assert!(
            views[0]
                .detail
                .contains("の翌年分の扶養控除等(異動)申告書でも扶養親族として申告されています。"),
            "{}",
            views[0].detail
        );
    }
}
