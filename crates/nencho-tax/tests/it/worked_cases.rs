//! Complete year-end adjustments worked by hand. Each comment shows the arithmetic and the rule
//! (section of rules-2025-2026.md and its source) that each step exercises.

use nencho_tax::{Deductions, Disability, Spouse, YearEndAdjustmentRequest};

use crate::support::{compute, date, relative, salary_request, yen};

#[test]
fn calculator_contract_example_2026() {
    // calculator-api.md: 2026, salary 5,000,000, social insurance 720,000, withheld 120,000.
    // §1.2: A = 5,000,000 → × 80% − 440,000 = 3,560,000.
    // §3: 合計所得 3,560,000 ≤ 489万 → 基礎控除 1,040,000. Total 720,000 + 1,040,000 = 1,760,000.
    // §11: 3,560,000 − 1,760,000 = 1,800,000 → × 5% = 90,000 → × 102.1% = 91,890 → 91,800.
    // 91,800 − 120,000 = −28,200 → refund 28,200.
    let result = compute(2026, &salary_request(5_000_000, 720_000, 120_000));
    assert!(result.eligible);
    assert_eq!(result.employment_income, yen(3_560_000));
    assert_eq!(result.deductions.basic, yen(1_040_000));
    assert_eq!(result.total_deductions, yen(1_760_000));
    assert_eq!(result.taxable_income, yen(1_800_000));
    assert_eq!(result.computed_tax, yen(90_000));
    assert_eq!(result.annual_income_tax, yen(90_000));
    assert_eq!(result.annual_tax, yen(91_800));
    assert_eq!(result.difference, yen(-28_200));
    assert_eq!(result.applied_to_last_salary_tax, yen(0));
    assert_eq!(result.refund, yen(28_200));
    assert_eq!(result.additional_collection, yen(0));
}

#[test]
fn spouse_special_deduction_life_insurance_mix_and_old_long_term_earthquake_2026() {
    let mut request = salary_request(6_000_000, 900_000, 150_000);
    // Spouse with salary 1,740,000 → 合計所得 1,740,000 − 740,000 = 1,000,000 (§1.2, 2026).
    request.spouse = Some(Spouse::new(date(1980, 5, 5), yen(1_000_000)));
    request.life_insurance.new_general = yen(100_000);
    request.life_insurance.old_general = yen(30_000);
    request.life_insurance.care_medical = yen(50_000);
    request.life_insurance.old_pension = yen(120_000);
    request.earthquake_insurance.earthquake = yen(30_000);
    request.earthquake_insurance.old_long_term = yen(16_000);
    let result = compute(2026, &request);

    // §1.2: A = 6,000,000 (a multiple of 4,000) → × 80% − 440,000 = 4,360,000.
    assert_eq!(result.employment_income, yen(4_360_000));
    // §8 (所得税法76条): 新一般 100,000 → Ⅰ cap 40,000; 旧一般 30,000 → Ⅲ 15,000 + 12,500 = 27,500;
    // both paid: max(min(40,000 + 27,500, 40,000), 27,500) = 40,000. 介護医療 50,000 →
    // 12,500 + 20,000 = 32,500. 旧年金 120,000 → 50,000. Sum 122,500 → 12万 cap → 120,000.
    // §9 (所得税法77条): 地震 30,000 + 旧長期 16,000 → 8,000 + 5,000 = 13,000 → 43,000.
    // §4 (所得税法83条の2): spouse 1,000,000 is in 95万超–100万, employee ≤ 900万 → 360,000.
    // §3: 合計所得 4,360,000 ≤ 489万 → 1,040,000.
    let expected = Deductions {
        social_insurance: yen(900_000),
        small_business_mutual_aid: yen(0),
        life_insurance: yen(120_000),
        earthquake_insurance: yen(43_000),
        spouse: yen(360_000),
        specific_relative: yen(0),
        dependents_and_others: yen(0),
        basic: yen(1_040_000),
    };
    assert_eq!(result.deductions, expected);
    // 900,000 + 120,000 + 43,000 + 360,000 + 1,040,000 = 2,463,000.
    assert_eq!(result.total_deductions, yen(2_463_000));
    // §11: 4,360,000 − 2,463,000 = 1,897,000 → × 5% = 94,850 → × 102.1% = 96,841.85 → 96,800.
    assert_eq!(result.taxable_income, yen(1_897_000));
    assert_eq!(result.computed_tax, yen(94_850));
    assert_eq!(result.annual_tax, yen(96_800));
    // 96,800 − 150,000 = −53,200.
    assert_eq!(result.refund, yen(53_200));
    assert_eq!(result.additional_collection, yen(0));
}

#[test]
fn dependants_of_every_kind_and_a_specific_relative_2025() {
    let mut request = salary_request(7_000_000, 1_050_000, 200_000);
    // Ages at 2025-12-31 (§5.2).
    let mut young = relative(date(2012, 5, 5), 0); // 13: 年少, 扶養控除 0
    young.disability = Disability::General; //         障害者控除 270,000 (§6)
    let general = relative(date(2008, 3, 3), 0); // 17: 一般 380,000
    let specific = relative(date(2005, 7, 7), 0); // 20: 特定 630,000
    let specific_relative = relative(date(2004, 9, 9), 900_000); // 21, 85万超90万以下: 特定親族 610,000 (§5.4)
    let mut father = relative(date(1950, 2, 2), 0); // 75, 直系尊属, 同居: 同居老親等 580,000
    father.lineal_ascendant = true;
    father.lives_together = true;
    let mut mother = relative(date(1952, 4, 4), 0); // 73, 直系尊属, not living together: 老人 480,000
    mother.lineal_ascendant = true;
    mother.disability = Disability::Special; //       特別障害者, not 同居: 400,000 (§6)
    request.relatives = vec![young, general, specific, specific_relative, father, mother];
    let result = compute(2025, &request);

    // §1.2: 6.6M ≤ X < 8.5M → floor(7,000,000 × 90%) − 1,100,000 = 5,200,000. No 所得金額調整控除
    // below 8.5M (§2).
    assert_eq!(result.employment_income, yen(5_200_000));
    assert_eq!(result.income_adjustment_deduction, yen(0));
    // §5.1, §6 (所得税法79条, 84条): 270,000 + 380,000 + 630,000 + 580,000 + 480,000 + 400,000.
    assert_eq!(result.deductions.dependents_and_others, yen(2_740_000));
    assert_eq!(result.deductions.specific_relative, yen(610_000));
    // §3 (2025): 合計所得 5,200,000 in 489万超655万以下 → 630,000.
    assert_eq!(result.deductions.basic, yen(630_000));
    // 1,050,000 + 2,740,000 + 610,000 + 630,000 = 5,030,000.
    assert_eq!(result.total_deductions, yen(5_030_000));
    // §11: 5,200,000 − 5,030,000 = 170,000 → × 5% = 8,500 → × 102.1% = 8,678.5 → 8,600.
    assert_eq!(result.taxable_income, yen(170_000));
    assert_eq!(result.computed_tax, yen(8_500));
    assert_eq!(result.annual_tax, yen(8_600));
    // 8,600 − 200,000 → refund 191,400.
    assert_eq!(result.refund, yen(191_400));
}

#[test]
fn elderly_disabled_spouse_and_the_2026_life_insurance_special() {
    // The same family in both years (the spouse is 70 in 2025 and 71 in 2026, the child 20 and 21).
    let request = |tax_withheld: i64| {
        let mut request = salary_request(9_500_000, 1_400_000, tax_withheld);
        let mut spouse = Spouse::new(date(1955, 3, 3), yen(0));
        spouse.disability = Disability::Special;
        spouse.lives_together = true;
        request.spouse = Some(spouse);
        request.relatives.push(relative(date(2005, 6, 1), 0));
        request.life_insurance.new_general = yen(100_000);
        request.life_insurance.old_general = yen(40_000);
        request.life_insurance.care_medical = yen(30_000);
        request
    };

    let result = compute(2026, &request(400_000));
    // §1.2: 9,500,000 − 1,950,000 = 7,550,000. §2 (措法41条の3の11): a 扶養親族 under 23 and a
    // 特別障害者 spouse → (9,500,000 − 8,500,000) × 10% = 100,000 → 7,450,000 = 合計所得.
    assert_eq!(result.employment_income, yen(7_550_000));
    assert_eq!(result.income_adjustment_deduction, yen(100_000));
    // §8 (2026 special, 措法41条の15の5): 新一般 100,000 → Ⅱ 25,000 + 30,000 = 55,000; 旧一般 40,000
    // → 20,000 + 12,500 = 32,500; sum 87,500 capped at 60,000. 介護医療 30,000 → 15,000 + 10,000
    // = 25,000. Total 85,000.
    assert_eq!(result.deductions.life_insurance, yen(85_000));
    // §4: 老人控除対象配偶者 (71), employee ≤ 900万 → 480,000.
    assert_eq!(result.deductions.spouse, yen(480_000));
    // §5.1: child 21 → 特定 630,000; §6: spouse 同居特別障害者 750,000 → 1,380,000.
    assert_eq!(result.deductions.dependents_and_others, yen(1_380_000));
    // §3 (2026): 7,450,000 in 655万超2,350万以下 → 620,000.
    assert_eq!(result.deductions.basic, yen(620_000));
    // 1,400,000 + 85,000 + 480,000 + 1,380,000 + 620,000 = 3,965,000.
    assert_eq!(result.total_deductions, yen(3_965_000));
    // §11: 7,450,000 − 3,965,000 = 3,485,000 → × 20% − 427,500 = 269,500 → × 102.1% =
    // 275,159.5 → 275,100; 275,100 − 400,000 → refund 124,900.
    assert_eq!(result.taxable_income, yen(3_485_000));
    assert_eq!(result.computed_tax, yen(269_500));
    assert_eq!(result.annual_tax, yen(275_100));
    assert_eq!(result.refund, yen(124_900));

    let result = compute(2025, &request(400_000));
    // 2025: no special (§8): 新一般 → 40,000; with 旧 32,500 → max(min(72,500, 40,000), 32,500)
    // = 40,000; + 25,000 = 65,000. 基礎控除 (2025, ≤ 2,350万) 580,000. Spouse 70 → 老人 480,000.
    // Total 1,400,000 + 65,000 + 480,000 + 1,380,000 + 580,000 = 3,905,000.
    // 7,450,000 − 3,905,000 = 3,545,000 → × 20% − 427,500 = 281,500 → × 102.1% = 287,411.5 → 287,400.
    assert_eq!(result.deductions.life_insurance, yen(65_000));
    assert_eq!(result.total_deductions, yen(3_905_000));
    assert_eq!(result.annual_tax, yen(287_400));
    assert_eq!(result.refund, yen(112_600));
}

#[test]
fn housing_loan_credit_larger_than_the_computed_tax_2026() {
    // rules §10 test: 2026, salary 3,000,000, no other deductions, credit 200,000.
    // §1.2: 3,000,000 × 70% − 80,000 = 2,020,000; §3: 基礎控除 1,040,000; taxable 980,000 →
    // × 5% = 49,000. §10 (措法41条の2の2; NTA 109.pdf p.38): the credit used is 49,000, 年調所得税額
    // 0, 年調年税額 0; the unused 151,000 is not refunded. Withheld 60,000 → refund 60,000.
    let mut request = salary_request(3_000_000, 0, 60_000);
    request.housing_loan_credit = yen(200_000);
    let result = compute(2026, &request);
    assert_eq!(result.taxable_income, yen(980_000));
    assert_eq!(result.computed_tax, yen(49_000));
    assert_eq!(result.housing_loan_credit_applied, yen(49_000));
    assert_eq!(result.annual_income_tax, yen(0));
    assert_eq!(result.annual_tax, yen(0));
    assert_eq!(result.refund, yen(60_000));
}

#[test]
fn over_withholding_set_against_the_unwithheld_last_salary_tax_2026() {
    // §1.2: 4,000,000 × 80% − 440,000 = 2,760,000; deductions 600,000 + 1,040,000 = 1,640,000;
    // taxable 1,120,000 → × 5% = 56,000 → × 102.1% = 57,176 → 57,100.
    // §11 step 9: tax_withheld 150,000 includes 20,000 of December tax not yet withheld; the
    // excess 92,900 first cancels those 20,000, and 72,900 is refunded.
    let mut request = salary_request(4_000_000, 600_000, 150_000);
    request.last_salary_tax_unwithheld = yen(20_000);
    let result = compute(2026, &request);
    assert_eq!(result.annual_tax, yen(57_100));
    assert_eq!(result.difference, yen(-92_900));
    assert_eq!(result.applied_to_last_salary_tax, yen(20_000));
    assert_eq!(result.refund, yen(72_900));

    // If the excess is smaller than the unwithheld tax, it is all used there and nothing is
    // refunded: withheld 70,000 → excess 12,900 → applied 12,900, refund 0.
    request.tax_withheld = yen(70_000);
    let result = compute(2026, &request);
    assert_eq!(result.applied_to_last_salary_tax, yen(12_900));
    assert_eq!(result.refund, yen(0));
    assert_eq!(result.additional_collection, yen(0));
}

#[test]
fn additional_collection_with_an_income_adjustment_2025() {
    // §1.2: 9,000,000 − 1,950,000 = 7,050,000. §2: a 年少扶養親族 (born 2015, 10) →
    // (9,000,000 − 8,500,000) × 10% = 50,000 → 7,000,000. §3 (2025): 580,000.
    // §5.1: 年少 → 扶養控除 0. §8: 新一般 100,000 → 40,000 (no special in 2025).
    // Deductions 1,300,000 + 40,000 + 580,000 = 1,920,000; taxable 5,080,000 →
    // × 20% − 427,500 = 588,500 → × 102.1% = 600,858.5 → 600,800. Withheld 300,000 →
    // additional collection 300,800.
    let mut request = salary_request(9_000_000, 1_300_000, 300_000);
    request.relatives.push(relative(date(2015, 8, 8), 0));
    request.life_insurance.new_general = yen(100_000);
    let result = compute(2025, &request);
    assert_eq!(result.income_adjustment_deduction, yen(50_000));
    assert_eq!(result.deductions.dependents_and_others, yen(0));
    assert_eq!(result.total_deductions, yen(1_920_000));
    assert_eq!(result.taxable_income, yen(5_080_000));
    assert_eq!(result.computed_tax, yen(588_500));
    assert_eq!(result.annual_tax, yen(600_800));
    assert_eq!(result.difference, yen(300_800));
    assert_eq!(result.additional_collection, yen(300_800));
    assert_eq!(result.refund, yen(0));
}

#[test]
fn single_parent_with_a_young_child_2025() {
    // §1.2: 3,000,000 × 70% − 80,000 = 2,020,000. §3 (2025): 132万超336万以下 → 880,000.
    // §6 (所得税法81条): ひとり親, 合計所得 ≤ 500万, child's income 0 ≤ 58万 → 350,000.
    // Deductions 450,000 + 880,000 + 350,000 = 1,680,000; taxable 340,000 → 17,000 →
    // × 102.1% = 17,357 → 17,300. Withheld 50,000 → refund 32,700.
    let mut request = salary_request(3_000_000, 450_000, 50_000);
    request.taxpayer.single_parent = true;
    request.taxpayer.widow = true; // ひとり親 takes precedence over 寡婦 (§6)
    request.relatives.push(relative(date(2015, 8, 8), 0));
    let result = compute(2025, &request);
    assert_eq!(result.deductions.dependents_and_others, yen(350_000));
    assert_eq!(result.deductions.basic, yen(880_000));
    assert_eq!(result.taxable_income, yen(340_000));
    assert_eq!(result.annual_tax, yen(17_300));
    assert_eq!(result.refund, yen(32_700));
}

#[test]
fn salary_of_exactly_20_million_is_adjusted_and_above_it_is_not() {
    // §1.2, §11 (所得税法190条): 20,000,000 is eligible. 20,000,000 − 1,950,000 = 18,050,000;
    // §3 (2026) 620,000; social 2,000,000 → taxable 15,430,000 → × 33% − 1,536,000 =
    // 3,555,900 → × 102.1% = 3,630,573.9 → 3,630,500. Withheld 3,700,000 → refund 69,500.
    let result = compute(2026, &salary_request(20_000_000, 2_000_000, 3_700_000));
    assert!(result.eligible);
    assert_eq!(result.taxable_income, yen(15_430_000));
    assert_eq!(result.computed_tax, yen(3_555_900));
    assert_eq!(result.annual_tax, yen(3_630_500));
    assert_eq!(result.refund, yen(69_500));

    // One yen more: no year-end adjustment at all; every amount is zero.
    let result = compute(2026, &salary_request(20_000_001, 2_000_000, 3_700_000));
    assert!(!result.eligible);
    assert_eq!(
        result.reason,
        Some(nencho_tax::IneligibilityReason::SalaryAbove20Million)
    );
    assert_eq!(result.annual_tax, yen(0));
    assert_eq!(result.refund, yen(0));
    assert_eq!(result.additional_collection, yen(0));
}

#[test]
fn a_request_with_everything_empty_owes_nothing() {
    let result = compute(2025, &YearEndAdjustmentRequest::default());
    assert!(result.eligible);
    assert_eq!(result.deductions.basic, yen(950_000));
    assert_eq!(result.annual_tax, yen(0));
    assert_eq!(result.difference, yen(0));
}
