//! The raw time value shared by dates and durations (Pacemaker's
//! `crm_time_t`) and its arithmetic.
//!
//! A date is a year, an ordinal day of that year (1-366), seconds into the
//! day and an offset from UTC in seconds. A duration uses the same fields as
//! amounts (and months, which only durations have). The arithmetic follows
//! Pacemaker's, quirks included: adding months keeps the day of the month
//! unless the target month is shorter (2009-01-31 + 1 month is 2009-02-28),
//! years are clipped to 1..=`i32::MAX`, and adding seconds that land exactly
//! on midnight leaves the time at 24:00:00 of the same day (Pacemaker 3.0's
//! `crm_time_add_seconds` checks `> 86400`).

use super::calendar::{days_before_year, days_in_month_year, ordinal_days, year_days};

pub(crate) const SECONDS_IN_MINUTE: i32 = 60;
pub(crate) const SECONDS_IN_HOUR: i32 = 3600;
pub(crate) const SECONDS_IN_DAY: i32 = 86_400;

/// Seconds from 0001-01-01 00:00:00 to the Unix epoch, as Pacemaker counts.
pub(crate) const EPOCH_SECONDS: i64 = 62_135_596_800;

/// Pacemaker's `crm_time_t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub(crate) struct Tm {
    pub years: i32,
    /// Only durations have months.
    pub months: i32,
    pub days: i32,
    pub seconds: i32,
    /// Seconds east of UTC.
    pub offset: i32,
    pub duration: bool,
}

impl Tm {
    /// Whether anything has been set (`crm_time_is_defined`).
    pub fn is_defined(&self) -> bool {
        self.years != 0
            || self.months != 0
            || self.days != 0
            || self.seconds != 0
            || self.offset != 0
            || self.duration
    }

    /// Whether the days and seconds make sense for the year (`valid_time`).
    pub fn is_valid(&self) -> bool {
        self.days > 0
            && self.days <= year_days(self.years)
            && (0..SECONDS_IN_DAY).contains(&self.seconds)
    }

    /// The same moment at offset 0 (`copy_time_to_utc`). Durations (offset
    /// 0) keep their months.
    pub fn to_utc(self) -> Tm {
        let mut utc = Tm {
            years: self.years,
            days: self.days,
            seconds: self.seconds,
            ..Tm::default()
        };
        if self.offset != 0 {
            utc.add_seconds(-self.offset);
        } else {
            utc.months = self.months;
        }
        utc
    }

    /// Seconds since 0001-01-01 00:00:00 UTC (`crm_time_get_seconds`);
    /// durations count months as 30 days and, as upstream, omit the last
    /// whole year.
    pub fn total_seconds(&self) -> i64 {
        let t = if self.offset != 0 {
            self.to_utc()
        } else {
            *self
        };
        let mut secs = days_before_year(i64::from(t.years)) * i64::from(SECONDS_IN_DAY);
        if t.months > 0 {
            secs += i64::from(SECONDS_IN_DAY) * 30 * i64::from(t.months);
        }
        if t.days > 0 {
            secs += i64::from(SECONDS_IN_DAY) * i64::from(t.days - 1);
        }
        secs + i64::from(t.seconds)
    }

    /// Year, month and day of month (`crm_time_get_gregorian`). For a
    /// duration, the months and the days as given.
    pub fn gregorian(&self) -> (i32, i32, i32) {
        let mut days = self.days;
        let mut months = 0;
        if self.years != 0 {
            months = 1;
            while months <= 12 && days > 0 {
                let mdays = days_in_month_year(i64::from(months), i64::from(self.years));
                if mdays >= days {
                    break;
                }
                days -= mdays;
                months += 1;
            }
        } else if self.months != 0 {
            months = self.months;
        }
        (self.years, months, days)
    }

    /// Hours, minutes and seconds of the day (absolute values).
    pub fn time_of_day(&self) -> (u32, u32, u32) {
        seconds_to_hms(self.seconds)
    }

    /// Adds days, rolling years over (`crm_time_add_days`).
    pub fn add_days(&mut self, extra: i32) {
        let mut extra = extra;
        if extra > 0 {
            while i64::from(self.days) + i64::from(extra) > i64::from(year_days(self.years)) {
                if self.years == i32::MAX {
                    self.days = year_days(self.years);
                    return;
                }
                extra -= year_days(self.years);
                self.years += 1;
            }
        } else if extra < 0 {
            let min_days = if self.duration { 0 } else { 1 };
            while i64::from(self.days) + i64::from(extra) < min_days {
                if self.years <= 1 {
                    self.days = 1;
                    return;
                }
                self.years -= 1;
                extra += year_days(self.years);
            }
        }
        self.days += extra;
    }

    /// Adds seconds (`crm_time_add_seconds`).
    pub fn add_seconds(&mut self, extra: i32) {
        let mut days = extra / SECONDS_IN_DAY;
        self.seconds += extra % SECONDS_IN_DAY;
        if self.seconds > SECONDS_IN_DAY {
            days += 1;
            self.seconds -= SECONDS_IN_DAY;
        } else if self.seconds < 0 {
            days -= 1;
            self.seconds += SECONDS_IN_DAY;
        }
        self.add_days(days);
    }

    /// Adds months, keeping the day of the month where possible
    /// (`crm_time_add_months`).
    pub fn add_months(&mut self, extra: i32) {
        let (y, m, d) = self.gregorian();
        let (y, m) = step_months(i64::from(y), i64::from(m), i64::from(extra));
        let dmax = i64::from(days_in_month_year(m, y));
        let d = i64::from(d).min(dmax);
        self.years = i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX });
        self.days = ordinal_days(y, m, d);
    }

    /// Adds years, clipped to 1..=`i32::MAX` (`crm_time_add_years`).
    pub fn add_years(&mut self, extra: i32) {
        let sum = i64::from(self.years) + i64::from(extra);
        if extra > 0 && sum > i64::from(i32::MAX) {
            self.years = i32::MAX;
        } else if extra < 0 && sum < 1 {
            self.years = 1;
        } else {
            self.years = i32::try_from(sum).unwrap_or(1);
        }
    }

    /// Adds a duration (`crm_time_add`).
    pub fn plus(&self, value: &Tm) -> Tm {
        let mut answer = *self;
        let utc = value.to_utc();
        answer.add_years(utc.years);
        answer.add_months(utc.months);
        answer.add_days(utc.days);
        answer.add_seconds(utc.seconds);
        answer
    }

    /// Subtracts `value` (`crm_time_subtract`, or
    /// `crm_time_calculate_duration` when `as_duration`).
    pub fn minus(&self, value: &Tm, as_duration: bool) -> Tm {
        let mut result = if as_duration { self.to_utc() } else { *self };
        result.duration = as_duration;
        let mut utc = value.to_utc();
        if utc.years == i32::MIN {
            result.add_years(-1);
            utc.years += 1;
        }
        result.add_years(-utc.years);
        if utc.months == i32::MIN {
            result.add_months(-1);
            utc.months += 1;
        }
        result.add_months(-utc.months);
        if utc.days == i32::MIN {
            result.add_days(-1);
            utc.days += 1;
        }
        result.add_days(-utc.days);
        if utc.seconds == i32::MIN {
            result.add_seconds(-1);
            utc.seconds += 1;
        }
        result.add_seconds(-utc.seconds);
        result
    }

    /// The date at `epoch` seconds since 1970 seen at `offset` seconds east
    /// of UTC (`pcmk__copy_timet`).
    pub fn from_epoch(epoch: i64, offset: i32) -> Tm {
        let local = epoch + i64::from(offset);
        let days = local.div_euclid(i64::from(SECONDS_IN_DAY));
        let secs = local.rem_euclid(i64::from(SECONDS_IN_DAY));
        let (year, ordinal) = super::calendar::ordinal_from_unix_days(days);
        // Offsets are kept to whole minutes, as upstream does.
        let h = offset / SECONDS_IN_HOUR;
        let m = (offset - h * SECONDS_IN_HOUR) / SECONDS_IN_MINUTE;
        Tm {
            years: i32::try_from(year).unwrap_or(1).max(1),
            months: 0,
            days: i32::try_from(ordinal).unwrap_or(1),
            seconds: i32::try_from(secs).unwrap_or(0),
            offset: h * SECONDS_IN_HOUR + m * SECONDS_IN_MINUTE,
            duration: false,
        }
    }
}

/// Moves `extra` months from year `y`, month `m`, as stepping one month at
/// a time does (a month index only wraps when it passes 12 or 0).
fn step_months(y: i64, m: i64, extra: i64) -> (i64, i64) {
    if extra > 0 {
        if m > 12 {
            return (y, m + extra);
        }
        let to_wrap = 13 - m;
        if extra < to_wrap {
            return (y, m + extra);
        }
        let rem = extra - to_wrap;
        (y + 1 + rem / 12, 1 + rem % 12)
    } else if extra < 0 {
        let n = -extra;
        if m < 1 {
            return (y, m - n);
        }
        if n < m {
            return (y, m - n);
        }
        let rem = n - m;
        (y - 1 - rem / 12, 12 - rem % 12)
    } else {
        (y, m)
    }
}

/// Splits seconds into absolute hours, minutes and seconds
/// (`seconds_to_hms`).
pub(crate) fn seconds_to_hms(seconds: i32) -> (u32, u32, u32) {
    let hours = seconds / SECONDS_IN_HOUR;
    let rest = seconds % SECONDS_IN_HOUR;
    let minutes = rest / SECONDS_IN_MINUTE;
    let secs = rest % SECONDS_IN_MINUTE;
    (
        hours.unsigned_abs(),
        minutes.unsigned_abs(),
        secs.unsigned_abs(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(years: i32, days: i32, seconds: i32) -> Tm {
        Tm {
            years,
            days,
            seconds,
            ..Tm::default()
        }
    }

    #[test]
    fn add_days_rolls_years() {
        let mut t = date(2019, 365, 0);
        t.add_days(1);
        assert_eq!((t.years, t.days), (2020, 1));
        t.add_days(-1);
        assert_eq!((t.years, t.days), (2019, 365));
        let mut t = date(1, 5, 0);
        t.add_days(-10);
        assert_eq!((t.years, t.days), (1, 1));
        let mut t = date(i32::MAX, 300, 0);
        t.add_days(100);
        assert_eq!((t.years, t.days), (i32::MAX, 365));
    }

    #[test]
    fn add_seconds_midnight_quirk() {
        let mut t = date(2019, 1, 82_800);
        t.add_seconds(3600);
        assert_eq!((t.days, t.seconds), (1, 86_400));
        let mut t = date(2019, 1, 82_800);
        t.add_seconds(3601);
        assert_eq!((t.days, t.seconds), (2, 1));
        let mut t = date(2019, 1, 0);
        t.add_seconds(-1);
        assert_eq!((t.years, t.days, t.seconds), (2018, 365, 86_399));
    }

    #[test]
    fn add_months_clamps_day() {
        let mut t = date(2009, 31, 0);
        t.add_months(1);
        assert_eq!(t.gregorian(), (2009, 2, 28));
        let mut t = date(2009, 31, 0);
        t.add_months(3);
        assert_eq!(t.gregorian(), (2009, 4, 30));
        let mut t = date(2009, 90, 0); // March 31
        t.add_months(-1);
        assert_eq!(t.gregorian(), (2009, 2, 28));
        let mut t = date(2009, 31, 0);
        t.add_months(-13);
        assert_eq!(t.gregorian(), (2007, 12, 31));
    }

    #[test]
    fn utc_and_compare() {
        let t = Tm {
            offset: 3600,
            ..date(2019, 1, 1800)
        };
        let u = t.to_utc();
        assert_eq!((u.years, u.days, u.seconds), (2018, 365, 86_400 - 1800));
        assert_eq!(date(1970, 1, 0).total_seconds(), EPOCH_SECONDS);
    }

    #[test]
    fn from_epoch() {
        let t = Tm::from_epoch(1_556_221_374, 7200);
        assert_eq!(
            (t.years, t.days, t.seconds, t.offset),
            (2019, 115, 78_174, 7200)
        );
        assert_eq!(t.total_seconds() - EPOCH_SECONDS, 1_556_221_374);
    }
}
