//! Gregorian calendar facts: leap years, month lengths, ordinal days and ISO
//! week numbering (weeks start on Monday; week 1 holds the year's first
//! Thursday).

/// Whether `year` is a leap year.
pub(crate) fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1-12) of `year`, or 0 when either is out of range.
pub(crate) fn days_in_month_year(month: i64, year: i64) -> i32 {
    const DAYS: [i32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month) || year < 1 {
        return 0;
    }
    let year = i32::try_from(year).unwrap_or(i32::MAX);
    if month == 2 && is_leap_year(year) {
        return 29;
    }
    usize::try_from(month - 1).map_or(0, |i| DAYS[i])
}

/// Days in `year`.
pub(crate) fn year_days(year: i32) -> i32 {
    if is_leap_year(year) { 366 } else { 365 }
}

/// The ordinal day of the year for `year-month-day`, or 0 when invalid.
pub(crate) fn ordinal_days(year: i64, month: i64, day: i64) -> i32 {
    if year <= 0
        || year > i64::from(i32::MAX)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
    {
        return 0;
    }
    let mut result = i32::try_from(day).unwrap_or(0);
    for m in 1..month {
        result += days_in_month_year(m, year);
    }
    result
}

/// The weekday of January 1st of `year` (Monday 1 .. Sunday 7).
pub(crate) fn jan1_day_of_week(year: i32) -> i32 {
    let yy = (year.wrapping_sub(1)) % 100;
    let c = year.wrapping_sub(1).wrapping_sub(yy);
    let g = yy + yy / 4;
    1 + ((((c / 100) % 4) * 5 + g) % 7)
}

/// The number of ISO weeks (52 or 53) in `year`.
pub(crate) fn weeks_in_year(year: i32) -> i32 {
    let jan1 = jan1_day_of_week(year);
    if jan1 == 4 || jan1_day_of_week(year.saturating_add(1)) == 5 {
        53
    } else {
        52
    }
}

/// Days in the years before `year` (since 0001-01-01), 0 for `year <= 1`.
pub(crate) fn days_before_year(year: i64) -> i64 {
    if year <= 1 {
        return 0;
    }
    let y = year - 1;
    y * 365 + y / 4 - y / 100 + y / 400
}

/// Year and ordinal day of the day `days` after 1970-01-01 (may be negative).
pub(crate) fn ordinal_from_unix_days(days: i64) -> (i64, i64) {
    // Civil-from-days (proleptic Gregorian), then the ordinal day.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy_march = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy_march + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let day = doy_march - (153 * mp + 2) / 5 + 1;
    let ordinal = i64::from(ordinal_days(year, month, day));
    (year, ordinal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_facts() {
        assert!(is_leap_year(2000) && is_leap_year(2024));
        assert!(!is_leap_year(1900) && !is_leap_year(2019));
        assert_eq!(days_in_month_year(2, 2020), 29);
        assert_eq!(days_in_month_year(2, 2019), 28);
        assert_eq!(days_in_month_year(13, 2019), 0);
        assert_eq!(ordinal_days(2005, 2, 9), 40);
        assert_eq!(ordinal_days(2020, 12, 31), 366);
        // 2009-01-01 was a Thursday, 2010-01-01 a Friday
        assert_eq!(jan1_day_of_week(2009), 4);
        assert_eq!(jan1_day_of_week(2010), 5);
        assert_eq!(weeks_in_year(2009), 53);
        assert_eq!(weeks_in_year(2010), 52);
        assert_eq!(days_before_year(1970) * 86_400, 62_135_596_800);
        assert_eq!(ordinal_from_unix_days(0), (1970, 1));
        assert_eq!(ordinal_from_unix_days(-1), (1969, 365));
        assert_eq!(ordinal_from_unix_days(18_321), (2020, 60));
    }
}
