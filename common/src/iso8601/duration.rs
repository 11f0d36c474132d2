//! ISO 8601 durations: `P1Y2M3DT4H5M6S`, `PT30S`, `P2W`, with negative
//! amounts (`P-1M`) as Pacemaker accepts them (`crm_time_parse_duration`).
//!
//! Units may come in any order; `M` means months before a `T` and minutes
//! after it. Fractions are not supported. Parsing stops at `/` or white
//! space, so a duration can start a period.

use std::fmt;

use super::error::Iso8601Error;
use super::format::TimeFormat;
use super::time::{SECONDS_IN_HOUR, Tm};

/// An amount of time: years, months, days and seconds, each kept
/// separately since months and years have no fixed length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Duration(pub(crate) Tm);

const FN: &str = "crm_time_parse_duration";

fn err(message: String) -> Iso8601Error {
    Iso8601Error {
        function: FN,
        message,
    }
}

/// Reads an optionally signed integer of at most 10 digits at the start of
/// `s`; returns it and the number of bytes used, or `None`.
fn parse_int(s: &[u8]) -> Option<(i32, usize)> {
    let mut offset = usize::from(s.first() == Some(&b'T'));
    let mut negate = false;
    match s.get(offset) {
        Some(b'.' | b',') => return None,
        Some(b'-') => {
            negate = true;
            offset += 1;
        }
        Some(b'+' | b':') => offset += 1,
        _ => {}
    }
    let mut result: i64 = 0;
    let mut digits = 0;
    while digits < 10 {
        let Some(&c) = s.get(offset) else { break };
        if !c.is_ascii_digit() {
            break;
        }
        let next = result * 10 + i64::from(c - b'0');
        if next > i64::from(i32::MAX) {
            return None;
        }
        result = next;
        offset += 1;
        digits += 1;
    }
    if digits == 0 {
        return None;
    }
    let value = i32::try_from(if negate { -result } else { result }).ok()?;
    Some((value, offset))
}

impl Duration {
    /// Reads an ISO 8601 duration.
    pub fn parse(text: &str) -> Result<Duration, Iso8601Error> {
        if text.is_empty() {
            return Err(err("No ISO 8601 time duration given".to_string()));
        }
        let b = text.as_bytes();
        if b[0] != b'P' {
            return Err(err(format!(
                "'{text}' is not a valid ISO 8601 time duration because it does not start with a 'P'"
            )));
        }
        if b.get(1)
            .is_none_or(|c| c.is_ascii_whitespace() || *c == b'\x0b')
        {
            return Err(err(format!(
                "'{text}' is not a valid ISO 8601 time duration because nothing follows 'P'"
            )));
        }
        let mut d = Tm::default();
        let mut is_time = false;
        let mut pos = 1;
        while let Some(&c) = b.get(pos) {
            if c == b'/' || c.is_ascii_whitespace() || c == b'\x0b' {
                break;
            }
            if c == b'T' {
                is_time = true;
                pos += 1;
                continue;
            }
            let at = &text[pos..];
            let Some((value, used)) = parse_int(&b[pos..]) else {
                return Err(err(format!(
                    "'{text}' is not a valid ISO 8601 time duration because no valid integer at '{at}'"
                )));
            };
            pos += used;
            let too = |result: i64| {
                err(format!(
                    "'{text}' is not a valid ISO 8601 time duration because integer at '{at}' is too {}",
                    if result > 0 { "large" } else { "small" }
                ))
            };
            let checked = |result: i64| i32::try_from(result).map_err(|_| too(result));
            match b.get(pos) {
                Some(b'Y') => d.years = value,
                Some(b'M') if !is_time => d.months = value,
                Some(b'M') => d.seconds = checked(i64::from(d.seconds) + i64::from(value) * 60)?,
                Some(b'W') => d.days = checked(i64::from(d.days) + i64::from(value) * 7)?,
                Some(b'D') => d.days = checked(i64::from(d.days) + i64::from(value))?,
                Some(b'H') => {
                    d.seconds = checked(
                        i64::from(d.seconds) + i64::from(value) * i64::from(SECONDS_IN_HOUR),
                    )?;
                }
                Some(b'S') => d.seconds = checked(i64::from(d.seconds) + i64::from(value))?,
                None => {
                    return Err(err(format!(
                        "'{text}' is not a valid ISO 8601 time duration because no units after {value}"
                    )));
                }
                Some(_) => {
                    let unit = text[pos..].chars().next().unwrap_or('?');
                    return Err(err(format!(
                        "'{text}' is not a valid ISO 8601 time duration because '{unit}' is not a valid time unit"
                    )));
                }
            }
            pos += 1;
        }
        if !d.is_defined() {
            return Err(err(format!(
                "'{text}' is not a valid ISO 8601 time duration because no amounts and units given"
            )));
        }
        d.duration = true;
        Ok(Duration(d))
    }

    /// A duration of the given amounts.
    pub fn new(years: i32, months: i32, days: i32, seconds: i32) -> Duration {
        Duration(Tm {
            years,
            months,
            days,
            seconds,
            offset: 0,
            duration: true,
        })
    }

    /// A duration of `seconds` seconds.
    pub fn from_seconds(seconds: i32) -> Duration {
        Duration::new(0, 0, 0, seconds)
    }

    /// The years amount.
    pub fn years(&self) -> i32 {
        self.0.years
    }

    /// The months amount.
    pub fn months(&self) -> i32 {
        self.0.months
    }

    /// The days amount (weeks count as 7 days).
    pub fn days(&self) -> i32 {
        self.0.days
    }

    /// The seconds amount (hours and minutes included).
    pub fn seconds(&self) -> i32 {
        self.0.seconds
    }

    /// The length in seconds as Pacemaker computes it
    /// (`crm_time_get_seconds`): months count 30 days, and a years amount
    /// counts the days of the years from 1 to `years - 1` (so `P1Y` is 0
    /// seconds, as upstream) and a days amount counts one day less (`P1D`
    /// is 0 seconds, `P2D` one day).
    pub fn total_seconds(&self) -> i64 {
        self.0.total_seconds()
    }

    /// The duration as text in the given format (see [`TimeFormat`]);
    /// durations are always shown as amounts (`2 years  5 months 360
    /// seconds (6 minutes)`).
    pub fn format(&self, flags: TimeFormat) -> String {
        self.0.format(flags | TimeFormat::DURATION)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(TimeFormat::DURATION))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        let d = Duration::parse("P1Y2M3DT4H5M6S").unwrap();
        assert_eq!(
            (d.years(), d.months(), d.days(), d.seconds()),
            (1, 2, 3, 4 * 3600 + 5 * 60 + 6)
        );
        assert_eq!(Duration::parse("PT30S").unwrap().seconds(), 30);
        assert_eq!(Duration::parse("P2W").unwrap().days(), 14);
        assert_eq!(Duration::parse("P-1M").unwrap().months(), -1);
        assert_eq!(Duration::parse("PT-1H").unwrap().seconds(), -3600);
        assert_eq!(Duration::parse("P1M/2019").unwrap().months(), 1);
        assert_eq!(Duration::parse("PT1M").unwrap().seconds(), 60);
        assert_eq!(Duration::parse("P1YT").unwrap().years(), 1);
        assert_eq!(
            Duration::parse("P2Y").unwrap().total_seconds(),
            365 * 86_400
        );
    }

    #[test]
    fn errors() {
        let cases = [
            ("", "No ISO 8601 time duration given"),
            (
                "X",
                "'X' is not a valid ISO 8601 time duration because it does not start with a 'P'",
            ),
            (
                "P",
                "'P' is not a valid ISO 8601 time duration because nothing follows 'P'",
            ),
            (
                "P1Z/2019-02-20 00:00:00Z",
                "'P1Z/2019-02-20 00:00:00Z' is not a valid ISO 8601 time duration because 'Z' is not a valid time unit",
            ),
            (
                "P1YM/2019-02-20 00:00:00Z",
                "'P1YM/2019-02-20 00:00:00Z' is not a valid ISO 8601 time duration because no valid integer at 'M/2019-02-20 00:00:00Z'",
            ),
            (
                "P1",
                "'P1' is not a valid ISO 8601 time duration because no units after 1",
            ),
            (
                "PT0S",
                "'PT0S' is not a valid ISO 8601 time duration because no amounts and units given",
            ),
            (
                "P1.5D",
                "'P1.5D' is not a valid ISO 8601 time duration because '.' is not a valid time unit",
            ),
            (
                "P99999999999D",
                "'P99999999999D' is not a valid ISO 8601 time duration because no valid integer at '99999999999D'",
            ),
            (
                "PT2000000000H",
                "'PT2000000000H' is not a valid ISO 8601 time duration because integer at '2000000000H' is too large",
            ),
        ];
        for (input, message) in cases {
            let e = Duration::parse(input).expect_err(input);
            assert_eq!(e.message, message, "{input}");
            assert_eq!(e.function, "crm_time_parse_duration");
        }
    }
}
