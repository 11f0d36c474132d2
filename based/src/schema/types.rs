//! Attribute value types of the schema (the XML Schema datatypes the
//! RelaxNG files use) and their checks.

/// The type of an attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// Any text.
    Text,
    /// `xsd:ID`: a name, unique among all IDs of the document.
    Id,
    /// `xsd:IDREF`: a name that must be the ID of some element.
    IdRef,
    /// `xsd:integer`.
    Integer,
    /// `xsd:nonNegativeInteger`.
    NonNegInteger,
    /// `xsd:boolean` (`true`, `false`, `1`, `0`).
    Boolean,
    /// A score: an integer or `INFINITY`, `+INFINITY`, `-INFINITY`.
    Score,
    /// One of the listed values.
    Enum(&'static [&'static str]),
    /// A fencing level index: a positive integer up to 9.
    LevelIndex,
    /// A fencing level device list: `dev[,dev]...`.
    Devices,
    /// A port range of a bundle port mapping: digits and dashes.
    PortRange,
}

impl Ty {
    /// Whether `value` is acceptable for this type.
    pub fn accepts(self, value: &str) -> bool {
        let v = value.trim_matches(|c: char| c.is_ascii_whitespace());
        match self {
            Ty::Text => true,
            Ty::Id | Ty::IdRef => is_ncname(v),
            Ty::Integer => is_integer(v),
            Ty::NonNegInteger => is_non_negative(v),
            Ty::Boolean => matches!(v, "true" | "false" | "1" | "0"),
            Ty::Score => is_integer(v) || matches!(v, "INFINITY" | "+INFINITY" | "-INFINITY"),
            Ty::Enum(values) => values.contains(&v),
            Ty::LevelIndex => {
                is_non_negative(v)
                    && v.trim_start_matches('+')
                        .parse::<u64>()
                        .is_ok_and(|n| (1..=9).contains(&n))
            }
            Ty::Devices => {
                !value.is_empty()
                    && value
                        .split(',')
                        .all(|d| !d.is_empty() && d.bytes().all(is_device_byte))
            }
            Ty::PortRange => {
                !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit() || b == b'-')
            }
        }
    }

    /// A short description of what the type accepts, for error messages.
    pub fn describe(self) -> String {
        match self {
            Ty::Text => "text".to_string(),
            Ty::Id => "an ID (a name starting with a letter or underscore)".to_string(),
            Ty::IdRef => "an ID reference".to_string(),
            Ty::Integer => "an integer".to_string(),
            Ty::NonNegInteger => "a non-negative integer".to_string(),
            Ty::Boolean => "a boolean (true, false, 1 or 0)".to_string(),
            Ty::Score => "a score (an integer or [+-]INFINITY)".to_string(),
            Ty::Enum(values) => format!("one of {}", values.join(", ")),
            Ty::LevelIndex => "an integer from 1 to 9".to_string(),
            Ty::Devices => "a comma-separated list of device names".to_string(),
            Ty::PortRange => "a port range (digits and dashes)".to_string(),
        }
    }
}

fn is_device_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

fn is_integer(v: &str) -> bool {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_non_negative(v: &str) -> bool {
    let digits = v.strip_prefix('+').unwrap_or(v);
    let digits = match v.strip_prefix('-') {
        // "-0" (and "-00") is a valid non-negative integer
        Some(d) if !d.is_empty() && d.bytes().all(|b| b == b'0') => d,
        Some(_) => return false,
        None => digits,
    };
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `v` is an XML NCName (a name without a colon), as `xsd:ID`
/// requires.
pub fn is_ncname(v: &str) -> bool {
    let mut chars = v.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '\u{B7}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datatypes() {
        assert!(Ty::Integer.accepts("-12"));
        assert!(Ty::Integer.accepts(" 7 "));
        assert!(!Ty::Integer.accepts("1.5"));
        assert!(!Ty::Integer.accepts(""));
        assert!(Ty::NonNegInteger.accepts("0"));
        assert!(Ty::NonNegInteger.accepts("-0"));
        assert!(!Ty::NonNegInteger.accepts("-1"));
        assert!(Ty::Boolean.accepts("true"));
        assert!(Ty::Boolean.accepts("0"));
        assert!(!Ty::Boolean.accepts("yes"));
        assert!(Ty::Score.accepts("-INFINITY"));
        assert!(Ty::Score.accepts("100"));
        assert!(!Ty::Score.accepts("inf"));
        assert!(Ty::Id.accepts("rsc_1.a-b"));
        assert!(!Ty::Id.accepts("1rsc"));
        assert!(!Ty::Id.accepts("a:b"));
        assert!(!Ty::Id.accepts(""));
        assert!(Ty::LevelIndex.accepts("9"));
        assert!(!Ty::LevelIndex.accepts("10"));
        assert!(!Ty::LevelIndex.accepts("0"));
        assert!(Ty::Devices.accepts("fence1,fence-2.x"));
        assert!(!Ty::Devices.accepts("fence1,"));
        assert!(Ty::Enum(&["start", "stop"]).accepts("stop"));
        assert!(!Ty::Enum(&["start", "stop"]).accepts("break"));
    }
}
