//! 給与所得控除後の給与等の金額: the whole year-end table of both years against an independent
//! statement of it (rules §1.1 and §1.2), the spot values of §1.3, and the formula above 6.6M.

use nencho_tax::employment_income;

use crate::support::{BOTH_YEARS, rules, yen};

/// 給与所得控除額 by the statute (rules §1.1), for a salary X up to 6,600,000 — the 2026
/// column already includes the 令和8・9年分 special (74万 flat to 2,200,000).
fn statutory_deduction(year: i32, salary: i64) -> i64 {
    let minimum = if year == 2025 { 650_000 } else { 740_000 };
    let flat_until = if year == 2025 { 1_900_000 } else { 2_200_000 };
    if salary <= flat_until {
        minimum
    } else if salary <= 3_600_000 {
        salary * 3 / 10 + 80_000
    } else {
        salary * 2 / 10 + 440_000
    }
}

/// The table rows as the NTA prints them (rules §1.2), as (first salary of the row, first
/// salary of the next row), for the part of the table that is not one row per yen.
fn printed_rows(year: i32) -> Vec<(i64, i64)> {
    let mut rows = Vec::new();
    let four_thousand_start = if year == 2025 {
        1_900_000
    } else {
        rows.extend([
            (2_191_000, 2_193_000),
            (2_193_000, 2_196_000),
            (2_196_000, 2_200_000),
        ]);
        2_200_000
    };
    let mut start = four_thousand_start;
    while start < 6_600_000 {
        rows.push((start, start + 4_000));
        start += 4_000;
    }
    rows
}

/// The table value for X: the table's first row (below 651,000 / 741,000) is 0; up to the
/// printed rows each yen is its own row; within a printed row every salary gets the value at the
/// row's first salary. The value of a row starting at S is S − 給与所得控除額(S).
fn table_value(year: i32, salary: i64, rows: &[(i64, i64)]) -> i64 {
    let first_row_end = if year == 2025 { 651_000 } else { 741_000 };
    if salary < first_row_end {
        return 0;
    }
    // Rows are sorted: the candidate is the last row starting at or below the salary.
    let index = rows.partition_point(|&(start, _)| start <= salary);
    let row_start = match index.checked_sub(1).map(|i| rows[i]) {
        Some((start, next)) if salary < next => start,
        _ => salary,
    };
    row_start - statutory_deduction(year, row_start)
}

#[test]
fn every_thousand_yen_up_to_6_6_million_matches_the_table() {
    for year in BOTH_YEARS {
        let rules = rules(year);
        let rows = printed_rows(year);
        for salary in (0..=6_600_000).step_by(1_000) {
            let expected = table_value(year, salary, &rows);
            assert_eq!(
                employment_income(rules, yen(salary)),
                yen(expected),
                "{year}: salary {salary}"
            );
        }
    }
}

#[test]
fn both_ends_of_every_printed_row_match_the_table() {
    for year in BOTH_YEARS {
        let rules = rules(year);
        for (start, next) in printed_rows(year) {
            let value = start - statutory_deduction(year, start);
            assert_eq!(
                employment_income(rules, yen(start)),
                yen(value),
                "{year}: row start {start}"
            );
            assert_eq!(
                employment_income(rules, yen(next - 1)),
                yen(value),
                "{year}: row end {}",
                next - 1
            );
        }
    }
}

#[test]
fn the_one_yen_band_and_its_edges() {
    // 2025: 0 below 651,000, X − 650,000 to 1,899,999; 2026: 0 below 741,000, X − 740,000 to
    // 2,190,999 (rules §1.2).
    for (year, first, last, minimum) in [
        (2025, 651_000, 1_899_999, 650_000),
        (2026, 741_000, 2_190_999, 740_000),
    ] {
        let rules = rules(year);
        assert_eq!(employment_income(rules, yen(first - 1)), yen(0));
        assert_eq!(employment_income(rules, yen(0)), yen(0));
        for salary in [first, first + 1, first + 777, 1_234_567, last - 1, last] {
            assert_eq!(
                employment_income(rules, yen(salary)),
                yen(salary - minimum),
                "{year}: {salary}"
            );
            assert_eq!(
                table_value(year, salary, &printed_rows(year)),
                salary - minimum
            );
        }
    }
}

#[test]
fn nta_statement_of_the_four_thousand_yen_rows_agrees() {
    // NTA: "X ÷ 4 (千円未満切捨て) × 2.8 − 80,000" below 3.6M, "× 3.2 − 440,000" from 3.6M
    // (rules §1.2 notes). In integers: q = X / 4 rounded down to 1,000; q × 28 / 10.
    for year in BOTH_YEARS {
        let rules = rules(year);
        let from = if year == 2025 { 1_900_000 } else { 2_200_000 };
        for salary in (from..6_600_000).step_by(997) {
            let quarter = salary / 4 / 1_000 * 1_000;
            let expected = if salary < 3_600_000 {
                quarter * 28 / 10 - 80_000
            } else {
                quarter * 32 / 10 - 440_000
            };
            assert_eq!(
                employment_income(rules, yen(salary)),
                yen(expected),
                "{year}: {salary}"
            );
        }
    }
}

#[test]
fn spot_values_of_the_rules_file() {
    // rules §1.3, (salary, 2025, 2026).
    let spots = [
        (650_999, 0, 0),
        (651_000, 1_000, 0),
        (1_230_000, 580_000, 490_000),
        (1_360_000, 710_000, 620_000),
        (1_903_999, 1_250_000, 1_163_999),
        (2_003_999, 1_320_000, 1_263_999),
        (2_004_000, 1_322_800, 1_264_000),
        (3_599_999, 2_437_200, 2_437_200),
        (3_600_000, 2_440_000, 2_440_000),
        (4_751_999, 3_358_400, 3_358_400),
        (4_752_000, 3_361_600, 3_361_600),
        (5_000_000, 3_560_000, 3_560_000),
        (5_500_000, 3_960_000, 3_960_000),
        (8_499_999, 6_549_999, 6_549_999),
        (19_999_999, 18_049_999, 18_049_999),
    ];
    for (salary, in_2025, in_2026) in spots {
        assert_eq!(
            employment_income(rules(2025), yen(salary)),
            yen(in_2025),
            "2025: {salary}"
        );
        assert_eq!(
            employment_income(rules(2026), yen(salary)),
            yen(in_2026),
            "2026: {salary}"
        );
    }
}

#[test]
fn the_2026_irregular_rows_and_their_neighbours() {
    // rules §1.2 (2026): 2,190,999 is still X − 740,000; then 1,451,000 / 1,453,000 / 1,456,000;
    // 2,200,000 starts the 4,000-yen rows: 2,200,000 × 70% − 80,000 = 1,460,000.
    let rules = rules(2026);
    for (salary, expected) in [
        (2_190_999, 1_450_999),
        (2_191_000, 1_451_000),
        (2_192_999, 1_451_000),
        (2_193_000, 1_453_000),
        (2_195_999, 1_453_000),
        (2_196_000, 1_456_000),
        (2_199_999, 1_456_000),
        (2_200_000, 1_460_000),
        (2_203_999, 1_460_000),
        (2_204_000, 1_462_800),
    ] {
        assert_eq!(
            employment_income(rules, yen(salary)),
            yen(expected),
            "{salary}"
        );
    }
    // 2025 has no such rows: 2,196,000 → 2,196,000 × 70% − 80,000 = 1,457,200.
    assert_eq!(
        employment_income(crate::support::rules(2025), yen(2_196_000)),
        yen(1_457_200)
    );
}

#[test]
fn above_the_table_the_statutory_formula_applies() {
    // 所得税法28条: 給与所得控除 = X × 10% + 1,100,000 (to 8.5M), then 1,950,000; 給与所得 is
    // X minus that, 1円未満切捨て — i.e. X − ceil(X / 10) − 1,100,000 (rules §1.1, §1.2).
    for year in BOTH_YEARS {
        let rules = rules(year);
        for salary in (6_600_000..=8_500_000).step_by(1_001) {
            let deduction = if salary < 8_500_000 {
                (salary + 9) / 10 + 1_100_000
            } else {
                1_950_000
            };
            assert_eq!(
                employment_income(rules, yen(salary)),
                yen(salary - deduction),
                "{year}: {salary}"
            );
        }
        assert_eq!(employment_income(rules, yen(6_599_999)), yen(4_836_800)); // 6,596,000 × 80% − 440,000
        assert_eq!(employment_income(rules, yen(6_600_000)), yen(4_840_000)); // 5,940,000 − 1,100,000
        assert_eq!(employment_income(rules, yen(8_500_000)), yen(6_550_000));
        assert_eq!(employment_income(rules, yen(20_000_000)), yen(18_050_000));
    }
}
