//! What rules are evaluated against (`pcmk_rule_input_t`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::ops::Range;

use crate::iso8601::DateTime;

/// A table of named values: node attributes, resource parameters or
/// meta-attributes.
pub trait Attributes {
    /// The value of `name`, if set.
    fn attr(&self, name: &str) -> Option<&str>;
}

impl<S: BuildHasher> Attributes for HashMap<String, String, S> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl Attributes for BTreeMap<String, String> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl Attributes for [(&str, &str)] {
    fn attr(&self, name: &str) -> Option<&str> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
}

/// A resource ID matched against a location constraint's `rsc-pattern`,
/// whose groups `%0`..`%9` may be used in rule expressions.
#[derive(Debug, Clone, Copy)]
pub struct RegexMatch<'a> {
    /// The text that matched (the resource ID).
    pub text: &'a str,
    /// The byte ranges of the whole match (index 0) and each group, `None`
    /// where a group did not take part in the match.
    pub groups: &'a [Option<Range<usize>>],
}

impl RegexMatch<'_> {
    /// The text of group `n`, if it matched something non-empty.
    pub fn group(&self, n: usize) -> Option<&str> {
        let range = self.groups.get(n)?.clone()?;
        if range.end <= range.start {
            return None;
        }
        self.text.get(range)
    }
}

/// The values rule conditions are checked against. Every field is
/// optional; a condition about something not given does not pass.
#[derive(Clone, Copy, Default)]
pub struct RuleInput<'a> {
    /// The time date expressions are evaluated at.
    pub now: Option<DateTime>,
    /// Resource class (`ocf`, `systemd`, ...) for `rsc_expression`.
    pub rsc_standard: Option<&'a str>,
    /// Resource provider for `rsc_expression`.
    pub rsc_provider: Option<&'a str>,
    /// Resource agent type for `rsc_expression`.
    pub rsc_agent: Option<&'a str>,
    /// Resource instance attributes, for `value-source="param"`.
    pub rsc_params: Option<&'a dyn Attributes>,
    /// Resource meta-attributes, for `value-source="meta"`.
    pub rsc_meta: Option<&'a dyn Attributes>,
    /// Node attributes (including `#uname`, `#id`, `#kind`...).
    pub node_attrs: Option<&'a dyn Attributes>,
    /// Operation name for `op_expression`.
    pub op_name: Option<&'a str>,
    /// Operation interval in milliseconds for `op_expression`.
    pub op_interval_ms: u32,
    /// The resource ID and its `rsc-pattern` match groups.
    pub rsc_id: Option<RegexMatch<'a>>,
}

impl fmt::Debug for RuleInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleInput")
            .field("now", &self.now)
            .field("rsc_standard", &self.rsc_standard)
            .field("rsc_provider", &self.rsc_provider)
            .field("rsc_agent", &self.rsc_agent)
            .field("rsc_params", &self.rsc_params.is_some())
            .field("rsc_meta", &self.rsc_meta.is_some())
            .field("node_attrs", &self.node_attrs.is_some())
            .field("op_name", &self.op_name)
            .field("op_interval_ms", &self.op_interval_ms)
            .field("rsc_id", &self.rsc_id)
            .finish()
    }
}
