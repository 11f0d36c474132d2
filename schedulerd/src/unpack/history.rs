//! A node's resource history (`lrm_resource` / `lrm_rsc_op` entries): the
//! current role and location of every resource, failures and pending
//! actions (`unpack_lrm_resource`, `process_rsc_state`).

use std::cmp::Ordering as CmpOrdering;

use pcmk_common::xml::Element;

use crate::model::{
    MultipleActive, NodeIdx, OnFail, Role, RscFlags, RscIdx, SchedFlags, Scheduler, Variant, op_key,
};
use crate::values::{INFINITY, parse_ll};

impl Scheduler {
    /// Unpacks the `lrm` section of a node's state (`unpack_node_lrm`).
    pub(crate) fn unpack_node_lrm(&mut self, node: NodeIdx, state: &Element) {
        let Some(rscs) = state.child("lrm").and_then(|l| l.child("lrm_resources")) else {
            return;
        };
        for entry in rscs.children_named("lrm_resource") {
            self.unpack_lrm_resource(node, entry);
        }
    }

    fn unpack_lrm_resource(&mut self, node: NodeIdx, entry: &Element) -> Option<RscIdx> {
        let Some(rsc_id) = entry.id() else {
            self.config_err("Ignoring invalid lrm_resource entry: No id");
            return None;
        };
        let mut ops: Vec<&Element> = entry.children_named("lrm_rsc_op").collect();
        if ops.is_empty() && !self.has(SchedFlags::SHUTDOWN_LOCK) {
            return None;
        }
        let rsc = match self.find_history_resource(node, rsc_id) {
            Some(r) => r,
            None => {
                if ops.is_empty() {
                    return None;
                }
                self.process_removed_resource(entry, node)?
            }
        };
        if self.has(SchedFlags::SHUTDOWN_LOCK) {
            self.unpack_shutdown_lock(entry, rsc, node);
        }
        let saved_role = self.rscs[rsc].orig_role;
        self.rscs[rsc].orig_role = Role::Unknown;
        // Newest last; stable, like g_list_sort over a reversed list
        ops.reverse();
        ops.sort_by(|a, b| newer_op(a, b));
        let mut last_failure: Option<Element> = None;
        let mut on_fail = OnFail::Ignore;
        for op in &ops {
            self.unpack_rsc_op(rsc, node, op, &mut last_failure, &mut on_fail);
        }
        let (start_index, stop_index) = calculate_active_ops(&ops);
        self.process_recurring(node, rsc, start_index, stop_index, &ops);
        self.process_rsc_state(rsc, node, on_fail);
        if let Some(req) = self.target_role(rsc) {
            let r = &mut self.rscs[rsc];
            if r.next_role == Role::Unknown || req < r.next_role {
                r.next_role = req;
            }
        }
        if saved_role > self.rscs[rsc].orig_role {
            self.rscs[rsc].orig_role = saved_role;
        }
        Some(rsc)
    }

    /// Creates a removed (orphan) resource from a history entry.
    fn process_removed_resource(&mut self, entry: &Element, node: NodeIdx) -> Option<RscIdx> {
        let rsc_id = entry.id()?.to_string();
        let mut xml = Element::new("primitive");
        for (k, v) in &entry.attrs {
            xml.set_attr(k.clone(), v.clone());
        }
        xml.set_attr("id", rsc_id.clone());
        let _ = node;
        let rsc = self.unpack_resource(&xml, None)?;
        if entry.attr("container").is_some() {
            self.rscs[rsc].flags.set(RscFlags::REMOVED_LAUNCHED);
        }
        self.rscs[rsc].flags.set(RscFlags::REMOVED);
        self.top.push(rsc);
        if !self.has(SchedFlags::STOP_REMOVED) {
            self.rscs[rsc].flags.clear(RscFlags::MANAGED);
        } else {
            self.resource_location(rsc, None, -INFINITY, "__removed_do_not_run__");
        }
        Some(rsc)
    }

    fn unpack_shutdown_lock(&mut self, entry: &Element, rsc: RscIdx, node: NodeIdx) {
        let lock_time = entry.attr("shutdown-lock").and_then(parse_ll).unwrap_or(0);
        if lock_time == 0 {
            return;
        }
        let limit = (self.shutdown_lock_ms / 1000) as i64;
        if self.shutdown_lock_ms > 0 && self.now > lock_time + limit {
            self.clear_resource_history(rsc, node);
        } else {
            self.rscs[rsc].lock_node = Some(node);
            self.rscs[rsc].lock_time = lock_time;
        }
    }

    /// Creates optional actions for recurring operations that are active.
    fn process_recurring(
        &mut self,
        node: NodeIdx,
        rsc: RscIdx,
        start: i64,
        stop: i64,
        ops: &[&Element],
    ) {
        for (counter, op) in ops.iter().enumerate() {
            let counter = counter as i64;
            if !self.nodes[node].online {
                break;
            }
            if start < stop && counter <= stop {
                continue;
            }
            if counter < start {
                continue;
            }
            let interval = op.attr("interval").and_then(parse_ll).unwrap_or(0).max(0) as u64;
            if interval == 0 {
                continue;
            }
            if op.attr("op-status") == Some("-1") {
                continue;
            }
            let task = op.attr("operation").unwrap_or("").to_string();
            let key = op_key(&self.rscs[rsc].id, &task, interval);
            self.custom_action(Some(rsc), key, &task, Some(node), true);
        }
    }

    /// Marks a resource active on a node (`native_add_running`).
    pub(crate) fn add_running(&mut self, rsc: RscIdx, node: NodeIdx, failed: bool) {
        if self.rscs[rsc].active.contains(&node) {
            return;
        }
        self.rscs[rsc].active.push(node);
        if self.rscs[rsc].is_primitive() {
            self.nodes[node].running.push(rsc);
            let r = &self.rscs[rsc];
            if r.priority != 0 && !failed {
                let p = if r.orig_role == Role::Promoted {
                    r.priority + 1
                } else {
                    r.priority
                };
                self.nodes[node].priority += p;
            }
            if self.nodes[node].maintenance {
                self.rscs[rsc].flags.clear(RscFlags::MANAGED);
                self.rscs[rsc].flags.set(RscFlags::MAINTENANCE);
            }
        }
        let parent = self.rscs[rsc].parent;
        if !self.rscs[rsc].has(RscFlags::MANAGED) {
            self.resource_location(rsc, Some(node), INFINITY, "not_managed_default");
            let mut p = parent;
            while let Some(pi) = p {
                self.rscs[pi].active.push(node);
                p = self.rscs[pi].parent;
            }
            return;
        }
        if self.is_multiply_active(rsc) {
            match self.rscs[rsc].multiply_active {
                MultipleActive::Stop => {
                    for i in 0..self.node_order.len() {
                        let n = self.node_order[i];
                        let base = self.nodes[n].score;
                        let slot = self.allowed_slot(rsc, n);
                        let mut a = slot.unwrap_or(crate::model::Allowed {
                            score: base,
                            probe_mode: crate::model::ProbeMode::Always,
                            count: 0,
                        });
                        a.score = -INFINITY;
                        *slot = Some(a);
                    }
                }
                MultipleActive::Block => {
                    self.rscs[rsc].flags.clear(RscFlags::MANAGED);
                    self.rscs[rsc].flags.set(RscFlags::BLOCKED);
                    if let Some(p) = parent {
                        if matches!(self.rscs[p].variant, Variant::Group | Variant::Bundle)
                            && self.rscs[p].multiply_active == MultipleActive::Block
                        {
                            for c in self.rscs[p].children.clone() {
                                self.rscs[c].flags.clear(RscFlags::MANAGED);
                                self.rscs[c].flags.set(RscFlags::BLOCKED);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(p) = parent {
            self.add_running(p, node, false);
        }
    }

    fn is_multiply_active(&self, rsc: RscIdx) -> bool {
        if !self.rscs[rsc].is_primitive() {
            return false;
        }
        let (_, all, clean) = self.active_node(rsc);
        let count = if self.rscs[rsc].has(RscFlags::NEEDS_FENCING) {
            all
        } else {
            clean
        };
        count > 1
    }

    /// The node a resource is considered active on, with the number of
    /// active nodes and of clean active nodes (`active_node`).
    pub fn active_node(&self, rsc: RscIdx) -> (Option<NodeIdx>, usize, usize) {
        let r = &self.rscs[rsc];
        let mut active: Option<NodeIdx> = None;
        let (mut all, mut clean) = (0, 0);
        for &n in &r.active {
            let node = &self.nodes[n];
            let happy = node.online && !node.unclean;
            all += 1;
            if happy {
                clean += 1;
            }
            if let Some(src) = r.partial_migration_source {
                if n == src {
                    active = Some(n);
                }
            } else if !r.has(RscFlags::NEEDS_FENCING)
                && happy
                && active.is_none_or(|a| !self.nodes[a].online || self.nodes[a].unclean)
            {
                active = Some(n);
            }
            if active.is_none() {
                active = Some(n);
            }
        }
        (active, all, clean)
    }

    /// The node a resource is running on (`pcmk__current_node`).
    pub fn current_node(&self, rsc: RscIdx) -> Option<NodeIdx> {
        self.active_node(rsc).0
    }

    /// Applies what the history said about a resource on a node
    /// (`process_rsc_state`).
    fn process_rsc_state(&mut self, rsc: RscIdx, node: NodeIdx, mut on_fail: OnFail) {
        let known_active = self.rscs[rsc].orig_role > Role::Stopped;
        if self.rscs[rsc].orig_role != Role::Unknown {
            let mut it = Some(rsc);
            while let Some(i) = it {
                self.rscs[i].probed.insert(node);
                if self.rscs[i].has(RscFlags::UNIQUE) {
                    break;
                }
                it = self.rscs[i].parent;
            }
        }
        let id = self.rscs[rsc].id.clone();
        if known_active
            && !self.nodes[node].online
            && !self.nodes[node].maintenance
            && self.rscs[rsc].has(RscFlags::MANAGED)
        {
            let mut should_fence = false;
            let mut reason = None;
            if self.is_guest_node(node) {
                self.rscs[rsc]
                    .flags
                    .set(RscFlags::FAILED | RscFlags::STOP_IF_FAILED);
                should_fence = true;
            } else if self.has(SchedFlags::FENCING_ENABLED) {
                if self.is_remote_node(node)
                    && self.nodes[node]
                        .remote_rsc
                        .is_some_and(|r| !self.rscs[r].has(RscFlags::FAILED))
                {
                    self.nodes[node].seen = false;
                    reason = Some(format!(
                        "{id} is active there (fencing will be revoked if remote connection can be re-established elsewhere)"
                    ));
                }
                should_fence = true;
            }
            if should_fence {
                let reason =
                    reason.unwrap_or_else(|| format!("{id} is thought to be active there"));
                self.fence_node(node, &reason, false);
            }
        }
        let save_on_fail = on_fail;
        if self.nodes[node].unclean {
            on_fail = OnFail::Ignore;
        }
        match on_fail {
            OnFail::Ignore => {}
            OnFail::Demote => {
                self.rscs[rsc].flags.set(RscFlags::FAILED);
                self.demote_action(rsc, Some(node), false);
            }
            OnFail::FenceNode => {
                self.fence_node(node, &format!("{id} failed there"), false);
            }
            OnFail::StandbyNode => {
                self.nodes[node].standby = true;
                self.nodes[node].fail_standby = true;
            }
            OnFail::Block => {
                self.rscs[rsc].flags.clear(RscFlags::MANAGED);
                self.rscs[rsc].flags.set(RscFlags::BLOCKED);
            }
            OnFail::Ban => {
                self.resource_location(rsc, Some(node), -INFINITY, "__action_migration_auto__");
            }
            OnFail::Stop => {
                self.rscs[rsc].next_role = Role::Stopped;
            }
            OnFail::Restart => {
                if known_active {
                    self.rscs[rsc]
                        .flags
                        .set(RscFlags::FAILED | RscFlags::STOP_IF_FAILED);
                    self.stop_action(rsc, Some(node), false);
                }
            }
            OnFail::RestartContainer => {
                self.rscs[rsc]
                    .flags
                    .set(RscFlags::FAILED | RscFlags::STOP_IF_FAILED);
                if let Some(l) = self.rscs[rsc].launcher {
                    self.stop_action(l, Some(node), false);
                } else if known_active {
                    self.stop_action(rsc, Some(node), false);
                }
            }
            OnFail::ResetRemote => {
                self.rscs[rsc]
                    .flags
                    .set(RscFlags::FAILED | RscFlags::STOP_IF_FAILED);
                if self.has(SchedFlags::FENCING_ENABLED)
                    && self.rscs[rsc].has(RscFlags::REMOTE_CONNECTION)
                {
                    if let Some(t) = self.find_node(&id) {
                        if self.is_remote_node(t) && !self.nodes[t].remote_fenced {
                            self.fence_node(t, "remote connection is unrecoverable", false);
                        }
                    }
                }
                if known_active {
                    self.stop_action(rsc, Some(node), false);
                }
                if self.rscs[rsc].remote_reconnect_ms > 0 {
                    self.rscs[rsc].next_role = Role::Stopped;
                }
            }
        }
        if self.rscs[rsc].has(RscFlags::FAILED) && self.rscs[rsc].has(RscFlags::REMOTE_CONNECTION) {
            if let Some(t) = self.find_node(&id) {
                if self.nodes[t].unclean {
                    self.nodes[t].seen = true;
                }
            }
        }
        if known_active {
            self.add_running(rsc, node, save_on_fail != OnFail::Ignore);
            match on_fail {
                OnFail::Ignore => {}
                OnFail::Demote | OnFail::Block => self.rscs[rsc].flags.set(RscFlags::FAILED),
                _ => self.rscs[rsc]
                    .flags
                    .set(RscFlags::FAILED | RscFlags::STOP_IF_FAILED),
            }
        } else if self.rscs[rsc]
            .history_id
            .as_deref()
            .is_some_and(|h| h.contains(':'))
        {
            self.rscs[rsc].history_id = None;
        } else {
            for a in self.resource_actions(rsc, Some(node), "stop", false) {
                self.actions[a].set(crate::model::ActionFlags::OPTIONAL);
            }
        }
        let r = &mut self.rscs[rsc];
        if r.orig_role == Role::Stopped
            && !r.active.is_empty()
            && r.partial_migration_target.is_some()
            && r.partial_migration_source == Some(node)
        {
            r.orig_role = Role::Started;
        }
    }

    /// Marks a resource active with the right role.
    pub(crate) fn set_active(&mut self, rsc: RscIdx) {
        let top = self.top_rsc(rsc, false);
        self.rscs[rsc].orig_role = if self.rscs[top].has(RscFlags::PROMOTABLE) {
            Role::Unpromoted
        } else {
            Role::Started
        };
    }
}

/// Indexes of the last start and the last stop among sorted operations
/// (`calculate_active_ops`).
pub fn calculate_active_ops(ops: &[&Element]) -> (i64, i64) {
    let mut stop_index = -1i64;
    let mut start_index = -1i64;
    let mut implied_monitor_start = -1i64;
    let mut implied_clone_start = -1i64;
    for (counter, op) in ops.iter().enumerate() {
        let counter = counter as i64;
        let task = op.attr("operation").unwrap_or("");
        let status = op.attr("op-status").unwrap_or("");
        if task.eq_ignore_ascii_case("stop") && status == "0" {
            stop_index = counter;
        } else if task.eq_ignore_ascii_case("start") || task.eq_ignore_ascii_case("migrate_from") {
            start_index = counter;
        } else if implied_monitor_start <= stop_index && task.eq_ignore_ascii_case("monitor") {
            let rc = op.attr("rc-code").unwrap_or("");
            if rc == "0" || rc == "8" {
                implied_monitor_start = counter;
            }
        } else if task.eq_ignore_ascii_case("promote") || task.eq_ignore_ascii_case("demote") {
            implied_clone_start = counter;
        }
    }
    if start_index == -1 {
        if implied_clone_start != -1 {
            start_index = implied_clone_start;
        } else if implied_monitor_start != -1 {
            start_index = implied_monitor_start;
        }
    }
    (start_index, stop_index)
}

fn magic_parts(op: &Element) -> Option<(String, i64)> {
    // "status:rc;action:transition:target:uuid"
    let magic = op.attr("transition-magic")?;
    let (_, key) = magic.split_once(';')?;
    let mut parts = key.splitn(4, ':');
    let _action = parts.next()?;
    let transition: i64 = parts.next()?.parse().ok()?;
    let _target = parts.next()?;
    let uuid = parts.next()?.to_string();
    Some((uuid, transition))
}

/// Orders two history entries oldest first (`pe__is_newer_op`).
pub fn newer_op(a: &Element, b: &Element) -> CmpOrdering {
    let a_node = a.attr("on_node");
    let b_node = b.attr("on_node");
    let same_node = match (a_node, b_node) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        (None, None) => true,
        _ => false,
    };
    if same_node && a.id() == b.id() {
        return CmpOrdering::Equal;
    }
    let a_call = a.attr("call-id").and_then(parse_ll).unwrap_or(-1);
    let b_call = b.attr("call-id").and_then(parse_ll).unwrap_or(-1);
    if a_call == -1 && b_call == -1 {
        return CmpOrdering::Equal;
    }
    if same_node && a_call >= 0 && a_call < b_call {
        return CmpOrdering::Less;
    }
    if same_node && b_call >= 0 && a_call > b_call {
        return CmpOrdering::Greater;
    }
    if a_call >= 0 && b_call >= 0 && (!same_node || a_call == b_call) {
        let la = a.attr("last-rc-change").and_then(parse_ll).unwrap_or(-1);
        let lb = b.attr("last-rc-change").and_then(parse_ll).unwrap_or(-1);
        if la >= 0 && la < lb {
            return CmpOrdering::Less;
        }
        if lb >= 0 && la > lb {
            return CmpOrdering::Greater;
        }
        return CmpOrdering::Equal;
    }
    let (Some((a_uuid, a_id)), Some((b_uuid, b_id))) = (magic_parts(a), magic_parts(b)) else {
        return CmpOrdering::Equal;
    };
    if !a_uuid.eq_ignore_ascii_case(&b_uuid) || a_id == b_id {
        if b_call == -1 {
            return CmpOrdering::Less;
        } else if a_call == -1 {
            return CmpOrdering::Greater;
        }
    } else if (a_id >= 0 && a_id < b_id) || b_id == -1 {
        return CmpOrdering::Less;
    } else if (b_id >= 0 && a_id > b_id) || a_id == -1 {
        return CmpOrdering::Greater;
    }
    CmpOrdering::Equal
}
