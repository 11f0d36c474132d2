//! Fencing decisions: whether a node can be fenced, marking it unclean,
//! and the fencing action itself (`pe_fence_node`, `pe_fence_op`).

use crate::model::scheduler::NoQuorum;
use crate::model::{
    ActIdx, ActionFlags, NodeIdx, RscFlags, RscIdx, SchedFlags, Scheduler, Variant,
};

impl Scheduler {
    /// A Pacemaker Remote node without a launcher (not a guest).
    pub fn is_remote_node(&self, node: NodeIdx) -> bool {
        let n = &self.nodes[node];
        n.is_remote() && n.remote_rsc.is_none_or(|r| self.rscs[r].launcher.is_none())
    }

    /// A guest (or bundle) node: a remote node launched by a resource.
    pub fn is_guest_node(&self, node: NodeIdx) -> bool {
        let n = &self.nodes[node];
        n.is_remote()
            && n.remote_rsc
                .is_some_and(|r| self.rscs[r].launcher.is_some())
    }

    /// Whether a node can be fenced now (`pe_can_fence`).
    pub fn can_fence(&self, node: NodeIdx) -> bool {
        if self.is_guest_node(node) {
            let Some(launcher) = self.nodes[node]
                .remote_rsc
                .and_then(|r| self.rscs[r].launcher)
            else {
                return true;
            };
            return self.rscs[launcher]
                .active
                .iter()
                .all(|&h| self.nodes[h].online || self.can_fence(h));
        }
        if !self.has(SchedFlags::FENCING_ENABLED) || !self.has(SchedFlags::HAVE_FENCING) {
            return false;
        }
        if self.has(SchedFlags::QUORATE) || self.no_quorum == NoQuorum::Ignore {
            return true;
        }
        let n = &self.nodes[node];
        if n.online {
            if n.is_remote() && !self.has(SchedFlags::FENCE_REMOTE_NO_QUORUM) {
                if let Some(r) = n.remote_rsc {
                    let allowed_elsewhere = self.rscs[r]
                        .allowed
                        .iter()
                        .enumerate()
                        .any(|(i, a)| a.is_some() && !self.nodes[i].online);
                    if allowed_elsewhere {
                        return false;
                    }
                }
            }
            return true;
        }
        false
    }

    /// Marks a node for fencing (`pe_fence_node`).
    pub fn fence_node(&mut self, node: NodeIdx, reason: &str, priority_delay: bool) {
        if self.is_guest_node(node) {
            let Some(launcher) = self.nodes[node]
                .remote_rsc
                .and_then(|r| self.rscs[r].launcher)
            else {
                return;
            };
            if !self.rscs[launcher].has(RscFlags::FAILED) {
                if !self.rscs[launcher].has(RscFlags::MANAGED) {
                    return;
                }
                let name = self.nodes[node].name.clone();
                let lid = self.rscs[launcher].id.clone();
                self.sched_warn(format!(
                    "Guest node {name} will be fenced (by recovering its guest resource {lid}): {reason}"
                ));
                self.nodes[node].remote_reset = true;
                self.rscs[launcher]
                    .flags
                    .set(RscFlags::FAILED | RscFlags::STOP_IF_FAILED);
            }
        } else if self.is_remote_node(node) {
            let rsc = self.nodes[node].remote_rsc;
            if rsc.is_some_and(|r| !self.rscs[r].has(RscFlags::MANAGED)) {
                // Not fencing: connection is unmanaged
            } else if !self.nodes[node].remote_reset {
                self.nodes[node].remote_reset = true;
                let name = self.nodes[node].name.clone();
                let what = if self.can_fence(node) {
                    "will be fenced"
                } else {
                    "is unclean"
                };
                self.sched_warn(format!("Remote node {name} {what}: {reason}"));
            }
            self.nodes[node].unclean = true;
            self.fence_op(node, None, true, Some(reason), false);
        } else if self.nodes[node].unclean {
            // Already unclean
        } else {
            let name = self.nodes[node].name.clone();
            let what = if self.can_fence(node) {
                "will be fenced"
            } else {
                "is unclean"
            };
            self.sched_warn(format!("Cluster node {name} {what}: {reason}"));
            self.nodes[node].unclean = true;
            self.fence_op(node, None, true, Some(reason), priority_delay);
        }
    }

    /// Creates (or finds) the fencing action for a node (`pe_fence_op`).
    pub fn fence_op(
        &mut self,
        node: NodeIdx,
        op: Option<&str>,
        optional: bool,
        reason: Option<&str>,
        priority_delay: bool,
    ) -> ActIdx {
        let op = op.map_or_else(|| self.fence_action.clone(), str::to_string);
        let key = format!("stonith-{}-{op}", self.nodes[node].name);
        // Whether a device involved in unfencing changed since the node was
        // last unfenced, which makes the action required
        let mut forced = false;
        let action = match self.singletons.get(&key) {
            Some(&a) => a,
            None => {
                let a = self.custom_action(None, key, "stonith", Some(node), true);
                let (name, id) = (self.nodes[node].name.clone(), self.nodes[node].id.clone());
                let unfencing = self.has(SchedFlags::ENABLE_UNFENCING);
                let m = &mut self.actions[a].meta;
                m.insert("on_node".into(), name);
                m.insert("on_node_uuid".into(), id);
                m.insert("stonith_action".into(), op.clone());
                if unfencing {
                    // Device changes are detected through the digests of
                    // every device involved in unfencing
                    let (mut all, mut secure) = (String::new(), String::new());
                    for dev in self.unfencing_devices() {
                        let (d_all, d_secure, changed) = self.fencing_digest(dev, node);
                        forced |= changed;
                        let id = &self.rscs[dev].id;
                        let agent = self.rscs[dev].xml.attr("type").unwrap_or("");
                        all.push_str(&format!("{id}:{agent}:{d_all},"));
                        secure.push_str(&format!("{id}:{agent}:{d_secure},"));
                    }
                    let m = &mut self.actions[a].meta;
                    m.insert("digests-all".into(), all);
                    m.insert("digests-secure".into(), secure);
                }
                a
            }
        };
        let optional = optional && !forced;
        if self.priority_fencing_ms > 0
            && (priority_delay
                || self.actions[action]
                    .meta
                    .contains_key("priority-fencing-delay"))
        {
            let delay = self.priority_fencing_delay(node);
            self.actions[action]
                .meta
                .insert("priority-fencing-delay".into(), delay.to_string());
        }
        if !optional && self.can_fence(node) {
            self.actions[action].clear(ActionFlags::OPTIONAL);
            self.set_reason(action, reason, false);
        } else if let Some(r) = reason {
            if self.actions[action].reason.is_none() {
                self.actions[action].reason = Some(r.to_string());
            }
        }
        action
    }

    fn priority_fencing_delay(&self, node: NodeIdx) -> u64 {
        let n = &self.nodes[node];
        if n.is_remote() || n.online {
            return 0;
        }
        let (mut members, mut online) = (0, 0);
        let (mut top, mut low) = (0, 0);
        for &i in &self.node_order {
            let m = &self.nodes[i];
            if m.is_remote() {
                continue;
            }
            members += 1;
            if m.online {
                online += 1;
            }
            if members == 1 || m.priority > top {
                top = m.priority;
            }
            if members == 1 || m.priority < low {
                low = m.priority;
            }
        }
        if online > members / 2 || low == top || n.priority < top {
            return 0;
        }
        self.priority_fencing_ms / 1000
    }

    /// Whether a resource is active (`native_active` / `group_active`).
    pub fn rsc_is_active(&self, rsc: RscIdx, all: bool) -> bool {
        let r = &self.rscs[rsc];
        match r.variant {
            Variant::Primitive => r.active.iter().any(|&n| {
                let n = &self.nodes[n];
                n.unclean || n.online || !r.has(RscFlags::MANAGED)
            }),
            _ => {
                let mut any = false;
                let mut every = true;
                for &c in &r.children {
                    if self.rsc_is_active(c, all) {
                        any = true;
                    } else {
                        every = false;
                    }
                }
                any && (!all || every)
            }
        }
    }
}
