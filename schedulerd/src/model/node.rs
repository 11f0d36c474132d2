//! Cluster, remote and guest nodes.

use std::collections::HashMap;

use super::{RscIdx, constraint::ProbeMode};

/// What kind of node this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeVariant {
    /// A full cluster member.
    Cluster,
    /// A Pacemaker Remote node (remote or guest).
    Remote,
}

/// A node and everything the scheduler knows about it.
#[derive(Debug, Clone)]
pub struct Node {
    /// Node id (uuid).
    pub id: String,
    /// Node name (uname).
    pub name: String,
    /// Cluster or remote.
    pub variant: NodeVariant,
    /// The node's own score (its weight; -INFINITY when it cannot run
    /// resources).
    pub score: i32,
    /// Online (joined and able to run resources).
    pub online: bool,
    /// Needs fencing.
    pub unclean: bool,
    /// Shutting down.
    pub shutdown: bool,
    /// Joining, not yet able to run resources.
    pub pending: bool,
    /// In standby.
    pub standby: bool,
    /// In standby because a resource with on-fail=standby failed there.
    pub fail_standby: bool,
    /// In maintenance mode.
    pub maintenance: bool,
    /// Expected to be up (expected="member").
    pub expected_up: bool,
    /// Seen in the status section.
    pub seen: bool,
    /// Resource history unpacked.
    pub unpacked: bool,
    /// Remote node needs resetting (fencing or recovery of its guest).
    pub remote_reset: bool,
    /// Remote node was fenced.
    pub remote_fenced: bool,
    /// Remote node's maintenance state as recorded.
    pub remote_maint: bool,
    /// Probes are allowed on this node.
    pub probes_allowed: bool,
    /// Node attributes (permanent and transient).
    pub attrs: HashMap<String, String>,
    /// Utilization capacities.
    pub utilization: Vec<(String, String)>,
    /// Remaining capacity per utilization attribute while assigning.
    pub capacity: HashMap<String, i32>,
    /// Primitives active here, in the order they were found.
    pub running: Vec<RscIdx>,
    /// Number of resources assigned here so far.
    pub num_resources: usize,
    /// Sum of the priorities of the resources active here.
    pub priority: i32,
    /// The connection resource of a remote or guest node.
    pub remote_rsc: Option<RscIdx>,
}

impl Node {
    /// A new, offline node.
    pub fn new(id: &str, name: &str, variant: NodeVariant, score: i32) -> Node {
        Node {
            id: id.to_string(),
            name: name.to_string(),
            variant,
            score,
            online: false,
            unclean: false,
            shutdown: false,
            pending: false,
            standby: false,
            fail_standby: false,
            maintenance: false,
            expected_up: false,
            seen: false,
            unpacked: false,
            remote_reset: false,
            remote_fenced: false,
            remote_maint: false,
            probes_allowed: true,
            attrs: HashMap::new(),
            utilization: Vec::new(),
            capacity: HashMap::new(),
            running: Vec::new(),
            num_resources: 0,
            priority: 0,
            remote_rsc: None,
        }
    }

    /// An attribute of the node.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    /// Whether the node can run resources at all (ignoring scores).
    pub fn available(&self) -> bool {
        self.online && !self.shutdown && !self.unclean && !self.standby && !self.maintenance
    }

    /// Whether this is a Pacemaker Remote (remote or guest) node.
    pub fn is_remote(&self) -> bool {
        self.variant == NodeVariant::Remote
    }
}

/// A resource's view of a node: the resource's score there and how it may
/// be probed there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowed {
    /// The resource's score on the node.
    pub score: i32,
    /// How probes are done for the resource on the node.
    pub probe_mode: ProbeMode,
    /// Instances of a clone assigned to the node.
    pub count: u32,
}
