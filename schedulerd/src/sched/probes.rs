//! Probes: finding out a resource's state on nodes where it is unknown,
//! and ordering other actions after them (`pcmk_sched_probes.c`).

use crate::model::{
    ActIdx, ActionFlags, NodeIdx, ProbeMode, RelFlags, Role, RscFlags, RscIdx, SchedFlags,
    Scheduler, Variant, op_key,
};

impl Scheduler {
    /// Schedules probes on every node that can take them.
    pub(crate) fn schedule_probes(&mut self) {
        for i in 0..self.node_order.len() {
            let node = self.node_order[i];
            let n = &self.nodes[node];
            if !n.online {
                if self.is_failed_remote_node(node) {
                    self.fence_node(node, "the connection is unrecoverable", false);
                }
                continue;
            }
            if n.unclean || !n.probes_allowed {
                continue;
            }
            for r in self.top.clone() {
                self.probe_rsc_on_node(r, node);
            }
        }
    }

    /// Creates a probe of a resource on a node if needed
    /// (`pcmk__probe_rsc_on_node`).
    pub(crate) fn probe_rsc_on_node(&mut self, rsc: RscIdx, node: NodeIdx) -> bool {
        if !self.has(SchedFlags::PROBE_RESOURCES) {
            return false;
        }
        let top = self.uber_parent(rsc);
        if self.nodes[node].is_remote()
            && (self.rscs[rsc].has(RscFlags::FENCE_DEVICE)
                || self.rscs[rsc].has(RscFlags::REMOTE_CONNECTION))
        {
            return false;
        }
        if self.rscs[rsc].variant == Variant::Clone {
            return self.clone_create_probe(rsc, node);
        }
        if !self.rscs[rsc].children.is_empty() {
            let mut any = false;
            for c in self.rscs[rsc].children.clone() {
                any |= self.probe_rsc_on_node(c, node);
            }
            return any;
        }
        let r = &self.rscs[rsc];
        if (r.launcher.is_some() && !r.has(RscFlags::REMOTE_CONNECTION))
            || r.has(RscFlags::REMOVED)
            || r.probed.contains(&node)
        {
            return false;
        }
        let allowed = self.allowed(rsc, node);
        if r.has(RscFlags::EXCLUSIVE_PROBES) || self.rscs[top].has(RscFlags::EXCLUSIVE_PROBES) {
            match allowed {
                None => return false,
                Some(a) if a.probe_mode != ProbeMode::Exclusive => return false,
                _ => {}
            }
        }
        if allowed.is_some_and(|a| a.probe_mode == ProbeMode::Never) {
            return false;
        }
        let probe = self.probe_action(rsc, node);
        let order_top = if self.rscs[top].variant == Variant::Clone {
            top
        } else {
            rsc
        };
        let mut flags = RelFlags::ORDERED;
        if !self.actions[probe].runnable() && self.rscs[order_top].active.is_empty() {
            flags |= RelFlags::UNRUNNABLE_FIRST_BLOCKS;
        }
        let start_key = op_key(&self.rscs[order_top].id, "start", 0);
        self.new_ordering(
            Some(rsc),
            None,
            Some(probe),
            Some(order_top),
            Some(start_key),
            None,
            flags,
        );
        let reload_key = op_key(&self.rscs[rsc].id, "reload-agent", 0);
        self.new_ordering(
            Some(rsc),
            None,
            Some(probe),
            Some(order_top),
            Some(reload_key),
            None,
            RelFlags::ORDERED,
        );
        true
    }

    fn probe_action(&mut self, rsc: RscIdx, node: NodeIdx) -> ActIdx {
        let key = op_key(&self.rscs[rsc].id, "monitor", 0);
        let probe = self.custom_action(Some(rsc), key, "monitor", Some(node), false);
        self.actions[probe].clear(ActionFlags::OPTIONAL);
        self.order_vs_unfencing(rsc, node, probe, RelFlags::ORDERED);
        if !self.rscs[rsc].active.contains(&node) {
            self.actions[probe]
                .meta
                .insert("op_target_rc".into(), "7".into());
        } else if self.rscs[rsc].orig_role == Role::Promoted {
            self.actions[probe]
                .meta
                .insert("op_target_rc".into(), "8".into());
        }
        probe
    }

    /// Adds orderings implied by probes (`pcmk__order_probes`).
    pub(crate) fn order_probes(&mut self) {
        for r in self.top.clone() {
            self.add_start_restart_orderings_for_rsc(r);
        }
        self.add_probe_orderings_for_stops();
    }

    fn add_start_restart_orderings_for_rsc(&mut self, rsc: RscIdx) {
        if !self.rscs[rsc].is_primitive() {
            for c in self.rscs[rsc].children.clone() {
                self.add_start_restart_orderings_for_rsc(c);
            }
            return;
        }
        let probes = self.resource_actions(rsc, None, "monitor", false);
        // Only the actions a walk marked need their mark cleared again
        let mut visited = Vec::new();
        for probe in probes {
            let afters = self.actions[probe].after.clone();
            for then in afters {
                self.add_restart_orderings_for_probe(probe, then.action, &mut visited);
                for a in visited.drain(..) {
                    self.actions[a].clear(ActionFlags::DETECT_LOOP);
                }
            }
        }
    }

    fn add_restart_orderings_for_probe(
        &mut self,
        probe: ActIdx,
        after: ActIdx,
        visited: &mut Vec<ActIdx>,
    ) {
        let Some(prsc) = self.actions[probe].rsc else {
            return;
        };
        if !self.rscs[prsc].is_primitive() || self.actions[probe].task != "monitor" {
            return;
        }
        if self.actions[after].has(ActionFlags::DETECT_LOOP) {
            return;
        }
        self.actions[after].set(ActionFlags::DETECT_LOOP);
        visited.push(after);
        let after_rsc = self.actions[after].rsc;
        if let Some(ar) = after_rsc {
            if self.rscs[ar].is_primitive() && ar != prsc {
                let then_task = match self.actions[after].task.as_str() {
                    "start" => Some("stop"),
                    "promote" => Some("demote"),
                    _ => None,
                };
                if let Some(t) = then_task {
                    for then in self.resource_actions(ar, None, t, false) {
                        if !self.actions[then].pseudo() {
                            self.order_actions(probe, then, RelFlags::ORDERED);
                        }
                    }
                }
            }
        }
        let afters = self.actions[after].after.clone();
        for w in afters {
            if w.flags & RelFlags::FIRST_IMPLIES_THEN == 0 {
                let Some(ar) = after_rsc else { continue };
                if self.rscs[ar].variant < Variant::Group || self.rscs[prsc].parent == Some(ar) {
                    continue;
                }
                let Some(chained) = self.actions[w.action].rsc else {
                    continue;
                };
                if self.rscs[chained].variant > Variant::Group
                    || self.rscs[chained].parent != Some(ar)
                {
                    continue;
                }
            }
            self.add_restart_orderings_for_probe(probe, w.action, visited);
        }
    }

    fn add_probe_orderings_for_stops(&mut self) {
        for i in 0..self.orderings.len() {
            let order = self.orderings[i].clone();
            if order.flags == RelFlags::NONE {
                continue;
            }
            let Some(r1) = order.rsc1 else { continue };
            if order.rsc2 == Some(r1) {
                continue;
            }
            if (order.action1.is_none() && order.task1.is_none())
                || (order.action2.is_none() && order.task2.is_none())
            {
                continue;
            }
            match order.action1 {
                Some(a) if self.actions[a].task != "stop" => continue,
                None if !order
                    .task1
                    .as_deref()
                    .is_some_and(|t| t.ends_with("_stop_0")) =>
                {
                    continue;
                }
                _ => {}
            }
            if let Some(r2) = order.rsc2 {
                if self.rscs[r1].launcher == Some(r2) {
                    match order.action2 {
                        Some(a) if self.actions[a].task == "stop" => continue,
                        None if order
                            .task2
                            .as_deref()
                            .is_some_and(|t| t.ends_with("_stop_0")) =>
                        {
                            continue;
                        }
                        _ => {}
                    }
                }
            }
            let mut flags = RelFlags::ORDERED;
            if order.flags & RelFlags::IF_FIRST_UNMIGRATABLE != 0 {
                flags |= RelFlags::IF_FIRST_UNMIGRATABLE;
            }
            if order.flags & RelFlags::IF_ON_SAME_NODE != 0 {
                flags |= RelFlags::IF_ON_SAME_NODE;
            }
            if order.flags == RelFlags::IF_REQUIRED_ON_SAME_NODE
                || order.flags == RelFlags::IF_ON_SAME_NODE_OR_TARGET
            {
                flags = order.flags;
            }
            let probes = self.resource_actions(r1, None, "monitor", false);
            if probes.is_empty() {
                continue;
            }
            let thens = match (order.action2, order.rsc2) {
                (Some(a), _) => vec![a],
                (None, Some(r2)) => {
                    let key = order.task2.clone().unwrap_or_default();
                    let t = self.find_rsc_actions(r2, &key, None);
                    if t.is_empty() {
                        continue;
                    }
                    t
                }
                (None, None) => Vec::new(),
            };
            for &probe in &probes {
                for &then in &thens {
                    if self.probe_needed_before(probe, then) {
                        self.order_actions(probe, then, flags);
                    }
                }
            }
        }
    }

    fn probe_needed_before(&self, probe: ActIdx, then: ActIdx) -> bool {
        let t = &self.actions[then];
        let p = &self.actions[probe];
        if t.task == "stonith"
            && p.node == t.node
            && t.meta
                .get("stonith_action")
                .is_some_and(|o| o.eq_ignore_ascii_case("on"))
        {
            return false;
        }
        if t.task == "do_shutdown" && p.node.is_some() && t.node.is_some() && p.node != t.node {
            return false;
        }
        true
    }
}
