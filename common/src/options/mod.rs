//! Pacemaker's option tables (`lib/common/options.c` of Pacemaker 3.0.2):
//! the cluster options of `crm_config`, the parameters common to all
//! fencing resources, and the meta-attributes of primitive resources, each
//! with its type, default, allowed values, descriptions and flags.
//!
//! [`cluster_option`] gives an option's effective value from the
//! configured name/value pairs the way the daemons read it: the current
//! name first, then its deprecated alias (`stonith-enabled` for
//! `fencing-enabled`), an invalid value replaced by the default, with the
//! warnings and errors Pacemaker logs. [`Validator`] holds Pacemaker's value
//! checks; the value parsers themselves are in [`crate::values`] and
//! [`crate::score`].

mod cluster;
mod fencing;
pub mod metadata;
mod primitive;
mod validate;

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::ops::BitOr;

pub use cluster::CLUSTER_OPTIONS;
pub use fencing::FENCING_PARAMS;
pub use primitive::PRIMITIVE_META;
pub use validate::Validator;

/// An option's value type, as named in metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionType {
    /// `boolean`.
    Boolean,
    /// `integer`.
    Integer,
    /// `nonnegative_integer`.
    NonNegativeInteger,
    /// `score`.
    Score,
    /// `duration` (an interval specification).
    Duration,
    /// `timeout`.
    Timeout,
    /// `port`.
    Port,
    /// `percentage`.
    Percentage,
    /// `select` (one of the allowed values).
    Select,
    /// `string`.
    String,
    /// `version`.
    Version,
}

impl OptionType {
    /// The type's name in metadata (`nonnegative_integer`, ...).
    pub fn name(self) -> &'static str {
        match self {
            OptionType::Boolean => "boolean",
            OptionType::Integer => "integer",
            OptionType::NonNegativeInteger => "nonnegative_integer",
            OptionType::Score => "score",
            OptionType::Duration => "duration",
            OptionType::Timeout => "timeout",
            OptionType::Port => "port",
            OptionType::Percentage => "percentage",
            OptionType::Select => "select",
            OptionType::String => "string",
            OptionType::Version => "version",
        }
    }

    /// The type's name in the daemons' legacy metadata, where durations
    /// and timeouts are `time`, scores and non-negative integers
    /// `integer`, and versions `string`.
    pub fn legacy_name(self) -> &'static str {
        match self {
            OptionType::Duration | OptionType::Timeout => "time",
            OptionType::NonNegativeInteger | OptionType::Score => "integer",
            OptionType::Version => "string",
            other => other.name(),
        }
    }
}

/// Which daemon reads an option, and how it is presented
/// (`enum pcmk__opt_flags`). Combine with `|`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OptionFlags(u32);

impl OptionFlags {
    /// No flag.
    pub const NONE: OptionFlags = OptionFlags(0);
    /// In the CIB manager's metadata.
    pub const BASED: OptionFlags = OptionFlags(1 << 0);
    /// In the controller's metadata.
    pub const CONTROLD: OptionFlags = OptionFlags(1 << 1);
    /// In the scheduler's metadata.
    pub const SCHEDULERD: OptionFlags = OptionFlags(1 << 2);
    /// For advanced use only.
    pub const ADVANCED: OptionFlags = OptionFlags(1 << 3);
    /// Set by Pacemaker itself; user values are ignored.
    pub const GENERATED: OptionFlags = OptionFlags(1 << 4);
    /// Deprecated.
    pub const DEPRECATED: OptionFlags = OptionFlags(1 << 5);
    /// A common fencing resource parameter.
    pub const FENCING: OptionFlags = OptionFlags(1 << 6);
    /// A primitive resource meta-attribute.
    pub const PRIMITIVE: OptionFlags = OptionFlags(1 << 7);

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: OptionFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Both sets of flags (usable in constants).
    pub const fn union(self, other: OptionFlags) -> OptionFlags {
        OptionFlags(self.0 | other.0)
    }
}

impl BitOr for OptionFlags {
    type Output = OptionFlags;

    fn bitor(self, rhs: OptionFlags) -> OptionFlags {
        OptionFlags(self.0 | rhs.0)
    }
}

/// One option (`pcmk__cluster_option_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// The current name.
    pub name: &'static str,
    /// A deprecated name still accepted.
    pub alias: Option<&'static str>,
    /// The value type.
    pub kind: OptionType,
    /// The allowed values of a `select` option.
    pub allowed: &'static [&'static str],
    /// The default value, if any.
    pub default: Option<&'static str>,
    /// How values are checked, if they are.
    pub validator: Option<Validator>,
    /// Daemon and presentation flags.
    pub flags: OptionFlags,
    /// The short description.
    pub short_desc: &'static str,
    /// The long description, if any.
    pub long_desc: Option<&'static str>,
}

impl OptionSpec {
    /// Whether `value` is acceptable (options without a validator accept
    /// anything).
    pub fn is_valid(&self, value: &str) -> bool {
        self.validator.is_none_or(|v| v.check(value))
    }
}

/// The cluster option named `name` (case-insensitive, current name only).
pub fn find_cluster_option(name: &str) -> Option<&'static OptionSpec> {
    CLUSTER_OPTIONS
        .iter()
        .find(|o| o.name.eq_ignore_ascii_case(name))
}

/// The cluster option named `name` or having `name` as its deprecated
/// alias.
pub fn find_cluster_option_or_alias(name: &str) -> Option<&'static OptionSpec> {
    find_cluster_option(name).or_else(|| CLUSTER_OPTIONS.iter().find(|o| o.alias == Some(name)))
}

/// A table of configured option values, as read from the CIB.
pub trait OptionTable {
    /// The configured value of `name`.
    fn get_value(&self, name: &str) -> Option<&str>;
}

impl<S: BuildHasher> OptionTable for HashMap<String, String, S> {
    fn get_value(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl OptionTable for BTreeMap<String, String> {
    fn get_value(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

/// A problem found while reading an option's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionMessage {
    /// A deprecated alias was used (a configuration warning upstream).
    DeprecatedAlias {
        /// The alias used.
        alias: &'static str,
        /// The current name.
        name: &'static str,
    },
    /// The value is invalid and the default is used instead (a
    /// configuration error upstream).
    InvalidValue {
        /// The option.
        name: &'static str,
        /// The rejected value.
        value: String,
    },
}

impl std::fmt::Display for OptionMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionMessage::DeprecatedAlias { alias, name } => write!(
                f,
                "Support for legacy name '{alias}' for cluster option '{name}' is deprecated and will be removed in a future release"
            ),
            OptionMessage::InvalidValue { name, value } => {
                write!(
                    f,
                    "Using default value for cluster option '{name}' because '{value}' is invalid"
                )
            }
        }
    }
}

/// The effective value of `option` (`cluster_option_value`): the value
/// configured under its name, else under its alias, unless invalid; else
/// its default. Problems are pushed to `messages`.
pub fn option_value<'t>(
    table: &'t dyn OptionTable,
    option: &'static OptionSpec,
    messages: &mut Vec<OptionMessage>,
) -> Option<std::borrow::Cow<'t, str>> {
    let mut value = table.get_value(option.name);
    if value.is_none() {
        if let Some(alias) = option.alias {
            value = table.get_value(alias);
            if value.is_some() {
                messages.push(OptionMessage::DeprecatedAlias {
                    alias,
                    name: option.name,
                });
            }
        }
    }
    if let Some(v) = value {
        if option.is_valid(v) {
            return Some(std::borrow::Cow::Borrowed(v));
        }
        messages.push(OptionMessage::InvalidValue {
            name: option.name,
            value: v.to_string(),
        });
    }
    option.default.map(std::borrow::Cow::Borrowed)
}

/// The effective value of the cluster option `name` (current name,
/// case-insensitive) in `table` (`pcmk__cluster_option`); `None` for an
/// unknown option or one without value or default.
pub fn cluster_option<'t>(
    table: &'t dyn OptionTable,
    name: &str,
    messages: &mut Vec<OptionMessage>,
) -> Option<std::borrow::Cow<'t, str>> {
    option_value(table, find_cluster_option(name)?, messages)
}

/// Every cluster option's effective value, by current name, as the
/// daemons see them after `pcmk__validate_cluster_options`; options with
/// neither value nor default are absent.
pub fn effective_cluster_options(
    table: &dyn OptionTable,
    messages: &mut Vec<OptionMessage>,
) -> BTreeMap<&'static str, String> {
    let mut out = BTreeMap::new();
    for option in CLUSTER_OPTIONS {
        if let Some(v) = option_value(table, option, messages) {
            out.insert(option.name, v.into_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tables_are_consistent() {
        for table in [CLUSTER_OPTIONS, FENCING_PARAMS, PRIMITIVE_META] {
            for o in table {
                if let Some(d) = o.default {
                    assert!(o.is_valid(d), "default of {} is invalid", o.name);
                }
                if !o.allowed.is_empty() {
                    assert_eq!(o.kind, OptionType::Select, "{}", o.name);
                }
            }
        }
        assert_eq!(CLUSTER_OPTIONS.len(), 48);
        assert_eq!(FENCING_PARAMS.len(), 25);
        assert_eq!(PRIMITIVE_META.len(), 18);
        let names: Vec<_> = CLUSTER_OPTIONS.iter().map(|o| o.name).collect();
        let mut dedup = names.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(names.len(), dedup.len());
        let nqp = find_cluster_option("no-quorum-policy").map(|o| o.allowed);
        assert_eq!(
            nqp,
            Some(&["stop", "freeze", "ignore", "demote", "fence", "suicide"][..])
        );
    }

    #[test]
    fn aliases_and_defaults() {
        let mut msgs = Vec::new();
        let t = table(&[
            ("stonith-enabled", "false"),
            ("no-quorum-policy", "bogus"),
            ("batch-limit", "30"),
        ]);
        assert_eq!(
            cluster_option(&t, "fencing-enabled", &mut msgs).as_deref(),
            Some("false")
        );
        assert_eq!(
            msgs,
            vec![OptionMessage::DeprecatedAlias {
                alias: "stonith-enabled",
                name: "fencing-enabled"
            }]
        );
        msgs.clear();
        assert_eq!(
            cluster_option(&t, "no-quorum-policy", &mut msgs).as_deref(),
            Some("stop")
        );
        assert_eq!(msgs.len(), 1);
        assert_eq!(
            msgs[0].to_string(),
            "Using default value for cluster option 'no-quorum-policy' because 'bogus' is invalid"
        );
        assert_eq!(
            cluster_option(&t, "BATCH-LIMIT", &mut msgs).as_deref(),
            Some("30")
        );
        assert_eq!(cluster_option(&t, "cluster-name", &mut msgs), None);
        assert_eq!(cluster_option(&t, "no-such-option", &mut msgs), None);
        let t = table(&[("fencing-enabled", "true"), ("stonith-enabled", "false")]);
        assert_eq!(
            cluster_option(&t, "fencing-enabled", &mut msgs).as_deref(),
            Some("true")
        );
        let all = effective_cluster_options(&table(&[]), &mut msgs);
        assert_eq!(
            all.get("cluster-recheck-interval").map(String::as_str),
            Some("15min")
        );
        assert_eq!(
            all.get("node-health-red").map(String::as_str),
            Some("-INFINITY")
        );
        assert!(!all.contains_key("dc-version"));
        assert_eq!(
            find_cluster_option_or_alias("stonith-timeout").map(|o| o.name),
            Some("fencing-timeout")
        );
    }
}
