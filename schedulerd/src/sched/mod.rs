//! The scheduling pipeline: from unpacked status to a settled set of
//! actions (`pcmk__schedule_actions`).

mod assign;
mod clone;
mod colocation;
mod create;
mod criteria;
pub mod digest;
mod fencing;
mod health;
mod internal;
mod migration;
mod ordering;
mod probes;
mod recurring;
mod remote;
mod tickets;
mod utilization;

pub use utilization::utilization_value;

use std::collections::HashMap;

use crate::model::{NodeIdx, RscFlags, RscIdx, SchedFlags, Scheduler};
use crate::unpack::failcount::FcMode;
use crate::unpack::history::calculate_active_ops;
use crate::values::parse_ll;

impl Scheduler {
    /// Runs the scheduler on an unpacked working set.
    pub fn schedule(&mut self) {
        self.apply_node_health();
        self.unpack_constraints();
        self.apply_node_criteria();
        self.create_internal_constraints();
        self.handle_rsc_config_changes();
        self.assign_resources();
        self.schedule_resource_actions();
        self.order_remote_connection_actions();
        self.schedule_fencing_and_shutdowns();
        self.apply_orderings();
    }

    fn assign_resources(&mut self) {
        if self.uses_utilization() {
            self.sort_resources();
        }
        for r in self.top.clone() {
            if self.rscs[r].has(RscFlags::REMOTE_CONNECTION) {
                let target = self.rscs[r].partial_migration_target;
                self.assign(r, target, true);
            }
        }
        for r in self.top.clone() {
            if !self.rscs[r].has(RscFlags::REMOTE_CONNECTION) {
                self.assign(r, None, true);
            }
        }
    }

    fn schedule_resource_actions(&mut self) {
        if self.has(SchedFlags::PROBE_RESOURCES) {
            self.schedule_probes();
        }
        if self.has(SchedFlags::STOP_REMOVED) {
            for r in self.top.clone() {
                self.clear_failcounts_if_removed(r);
            }
        }
        for r in self.top.clone() {
            self.create_actions(r);
        }
    }

    fn clear_failcounts_if_removed(&mut self, rsc: RscIdx) {
        if !self.rscs[rsc].has(RscFlags::REMOVED) {
            return;
        }
        for i in 0..self.node_order.len() {
            let node = self.node_order[i];
            if !self.nodes[node].online {
                continue;
            }
            if self.failcount(node, rsc, FcMode::Effective).0 == 0 {
                continue;
            }
            let clear = self.clear_failcount(rsc, node, "it is removed");
            let key = crate::model::op_key(&self.rscs[rsc].id, "stop", 0);
            let crsc = self.actions[clear].rsc;
            self.new_ordering(
                crsc,
                None,
                Some(clear),
                Some(rsc),
                Some(key),
                None,
                crate::model::RelFlags::ORDERED,
            );
        }
    }

    /// Checks the history of active resources against their configuration
    /// (`pcmk__handle_rsc_config_changes`).
    fn handle_rsc_config_changes(&mut self) {
        let input = self.input.clone();
        let Some(status) = input.child("status") else {
            return;
        };
        let by_id = self.rscs_by_history_name();
        for i in 0..self.node_order.len() {
            let node = self.node_order[i];
            let n = &self.nodes[node];
            if !(n.maintenance || n.available()) {
                continue;
            }
            let name = n.name.clone();
            let Some(state) = status
                .children_named("node_state")
                .find(|s| s.attr("uname") == Some(name.as_str()))
            else {
                continue;
            };
            let Some(rscs) = state.child("lrm").and_then(|l| l.child("lrm_resources")) else {
                continue;
            };
            for entry in rscs.children_named("lrm_resource") {
                if entry.children.is_empty() {
                    continue;
                }
                let Some(rid) = entry.id() else { continue };
                for &rsc in by_id.get(rid).map_or(&[][..], Vec::as_slice) {
                    if self.rscs[rsc].is_primitive() {
                        self.process_rsc_history(entry, rsc, node);
                    }
                }
            }
        }
    }

    /// For each id or history name, the resources known by it: the first
    /// one (depth first) within each top-level resource, in the order of
    /// the top-level resources (`pcmk__rscs_matching_id` for every name at
    /// once, so that looking up every history entry stays linear).
    fn rscs_by_history_name(&self) -> HashMap<String, Vec<RscIdx>> {
        fn walk(
            s: &Scheduler,
            rsc: RscIdx,
            seen: &mut std::collections::HashSet<String>,
            index: &mut HashMap<String, Vec<RscIdx>>,
        ) {
            let r = &s.rscs[rsc];
            for name in std::iter::once(r.id.as_str()).chain(r.history_id.as_deref()) {
                if seen.insert(name.to_string()) {
                    index.entry(name.to_string()).or_default().push(rsc);
                }
            }
            for &c in &r.children {
                walk(s, c, seen, index);
            }
        }
        let mut index = HashMap::new();
        for &t in &self.top {
            let mut seen = std::collections::HashSet::new();
            walk(self, t, &mut seen, &mut index);
        }
        index
    }

    /// Whether the history entry was made by another agent (class,
    /// provider or type) than the configured one; if the resource is
    /// active there, it is stopped first (`pcmk__rsc_agent_changed`).
    fn rsc_agent_changed(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        entry: &pcmk_common::xml::Element,
        active_on_node: bool,
    ) -> bool {
        let changed = ["type", "class", "provider"]
            .iter()
            .any(|a| self.rscs[rsc].xml.attr(a) != entry.attr(a));
        if !changed {
            return false;
        }
        if self.rscs[rsc].has(RscFlags::FENCE_DEVICE) {
            self.trigger_unfencing(node, "Device definition changed");
        }
        if active_on_node {
            let key = crate::model::op_key(&self.rscs[rsc].id, "stop", 0);
            self.custom_action(Some(rsc), key, "stop", Some(node), false);
            self.rscs[rsc].flags.set(RscFlags::START_PENDING);
        }
        true
    }

    fn process_rsc_history(
        &mut self,
        entry: &pcmk_common::xml::Element,
        rsc: RscIdx,
        node: NodeIdx,
    ) {
        if self.rscs[rsc].has(RscFlags::REMOVED) {
            let top = self.uber_parent(rsc);
            if !self.is_anonymous_clone(top) {
                self.schedule_cleanup(rsc, node, false);
            }
            return;
        }
        if !self.rscs[rsc].active.contains(&node) {
            if self.rsc_agent_changed(rsc, node, entry, false) {
                self.schedule_cleanup(rsc, node, false);
            }
            return;
        }
        if self.rsc_agent_changed(rsc, node, entry, true) {
            self.schedule_cleanup(rsc, node, false);
        }
        let mut ops: Vec<&pcmk_common::xml::Element> = entry.children_named("lrm_rsc_op").collect();
        ops.reverse();
        ops.sort_by(|a, b| crate::unpack::history::newer_op(a, b));
        let (start, stop) = calculate_active_ops(&ops);
        if start < stop {
            return;
        }
        for (offset, op) in ops.iter().enumerate() {
            if (offset as i64) < start {
                continue;
            }
            let task = op.attr("operation").unwrap_or("").to_string();
            let interval = op.attr("interval").and_then(parse_ll).unwrap_or(0).max(0) as u64;
            let maint = self.rscs[rsc].has(RscFlags::MAINTENANCE) || self.nodes[node].maintenance;
            if interval > 0 && maint {
                self.schedule_cancel(rsc, op.attr("call-id"), &task, interval, node);
            } else if (interval > 0
                || matches!(
                    task.as_str(),
                    "monitor" | "start" | "promote" | "migrate_from"
                ))
                && self.check_action_config(rsc, node, op)
                && self.failcount(node, rsc, FcMode::Effective).0 != 0
            {
                self.clear_failcount(rsc, node, "action definition changed");
            }
        }
    }
}
