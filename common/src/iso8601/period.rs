//! ISO 8601 periods: `start/end`, `start/duration` and `duration/end`
//! (`crm_time_parse_period`).

use super::LocalTime;
use super::datetime::DateTime;
use super::duration::Duration;
use super::error::Iso8601Error;
use super::parse::parse_date;
use super::time::Tm;

/// A span of time between two moments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// When the period starts.
    pub start: DateTime,
    /// When the period ends.
    pub end: DateTime,
    /// The duration, when the period was given with one.
    pub duration: Option<Duration>,
}

const FN: &str = "crm_time_parse_period";

fn err(message: String) -> Iso8601Error {
    Iso8601Error {
        function: FN,
        message,
    }
}

impl Period {
    /// Reads a period, taking missing offsets from UTC and, for a duration
    /// alone, starting at the Unix epoch; see [`Period::parse_at`].
    pub fn parse(text: &str) -> Result<Period, Iso8601Error> {
        Period::parse_at(text, &LocalTime::UTC_EPOCH)
    }

    /// Reads a period; a duration alone starts now, and times without an
    /// offset are in `local`'s time zone.
    pub fn parse_at(text: &str, local: &LocalTime) -> Result<Period, Iso8601Error> {
        if text.is_empty() {
            return Err(err("No ISO 8601 time period given".to_string()));
        }
        let mut start: Option<Tm> = None;
        let mut end: Option<Tm> = None;
        let mut diff: Option<Duration> = None;
        if text.starts_with('P') {
            diff = Some(Duration::parse(text)?);
        } else {
            start = Some(parse_date(text, local)?);
        }
        let after = text.split_once('/').map(|(_, rest)| rest);
        match after {
            Some(second) if second.starts_with('P') => {
                if diff.is_some() {
                    return Err(err(format!(
                        "'{text}' is not a valid ISO 8601 time period because it has two durations"
                    )));
                }
                diff = Some(Duration::parse(second)?);
            }
            Some(second) => end = Some(parse_date(second, local)?),
            None if diff.is_some() => start = Some(Tm::from_epoch(local.now, local.offset)),
            None => {
                return Err(err(format!(
                    "'{text}' is not a valid ISO 8601 time period because it has no duration or ending time"
                )));
            }
        }
        let (start, end) = match (start, end, diff) {
            (Some(s), Some(e), _) => (s, e),
            (None, Some(e), Some(d)) => (e.minus(&d.0, false), e),
            (Some(s), None, Some(d)) => (s, s.plus(&d.0)),
            // A start or an end is always known by now, with the other end
            // or a duration.
            _ => return Err(err(format!("'{text}' is not a valid ISO 8601 time period"))),
        };
        let shown = after.unwrap_or("(null)");
        if !start.is_valid() {
            return Err(err(format!(
                "'{shown}' is not a valid ISO 8601 time period because the start is invalid"
            )));
        }
        if !end.is_valid() {
            return Err(err(format!(
                "'{shown}' is not a valid ISO 8601 time period because the end is invalid"
            )));
        }
        Ok(Period {
            start: DateTime(start),
            end: DateTime(end),
            duration: diff,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let p = Period::parse("2005-040/2005-043").unwrap();
        assert_eq!(p.start.to_string(), "2005-02-09 00:00:00Z");
        assert_eq!(p.end.to_string(), "2005-02-12 00:00:00Z");
        let p = Period::parse("2019-01-01 00:00:00Z/P1M").unwrap();
        assert_eq!(p.end.to_string(), "2019-02-01 00:00:00Z");
        let p = Period::parse("P1D/2019-01-02 00:00:00Z").unwrap();
        assert_eq!(p.start.to_string(), "2019-01-01 00:00:00Z");
        let now = LocalTime {
            now: 86_400,
            offset: 0,
        };
        let p = Period::parse_at("PT1H", &now).unwrap();
        assert_eq!(p.start.to_string(), "1970-01-02 00:00:00Z");
        assert_eq!(p.end.to_string(), "1970-01-02 01:00:00Z");
    }

    #[test]
    fn errors() {
        let cases = [
            ("", "crm_time_parse_period", "No ISO 8601 time period given"),
            (
                "2019-01-01 00:00:00Z",
                "crm_time_parse_period",
                "'2019-01-01 00:00:00Z' is not a valid ISO 8601 time period because it has no duration or ending time",
            ),
            (
                "2019-01-01 00:00:00Z/",
                "parse_date",
                "No ISO 8601 date/time specification given",
            ),
            (
                "PT2S/P1M",
                "crm_time_parse_period",
                "'PT2S/P1M' is not a valid ISO 8601 time period because it has two durations",
            ),
            (
                "2019-01-01 00:00:00Z/P",
                "crm_time_parse_duration",
                "'P' is not a valid ISO 8601 time duration because nothing follows 'P'",
            ),
            (
                "P1Y/2019-02-29 00:00:00Z",
                "parse_date",
                "'2019-02-29 00:00:00Z' is not a valid ISO 8601 date/time specification because '29' is not a valid day of the month",
            ),
            (
                "PT5H/20191001T007000Z",
                "parse_hms",
                "007000Z is not a valid ISO 8601 time specification because 70 is not a valid minute",
            ),
        ];
        for (input, function, message) in cases {
            let e = Period::parse(input).expect_err(input);
            assert_eq!(
                (e.function, e.message.as_str()),
                (function, message),
                "{input}"
            );
        }
    }
}
