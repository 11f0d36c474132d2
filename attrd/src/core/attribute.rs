//! An attribute and its value on each node.

use std::collections::BTreeMap;
use std::time::Duration;

/// One node's value of an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeValue {
    /// The node's name.
    pub node: String,
    /// The current value (`None`: unset).
    pub current: Option<String>,
    /// The value sent in the pending CIB write, if any.
    pub requested: Option<String>,
    /// The node is a Pacemaker Remote node.
    pub remote: bool,
    /// The value was confirmed by a peer's sync (not local-only).
    pub from_peer: bool,
    /// The value's version: the Lamport clock and node of the change that
    /// set it. A change only applies over an older version.
    pub version: Option<Version>,
}

/// A value's version: Lamport clock, then the originating node's name.
pub type Version = (u64, String);

/// A node attribute with its values on every node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Its name.
    pub name: String,
    /// `instance_attributes` or `utilization`.
    pub set_type: String,
    /// The id of the set to write into, if not the default.
    pub set_id: Option<String>,
    /// The CIB user for writes.
    pub user: Option<String>,
    /// Write delay after a change.
    pub dampen: Duration,
    /// Never written to the CIB.
    pub private: bool,
    /// Values by lower-cased node name.
    pub values: BTreeMap<String, NodeValue>,
    /// A value changed since the last write.
    pub changed: bool,
    /// A value's node id was unknown at the last write.
    pub node_unknown: bool,
    /// Write the next time even if dampened.
    pub force_write: bool,
    /// Call id of the pending CIB write.
    pub update: Option<u64>,
    /// The dampening (or retry) timer is running.
    pub timer_running: bool,
    /// A retry delay for failed writes of undampened attributes.
    pub retry_delay: Option<Duration>,
}

impl Attribute {
    /// A new attribute with no values.
    pub fn new(name: &str) -> Attribute {
        Attribute {
            name: name.to_string(),
            set_type: "instance_attributes".into(),
            set_id: None,
            user: None,
            dampen: Duration::ZERO,
            private: false,
            values: BTreeMap::new(),
            changed: false,
            node_unknown: false,
            force_write: false,
            update: None,
            timer_running: false,
            retry_delay: None,
        }
    }

    /// The value for `node`.
    pub fn value(&self, node: &str) -> Option<&NodeValue> {
        self.values.get(&node.to_ascii_lowercase())
    }

    /// The id of the set a node's value lives in (`attrd_set_id()`).
    pub fn set_id_for(&self, node_id: &str) -> String {
        super::value::sanitize_id(
            self.set_id
                .as_deref()
                .filter(|s| !s.is_empty())
                .map_or_else(|| format!("status-{node_id}"), str::to_string)
                .as_str(),
        )
    }

    /// The id of a node's `nvpair` (`attrd_nvpair_id()`).
    pub fn nvpair_id_for(&self, node_id: &str) -> String {
        let raw = match &self.set_id {
            Some(s) => format!("{s}-{}", self.name),
            None => format!("status-{node_id}-{}", self.name),
        };
        super::value::sanitize_id(&raw)
    }
}
