//! Reading dates and times (`parse_date`, `parse_time`, `parse_hms` and
//! `parse_offset` in Pacemaker's `iso8601.c`).
//!
//! Accepted forms: `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-DDD` (ordinal),
//! `YYYY-Www-D` (ISO week), `epoch`, each optionally followed by a space or
//! `T` and a time `hh[:mm[:ss]]` or `hhmmss`, then `Z` or an offset
//! (`+hh:mm`, `-hhmm`, with or without a space before it). A time alone
//! (`T10:00` or `10:00:00`) is on the current local date. A time without an
//! offset is local time. `24:00:00` is midnight of the next day.

use super::LocalTime;
use super::calendar::{
    days_in_month_year, jan1_day_of_week, ordinal_days, weeks_in_year, year_days,
};
use super::error::Iso8601Error;
use super::scan::{Fmt, scanf, triple};
use super::time::{SECONDS_IN_DAY, SECONDS_IN_HOUR, SECONDS_IN_MINUTE, Tm};

fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

fn err(function: &'static str, message: String) -> Iso8601Error {
    Iso8601Error { function, message }
}

/// Seconds in an `hh[:mm[:ss]]` or `hhmmss` time; `24:00:00` gives a whole
/// day.
pub(crate) fn parse_hms(time_str: &str) -> Result<i32, Iso8601Error> {
    let mut v = scanf(time_str, &triple(':'));
    if v.len() == 1 {
        let compact = [Fmt::Uint(Some(2)), Fmt::Uint(Some(2)), Fmt::Uint(Some(2))];
        v = scanf(time_str, &compact);
        if v.is_empty() {
            // The first scan found an hour; a second that cannot is
            // impossible, but keep the hour rather than fail.
            v = scanf(time_str, &triple(':'));
        }
    }
    if v.is_empty() {
        return Err(err(
            "parse_hms",
            format!("'{time_str}' is not a valid ISO 8601 time specification"),
        ));
    }
    let hour = v[0];
    let minute = v.get(1).copied().unwrap_or(0);
    let second = v.get(2).copied().unwrap_or(0);
    let hours_in_day = 24u32;
    if !(hour == hours_in_day && minute == 0 && second == 0) && hour >= hours_in_day {
        return Err(err(
            "parse_hms",
            format!(
                "{time_str} is not a valid ISO 8601 time specification because {hour} is not a valid hour"
            ),
        ));
    }
    if minute >= 60 {
        return Err(err(
            "parse_hms",
            format!(
                "{time_str} is not a valid ISO 8601 time specification because {minute} is not a valid minute"
            ),
        ));
    }
    if second >= 60 {
        return Err(err(
            "parse_hms",
            format!(
                "{time_str} is not a valid ISO 8601 time specification because {second} is not a valid second"
            ),
        ));
    }
    // hour <= 24, minute and second < 60: the casts cannot truncate.
    let total = hour * 3600 + minute * 60 + second;
    Ok(i32::try_from(total).unwrap_or(SECONDS_IN_DAY))
}

/// An offset from UTC in seconds; `None` means the local offset.
fn parse_offset(offset_str: Option<&str>, local: &LocalTime) -> Result<i32, Iso8601Error> {
    let Some(s) = offset_str else {
        // Whole hours and minutes of the local offset, combined as upstream
        // does (including its handling of negative half-hour offsets).
        let h = local.offset / SECONDS_IN_HOUR;
        let mut m = (local.offset - h * SECONDS_IN_HOUR) / SECONDS_IN_MINUTE;
        if h < 0 && m < 0 {
            m = -m;
        }
        return Ok(h * SECONDS_IN_HOUR + m * SECONDS_IN_MINUTE);
    };
    if s.starts_with('Z') {
        return Ok(0);
    }
    let first = s.chars().next();
    match first {
        Some('+') => parse_hms(&s[1..]),
        Some('-') => parse_hms(&s[1..]).map(|o| -o),
        Some(c) if c.is_ascii_digit() => parse_hms(s),
        _ => Ok(0),
    }
}

/// Parses the time part (after any `T`) into `t`.
fn parse_time(time_str: &str, t: &mut Tm, local: &LocalTime) -> Result<(), Iso8601Error> {
    t.seconds = parse_hms(time_str)?;
    let offset_at = time_str
        .find('Z')
        .or_else(|| time_str.find([' ', '+', '-']));
    let offset_s = offset_at.map(|i| time_str[i..].trim_start_matches(is_c_space));
    t.offset = parse_offset(offset_s, local)?;
    if t.seconds == SECONDS_IN_DAY {
        t.seconds = 0;
        t.add_days(1);
    }
    Ok(())
}

/// Parses a date/time specification (`parse_date`).
pub(crate) fn parse_date(date_str: &str, local: &LocalTime) -> Result<Tm, Iso8601Error> {
    let invalid = || {
        err(
            "parse_date",
            format!("'{date_str}' is not a valid ISO 8601 date/time specification"),
        )
    };
    if date_str.is_empty() {
        return Err(err(
            "parse_date",
            "No ISO 8601 date/time specification given".to_string(),
        ));
    }
    let bytes = date_str.as_bytes();
    if bytes[0] == b'T' || (bytes.len() > 2 && bytes[2] == b':') {
        // Just a time: on the current local date.
        let mut t = Tm::from_epoch(local.now, local.offset);
        let time_s = if bytes[0] == b'T' {
            &date_str[1..]
        } else {
            date_str
        };
        parse_time(time_s, &mut t, local)?;
        return if t.is_valid() { Ok(t) } else { Err(invalid()) };
    }
    if bytes.len() >= 5
        && date_str.is_char_boundary(5)
        && date_str[..5].eq_ignore_ascii_case("epoch")
        && date_str[5..]
            .chars()
            .next()
            .is_none_or(|c| c == '/' || is_c_space(c))
    {
        return Ok(Tm {
            years: 1970,
            days: 1,
            ..Tm::default()
        });
    }

    let mut t = Tm::default();
    let mut v = scanf(date_str, &triple('-'));
    if v.len() == 1 {
        v = scanf(
            date_str,
            &[Fmt::Uint(Some(4)), Fmt::Uint(Some(2)), Fmt::Uint(Some(2))],
        );
    }
    if v.len() == 3 {
        let (year, month, day) = (v[0], v[1], v[2]);
        if !(1..=12).contains(&month) {
            return Err(err(
                "parse_date",
                format!(
                    "'{date_str}' is not a valid ISO 8601 date/time specification because '{month}' is not a valid month"
                ),
            ));
        }
        if year < 1 || year > i32::MAX as u32 {
            return Err(err(
                "parse_date",
                format!(
                    "'{date_str}' is not a valid ISO 8601 date/time specification because '{year}' is not a valid year"
                ),
            ));
        }
        if day < 1
            || day > i32::MAX as u32
            || i64::from(day) > i64::from(days_in_month_year(i64::from(month), i64::from(year)))
        {
            return Err(err(
                "parse_date",
                format!(
                    "'{date_str}' is not a valid ISO 8601 date/time specification because '{day}' is not a valid day of the month"
                ),
            ));
        }
        t.years = i32::try_from(year).unwrap_or(1);
        t.days = ordinal_days(i64::from(year), i64::from(month), i64::from(day));
    } else if let [year, day] =
        scanf(date_str, &[Fmt::Uint(None), Fmt::Lit('-'), Fmt::Uint(None)])[..]
    {
        if year < 1 || year > i32::MAX as u32 {
            return Err(err(
                "parse_date",
                format!(
                    "'{date_str}' is not a valid ISO 8601 date/time specification because '{year}' is not a valid year"
                ),
            ));
        }
        let y = i32::try_from(year).unwrap_or(1);
        if day < 1 || day > i32::MAX as u32 || i64::from(day) > i64::from(year_days(y)) {
            return Err(err(
                "parse_date",
                format!(
                    "'{date_str}' is not a valid ISO 8601 date/time specification because '{day}' is not a valid day of year {year} (1-{})",
                    year_days(y)
                ),
            ));
        }
        t.days = i32::try_from(day).unwrap_or(1);
        t.years = y;
    } else if let [year, week, day] = scanf(
        date_str,
        &[
            Fmt::Uint(None),
            Fmt::Lit('-'),
            Fmt::Lit('W'),
            Fmt::Uint(None),
            Fmt::Lit('-'),
            Fmt::Uint(None),
        ],
    )[..]
    {
        // The year is used as C's int would see it.
        let y = year as i32;
        if week < 1 || i64::from(week) > i64::from(weeks_in_year(y)) {
            return Err(err(
                "parse_date",
                format!(
                    "'{date_str}' is not a valid ISO 8601 date/time specification because '{week}' is not a valid week of year {year} (1-{})",
                    weeks_in_year(y)
                ),
            ));
        }
        if !(1..=7).contains(&day) {
            return Err(err(
                "parse_date",
                format!(
                    "'{date_str}' is not a valid ISO 8601 date/time specification because '{day}' is not a valid day of the week"
                ),
            ));
        }
        // Week 1 holds January 4th; its Monday may be in the previous year.
        let jan1 = jan1_day_of_week(y);
        t.years = y;
        t.add_days((week as i32 - 1) * 7);
        if jan1 <= 4 {
            t.add_days(1 - jan1);
        } else {
            t.add_days(8 - jan1);
        }
        t.add_days(day as i32);
    } else {
        return Err(invalid());
    }

    // The time, if any, follows the date after a space or 'T'.
    let date_len = date_str
        .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == 'W'))
        .unwrap_or(date_str.len());
    let after = &date_str[date_len..];
    if let Some(time_s) = after.strip_prefix([' ', 'T']) {
        parse_time(time_s, &mut t, local)?;
    }
    if !t.is_valid() {
        return Err(invalid());
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> LocalTime {
        LocalTime { now: 0, offset: 0 }
    }

    fn ok(s: &str) -> Tm {
        parse_date(s, &utc()).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn fails(s: &str) -> Iso8601Error {
        parse_date(s, &utc()).expect_err(s)
    }

    #[test]
    fn forms() {
        let t = ok("2019-12-01 13:12:11");
        assert_eq!(
            (t.years, t.days, t.seconds, t.offset),
            (2019, 335, 47_531, 0)
        );
        let t = ok("20191201T131211 -05:00");
        assert_eq!(
            (t.years, t.days, t.seconds, t.offset),
            (2019, 335, 47_531, -18_000)
        );
        let t = ok("2005-040");
        assert_eq!((t.years, t.days, t.seconds), (2005, 40, 0));
        let t = ok("2009-W53-7 00:00:00Z");
        assert_eq!(t.gregorian(), (2010, 1, 3));
        let t = ok("2008-W01-1 00Z");
        assert_eq!(t.gregorian(), (2007, 12, 31));
        let t = ok("2019-12-31 24:00:00Z");
        assert_eq!((t.years, t.days, t.seconds), (2020, 1, 0));
        let t = ok("2019-04-25T21:42:54+0420");
        assert_eq!(t.offset, 4 * 3600 + 20 * 60);
        let t = ok("2019-04-25T21:42:54 -0200");
        assert_eq!(t.offset, -7200);
        let t = ok("epoch");
        assert_eq!((t.years, t.days), (1970, 1));
        let t = ok("EPOCH/x");
        assert_eq!(t.years, 1970);
        let t = ok("T10:00:00Z");
        assert_eq!((t.years, t.days, t.seconds), (1970, 1, 36_000));
    }

    #[test]
    fn local_offset_applies_without_zone() {
        let local = LocalTime {
            now: 0,
            offset: 3600,
        };
        let t = parse_date("2020-01-01 10:00:00", &local).unwrap();
        assert_eq!(t.offset, 3600);
        let t = parse_date("2020-01-01", &local).unwrap();
        assert_eq!(t.offset, 0);
    }

    #[test]
    fn errors() {
        let cases = [
            ("", "No ISO 8601 date/time specification given"),
            (
                "2019-13-01 00:00:00Z/P1M",
                "'2019-13-01 00:00:00Z/P1M' is not a valid ISO 8601 date/time specification because '13' is not a valid month",
            ),
            (
                "20191077T15/P1M",
                "'20191077T15/P1M' is not a valid ISO 8601 date/time specification because '77' is not a valid day of the month",
            ),
            (
                "2019-02-29 00:00:00Z",
                "'2019-02-29 00:00:00Z' is not a valid ISO 8601 date/time specification because '29' is not a valid day of the month",
            ),
            (
                "2019-10-01T25:00:00Z/P1M",
                "25:00:00Z/P1M is not a valid ISO 8601 time specification because 25 is not a valid hour",
            ),
            (
                "2019-10-01T24:00:01Z/P1M",
                "24:00:01Z/P1M is not a valid ISO 8601 time specification because 24 is not a valid hour",
            ),
            (
                "20191001T007000Z",
                "007000Z is not a valid ISO 8601 time specification because 70 is not a valid minute",
            ),
            (
                "2019-10-01 00:00:80Z/P1M",
                "00:00:80Z/P1M is not a valid ISO 8601 time specification because 80 is not a valid second",
            ),
            (
                "2019-10-01 00:00:10 +25:00/P1M",
                "25:00/P1M is not a valid ISO 8601 time specification because 25 is not a valid hour",
            ),
            (
                "20191001T000010 -00:61/P1M",
                "00:61/P1M is not a valid ISO 8601 time specification because 61 is not a valid minute",
            ),
            (
                "2019-400",
                "'2019-400' is not a valid ISO 8601 date/time specification because '400' is not a valid day of year 2019 (1-365)",
            ),
            (
                "2010-W53-1",
                "'2010-W53-1' is not a valid ISO 8601 date/time specification because '53' is not a valid week of year 2010 (1-52)",
            ),
            (
                "2010-W05-8",
                "'2010-W05-8' is not a valid ISO 8601 date/time specification because '8' is not a valid day of the week",
            ),
            (
                "bogus",
                "'bogus' is not a valid ISO 8601 date/time specification",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(fails(input).message, message, "{input}");
        }
        assert_eq!(fails("2019-10-01T25:00:00Z").function, "parse_hms");
        assert_eq!(fails("bogus").function, "parse_date");
    }
}
