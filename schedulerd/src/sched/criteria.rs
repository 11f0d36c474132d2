//! Node-specific placement criteria applied before assignment: location
//! constraints, stickiness, failure thresholds and exclusive discovery
//! (`apply_node_criteria`).

use crate::model::{Allowed, NodeIdx, ProbeMode, RscFlags, RscIdx, SchedFlags, Scheduler, Variant};
use crate::unpack::failcount::FcMode;
use crate::values::{INFINITY, add_scores};

impl Scheduler {
    /// Applies all node criteria.
    pub(crate) fn apply_node_criteria(&mut self) {
        self.apply_shutdown_locks();
        for l in (0..self.locations.len()).rev() {
            let rsc = self.locations[l].rsc;
            self.apply_location(rsc, l);
        }
        for r in self.top.clone() {
            self.apply_stickiness(r);
        }
        for i in 0..self.node_order.len() {
            let node = self.node_order[i];
            for r in self.top.clone() {
                self.check_failure_threshold(r, node);
                self.apply_exclusive_discovery(r, node);
            }
        }
    }

    fn apply_shutdown_locks(&mut self) {
        if !self.has(SchedFlags::SHUTDOWN_LOCK) {
            return;
        }
        for r in self.top.clone() {
            self.shutdown_lock(r);
        }
    }

    fn shutdown_lock(&mut self, rsc: RscIdx) {
        if !self.rscs[rsc].children.is_empty() {
            for c in self.rscs[rsc].children.clone() {
                self.shutdown_lock(c);
            }
            return;
        }
        let r = &self.rscs[rsc];
        if r.has(RscFlags::FENCE_DEVICE) || r.has(RscFlags::REMOTE_CONNECTION) {
            return;
        }
        if let Some(lock) = r.lock_node {
            if !r.active.is_empty() {
                self.clear_resource_history(rsc, lock);
                self.rscs[rsc].lock_node = None;
                self.rscs[rsc].lock_time = 0;
            }
        } else if r.active.len() == 1 {
            let node = r.active[0];
            if self.nodes[node].shutdown && !self.nodes[node].unclean {
                let t = self.nodes[node]
                    .attr("shutdown")
                    .and_then(crate::values::parse_ll)
                    .filter(|t| *t != 0)
                    .unwrap_or(self.now);
                self.rscs[rsc].lock_node = Some(node);
                self.rscs[rsc].lock_time = t;
            }
        }
        let Some(lock) = self.rscs[rsc].lock_node else {
            return;
        };
        if self.shutdown_lock_ms > 0 {
            let exp = self.rscs[rsc].lock_time + (self.shutdown_lock_ms / 1000) as i64;
            self.update_recheck(exp + 1);
        }
        for i in 0..self.node_order.len() {
            let n = self.node_order[i];
            if n != lock {
                self.resource_location(rsc, Some(n), -INFINITY, "shutdown-lock");
            }
        }
    }

    /// Applies one location constraint (`apply_location` method).
    pub(crate) fn apply_location(&mut self, rsc: RscIdx, l: usize) {
        if self.rscs[rsc].variant == Variant::Group {
            self.apply_location_to(rsc, l, None);
            let colocated = self.group_flag(rsc, "collocated");
            let children = self.rscs[rsc].children.clone();
            let zeroed: Vec<(NodeIdx, i32)> = self.locations[l]
                .nodes
                .iter()
                .map(|(n, _)| (*n, 0))
                .collect();
            for (i, m) in children.into_iter().enumerate() {
                if colocated && i > 0 {
                    self.apply_location_to(m, l, Some(&zeroed));
                } else {
                    self.apply_location_to(m, l, None);
                }
            }
            return;
        }
        if self.rscs[rsc].variant == Variant::Clone {
            self.apply_location_to(rsc, l, None);
            for c in self.rscs[rsc].children.clone() {
                self.apply_location(c, l);
            }
            return;
        }
        self.apply_location_to(rsc, l, None);
    }

    /// Applies a location constraint's nodes to one resource
    /// (`pcmk__apply_location`), optionally with replacement scores.
    pub(crate) fn apply_location_to(
        &mut self,
        rsc: RscIdx,
        l: usize,
        nodes: Option<&[(NodeIdx, i32)]>,
    ) {
        let loc = &self.locations[l];
        let role = loc.role;
        if role > crate::model::Role::Unknown && role != self.rscs[rsc].next_role {
            return;
        }
        let mode = loc.discovery;
        let list: Vec<(NodeIdx, i32)> = nodes.map_or_else(|| loc.nodes.clone(), <[_]>::to_vec);
        for (n, score) in list {
            let slot = self.allowed_slot(rsc, n);
            match slot {
                None => {
                    *slot = Some(Allowed {
                        score,
                        probe_mode: ProbeMode::Always,
                        count: 0,
                    });
                }
                Some(a) => a.score = add_scores(a.score, score),
            }
            let a = slot.as_mut().expect("set above");
            if probe_rank(a.probe_mode) < probe_rank(mode) {
                a.probe_mode = mode;
                if mode == ProbeMode::Exclusive {
                    self.rscs[rsc].flags.set(RscFlags::EXCLUSIVE_PROBES);
                }
            }
        }
    }

    fn apply_stickiness(&mut self, rsc: RscIdx) {
        if !self.rscs[rsc].children.is_empty() {
            for c in self.rscs[rsc].children.clone() {
                self.apply_stickiness(c);
            }
            return;
        }
        let r = &self.rscs[rsc];
        if !r.has(RscFlags::MANAGED) || r.stickiness < 1 || r.active.len() != 1 {
            return;
        }
        let node = r.active[0];
        if !self.has(SchedFlags::SYMMETRIC) && self.allowed(rsc, node).is_none() {
            return;
        }
        let s = r.stickiness;
        self.resource_location(rsc, Some(node), s, "stickiness");
    }

    fn check_failure_threshold(&mut self, rsc: RscIdx, node: NodeIdx) {
        if !self.rscs[rsc].children.is_empty() {
            for c in self.rscs[rsc].children.clone() {
                self.check_failure_threshold(c, node);
            }
            return;
        }
        let key = crate::model::op_key(&self.rscs[rsc].id, "clear_failcount", 0);
        if !self
            .find_rsc_actions_exact(rsc, &key, Some(node))
            .is_empty()
        {
            return;
        }
        if let Some(failed) = self.threshold_reached(rsc, node) {
            self.resource_location(failed, Some(node), -INFINITY, "__fail_limit__");
        }
    }

    /// The resource to ban if a resource reached its migration threshold on
    /// a node (`pcmk__threshold_reached`).
    pub(crate) fn threshold_reached(&mut self, rsc: RscIdx, node: NodeIdx) -> Option<RscIdx> {
        let threshold = self.rscs[rsc].ban_after_failures;
        if threshold == 0 || self.rscs[rsc].has(RscFlags::IGNORE_FAILURE) {
            return None;
        }
        let (mut fc, _) = self.failcount(node, rsc, FcMode::Effective);
        for l in self.rscs[rsc].launched.clone() {
            fc += self.failcount(node, l, FcMode::Effective).0;
        }
        if fc <= 0 {
            return None;
        }
        let ban = if self.rscs[rsc].has(RscFlags::UNIQUE) {
            rsc
        } else {
            self.uber_parent(rsc)
        };
        if threshold - fc <= 0 {
            let (b, n) = (self.rscs[ban].id.clone(), self.nodes[node].name.clone());
            self.sched_warn(format!(
                "{b} cannot run on {n} due to reaching migration threshold (clean up resource to allow again)"
            ));
            return Some(ban);
        }
        None
    }

    fn apply_exclusive_discovery(&mut self, rsc: RscIdx, node: NodeIdx) {
        let top = self.top_rsc(rsc, false);
        if !(self.rscs[rsc].has(RscFlags::EXCLUSIVE_PROBES)
            || self.rscs[top].has(RscFlags::EXCLUSIVE_PROBES))
        {
            return;
        }
        for c in self.rscs[rsc].children.clone() {
            self.apply_exclusive_discovery(c, node);
        }
        if let Some(Some(a)) = self.rscs[rsc].allowed.get_mut(node) {
            if a.probe_mode != ProbeMode::Exclusive {
                a.score = -INFINITY;
            }
        }
    }
}

fn probe_rank(m: ProbeMode) -> u8 {
    match m {
        ProbeMode::Always => 0,
        ProbeMode::Never => 1,
        ProbeMode::Exclusive => 2,
    }
}
