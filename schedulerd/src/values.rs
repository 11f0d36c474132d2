//! Pacemaker's value syntax as the scheduler reads it: scores with
//! INFINITY, booleans, and intervals.
//!
//! This is a stop-gap until `pcmk_common`'s value parsers land (branch
//! `rules`); every caller goes through this module so the swap is one file.

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

/// Parses a score ("INFINITY", "+INFINITY", "-INFINITY", "red", "yellow",
/// "green" or an integer, clamped). `None` for anything else.
pub fn parse_score(value: &str) -> Option<i32> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("INFINITY") || v.eq_ignore_ascii_case("+INFINITY") {
        return Some(INFINITY);
    }
    if v.eq_ignore_ascii_case("-INFINITY") {
        return Some(-INFINITY);
    }
    if v.eq_ignore_ascii_case("red") {
        return Some(-INFINITY);
    }
    if v.eq_ignore_ascii_case("yellow") || v.eq_ignore_ascii_case("green") {
        return Some(0);
    }
    let n = parse_ll(v)?;
    Some(n.clamp(-i64::from(INFINITY), i64::from(INFINITY)) as i32)
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
    parse_bool(value.unwrap_or("")) == Some(true)
}

/// Parses a boolean; `None` when the text is neither true nor false.
pub fn parse_bool(value: &str) -> Option<bool> {
    let v = value.trim().to_ascii_lowercase();
    match v.as_str() {
        "true" | "on" | "yes" | "y" | "1" => Some(true),
        "false" | "off" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// Parses a duration ("10s", "5min", "1h", "500ms", plain number = seconds,
/// or an ISO 8601 duration "PT10S") into milliseconds.
pub fn parse_interval_ms(value: &str) -> Option<u64> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if v.starts_with('P') {
        return parse_iso_duration_ms(v);
    }
    parse_time_ms(v)
}

/// Parses "N[units]" where a bare number is seconds (`crm_get_msec`).
pub fn parse_time_ms(value: &str) -> Option<u64> {
    let v = value.trim();
    let num_len = v
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.' || *b == b'-' || *b == b'+')
        .count();
    let (num, unit) = v.split_at(num_len);
    let n: f64 = num.parse().ok()?;
    if n < 0.0 {
        return None;
    }
    let unit = unit.trim().to_ascii_lowercase();
    let mult = match unit.as_str() {
        "" | "s" | "sec" => 1000.0,
        "ms" | "msec" => 1.0,
        "us" | "usec" => 0.001,
        "m" | "min" => 60_000.0,
        "h" | "hr" => 3_600_000.0,
        _ => return None,
    };
    Some((n * mult) as u64)
}

fn parse_iso_duration_ms(v: &str) -> Option<u64> {
    let mut total: f64 = 0.0;
    let mut in_time = false;
    let mut num = String::new();
    for c in v.chars().skip(1) {
        match c {
            'T' => in_time = true,
            '0'..='9' | '.' => num.push(c),
            _ => {
                let n: f64 = num.parse().ok()?;
                num.clear();
                let secs = match (c, in_time) {
                    ('Y', false) => 365.0 * 86400.0,
                    ('M', false) => 30.0 * 86400.0,
                    ('W', false) => 7.0 * 86400.0,
                    ('D', false) => 86400.0,
                    ('H', true) => 3600.0,
                    ('M', true) => 60.0,
                    ('S', true) => 1.0,
                    _ => return None,
                };
                total += n * secs;
            }
        }
    }
    if !num.is_empty() {
        return None;
    }
    Some((total * 1000.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_saturate() {
        assert_eq!(add_scores(INFINITY, -INFINITY), -INFINITY);
        assert_eq!(add_scores(INFINITY, 5), INFINITY);
        assert_eq!(add_scores(999_999, 5), INFINITY);
        assert_eq!(parse_score("-inFINITY"), Some(-INFINITY));
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
