//! The working set the scheduler builds from a CIB and fills in as it runs.

use std::collections::HashMap;

use pcmk_common::xml::Element;

use super::{
    ActIdx, Action, ActionFlags, Allowed, Colocation, Location, Node, NodeIdx, Ordering, ProbeMode,
    RelFlags, Related, Resource, RscFlags, RscIdx,
};
use crate::values::add_scores;

/// Scheduler-wide flags (`pcmk__sched_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SchedFlags(pub u64);

impl SchedFlags {
    /// The partition has quorum.
    pub const QUORATE: u64 = 1 << 0;
    /// Resources can run anywhere by default.
    pub const SYMMETRIC: u64 = 1 << 1;
    /// Cluster-wide maintenance mode.
    pub const MAINTENANCE: u64 = 1 << 2;
    /// Fencing is enabled.
    pub const FENCING_ENABLED: u64 = 1 << 3;
    /// A fencing device (or watchdog) exists.
    pub const HAVE_FENCING: u64 = 1 << 4;
    /// Some resource requires unfencing.
    pub const ENABLE_UNFENCING: u64 = 1 << 5;
    /// Fencing actions may run concurrently.
    pub const CONCURRENT_FENCING: u64 = 1 << 6;
    /// Stop all resources.
    pub const STOP_ALL: u64 = 1 << 7;
    /// Removed resources are stopped.
    pub const STOP_REMOVED: u64 = 1 << 8;
    /// Recurring actions of removed resources are cancelled.
    pub const CANCEL_REMOVED: u64 = 1 << 9;
    /// A start failure bans the resource from the node.
    pub const START_FAILURE_FATAL: u64 = 1 << 10;
    /// Unseen nodes are fenced.
    pub const STARTUP_FENCING: u64 = 1 << 11;
    /// Probes are scheduled.
    pub const PROBE_RESOURCES: u64 = 1 << 12;
    /// Resources are locked to nodes that shut down cleanly.
    pub const SHUTDOWN_LOCK: u64 = 1 << 13;
    /// Remote nodes may be fenced without quorum.
    pub const FENCE_REMOTE_NO_QUORUM: u64 = 1 << 14;
    /// Remote nodes exist.
    pub const HAVE_REMOTE_NODES: u64 = 1 << 15;
    /// Print allocation scores.
    pub const OUTPUT_SCORES: u64 = 1 << 16;
    /// Print utilization.
    pub const SHOW_UTILIZATION: u64 = 1 << 17;
    /// Simulation with sanitized parameters.
    pub const SANITIZED: u64 = 1 << 18;
    /// An error occurred while scheduling.
    pub const PROCESSING_ERROR: u64 = 1 << 19;
    /// A warning occurred while scheduling.
    pub const PROCESSING_WARNING: u64 = 1 << 20;

    /// Whether `flag` is set.
    pub fn has(self, flag: u64) -> bool {
        self.0 & flag != 0
    }

    /// Sets or clears `flag`.
    pub fn put(&mut self, flag: u64, on: bool) {
        if on {
            self.0 |= flag;
        } else {
            self.0 &= !flag;
        }
    }
}

/// No-quorum policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoQuorum {
    /// Keep running, start nothing new.
    Freeze,
    /// Stop everything.
    Stop,
    /// Demote promotable resources, stop the rest.
    Demote,
    /// Fence all nodes in the partition.
    Fence,
    /// Carry on.
    Ignore,
}

/// How serious a configuration message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something to know about.
    Notice,
    /// Likely a mistake; processing continues.
    Warning,
    /// Part of the configuration was ignored.
    Error,
}

/// A message about the configuration or the scheduling run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Severity.
    pub severity: Severity,
    /// Whether it is about the configuration (as opposed to the run).
    pub config: bool,
    /// Text.
    pub text: String,
}

/// The scheduler's working set.
#[derive(Debug)]
pub struct Scheduler {
    /// The input CIB.
    pub input: std::sync::Arc<Element>,
    /// Effective time (epoch seconds).
    pub now: i64,
    /// Flags.
    pub flags: SchedFlags,
    /// Cluster options (evaluated, before defaults).
    pub options: HashMap<String, String>,
    /// No-quorum policy.
    pub no_quorum: NoQuorum,
    /// Default fencing action.
    pub fence_action: String,
    /// Fencing timeout in ms.
    pub fence_timeout_ms: u64,
    /// Priority fencing delay in ms.
    pub priority_fencing_ms: u64,
    /// Placement strategy.
    pub placement_strategy: String,
    /// Shutdown lock limit in ms.
    pub shutdown_lock_ms: u64,
    /// Pending node timeout in ms.
    pub node_pending_ms: u64,
    /// Nodes in creation order (indices never change).
    pub nodes: Vec<Node>,
    /// Node indices sorted by name: the order of Pacemaker's node list.
    pub node_order: Vec<NodeIdx>,
    /// Node by id.
    pub node_by_id: HashMap<String, NodeIdx>,
    /// Node by name (lowercase).
    pub node_by_name: HashMap<String, NodeIdx>,
    /// The DC node.
    pub dc_node: Option<NodeIdx>,
    /// Every resource (top-level and children).
    pub rscs: Vec<Resource>,
    /// Top-level resources in scheduling order.
    pub top: Vec<RscIdx>,
    /// Resource by id (and history ids).
    pub rsc_by_id: HashMap<String, RscIdx>,
    /// Actions; the graph id of `actions[i]` is `i + 1`.
    pub actions: Vec<Action>,
    /// Actions with no resource, by key.
    pub singletons: HashMap<String, ActIdx>,
    /// Orderings in creation order.
    pub orderings: Vec<Ordering>,
    /// Colocations.
    pub colocations: Vec<Colocation>,
    /// Location constraints.
    pub locations: Vec<Location>,
    /// Tickets and the resources depending on them.
    pub tickets: super::Tickets,
    /// Template ids.
    pub templates: HashMap<String, Vec<String>>,
    /// Tags: tag id to referenced ids.
    pub tags: HashMap<String, Vec<String>>,
    /// Op defaults element.
    pub op_defaults: Option<Element>,
    /// Resource defaults element.
    pub rsc_defaults: Option<Element>,
    /// Failed operation history entries (for status output).
    pub failed_ops: Vec<Element>,
    /// Resource instance counts for the status header.
    pub ninstances: usize,
    /// Disabled resource instances.
    pub disabled_resources: usize,
    /// Blocked resource instances.
    pub blocked_resources: usize,
    /// When the cluster should recheck (epoch seconds).
    pub recheck_by: i64,
    /// Messages produced.
    pub messages: Vec<Message>,
    /// Score lines printed with -s.
    pub score_lines: Vec<String>,
    /// Fail counts indexed by node and resource name.
    pub fail_index: Option<crate::unpack::failcount::FailIndex>,
    /// Expired recurring failures to reschedule.
    pub expired_recurring: Vec<(RscIdx, NodeIdx, String)>,
    /// Resources whose node scores are being merged (loop detection).
    pub updating: std::collections::HashSet<RscIdx>,
    /// Operation digests by node and operation key.
    pub digest_cache: HashMap<(NodeIdx, String), crate::sched::digest::DigestData>,
}

impl Scheduler {
    /// An empty working set for `input` at time `now`.
    pub fn new(input: impl Into<std::sync::Arc<Element>>, now: i64) -> Scheduler {
        Scheduler {
            input: input.into(),
            now,
            flags: SchedFlags::default(),
            options: HashMap::new(),
            no_quorum: NoQuorum::Stop,
            fence_action: "reboot".into(),
            fence_timeout_ms: 60_000,
            priority_fencing_ms: 0,
            placement_strategy: "default".into(),
            shutdown_lock_ms: 0,
            node_pending_ms: 0,
            nodes: Vec::new(),
            node_order: Vec::new(),
            node_by_id: HashMap::new(),
            node_by_name: HashMap::new(),
            dc_node: None,
            rscs: Vec::new(),
            top: Vec::new(),
            rsc_by_id: HashMap::new(),
            actions: Vec::new(),
            singletons: HashMap::new(),
            orderings: Vec::new(),
            colocations: Vec::new(),
            locations: Vec::new(),
            tickets: super::Tickets::default(),
            templates: HashMap::new(),
            tags: HashMap::new(),
            op_defaults: None,
            rsc_defaults: None,
            failed_ops: Vec::new(),
            ninstances: 0,
            disabled_resources: 0,
            blocked_resources: 0,
            recheck_by: 0,
            messages: Vec::new(),
            score_lines: Vec::new(),
            fail_index: None,
            expired_recurring: Vec::new(),
            updating: std::collections::HashSet::new(),
            digest_cache: HashMap::new(),
        }
    }

    /// Records a configuration error.
    pub fn config_err(&mut self, text: impl Into<String>) {
        self.messages.push(Message {
            severity: Severity::Error,
            config: true,
            text: text.into(),
        });
    }

    /// Records a configuration warning.
    pub fn config_warn(&mut self, text: impl Into<String>) {
        self.messages.push(Message {
            severity: Severity::Warning,
            config: true,
            text: text.into(),
        });
    }

    /// Records a scheduling warning.
    pub fn sched_warn(&mut self, text: impl Into<String>) {
        self.flags.put(SchedFlags::PROCESSING_WARNING, true);
        self.messages.push(Message {
            severity: Severity::Warning,
            config: false,
            text: text.into(),
        });
    }

    /// Records a scheduling error.
    pub fn sched_err(&mut self, text: impl Into<String>) {
        self.flags.put(SchedFlags::PROCESSING_ERROR, true);
        self.messages.push(Message {
            severity: Severity::Error,
            config: false,
            text: text.into(),
        });
    }

    /// Whether `flag` is set.
    pub fn has(&self, flag: u64) -> bool {
        self.flags.has(flag)
    }

    /// Finds a node by name (case-insensitive) or id.
    pub fn find_node(&self, name: &str) -> Option<NodeIdx> {
        self.node_by_name
            .get(&name.to_ascii_lowercase())
            .or_else(|| self.node_by_id.get(name))
            .copied()
    }

    /// Finds a node by id, then by name.
    pub fn find_node_any(&self, id: Option<&str>, name: Option<&str>) -> Option<NodeIdx> {
        if let Some(i) = id.and_then(|id| self.node_by_id.get(id)) {
            return Some(*i);
        }
        name.and_then(|n| self.node_by_name.get(&n.to_ascii_lowercase()))
            .copied()
    }

    /// Finds a resource by id.
    pub fn find_rsc(&self, id: &str) -> Option<RscIdx> {
        self.rsc_by_id.get(id).copied()
    }

    /// Display name of a node.
    pub fn node_name(&self, node: Option<NodeIdx>) -> &str {
        node.map_or("<none>", |n| self.nodes[n].name.as_str())
    }

    /// The top-level ancestor of a resource (stopping below a bundle unless
    /// `include_bundle`).
    pub fn top_rsc(&self, rsc: RscIdx, include_bundle: bool) -> RscIdx {
        let mut cur = rsc;
        while let Some(p) = self.rscs[cur].parent {
            if !include_bundle && self.rscs[p].variant == super::Variant::Bundle {
                break;
            }
            cur = p;
        }
        cur
    }

    /// Sets a resource's next role.
    pub fn set_next_role(&mut self, rsc: RscIdx, role: super::Role) {
        self.rscs[rsc].next_role = role;
    }

    /// Adds `score` to a resource's score on `node` (or on every node when
    /// `node` is `None`), recursing into children (`resource_location`).
    pub fn resource_location(&mut self, rsc: RscIdx, node: Option<NodeIdx>, score: i32, tag: &str) {
        match node {
            Some(n) => self.resource_node_score(rsc, n, score, tag),
            None => {
                for i in 0..self.node_order.len() {
                    let n = self.node_order[i];
                    self.resource_node_score(rsc, n, score, tag);
                }
            }
        }
        if node.is_none() && score <= -crate::values::INFINITY {
            self.rscs[rsc].assigned = None;
        }
    }

    fn resource_node_score(&mut self, rsc: RscIdx, node: NodeIdx, score: i32, tag: &str) {
        let exclusive = self.rscs[rsc].has(RscFlags::EXCLUSIVE_PROBES);
        let current_mode = self.rscs[rsc]
            .allowed
            .get(node)
            .and_then(|a| a.map(|a| a.probe_mode));
        if (exclusive || current_mode == Some(ProbeMode::Never)) && tag == "symmetric_default" {
            return;
        }
        let children = self.rscs[rsc].children.clone();
        for c in children {
            self.resource_node_score(c, node, score, tag);
        }
        let base = self.nodes[node].score;
        let slot = self.allowed_slot(rsc, node);
        let entry = slot.get_or_insert(Allowed {
            score: base,
            probe_mode: ProbeMode::Always,
            count: 0,
        });
        entry.score = add_scores(entry.score, score);
    }

    /// The allowed-node slot of a resource for a node, growing the table.
    pub fn allowed_slot(&mut self, rsc: RscIdx, node: NodeIdx) -> &mut Option<Allowed> {
        let n = self.nodes.len();
        let allowed = &mut self.rscs[rsc].allowed;
        if allowed.len() < n {
            allowed.resize(n, None);
        }
        &mut allowed[node]
    }

    /// A resource's allowed entry for a node.
    pub fn allowed(&self, rsc: RscIdx, node: NodeIdx) -> Option<Allowed> {
        self.rscs[rsc].allowed.get(node).copied().flatten()
    }

    /// Orders `first` before `then` with `flags` (`order_actions`).
    /// Returns false when nothing was added.
    pub fn order_actions(&mut self, first: ActIdx, then: ActIdx, flags: u32) -> bool {
        if flags == RelFlags::NONE || first == then {
            return false;
        }
        if self.actions[first]
            .after
            .iter()
            .any(|r| r.action == then && r.flags & flags != 0)
        {
            return false;
        }
        self.actions[first].after.insert(
            0,
            Related {
                action: then,
                flags,
                graphed: false,
            },
        );
        self.actions[then].before.insert(
            0,
            Related {
                action: first,
                flags,
                graphed: false,
            },
        );
        true
    }

    /// Records an ordering to be applied later (`pcmk__new_ordering`).
    #[allow(clippy::too_many_arguments)]
    pub fn new_ordering(
        &mut self,
        rsc1: Option<RscIdx>,
        task1: Option<String>,
        action1: Option<ActIdx>,
        rsc2: Option<RscIdx>,
        task2: Option<String>,
        action2: Option<ActIdx>,
        flags: u32,
    ) {
        let rsc1 = rsc1.or_else(|| action1.and_then(|a| self.actions[a].rsc));
        let rsc2 = rsc2.or_else(|| action2.and_then(|a| self.actions[a].rsc));
        let task1 = task1.or_else(|| action1.map(|a| self.actions[a].uuid.clone()));
        let task2 = task2.or_else(|| action2.map(|a| self.actions[a].uuid.clone()));
        let id = self.orderings.len() + 1;
        let order = Ordering {
            id,
            flags,
            rsc1,
            task1,
            action1,
            rsc2,
            task2,
            action2,
        };
        self.orderings.push(order.clone());
        self.order_migration_equivalents(&order);
    }

    /// Orders a task of one resource before a task of another.
    pub fn order_rsc_actions(
        &mut self,
        first: RscIdx,
        first_task: &str,
        then: RscIdx,
        then_task: &str,
        flags: u32,
    ) {
        let k1 = super::op_key(&self.rscs[first].id, first_task, 0);
        let k2 = super::op_key(&self.rscs[then].id, then_task, 0);
        self.new_ordering(
            Some(first),
            Some(k1),
            None,
            Some(then),
            Some(k2),
            None,
            flags,
        );
    }

    /// Actions of a resource with key `key` (optionally on `node`; an
    /// action without a node matches and gets the node, as in
    /// `find_actions`).
    pub fn find_rsc_actions(
        &mut self,
        rsc: RscIdx,
        key: &str,
        node: Option<NodeIdx>,
    ) -> Vec<ActIdx> {
        let Some(list) = self.rscs[rsc].action_keys.get(key) else {
            return Vec::new();
        };
        let list = list.clone();
        let mut out = Vec::new();
        // Newest first, as Pacemaker's prepended lists are walked
        for &a in list.iter().rev() {
            match node {
                None => out.push(a),
                Some(n) => match self.actions[a].node {
                    None => {
                        self.actions[a].node = Some(n);
                        out.push(a);
                    }
                    Some(m) if m == n => out.push(a),
                    _ => {}
                },
            }
        }
        // Pacemaker prepends matches while walking, so the result is oldest first
        out.reverse();
        out
    }

    /// Actions of a resource with key `key` on exactly `node`.
    pub fn find_rsc_actions_exact(
        &self,
        rsc: RscIdx,
        key: &str,
        node: Option<NodeIdx>,
    ) -> Vec<ActIdx> {
        let Some(node) = node else {
            return Vec::new();
        };
        let Some(list) = self.rscs[rsc].action_keys.get(key) else {
            return Vec::new();
        };
        list.iter()
            .copied()
            .filter(|&a| self.actions[a].node == Some(node))
            .collect()
    }

    /// Actions of a resource for `task` (interval 0), like
    /// `pe__resource_actions`.
    pub fn resource_actions(
        &mut self,
        rsc: RscIdx,
        node: Option<NodeIdx>,
        task: &str,
        require_node: bool,
    ) -> Vec<ActIdx> {
        let key = super::op_key(&self.rscs[rsc].id, task, 0);
        if require_node {
            self.find_rsc_actions_exact(rsc, &key, node)
        } else {
            self.find_rsc_actions(rsc, &key, node)
        }
    }

    /// Sets an action's reason, optionally overwriting an existing one.
    pub fn set_reason(&mut self, action: ActIdx, reason: Option<&str>, overwrite: bool) {
        let a = &mut self.actions[action];
        if a.reason.is_none() || overwrite {
            a.reason = reason.map(str::to_string);
        }
    }

    /// Whether an action's flag is set.
    pub fn act_has(&self, action: ActIdx, flag: u32) -> bool {
        self.actions[action].flags.0 & flag != 0
    }

    /// Clears an action flag, recording why when the reason comes from an
    /// action of another resource.
    pub fn clear_action_flag_because(&mut self, action: ActIdx, flag: u32, reason: ActIdx) {
        if !self.act_has(action, flag) {
            return;
        }
        self.actions[action].clear(flag);
        if self.actions[action].rsc != self.actions[reason].rsc {
            let change = match flag {
                ActionFlags::RUNNABLE => "unrunnable",
                ActionFlags::MIGRATABLE => "unmigrateable",
                ActionFlags::OPTIONAL => "required",
                _ => "",
            };
            let r = &self.actions[reason];
            let text = match r.rsc {
                Some(rr) => format!("{change} {} {}", self.rscs[rr].id, r.task),
                None => format!("{change} {}", r.task),
            };
            self.set_reason(action, Some(&text), false);
        }
    }
}
