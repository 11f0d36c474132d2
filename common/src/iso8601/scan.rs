//! A small emulation of C's `sscanf` with `%u`, `%Nu` and literal
//! characters: Pacemaker's ISO 8601 reader is defined by how `sscanf`
//! splits its input, including its quirks (white space skipped before
//! numbers, signs accepted, field widths counting the sign).

use crate::values::strtoll;

/// One element of a scan format.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fmt {
    /// `%u` (no width) or `%Nu`.
    Uint(Option<usize>),
    /// A literal character that must match exactly.
    Lit(char),
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Reads one `%u` conversion: returns the value and the rest.
fn scan_uint(input: &str, width: Option<usize>) -> Option<(u32, &str)> {
    let s = input.trim_start_matches(is_space);
    let max = width.unwrap_or(usize::MAX);
    let b = s.as_bytes();
    let mut end = 0;
    if matches!(b.first(), Some(b'+' | b'-')) && max > 1 {
        end = 1;
    }
    let digits_start = end;
    while end < max && b.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    if end == digits_start {
        return None;
    }
    let field = &s[..end];
    let digits = &field[digits_start..];
    // strtoul semantics: saturate on overflow, negate modulo 2^64, then the
    // conversion to unsigned int keeps the low 32 bits.
    let magnitude: u64 = match strtoll(digits) {
        Some(v) if !v.overflow => u64::try_from(v.value).unwrap_or(u64::MAX),
        _ => u64::MAX,
    };
    let value = if field.starts_with('-') {
        magnitude.wrapping_neg()
    } else {
        magnitude
    };
    Some(((value & 0xffff_ffff) as u32, &s[end..]))
}

/// Scans `input` with `fmt`; returns the values converted before the first
/// mismatch (their count is what `sscanf` would return, or 0 for `EOF`).
pub(crate) fn scanf(input: &str, fmt: &[Fmt]) -> Vec<u32> {
    let mut rest = input;
    let mut values = Vec::with_capacity(fmt.len());
    for f in fmt {
        match *f {
            Fmt::Uint(width) => match scan_uint(rest, width) {
                Some((v, r)) => {
                    values.push(v);
                    rest = r;
                }
                None => break,
            },
            Fmt::Lit(c) => match rest.strip_prefix(c) {
                Some(r) => rest = r,
                None => break,
            },
        }
    }
    values
}

/// `%u<sep>%u<sep>%u`, the shape used for dates and times.
pub(crate) const fn triple(sep: char) -> [Fmt; 5] {
    [
        Fmt::Uint(None),
        Fmt::Lit(sep),
        Fmt::Uint(None),
        Fmt::Lit(sep),
        Fmt::Uint(None),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_sscanf() {
        assert_eq!(scanf("2019-10-01", &triple('-')), [2019, 10, 1]);
        assert_eq!(scanf("2019-040", &triple('-')), [2019, 40]);
        assert_eq!(scanf("20191077T15", &triple('-')), [20_191_077]);
        let compact = [Fmt::Uint(Some(4)), Fmt::Uint(Some(2)), Fmt::Uint(Some(2))];
        assert_eq!(scanf("20191077T15", &compact), [2019, 10, 77]);
        assert_eq!(scanf("2005-W01-1", &compact), [2005]);
        let hms = [Fmt::Uint(Some(2)), Fmt::Uint(Some(2)), Fmt::Uint(Some(2))];
        assert_eq!(scanf("007000Z", &hms), [0, 70, 0]);
        assert_eq!(scanf("10-02T", &hms), [10, 0, 2]);
        assert_eq!(scanf(" 5:-1", &triple(':')), [5, u32::MAX]);
        assert!(scanf("", &triple(':')).is_empty());
        assert!(scanf("x", &triple(':')).is_empty());
    }
}
