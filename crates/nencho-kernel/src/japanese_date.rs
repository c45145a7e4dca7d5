//! Dates as Japanese users and Excel write them: 西暦 (`2026/11/25`, `2026-11-25`, `20261125`,
//! `2026年11月25日`) and 和暦 (`令和8年11月25日`, `R8.11.25`, `H31.4.30`, `令和元年5月1日`), with
//! full-width digits, letters and separators accepted, and a formatter back to 和暦.
//!
//! The era boundaries are the first days of each era in the Gregorian calendar:
//!
//! | era | first day | source |
//! |---|---|---|
//! | 明治 | 1868-10-23 | 一世一元の詔 (明治改元の詔), 明治元年9月8日 行政官布告, 法令全書 明治元年 第726; 慶応4年9月8日 is 1868-10-23. The 詔 renamed the whole of 慶応4年 明治元年 retroactively; the usual convention for Gregorian dates starts 明治 on the day of the 詔. |
//! | 大正 | 1912-07-30 | 大正改元の詔 of 明治45年7月30日, in force the same day (即日改元). |
//! | 昭和 | 1926-12-25 | 昭和改元の詔 of 大正15年12月25日, in force the same day (即日改元). |
//! | 平成 | 1989-01-08 | 元号を改める政令 (昭和64年1月7日政令第1号), 附則: in force from the day after promulgation. |
//! | 令和 | 2019-05-01 | 元号を改める政令 (平成31年4月1日政令第143号), 附則: in force from 平成31年5月1日. |
//!
//! Japan used the lunisolar calendar until 明治5年12月2日 (改暦ノ布告, 明治5年太政官布告第337号);
//! 明治6年1月1日 is 1873-01-01. Dates of 明治1–5 are read here with their month and day taken as
//! Gregorian, which they were not; nobody born then files a year-end adjustment.

use crate::text::to_ascii_char as to_ascii;
use std::fmt;

use time::{Date, Month};

/// A Japanese era (元号) from 明治 on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JapaneseEra {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl JapaneseEra {
    /// Every era, oldest first.
    pub const ALL: [JapaneseEra; 5] = [
        JapaneseEra::Meiji,
        JapaneseEra::Taisho,
        JapaneseEra::Showa,
        JapaneseEra::Heisei,
        JapaneseEra::Reiwa,
    ];

    /// The era's name as written on forms: `令和`.
    pub const fn name(self) -> &'static str {
        match self {
            JapaneseEra::Meiji => "明治",
            JapaneseEra::Taisho => "大正",
            JapaneseEra::Showa => "昭和",
            JapaneseEra::Heisei => "平成",
            JapaneseEra::Reiwa => "令和",
        }
    }

    /// The one-letter abbreviation used in `R8.11.25`.
    pub const fn letter(self) -> char {
        match self {
            JapaneseEra::Meiji => 'M',
            JapaneseEra::Taisho => 'T',
            JapaneseEra::Showa => 'S',
            JapaneseEra::Heisei => 'H',
            JapaneseEra::Reiwa => 'R',
        }
    }

    /// The era's first day (see the module documentation for the sources).
    pub const fn first_day(self) -> Date {
        let (year, month, day) = self.first_day_parts();
        match Date::from_calendar_date(year, month, day) {
            Ok(date) => date,
            // Unreachable: `first_day_parts` holds real dates.
            Err(_) => Date::MIN,
        }
    }

    const fn first_day_parts(self) -> (i32, Month, u8) {
        match self {
            JapaneseEra::Meiji => (1868, Month::October, 23),
            JapaneseEra::Taisho => (1912, Month::July, 30),
            JapaneseEra::Showa => (1926, Month::December, 25),
            JapaneseEra::Heisei => (1989, Month::January, 8),
            JapaneseEra::Reiwa => (2019, Month::May, 1),
        }
    }

    /// The Gregorian year of the era's first year (元年).
    pub const fn first_year(self) -> i32 {
        self.first_day_parts().0
    }

    const fn next(self) -> Option<JapaneseEra> {
        match self {
            JapaneseEra::Meiji => Some(JapaneseEra::Taisho),
            JapaneseEra::Taisho => Some(JapaneseEra::Showa),
            JapaneseEra::Showa => Some(JapaneseEra::Heisei),
            JapaneseEra::Heisei => Some(JapaneseEra::Reiwa),
            JapaneseEra::Reiwa => None,
        }
    }

    /// The era's last day, or `None` for the current era. 明治 and 大正 changed on the day the
    /// emperor died (即日改元), so that day was written in both the old and the new era and both
    /// are accepted; 昭和 ended the day before 平成 began (翌日改元), and 平成 the day before 令和.
    pub fn last_day(self) -> Option<Date> {
        let next_first_day = self.next()?.first_day();
        match self {
            JapaneseEra::Meiji | JapaneseEra::Taisho => Some(next_first_day),
            JapaneseEra::Showa | JapaneseEra::Heisei | JapaneseEra::Reiwa => {
                next_first_day.previous_day()
            }
        }
    }

    /// The era a date is written in (the new era on a day of 即日改元), or `None` before 明治.
    pub fn of(date: Date) -> Option<JapaneseEra> {
        JapaneseEra::ALL
            .into_iter()
            .rev()
            .find(|era| era.first_day() <= date)
    }

    /// Whether a date may be written in this era.
    pub fn contains(self, date: Date) -> bool {
        self.first_day() <= date && self.last_day().is_none_or(|last| date <= last)
    }
}

impl fmt::Display for JapaneseEra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a text is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JapaneseDateError {
    #[error("the date is empty")]
    Empty,
    /// Not in any of the accepted shapes (`2026/11/25`, `令和8年11月25日`, `R8.11.25`, …).
    #[error("not a date in a known format")]
    Format,
    /// The shape is right but the calendar has no such day (`2026-02-30`, `2026/13/1`).
    #[error("there is no day {year}-{month}-{day}")]
    NoSuchDate { year: i32, month: u8, day: u8 },
    /// The day exists but not in that era (`平成31年5月1日`: 平成 ended on 2019-04-30).
    #[error("{era}{era_year}年{month}月{day}日 is outside the {era} era")]
    OutsideEra {
        era: JapaneseEra,
        era_year: u32,
        month: u8,
        day: u8,
    },
}

/// A calendar date read from Japanese text. Displays in 和暦 (`令和8年11月25日`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JapaneseDate(Date);

impl JapaneseDate {
    /// Reads a date in any of the shapes of the module documentation, after trimming surrounding
    /// white space (full-width space included) and mapping full-width characters to ASCII.
    pub fn parse(text: &str) -> Result<Self, JapaneseDateError> {
        parse_japanese_date(text).map(Self)
    }

    pub const fn date(self) -> Date {
        self.0
    }

    /// `令和8年11月25日` (`元年` for an era's first year); `None` before 明治.
    pub fn wareki(self) -> Option<String> {
        format_wareki(self.0)
    }
}

impl From<Date> for JapaneseDate {
    fn from(date: Date) -> Self {
        Self(date)
    }
}

impl From<JapaneseDate> for Date {
    fn from(date: JapaneseDate) -> Self {
        date.0
    }
}

/// 和暦 when the date has one, ISO 8601 otherwise.
impl fmt::Display for JapaneseDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match format_wareki(self.0) {
            Some(wareki) => f.write_str(&wareki),
            None => write!(f, "{}", self.0),
        }
    }
}

/// [`format_wareki`], or the ISO date before 明治.
pub fn wareki_or_iso(date: Date) -> String {
    format_wareki(date).unwrap_or_else(|| date.to_string())
}

/// Formats a date in 和暦: `令和8年11月25日`, `令和元年5月1日`. `None` before 明治 (1868-10-23).
pub fn format_wareki(date: Date) -> Option<String> {
    let era = JapaneseEra::of(date)?;
    let era_year = date.year() - era.first_year() + 1;
    let month = u8::from(date.month());
    let day = date.day();
    Some(if era_year == 1 {
        format!("{}元年{month}月{day}日", era.name())
    } else {
        format!("{}{era_year}年{month}月{day}日", era.name())
    })
}

/// The day of the week as a Japanese calendar writes it after a date: `月` … `日`
/// (`11月30日(月)`), so that a deadline reads at a glance.
pub fn japanese_weekday(date: Date) -> &'static str {
    match date.weekday() {
        time::Weekday::Monday => "月",
        time::Weekday::Tuesday => "火",
        time::Weekday::Wednesday => "水",
        time::Weekday::Thursday => "木",
        time::Weekday::Friday => "金",
        time::Weekday::Saturday => "土",
        time::Weekday::Sunday => "日",
    }
}

/// Reads a date as [`JapaneseDate::parse`] does and returns the calendar date.
pub fn parse_japanese_date(text: &str) -> Result<Date, JapaneseDateError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(JapaneseDateError::Empty);
    }
    let mut tokens = tokenize(text)?;
    // The final 日 of `2026年11月25日` may be left out; without it the shapes below are fewer.
    if let [.., Token::Month, Token::Number { .. }, Token::Day] = tokens.as_slice() {
        tokens.pop();
    }
    match tokens.as_slice() {
        // 20261125
        [Token::Number { value, digits: 8 }] => {
            western(value / 10_000, (value / 100) % 100, value % 100)
        }
        // 2026/11/25, 2026-11-25, 2026.11.25
        [
            Token::Number {
                value: year,
                digits: 4,
            },
            Token::Separator(first),
            Token::Number {
                value: month,
                digits: 1..=2,
            },
            Token::Separator(second),
            Token::Number {
                value: day,
                digits: 1..=2,
            },
        ] if first == second => western(*year, *month, *day),
        // 2026年11月25日
        [
            Token::Number {
                value: year,
                digits: 4,
            },
            Token::Year,
            Token::Number {
                value: month,
                digits: 1..=2,
            },
            Token::Month,
            Token::Number {
                value: day,
                digits: 1..=2,
            },
        ] => western(*year, *month, *day),
        // R8.11.25, R08/11/25, 平成31.4.30
        [
            Token::Era(era),
            year,
            Token::Separator(first),
            Token::Number {
                value: month,
                digits: 1..=2,
            },
            Token::Separator(second),
            Token::Number {
                value: day,
                digits: 1..=2,
            },
        ] if first == second => in_era(*era, era_year(year)?, *month, *day),
        // 令和8年11月25日, 令和元年5月1日
        [
            Token::Era(era),
            year,
            Token::Year,
            Token::Number {
                value: month,
                digits: 1..=2,
            },
            Token::Month,
            Token::Number {
                value: day,
                digits: 1..=2,
            },
        ] => in_era(*era, era_year(year)?, *month, *day),
        _ => Err(JapaneseDateError::Format),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Number {
        value: u32,
        digits: usize,
    },
    /// 元 in 元年.
    First,
    Era(JapaneseEra),
    Separator(char),
    Year,
    Month,
    Day,
}

/// The longest run of digits a date can hold (`20261125`).
const MAX_DIGITS: usize = 8;

fn tokenize(text: &str) -> Result<Vec<Token>, JapaneseDateError> {
    let mut tokens = Vec::with_capacity(8);
    let mut chars = text.chars().map(to_ascii).peekable();
    while let Some(c) = chars.next() {
        let token = match c {
            '0'..='9' => {
                let mut value = c.to_digit(10).unwrap_or(0);
                let mut digits = 1;
                while let Some(digit) = chars.peek().and_then(|next| next.to_digit(10)) {
                    chars.next();
                    digits += 1;
                    if digits > MAX_DIGITS {
                        return Err(JapaneseDateError::Format);
                    }
                    value = value * 10 + digit;
                }
                Token::Number { value, digits }
            }
            '/' | '-' | '.' => Token::Separator(c),
            '年' => Token::Year,
            '月' => Token::Month,
            '日' => Token::Day,
            '元' => Token::First,
            // Spaces between the parts (`令和 8年 11月 25日`) carry no meaning.
            c if c.is_whitespace() => continue,
            _ => {
                let era = era_of_char(c).ok_or(JapaneseDateError::Format)?;
                // 明治, 大正, 昭和, 平成, 令和: the second character is optional (`平31.4.30`).
                let second = match era {
                    JapaneseEra::Meiji => '治',
                    JapaneseEra::Taisho => '正',
                    JapaneseEra::Showa => '和',
                    JapaneseEra::Heisei => '成',
                    JapaneseEra::Reiwa => '和',
                };
                if is_era_first_char(c) && chars.peek() == Some(&second) {
                    chars.next();
                }
                Token::Era(era)
            }
        };
        tokens.push(token);
    }
    Ok(tokens)
}

fn is_era_first_char(c: char) -> bool {
    matches!(c, '明' | '大' | '昭' | '平' | '令')
}

fn era_of_char(c: char) -> Option<JapaneseEra> {
    Some(match c {
        '明' | 'M' | 'm' | '\u{337E}' => JapaneseEra::Meiji,
        '大' | 'T' | 't' | '\u{337D}' => JapaneseEra::Taisho,
        '昭' | 'S' | 's' | '\u{337C}' => JapaneseEra::Showa,
        '平' | 'H' | 'h' | '\u{337B}' => JapaneseEra::Heisei,
        '令' | 'R' | 'r' | '\u{32FF}' => JapaneseEra::Reiwa,
        _ => return None,
    })
}

fn era_year(token: &Token) -> Result<u32, JapaneseDateError> {
    match token {
        Token::First => Ok(1),
        Token::Number {
            value,
            digits: 1..=2,
        } => Ok(*value),
        _ => Err(JapaneseDateError::Format),
    }
}

fn calendar_date(year: i32, month: u32, day: u32) -> Result<Date, JapaneseDateError> {
    let no_such_date = JapaneseDateError::NoSuchDate {
        year,
        month: u8::try_from(month).unwrap_or(u8::MAX),
        day: u8::try_from(day).unwrap_or(u8::MAX),
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|month| Month::try_from(month).ok())
        .ok_or(no_such_date)?;
    let day = u8::try_from(day).map_err(|_| no_such_date)?;
    Date::from_calendar_date(year, month, day).map_err(|_| no_such_date)
}

fn western(year: u32, month: u32, day: u32) -> Result<Date, JapaneseDateError> {
    let year = i32::try_from(year).map_err(|_| JapaneseDateError::Format)?;
    calendar_date(year, month, day)
}

fn in_era(
    era: JapaneseEra,
    era_year: u32,
    month: u32,
    day: u32,
) -> Result<Date, JapaneseDateError> {
    let outside = JapaneseDateError::OutsideEra {
        era,
        era_year,
        month: u8::try_from(month).unwrap_or(u8::MAX),
        day: u8::try_from(day).unwrap_or(u8::MAX),
    };
    if era_year == 0 {
        return Err(outside);
    }
    let year = era.first_year() + i32::try_from(era_year).map_err(|_| outside)? - 1;
    let date = calendar_date(year, month, day)?;
    if era.contains(date) {
        Ok(date)
    } else {
        Err(outside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn parse(text: &str) -> Result<Date, JapaneseDateError> {
        parse_japanese_date(text)
    }

    #[test]
    fn weekdays_read_in_japanese() {
        // 2026-11-30 is a Monday, 2026-11-29 a Sunday (any calendar).
        assert_eq!(japanese_weekday(date!(2026 - 11 - 30)), "月");
        assert_eq!(japanese_weekday(date!(2026 - 11 - 29)), "日");
        assert_eq!(japanese_weekday(date!(2026 - 12 - 05)), "土");
    }

    #[test]
    fn reads_western_dates_as_excel_and_people_write_them() {
        for text in [
            "2026-11-25",
            "2026/11/25",
            "2026.11.25",
            "20261125",
            "2026年11月25日",
            "2026年11月25",
            " 2026年 11月 25日 ",
            "\u{3000}2026/11/25\u{3000}",
            "２０２６／１１／２５",
            "２０２６－１１－２５",
            "２０２６ー１１ー２５",
            "２０２６年１１月２５日",
        ] {
            assert_eq!(parse(text), Ok(date!(2026 - 11 - 25)), "{text}");
        }
        assert_eq!(parse("2026/1/5"), Ok(date!(2026 - 01 - 05)));
        assert_eq!(parse("2026-01-05"), Ok(date!(2026 - 01 - 05)));
    }

    #[test]
    fn reads_wareki_in_full_and_abbreviated() {
        for text in [
            "令和8年11月25日",
            "令和８年１１月２５日",
            "令和 8 年 11 月 25 日",
            "R8.11.25",
            "r8.11.25",
            "R08/11/25",
            "R8-11-25",
            "Ｒ８．１１．２５",
            "令8.11.25",
            "令和8.11.25",
            "\u{32FF}8年11月25日",
        ] {
            assert_eq!(parse(text), Ok(date!(2026 - 11 - 25)), "{text}");
        }
        assert_eq!(parse("H31.4.30"), Ok(date!(2019 - 04 - 30)));
        assert_eq!(parse("平成31年4月30日"), Ok(date!(2019 - 04 - 30)));
        assert_eq!(parse("昭和64年1月7日"), Ok(date!(1989 - 01 - 07)));
        assert_eq!(parse("S64.1.7"), Ok(date!(1989 - 01 - 07)));
        assert_eq!(parse("平成元年1月8日"), Ok(date!(1989 - 01 - 08)));
        assert_eq!(parse("令和元年5月1日"), Ok(date!(2019 - 05 - 01)));
        assert_eq!(parse("昭和元年12月25日"), Ok(date!(1926 - 12 - 25)));
        assert_eq!(parse("大正15年12月25日"), Ok(date!(1926 - 12 - 25)));
        assert_eq!(parse("明治45年7月30日"), Ok(date!(1912 - 07 - 30)));
        assert_eq!(parse("大正元年7月30日"), Ok(date!(1912 - 07 - 30)));
        assert_eq!(parse("明治元年10月23日"), Ok(date!(1868 - 10 - 23)));
        assert_eq!(parse("T1.7.30"), Ok(date!(1912 - 07 - 30)));
        assert_eq!(parse("M45.7.29"), Ok(date!(1912 - 07 - 29)));
    }

    #[test]
    fn refuses_days_outside_their_era() {
        let outside = |era, era_year, month, day| {
            Err(JapaneseDateError::OutsideEra {
                era,
                era_year,
                month,
                day,
            })
        };
        assert_eq!(
            parse("平成31年5月1日"),
            outside(JapaneseEra::Heisei, 31, 5, 1)
        );
        assert_eq!(
            parse("令和元年4月30日"),
            outside(JapaneseEra::Reiwa, 1, 4, 30)
        );
        assert_eq!(
            parse("昭和64年1月8日"),
            outside(JapaneseEra::Showa, 64, 1, 8)
        );
        assert_eq!(
            parse("平成元年1月7日"),
            outside(JapaneseEra::Heisei, 1, 1, 7)
        );
        assert_eq!(
            parse("明治元年1月1日"),
            outside(JapaneseEra::Meiji, 1, 1, 1)
        );
        assert_eq!(
            parse("大正15年12月26日"),
            outside(JapaneseEra::Taisho, 15, 12, 26)
        );
        assert_eq!(parse("令和0年5月1日"), outside(JapaneseEra::Reiwa, 0, 5, 1));
    }

    #[test]
    fn refuses_days_the_calendar_does_not_have() {
        assert_eq!(
            parse("2026-02-30"),
            Err(JapaneseDateError::NoSuchDate {
                year: 2026,
                month: 2,
                day: 30
            })
        );
        assert!(matches!(
            parse("2026/13/1"),
            Err(JapaneseDateError::NoSuchDate { .. })
        ));
        assert!(matches!(
            parse("20260229"),
            Err(JapaneseDateError::NoSuchDate { .. })
        ));
        assert!(matches!(
            parse("令和8年2月29日"),
            Err(JapaneseDateError::NoSuchDate { .. })
        ));
        assert_eq!(parse("2028/2/29"), Ok(date!(2028 - 02 - 29)));
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        assert_eq!(parse(""), Err(JapaneseDateError::Empty));
        assert_eq!(parse(" \u{3000} "), Err(JapaneseDateError::Empty));
        for text in [
            "abc",
            "2026/11",
            "2026/11-25",
            "26/11/25",
            "2026/11/25/1",
            "202611250",
            "99999999999999999999",
            "令和",
            "令和年11月25日",
            "X8.11.25",
            "令和8年11月",
            "2026年11月25日日",
            "46351",
        ] {
            assert_eq!(parse(text), Err(JapaneseDateError::Format), "{text}");
        }
    }

    #[test]
    fn wareki_falls_back_to_the_iso_date_before_meiji() {
        assert_eq!(wareki_or_iso(date!(2026 - 12 - 07)), "令和8年12月7日");
        assert_eq!(wareki_or_iso(date!(1868 - 10 - 22)), "1868-10-22");
    }

    #[test]
    fn formats_wareki() {
        assert_eq!(
            format_wareki(date!(2026 - 11 - 25)).as_deref(),
            Some("令和8年11月25日")
        );
        assert_eq!(
            format_wareki(date!(2019 - 05 - 01)).as_deref(),
            Some("令和元年5月1日")
        );
        assert_eq!(
            format_wareki(date!(2019 - 04 - 30)).as_deref(),
            Some("平成31年4月30日")
        );
        assert_eq!(
            format_wareki(date!(1989 - 01 - 07)).as_deref(),
            Some("昭和64年1月7日")
        );
        assert_eq!(
            format_wareki(date!(1926 - 12 - 25)).as_deref(),
            Some("昭和元年12月25日")
        );
        assert_eq!(
            format_wareki(date!(1912 - 07 - 30)).as_deref(),
            Some("大正元年7月30日")
        );
        assert_eq!(
            format_wareki(date!(1868 - 10 - 23)).as_deref(),
            Some("明治元年10月23日")
        );
        assert_eq!(format_wareki(date!(1868 - 10 - 22)), None);
        assert_eq!(
            JapaneseDate::from(date!(2026 - 11 - 25)).to_string(),
            "令和8年11月25日"
        );
        assert_eq!(
            JapaneseDate::from(date!(1800 - 01 - 01)).to_string(),
            "1800-01-01"
        );
    }

    #[test]
    fn every_day_from_showa_to_2100_round_trips() {
        let mut day = date!(1926 - 12 - 25);
        let last = date!(2100 - 12 - 31);
        while day <= last {
            let wareki = format_wareki(day).unwrap();
            assert_eq!(parse(&wareki), Ok(day), "{wareki}");
            let slashed = format!("{}/{}/{}", day.year(), u8::from(day.month()), day.day());
            assert_eq!(parse(&slashed), Ok(day), "{slashed}");
            day = day.next_day().unwrap();
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn first() -> i32 {
            date!(1926 - 12 - 25).to_julian_day()
        }

        fn last() -> i32 {
            date!(2100 - 12 - 31).to_julian_day()
        }

        proptest! {
            #[test]
            fn wareki_and_slashes_round_trip(julian_day in first()..=last()) {
                let day = Date::from_julian_day(julian_day).unwrap();
                let wareki = format_wareki(day).unwrap();
                prop_assert_eq!(parse(&wareki), Ok(day));
                let slashed = format!("{}/{}/{}", day.year(), u8::from(day.month()), day.day());
                prop_assert_eq!(parse(&slashed), Ok(day));
            }

            #[test]
            fn never_panics(text in "\\PC{0,16}") {
                let _ = parse(&text);
            }
        }
    }
}
