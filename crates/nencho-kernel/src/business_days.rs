//! The Japanese business-day calendar (営業日): a day is a business day unless it is a Saturday,
//! a Sunday, a national holiday, or in the year-end/new-year closure 12/29–1/3 (年末年始).
//!
//! No maintained crate with the holiday data was fit to depend on (`holiday_jp` 0.1.2 is from
//! 2017 and fetches its data over HTTPS with hyper: I/O, and no data past its release), so the
//! rules of the law are encoded here:
//!
//! **国民の祝日に関する法律** (昭和23年法律第178号), as amended up to 平成30年法律第57号 (体育の日 →
//! スポーツの日, from 2020), 第2条 (the holidays) and 第3条 (休日):
//!
//! | holiday | rule |
//! |---|---|
//! | 元日 | 1月1日 |
//! | 成人の日 | 1月の第2月曜日 (Happy Monday, 平成10年法律第141号) |
//! | 建国記念の日 | 2月11日 (政令: 建国記念の日となる日を定める政令) |
//! | 天皇誕生日 | 2月23日 (from 2020, 平成29年法律第63号 附則) |
//! | 春分の日 | 春分日 |
//! | 昭和の日 | 4月29日 |
//! | 憲法記念日 / みどりの日 / こどもの日 | 5月3日 / 5月4日 / 5月5日 |
//! | 海の日 | 7月の第3月曜日 |
//! | 山の日 | 8月11日 |
//! | 敬老の日 | 9月の第3月曜日 |
//! | 秋分の日 | 秋分日 |
//! | スポーツの日 | 10月の第2月曜日 |
//! | 文化の日 / 勤労感謝の日 | 11月3日 / 11月23日 |
//!
//! - 第3条第2項 (振替休日): a 国民の祝日 on a Sunday makes the nearest following day that is not a
//!   国民の祝日 a holiday.
//! - 第3条第3項 (国民の休日): a day that is not a 国民の祝日 and whose day before and day after
//!   both are 国民の祝日 is a holiday (e.g. 2026-09-22, between 敬老の日 and 秋分の日).
//!
//! **春分日 and 秋分日** are fixed each February for the next year by the National Astronomical
//! Observatory of Japan (国立天文台「暦要項」, published in the 官報). Until then they are computed
//! with the standard approximation valid for 1980–2099:
//! `floor(20.8431 + 0.242194 × (Y − 1980)) − floor((Y − 1980) / 4)` (春分, March) and
//! `floor(23.2488 + 0.242194 × (Y − 1980)) − floor((Y − 1980) / 4)` (秋分, September), which
//! agrees with every 暦要項 published for that range so far. Outside 1980–2099 the formula is
//! clamped to its range's nearest end and must not be relied on.
//!
//! Only the law in force since 2022 is encoded: the one-off dates of 2019 (即位の日) and the
//! Olympic moves of 2020/2021 are not. The service's notices start in 2026.

use time::{Date, Month, Weekday};

/// The name of the national holiday (国民の祝日 or 休日 under 第3条) on `date`, if it is one.
pub fn national_holiday(date: Date) -> Option<&'static str> {
    if let Some(name) = statutory_holiday(date) {
        return Some(name);
    }
    if is_substitute_holiday(date) {
        return Some("休日 (振替休日)");
    }
    if is_citizens_holiday(date) {
        return Some("休日 (国民の休日)");
    }
    None
}

/// Whether `date` is in the year-end/new-year closure (12/29–1/3).
pub fn is_year_end_closure(date: Date) -> bool {
    match date.month() {
        Month::December => date.day() >= 29,
        Month::January => date.day() <= 3,
        _ => false,
    }
}

/// A Japanese business day: not a Saturday or Sunday, not a national holiday (including 振替休日
/// and 国民の休日), not in 12/29–1/3.
pub fn is_business_day(date: Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !is_year_end_closure(date)
        && national_holiday(date).is_none()
}

/// The number of business days strictly between `from` and `to` (both excluded): the whole
/// business days that lie between two events. Zero when `to` is not at least two days after
/// `from`.
///
/// `business_days_between(d, add_business_days(d, n).next_day()) == n`.
pub fn business_days_between(from: Date, to: Date) -> u32 {
    let mut count = 0;
    let mut day = from.next_day();
    while let Some(current) = day {
        if current >= to {
            break;
        }
        if is_business_day(current) {
            count += 1;
        }
        day = current.next_day();
    }
    count
}

/// The `n`-th business day after `date` (`date` itself is never counted, whether or not it is a
/// business day); `date` itself for `n == 0`. Saturates at the calendar's last day.
pub fn add_business_days(date: Date, n: u32) -> Date {
    let mut remaining = n;
    let mut day = date;
    while remaining > 0 {
        match day.next_day() {
            Some(next) => day = next,
            None => return day,
        }
        if is_business_day(day) {
            remaining -= 1;
        }
    }
    day
}

/// One of the fixed or computed holidays of 第2条 (not 第3条's 休日).
fn statutory_holiday(date: Date) -> Option<&'static str> {
    let year = date.year();
    let day = date.day();
    let monday_number = if date.weekday() == Weekday::Monday {
        Some((day - 1) / 7 + 1)
    } else {
        None
    };
    match (date.month(), day) {
        (Month::January, 1) => Some("元日"),
        (Month::January, _) if monday_number == Some(2) => Some("成人の日"),
        (Month::February, 11) => Some("建国記念の日"),
        (Month::February, 23) if year >= 2020 => Some("天皇誕生日"),
        (Month::March, _) if day == vernal_equinox_day(year) => Some("春分の日"),
        (Month::April, 29) => Some("昭和の日"),
        (Month::May, 3) => Some("憲法記念日"),
        (Month::May, 4) => Some("みどりの日"),
        (Month::May, 5) => Some("こどもの日"),
        (Month::July, _) if monday_number == Some(3) => Some("海の日"),
        (Month::August, 11) if year >= 2016 => Some("山の日"),
        (Month::September, _) if monday_number == Some(3) => Some("敬老の日"),
        (Month::September, _) if day == autumnal_equinox_day(year) => Some("秋分の日"),
        (Month::October, _) if monday_number == Some(2) => Some("スポーツの日"),
        (Month::November, 3) => Some("文化の日"),
        (Month::November, 23) => Some("勤労感謝の日"),
        _ => None,
    }
}

/// 第3条第2項: the nearest day after a Sunday 国民の祝日 that is not itself a 国民の祝日.
fn is_substitute_holiday(date: Date) -> bool {
    if statutory_holiday(date).is_some() {
        return false;
    }
    // Walk back over the 国民の祝日 immediately before `date`; one of them on a Sunday makes
    // `date` the substitute.
    let mut day = date.previous_day();
    while let Some(current) = day {
        if statutory_holiday(current).is_none() {
            return false;
        }
        if current.weekday() == Weekday::Sunday {
            return true;
        }
        day = current.previous_day();
    }
    false
}

/// 第3条第3項: a day between two 国民の祝日 that is not one itself.
fn is_citizens_holiday(date: Date) -> bool {
    let (Some(before), Some(after)) = (date.previous_day(), date.next_day()) else {
        return false;
    };
    statutory_holiday(date).is_none()
        && statutory_holiday(before).is_some()
        && statutory_holiday(after).is_some()
}

/// Years since 1980, clamped to the formula's range 1980–2099.
fn formula_years(year: i32) -> i64 {
    i64::from(year.clamp(1980, 2099) - 1980)
}

/// The equinox day of the standard approximation, in millionths to stay in integers:
/// `floor(base + 0.242194 × n) − floor(n / 4)`.
fn equinox_day(base_millionths: i64, year: i32) -> u8 {
    let n = formula_years(year);
    let day = (base_millionths + 242_194 * n) / 1_000_000 - n / 4;
    u8::try_from(day).unwrap_or(0)
}

/// 春分日 (March): 20.8431 as the base.
fn vernal_equinox_day(year: i32) -> u8 {
    equinox_day(20_843_100, year)
}

/// 秋分日 (September): 23.2488 as the base.
fn autumnal_equinox_day(year: i32) -> u8 {
    equinox_day(23_248_800, year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::date;

    fn day_after(date: Date) -> Date {
        date.checked_add(Duration::days(1)).unwrap()
    }

    fn holidays_of(year: i32) -> Vec<Date> {
        let mut found = Vec::new();
        let mut day = Date::from_calendar_date(year, Month::January, 1).unwrap();
        while day.year() == year {
            if national_holiday(day).is_some() {
                found.push(day);
            }
            day = day.next_day().unwrap();
        }
        found
    }

    /// 内閣府「国民の祝日について」(https://www8.cao.go.jp/chosei/shukujitsu/gaiyou.html),
    /// 令和8年（2026年）の国民の祝日・休日.
    #[test]
    fn the_holidays_of_2026_are_the_cabinet_offices_list() {
        let expected = vec![
            date!(2026 - 01 - 01), // 元日
            date!(2026 - 01 - 12), // 成人の日
            date!(2026 - 02 - 11), // 建国記念の日
            date!(2026 - 02 - 23), // 天皇誕生日
            date!(2026 - 03 - 20), // 春分の日
            date!(2026 - 04 - 29), // 昭和の日
            date!(2026 - 05 - 03), // 憲法記念日
            date!(2026 - 05 - 04), // みどりの日
            date!(2026 - 05 - 05), // こどもの日
            date!(2026 - 05 - 06), // 休日 (振替休日: 5/3 is a Sunday)
            date!(2026 - 07 - 20), // 海の日
            date!(2026 - 08 - 11), // 山の日
            date!(2026 - 09 - 21), // 敬老の日
            date!(2026 - 09 - 22), // 休日 (国民の休日)
            date!(2026 - 09 - 23), // 秋分の日
            date!(2026 - 10 - 12), // スポーツの日
            date!(2026 - 11 - 03), // 文化の日
            date!(2026 - 11 - 23), // 勤労感謝の日
        ];
        assert_eq!(holidays_of(2026), expected);
        assert_eq!(
            national_holiday(date!(2026 - 05 - 06)),
            Some("休日 (振替休日)")
        );
        assert_eq!(
            national_holiday(date!(2026 - 09 - 22)),
            Some("休日 (国民の休日)")
        );
    }

    /// 内閣府「国民の祝日について」, 令和9年（2027年）の国民の祝日・休日 (春分日 and 秋分日 as in
    /// 国立天文台「令和9年暦要項」).
    #[test]
    fn the_holidays_of_2027_are_the_cabinet_offices_list() {
        let expected = vec![
            date!(2027 - 01 - 01), // 元日
            date!(2027 - 01 - 11), // 成人の日
            date!(2027 - 02 - 11), // 建国記念の日
            date!(2027 - 02 - 23), // 天皇誕生日
            date!(2027 - 03 - 21), // 春分の日 (a Sunday)
            date!(2027 - 03 - 22), // 休日 (振替休日)
            date!(2027 - 04 - 29), // 昭和の日
            date!(2027 - 05 - 03), // 憲法記念日
            date!(2027 - 05 - 04), // みどりの日
            date!(2027 - 05 - 05), // こどもの日
            date!(2027 - 07 - 19), // 海の日
            date!(2027 - 08 - 11), // 山の日
            date!(2027 - 09 - 20), // 敬老の日
            date!(2027 - 09 - 23), // 秋分の日
            date!(2027 - 10 - 11), // スポーツの日
            date!(2027 - 11 - 03), // 文化の日
            date!(2027 - 11 - 23), // 勤労感謝の日
        ];
        assert_eq!(holidays_of(2027), expected);
    }

    /// 2028: 春分 3/20 (Mon), 秋分 9/22 (Fri) by the formula; 2025: 11/23 was a Sunday → 11/24
    /// 振替休日 (内閣府, 令和7年).
    #[test]
    fn equinoxes_and_substitutes_of_nearby_years() {
        assert_eq!(national_holiday(date!(2028 - 03 - 20)), Some("春分の日"));
        assert_eq!(national_holiday(date!(2028 - 09 - 22)), Some("秋分の日"));
        assert_eq!(
            national_holiday(date!(2025 - 11 - 24)),
            Some("休日 (振替休日)")
        );
        assert_eq!(national_holiday(date!(2025 - 03 - 20)), Some("春分の日"));
        assert_eq!(national_holiday(date!(2025 - 09 - 23)), Some("秋分の日"));
        // 2032: 敬老の日 9/20 and 秋分の日 9/22 sandwich 9/21 (国民の休日).
        assert_eq!(
            national_holiday(date!(2032 - 09 - 21)),
            Some("休日 (国民の休日)")
        );
    }

    #[test]
    fn weekends_holidays_and_the_year_end_closure_are_not_business_days() {
        assert!(is_business_day(date!(2026 - 11 - 26))); // Thursday
        assert!(!is_business_day(date!(2026 - 11 - 28))); // Saturday
        assert!(!is_business_day(date!(2026 - 11 - 29))); // Sunday
        assert!(!is_business_day(date!(2026 - 11 - 23))); // 勤労感謝の日
        assert!(is_business_day(date!(2026 - 12 - 28))); // Monday
        assert!(!is_business_day(date!(2026 - 12 - 29))); // closure, Tuesday
        assert!(!is_business_day(date!(2026 - 12 - 31)));
        assert!(!is_business_day(date!(2027 - 01 - 01)));
        assert!(!is_business_day(date!(2027 - 01 - 03)));
        assert!(is_business_day(date!(2027 - 01 - 04))); // Monday
    }

    #[test]
    fn adding_business_days_skips_weekends_holidays_and_the_closure() {
        // Friday + 1 = Monday.
        assert_eq!(
            add_business_days(date!(2026 - 11 - 27), 1),
            date!(2026 - 11 - 30)
        );
        // From a Saturday: the Saturday is not counted.
        assert_eq!(
            add_business_days(date!(2026 - 11 - 28), 1),
            date!(2026 - 11 - 30)
        );
        // Over 12/29–1/3: 12/25 (Fri) + 1 = 12/28 (Mon), + 2 = 1/4 (Mon).
        assert_eq!(
            add_business_days(date!(2026 - 12 - 25), 1),
            date!(2026 - 12 - 28)
        );
        assert_eq!(
            add_business_days(date!(2026 - 12 - 25), 2),
            date!(2027 - 01 - 04)
        );
        // Golden week 2026: 4/30 (Thu) + 1 = 5/1 (Fri), + 2 = 5/7 (Thu).
        assert_eq!(
            add_business_days(date!(2026 - 04 - 30), 2),
            date!(2026 - 05 - 07)
        );
        assert_eq!(
            add_business_days(date!(2026 - 04 - 30), 0),
            date!(2026 - 04 - 30)
        );
    }

    #[test]
    fn counting_between_excludes_both_ends() {
        assert_eq!(
            business_days_between(date!(2026 - 11 - 30), date!(2026 - 12 - 07)),
            4
        );
        assert_eq!(
            business_days_between(date!(2026 - 11 - 30), date!(2026 - 12 - 08)),
            5
        );
        assert_eq!(
            business_days_between(date!(2026 - 12 - 25), date!(2027 - 01 - 05)),
            2
        );
        assert_eq!(
            business_days_between(date!(2026 - 12 - 08), date!(2026 - 12 - 08)),
            0
        );
        assert_eq!(
            business_days_between(date!(2026 - 12 - 09), date!(2026 - 12 - 08)),
            0
        );
    }

    #[test]
    fn between_and_add_agree() {
        let mut day = date!(2026 - 01 - 01);
        while day < date!(2028 - 12 - 31) {
            for n in 0..12 {
                let nth = add_business_days(day, n);
                assert_eq!(business_days_between(day, day_after(nth)), n, "{day} + {n}");
            }
            day = day_after(day);
        }
    }
}
