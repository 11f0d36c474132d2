//! Booleans as Pacemaker spells them.

/// Parses a boolean as `pcmk__parse_bool`/`crm_str_to_boolean` do:
/// `true`, `on`, `yes`, `y`, `1` and `false`, `off`, `no`, `n`, `0`, in any
/// case. Anything else is `None`.
pub fn parse_bool(text: &str) -> Option<bool> {
    const TRUE: [&str; 5] = ["true", "on", "yes", "y", "1"];
    const FALSE: [&str; 5] = ["false", "off", "no", "n", "0"];
    if TRUE.iter().any(|t| t.eq_ignore_ascii_case(text)) {
        Some(true)
    } else if FALSE.iter().any(|t| t.eq_ignore_ascii_case(text)) {
        Some(false)
    } else {
        None
    }
}

/// Whether a value means true, as `crm_is_true` decides: a missing or
/// unrecognised value is false.
pub fn is_true(text: Option<&str>) -> bool {
    text.and_then(parse_bool).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        for t in ["true", "TRUE", "on", "Yes", "y", "1"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
            assert!(is_true(Some(t)));
        }
        for f in ["false", "Off", "no", "N", "0"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
            assert!(!is_true(Some(f)));
        }
        for x in ["", "2", "yess", "t", " true"] {
            assert_eq!(parse_bool(x), None, "{x}");
            assert!(!is_true(Some(x)));
        }
        assert!(!is_true(None));
    }
}
