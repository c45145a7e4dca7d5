use std::fmt;

use serde::{Deserialize, Serialize};

/// A calendar tax year (暦年). 2026 = 令和8年分.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct TaxYear(i32);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TaxYearError {
    /// Outside the Reiwa era as this service can use it (2019 = 令和元年 onwards).
    #[error("{0} is not a tax year this service knows (2019 or later)")]
    OutOfRange(i32),
}

impl TaxYear {
    /// 令和元年 (the Reiwa era began on 2019-05-01; 2019 is 令和元年分).
    const REIWA_FIRST_YEAR: i32 = 2019;

    pub fn new(year: i32) -> Result<Self, TaxYearError> {
        if (Self::REIWA_FIRST_YEAR..=9999).contains(&year) {
            Ok(Self(year))
        } else {
            Err(TaxYearError::OutOfRange(year))
        }
    }

    pub const fn year(self) -> i32 {
        self.0
    }

    /// The Reiwa year number (2026 → 8).
    pub const fn reiwa(self) -> i32 {
        self.0 - Self::REIWA_FIRST_YEAR + 1
    }

    /// The year's last day, on which ages and family status are judged (12月31日現況).
    pub fn year_end(self) -> time::Date {
        time::Date::from_calendar_date(self.0, time::Month::December, 31).unwrap_or(time::Date::MAX)
    }
}

impl TryFrom<i32> for TaxYear {
    type Error = TaxYearError;
    fn try_from(year: i32) -> Result<Self, Self::Error> {
        Self::new(year)
    }
}

impl From<TaxYear> for i32 {
    fn from(year: TaxYear) -> i32 {
        year.0
    }
}

/// `令和8年分` — the way the forms name the year. (令和元年 for the first year.)
impl fmt::Display for TaxYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reiwa() {
            1 => f.write_str("令和元年分"),
            reiwa => write!(f, "令和{reiwa}年分"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_year_in_reiwa() {
        assert_eq!(TaxYear::new(2026).unwrap().to_string(), "令和8年分");
        assert_eq!(TaxYear::new(2025).unwrap().reiwa(), 7);
        assert_eq!(TaxYear::new(2019).unwrap().to_string(), "令和元年分");
    }

    #[test]
    fn refuses_years_before_reiwa() {
        assert_eq!(TaxYear::new(2018), Err(TaxYearError::OutOfRange(2018)));
        assert!(serde_json::from_str::<TaxYear>("1999").is_err());
    }
}
