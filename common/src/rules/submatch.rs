//! Expanding `%0`..`%9` in a string to the groups of a resource ID's
//! `rsc-pattern` match (`pcmk__replace_submatches`).

use super::input::RegexMatch;

/// `string` with each `%N` replaced by group N of `m` (or by nothing when
/// that group did not match or matched an empty string). `None` when
/// `string` has no `%N` or there is nothing to expand with.
pub fn replace_submatches(string: &str, m: Option<&RegexMatch<'_>>) -> Option<String> {
    let m = m?;
    if string.is_empty() || m.text.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(string.len());
    let mut expanded = false;
    let mut chars = string.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c == '%' {
            if let Some(&(_, d)) = chars.peek() {
                if let Some(n) = d.to_digit(10) {
                    chars.next();
                    expanded = true;
                    if let Some(text) = m.group(n as usize) {
                        out.push_str(text);
                    }
                    continue;
                }
            }
        }
        out.push(c);
    }
    expanded.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands() {
        // "ip-db-1" matched by "ip-([a-z]+)-([0-9])(x)?"
        let groups = [Some(0..7), Some(3..5), Some(6..7), None];
        let m = RegexMatch {
            text: "ip-db-1",
            groups: &groups,
        };
        let cases: &[(&str, Option<&str>)] = &[
            ("", None),
            ("no variables", None),
            ("loc-%1", Some("loc-db")),
            ("%1-%2-%0", Some("db-1-ip-db-1")),
            ("%3x%9", Some("x")),
            ("100%", None),
            ("%%1", Some("%db")),
        ];
        for (input, want) in cases {
            assert_eq!(
                replace_submatches(input, Some(&m)).as_deref(),
                *want,
                "{input}"
            );
        }
        assert_eq!(replace_submatches("loc-%1", None), None);
        let empty = RegexMatch {
            text: "",
            groups: &groups,
        };
        assert_eq!(replace_submatches("loc-%1", Some(&empty)), None);
    }
}
