//! Actions the scheduler plans, and the relations between them.

use std::collections::BTreeMap;

use super::{ActIdx, NodeIdx, Role, RscIdx};

/// Action flags (`pcmk__action_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ActionFlags(pub u32);

impl ActionFlags {
    /// Not executed by an agent (bookkeeping only).
    pub const PSEUDO: u32 = 1 << 0;
    /// Can run.
    pub const RUNNABLE: u32 = 1 << 1;
    /// Not required.
    pub const OPTIONAL: u32 = 1 << 2;
    /// In the graph even when optional.
    pub const ALWAYS_IN_GRAPH: u32 = 1 << 3;
    /// Already added to the graph.
    pub const ADDED_TO_GRAPH: u32 = 1 << 4;
    /// Part of a live migration.
    pub const MIGRATABLE: u32 = 1 << 7;
    /// Can run on the DC instead of its node.
    pub const ON_DC: u32 = 1 << 8;
    /// Extra parameters were evaluated for the node.
    pub const ATTRS_EVALUATED: u32 = 1 << 9;
    /// Inputs were de-duplicated.
    pub const INPUTS_DEDUPLICATED: u32 = 1 << 10;
    /// Visited during loop detection.
    pub const DETECT_LOOP: u32 = 1 << 11;
    /// Aborts a dangling migration.
    pub const MIGRATION_ABORT: u32 = 1 << 12;
    /// Must be rescheduled (parameters changed).
    pub const RESCHEDULE: u32 = 1 << 13;

    /// Whether `flag` is set.
    pub fn has(self, flag: u32) -> bool {
        self.0 & flag != 0
    }
}

/// Relation flags between two actions (`pcmk__ar_*`).
pub struct RelFlags;

impl RelFlags {
    /// No relation (disabled).
    pub const NONE: u32 = 0;
    /// Plain ordering.
    pub const ORDERED: u32 = 1 << 0;
    /// Only if first is unmigratable.
    pub const IF_FIRST_UNMIGRATABLE: u32 = 1 << 1;
    /// Then required implies first required.
    pub const THEN_IMPLIES_FIRST: u32 = 1 << 4;
    /// First required implies then required.
    pub const FIRST_IMPLIES_THEN: u32 = 1 << 5;
    /// Promoted then implies first.
    pub const PROMOTED_THEN_IMPLIES_FIRST: u32 = 1 << 6;
    /// Unmigratable then blocks first.
    pub const UNMIGRATABLE_THEN_BLOCKS: u32 = 1 << 7;
    /// Unrunnable first blocks then.
    pub const UNRUNNABLE_FIRST_BLOCKS: u32 = 1 << 8;
    /// If first is unrunnable, then cannot migrate.
    pub const FIRST_ELSE_THEN: u32 = 1 << 9;
    /// First implies then on the same node.
    pub const FIRST_IMPLIES_SAME_NODE_THEN: u32 = 1 << 10;
    /// Probe of a resource nested in a remote.
    pub const NESTED_REMOTE_PROBE: u32 = 1 << 11;
    /// Stop between first and then (restart).
    pub const INTERMEDIATE_STOP: u32 = 1 << 12;
    /// Serialize (never concurrent).
    pub const SERIALIZE: u32 = 1 << 14;
    /// Only if on the same node.
    pub const IF_ON_SAME_NODE: u32 = 1 << 15;
    /// Then in graph implies first in graph.
    pub const THEN_IMPLIES_FIRST_GRAPHED: u32 = 1 << 16;
    /// First in graph implies then in graph.
    pub const FIRST_IMPLIES_THEN_GRAPHED: u32 = 1 << 17;
    /// Asymmetric ordering.
    pub const ASYMMETRIC: u32 = 1 << 20;
    /// Only if on same node or migration target.
    pub const IF_ON_SAME_NODE_OR_TARGET: u32 = 1 << 21;
    /// Minimum number of first instances must be runnable.
    pub const MIN_RUNNABLE: u32 = 1 << 22;
    /// Only if required and on the same node.
    pub const IF_REQUIRED_ON_SAME_NODE: u32 = 1 << 23;
    /// Allowed even between a guest and its launcher.
    pub const GUEST_ALLOWED: u32 = 1 << 24;
    /// A required then cancels first.
    pub const THEN_CANCELS_FIRST: u32 = 1 << 25;
}

/// One end of an ordering as seen from an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Related {
    /// The other action.
    pub action: ActIdx,
    /// Relation flags.
    pub flags: u32,
    /// Whether the relation was added to the graph.
    pub graphed: bool,
}

/// What an action needs before it can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requires {
    /// Nothing.
    Nothing,
    /// Quorum.
    Quorum,
    /// Quorum and fencing of unclean nodes.
    Fencing,
}

/// Failure handling policy, in increasing order of severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OnFail {
    /// Pretend it succeeded.
    Ignore,
    /// Demote.
    Demote,
    /// Restart in place (or elsewhere).
    Restart,
    /// Restart the container.
    RestartContainer,
    /// Reset the remote connection.
    ResetRemote,
    /// Move away (ban from this node).
    Ban,
    /// Stop and leave stopped.
    Stop,
    /// Put the node in standby.
    StandbyNode,
    /// Fence the node.
    FenceNode,
    /// Block further actions.
    Block,
}

/// A planned action.
#[derive(Debug, Clone)]
pub struct Action {
    /// Action id in the graph.
    pub id: i32,
    /// Resource acted on.
    pub rsc: Option<RscIdx>,
    /// Task name.
    pub task: String,
    /// Operation key (uuid).
    pub uuid: String,
    /// Node it runs on.
    pub node: Option<NodeIdx>,
    /// Flags.
    pub flags: ActionFlags,
    /// Meta-attributes for the graph.
    pub meta: BTreeMap<String, String>,
    /// Extra parameters for the graph.
    pub extra: BTreeMap<String, String>,
    /// Why the action is needed.
    pub reason: Option<String>,
    /// Task being cancelled (for cancel actions).
    pub cancel_task: Option<String>,
    /// What it needs to run.
    pub needs: Requires,
    /// Failure policy.
    pub on_fail: OnFail,
    /// Role after failure.
    pub fail_role: Role,
    /// Priority.
    pub priority: i32,
    /// Number of runnable inputs needed (clone-min).
    pub required_runnable_before: i32,
    /// Number of runnable inputs seen.
    pub runnable_before: i32,
    /// Actions that must come before, newest first.
    pub before: Vec<Related>,
    /// Actions that must come after, newest first.
    pub after: Vec<Related>,
    /// Index of the `<op>` configuration among the resource's operations.
    pub op_entry: Option<usize>,
}

impl Action {
    /// Whether `flag` is set.
    pub fn has(&self, flag: u32) -> bool {
        self.flags.0 & flag != 0
    }

    /// Sets `flag`.
    pub fn set(&mut self, flag: u32) {
        self.flags.0 |= flag;
    }

    /// Clears `flag`.
    pub fn clear(&mut self, flag: u32) {
        self.flags.0 &= !flag;
    }

    /// Whether the action is runnable.
    pub fn runnable(&self) -> bool {
        self.has(ActionFlags::RUNNABLE)
    }

    /// Whether the action is optional.
    pub fn optional(&self) -> bool {
        self.has(ActionFlags::OPTIONAL)
    }

    /// Whether the action is a pseudo-action.
    pub fn pseudo(&self) -> bool {
        self.has(ActionFlags::PSEUDO)
    }

    /// Interval from the meta-attributes.
    pub fn interval_ms(&self) -> u64 {
        self.meta
            .get("interval")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}
