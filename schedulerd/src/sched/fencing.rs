//! Fencing and shutdown of nodes, and how resource actions are ordered
//! around them (`pcmk_sched_fencing.c`, `schedule_fencing_and_shutdowns`).

use crate::model::{
    ActIdx, ActionFlags, NodeIdx, RelFlags, Requires, RscFlags, RscIdx, SchedFlags, Scheduler,
    Variant,
};

impl Scheduler {
    fn rsc_known_on(&self, rsc: RscIdx, node: NodeIdx) -> bool {
        if self.rscs[rsc].probed.contains(&node) {
            return true;
        }
        if let Some(p) = self.rscs[rsc].parent {
            let pr = &self.rscs[p];
            if self.rscs[rsc].is_primitive()
                && pr.variant == Variant::Clone
                && !pr.has(RscFlags::UNIQUE)
            {
                return pr.probed.contains(&node);
            }
        }
        false
    }

    fn order_start_vs_fencing(&mut self, rsc: RscIdx, fencing: ActIdx) {
        let Some(target) = self.actions[fencing].node else {
            return;
        };
        for a in self.rscs[rsc].actions.clone().into_iter().rev() {
            match self.actions[a].needs {
                Requires::Nothing => {}
                Requires::Fencing => {
                    self.order_actions(fencing, a, RelFlags::ORDERED);
                }
                Requires::Quorum => {
                    if self.actions[a].task == "start"
                        && self.allowed(rsc, target).is_some()
                        && !self.rsc_known_on(rsc, target)
                    {
                        self.order_actions(
                            fencing,
                            a,
                            RelFlags::ORDERED | RelFlags::UNRUNNABLE_FIRST_BLOCKS,
                        );
                    }
                }
            }
        }
    }

    fn order_stop_vs_fencing(&mut self, rsc: RscIdx, fencing: ActIdx) {
        let Some(target) = self.actions[fencing].node else {
            return;
        };
        let top = self.uber_parent(rsc);
        let stops = self.resource_actions(rsc, Some(target), "stop", false);
        let order_implicit =
            self.rscs[rsc].has(RscFlags::NEEDS_FENCING) || self.is_guest_node(target);
        let parent_stop = if !stops.is_empty() && order_implicit {
            self.first_action_by_task(top, "stop", None)
        } else {
            None
        };
        for &a in &stops {
            self.actions[a].set(ActionFlags::PSEUDO | ActionFlags::RUNNABLE);
            if order_implicit {
                self.order_actions(fencing, a, RelFlags::GUEST_ALLOWED);
                if let Some(ps) = parent_stop {
                    self.order_actions(fencing, ps, RelFlags::GUEST_ALLOWED);
                }
            }
            if self.rscs[rsc].has(RscFlags::NOTIFY) {
                self.order_notifs_after_fencing(a, rsc, fencing);
            }
        }
        let demotes = self.resource_actions(rsc, Some(target), "demote", false);
        for a in demotes {
            let n = self.actions[a].node;
            let gone = n.is_none_or(|n| !self.nodes[n].online || self.nodes[n].unclean);
            if gone || self.rscs[rsc].has(RscFlags::FAILED) {
                self.actions[a].set(ActionFlags::PSEUDO | ActionFlags::RUNNABLE);
                if order_implicit {
                    self.order_actions(fencing, a, RelFlags::GUEST_ALLOWED | RelFlags::ORDERED);
                }
            }
        }
    }

    fn rsc_fencing_ordering(&mut self, rsc: RscIdx, fencing: ActIdx) {
        if !self.rscs[rsc].children.is_empty() {
            for c in self.rscs[rsc].children.clone() {
                self.rsc_fencing_ordering(c, fencing);
            }
        } else if self.rscs[rsc].has(RscFlags::MANAGED) {
            self.order_start_vs_fencing(rsc, fencing);
            self.order_stop_vs_fencing(rsc, fencing);
        }
    }

    /// Orders resource actions relative to a fencing action.
    pub(crate) fn order_vs_fencing(&mut self, fencing: ActIdx) {
        for r in self.top.clone() {
            self.rsc_fencing_ordering(r, fencing);
        }
    }

    /// Orders unfencing before probes or starts that need it.
    pub(crate) fn order_vs_unfencing(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        action: ActIdx,
        order: u32,
    ) {
        let r = &self.rscs[rsc];
        if (r.has(RscFlags::FENCE_DEVICE) && self.has(SchedFlags::ENABLE_UNFENCING))
            || r.has(RscFlags::NEEDS_UNFENCING)
        {
            let unfence = self.fence_op(node, Some("on"), true, None, false);
            self.order_actions(unfence, action, order);
            let unfenced = self.nodes[node]
                .attr("#node-unfenced")
                .is_some_and(|v| v != "0");
            if !unfenced {
                let reason = format!(
                    "required by {} {}",
                    self.rscs[rsc].id, self.actions[action].task
                );
                self.trigger_unfencing(node, &reason);
            }
        }
    }

    pub(crate) fn trigger_unfencing(&mut self, node: NodeIdx, reason: &str) {
        if !self.has(SchedFlags::ENABLE_UNFENCING) {
            return;
        }
        let n = &self.nodes[node];
        if !n.online || n.unclean || n.shutdown {
            return;
        }
        let unfence = self.fence_op(node, Some("on"), false, Some(reason), false);
        self.order_vs_fencing(unfence);
    }

    /// The first action of a resource for a task (optionally on a node).
    pub fn first_action_by_task(
        &self,
        rsc: RscIdx,
        task: &str,
        node: Option<NodeIdx>,
    ) -> Option<ActIdx> {
        self.rscs[rsc].actions.iter().rev().copied().find(|&a| {
            let act = &self.actions[a];
            act.task.eq_ignore_ascii_case(task)
                && match node {
                    None => true,
                    Some(n) => act.node == Some(n),
                }
        })
    }

    fn any_managed(&self, rsc: RscIdx) -> bool {
        self.rscs[rsc].has(RscFlags::MANAGED)
            || self.rscs[rsc].children.iter().any(|&c| self.any_managed(c))
    }

    /// Creates shutdown actions and orders stops before them.
    fn new_shutdown_action(&mut self, node: NodeIdx) -> ActIdx {
        let key = format!("do_shutdown-{}", self.nodes[node].name);
        let a = self.custom_action(None, key, "do_shutdown", Some(node), false);
        self.order_stops_before_shutdown(node, a);
        self.actions[a]
            .meta
            .insert("op_no_wait".into(), "true".into());
        a
    }

    fn order_stops_before_shutdown(&mut self, node: NodeIdx, shutdown: ActIdx) {
        for a in (0..self.actions.len()).rev() {
            let act = &self.actions[a];
            if act.node != Some(node) || act.task != "stop" {
                continue;
            }
            let Some(rsc) = act.rsc else { continue };
            if self.rscs[rsc].has(RscFlags::MAINTENANCE) || self.nodes[node].maintenance {
                continue;
            }
            if !self.rscs[rsc].has(RscFlags::MANAGED) && !self.rscs[rsc].has(RscFlags::BLOCKED) {
                continue;
            }
            self.actions[a].clear(ActionFlags::OPTIONAL);
            self.new_ordering(
                Some(rsc),
                None,
                Some(a),
                None,
                Some("do_shutdown".into()),
                Some(shutdown),
                RelFlags::ORDERED | RelFlags::UNRUNNABLE_FIRST_BLOCKS,
            );
        }
    }

    /// Schedules fencing of unclean nodes and shutdowns
    /// (`schedule_fencing_and_shutdowns`).
    pub(crate) fn schedule_fencing_and_shutdowns(&mut self) {
        let have_managed = self.top.iter().any(|&r| self.any_managed(r));
        let mut dc_down: Option<ActIdx> = None;
        let mut integrity_lost = false;
        let mut fencing_ops: Vec<ActIdx> = Vec::new();
        let mut shutdown_ops: Vec<ActIdx> = Vec::new();
        let concurrent = self.has(SchedFlags::CONCURRENT_FENCING);
        for i in 0..self.node_order.len() {
            let node = self.node_order[i];
            let is_dc = self.dc_node == Some(node);
            if self.is_guest_node(node) {
                continue;
            }
            let mut fencing = None;
            if have_managed && self.nodes[node].unclean && self.can_fence(node) {
                let f = self.fence_op(node, None, false, Some("node is unclean"), false);
                let name = self.nodes[node].name.clone();
                self.sched_warn(format!("Scheduling node {name} for fencing"));
                self.order_vs_fencing(f);
                fencing = Some(f);
                if is_dc {
                    dc_down = Some(f);
                } else {
                    if !concurrent {
                        if let Some(&last) = fencing_ops.first() {
                            self.order_actions(last, f, RelFlags::ORDERED);
                        }
                    }
                    fencing_ops.insert(0, f);
                }
            } else if !self.nodes[node].is_remote()
                && self.nodes[node].online
                && self.nodes[node].shutdown
            {
                let down = self.new_shutdown_action(node);
                if is_dc {
                    dc_down = Some(down);
                } else {
                    shutdown_ops.insert(0, down);
                }
            }
            if fencing.is_none() && self.nodes[node].unclean {
                integrity_lost = true;
                let name = self.nodes[node].name.clone();
                self.config_warn(format!("Node {name} is unclean but cannot be fenced"));
            }
        }
        if integrity_lost && !self.has(SchedFlags::FENCING_ENABLED) {
            self.config_warn(
                "Resource functionality and data integrity cannot be guaranteed \
                 (configure, enable, and test fencing to correct this)",
            );
        }
        if let Some(dc) = dc_down {
            if self.actions[dc].task == "do_shutdown" {
                for s in shutdown_ops {
                    self.order_actions(s, dc, RelFlags::ORDERED);
                }
            }
            if concurrent {
                for f in fencing_ops {
                    self.order_actions(f, dc, RelFlags::ORDERED);
                }
            } else if let Some(&last) = fencing_ops.first() {
                self.order_actions(last, dc, RelFlags::ORDERED);
            }
        }
    }
}
