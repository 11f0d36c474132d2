//! Interval specifications as Pacemaker reads them (`pcmk_parse_interval_spec`):
//! a number with an optional unit (`ms`, `msec`, `us`, `usec`, `s`, `sec`,
//! `m`, `min`, `h`, `hr`; no unit means seconds), or an ISO 8601 duration
//! (`PT1M30S`, `P1D`).

use std::time::Duration;

/// Parses an interval specification; `None` when it is not one.
pub fn parse_interval(spec: &str) -> Option<Duration> {
    let s = spec.trim();
    if s.is_empty() {
        return None;
    }
    if s.starts_with('P') {
        return parse_iso8601_duration(s);
    }
    let digits_end = s
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(s.len(), |(i, _)| i);
    let (num, unit) = s.split_at(digits_end);
    let n: u64 = num.parse().ok()?;
    let ms = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "s" | "sec" => n.checked_mul(1000)?,
        "ms" | "msec" => n,
        "us" | "usec" => n / 1000,
        "m" | "min" => n.checked_mul(60_000)?,
        "h" | "hr" => n.checked_mul(3_600_000)?,
        _ => return None,
    };
    Some(Duration::from_millis(ms))
}

fn parse_iso8601_duration(s: &str) -> Option<Duration> {
    let mut secs: u64 = 0;
    let mut in_time = false;
    let mut num = String::new();
    let mut any = false;
    for c in s.chars().skip(1) {
        match c {
            'T' => in_time = true,
            '0'..='9' => num.push(c),
            _ => {
                let n: u64 = num.parse().ok()?;
                num.clear();
                any = true;
                let mult = match (c, in_time) {
                    ('Y', false) => 365 * 86_400,
                    ('M', false) => 30 * 86_400,
                    ('W', false) => 7 * 86_400,
                    ('D', false) => 86_400,
                    ('H', true) => 3_600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
                secs = secs.checked_add(n.checked_mul(mult)?)?;
            }
        }
    }
    (any && num.is_empty()).then(|| Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_iso() {
        assert_eq!(parse_interval("60s"), Some(Duration::from_secs(60)));
        assert_eq!(parse_interval("20"), Some(Duration::from_secs(20)));
        assert_eq!(parse_interval("1500ms"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_interval("2min"), Some(Duration::from_secs(120)));
        assert_eq!(parse_interval("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_interval("PT1M30S"), Some(Duration::from_secs(90)));
        assert_eq!(parse_interval("P1DT1S"), Some(Duration::from_secs(86_401)));
        assert_eq!(parse_interval("abc"), None);
        assert_eq!(parse_interval("10 parsecs"), None);
        assert_eq!(parse_interval("PT"), None);
    }
}
