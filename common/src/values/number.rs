//! Floating-point numbers read the way C's `strtod` reads them.

use super::int::is_c_space;

/// Reads the longest floating-point prefix of `text` as `strtod` does
/// (white space, sign, digits with an optional fraction and exponent, or
/// `inf`/`infinity`/`nan`). Returns the value and what follows, or `None`
/// when no number starts the text.
pub fn strtod_prefix(text: &str) -> Option<(f64, &str)> {
    let s = text.trim_start_matches(is_c_space);
    let b = s.as_bytes();
    let mut pos = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        pos = 1;
    }
    let lower: String = s[pos..]
        .chars()
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    for word in ["infinity", "inf", "nan"] {
        if lower.starts_with(word) {
            let end = pos + word.len();
            let value: f64 = if word == "nan" {
                f64::NAN
            } else if s.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            return Some((value, &s[end..]));
        }
    }
    let int_start = pos;
    while b.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    let mut digits = pos - int_start;
    if b.get(pos) == Some(&b'.') {
        let frac_start = pos + 1;
        let mut p = frac_start;
        while b.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
        digits += p - frac_start;
        if digits > 0 {
            pos = p;
        }
    }
    if digits == 0 {
        return None;
    }
    if matches!(b.get(pos), Some(b'e' | b'E')) {
        let mut p = pos + 1;
        if matches!(b.get(p), Some(b'+' | b'-')) {
            p += 1;
        }
        let exp_start = p;
        while b.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
        if p > exp_start {
            pos = p;
        }
    }
    let value = s[..pos].parse::<f64>().ok()?;
    Some((value, &s[pos..]))
}

/// Reads a number as `pcmk__scan_double` does: trailing characters are
/// ignored; no number, an overflow to infinity or an underflow is `None`.
pub fn scan_double(text: &str) -> Option<f64> {
    let (value, rest) = strtod_prefix(text)?;
    let consumed = &text[..text.len() - rest.len()];
    let literal_infinite = consumed.to_ascii_lowercase().contains("inf");
    if value.is_infinite() && !literal_infinite {
        return None;
    }
    if value != 0.0 && value.abs() < f64::MIN_POSITIVE {
        return None;
    }
    if value == 0.0
        && consumed
            .trim_start_matches(is_c_space)
            .trim_start_matches(['+', '-'])
            .chars()
            .any(|c| c.is_ascii_digit() && c != '0')
    {
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(strtod_prefix("3.5abc"), Some((3.5, "abc")));
        assert_eq!(strtod_prefix(" -2e3x"), Some((-2000.0, "x")));
        assert_eq!(strtod_prefix("1e"), Some((1.0, "e")));
        assert_eq!(strtod_prefix(".5"), Some((0.5, "")));
        assert_eq!(strtod_prefix("5."), Some((5.0, "")));
        assert_eq!(strtod_prefix("."), None);
        assert_eq!(strtod_prefix("abc"), None);
        assert_eq!(strtod_prefix("-INF!").map(|v| v.0), Some(f64::NEG_INFINITY));
        assert_eq!(scan_double("1.5"), Some(1.5));
        assert_eq!(scan_double("1e999"), None);
        assert_eq!(scan_double("1e-999"), None);
        assert_eq!(scan_double("0.000"), Some(0.0));
        assert_eq!(scan_double("x"), None);
    }
}
