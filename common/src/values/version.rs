//! Version strings compared as Pacemaker compares them.

use std::cmp::Ordering;

use super::int::{is_c_space, scan_ll};

/// The leading `digits(.digits)*` of a version string, after white space.
fn version_prefix(v: &str) -> &str {
    let s = v.trim_start_matches(is_c_space);
    let b = s.as_bytes();
    let mut end = 0;
    let mut pos = 0;
    loop {
        let seg_start = pos;
        while b.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
        if pos == seg_start {
            break;
        }
        end = pos;
        if b.get(pos) == Some(&b'.') {
            pos += 1;
        } else {
            break;
        }
    }
    &s[..end]
}

/// Compares two version strings segment by segment (`1.10` > `1.9`), as
/// `pcmk__compare_versions` does: leading white space and anything after the
/// `digits(.digits)*` part are ignored, and missing segments count as 0.
pub fn compare_versions(v1: Option<&str>, v2: Option<&str>) -> Ordering {
    if v1 == v2 {
        return Ordering::Equal;
    }
    let p1 = v1.map(version_prefix).unwrap_or("");
    let p2 = v2.map(version_prefix).unwrap_or("");
    let mut s1 = p1.split('.');
    let mut s2 = p2.split('.');
    loop {
        let (a, b) = (s1.next(), s2.next());
        if a.is_none() && b.is_none() {
            return Ordering::Equal;
        }
        let value = |s: Option<&str>| s.map(|s| scan_ll(s).unwrap_or(0)).unwrap_or(0);
        match value(a).cmp(&value(b)) {
            Ordering::Equal => {}
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders() {
        use Ordering::*;
        let cases = [
            ("1.10", "1.9", Greater),
            ("1.0", "1", Equal),
            ("1.0.1", "1.0", Greater),
            ("  2.1abc", "2.1", Equal),
            ("abc", "0", Equal),
            ("3.0.2", "3.0.10", Less),
            ("1..2", "1", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_versions(Some(a), Some(b)), want, "{a} vs {b}");
        }
        assert_eq!(compare_versions(None, Some("1")), Less);
        assert_eq!(compare_versions(None, None), Equal);
    }
}
