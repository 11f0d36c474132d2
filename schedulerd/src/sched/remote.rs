//! Actions on Pacemaker Remote and guest nodes: ordering them against
//! their connection (and launcher), fencing nodes whose connection cannot
//! be recovered, and routing their graph actions through a cluster node.

use crate::model::{
    ActIdx, ActionFlags, NodeIdx, RelFlags, Role, RscFlags, RscIdx, Scheduler, op_key,
};

/// How a remote connection stands for this transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConnState {
    Unknown,
    Alive,
    Resting,
    Failed,
    Stopped,
}

/// The kinds of task these orderings distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TaskKind {
    Start,
    Promote,
    Stop,
    Demote,
    Monitor,
    Other,
    Unspecified,
}

fn task_kind(task: &str) -> TaskKind {
    match task {
        "start" => TaskKind::Start,
        "promote" => TaskKind::Promote,
        "stop" | "migrate_to" | "migrate_from" => TaskKind::Stop,
        "demote" => TaskKind::Demote,
        "monitor" => TaskKind::Monitor,
        "notify" | "cancel" | "delete" | "stonith" | "shutdown" | "running" | "stopped"
        | "promoted" | "demoted" | "notified" => TaskKind::Other,
        _ => TaskKind::Unspecified,
    }
}

impl Scheduler {
    fn action_is_recurring(&self, a: ActIdx) -> bool {
        self.actions[a]
            .meta
            .get("interval")
            .is_some_and(|i| i != "0")
    }

    fn remote_node_state(&self, node: NodeIdx) -> ConnState {
        let Some(remote) = self.nodes[node].remote_rsc else {
            return ConnState::Unknown;
        };
        let r = &self.rscs[remote];
        let cluster_node = self.current_node(remote);
        if r.next_role == Role::Stopped || r.assigned.is_none() {
            if cluster_node.is_some_and(|c| self.nodes[c].unclean) {
                return ConnState::Failed;
            }
            if !r.has(RscFlags::FAILED) {
                return ConnState::Stopped;
            }
            if r.next_role == Role::Stopped
                && r.remote_reconnect_ms > 0
                && self.nodes[node].remote_fenced
                && !self.nodes[node].shutdown
            {
                return ConnState::Unknown;
            }
            return ConnState::Failed;
        }
        let Some(c) = cluster_node else {
            return ConnState::Unknown;
        };
        if self.nodes[c].unclean || !self.nodes[c].online {
            return ConnState::Resting;
        }
        if r.active.len() > 1
            && r.partial_migration_source.is_some()
            && r.partial_migration_target.is_some()
        {
            return ConnState::Resting;
        }
        ConnState::Alive
    }

    /// Whether a remote node's connection has failed beyond recovery
    /// (`pcmk__is_failed_remote_node`).
    pub(crate) fn is_failed_remote_node(&self, node: NodeIdx) -> bool {
        self.is_remote_node(node)
            && self.nodes[node].remote_rsc.is_some()
            && self.remote_node_state(node) == ConnState::Failed
    }

    fn order_start_then_action(&mut self, first: RscIdx, then: ActIdx, extra: u32) {
        let key = op_key(&self.rscs[first].id, "start", 0);
        let then_rsc = self.actions[then].rsc;
        self.new_ordering(
            Some(first),
            Some(key),
            None,
            then_rsc,
            None,
            Some(then),
            RelFlags::GUEST_ALLOWED | RelFlags::UNRUNNABLE_FIRST_BLOCKS | extra,
        );
    }

    fn order_action_then_stop(&mut self, first: ActIdx, then: RscIdx, extra: u32) {
        let key = op_key(&self.rscs[then].id, "stop", 0);
        let first_rsc = self.actions[first].rsc;
        self.new_ordering(
            first_rsc,
            None,
            Some(first),
            Some(then),
            Some(key),
            None,
            RelFlags::GUEST_ALLOWED | extra,
        );
    }

    fn apply_remote_ordering(&mut self, action: ActIdx, node: NodeIdx, remote: RscIdx) {
        let task = task_kind(&self.actions[action].task);
        let state = self.remote_node_state(node);
        match task {
            TaskKind::Start | TaskKind::Promote => {
                let extra = if state == ConnState::Failed {
                    RelFlags::FIRST_IMPLIES_THEN
                } else {
                    RelFlags::NONE
                };
                self.order_start_then_action(remote, action, extra);
            }
            TaskKind::Stop => {
                if state == ConnState::Alive {
                    self.order_action_then_stop(action, remote, RelFlags::THEN_IMPLIES_FIRST);
                } else if state == ConnState::Failed {
                    self.fence_node(
                        node,
                        "resources are active but connection is unrecoverable",
                        false,
                    );
                } else if self.rscs[remote].next_role == Role::Stopped {
                    self.order_action_then_stop(action, remote, RelFlags::THEN_IMPLIES_FIRST);
                } else {
                    self.order_start_then_action(remote, action, RelFlags::NONE);
                }
            }
            TaskKind::Demote => {
                if matches!(state, ConnState::Resting | ConnState::Unknown) {
                    self.order_start_then_action(remote, action, RelFlags::NONE);
                }
            }
            _ => {
                if self.action_is_recurring(action) {
                    self.order_start_then_action(remote, action, RelFlags::FIRST_IMPLIES_THEN);
                } else {
                    let cluster_node = self.current_node(remote);
                    if task == TaskKind::Monitor && state == ConnState::Failed {
                        self.fence_node(
                            node,
                            "resources are in unknown state and connection is unrecoverable",
                            false,
                        );
                    }
                    if cluster_node.is_some() && state == ConnState::Stopped {
                        self.order_action_then_stop(
                            action,
                            remote,
                            RelFlags::UNRUNNABLE_FIRST_BLOCKS,
                        );
                    } else {
                        self.order_start_then_action(remote, action, RelFlags::NONE);
                    }
                }
            }
        }
    }

    fn apply_launcher_ordering(&mut self, action: ActIdx, node: NodeIdx, remote: RscIdx) {
        let Some(launcher) = self.rscs[remote].launcher else {
            return;
        };
        let launcher_failed = self.rscs[launcher].has(RscFlags::FAILED);
        if launcher_failed {
            self.fence_node(node, "container failed", false);
        }
        let task = task_kind(&self.actions[action].task);
        match task {
            TaskKind::Start | TaskKind::Promote => {
                self.order_start_then_action(launcher, action, RelFlags::FIRST_IMPLIES_THEN);
                self.order_start_then_action(remote, action, RelFlags::NONE);
            }
            TaskKind::Stop | TaskKind::Demote => {
                if !launcher_failed {
                    self.order_action_then_stop(action, remote, RelFlags::NONE);
                }
            }
            _ => {
                if self.action_is_recurring(action) {
                    if task != TaskKind::Unspecified {
                        self.order_start_then_action(remote, action, RelFlags::FIRST_IMPLIES_THEN);
                    }
                } else {
                    self.order_start_then_action(remote, action, RelFlags::NONE);
                }
            }
        }
    }

    /// Orders actions on remote and guest nodes against their connections
    /// (`pcmk__order_remote_connection_actions`).
    pub(crate) fn order_remote_connection_actions(&mut self) {
        if !self.has(crate::model::SchedFlags::HAVE_REMOTE_NODES) {
            return;
        }
        let mut a = 0;
        while a < self.actions.len() {
            let action = a;
            a += 1;
            let Some(rsc) = self.actions[action].rsc else {
                continue;
            };
            if self.rscs[rsc].has(RscFlags::REMOTE_CONNECTION)
                && self.actions[action].task == "clear_failcount"
            {
                let key = op_key(&self.rscs[rsc].id, "start", 0);
                self.new_ordering(
                    Some(rsc),
                    None,
                    Some(action),
                    Some(rsc),
                    Some(key),
                    None,
                    RelFlags::ORDERED,
                );
                continue;
            }
            let Some(node) = self.actions[action].node else {
                continue;
            };
            if !self.nodes[node].is_remote() || self.actions[action].has(ActionFlags::PSEUDO) {
                continue;
            }
            let Some(remote) = self.nodes[node].remote_rsc else {
                continue;
            };
            if self.actions[action].task == "start" {
                for other in self.rscs[rsc].actions.clone() {
                    if self.actions[other].node != Some(node) && self.actions[other].task == "stop"
                    {
                        let key = op_key(&self.rscs[remote].id, "start", 0);
                        self.new_ordering(
                            Some(remote),
                            Some(key),
                            None,
                            Some(rsc),
                            None,
                            Some(other),
                            RelFlags::ORDERED,
                        );
                    }
                }
            }
            if self.rscs[remote].launcher.is_some() {
                self.apply_launcher_ordering(action, node, remote);
            } else {
                self.apply_remote_ordering(action, node, remote);
            }
        }
    }

    /// The cluster node through which an action on a remote node is
    /// executed (`pcmk__connection_host_for_action`).
    pub(crate) fn connection_host_for_action(&self, action: ActIdx) -> Option<NodeIdx> {
        let a = &self.actions[action];
        let node = a.node?;
        if a.task == "stonith" || !self.nodes[node].is_remote() {
            return None;
        }
        let remote = self.nodes[node].remote_rsc?;
        let began = self.current_node(remote);
        let ended = self.rscs[remote].assigned;
        let partial = self.rscs[remote].launcher.is_none()
            && self.rscs[remote].partial_migration_target.is_some();
        let (Some(b), Some(e)) = (began, ended) else {
            return if began.is_none() { ended } else { began };
        };
        if b == e {
            return Some(b);
        }
        let mut task = a.task.as_str();
        if task == "notify" {
            task = a.meta.get("notify_operation").map_or("", String::as_str);
        }
        let early = matches!(
            task.to_ascii_lowercase().as_str(),
            "cancel" | "stop" | "demote" | "migrate_from" | "migrate_to"
        );
        if early && !partial { Some(b) } else { Some(e) }
    }

    /// The host of the guest node an action runs on, for actions that
    /// carry it (`pcmk__add_guest_meta_to_xml`).
    pub(crate) fn guest_host_for_action(&self, action: ActIdx) -> Option<NodeIdx> {
        let a = &self.actions[action];
        let node = a.node?;
        if !self.is_guest_node(node) {
            return None;
        }
        let launcher = self.rscs[self.nodes[node].remote_rsc?].launcher?;
        let mut task = a.task.as_str();
        if task == "notify" || task == "notified" {
            task = a.meta.get("notify_operation").map_or("", String::as_str);
        }
        match task {
            "stop" | "stopped" | "demote" | "demoted" => self.current_node(launcher),
            "start" | "running" | "monitor" | "promote" | "promoted" => {
                self.rscs[launcher].assigned
            }
            _ => None,
        }
    }
}
