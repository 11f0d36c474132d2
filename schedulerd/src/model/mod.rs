//! The scheduler's working set: nodes, resources, actions and the
//! constraints between them, held in arenas and addressed by index.
//!
//! Pacemaker links these with pointers; here every cross reference is an
//! index into one of the arenas of [`Scheduler`], and every look-up by name
//! goes through a hash map, so no step walks a list to find an id.

mod action;
mod clone;
mod constraint;
mod node;
mod resource;
pub mod scheduler;
mod ticket;

pub use action::{Action, ActionFlags, OnFail, RelFlags, Related, Requires};
pub use clone::{CloneData, NotifyOps};
pub use constraint::{ColocFlags, Colocation, Location, Ordering, ProbeMode};
pub use node::{Allowed, Node, NodeVariant};
pub use resource::{MultipleActive, Resource, RscFlags, Variant};
pub use scheduler::{Message, SchedFlags, Scheduler, Severity};
pub use ticket::{LossPolicy, RscTicket, Ticket, Tickets};

/// Index of a node in [`Scheduler::nodes`].
pub type NodeIdx = usize;
/// Index of a resource in [`Scheduler::rscs`].
pub type RscIdx = usize;
/// Index of an action in [`Scheduler::actions`].
pub type ActIdx = usize;

/// A resource role, ordered as Pacemaker orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Role {
    /// Not known (yet).
    #[default]
    Unknown,
    /// Not running.
    Stopped,
    /// Running (not promotable).
    Started,
    /// Running as a promotable instance, not promoted.
    Unpromoted,
    /// Running promoted.
    Promoted,
}

impl Role {
    /// Pacemaker's name for the role.
    pub fn text(self) -> &'static str {
        match self {
            Role::Unknown => "Unknown",
            Role::Stopped => "Stopped",
            Role::Started => "Started",
            Role::Unpromoted => "Unpromoted",
            Role::Promoted => "Promoted",
        }
    }

    /// Parses a role name, including the legacy "Master" and "Slave".
    pub fn parse(text: &str) -> Role {
        match text.to_ascii_lowercase().as_str() {
            "stopped" => Role::Stopped,
            "started" => Role::Started,
            "unpromoted" | "slave" => Role::Unpromoted,
            "promoted" | "master" => Role::Promoted,
            _ => Role::Unknown,
        }
    }
}

/// An operation key: `RSC_TASK_INTERVAL`.
pub fn op_key(rsc: &str, task: &str, interval_ms: u64) -> String {
    format!("{rsc}_{task}_{interval_ms}")
}

/// Splits an operation key into resource, task and interval.
pub fn parse_op_key(key: &str) -> Option<(String, String, u64)> {
    let (rest, interval) = key.rsplit_once('_')?;
    let interval: u64 = interval.parse().ok()?;
    // Tasks that contain an underscore themselves
    for task in [
        "migrate_to",
        "migrate_from",
        "pre_notify_start",
        "pre_notify_stop",
        "post_notify_start",
        "post_notify_stop",
        "confirmed-pre_notify_start",
        "confirmed-post_notify_start",
        "confirmed-pre_notify_stop",
        "confirmed-post_notify_stop",
        "pre_notify_promote",
        "post_notify_promote",
        "pre_notify_demote",
        "post_notify_demote",
        "confirmed-pre_notify_promote",
        "confirmed-post_notify_promote",
        "confirmed-pre_notify_demote",
        "confirmed-post_notify_demote",
        "reload-agent",
    ] {
        if let Some(rsc) = rest.strip_suffix(task) {
            if let Some(rsc) = rsc.strip_suffix('_') {
                return Some((rsc.to_string(), task.to_string(), interval));
            }
        }
    }
    let (rsc, task) = rest.rsplit_once('_')?;
    Some((rsc.to_string(), task.to_string(), interval))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_keys_round_trip() {
        assert_eq!(
            parse_op_key("my_rsc_migrate_to_0"),
            Some(("my_rsc".into(), "migrate_to".into(), 0))
        );
        assert_eq!(
            parse_op_key("a_monitor_10000"),
            Some(("a".into(), "monitor".into(), 10000))
        );
        assert_eq!(parse_op_key("nounderscore"), None);
    }
}
