//! The whole year-end adjustment for a realistic request: an employee with a spouse, three
//! relatives (a child at university, a young child, a parent living with them) and insurance.

use criterion::{Criterion, criterion_group, criterion_main};
use nencho_kernel::{Date, Month, TaxYear, Yen};
use nencho_tax::{
    EarthquakeInsurancePremiums, LifeInsurancePremiums, Relative, Spouse, YearEndAdjustmentRequest,
    compute_year_end_adjustment,
};

fn date(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

fn realistic_request() -> YearEndAdjustmentRequest {
    let mut parent = Relative::new(date(1950, Month::March, 3), Yen::new(400_000));
    parent.lineal_ascendant = true;
    parent.lives_together = true;
    YearEndAdjustmentRequest {
        salary_total: Yen::new(7_200_000),
        tax_withheld: Yen::new(260_000),
        last_salary_tax_unwithheld: Yen::new(18_000),
        social_insurance: Yen::new(1_050_000),
        small_business_mutual_aid: Yen::new(276_000),
        other_income: Yen::ZERO,
        life_insurance: LifeInsurancePremiums {
            new_general: Yen::new(96_000),
            old_general: Yen::new(40_000),
            care_medical: Yen::new(36_000),
            new_pension: Yen::new(120_000),
            old_pension: Yen::ZERO,
        },
        earthquake_insurance: EarthquakeInsurancePremiums {
            earthquake: Yen::new(32_000),
            old_long_term: Yen::new(12_000),
        },
        taxpayer: Default::default(),
        spouse: Some(Spouse::new(date(1982, Month::July, 7), Yen::new(900_000))),
        relatives: vec![
            Relative::new(date(2006, Month::April, 10), Yen::ZERO),
            Relative::new(date(2016, Month::September, 1), Yen::ZERO),
            parent,
        ],
        housing_loan_credit: Yen::new(120_000),
    }
}

fn bench_year_end_adjustment(criterion: &mut Criterion) {
    let request = realistic_request();
    for year in [2025, 2026] {
        let Ok(tax_year) = TaxYear::new(year) else {
            return;
        };
        criterion.bench_function(&format!("compute_year_end_adjustment/{year}"), |bencher| {
            bencher.iter(|| {
                compute_year_end_adjustment(
                    std::hint::black_box(tax_year),
                    std::hint::black_box(&request),
                )
            })
        });
    }
}

criterion_group!(benches, bench_year_end_adjustment);
criterion_main!(benches);
