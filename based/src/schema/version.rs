//! Schema names (`validate-with` values) and their order.
//!
//! Pacemaker 3.0.2 knows the schemas `pacemaker-1.0` to `pacemaker-4.0`
//! (one per version in which some part of the schema changed) and the
//! deprecated `none`, which turns validation off and sorts after all of
//! them.

use std::fmt;

/// A schema version `X.Y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaVersion {
    /// Major version: a change needs an upgrade transform between majors.
    pub major: u8,
    /// Minor version.
    pub minor: u8,
}

impl SchemaVersion {
    /// `X.Y`.
    pub const fn new(major: u8, minor: u8) -> Self {
        SchemaVersion { major, minor }
    }

    /// Position in [`KNOWN_VERSIONS`], if known.
    pub fn index(self) -> Option<usize> {
        KNOWN_VERSIONS.iter().position(|v| *v == self)
    }
}

impl fmt::Display for SchemaVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pacemaker-{}.{}", self.major, self.minor)
    }
}

/// Every `pacemaker-X.Y` schema Pacemaker 3.0.2 ships, in order.
pub const KNOWN_VERSIONS: &[SchemaVersion] = &[
    SchemaVersion::new(1, 0),
    SchemaVersion::new(1, 2),
    SchemaVersion::new(1, 3),
    SchemaVersion::new(2, 0),
    SchemaVersion::new(2, 1),
    SchemaVersion::new(2, 2),
    SchemaVersion::new(2, 3),
    SchemaVersion::new(2, 4),
    SchemaVersion::new(2, 5),
    SchemaVersion::new(2, 6),
    SchemaVersion::new(2, 7),
    SchemaVersion::new(2, 8),
    SchemaVersion::new(2, 9),
    SchemaVersion::new(2, 10),
    SchemaVersion::new(3, 0),
    SchemaVersion::new(3, 1),
    SchemaVersion::new(3, 2),
    SchemaVersion::new(3, 3),
    SchemaVersion::new(3, 4),
    SchemaVersion::new(3, 5),
    SchemaVersion::new(3, 6),
    SchemaVersion::new(3, 7),
    SchemaVersion::new(3, 8),
    SchemaVersion::new(3, 9),
    SchemaVersion::new(3, 10),
    SchemaVersion::new(4, 0),
];

/// The newest schema, used for new CIBs.
pub const LATEST: SchemaVersion = SchemaVersion::new(4, 0);

/// Name of the schema that disables validation (deprecated in Pacemaker).
pub const NONE_NAME: &str = "none";

/// A `validate-with` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Schema {
    /// A versioned schema.
    Pacemaker(SchemaVersion),
    /// `none`: no validation at all.
    None,
}

impl Schema {
    /// Parses a `validate-with` value; `None` when the name is unknown.
    pub fn parse(name: &str) -> Option<Schema> {
        if name == NONE_NAME {
            return Some(Schema::None);
        }
        let rest = name.strip_prefix("pacemaker-")?;
        let (major, minor) = rest.split_once('.')?;
        let v = SchemaVersion::new(major.parse().ok()?, minor.parse().ok()?);
        v.index().map(|_| Schema::Pacemaker(v))
    }

    /// Position in the order Pacemaker sorts schemas (`none` last).
    pub fn rank(self) -> usize {
        match self {
            Schema::Pacemaker(v) => v.index().unwrap_or(0),
            Schema::None => KNOWN_VERSIONS.len(),
        }
    }

    /// The schema after this one, if any (`none` has none).
    pub fn next(self) -> Option<Schema> {
        match self {
            Schema::Pacemaker(v) => KNOWN_VERSIONS
                .get(v.index()? + 1)
                .copied()
                .map(Schema::Pacemaker),
            Schema::None => None,
        }
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schema::Pacemaker(v) => v.fmt(f),
            Schema::None => f.write_str(NONE_NAME),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_order() {
        assert_eq!(
            Schema::parse("pacemaker-3.10"),
            Some(Schema::Pacemaker(SchemaVersion::new(3, 10)))
        );
        assert_eq!(Schema::parse("pacemaker-1.1"), None);
        assert_eq!(Schema::parse("pacemaker-9999.0"), None);
        assert_eq!(Schema::parse("none"), Some(Schema::None));
        assert!(
            Schema::parse("pacemaker-3.10").unwrap().rank()
                > Schema::parse("pacemaker-3.9").unwrap().rank()
        );
        assert!(Schema::None.rank() > Schema::Pacemaker(LATEST).rank());
        assert_eq!(
            Schema::Pacemaker(SchemaVersion::new(2, 10)).next(),
            Some(Schema::Pacemaker(SchemaVersion::new(3, 0)))
        );
        assert_eq!(Schema::Pacemaker(LATEST).next(), None);
        assert_eq!(Schema::Pacemaker(LATEST).to_string(), "pacemaker-4.0");
    }
}
