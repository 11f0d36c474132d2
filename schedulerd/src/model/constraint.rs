//! Location, colocation and ordering constraints in their unpacked form.

use super::{ActIdx, NodeIdx, Role, RscIdx};

/// How a resource is probed on a node (resource-discovery).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProbeMode {
    /// Probe (the default).
    #[default]
    Always,
    /// Never probe.
    Never,
    /// Probe only where exclusively allowed.
    Exclusive,
}

/// A location preference of one resource for some nodes.
#[derive(Debug, Clone)]
pub struct Location {
    /// Constraint id.
    pub id: String,
    /// The constrained resource.
    pub rsc: RscIdx,
    /// Role the constraint applies to (Unknown = any).
    pub role: Role,
    /// How the resource is probed on the listed nodes.
    pub discovery: ProbeMode,
    /// Nodes with their scores.
    pub nodes: Vec<(NodeIdx, i32)>,
}

/// Colocation flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColocFlags(pub u32);

impl ColocFlags {
    /// The primary's location influences the dependent.
    pub const INFLUENCE: u32 = 1 << 0;
    /// Configured by the user (not implicit).
    pub const EXPLICIT: u32 = 1 << 1;
}

/// A colocation: the dependent is placed relative to the primary.
#[derive(Debug, Clone)]
pub struct Colocation {
    /// Constraint id.
    pub id: String,
    /// The resource being placed.
    pub dependent: RscIdx,
    /// The resource it is placed relative to.
    pub primary: RscIdx,
    /// Role of the dependent the colocation applies to.
    pub dependent_role: Role,
    /// Role of the primary the colocation applies to.
    pub primary_role: Role,
    /// Node attribute that defines "same place".
    pub node_attribute: String,
    /// Score.
    pub score: i32,
    /// Flags.
    pub flags: ColocFlags,
}

/// An ordering between two actions, given by action or by resource+task.
#[derive(Debug, Clone)]
pub struct Ordering {
    /// Sequence number.
    pub id: usize,
    /// Relation flags.
    pub flags: u32,
    /// First resource.
    pub rsc1: Option<RscIdx>,
    /// First action key.
    pub task1: Option<String>,
    /// First action.
    pub action1: Option<ActIdx>,
    /// Then resource.
    pub rsc2: Option<RscIdx>,
    /// Then action key.
    pub task2: Option<String>,
    /// Then action.
    pub action2: Option<ActIdx>,
}
