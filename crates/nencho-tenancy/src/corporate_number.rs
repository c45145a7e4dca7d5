use std::fmt;

/// A 法人番号 (corporate number): 13 digits, a check digit followed by the 12-digit 基礎番号
/// (for a registered company, its 会社法人等番号 from the commercial register).
///
/// The check digit is fixed by 行政手続における特定の個人を識別するための番号の利用等に関する法律
/// 施行令 第35条第1項 and computed by the formula of 法人番号の指定等に関する省令 (平成26年財務省令
/// 第70号) 第2条, also published by 国税庁 on 法人番号公表サイト («チェックデジットの計算»):
///
/// > 検査用数字 = 9 − ((Σₙ₌₁¹² Pₙ × Qₙ) を 9 で除した余り)
/// > Pₙ: 基礎番号の最下位の桁を1桁目としたときのn桁目の数字; Qₙ: nが奇数のとき1、偶数のとき2
///
/// The remainder is taken of the whole sum — the only reading of the 省令's brackets that yields
/// one digit — so the check digit is always 1–9 and a corporate number never starts with 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CorporateNumber([u8; CorporateNumber::DIGITS]);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CorporateNumberError {
    #[error("the corporate number is empty")]
    Empty,
    #[error("the corporate number must be 13 digits (got {0})")]
    WrongLength(usize),
    #[error("the corporate number may contain only digits and hyphens")]
    NotDigits,
    #[error("the check digit (the first digit) should be {expected}, not {found}")]
    CheckDigit { expected: u8, found: u8 },
}

impl CorporateNumber {
    pub const DIGITS: usize = 13;

    /// Reads a corporate number as people type it: half- or full-width digits, with hyphens or
    /// spaces anywhere (`7-0000-1205-0002`, `７０００...`), surrounding white space ignored.
    pub fn parse(text: &str) -> Result<Self, CorporateNumberError> {
        let mut digits = Vec::with_capacity(Self::DIGITS);
        for c in text.trim().chars() {
            match c {
                '0'..='9' | '０'..='９' => digits.push(full_width_digit_value(c)),
                '-' | '－' | '‐' | '−' | 'ー' | ' ' | '\u{3000}' => {}
                _ => return Err(CorporateNumberError::NotDigits),
            }
        }
        if digits.is_empty() {
            return Err(CorporateNumberError::Empty);
        }
        let digits: [u8; Self::DIGITS] = digits
            .as_slice()
            .try_into()
            .map_err(|_| CorporateNumberError::WrongLength(digits.len()))?;
        let expected = Self::check_digit(&digits[1..]);
        if digits[0] != expected {
            return Err(CorporateNumberError::CheckDigit {
                expected,
                found: digits[0],
            });
        }
        Ok(Self(digits))
    }

    /// The check digit of a 12-digit 基礎番号 (most significant digit first).
    fn check_digit(base: &[u8]) -> u8 {
        let sum: u32 = base
            .iter()
            .rev()
            .enumerate()
            // n = position + 1 counted from the lowest digit: Q = 1 for odd n, 2 for even n.
            .map(|(position, &digit)| u32::from(digit) * if position % 2 == 0 { 1 } else { 2 })
            .sum();
        // `sum % 9` is below 9, so the result is 1..=9 and fits a u8.
        9 - u8::try_from(sum % 9).unwrap_or(0)
    }

    /// The 12-digit 基礎番号 (会社法人等番号 for a registered company).
    pub fn base_number(&self) -> String {
        self.0[1..]
            .iter()
            .map(|digit| char::from(b'0' + digit))
            .collect()
    }
}

/// The value of an ASCII or full-width digit (the caller has checked it is one).
fn full_width_digit_value(c: char) -> u8 {
    let ascii = match c {
        '０'..='９' => {
            char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or('0')
        }
        _ => c,
    };
    ascii
        .to_digit(10)
        .and_then(|digit| u8::try_from(digit).ok())
        .unwrap_or(0)
}

/// The 13 digits without separators, as 法人番号公表サイト and e-Tax write them.
impl fmt::Display for CorporateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for digit in self.0 {
            write!(f, "{digit}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for CorporateNumber {
    type Err = CorporateNumberError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_numbers() {
        // 国税庁, トヨタ自動車株式会社 and 株式会社FoundingBase as published on 法人番号公表サイト.
        for number in ["7000012050002", "1180301018771", "4011001098993"] {
            let parsed = CorporateNumber::parse(number).unwrap();
            assert_eq!(parsed.to_string(), number);
        }
        // The worked example of the formula: 基礎番号 123456789012 → check digit 7.
        assert!(CorporateNumber::parse("7123456789012").is_ok());
        assert_eq!(
            CorporateNumber::parse("7000012050002")
                .unwrap()
                .base_number(),
            "000012050002"
        );
    }

    #[test]
    fn normalises_full_width_digits_hyphens_and_spaces() {
        for text in [
            "７０００－０１－２０５０００２",
            "7-0000-1205-0002",
            " 7000012050002 ",
            "\u{3000}７０００ ０１２０ ５０００２",
        ] {
            assert_eq!(
                CorporateNumber::parse(text).unwrap().to_string(),
                "7000012050002",
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_a_wrong_check_digit() {
        assert_eq!(
            CorporateNumber::parse("6000012050002"),
            Err(CorporateNumberError::CheckDigit {
                expected: 7,
                found: 6
            })
        );
        // Two swapped neighbouring digits are caught too.
        assert!(matches!(
            CorporateNumber::parse("7000010250002"),
            Err(CorporateNumberError::CheckDigit { .. })
        ));
        // A leading zero is never a check digit.
        assert!(matches!(
            CorporateNumber::parse("0000012050002"),
            Err(CorporateNumberError::CheckDigit { found: 0, .. })
        ));
    }

    #[test]
    fn refuses_a_wrong_length() {
        assert_eq!(
            CorporateNumber::parse("700001205000"),
            Err(CorporateNumberError::WrongLength(12))
        );
        assert_eq!(
            CorporateNumber::parse("70000120500021"),
            Err(CorporateNumberError::WrongLength(14))
        );
        assert_eq!(CorporateNumber::parse(""), Err(CorporateNumberError::Empty));
        assert_eq!(
            CorporateNumber::parse(" - "),
            Err(CorporateNumberError::Empty)
        );
    }

    #[test]
    fn refuses_what_is_not_digits() {
        for text in [
            "700001205000A",
            "T7000012050002",
            "7000012050002.",
            "七〇〇〇〇一二〇五〇〇〇二",
        ] {
            assert_eq!(
                CorporateNumber::parse(text),
                Err(CorporateNumberError::NotDigits),
                "{text}"
            );
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn every_base_number_gets_exactly_one_valid_check_digit(base in "[0-9]{12}") {
                let valid: Vec<u8> = (0..=9u8)
                    .filter(|check| CorporateNumber::parse(&format!("{check}{base}")).is_ok())
                    .collect();
                prop_assert_eq!(valid.len(), 1);
                prop_assert!(valid[0] >= 1);
            }

            #[test]
            fn never_panics(text in "\\PC{0,20}") {
                let _ = CorporateNumber::parse(&text);
            }
        }
    }
}
