//! The vocabulary of attribute expressions: comparisons, value types,
//! value sources and boolean operators, and comparing values by type.

use std::cmp::Ordering;

use crate::values::{compare_versions, scan_double, scan_ll};

/// An expression's `operation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// `defined`: the attribute is set.
    Defined,
    /// `not_defined`: the attribute is not set.
    NotDefined,
    /// `eq`.
    Eq,
    /// `ne`.
    Ne,
    /// `lt`.
    Lt,
    /// `lte`.
    Lte,
    /// `gt`.
    Gt,
    /// `gte`.
    Gte,
}

impl Comparison {
    /// Parses an `operation` value (case-insensitive).
    pub fn parse(op: &str) -> Option<Comparison> {
        const TABLE: [(&str, Comparison); 8] = [
            ("defined", Comparison::Defined),
            ("not_defined", Comparison::NotDefined),
            ("eq", Comparison::Eq),
            ("ne", Comparison::Ne),
            ("lt", Comparison::Lt),
            ("lte", Comparison::Lte),
            ("gt", Comparison::Gt),
            ("gte", Comparison::Gte),
        ];
        TABLE
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(op))
            .map(|(_, c)| *c)
    }
}

/// An expression's `type`: how values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// Case-insensitive text.
    String,
    /// 64-bit integers (text when either is not a number).
    Integer,
    /// Floating-point numbers (text when either is not a number).
    Number,
    /// Dotted version numbers.
    Version,
}

impl ValueType {
    /// Parses a `type` value (case-insensitive). `None` input picks the
    /// default: `number` for ordering comparisons when a value has a `.`,
    /// `integer` for other ordering comparisons, `string` otherwise.
    /// `None` for an unknown type.
    pub fn parse(
        type_s: Option<&str>,
        op: Comparison,
        value1: Option<&str>,
        value2: Option<&str>,
    ) -> Option<ValueType> {
        let Some(t) = type_s else {
            return Some(match op {
                Comparison::Lt | Comparison::Lte | Comparison::Gt | Comparison::Gte => {
                    if value1.is_some_and(|v| v.contains('.'))
                        || value2.is_some_and(|v| v.contains('.'))
                    {
                        ValueType::Number
                    } else {
                        ValueType::Integer
                    }
                }
                _ => ValueType::String,
            });
        };
        const TABLE: [(&str, ValueType); 4] = [
            ("string", ValueType::String),
            ("integer", ValueType::Integer),
            ("number", ValueType::Number),
            ("version", ValueType::Version),
        ];
        TABLE
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(t))
            .map(|(_, v)| *v)
    }
}

/// Where an expression's reference `value` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueSource {
    /// The value itself (`literal`, the default).
    Literal,
    /// The resource instance attribute it names (`param`).
    Param,
    /// The resource meta-attribute it names (`meta`).
    Meta,
}

impl ValueSource {
    /// Parses a `value-source` value (case-insensitive; missing is
    /// literal).
    pub fn parse(source: Option<&str>) -> Option<ValueSource> {
        match source {
            None => Some(ValueSource::Literal),
            Some(s) if s.eq_ignore_ascii_case("literal") => Some(ValueSource::Literal),
            Some(s) if s.eq_ignore_ascii_case("param") => Some(ValueSource::Param),
            Some(s) if s.eq_ignore_ascii_case("meta") => Some(ValueSource::Meta),
            Some(_) => None,
        }
    }
}

/// A rule's `boolean-op`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Combine {
    /// Every condition must pass (`and`, the default).
    And,
    /// One passing condition is enough (`or`).
    Or,
}

impl Combine {
    /// Parses a `boolean-op` value (case-insensitive; missing is `and`).
    pub fn parse(op: Option<&str>) -> Option<Combine> {
        match op {
            None => Some(Combine::And),
            Some(s) if s.eq_ignore_ascii_case("and") => Some(Combine::And),
            Some(s) if s.eq_ignore_ascii_case("or") => Some(Combine::Or),
            Some(_) => None,
        }
    }
}

fn strcasecmp(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Compares two values as `type` (`pcmk__cmp_by_type`): a missing value
/// is less than any value; integers and numbers that do not parse compare
/// as text.
pub fn compare_by_type(
    value1: Option<&str>,
    value2: Option<&str>,
    value_type: ValueType,
) -> Ordering {
    let (a, b) = match (value1, value2) {
        (None, None) => return Ordering::Equal,
        (None, Some(_)) => return Ordering::Less,
        (Some(_), None) => return Ordering::Greater,
        (Some(a), Some(b)) => (a, b),
    };
    match value_type {
        ValueType::String => strcasecmp(a, b),
        ValueType::Integer => match (scan_ll(a), scan_ll(b)) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => strcasecmp(a, b),
        },
        ValueType::Number => match (scan_double(a), scan_double(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            _ => strcasecmp(a, b),
        },
        ValueType::Version => compare_versions(Some(a), Some(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn compare_table() {
        let cases: &[(Option<&str>, Option<&str>, ValueType, Ordering)] = &[
            (None, Some("1"), ValueType::String, Less),
            (Some("1"), None, ValueType::Integer, Greater),
            (None, None, ValueType::Version, Equal),
            (Some("abc"), Some("ABC"), ValueType::String, Equal),
            (Some("a"), Some("b"), ValueType::String, Less),
            (Some("10"), Some("9"), ValueType::Integer, Greater),
            (Some("10"), Some("9"), ValueType::String, Less),
            (Some("3.9"), Some("3"), ValueType::Integer, Equal),
            (Some("x"), Some("9"), ValueType::Integer, Greater),
            (Some("3.5"), Some("3.49"), ValueType::Number, Greater),
            (Some("1.10"), Some("1.9"), ValueType::Version, Greater),
            (Some("1.10"), Some("1.9"), ValueType::Number, Less),
        ];
        for (a, b, t, want) in cases {
            assert_eq!(compare_by_type(*a, *b, *t), *want, "{a:?} {b:?} {t:?}");
        }
    }

    #[test]
    fn parse_table() {
        assert_eq!(Comparison::parse("GTE"), Some(Comparison::Gte));
        assert_eq!(Comparison::parse("foo"), None);
        assert_eq!(
            ValueType::parse(None, Comparison::Lt, Some("1.5"), None),
            Some(ValueType::Number)
        );
        assert_eq!(
            ValueType::parse(None, Comparison::Gte, Some("1"), Some("2")),
            Some(ValueType::Integer)
        );
        assert_eq!(
            ValueType::parse(None, Comparison::Eq, Some("1.5"), None),
            Some(ValueType::String)
        );
        assert_eq!(
            ValueType::parse(Some("Version"), Comparison::Eq, None, None),
            Some(ValueType::Version)
        );
        assert_eq!(
            ValueType::parse(Some("bogus"), Comparison::Eq, None, None),
            None
        );
        assert_eq!(ValueSource::parse(None), Some(ValueSource::Literal));
        assert_eq!(ValueSource::parse(Some("META")), Some(ValueSource::Meta));
        assert_eq!(ValueSource::parse(Some("x")), None);
        assert_eq!(Combine::parse(None), Some(Combine::And));
        assert_eq!(Combine::parse(Some("Or")), Some(Combine::Or));
        assert_eq!(Combine::parse(Some("xor")), None);
    }
}
