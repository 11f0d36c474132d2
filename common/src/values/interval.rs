//! Time intervals and durations in milliseconds: `"10s"`, `"1min"`,
//! `"500ms"`, plain numbers as seconds, and ISO 8601 durations such as
//! `"PT10S"`.

use super::int::{is_c_space, strtoll};
use crate::iso8601::Duration;

/// Why a duration could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// No number where one should start.
    #[error("no digits found")]
    NoDigits,
    /// The unit after the number is not one Pacemaker knows.
    #[error("invalid time unit")]
    BadUnit,
    /// The number does not fit; the value is clipped.
    #[error("value out of range")]
    Overflow,
    /// The value is negative.
    #[error("negative duration")]
    Negative,
    /// An ISO 8601 duration that does not parse.
    #[error("invalid ISO 8601 duration")]
    BadIso8601,
}

/// Multiplier and divisor (to milliseconds) for a unit, matching as
/// liberally as Pacemaker does (only the first letters are checked).
fn unit_factor(units: &str) -> Option<(i64, i64)> {
    let lower = units.to_ascii_lowercase();
    let u = lower.as_str();
    if u.is_empty() || u.starts_with('s') {
        Some((1000, 1))
    } else if u.starts_with("ms") {
        Some((1, 1))
    } else if u.starts_with("us") {
        Some((1, 1000))
    } else if u.starts_with('m') {
        Some((60 * 1000, 1))
    } else if u.starts_with('h') {
        Some((60 * 60 * 1000, 1))
    } else {
        None
    }
}

/// Skips the rest of a decimal number and white space before the unit.
fn skip_to_units(rest: &str) -> &str {
    rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .trim_start_matches(is_c_space)
}

fn apply(value: i64, (mult, div): (i64, i64)) -> i64 {
    value.saturating_mul(mult) / div
}

/// Reads a duration in milliseconds as `pcmk__parse_ms` does: a number
/// (fraction ignored) optionally followed by `s`, `ms`, `us`, `m`/`min` or
/// `h`/`hr`; no unit means seconds. Negative values are accepted.
pub fn parse_ms(text: &str) -> Result<i64, DurationError> {
    let scanned = strtoll(text).ok_or(DurationError::NoDigits)?;
    let units = skip_to_units(scanned.rest);
    let factor = unit_factor(units).ok_or(DurationError::BadUnit)?;
    if scanned.overflow {
        return Err(DurationError::Overflow);
    }
    Ok(apply(scanned.value, factor))
}

/// Reads a duration in milliseconds as `crm_get_msec` does: like
/// [`parse_ms`] but a negative value, an overflowing negative value or a bad
/// unit is `None` (Pacemaker's -1), and positive overflow clips.
pub fn get_msec(text: &str) -> Option<i64> {
    let scanned = strtoll(text)?;
    if scanned.value < 0 {
        return None;
    }
    let units = skip_to_units(scanned.rest);
    let factor = unit_factor(units)?;
    Some(apply(scanned.value, factor))
}

/// Reads an interval specification as `pcmk_parse_interval_spec` does: an
/// ISO 8601 duration when it starts with `P`, otherwise as [`parse_ms`].
/// The result is in milliseconds, limited to `u32`; a missing value is 0.
/// On error the value Pacemaker would use (0) is what callers should fall
/// back to.
pub fn parse_interval_spec(text: Option<&str>) -> Result<u32, DurationError> {
    let Some(text) = text else {
        return Ok(0);
    };
    let msec: i64 = if text.starts_with('P') {
        match Duration::parse(text) {
            Ok(d) => {
                let seconds = d.total_seconds();
                seconds.min(i64::from(u32::MAX / 1000)) * 1000
            }
            Err(_) => return Err(DurationError::BadIso8601),
        }
    } else {
        parse_ms(text)?
    };
    if msec < 0 {
        return Err(DurationError::Negative);
    }
    Ok(u32::try_from(msec).unwrap_or(u32::MAX))
}

/// A millisecond interval as Pacemaker logs it (`1m30s`, `2.500s`, `15ms`,
/// `0s`), as `pcmk__readable_interval` writes it.
pub fn readable_interval(interval_ms: u32) -> String {
    use std::fmt::Write as _;
    const S: u32 = 1000;
    const M: u32 = 60 * S;
    const H: u32 = 60 * M;
    const D: u32 = 24 * H;
    if interval_ms == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut ms = interval_ms;
    for (unit, suffix) in [(D, 'd'), (H, 'h'), (M, 'm')] {
        if ms >= unit {
            let _ = write!(out, "{}{suffix}", ms / unit);
            ms %= unit;
        }
    }
    if ms >= S {
        let _ = write!(out, "{}", ms / S);
        ms %= S;
        if ms > 0 {
            let _ = write!(out, ".{ms:03}");
        }
        out.push('s');
    } else if ms > 0 {
        let _ = write!(out, "{ms}ms");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_ms_units() {
        let cases: &[(&str, Result<i64, DurationError>)] = &[
            ("1", Ok(1000)),
            ("10s", Ok(10_000)),
            ("10 sec", Ok(10_000)),
            ("100ms", Ok(100)),
            ("100msec", Ok(100)),
            ("1000us", Ok(1)),
            ("2m", Ok(120_000)),
            ("2min", Ok(120_000)),
            ("1h", Ok(3_600_000)),
            ("1hr", Ok(3_600_000)),
            ("3.14 s", Ok(3000)),
            ("3.1.4ms", Ok(3)),
            ("  5", Ok(5000)),
            ("-5", Ok(-5000)),
            ("5x", Err(DurationError::BadUnit)),
            ("abc", Err(DurationError::NoDigits)),
            ("", Err(DurationError::NoDigits)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_ms(text), *want, "{text:?}");
        }
    }

    #[test]
    fn get_msec_compat() {
        assert_eq!(get_msec("20s"), Some(20_000));
        assert_eq!(get_msec("-1"), None);
        assert_eq!(get_msec("1y"), None);
        assert_eq!(get_msec("99999999999999999999"), Some(i64::MAX));
    }

    #[test]
    fn interval_specs() {
        assert_eq!(parse_interval_spec(None), Ok(0));
        assert_eq!(parse_interval_spec(Some("10s")), Ok(10_000));
        assert_eq!(parse_interval_spec(Some("PT10S")), Ok(10_000));
        // Upstream counts the days before the last one only: P1D is 0, P2D one day
        assert_eq!(parse_interval_spec(Some("P1D")), Ok(0));
        assert_eq!(parse_interval_spec(Some("P2D")), Ok(86_400_000));
        // Pacemaker counts whole years before the last one only
        assert_eq!(parse_interval_spec(Some("P1Y")), Ok(0));
        assert_eq!(parse_interval_spec(Some("P1M")), Ok(2_592_000_000));
        assert_eq!(
            parse_interval_spec(Some("PT-10S")),
            Err(DurationError::Negative)
        );
        assert_eq!(
            parse_interval_spec(Some("P")),
            Err(DurationError::BadIso8601)
        );
        assert_eq!(
            parse_interval_spec(Some("-1")),
            Err(DurationError::Negative)
        );
        assert_eq!(
            parse_interval_spec(Some("bogus")),
            Err(DurationError::NoDigits)
        );
    }

    #[test]
    fn readable() {
        assert_eq!(readable_interval(0), "0s");
        assert_eq!(readable_interval(15), "15ms");
        assert_eq!(readable_interval(2500), "2.500s");
        assert_eq!(readable_interval(90_000), "1m30s");
        assert_eq!(readable_interval(86_400_000 + 3_600_000), "1d1h");
    }
}
