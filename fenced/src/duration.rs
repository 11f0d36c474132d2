//! Durations as Pacemaker reads them in device parameters (`crm_get_msec()`:
//! a number with an optional unit, seconds by default, or an ISO 8601
//! duration such as `PT5S`).

/// Parses a duration into milliseconds.
pub fn parse_ms(text: &str) -> Option<u64> {
    let t = text.trim();
    if let Some(iso) = t.strip_prefix('P').or_else(|| t.strip_prefix('p')) {
        return parse_iso(iso);
    }
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().ok()?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "s" | "sec" | "secs" => 1000.0,
        "ms" | "msec" | "msecs" => 1.0,
        "us" | "usec" | "usecs" => 0.001,
        "m" | "min" | "mins" => 60_000.0,
        "h" | "hr" | "hrs" => 3_600_000.0,
        _ => return None,
    };
    let ms = value * factor;
    (ms.is_finite() && ms >= 0.0).then_some(ms as u64)
}

fn parse_iso(rest: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut num = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            'T' | 't' => in_time = true,
            d if d.is_ascii_digit() => num.push(d),
            u => {
                let n: u64 = num.parse().ok()?;
                num.clear();
                let f = match (u.to_ascii_uppercase(), in_time) {
                    ('D', false) => 86_400_000,
                    ('W', false) => 7 * 86_400_000,
                    ('H', true) => 3_600_000,
                    ('M', true) => 60_000,
                    ('S', true) => 1000,
                    _ => return None,
                };
                total = total.checked_add(n.checked_mul(f)?)?;
            }
        }
    }
    num.is_empty().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_ms("5"), Some(5000));
        assert_eq!(parse_ms("5s"), Some(5000));
        assert_eq!(parse_ms("250ms"), Some(250));
        assert_eq!(parse_ms("2min"), Some(120_000));
        assert_eq!(parse_ms("PT1M5S"), Some(65_000));
        assert_eq!(parse_ms("x"), None);
        assert_eq!(parse_ms("5 parsecs"), None);
    }
}
