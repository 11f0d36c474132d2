//! Typed cmap values, with the type names `corosync-cmapctl` prints.

use std::fmt;

/// A value stored under a cmap key.
#[derive(Debug, Clone, PartialEq)]
pub enum CmapValue {
    /// Signed 8-bit integer (`i8`).
    I8(i8),
    /// Unsigned 8-bit integer (`u8`).
    U8(u8),
    /// Signed 16-bit integer (`i16`).
    I16(i16),
    /// Unsigned 16-bit integer (`u16`).
    U16(u16),
    /// Signed 32-bit integer (`i32`).
    I32(i32),
    /// Unsigned 32-bit integer (`u32`).
    U32(u32),
    /// Signed 64-bit integer (`i64`).
    I64(i64),
    /// Unsigned 64-bit integer (`u64`).
    U64(u64),
    /// Single precision float (`flt`).
    Flt(f32),
    /// Double precision float (`dbl`).
    Dbl(f64),
    /// String (`str`).
    Str(String),
    /// Binary blob (`bin`).
    Bin(Vec<u8>),
}

/// Errors turning text into a typed value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The type name is none of cmap's.
    #[error("unknown type {0}")]
    UnknownType(String),
    /// The text does not fit the type.
    #[error("cannot parse {value:?} as {type_name}")]
    BadValue {
        /// The type asked for.
        type_name: String,
        /// The text given.
        value: String,
    },
}

impl CmapValue {
    /// The type name as `corosync-cmapctl` prints and accepts it (`u32`, `str`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            CmapValue::I8(_) => "i8",
            CmapValue::U8(_) => "u8",
            CmapValue::I16(_) => "i16",
            CmapValue::U16(_) => "u16",
            CmapValue::I32(_) => "i32",
            CmapValue::U32(_) => "u32",
            CmapValue::I64(_) => "i64",
            CmapValue::U64(_) => "u64",
            CmapValue::Flt(_) => "flt",
            CmapValue::Dbl(_) => "dbl",
            CmapValue::Str(_) => "str",
            CmapValue::Bin(_) => "bin",
        }
    }

    /// Parses `text` as a value of the type named `type_name`.
    pub fn parse(type_name: &str, text: &str) -> Result<CmapValue, ValueError> {
        let bad = || ValueError::BadValue {
            type_name: type_name.to_string(),
            value: text.to_string(),
        };
        let t = text.trim();
        Ok(match type_name {
            "i8" => CmapValue::I8(t.parse().map_err(|_| bad())?),
            "u8" => CmapValue::U8(t.parse().map_err(|_| bad())?),
            "i16" => CmapValue::I16(t.parse().map_err(|_| bad())?),
            "u16" => CmapValue::U16(t.parse().map_err(|_| bad())?),
            "i32" => CmapValue::I32(t.parse().map_err(|_| bad())?),
            "u32" => CmapValue::U32(t.parse().map_err(|_| bad())?),
            "i64" => CmapValue::I64(t.parse().map_err(|_| bad())?),
            "u64" => CmapValue::U64(t.parse().map_err(|_| bad())?),
            "flt" => CmapValue::Flt(t.parse().map_err(|_| bad())?),
            "dbl" => CmapValue::Dbl(t.parse().map_err(|_| bad())?),
            "str" => CmapValue::Str(text.to_string()),
            "bin" => CmapValue::Bin(parse_hex(t).ok_or_else(bad)?),
            other => return Err(ValueError::UnknownType(other.to_string())),
        })
    }

    /// The value as an unsigned integer, when it is an integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            CmapValue::U8(v) => Some(v.into()),
            CmapValue::U16(v) => Some(v.into()),
            CmapValue::U32(v) => Some(v.into()),
            CmapValue::U64(v) => Some(v),
            CmapValue::I8(v) => u64::try_from(v).ok(),
            CmapValue::I16(v) => u64::try_from(v).ok(),
            CmapValue::I32(v) => u64::try_from(v).ok(),
            CmapValue::I64(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as text, when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            CmapValue::Str(s) => Some(s),
            _ => None,
        }
    }
}

fn parse_hex(t: &str) -> Option<Vec<u8>> {
    let t = t.strip_prefix("0x").unwrap_or(t);
    if t.len() % 2 != 0 {
        return None;
    }
    (0..t.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(t.get(i..i + 2)?, 16).ok())
        .collect()
}

impl fmt::Display for CmapValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmapValue::I8(v) => write!(f, "{v}"),
            CmapValue::U8(v) => write!(f, "{v}"),
            CmapValue::I16(v) => write!(f, "{v}"),
            CmapValue::U16(v) => write!(f, "{v}"),
            CmapValue::I32(v) => write!(f, "{v}"),
            CmapValue::U32(v) => write!(f, "{v}"),
            CmapValue::I64(v) => write!(f, "{v}"),
            CmapValue::U64(v) => write!(f, "{v}"),
            CmapValue::Flt(v) => write!(f, "{v:.6}"),
            CmapValue::Dbl(v) => write!(f, "{v:.6}"),
            CmapValue::Str(s) => f.write_str(s),
            CmapValue::Bin(b) => {
                for byte in b {
                    write!(f, "{byte:02x}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        assert_eq!(
            CmapValue::parse("u32", "3000").unwrap(),
            CmapValue::U32(3000)
        );
        assert_eq!(
            CmapValue::parse("u8", "300").unwrap_err().to_string(),
            "cannot parse \"300\" as u8"
        );
        assert!(matches!(
            CmapValue::parse("x", "1"),
            Err(ValueError::UnknownType(_))
        ));
        let b = CmapValue::parse("bin", "0a0B").unwrap();
        assert_eq!(b.to_string(), "0a0b");
        assert_eq!(CmapValue::parse("str", "a b").unwrap().to_string(), "a b");
        assert_eq!(CmapValue::U32(5).type_name(), "u32");
        assert_eq!(CmapValue::I8(-1).as_u64(), None);
    }
}
