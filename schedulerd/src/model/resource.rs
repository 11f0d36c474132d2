//! Resources: primitives and the collective kinds built from them.

use std::collections::{HashMap, HashSet};

use pcmk_common::xml::Element;

use super::{ActIdx, Allowed, NodeIdx, Role, RscIdx};

/// The kind of a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Variant {
    /// A single agent instance.
    Primitive,
    /// Ordered, colocated members.
    Group,
    /// Copies of one child on several nodes.
    Clone,
    /// Containers with optional IP, remote connection and child.
    Bundle,
}

/// What to do when a resource is found active on more than one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultipleActive {
    /// Stop everywhere, then start in one place.
    Restart,
    /// Stop everywhere.
    Stop,
    /// Leave alone (unmanaged).
    Block,
    /// Stop the copies that are not on the expected node.
    StopUnexpected,
}

/// Resource flags (`pcmk__rsc_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RscFlags(pub u64);

impl RscFlags {
    /// Removed from the configuration (orphan).
    pub const REMOVED: u64 = 1 << 0;
    /// Managed by the cluster.
    pub const MANAGED: u64 = 1 << 1;
    /// Blocked from further action.
    pub const BLOCKED: u64 = 1 << 2;
    /// A removed resource that was launched by a container.
    pub const REMOVED_LAUNCHED: u64 = 1 << 3;
    /// Globally unique (not an anonymous clone instance).
    pub const UNIQUE: u64 = 1 << 4;
    /// Send notifications.
    pub const NOTIFY: u64 = 1 << 5;
    /// A promotable clone (or part of one).
    pub const PROMOTABLE: u64 = 1 << 6;
    /// Failed.
    pub const FAILED: u64 = 1 << 7;
    /// Must be stopped because it failed.
    pub const STOP_IF_FAILED: u64 = 1 << 8;
    /// Not yet assigned to a node.
    pub const UNASSIGNED: u64 = 1 << 9;
    /// Being assigned (loop detection).
    pub const ASSIGNING: u64 = 1 << 10;
    /// Start is pending.
    pub const START_PENDING: u64 = 1 << 11;
    /// Failures are ignored (on-fail=ignore).
    pub const IGNORE_FAILURE: u64 = 1 << 12;
    /// Restart actions are being scheduled.
    pub const RESTARTING: u64 = 1 << 13;
    /// Stop only the unexpected copies when multiply active.
    pub const STOP_UNEXPECTED: u64 = 1 << 14;
    /// Can migrate live.
    pub const MIGRATABLE: u64 = 1 << 15;
    /// A fencing device.
    pub const FENCE_DEVICE: u64 = 1 << 16;
    /// Starting requires quorum.
    pub const NEEDS_QUORUM: u64 = 1 << 17;
    /// Starting requires fencing of unclean nodes.
    pub const NEEDS_FENCING: u64 = 1 << 18;
    /// Starting requires unfencing.
    pub const NEEDS_UNFENCING: u64 = 1 << 19;
    /// Probes only where a location constraint says exclusive.
    pub const EXCLUSIVE_PROBES: u64 = 1 << 20;
    /// In maintenance mode.
    pub const MAINTENANCE: u64 = 1 << 21;
    /// Agent reload scheduled.
    pub const RELOAD: u64 = 1 << 22;
    /// The connection resource of a remote or guest node.
    pub const REMOTE_CONNECTION: u64 = 1 << 23;
    /// Critical for colocation influence.
    pub const CRITICAL: u64 = 1 << 24;
    /// Remote nesting allowed (bundles).
    pub const REMOTE_NESTING: u64 = 1 << 25;

    /// Whether `flag` is set.
    pub fn has(self, flag: u64) -> bool {
        self.0 & flag != 0
    }

    /// Sets `flag`.
    pub fn set(&mut self, flag: u64) {
        self.0 |= flag;
    }

    /// Clears `flag`.
    pub fn clear(&mut self, flag: u64) {
        self.0 &= !flag;
    }
}

/// A resource of any kind.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Resource id (with ":N" for clone instances).
    pub id: String,
    /// The configuration XML (template-expanded).
    pub xml: Element,
    /// Kind of resource.
    pub variant: Variant,
    /// Enclosing collective resource.
    pub parent: Option<RscIdx>,
    /// Members or instances.
    pub children: Vec<RscIdx>,
    /// Meta-attributes (evaluated).
    pub meta: HashMap<String, String>,
    /// Utilization (evaluated).
    pub utilization: Vec<(String, String)>,
    /// Flags.
    pub flags: RscFlags,
    /// Role found in the status section.
    pub orig_role: Role,
    /// Role the resource should end up in.
    pub next_role: Role,
    /// Priority for placement.
    pub priority: i32,
    /// Resource stickiness.
    pub stickiness: i32,
    /// Fail count after which the resource is banned from a node.
    pub ban_after_failures: i32,
    /// Failure timeout in milliseconds (0 = none).
    pub failure_expiration_ms: u64,
    /// Remote reconnect interval in milliseconds.
    pub remote_reconnect_ms: u64,
    /// Policy when multiply active.
    pub multiply_active: MultipleActive,
    /// Score on each node, indexed by node.
    pub allowed: Vec<Option<Allowed>>,
    /// Nodes where the resource's state is known.
    pub probed: HashSet<NodeIdx>,
    /// Nodes where the resource is active, in the order found.
    pub active: Vec<NodeIdx>,
    /// Node chosen for it.
    pub assigned: Option<NodeIdx>,
    /// Actions for this resource in creation order.
    pub actions: Vec<ActIdx>,
    /// Actions by key, for look-ups.
    pub action_keys: HashMap<String, Vec<ActIdx>>,
    /// Colocations where this resource is the dependent.
    pub this_with: Vec<usize>,
    /// Colocations where this resource is the primary.
    pub with_this: Vec<usize>,
    /// Name in the resource history, when it differs from the id.
    pub history_id: Option<String>,
    /// Pending action shown in status output.
    pub pending_action: Option<String>,
    /// Node of the pending action.
    pub pending_node: Option<NodeIdx>,
    /// Partial migration source.
    pub partial_migration_source: Option<NodeIdx>,
    /// Partial migration target.
    pub partial_migration_target: Option<NodeIdx>,
    /// Nodes with a migration that was never cleaned up.
    pub dangling_migration_sources: Vec<NodeIdx>,
    /// Node the resource is shutdown-locked to.
    pub lock_node: Option<NodeIdx>,
    /// When the lock started (epoch seconds).
    pub lock_time: i64,
    /// The resource that launches this one (container).
    pub launcher: Option<RscIdx>,
    /// Resources this one launches.
    pub launched: Vec<RscIdx>,
    /// Clone settings (clones only).
    pub clone: Option<Box<super::CloneData>>,
    /// Priority for promotion among a promotable clone's instances.
    pub promotion_priority: i32,
}

impl Resource {
    /// A new resource with empty state.
    pub fn new(id: String, xml: Element, variant: Variant, parent: Option<RscIdx>) -> Resource {
        Resource {
            id,
            xml,
            variant,
            parent,
            children: Vec::new(),
            meta: HashMap::new(),
            utilization: Vec::new(),
            flags: RscFlags::default(),
            orig_role: Role::Stopped,
            next_role: Role::Unknown,
            priority: 0,
            stickiness: 0,
            ban_after_failures: crate::values::INFINITY,
            failure_expiration_ms: 0,
            remote_reconnect_ms: 0,
            multiply_active: MultipleActive::Restart,
            allowed: Vec::new(),
            probed: HashSet::new(),
            active: Vec::new(),
            assigned: None,
            actions: Vec::new(),
            action_keys: HashMap::new(),
            this_with: Vec::new(),
            with_this: Vec::new(),
            history_id: None,
            pending_action: None,
            pending_node: None,
            partial_migration_source: None,
            partial_migration_target: None,
            dangling_migration_sources: Vec::new(),
            lock_node: None,
            lock_time: 0,
            launcher: None,
            launched: Vec::new(),
            clone: None,
            promotion_priority: 0,
        }
    }

    /// Whether `flag` is set.
    pub fn has(&self, flag: u64) -> bool {
        self.flags.has(flag)
    }

    /// Meta-attribute value.
    pub fn meta(&self, name: &str) -> Option<&str> {
        self.meta.get(name).map(String::as_str)
    }

    /// The agent class (standard).
    pub fn class(&self) -> &str {
        self.xml.attr("class").unwrap_or("")
    }

    /// The agent type.
    pub fn agent(&self) -> &str {
        self.xml.attr("type").unwrap_or("")
    }

    /// The agent provider.
    pub fn provider(&self) -> Option<&str> {
        self.xml.attr("provider")
    }

    /// Whether this is a primitive.
    pub fn is_primitive(&self) -> bool {
        self.variant == Variant::Primitive
    }
}
