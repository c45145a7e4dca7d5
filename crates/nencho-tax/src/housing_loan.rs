//! 住宅借入金等特別控除額 as the employee writes it on the 住宅借入金等特別控除申告書, from the
//! values on the tax office's 年末調整のための住宅借入金等特別控除証明書.

use nencho_kernel::{Date, Month, Yen};

use crate::arithmetic::scale_floor;

/// The credit for one home loan: the year-end balance (年末残高等, at most the acquisition cost
/// the certificate shows — the employee enters the smaller one) × the credit rate, capped at the
/// certificate's 控除限度額, 100円未満切捨て.
///
/// The rate is 1% for residence started up to 31 December 2021 and 0.7% from 1 January 2022
/// (租税特別措置法41条1項・10項 as amended by 令和4年度税制改正; NTA タックスアンサー No.1211-1
/// and No.1213). The certificate's 控除限度額 already reflects the kind of home (認定住宅等,
/// ZEH, 省エネ, その他) and the year of residence, so the cap is taken from it rather than
/// recomputed. 100円未満切捨て: 租税特別措置法41条の2 and the 申告書's own instruction
/// (「100円未満の端数切捨て」).
pub fn housing_loan_credit(year_end_balance: Yen, residence_start: Date, credit_limit: Yen) -> Yen {
    let before_2022 = residence_start < first_day_of_2022();
    let (numerator, denominator) = if before_2022 { (1, 100) } else { (7, 1000) };
    let credit = scale_floor(
        year_end_balance.clamp_non_negative(),
        numerator,
        denominator,
    )
    .min(credit_limit.clamp_non_negative());
    Yen::new(credit.amount() / 100 * 100)
}

fn first_day_of_2022() -> Date {
    Date::from_calendar_date(2022, Month::January, 1).unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// NTA 「住宅借入金等特別控除申告書の記載例」: 年末残高 30,000,000, 居住開始 2023, 0.7%,
    /// 限度額 210,000 → 210,000.
    #[test]
    fn a_2023_home_is_credited_seven_tenths_of_a_percent_up_to_the_limit() {
        let start = date!(2023 - 04 - 01);
        assert_eq!(
            housing_loan_credit(Yen::new(30_000_000), start, Yen::new(210_000)),
            Yen::new(210_000)
        );
        // 25,012,345 × 0.7% = 175,086.4 → 175,086 → 100円未満切捨て 175,000.
        assert_eq!(
            housing_loan_credit(Yen::new(25_012_345), start, Yen::new(210_000)),
            Yen::new(175_000)
        );
    }

    #[test]
    fn a_2021_home_is_credited_one_percent() {
        // 18,765,432 × 1% = 187,654.32 → 187,600.
        assert_eq!(
            housing_loan_credit(
                Yen::new(18_765_432),
                date!(2021 - 12 - 31),
                Yen::new(400_000)
            ),
            Yen::new(187_600)
        );
        assert_eq!(
            housing_loan_credit(
                Yen::new(18_765_432),
                date!(2022 - 01 - 01),
                Yen::new(400_000)
            ),
            Yen::new(131_300),
            "18,765,432 × 0.7% = 131,358.02 → 131,300"
        );
    }

    #[test]
    fn nothing_is_credited_without_a_balance() {
        assert_eq!(
            housing_loan_credit(Yen::ZERO, date!(2024 - 01 - 01), Yen::new(210_000)),
            Yen::ZERO
        );
    }
}
