//! Attribute values as attrd reads them: scores and their `value++` /
//! `value+=N` expansion, the patterns that clear fail counts, and XML ids.

/// The score Pacemaker calls INFINITY.
pub const SCORE_INFINITY: i64 = 1_000_000;

/// Parses a score: an integer or `INFINITY`, `+INFINITY`, `-INFINITY`,
/// clamped to +/-INFINITY.
pub fn parse_score(s: &str) -> Option<i64> {
    let t = s.trim();
    match t.to_ascii_uppercase().as_str() {
        "INFINITY" | "+INFINITY" => return Some(SCORE_INFINITY),
        "-INFINITY" => return Some(-SCORE_INFINITY),
        _ => {}
    }
    let n: i64 = t.parse().ok()?;
    Some(n.clamp(-SCORE_INFINITY, SCORE_INFINITY))
}

/// Whether `value` asks for an increment of attribute `name`'s current
/// value: `<name>++` or `<name>+=N` (Pacemaker writes the attribute's
/// name, `value`, as in `value++`).
pub fn needs_expansion(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("value") else {
        return false;
    };
    rest.starts_with("++") || rest.starts_with("+=")
}

/// Expands `value++` / `value+=N` against `old` (`attrd_expand_value()`):
/// a missing or non-numeric old value counts as 0; an invalid increment
/// adds nothing; the result stays within +/-INFINITY.
pub fn expand(value: &str, old: Option<&str>) -> i64 {
    let base = old.and_then(parse_score).unwrap_or(0);
    let Some(rest) = value.strip_prefix("value") else {
        return base;
    };
    let increment = if rest.starts_with("++") {
        1
    } else {
        rest.strip_prefix("+=").and_then(parse_score).unwrap_or(0)
    };
    (base + increment).clamp(-SCORE_INFINITY, SCORE_INFINITY)
}

/// The pattern matching the fail-count and last-failure attributes to
/// clear: of every resource, of one resource, or of one operation.
pub fn failure_pattern(rsc: Option<&str>, op: Option<&str>, interval_ms: u64) -> String {
    const ALL: &str = "^(fail-count|last-failure)-";
    match (rsc, op) {
        (None, _) => ALL.to_string(),
        (Some(r), None) => format!("{ALL}{}#.+_[0-9]+$", regex::escape(r)),
        (Some(r), Some(o)) => format!(
            "{ALL}{}#{}_{interval_ms}$",
            regex::escape(r),
            regex::escape(o)
        ),
    }
}

/// Makes a string usable as an XML id, as Pacemaker does
/// (`pcmk__xml_sanitize_id()`): an invalid first character becomes `_`,
/// any other invalid character becomes `.`.
pub fn sanitize_id(id: &str) -> String {
    let start_ok = |c: char| c.is_alphabetic() || c == '_' || c == ':';
    let name_ok = |c: char| start_ok(c) || c.is_alphanumeric() || matches!(c, '-' | '.' | '\u{B7}');
    id.chars()
        .enumerate()
        .map(|(i, c)| match (i, c) {
            (0, c) if !start_ok(c) => '_',
            (_, c) if !name_ok(c) => '.',
            (_, c) => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion() {
        assert!(needs_expansion("value++") && needs_expansion("value+=3"));
        assert!(!needs_expansion("value") && !needs_expansion("5") && !needs_expansion("val++"));
        assert_eq!(expand("value++", None), 1);
        assert_eq!(expand("value++", Some("4")), 5);
        assert_eq!(expand("value+=10", Some("4")), 14);
        assert_eq!(expand("value+=-10", Some("4")), -6);
        assert_eq!(expand("value+=INFINITY", Some("4")), SCORE_INFINITY);
        assert_eq!(expand("value++", Some("INFINITY")), SCORE_INFINITY);
        assert_eq!(expand("value+=x", Some("4")), 4);
        assert_eq!(expand("value++", Some("abc")), 1);
    }

    #[test]
    fn failure_patterns_match_the_right_attributes() {
        let all = regex::Regex::new(&failure_pattern(None, None, 0)).unwrap();
        assert!(
            all.is_match("fail-count-d#start_0") && all.is_match("last-failure-x#monitor_10000")
        );
        assert!(!all.is_match("shutdown"));
        let one = regex::Regex::new(&failure_pattern(Some("d.1"), None, 0)).unwrap();
        assert!(one.is_match("fail-count-d.1#monitor_10000"));
        assert!(!one.is_match("fail-count-dx1#monitor_10000"));
        let op = regex::Regex::new(&failure_pattern(Some("d"), Some("monitor"), 10000)).unwrap();
        assert!(op.is_match("last-failure-d#monitor_10000"));
        assert!(!op.is_match("last-failure-d#monitor_20000"));
    }

    #[test]
    fn ids_are_sanitised() {
        assert_eq!(
            sanitize_id("status-1-fail-count-d#start_0"),
            "status-1-fail-count-d.start_0"
        );
        assert_eq!(sanitize_id("1abc"), "_abc");
    }
}
