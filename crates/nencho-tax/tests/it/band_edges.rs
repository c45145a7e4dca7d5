//! Both sides of every band edge of every table, for both years. Each expected value is read
//! off the table of rules-2025-2026.md named in the test.

use nencho_kernel::Yen;
use nencho_tax::{
    Disability, EarthquakeInsurancePremiums, LifeInsurancePremiums, RelativeClass, Spouse,
    Taxpayer, age_at_year_end, annual_tax_with_surtax, basic_deduction, classify_relative,
    computed_income_tax, dependent_deduction, disability_deduction, earthquake_insurance_deduction,
    employment_income, income_adjustment_deduction, life_insurance_deduction,
    personal_status_deduction, specific_relative_deduction, spouse_deduction, taxable_income,
};

use crate::support::{BOTH_YEARS, compute, date, relative, rules, salary_request, tax_year, yen};

/// Checks `f(edge) == at_edge` and `f(edge + 1) == above` for each (edge, at_edge, above).
fn check_edges(label: &str, edges: &[(i64, i64, i64)], f: impl Fn(Yen) -> Yen) {
    for &(edge, at_edge, above) in edges {
        assert_eq!(f(yen(edge)), yen(at_edge), "{label}: at {edge}");
        assert_eq!(f(yen(edge + 1)), yen(above), "{label}: at {}", edge + 1);
    }
}

#[test]
fn basic_deduction_bands() {
    // rules §3.
    check_edges(
        "2025",
        &[
            (0, 950_000, 950_000),
            (1_320_000, 950_000, 880_000),
            (3_360_000, 880_000, 680_000),
            (4_890_000, 680_000, 630_000),
            (6_550_000, 630_000, 580_000),
            (23_500_000, 580_000, 480_000),
            (24_000_000, 480_000, 320_000),
            (24_500_000, 320_000, 160_000),
            (25_000_000, 160_000, 0),
        ],
        |income| basic_deduction(rules(2025), income),
    );
    check_edges(
        "2026",
        &[
            (0, 1_040_000, 1_040_000),
            (1_320_000, 1_040_000, 1_040_000),
            (3_360_000, 1_040_000, 1_040_000),
            (4_890_000, 1_040_000, 670_000),
            (6_550_000, 670_000, 620_000),
            (23_500_000, 620_000, 480_000),
            (24_000_000, 480_000, 320_000),
            (24_500_000, 320_000, 160_000),
            (25_000_000, 160_000, 0),
        ],
        |income| basic_deduction(rules(2026), income),
    );
}

#[test]
fn basic_deduction_salary_equivalents() {
    // rules §3 [DERIVED]: 132万 ↔ 2,003,999 (2025); 336万 ↔ 4,751,999; 489万 ↔ 6,655,556;
    // 655万 ↔ 8,500,000.
    let basic_for_salary = |year: i32, salary: i64| {
        basic_deduction(rules(year), employment_income(rules(year), yen(salary)))
    };
    assert_eq!(basic_for_salary(2025, 2_003_999), yen(950_000));
    assert_eq!(basic_for_salary(2025, 2_004_000), yen(880_000));
    assert_eq!(basic_for_salary(2025, 4_751_999), yen(880_000));
    assert_eq!(basic_for_salary(2025, 4_752_000), yen(680_000));
    assert_eq!(basic_for_salary(2025, 6_655_556), yen(680_000));
    assert_eq!(basic_for_salary(2025, 6_655_557), yen(630_000));
    assert_eq!(basic_for_salary(2026, 6_655_556), yen(1_040_000));
    assert_eq!(basic_for_salary(2026, 6_655_557), yen(670_000));
    for year in BOTH_YEARS {
        assert_eq!(
            basic_for_salary(year, 8_500_000),
            basic_deduction(rules(year), yen(6_550_000))
        );
        assert_eq!(
            basic_for_salary(year, 8_500_001),
            basic_deduction(rules(year), yen(6_550_001))
        );
    }
}

#[test]
fn income_adjustment_deduction_edges() {
    // rules §2: (min(X, 10M) − 8.5M) × 10%, 1円未満切上げ, at most 150,000.
    for year in BOTH_YEARS {
        check_edges(
            "qualifying",
            &[
                (8_500_000, 0, 1),
                (8_500_010, 1, 2),
                (9_000_000, 50_000, 50_001),
                (10_000_000, 150_000, 150_000),
            ],
            |salary| income_adjustment_deduction(rules(year), salary, true),
        );
        assert_eq!(
            income_adjustment_deduction(rules(year), yen(20_000_000), true),
            yen(150_000)
        );
        assert_eq!(
            income_adjustment_deduction(rules(year), yen(10_000_000), false),
            yen(0)
        );
    }
}

fn spouse_aged(year: i32, age: i32, total_income: i64) -> Spouse {
    // Born on 2 January so that the age at the year end is exactly year − birth year.
    Spouse::new(date(year - age, 1, 2), yen(total_income))
}

#[test]
fn spouse_deduction_by_the_employees_income_column() {
    // rules §4: 配偶者控除 38万/26万/13万, 老人 48万/32万/16万 for ≤900万/≤950万/≤1,000万.
    for year in BOTH_YEARS {
        let general = spouse_aged(year, 45, 0);
        let elderly = spouse_aged(year, 75, 0);
        let edges_general = [
            (9_000_000, 380_000, 260_000),
            (9_500_000, 260_000, 130_000),
            (10_000_000, 130_000, 0),
        ];
        let edges_elderly = [
            (9_000_000, 480_000, 320_000),
            (9_500_000, 320_000, 160_000),
            (10_000_000, 160_000, 0),
        ];
        check_edges("general", &edges_general, |income| {
            spouse_deduction(rules(year), income, &general)
        });
        check_edges("elderly", &edges_elderly, |income| {
            spouse_deduction(rules(year), income, &elderly)
        });
    }
}

#[test]
fn spouse_deduction_by_the_spouses_income() {
    // rules §4: at the year's limit 配偶者控除; just above it 配偶者特別控除's first band; then
    // the bands to 133万, in each of the three columns.
    let bands: [(i64, [i64; 3], [i64; 3]); 9] = [
        (
            950_000,
            [380_000, 260_000, 130_000],
            [360_000, 240_000, 120_000],
        ),
        (
            1_000_000,
            [360_000, 240_000, 120_000],
            [310_000, 210_000, 110_000],
        ),
        (
            1_050_000,
            [310_000, 210_000, 110_000],
            [260_000, 180_000, 90_000],
        ),
        (
            1_100_000,
            [260_000, 180_000, 90_000],
            [210_000, 140_000, 70_000],
        ),
        (
            1_150_000,
            [210_000, 140_000, 70_000],
            [160_000, 110_000, 60_000],
        ),
        (
            1_200_000,
            [160_000, 110_000, 60_000],
            [110_000, 80_000, 40_000],
        ),
        (
            1_250_000,
            [110_000, 80_000, 40_000],
            [60_000, 40_000, 20_000],
        ),
        (
            1_300_000,
            [60_000, 40_000, 20_000],
            [30_000, 20_000, 10_000],
        ),
        (1_330_000, [30_000, 20_000, 10_000], [0, 0, 0]),
    ];
    let columns = [9_000_000, 9_500_000, 10_000_000];
    for (year, limit) in [(2025, 580_000), (2026, 620_000)] {
        for (column, employee_income) in columns.into_iter().enumerate() {
            let deduction = |spouse_income: i64| {
                spouse_deduction(
                    rules(year),
                    yen(employee_income),
                    &spouse_aged(year, 45, spouse_income),
                )
            };
            let first_band = [380_000, 260_000, 130_000][column];
            assert_eq!(deduction(limit), yen(first_band), "{year}: at the limit");
            assert_eq!(
                deduction(limit + 1),
                yen(first_band),
                "{year}: just above the limit"
            );
            for (edge, at_edge, above) in bands {
                assert_eq!(
                    deduction(edge),
                    yen(at_edge[column]),
                    "{year} column {column}: {edge}"
                );
                assert_eq!(
                    deduction(edge + 1),
                    yen(above[column]),
                    "{year} column {column}: {}",
                    edge + 1
                );
            }
        }
        // An elderly spouse above the limit gets the ordinary special deduction (38万, not 48万).
        let elderly_above_limit = spouse_aged(year, 75, limit + 1);
        assert_eq!(
            spouse_deduction(rules(year), yen(5_000_000), &elderly_above_limit),
            yen(380_000)
        );
    }
}

#[test]
fn spouse_special_deduction_salary_equivalents() {
    // rules §4 (seido-keisan tests): the spouse's salary through the year-end table.
    let by_salary = |year: i32, salary: i64| {
        let income = employment_income(rules(year), yen(salary)).amount();
        spouse_deduction(rules(year), yen(5_000_000), &spouse_aged(year, 45, income))
    };
    assert_eq!(by_salary(2025, 1_230_000), yen(380_000));
    assert_eq!(by_salary(2025, 1_600_000), yen(380_000));
    assert_eq!(by_salary(2025, 1_601_000), yen(360_000));
    assert_eq!(by_salary(2025, 2_015_999), yen(30_000));
    assert_eq!(by_salary(2025, 2_016_000), yen(0));
    assert_eq!(by_salary(2026, 1_690_000), yen(380_000));
    assert_eq!(by_salary(2026, 1_691_000), yen(360_000));
    assert_eq!(by_salary(2026, 2_070_000), yen(30_000));
    assert_eq!(by_salary(2026, 2_071_000), yen(0));
}

#[test]
fn elderly_spouse_birth_date_cut_off() {
    // rules §4: 70歳以上 = born on or before 1956-01-01 (2025), 1957-01-01 (2026).
    for (year, cut_off) in [(2025, 1956), (2026, 1957)] {
        let on = Spouse::new(date(cut_off, 1, 1), yen(0));
        let after = Spouse::new(date(cut_off, 1, 2), yen(0));
        assert_eq!(
            spouse_deduction(rules(year), yen(5_000_000), &on),
            yen(480_000)
        );
        assert_eq!(
            spouse_deduction(rules(year), yen(5_000_000), &after),
            yen(380_000)
        );
    }
}

#[test]
fn relative_classes_at_the_birth_date_cut_offs() {
    // rules §5.2, (last birth date of the older class, class, class of the next day).
    use RelativeClass::*;
    let cut_offs_2026 = [
        (date(2011, 1, 1), GeneralDependent, YoungDependent),
        (date(2008, 1, 1), SpecificDependent, GeneralDependent),
        (date(2004, 1, 1), GeneralDependent, SpecificDependent),
        (date(1957, 1, 1), ElderlyDependent, GeneralDependent),
    ];
    for (year, shift) in [(2025, -1), (2026, 0)] {
        for (last_birth_date, older, younger) in cut_offs_2026 {
            let last = date(last_birth_date.year() + shift, 1, 1);
            let next = date(last_birth_date.year() + shift, 1, 2);
            assert_eq!(
                classify_relative(rules(year), &relative(last, 0)),
                older,
                "{year}: {last}"
            );
            assert_eq!(
                classify_relative(rules(year), &relative(next, 0)),
                younger,
                "{year}: {next}"
            );
        }
    }
    assert_eq!(age_at_year_end(date(2011, 1, 1), tax_year(2026)), 16);
    assert_eq!(age_at_year_end(date(2011, 1, 2), tax_year(2026)), 15);
    assert_eq!(age_at_year_end(date(2011, 12, 31), tax_year(2026)), 15);
    assert_eq!(age_at_year_end(date(2008, 2, 29), tax_year(2025)), 17);
}

#[test]
fn elderly_parent_living_together_needs_both_conditions() {
    // rules §5.1: 同居老親等 = 70+ 直系尊属 who always lives with the employee.
    for year in BOTH_YEARS {
        let mut parent = relative(date(year - 80, 6, 1), 0);
        for (lineal, together, class) in [
            (true, true, RelativeClass::ElderlyParentLivingTogether),
            (true, false, RelativeClass::ElderlyDependent),
            (false, true, RelativeClass::ElderlyDependent),
        ] {
            parent.lineal_ascendant = lineal;
            parent.lives_together = together;
            assert_eq!(classify_relative(rules(year), &parent), class);
        }
        // A 69-year-old 直系尊属 living together is an ordinary dependant.
        let mut younger_parent = relative(date(year - 69, 6, 1), 0);
        younger_parent.lineal_ascendant = true;
        younger_parent.lives_together = true;
        assert_eq!(
            classify_relative(rules(year), &younger_parent),
            RelativeClass::GeneralDependent
        );
    }
}

#[test]
fn dependent_amounts_by_class() {
    // rules §5.1.
    for year in BOTH_YEARS {
        for (class, amount) in [
            (RelativeClass::YoungDependent, 0),
            (RelativeClass::GeneralDependent, 380_000),
            (RelativeClass::SpecificDependent, 630_000),
            (RelativeClass::ElderlyDependent, 480_000),
            (RelativeClass::ElderlyParentLivingTogether, 580_000),
            (RelativeClass::SpecificRelative, 0),
            (RelativeClass::NotDependent, 0),
        ] {
            assert_eq!(
                dependent_deduction(rules(year), class),
                yen(amount),
                "{year}: {class:?}"
            );
        }
    }
}

#[test]
fn dependent_income_limit() {
    // rules §5.3: 58万 (2025), 62万 (2026); a 30-year-old above it is nobody's dependant.
    for (year, limit) in [(2025, 580_000), (2026, 620_000)] {
        let born = date(year - 30, 6, 1);
        assert_eq!(
            classify_relative(rules(year), &relative(born, limit)),
            RelativeClass::GeneralDependent
        );
        assert_eq!(
            classify_relative(rules(year), &relative(born, limit + 1)),
            RelativeClass::NotDependent
        );
        assert_eq!(rules(year).dependent_income_limit(), yen(limit));
    }
}

#[test]
fn specific_relative_bands() {
    // rules §5.4. A 20-year-old: at the limit a 特定扶養親族 (63万 as 扶養控除); above it a 特定親族.
    let shared = [
        (850_000, 630_000, 610_000),
        (900_000, 610_000, 510_000),
        (950_000, 510_000, 410_000),
        (1_000_000, 410_000, 310_000),
        (1_050_000, 310_000, 210_000),
        (1_100_000, 210_000, 110_000),
        (1_150_000, 110_000, 60_000),
        (1_200_000, 60_000, 30_000),
        (1_230_000, 30_000, 0),
    ];
    for (year, limit) in [(2025, 580_000), (2026, 620_000)] {
        let rules = rules(year);
        check_edges("特定親族", &shared, |income| {
            specific_relative_deduction(rules, income)
        });
        assert_eq!(specific_relative_deduction(rules, yen(limit)), yen(0));
        assert_eq!(
            specific_relative_deduction(rules, yen(limit + 1)),
            yen(630_000)
        );
        let born = date(year - 20, 6, 1);
        assert_eq!(
            classify_relative(rules, &relative(born, limit)),
            RelativeClass::SpecificDependent
        );
        assert_eq!(
            classify_relative(rules, &relative(born, limit + 1)),
            RelativeClass::SpecificRelative
        );
        assert_eq!(
            classify_relative(rules, &relative(born, 1_230_000)),
            RelativeClass::SpecificRelative
        );
        assert_eq!(
            classify_relative(rules, &relative(born, 1_230_001)),
            RelativeClass::NotDependent
        );
        // Only 19–22-year-olds can be 特定親族: an 18-year-old above the limit is nothing.
        assert_eq!(
            classify_relative(rules, &relative(date(year - 18, 6, 1), limit + 1)),
            RelativeClass::NotDependent
        );
    }
    // rules §5.4: 2025, 620,000 → 特定親族 63万 (above 2025's 58万 limit).
    assert_eq!(
        specific_relative_deduction(rules(2025), yen(620_000)),
        yen(630_000)
    );
}

#[test]
fn disability_amounts() {
    // rules §6.
    for year in BOTH_YEARS {
        let rules = rules(year);
        assert_eq!(disability_deduction(rules, Disability::None, true), yen(0));
        assert_eq!(
            disability_deduction(rules, Disability::General, true),
            yen(270_000)
        );
        assert_eq!(
            disability_deduction(rules, Disability::Special, false),
            yen(400_000)
        );
        assert_eq!(
            disability_deduction(rules, Disability::Special, true),
            yen(750_000)
        );
    }
}

#[test]
fn widow_single_parent_and_working_student_limits() {
    // rules §6: 寡婦 27万 and ひとり親 35万 up to 合計所得 500万; 勤労学生 27万 up to 85万 (2025) /
    // 89万 (2026) with other income ≤ 10万.
    for (year, student_limit) in [(2025, 850_000), (2026, 890_000)] {
        let rules = rules(year);
        let widow = Taxpayer {
            widow: true,
            ..Taxpayer::default()
        };
        let single_parent = Taxpayer {
            single_parent: true,
            ..Taxpayer::default()
        };
        check_edges("widow", &[(5_000_000, 270_000, 0)], |income| {
            personal_status_deduction(rules, &widow, income, true)
        });
        check_edges("single parent", &[(5_000_000, 350_000, 0)], |income| {
            personal_status_deduction(rules, &single_parent, income, true)
        });
        // Without a qualifying child there is no ひとり親控除.
        assert_eq!(
            personal_status_deduction(rules, &single_parent, yen(1_000_000), false),
            yen(0)
        );
        let student = Taxpayer {
            working_student: true,
            ..Taxpayer::default()
        };
        check_edges("student", &[(student_limit, 270_000, 0)], |income| {
            personal_status_deduction(rules, &student, income, false)
        });
        check_edges("student other income", &[(100_000, 270_000, 0)], |other| {
            let student = Taxpayer {
                working_student: true,
                non_employment_income_for_student: other,
                ..Taxpayer::default()
            };
            personal_status_deduction(rules, &student, yen(500_000), false)
        });
    }
    // ひとり親 salary-only equivalent (rules §6): 6,777,778 → 5,000,000 (OK); 6,778,000 → above.
    assert_eq!(
        employment_income(rules(2026), yen(6_777_778)),
        yen(5_000_000)
    );
    assert!(employment_income(rules(2026), yen(6_778_000)) > yen(5_000_000));
}

#[test]
fn single_parent_child_income_limit_in_the_computation() {
    // rules §6: the child's income ≤ 58万 (2025) / 62万 (2026). Salary 3,000,000: employment
    // income 3,000,000 × 70% − 80,000 = 2,020,000 (rules §1.2), well under 500万.
    for (year, limit) in [(2025, 580_000), (2026, 620_000)] {
        let deductions_with_child_income = |child_income: i64| {
            let mut request = salary_request(3_000_000, 0, 0);
            request.taxpayer.single_parent = true;
            request
                .relatives
                .push(relative(date(year - 30, 6, 1), child_income));
            compute(year, &request).deductions.dependents_and_others
        };
        // At the limit the 30-year-old child is also a 一般扶養親族 (38万) + ひとり親 35万.
        assert_eq!(deductions_with_child_income(limit), yen(380_000 + 350_000));
        assert_eq!(deductions_with_child_income(limit + 1), yen(0));
    }
}

#[test]
fn life_insurance_formula_edges() {
    // rules §8, formula Ⅰ (新) for 一般, 介護医療 and 個人年金; Ⅲ (旧) for 一般 and 個人年金.
    let formula_one = [
        (20_000, 20_000, 20_001),
        (40_000, 30_000, 30_001),
        (80_000, 40_000, 40_000),
    ];
    let formula_three = [
        (25_000, 25_000, 25_001),
        (50_000, 37_500, 37_501),
        (100_000, 50_000, 50_000),
    ];
    for year in BOTH_YEARS {
        let rules = rules(year);
        let with =
            |premiums: LifeInsurancePremiums| life_insurance_deduction(rules, &premiums, false);
        check_edges("新一般", &formula_one, |p| {
            with(LifeInsurancePremiums {
                new_general: p,
                ..Default::default()
            })
        });
        check_edges("介護医療", &formula_one, |p| {
            with(LifeInsurancePremiums {
                care_medical: p,
                ..Default::default()
            })
        });
        check_edges("新年金", &formula_one, |p| {
            with(LifeInsurancePremiums {
                new_pension: p,
                ..Default::default()
            })
        });
        check_edges("旧一般", &formula_three, |p| {
            with(LifeInsurancePremiums {
                old_general: p,
                ..Default::default()
            })
        });
        check_edges("旧年金", &formula_three, |p| {
            with(LifeInsurancePremiums {
                old_pension: p,
                ..Default::default()
            })
        });
        // Total cap 12万: 旧一般 50,000 + 介護医療 40,000 + 旧年金 50,000 = 140,000 → 120,000.
        let all = LifeInsurancePremiums {
            old_general: yen(200_000),
            care_medical: yen(200_000),
            old_pension: yen(200_000),
            ..Default::default()
        };
        assert_eq!(with(all), yen(120_000));
    }
    // Formula Ⅱ (2026, 新一般 with a 扶養親族 under 23).
    let formula_two = [
        (30_000, 30_000, 30_001),
        (60_000, 45_000, 45_001),
        (120_000, 60_000, 60_000),
    ];
    check_edges("Ⅱ", &formula_two, |p| {
        life_insurance_deduction(
            rules(2026),
            &LifeInsurancePremiums {
                new_general: p,
                ..Default::default()
            },
            true,
        )
    });
    // 2025 has no special: the flag changes nothing.
    let premiums = LifeInsurancePremiums {
        new_general: yen(100_000),
        ..Default::default()
    };
    assert_eq!(
        life_insurance_deduction(rules(2025), &premiums, true),
        yen(40_000)
    );
}

#[test]
fn life_insurance_new_and_old_combinations() {
    // rules §8 test list.
    let both = |year: i32, new: i64, old: i64, child: bool| {
        let premiums = LifeInsurancePremiums {
            new_general: yen(new),
            old_general: yen(old),
            ..Default::default()
        };
        life_insurance_deduction(rules(year), &premiums, child)
    };
    assert_eq!(both(2026, 100_000, 0, false), yen(40_000));
    assert_eq!(both(2026, 100_000, 0, true), yen(55_000));
    assert_eq!(both(2025, 80_000, 35_000, false), yen(40_000));
    assert_eq!(both(2026, 80_000, 35_000, false), yen(40_000));
    assert_eq!(both(2026, 80_000, 35_000, true), yen(60_000));
    assert_eq!(both(2025, 10_000, 100_000, false), yen(50_000));
    assert_eq!(both(2026, 10_000, 100_000, true), yen(60_000));
    assert_eq!(both(2025, 0, 50_200, false), yen(37_550));
    let pension = |new: i64, old: i64| {
        let premiums = LifeInsurancePremiums {
            new_pension: yen(new),
            old_pension: yen(old),
            ..Default::default()
        };
        life_insurance_deduction(rules(2025), &premiums, false)
    };
    assert_eq!(pension(56_000, 0), yen(34_000));
    assert_eq!(pension(30_000, 90_000), yen(47_500));
}

#[test]
fn earthquake_insurance_edges() {
    // rules §9.
    for year in BOTH_YEARS {
        let rules = rules(year);
        check_edges("地震", &[(50_000, 50_000, 50_000)], |p| {
            earthquake_insurance_deduction(
                rules,
                &EarthquakeInsurancePremiums {
                    earthquake: p,
                    old_long_term: yen(0),
                },
            )
        });
        check_edges(
            "旧長期",
            &[(10_000, 10_000, 10_001), (20_000, 15_000, 15_000)],
            |p| {
                earthquake_insurance_deduction(
                    rules,
                    &EarthquakeInsurancePremiums {
                        earthquake: yen(0),
                        old_long_term: p,
                    },
                )
            },
        );
        // Together at most 50,000: 40,000 + 15,000 → 50,000; 30,000 + 15,000 = 45,000.
        let both = |earthquake: i64, old: i64| {
            earthquake_insurance_deduction(
                rules,
                &EarthquakeInsurancePremiums {
                    earthquake: yen(earthquake),
                    old_long_term: yen(old),
                },
            )
        };
        assert_eq!(both(40_000, 30_000), yen(50_000));
        assert_eq!(both(30_000, 30_000), yen(45_000));
    }
}

#[test]
fn income_tax_rate_table_edges() {
    // rules §11 step 6; taxable incomes are multiples of 1,000, so "above" is edge + 1,000.
    let edges = [
        (1_950_000, 97_500, 97_600),        // 1,951,000 × 10% − 97,500
        (3_300_000, 232_500, 232_700),      // 3,301,000 × 20% − 427,500
        (6_950_000, 962_500, 962_730),      // 6,951,000 × 23% − 636,000
        (9_000_000, 1_434_000, 1_434_330),  // 9,001,000 × 33% − 1,536,000
        (18_000_000, 4_404_000, 4_404_400), // 18,001,000 × 40% − 2,796,000
    ];
    for year in BOTH_YEARS {
        let rules = rules(year);
        for (edge, at_edge, above) in edges {
            assert_eq!(
                computed_income_tax(rules, yen(edge)),
                yen(at_edge),
                "{year}: {edge}"
            );
            assert_eq!(
                computed_income_tax(rules, yen(edge + 1_000)),
                yen(above),
                "{year}: {}",
                edge + 1_000
            );
        }
        assert_eq!(computed_income_tax(rules, yen(18_050_000)), yen(4_424_000));
        assert_eq!(computed_income_tax(rules, yen(0)), yen(0));
        assert_eq!(computed_income_tax(rules, yen(1_000)), yen(50));
    }
}

#[test]
fn rounding_steps() {
    // rules §11 steps 5 and 8: 1,000円未満切捨て; × 102.1%, 100円未満切捨て.
    assert_eq!(
        taxable_income(yen(3_560_999), yen(1_760_000)),
        yen(1_800_000)
    );
    assert_eq!(taxable_income(yen(1_000_000), yen(1_500_000)), yen(0));
    for year in BOTH_YEARS {
        let rules = rules(year);
        assert_eq!(annual_tax_with_surtax(rules, yen(90_000)), yen(91_800)); // 91,890
        assert_eq!(annual_tax_with_surtax(rules, yen(97)), yen(0)); // 99.037
        assert_eq!(annual_tax_with_surtax(rules, yen(98_000)), yen(100_000)); // 100,058
        assert_eq!(annual_tax_with_surtax(rules, yen(97_943)), yen(99_900)); // 99,999.803
    }
}

#[test]
fn eligibility_edge_at_20_million() {
    // rules §1.2, §11: 所得税法190条 「二千万円以下」.
    for year in BOTH_YEARS {
        assert!(compute(year, &salary_request(20_000_000, 0, 0)).eligible);
        let above = compute(year, &salary_request(20_000_001, 0, 0));
        assert!(!above.eligible);
        assert_eq!(
            above.reason,
            Some(nencho_tax::IneligibilityReason::SalaryAbove20Million)
        );
    }
}

#[test]
fn under_23_edge_for_income_adjustment_and_life_insurance() {
    // rules §5.2: "23歳未満" = born on or after 2003-01-02 (2025) / 2004-01-02 (2026).
    // Salary 9,000,000: 所得金額調整控除 (9,000,000 − 8,500,000) × 10% = 50,000 (rules §2).
    for (year, cut_off_year) in [(2025, 2003), (2026, 2004)] {
        let with_child_born = |born| {
            let mut request = salary_request(9_000_000, 0, 0);
            request.life_insurance.new_general = yen(100_000);
            request.relatives.push(relative(born, 0));
            compute(year, &request)
        };
        let under_23 = with_child_born(date(cut_off_year, 1, 2));
        let aged_23 = with_child_born(date(cut_off_year, 1, 1));
        assert_eq!(under_23.income_adjustment_deduction, yen(50_000));
        assert_eq!(aged_23.income_adjustment_deduction, yen(0));
        // 新一般 100,000: 2026 with a child under 23 → formula Ⅱ 25,000 + 30,000; else 40,000.
        let special = if year == 2026 { 55_000 } else { 40_000 };
        assert_eq!(under_23.deductions.life_insurance, yen(special));
        assert_eq!(aged_23.deductions.life_insurance, yen(40_000));
    }
}

#[test]
fn specific_relatives_do_not_count_as_dependants_under_23() {
    // rules §2 and §8: a 特定親族 is not a 扶養親族, so it triggers neither 所得金額調整控除 nor
    // the 2026 生命保険料 special, and gets no 障害者控除.
    let mut request = salary_request(9_000_000, 0, 0);
    request.life_insurance.new_general = yen(100_000);
    let mut student = relative(date(2006, 6, 1), 700_000); // 20 in 2026, above 62万
    student.disability = Disability::General;
    request.relatives.push(student);
    let result = compute(2026, &request);
    assert_eq!(result.income_adjustment_deduction, yen(0));
    assert_eq!(result.deductions.life_insurance, yen(40_000));
    assert_eq!(result.deductions.specific_relative, yen(630_000));
    assert_eq!(result.deductions.dependents_and_others, yen(0));
}

#[test]
fn a_dependant_claimed_by_another_earner() {
    // rules §2: still counts for 所得金額調整控除; the deductions go to the other earner.
    let mut request = salary_request(9_000_000, 0, 0);
    let mut child = relative(date(2010, 6, 1), 0); // 16 in 2026: 一般 38万 if claimed here
    child.claimed_by_other_earner = true;
    child.disability = Disability::General;
    request.relatives.push(child);
    let result = compute(2026, &request);
    assert_eq!(result.income_adjustment_deduction, yen(50_000));
    assert_eq!(result.deductions.dependents_and_others, yen(0));
}
