//! Writing dates and durations as text, as `crm_time_as_string` does.

use std::fmt::Write as _;
use std::ops::BitOr;

use super::time::{EPOCH_SECONDS, SECONDS_IN_MINUTE, Tm, seconds_to_hms};

/// What to show when writing a time as text (Pacemaker's `crm_time_*`
/// display flags). Combine with `|`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct TimeFormat(u32);

impl TimeFormat {
    /// Nothing selected.
    pub const NONE: TimeFormat = TimeFormat(0);
    /// The date (`YYYY-MM-DD` unless [`ORDINAL`](Self::ORDINAL) or
    /// [`WEEKS`](Self::WEEKS)).
    pub const DATE: TimeFormat = TimeFormat(0x001);
    /// The time of day (`hh:mm:ss` followed by `Z` or the offset).
    pub const TIME_OF_DAY: TimeFormat = TimeFormat(0x002);
    /// Keep the time's own offset (` +01:00`) instead of converting to UTC.
    pub const WITH_TIMEZONE: TimeFormat = TimeFormat(0x004);
    /// Show as a duration (amounts of years, months, days, seconds).
    pub const DURATION: TimeFormat = TimeFormat(0x008);
    /// Show as seconds since 0001-01-01.
    pub const SECONDS: TimeFormat = TimeFormat(0x100);
    /// Show as seconds since the Unix epoch.
    pub const EPOCH: TimeFormat = TimeFormat(0x200);
    /// Show the date as `YYYY-DDD`.
    pub const ORDINAL: TimeFormat = TimeFormat(0x010);
    /// Show the date as an ISO week date `YYYY-Www-D`.
    pub const WEEKS: TimeFormat = TimeFormat(0x020);

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: TimeFormat) -> bool {
        self.0 & other.0 == other.0
    }

    fn any(self, other: TimeFormat) -> bool {
        self.0 & other.0 != 0
    }
}

impl BitOr for TimeFormat {
    type Output = TimeFormat;

    fn bitor(self, rhs: TimeFormat) -> TimeFormat {
        TimeFormat(self.0 | rhs.0)
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl Tm {
    /// ISO week-numbering year, week and weekday (`pcmk__time_get_ywd`);
    /// zeros for a time without a valid day.
    pub(crate) fn ywd(&self) -> (i32, u32, u32) {
        use super::calendar::{jan1_day_of_week, weeks_in_year, year_days};
        if self.days <= 0 {
            return (0, 0, 0);
        }
        let jan1 = jan1_day_of_week(self.years);
        let h = self.days + jan1 - 1;
        let d = 1 + (h - 1) % 7;
        let mut w = 0;
        let mut year_num = self.years;
        if self.days <= 8 - jan1 && jan1 > 4 {
            year_num = self.years - 1;
            w = weeks_in_year(year_num);
        }
        if year_num == self.years {
            let dmax = year_days(year_num);
            let correction = 4 - d;
            if dmax - self.days < correction {
                year_num = self.years + 1;
                w = 1;
            }
        }
        if year_num == self.years {
            let j = self.days + (7 - d) + (jan1 - 1);
            w = j / 7;
            if jan1 > 4 {
                w -= 1;
            }
        }
        (year_num, w.unsigned_abs(), d.unsigned_abs())
    }

    fn duration_text(&self, out: &mut String) {
        if self.years != 0 {
            let _ = write!(out, "{:4} year{} ", self.years, plural(self.years.into()));
        }
        if self.months != 0 {
            let _ = write!(
                out,
                "{:2} month{} ",
                self.months,
                plural(self.months.into())
            );
        }
        if self.days != 0 {
            let _ = write!(out, "{:2} day{} ", self.days, plural(self.days.into()));
        }
        if out.is_empty() || self.seconds != 0 {
            let _ = write!(
                out,
                "{} second{}",
                self.seconds,
                plural(self.seconds.into())
            );
        }
        if self.seconds.abs() >= SECONDS_IN_MINUTE {
            let (h, m, s) = seconds_to_hms(self.seconds);
            out.push_str(" (");
            if h != 0 {
                let _ = write!(out, "{h} hour{}", plural(h.into()));
                if m != 0 || s != 0 {
                    out.push(' ');
                }
            }
            if m != 0 {
                let _ = write!(out, "{m} minute{}", plural(m.into()));
                if s != 0 {
                    out.push(' ');
                }
            }
            if s != 0 {
                // Upstream pluralises by the total, not the remainder.
                let _ = write!(out, "{s} second{}", plural(self.seconds.into()));
            }
            out.push(')');
        }
    }

    /// The time as text (`crm_time_as_string`).
    pub(crate) fn format(&self, flags: TimeFormat) -> String {
        if !self.is_defined() {
            return "<undefined time>".to_string();
        }
        let mut out = String::with_capacity(32);
        if flags.contains(TimeFormat::DURATION) {
            self.duration_text(&mut out);
            return out;
        }
        if flags.any(TimeFormat::SECONDS | TimeFormat::EPOCH) {
            let mut secs = self.total_seconds();
            if !flags.contains(TimeFormat::SECONDS) {
                secs -= EPOCH_SECONDS;
            }
            let _ = write!(out, "{secs}");
            return out;
        }
        let dt = if self.offset != 0 && !flags.contains(TimeFormat::WITH_TIMEZONE) {
            self.to_utc()
        } else {
            *self
        };
        if flags.contains(TimeFormat::DATE) {
            if flags.contains(TimeFormat::WEEKS) {
                if dt.days > 0 {
                    let (y, w, d) = dt.ywd();
                    let _ = write!(out, "{y}-W{w:02}-{d}");
                }
            } else if flags.contains(TimeFormat::ORDINAL) {
                let _ = write!(out, "{}-{:03}", dt.years, dt.days);
            } else {
                let (y, m, d) = dt.gregorian();
                let _ = write!(out, "{y:04}-{m:02}-{d:02}");
            }
        }
        if flags.contains(TimeFormat::TIME_OF_DAY) {
            if !out.is_empty() {
                out.push(' ');
            }
            let (h, m, s) = dt.time_of_day();
            let _ = write!(out, "{h:02}:{m:02}:{s:02}");
            if flags.contains(TimeFormat::WITH_TIMEZONE) && dt.offset != 0 {
                let (oh, om, _) = seconds_to_hms(dt.offset);
                let sign = if dt.offset < 0 { '-' } else { '+' };
                let _ = write!(out, " {sign}{oh:02}:{om:02}");
            } else {
                out.push('Z');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dur(years: i32, months: i32, days: i32, seconds: i32) -> Tm {
        Tm {
            years,
            months,
            days,
            seconds,
            offset: 0,
            duration: true,
        }
    }

    #[test]
    fn durations() {
        let f = TimeFormat::DURATION;
        assert_eq!(dur(0, 0, 0, -3600).format(f), "-3600 seconds (1 hour)");
        assert_eq!(
            dur(2, 5, 0, 360).format(f),
            "   2 years  5 months 360 seconds (6 minutes)"
        );
        assert_eq!(dur(0, 1, 0, 0).format(f), " 1 month ");
        assert_eq!(dur(0, -1, 0, 0).format(f), "-1 months ");
        assert_eq!(dur(0, 0, 0, 1).format(f), "1 second");
        assert_eq!(
            dur(0, 0, 0, 3661).format(f),
            "3661 seconds (1 hour 1 minute 1 seconds)"
        );
        assert_eq!(dur(0, 0, 3, 0).format(f), " 3 days ");
        assert_eq!(Tm::default().format(f), "<undefined time>");
    }

    #[test]
    fn dates() {
        let t = Tm {
            years: 2009,
            days: 31,
            seconds: 3600,
            offset: 3600,
            ..Tm::default()
        };
        let dt = TimeFormat::DATE | TimeFormat::TIME_OF_DAY;
        assert_eq!(t.format(dt), "2009-01-31 00:00:00Z");
        assert_eq!(
            t.format(dt | TimeFormat::WITH_TIMEZONE),
            "2009-01-31 01:00:00 +01:00"
        );
        assert_eq!(t.format(dt | TimeFormat::ORDINAL), "2009-031 00:00:00Z");
        assert_eq!(t.format(dt | TimeFormat::WEEKS), "2009-W05-6 00:00:00Z");
        let neg = Tm {
            years: 2009,
            days: 31,
            seconds: 0,
            offset: -5400,
            ..Tm::default()
        };
        assert_eq!(
            neg.format(dt | TimeFormat::WITH_TIMEZONE),
            "2009-01-31 00:00:00 -01:30"
        );
        let epoch = Tm {
            years: 1970,
            days: 1,
            ..Tm::default()
        };
        assert_eq!(epoch.format(TimeFormat::EPOCH), "0");
        assert_eq!(epoch.format(TimeFormat::SECONDS), "62135596800");
        // Week dates around year ends
        let cases = [
            (2008, 366, "2009-W01-3"),
            (2010, 3, "2009-W53-7"),
            (2008, 1, "2008-W01-2"),
        ];
        for (years, days, want) in cases {
            let t = Tm {
                years,
                days,
                ..Tm::default()
            };
            assert_eq!(t.format(TimeFormat::DATE | TimeFormat::WEEKS), want);
        }
    }
}
