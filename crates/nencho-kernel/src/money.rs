use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

/// An amount of money in whole yen. Japanese tax amounts are integers; rounding is always an
/// explicit step of a rule (e.g. 1,000円未満切捨て), never a side effect of floating point.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Yen(i64);

impl Yen {
    pub const ZERO: Yen = Yen(0);

    pub const fn new(amount: i64) -> Self {
        Self(amount)
    }

    pub const fn amount(self) -> i64 {
        self.0
    }

    /// Rounds down to a multiple of `unit` (切捨て), toward zero for negative amounts.
    pub const fn floor_to(self, unit: i64) -> Self {
        Self(self.0 / unit * unit)
    }

    /// Rounds up to a multiple of `unit` (切上げ) for non-negative amounts.
    pub const fn ceil_to(self, unit: i64) -> Self {
        Self((self.0 + unit - 1).div_euclid(unit) * unit)
    }

    pub fn max(self, other: Yen) -> Yen {
        Ord::max(self, other)
    }

    pub fn min(self, other: Yen) -> Yen {
        Ord::min(self, other)
    }

    /// Never below zero: deductions and taxes floor at 0.
    pub fn clamp_non_negative(self) -> Yen {
        self.max(Yen::ZERO)
    }
}

/// Why a typed amount is not an amount of yen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum YenParseError {
    #[error("金額を入力してください")]
    Empty,
    #[error("金額は数字で入力してください(例: 1,234,000)")]
    NotANumber,
    #[error("金額は0円以上で入力してください")]
    Negative,
}

impl Yen {
    /// Reads an amount as people type it in Japan: `1234000`, `1,234,000`, `１２３４０００円`,
    /// `¥1,234,000`, `1,234,000 円`. Whole yen only; a minus sign is refused.
    pub fn parse_typed(text: &str) -> Result<Yen, YenParseError> {
        let folded = crate::text::fold_width(crate::text::trim(text));
        let digits: String = folded
            .trim_start_matches(['¥', '\\', '￥'])
            .trim_end_matches('円')
            .chars()
            .filter(|c| !matches!(c, ',' | '、' | ' '))
            .collect();
        if digits.is_empty() {
            return Err(YenParseError::Empty);
        }
        if digits.starts_with('-') || digits.starts_with('−') {
            return Err(YenParseError::Negative);
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(YenParseError::NotANumber);
        }
        digits
            .parse::<i64>()
            .map(Yen)
            .map_err(|_| YenParseError::NotANumber)
    }
}

impl Add for Yen {
    type Output = Yen;
    fn add(self, other: Yen) -> Yen {
        Yen(self.0 + other.0)
    }
}

impl AddAssign for Yen {
    fn add_assign(&mut self, other: Yen) {
        self.0 += other.0;
    }
}

impl Sub for Yen {
    type Output = Yen;
    fn sub(self, other: Yen) -> Yen {
        Yen(self.0 - other.0)
    }
}

impl SubAssign for Yen {
    fn sub_assign(&mut self, other: Yen) {
        self.0 -= other.0;
    }
}

impl Neg for Yen {
    type Output = Yen;
    fn neg(self) -> Yen {
        Yen(-self.0)
    }
}

impl Sum for Yen {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> Yen {
        iter.fold(Yen::ZERO, Add::add)
    }
}

impl Yen {
    /// The amount with thousands separated by commas and no unit (`1,234,567`), for forms that
    /// print 円 once in the box (源泉徴収票).
    pub fn grouped(self) -> String {
        let digits = self.0.unsigned_abs().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if self.0 < 0 {
            grouped.push('-');
        }
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        grouped
    }
}

/// Japanese convention: thousands separated by commas, followed by 円 (e.g. `1,234,567円`).
impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}円", self.grouped())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_amounts_are_read_as_people_write_them() {
        for text in [
            "1234000",
            "1,234,000",
            "１，２３４，０００円",
            "¥1,234,000",
            " 1,234,000 円 ",
        ] {
            assert_eq!(Yen::parse_typed(text), Ok(Yen::new(1_234_000)), "{text}");
        }
        assert_eq!(Yen::parse_typed(""), Err(YenParseError::Empty));
        assert_eq!(Yen::parse_typed("-5"), Err(YenParseError::Negative));
        assert_eq!(Yen::parse_typed("12.5"), Err(YenParseError::NotANumber));
        assert_eq!(Yen::parse_typed("九千"), Err(YenParseError::NotANumber));
    }
    use proptest::prelude::*;

    #[test]
    fn displays_the_japanese_way() {
        assert_eq!(Yen::new(0).to_string(), "0円");
        assert_eq!(Yen::new(999).to_string(), "999円");
        assert_eq!(Yen::new(1_000).to_string(), "1,000円");
        assert_eq!(Yen::new(1_234_567).to_string(), "1,234,567円");
        assert_eq!(Yen::new(-28_200).to_string(), "-28,200円");
    }

    #[test]
    fn rounds_to_units() {
        assert_eq!(Yen::new(1_800_999).floor_to(1_000), Yen::new(1_800_000));
        assert_eq!(Yen::new(91_899).floor_to(100), Yen::new(91_800));
        assert_eq!(Yen::new(1).ceil_to(1_000), Yen::new(1_000));
        assert_eq!(Yen::new(1_000).ceil_to(1_000), Yen::new(1_000));
    }

    proptest! {
        #[test]
        fn floor_is_a_multiple_not_above_the_amount(amount in 0i64..10_000_000_000, unit in prop::sample::select(vec![1i64, 100, 1_000, 4_000])) {
            let floored = Yen::new(amount).floor_to(unit);
            prop_assert_eq!(floored.amount() % unit, 0);
            prop_assert!(floored.amount() <= amount && amount - floored.amount() < unit);
        }
    }
}
