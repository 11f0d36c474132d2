//! Integers read the way C's `strtoll` (base 10) reads them.

/// Why an integer could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IntError {
    /// The text has no digits where a number should start.
    #[error("no digits found")]
    NoDigits,
    /// The number does not fit; the value is clipped to the nearest bound.
    #[error("value out of range (clipped to {0})")]
    Overflow(i64),
    /// Something other than a number follows the number.
    #[error("unexpected characters after number")]
    TrailingGarbage,
}

/// The result of reading an integer prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scanned<'a> {
    /// The value read (clipped to `i64` bounds on overflow).
    pub value: i64,
    /// What follows the number.
    pub rest: &'a str,
    /// Whether the number was out of range and clipped.
    pub overflow: bool,
}

/// C's `isspace` in the C locale.
pub(crate) fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Reads a base-10 integer prefix of `text` as `strtoll` does: leading white
/// space, an optional sign, then digits. Returns `None` when no digits are
/// found.
pub fn strtoll(text: &str) -> Option<Scanned<'_>> {
    let trimmed = text.trim_start_matches(is_c_space);
    let bytes = trimmed.as_bytes();
    let mut pos = 0;
    let mut negative = false;
    if let Some(&c) = bytes.first() {
        if c == b'+' || c == b'-' {
            negative = c == b'-';
            pos = 1;
        }
    }
    let digits_start = pos;
    let mut value: i64 = 0;
    let mut overflow = false;
    while let Some(&c) = bytes.get(pos) {
        if !c.is_ascii_digit() {
            break;
        }
        let d = i64::from(c - b'0');
        if !overflow {
            let next = value.checked_mul(10).and_then(|v| {
                if negative {
                    v.checked_sub(d)
                } else {
                    v.checked_add(d)
                }
            });
            match next {
                Some(v) => value = v,
                None => {
                    overflow = true;
                    value = if negative { i64::MIN } else { i64::MAX };
                }
            }
        }
        pos += 1;
    }
    if pos == digits_start {
        return None;
    }
    Some(Scanned {
        value,
        rest: &trimmed[pos..],
        overflow,
    })
}

/// Reads an integer as Pacemaker's `pcmk__scan_ll` does: trailing characters
/// are ignored, no digits is an error, and overflow is reported with the
/// clipped value.
pub fn scan_ll(text: &str) -> Result<i64, IntError> {
    match strtoll(text) {
        None => Err(IntError::NoDigits),
        Some(s) if s.overflow => Err(IntError::Overflow(s.value)),
        Some(s) => Ok(s.value),
    }
}

/// Reads an `int` no smaller than `minimum`, as `pcmk__scan_min_int` does:
/// text without digits gives `minimum`, and values are clipped to
/// `minimum..=i32::MAX`.
pub fn scan_min_int(text: &str, minimum: i32) -> i32 {
    let value = match scan_ll(text) {
        Ok(v) | Err(IntError::Overflow(v)) => v,
        Err(_) => i64::from(minimum),
    };
    let clipped = value.clamp(i64::from(minimum), i64::from(i32::MAX));
    i32::try_from(clipped).unwrap_or(i32::MAX)
}

/// Parses a range such as `1-5`, `3`, `-5` (up to 5) or `3-` (3 and up), as
/// `pcmk__parse_ll_range` does. An open end is returned as `None`.
pub fn parse_ll_range(text: &str) -> Result<(Option<i64>, Option<i64>), IntError> {
    if text.is_empty() {
        return Err(IntError::NoDigits);
    }
    let (start_s, end_s) = match text.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (text, None),
    };
    if start_s.is_empty() && end_s.is_none_or(str::is_empty) {
        return Err(IntError::NoDigits);
    }
    let read = |s: &str| -> Result<i64, IntError> {
        let scanned = strtoll(s).ok_or(IntError::NoDigits)?;
        if scanned.overflow {
            return Err(IntError::Overflow(scanned.value));
        }
        if !scanned.rest.is_empty() {
            return Err(IntError::TrailingGarbage);
        }
        Ok(scanned.value)
    };
    let start = if start_s.is_empty() {
        None
    } else {
        Some(read(start_s)?)
    };
    match end_s {
        None => Ok((start, start)),
        Some("") => Ok((start, None)),
        Some(e) => Ok((start, Some(read(e)?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtoll_like_c() {
        let cases: &[(&str, Option<(i64, &str)>)] = &[
            ("123", Some((123, ""))),
            ("  -42abc", Some((-42, "abc"))),
            ("+7", Some((7, ""))),
            ("abc", None),
            ("-", None),
            ("", None),
            ("\t\n 0x10", Some((0, "x10"))),
        ];
        for (text, want) in cases {
            let got = strtoll(text).map(|s| (s.value, s.rest));
            assert_eq!(got, *want, "{text:?}");
        }
        assert_eq!(
            scan_ll("99999999999999999999"),
            Err(IntError::Overflow(i64::MAX))
        );
        assert_eq!(
            scan_ll("-99999999999999999999"),
            Err(IntError::Overflow(i64::MIN))
        );
    }

    #[test]
    fn min_int() {
        assert_eq!(scan_min_int("-10000", i32::MIN), -10000);
        assert_eq!(scan_min_int("x", i32::MIN), i32::MIN);
        assert_eq!(scan_min_int("5", 10), 10);
        assert_eq!(scan_min_int("99999999999", 0), i32::MAX);
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_ll_range("1-5"), Ok((Some(1), Some(5))));
        assert_eq!(parse_ll_range("3"), Ok((Some(3), Some(3))));
        assert_eq!(parse_ll_range("-5"), Ok((None, Some(5))));
        assert_eq!(parse_ll_range("3-"), Ok((Some(3), None)));
        assert_eq!(parse_ll_range("-"), Err(IntError::NoDigits));
        assert_eq!(parse_ll_range(""), Err(IntError::NoDigits));
        assert_eq!(parse_ll_range("1x-5"), Err(IntError::TrailingGarbage));
        assert_eq!(parse_ll_range("a-5"), Err(IntError::NoDigits));
        assert_eq!(parse_ll_range("2-3-4"), Err(IntError::TrailingGarbage));
    }
}
