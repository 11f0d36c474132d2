//! Dates with a time of day and an offset from UTC.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use super::LocalTime;
use super::duration::Duration;
use super::error::Iso8601Error;
use super::format::TimeFormat;
use super::parse::parse_date;
use super::time::{EPOCH_SECONDS, SECONDS_IN_HOUR, SECONDS_IN_MINUTE, Tm};

/// A date and time of day with its offset from UTC (seconds east).
///
/// Equality and order compare the UTC instant field by field, as
/// `crm_time_compare` does; [`Display`](fmt::Display) writes the UTC form
/// `2019-12-01 18:12:11Z`.
#[derive(Debug, Clone, Copy)]
pub struct DateTime(pub(crate) Tm);

impl DateTime {
    /// Reads an ISO 8601 date/time; a time without an offset is taken as
    /// UTC and a time alone is on 1970-01-01 (use [`DateTime::parse_at`]
    /// for the local time zone and today's date).
    pub fn parse(text: &str) -> Result<DateTime, Iso8601Error> {
        DateTime::parse_at(text, &LocalTime::UTC_EPOCH)
    }

    /// Reads an ISO 8601 date/time, taking a missing offset and a missing
    /// date from `local` (`crm_time_new`).
    pub fn parse_at(text: &str, local: &LocalTime) -> Result<DateTime, Iso8601Error> {
        parse_date(text, local).map(DateTime)
    }

    /// The moment `epoch` seconds after 1970-01-01 00:00:00 UTC, as seen at
    /// `offset` seconds east of UTC.
    pub fn from_epoch(epoch: i64, offset: i32) -> DateTime {
        DateTime(Tm::from_epoch(epoch, offset))
    }

    /// The current moment of `local`.
    pub fn now(local: &LocalTime) -> DateTime {
        DateTime::from_epoch(local.now, local.offset)
    }

    /// The calendar year.
    pub fn year(&self) -> i32 {
        self.0.years
    }

    /// The day of the year (1-366).
    pub fn ordinal_day(&self) -> i32 {
        self.0.days
    }

    /// Seconds since midnight (86400 only after an addition that lands on
    /// midnight, as upstream).
    pub fn seconds_of_day(&self) -> i32 {
        self.0.seconds
    }

    /// Seconds east of UTC.
    pub fn offset(&self) -> i32 {
        self.0.offset
    }

    /// Year, month (1-12) and day of month.
    pub fn gregorian(&self) -> (i32, u32, u32) {
        let (y, m, d) = self.0.gregorian();
        (y, m.unsigned_abs(), d.unsigned_abs())
    }

    /// Hours, minutes and seconds of the day.
    pub fn time_of_day(&self) -> (u32, u32, u32) {
        self.0.time_of_day()
    }

    /// ISO week-numbering year, week (1-53) and weekday (Monday 1 ..
    /// Sunday 7).
    pub fn iso_week(&self) -> (i32, u32, u32) {
        self.0.ywd()
    }

    /// Seconds since 1970-01-01 00:00:00 UTC.
    pub fn epoch_seconds(&self) -> i64 {
        self.0.total_seconds() - EPOCH_SECONDS
    }

    /// Seconds since 0001-01-01 00:00:00 UTC.
    pub fn seconds_since_year_one(&self) -> i64 {
        self.0.total_seconds()
    }

    /// The same moment at offset 0.
    pub fn to_utc(self) -> DateTime {
        DateTime(self.0.to_utc())
    }

    /// Whether the day and time are within range for the year.
    pub fn is_valid(&self) -> bool {
        self.0.is_valid()
    }

    /// This moment plus `d` (`crm_time_add`): years, then months (keeping
    /// the day of the month unless the month is shorter), days, seconds.
    pub fn add(&self, d: &Duration) -> DateTime {
        DateTime(self.0.plus(&d.0))
    }

    /// This moment minus `d` (`crm_time_subtract`).
    pub fn sub(&self, d: &Duration) -> DateTime {
        DateTime(self.0.minus(&d.0, false))
    }

    /// The duration from `earlier` to this moment
    /// (`crm_time_calculate_duration`).
    pub fn duration_since(&self, earlier: &DateTime) -> Duration {
        Duration(self.0.minus(&earlier.0, true))
    }

    /// Adds seconds (may be negative).
    pub fn add_seconds(&mut self, n: i32) {
        self.0.add_seconds(n);
    }

    /// Adds minutes.
    pub fn add_minutes(&mut self, n: i32) {
        self.0.add_seconds(n.saturating_mul(SECONDS_IN_MINUTE));
    }

    /// Adds hours.
    pub fn add_hours(&mut self, n: i32) {
        self.0.add_seconds(n.saturating_mul(SECONDS_IN_HOUR));
    }

    /// Adds days.
    pub fn add_days(&mut self, n: i32) {
        self.0.add_days(n);
    }

    /// Adds weeks.
    pub fn add_weeks(&mut self, n: i32) {
        self.0.add_days(n.saturating_mul(7));
    }

    /// Adds months.
    pub fn add_months(&mut self, n: i32) {
        self.0.add_months(n);
    }

    /// Adds years, clipped to year 1 at the earliest.
    pub fn add_years(&mut self, n: i32) {
        self.0.add_years(n);
    }

    /// The moment as text in the given format; see [`TimeFormat`].
    pub fn format(&self, flags: TimeFormat) -> String {
        self.0.format(flags)
    }

    fn key(&self) -> (i32, i32, i32) {
        let u = self.0.to_utc();
        (u.years, u.days, u.seconds)
    }
}

impl PartialEq for DateTime {
    fn eq(&self, other: &DateTime) -> bool {
        self.key() == other.key()
    }
}

impl Eq for DateTime {}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &DateTime) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &DateTime) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl Hash for DateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(TimeFormat::DATE | TimeFormat::TIME_OF_DAY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> DateTime {
        DateTime::parse(s).unwrap()
    }

    fn d(s: &str) -> Duration {
        Duration::parse(s).unwrap()
    }

    #[test]
    fn arithmetic() {
        let cases = [
            ("2014-01-01 00:30:00Z", "PT-1H", "2013-12-31 23:30:00Z"),
            ("epoch", "P2Y5MT6M", "1972-06-01 00:06:00Z"),
            ("20090131T000000Z", "P1M", "2009-02-28 00:00:00Z"),
            ("2009-01-31 00:00:00Z", "P2M", "2009-03-31 00:00:00Z"),
            ("2009-01-31 00:00:00Z", "P3M", "2009-04-30 00:00:00Z"),
            ("2009-03-31 01:00:00 +01:00", "P-1M", "2009-02-28 00:00:00Z"),
            ("2038-01-01 00:00:00Z", "P3M", "2038-04-01 00:00:00Z"),
            // Years keep the ordinal day, as upstream
            ("2020-02-29 00:00:00Z", "P1Y", "2021-03-01 00:00:00Z"),
            ("2019-12-31 12:00:00Z", "P1W", "2020-01-07 12:00:00Z"),
        ];
        for (start, dur, want) in cases {
            assert_eq!(dt(start).add(&d(dur)).to_string(), want, "{start} + {dur}");
        }
        let keep = dt("2009-03-31 01:00:00 +01:00").add(&d("P-1M"));
        assert_eq!(
            keep.format(TimeFormat::DATE | TimeFormat::TIME_OF_DAY | TimeFormat::WITH_TIMEZONE),
            "2009-02-28 01:00:00 +01:00"
        );
        assert_eq!(
            dt("2020-03-01").sub(&d("P1D")).to_string(),
            "2020-02-29 00:00:00Z"
        );
    }

    #[test]
    fn comparison_and_epoch() {
        assert_eq!(
            dt("2019-04-25T21:42:54+0200").epoch_seconds(),
            1_556_221_374
        );
        assert_eq!(
            dt("2019-04-25T21:42:54+0420").epoch_seconds(),
            1_556_212_974
        );
        assert_eq!(
            dt("2019-04-25T21:42:54-0200").epoch_seconds(),
            1_556_235_774
        );
        assert_eq!(dt("20191201T131211 -05:00"), dt("2019-12-01 18:12:11Z"));
        assert!(dt("2019-01-01") < dt("2019-01-01 00:00:01"));
        assert!(dt("2019-01-01 01:00:00 +02:00") < dt("2019-01-01 00:00:00Z"));
        assert_eq!(DateTime::from_epoch(0, 0), dt("epoch"));
        let span = dt("2019-01-02").duration_since(&dt("2019-01-01"));
        assert_eq!(span.days(), 1);
    }
}
