use nencho_kernel::{Date, EmployeeId, FilingId, Yen};
use proptest::prelude::*;
use time::macros::date;
use uuid::Uuid;

use super::*;
use crate::document::{PersonName, SpouseEntry};
use crate::fixtures::{answered_no, relative, year_2026};

fn filing(n: u128) -> FilingId {
    FilingId::from_uuid(Uuid::from_u128(n))
}

fn employee(n: u128) -> EmployeeId {
    EmployeeId::from_uuid(Uuid::from_u128(0x1000 + n))
}

fn spouse(name: &str, kana: &str, birth: Date, income: i64) -> SpouseEntry {
    SpouseEntry {
        name: PersonName {
            name: name.into(),
            kana: kana.into(),
        },
        birth_date: birth,
        estimated_income: Yen::new(income),
        disability: Default::default(),
        lives_together: true,
        non_resident: false,
    }
}

fn record(filing_n: u128, employee_n: u128, claim: &Claim, key: usize) -> ClaimRecord {
    ClaimRecord {
        filing_id: filing(filing_n),
        employee_id: employee(employee_n),
        ordinal: claim.ordinal,
        role: claim.role,
        person_name: claim.name.clone(),
        declared_income: claim.declared_income,
        key: claim.keys[key].clone(),
    }
}

#[test]
fn keys_ignore_how_the_kana_and_the_name_were_typed() {
    let birth = date!(2015 - 04 - 01);
    let typed = PersonKey::of("山田　太郎", "やまだ たろう", birth);
    let other = PersonKey::of("山田太郎", "ﾔﾏﾀﾞﾀﾛｳ", birth);
    assert_eq!(typed, other);
    assert_eq!(typed[0].as_str(), "カ:ヤマダタロウ:2015-04-01");
    assert_eq!(typed[1].as_str(), "名:山田太郎:2015-04-01");
    // Another birthday is another person.
    assert_ne!(
        PersonKey::of("山田太郎", "", date!(2015 - 04 - 02)),
        typed[1..]
    );
    // Without a kana only the name; without both, nothing to match.
    assert_eq!(PersonKey::of("山田 太郎", " ", birth).len(), 1);
    assert!(PersonKey::of("", "", birth).is_empty());
}

#[test]
fn claims_are_the_spouse_of_a_deduction_and_the_dependants_not_left_to_another_earner() {
    let mut document = answered_no();
    document.answers.has_spouse = Some(true);
    document.answers.has_dependents = Some(true);
    document.spouse = Some(spouse(
        "山田 花子",
        "ヤマダ ハナコ",
        date!(1985 - 05 - 05),
        0,
    ));
    // 年少 (under 16): claimed for the 住民税.
    document
        .relatives
        .push(relative("山田 一郎", "長男", date!(2015 - 04 - 01)));
    let mut left_to_other = relative("山田 二郎", "二男", date!(2017 - 04 - 01));
    left_to_other.claimed_by_other_earner = true;
    document.relatives.push(left_to_other);
    // Income far above every limit: neither 扶養親族 nor 特定親族.
    let mut earner = relative("山田 梅", "母", date!(1960 - 01 - 01));
    earner.estimated_income = Yen::new(3_000_000);
    document.relatives.push(earner);
    // 20 years old with 合計所得金額 1,000,000: above the 扶養 limit (620,000 in 2026), a 特定親族.
    let mut student = relative("山田 三郎", "三男", date!(2006 - 04 - 01));
    student.estimated_income = Yen::new(1_000_000);
    document.relatives.push(student);

    let claims = claims_of(&document, year_2026());
    let summary: Vec<(u32, ClaimRole, &str)> = claims
        .iter()
        .map(|claim| (claim.ordinal, claim.role, claim.name.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (0, ClaimRole::Spouse, "山田 花子"),
            (1, ClaimRole::Dependent, "山田 一郎"),
            (4, ClaimRole::SpecificRelative, "山田 三郎"),
        ]
    );
    assert_eq!(claims[2].declared_income, Yen::new(1_000_000));
}

#[test]
fn a_spouse_without_a_deduction_is_not_claimed() {
    let mut document = answered_no();
    document.answers.has_spouse = Some(true);
    // 合計所得金額 2,000,000 is above the 配偶者特別控除's limit (1,330,000).
    document.spouse = Some(spouse("山田 花子", "", date!(1985 - 05 - 05), 2_000_000));
    assert!(claims_of(&document, year_2026()).is_empty());
}

fn claim(ordinal: u32, role: ClaimRole, name: &str, kana: &str, birth: Date) -> Claim {
    Claim {
        ordinal,
        role,
        name: name.into(),
        declared_income: Yen::new(480_000),
        keys: PersonKey::of(name, kana, birth),
        next_year: false,
    }
}

#[test]
fn the_same_child_in_two_declarations_is_a_conflict_named_once() {
    let child = claim(
        1,
        ClaimRole::Dependent,
        "山田 一郎",
        "ヤマダ イチロウ",
        date!(2015 - 04 - 01),
    );
    let own_keys = PersonKey::of("山田 太郎", "ヤマダ タロウ", date!(1980 - 01 - 01));
    // The other declaration's row under both keys, and this declaration's own rows.
    let records = vec![
        record(2, 2, &child, 0),
        record(2, 2, &child, 1),
        record(1, 1, &child, 0),
    ];
    let findings = review_claims(
        filing(1),
        employee(1),
        std::slice::from_ref(&child),
        &own_keys,
        &records,
        &[],
    );
    assert_eq!(
        findings,
        vec![ClaimFinding::ClaimedTwice {
            claim: child,
            other_filing: filing(2),
            other_employee: employee(2),
            other_role: ClaimRole::Dependent,
        }]
    );
    assert!(findings[0].is_conflict());
}

#[test]
fn spouses_claiming_each_other_are_one_conflict() {
    let taro_birth = date!(1980 - 01 - 01);
    let hanako_birth = date!(1982 - 02 - 02);
    let taro_keys = PersonKey::of("山田 太郎", "ヤマダ タロウ", taro_birth);
    let hanako_keys = PersonKey::of("山田 花子", "ヤマダ ハナコ", hanako_birth);
    // 太郎 (employee 1) claims 花子; 花子 (employee 2) claims 太郎.
    let taro_claims_hanako = claim(
        0,
        ClaimRole::Spouse,
        "山田 花子",
        "ヤマダ ハナコ",
        hanako_birth,
    );
    let hanako_claims_taro = claim(
        0,
        ClaimRole::Spouse,
        "山田 太郎",
        "やまだ たろう",
        taro_birth,
    );
    let records = vec![record(2, 2, &hanako_claims_taro, 0)];
    let employees = vec![
        KeyedEmployee {
            employee_id: employee(2),
            keys: hanako_keys,
        },
        KeyedEmployee {
            employee_id: employee(1),
            keys: taro_keys.clone(),
        },
    ];
    let findings = review_claims(
        filing(1),
        employee(1),
        std::slice::from_ref(&taro_claims_hanako),
        &taro_keys,
        &records,
        &employees,
    );
    assert_eq!(
        findings,
        vec![ClaimFinding::MutualSpouse {
            claim: taro_claims_hanako,
            other_filing: filing(2),
            other_employee: employee(2),
            declared_income_of_employee: Yen::new(480_000),
        }]
    );
}

#[test]
fn a_claimed_colleague_and_a_claim_by_a_colleague_ask_for_the_incomes() {
    let son_birth = date!(2004 - 06 - 06);
    let son_keys = PersonKey::of("山田 一郎", "ヤマダ イチロウ", son_birth);
    let own_keys = PersonKey::of("山田 太郎", "ヤマダ タロウ", date!(1970 - 01 - 01));
    let son = claim(1, ClaimRole::Dependent, "山田 一郎", "", son_birth);
    // Employee 3 (the son works here too) claims his father as a dependant.
    let father = claim(
        1,
        ClaimRole::Dependent,
        "山田 太郎",
        "ヤマダタロウ",
        date!(1970 - 01 - 01),
    );
    let records = vec![record(3, 3, &father, 0)];
    let employees = vec![KeyedEmployee {
        employee_id: employee(3),
        keys: son_keys,
    }];
    let findings = review_claims(
        filing(1),
        employee(1),
        std::slice::from_ref(&son),
        &own_keys,
        &records,
        &employees,
    );
    assert_eq!(
        findings,
        vec![
            ClaimFinding::ClaimedPersonIsEmployee {
                claim: son,
                employee: employee(3),
            },
            ClaimFinding::EmployeeClaimedByOther {
                other_filing: filing(3),
                other_employee: employee(3),
                role: ClaimRole::Dependent,
                declared_income: Yen::new(480_000),
            },
        ]
    );
    assert!(findings.iter().all(|finding| !finding.is_conflict()));
}

#[test]
fn nothing_in_common_finds_nothing() {
    let child = claim(
        1,
        ClaimRole::Dependent,
        "山田 一郎",
        "",
        date!(2015 - 04 - 01),
    );
    let stranger = claim(
        1,
        ClaimRole::Dependent,
        "山田 一郎",
        "",
        date!(2015 - 04 - 02),
    );
    let records = vec![record(2, 2, &stranger, 0)];
    let own_keys = PersonKey::of("山田 太郎", "", date!(1980 - 01 - 01));
    assert!(review_claims(filing(1), employee(1), &[child], &own_keys, &records, &[]).is_empty());
}

/// 2026's adjustment, next year's family declared apart: a newborn (2026-12-01, 年少 at the
/// end of 2027), a mother (68 at the end of 2027, income 0: 一般の扶養親族) and a brother left to
/// another earner; a spouse with income 800,000 (≤ 95万: 源泉控除対象配偶者 when the employee's
/// own 合計所得金額 is at most 900万 — here 給与 5,000,000 → 3,560,000).
fn next_year_family() -> crate::Declaration {
    let mut document = answered_no();
    document.taxpayer.estimated_salary = Yen::new(5_000_000);
    document.next_year.same_as_this_year = Some(false);
    document.next_year.spouse = Some(spouse(
        "山田 花子",
        "ヤマダ ハナコ",
        date!(1985 - 05 - 05),
        800_000,
    ));
    document
        .next_year
        .relatives
        .push(relative("山田 一郎", "長男", date!(2026 - 12 - 01)));
    document
        .next_year
        .relatives
        .push(relative("山田 梅", "母", date!(1959 - 01 - 01)));
    let mut brother = relative("山田 次郎", "弟", date!(1990 - 01 - 01));
    brother.claimed_by_other_earner = true;
    document.next_year.relatives.push(brother);
    document
}

#[test]
fn next_year_claims_are_next_year_s_family_under_keys_of_their_own() {
    let document = next_year_family();
    assert!(
        claims_of(&document, year_2026()).is_empty(),
        "this year's family is empty"
    );
    let claims = next_year_claims_of(&document, year_2026());
    let summary: Vec<(u32, ClaimRole, &str, bool)> = claims
        .iter()
        .map(|claim| {
            (
                claim.ordinal,
                claim.role,
                claim.name.as_str(),
                claim.next_year,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (1000, ClaimRole::Spouse, "山田 花子", true),
            (1001, ClaimRole::Dependent, "山田 一郎", true),
            (1002, ClaimRole::Dependent, "山田 梅", true),
        ]
    );
    assert_eq!(claims[1].keys[0].as_str(), "翌:名:山田一郎:2026-12-01");
    assert!(
        claims
            .iter()
            .flat_map(|claim| &claim.keys)
            .all(PersonKey::is_next_year)
    );
    assert_eq!(all_claims_of(&document, year_2026()), claims);
}

#[test]
fn next_year_s_spouse_is_claimed_only_as_a_withholding_spouse() {
    let mut document = next_year_family();
    // 合計所得金額 1,000,000 > 95万: not a 源泉控除対象配偶者 (所得税法2条①三十三の四).
    if let Some(spouse) = document.next_year.spouse.as_mut() {
        spouse.estimated_income = Yen::new(1_000_000);
    }
    assert!(
        next_year_claims_of(&document, year_2026())
            .iter()
            .all(|claim| claim.role != ClaimRole::Spouse)
    );
}

#[test]
fn the_same_family_next_year_is_claimed_in_both_years() {
    let mut document = answered_no();
    document.answers.has_dependents = Some(true);
    document
        .relatives
        .push(relative("山田 一郎", "長男", date!(2015 - 04 - 01)));
    document.next_year.same_as_this_year = Some(true);
    let claims = all_claims_of(&document, year_2026());
    assert_eq!(
        claims
            .iter()
            .map(|claim| (claim.ordinal, claim.next_year))
            .collect::<Vec<_>>(),
        [(1, false), (1001, true)]
    );
    assert!(claims[1].same_person_as(&claims[0]));
}

#[test]
fn next_year_s_claims_meet_only_next_year_s_and_say_nothing_this_year_already_says() {
    let birth = date!(2015 - 04 - 01);
    let this_year = claim(
        1,
        ClaimRole::Dependent,
        "山田 一郎",
        "ヤマダ イチロウ",
        birth,
    );
    let next_year = Claim {
        ordinal: 1001,
        keys: this_year
            .keys
            .iter()
            .map(PersonKey::for_next_year)
            .collect(),
        next_year: true,
        ..this_year.clone()
    };
    let own_keys = PersonKey::of("山田 太郎", "ヤマダ タロウ", date!(1980 - 01 - 01));
    // Employee 2 claims the child this year and next; employee 3 only next year.
    let records = vec![
        record(2, 2, &this_year, 0),
        record(2, 2, &next_year, 0),
        record(3, 3, &next_year, 0),
    ];
    let findings = review_claims(
        filing(1),
        employee(1),
        &[next_year.clone(), this_year.clone()],
        &own_keys,
        &records,
        &[],
    );
    assert_eq!(
        findings,
        vec![
            ClaimFinding::ClaimedTwice {
                claim: this_year.clone(),
                other_filing: filing(2),
                other_employee: employee(2),
                other_role: ClaimRole::Dependent,
            },
            ClaimFinding::ClaimedTwice {
                claim: next_year.clone(),
                other_filing: filing(3),
                other_employee: employee(3),
                other_role: ClaimRole::Dependent,
            },
        ],
        "employee 2's 翌年分 repeats this year's finding; employee 3's is new"
    );
    // This year's claim alone never meets a 翌年分 record.
    let only_next = vec![record(3, 3, &next_year, 0)];
    assert!(
        review_claims(
            filing(1),
            employee(1),
            &[this_year],
            &own_keys,
            &only_next,
            &[]
        )
        .is_empty()
    );
}

#[test]
fn roles_round_trip_their_codes() {
    for role in [
        ClaimRole::Spouse,
        ClaimRole::Dependent,
        ClaimRole::SpecificRelative,
    ] {
        assert_eq!(ClaimRole::from_code(role.code()), Some(role));
    }
    assert_eq!(ClaimRole::from_code("self"), None);
}

proptest! {
    /// Hiragana and katakana, with spaces anywhere, give the same kana key.
    #[test]
    fn kana_keys_do_not_depend_on_the_script_or_spaces(
        kana in "[ア-ン]{1,8}",
        spaces in proptest::collection::vec(0usize..9, 0..3),
    ) {
        let birth = date!(2000 - 01 - 01);
        let hiragana: String = kana
            .chars()
            .map(|c| char::from_u32(u32::from(c) - 0x60).unwrap_or(c))
            .collect();
        let mut spaced: Vec<char> = hiragana.chars().collect();
        for at in spaces {
            let at = at.min(spaced.len());
            spaced.insert(at, '\u{3000}');
        }
        let spaced: String = spaced.into_iter().collect();
        prop_assert_eq!(
            PersonKey::of("", &spaced, birth),
            PersonKey::of("", &kana, birth)
        );
    }
}
