//! Value types of an employee record that every input path (forms, CSV import) shares.

use std::fmt;

use nencho_kernel::text::{fold_width, is_dash, to_katakana, trim};

/// A Japanese postal code (郵便番号): seven digits, shown as `100-0013`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PostalCode([u8; 7]);

impl PostalCode {
    /// Reads `1000013`, `100-0013`, `〒100-0013` and their full-width forms.
    pub fn parse(text: &str) -> Option<Self> {
        let folded = fold_width(trim(text));
        let digits: Vec<u8> = folded
            .trim_start_matches('〒')
            .chars()
            .filter(|&c| !is_dash(c) && !c.is_whitespace())
            .map(|c| c.to_digit(10).and_then(|digit| u8::try_from(digit).ok()))
            .collect::<Option<_>>()?;
        digits.try_into().ok().map(Self)
    }

    /// The seven digits without a hyphen: `1000013`.
    pub fn digits(&self) -> String {
        self.0
            .iter()
            .map(|digit| char::from(b'0' + digit))
            .collect()
    }
}

/// `100-0013`.
impl fmt::Display for PostalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.digits();
        write!(f, "{}-{}", &digits[..3], &digits[3..])
    }
}

/// 雇用区分.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmploymentType {
    /// 正社員
    Regular,
    /// 契約社員
    Contract,
    /// パート・アルバイト
    PartTime,
    /// 役員
    Officer,
    /// その他
    Other,
}

impl EmploymentType {
    pub const ALL: [EmploymentType; 5] = [
        EmploymentType::Regular,
        EmploymentType::Contract,
        EmploymentType::PartTime,
        EmploymentType::Officer,
        EmploymentType::Other,
    ];

    pub const fn japanese_name(self) -> &'static str {
        match self {
            EmploymentType::Regular => "正社員",
            EmploymentType::Contract => "契約社員",
            EmploymentType::PartTime => "パート・アルバイト",
            EmploymentType::Officer => "役員",
            EmploymentType::Other => "その他",
        }
    }

    /// The English code, accepted in the file too: `regular`, `part_time`.
    pub const fn code(self) -> &'static str {
        match self {
            EmploymentType::Regular => "regular",
            EmploymentType::Contract => "contract",
            EmploymentType::PartTime => "part_time",
            EmploymentType::Officer => "officer",
            EmploymentType::Other => "other",
        }
    }

    /// The Japanese name or the English code; `パート`, `アルバイト` and half-width kana too.
    pub fn parse(text: &str) -> Option<Self> {
        let folded = fold_width(trim(text));
        let kana = to_katakana(&folded);
        let code = folded.to_ascii_lowercase().replace(['-', ' '], "_");
        match kana.as_str() {
            "パート" | "アルバイト" | "パートアルバイト" | "パート/アルバイト" =>
            {
                return Some(EmploymentType::PartTime);
            }
            _ => {}
        }
        // Compared as katakana on both sides, so that その他 also matches ｿﾉ他.
        EmploymentType::ALL.into_iter().find(|employment_type| {
            to_katakana(employment_type.japanese_name()) == kana || employment_type.code() == code
        })
    }
}

impl fmt::Display for EmploymentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.japanese_name())
    }
}
