//! Pacemaker's value syntax as the scheduler reads it: scores with
//! INFINITY, booleans, and intervals, delegating to `pcmk_common`'s parsers
//! with the small adaptations the scheduler's call sites want.

/// The score that means "always" (`INFINITY`).
pub const INFINITY: i32 = 1_000_000;

/// Adds two scores the way Pacemaker does: either side at -INFINITY wins,
/// then +INFINITY, otherwise the sum is clamped to +/-INFINITY.
pub fn add_scores(a: i32, b: i32) -> i32 {
    if a <= -INFINITY || b <= -INFINITY {
        return -INFINITY;
    }
    if a >= INFINITY || b >= INFINITY {
        return INFINITY;
    }
    (i64::from(a) + i64::from(b)).clamp(-i64::from(INFINITY), i64::from(INFINITY)) as i32
}

/// Parses a score (`pcmk_parse_score`). `None` for invalid text.
pub fn parse_score(value: &str) -> Option<i32> {
    pcmk_common::score::Score::parse(value)
        .ok()
        .map(|s| s.value())
}

/// Parses a score, falling back to `default` when missing or invalid.
pub fn score_or(value: Option<&str>, default: i32) -> i32 {
    value.and_then(parse_score).unwrap_or(default)
}

/// Text of a score as Pacemaker prints it.
pub fn score_text(score: i32) -> String {
    if score >= INFINITY {
        "INFINITY".to_string()
    } else if score <= -INFINITY {
        "-INFINITY".to_string()
    } else {
        score.to_string()
    }
}

/// A leading decimal integer with optional sign (like `strtoll` that must
/// consume at least one digit; trailing text is ignored).
pub fn parse_ll(value: &str) -> Option<i64> {
    let s = value.trim_start();
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits: &str = &rest[..rest.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for b in digits.bytes() {
        n = n.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    Some(if neg { -n } else { n })
}

/// Parses an integer the way `pcmk__scan_min_int` would, defaulting to
/// `default` on error and clamping below at `min`.
pub fn int_or(value: Option<&str>, default: i64) -> i64 {
    value.and_then(parse_ll).unwrap_or(default)
}

/// Pacemaker's true values ("true", "on", "yes", "y", "1").
pub fn is_true(value: Option<&str>) -> bool {
    pcmk_common::values::is_true(value)
}

/// Parses a boolean; `None` when the text is neither true nor false.
pub fn parse_bool(value: &str) -> Option<bool> {
    pcmk_common::values::parse_bool(value)
}

/// Parses an interval specification (ISO 8601 duration or number with
/// units) into milliseconds (`pcmk_parse_interval_spec`).
pub fn parse_interval_ms(value: &str) -> Option<u64> {
    pcmk_common::values::parse_interval_spec(Some(value))
        .ok()
        .map(u64::from)
}

/// Parses "N[units]" where a bare number is seconds (`crm_get_msec`).
pub fn parse_time_ms(value: &str) -> Option<u64> {
    pcmk_common::values::get_msec(value).and_then(|v| u64::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_saturate() {
        assert_eq!(add_scores(INFINITY, -INFINITY), -INFINITY);
        assert_eq!(add_scores(INFINITY, 5), INFINITY);
        assert_eq!(add_scores(999_999, 5), INFINITY);
        assert_eq!(parse_score("-INFINITY"), Some(-INFINITY));
        assert_eq!(parse_score("12abc"), Some(12));
        assert_eq!(parse_score("abc"), None);
    }

    #[test]
    fn intervals() {
        assert_eq!(parse_interval_ms("10s"), Some(10_000));
        assert_eq!(parse_interval_ms("10"), Some(10_000));
        assert_eq!(parse_interval_ms("2min"), Some(120_000));
        assert_eq!(parse_interval_ms("PT1M30S"), Some(90_000));
        assert_eq!(parse_interval_ms("x"), None);
    }
}
