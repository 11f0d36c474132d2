//! Assigning resources to nodes: sorting candidate nodes, applying
//! colocations, and choosing (`pcmk__primitive_assign`,
//! `pcmk__group_assign`).

use std::cmp::Ordering as CmpOrdering;

use crate::model::scheduler::NoQuorum;
use crate::model::{ActionFlags, NodeIdx, Role, RscFlags, RscIdx, SchedFlags, Scheduler, Variant};
use crate::values::{INFINITY, score_text};

impl Scheduler {
    /// Compares two candidate nodes for a resource (`compare_nodes`).
    pub(crate) fn compare_nodes(
        &self,
        rsc: RscIdx,
        a: NodeIdx,
        b: NodeIdx,
        preferred: Option<NodeIdx>,
    ) -> CmpOrdering {
        let score = |n: NodeIdx| {
            if self.nodes[n].available() {
                self.allowed(rsc, n).map_or(-INFINITY, |x| x.score)
            } else {
                -INFINITY
            }
        };
        let (s1, s2) = (score(a), score(b));
        if s1 != s2 {
            return s2.cmp(&s1);
        }
        if self.placement_strategy != "minimal" {
            if self.placement_strategy == "balanced" {
                let r = self.compare_node_capacities(a, b);
                if r != 0 {
                    return r.cmp(&0);
                }
            }
            let r = self.nodes[a]
                .num_resources
                .cmp(&self.nodes[b].num_resources);
            if r != CmpOrdering::Equal {
                return r;
            }
            if let Some(p) = preferred {
                if p == a {
                    return CmpOrdering::Less;
                } else if p == b {
                    return CmpOrdering::Greater;
                }
            }
        }
        self.nodes[a]
            .name
            .as_bytes()
            .cmp(self.nodes[b].name.as_bytes())
    }

    /// The resource's allowed nodes, best first.
    fn sorted_allowed_nodes(&self, rsc: RscIdx) -> Vec<NodeIdx> {
        let current = self.current_node(rsc);
        let mut nodes: Vec<NodeIdx> = self.rscs[rsc]
            .allowed
            .iter()
            .enumerate()
            .filter_map(|(n, a)| a.map(|_| n))
            .collect();
        nodes.sort_by(|&a, &b| self.compare_nodes(rsc, a, b, current));
        nodes
    }

    /// Whether a node can run the resource (with its score considered).
    pub(crate) fn node_available_for(
        &self,
        rsc: RscIdx,
        node: NodeIdx,
        consider_score: bool,
    ) -> bool {
        if !self.nodes[node].available() {
            return false;
        }
        !(consider_score && self.allowed(rsc, node).is_none_or(|a| a.score < 0))
    }

    fn assign_best_node(
        &mut self,
        rsc: RscIdx,
        prefer: Option<NodeIdx>,
        stop_if_fail: bool,
    ) -> bool {
        let most_free = self.ban_insufficient_capacity(rsc);
        let prefer = prefer.or(most_free);
        if !self.rscs[rsc].has(RscFlags::UNASSIGNED) {
            return self.rscs[rsc].assigned.is_some();
        }
        let nodes = self.sorted_allowed_nodes(rsc);
        let best = nodes.first().copied();
        let score_of = |s: &Scheduler, n: NodeIdx| s.allowed(rsc, n).map_or(-INFINITY, |a| a.score);
        let mut chosen = None;
        if let (Some(p), Some(b)) = (prefer, best) {
            if self.allowed(rsc, p).is_some()
                && score_of(self, p) >= score_of(self, b)
                && self.node_available_for(rsc, p, true)
            {
                chosen = Some(p);
            }
        }
        if chosen.is_none() {
            if let Some(b) = best {
                chosen = Some(b);
                let unique_clone = self.rscs[rsc].parent.is_some_and(|p| {
                    self.rscs[p].variant == Variant::Clone && self.rscs[p].has(RscFlags::UNIQUE)
                });
                if !unique_clone && score_of(self, b) > 0 && self.node_available_for(rsc, b, false)
                {
                    if let Some(running) = self.current_node(rsc) {
                        if self.node_available_for(rsc, running, true) {
                            let best_score = score_of(self, b);
                            for &n in nodes.iter().skip(1) {
                                if score_of(self, n) != best_score {
                                    break;
                                }
                                if n == running {
                                    chosen = Some(n);
                                }
                            }
                        }
                    }
                }
            }
        }
        self.assign_resource(rsc, chosen, false, stop_if_fail);
        self.rscs[rsc].assigned.is_some()
    }

    /// Assigns a resource (and children) to a node, or to none
    /// (`pcmk__assign_resource`). Returns whether the assignment changed.
    pub fn assign_resource(
        &mut self,
        rsc: RscIdx,
        node: Option<NodeIdx>,
        force: bool,
        stop_if_fail: bool,
    ) -> bool {
        if !self.rscs[rsc].children.is_empty() {
            let mut changed = false;
            for c in self.rscs[rsc].children.clone() {
                changed |= self.assign_resource(c, node, force, stop_if_fail);
            }
            return changed;
        }
        let mut node = node;
        if let Some(n) = node {
            let score = self
                .allowed(rsc, n)
                .map_or(self.nodes[n].score, |a| a.score);
            if !force
                && (score < 0 || (!self.node_available_for(rsc, n, true) && !self.is_guest_node(n)))
            {
                if stop_if_fail {
                    self.rscs[rsc].next_role = Role::Stopped;
                }
                node = None;
            }
        }
        let changed = self.rscs[rsc].assigned != node;
        self.unassign_resource(rsc);
        self.rscs[rsc].flags.clear(RscFlags::UNASSIGNED);
        let Some(n) = node else {
            if !stop_if_fail {
                return changed;
            }
            self.rscs[rsc].next_role = Role::Stopped;
            for a in self.rscs[rsc].actions.clone() {
                let act = &mut self.actions[a];
                if act.task == "stop" {
                    act.clear(ActionFlags::OPTIONAL);
                } else if act.task == "start" {
                    act.clear(ActionFlags::RUNNABLE);
                } else {
                    let interval = act.meta.get("interval").map(String::as_str);
                    let target = act.meta.get("op_target_rc").map(String::as_str);
                    if interval.is_some_and(|i| i != "0") && target != Some("7") {
                        act.clear(ActionFlags::RUNNABLE);
                    }
                }
            }
            return changed;
        };
        self.rscs[rsc].assigned = Some(n);
        self.nodes[n].num_resources += 1;
        if let Some(a) = self.allowed_slot(rsc, n) {
            a.count += 1;
        }
        self.consume_capacity(n, rsc);
        changed
    }

    /// Removes a resource's assignment (`pcmk__unassign_resource`).
    pub fn unassign_resource(&mut self, rsc: RscIdx) {
        self.rscs[rsc].flags.set(RscFlags::UNASSIGNED);
        if self.rscs[rsc].children.is_empty() {
            if let Some(old) = self.rscs[rsc].assigned.take() {
                self.nodes[old].num_resources = self.nodes[old].num_resources.saturating_sub(1);
                self.release_capacity(old, rsc);
            }
            return;
        }
        for c in self.rscs[rsc].children.clone() {
            self.unassign_resource(c);
        }
    }

    /// Assigns any resource (`assign` method).
    pub fn assign(
        &mut self,
        rsc: RscIdx,
        prefer: Option<NodeIdx>,
        stop_if_fail: bool,
    ) -> Option<NodeIdx> {
        match self.rscs[rsc].variant {
            Variant::Primitive => self.primitive_assign(rsc, prefer, stop_if_fail),
            Variant::Group => self.group_assign(rsc, prefer, stop_if_fail),
            Variant::Clone => self.clone_assign(rsc, prefer, stop_if_fail),
            _ => None,
        }
    }

    fn apply_this_with(&mut self, c: usize, rsc: RscIdx) {
        let col = self.colocations[c].clone();
        let archive =
            if col.dependent_role >= Role::Promoted || (col.score < 0 && col.score > -INFINITY) {
                Some(self.rscs[rsc].allowed.clone())
            } else {
                None
            };
        if self.rscs[col.primary].has(RscFlags::UNASSIGNED) {
            self.assign(col.primary, None, true);
        }
        self.apply_coloc_score_for_dependent(rsc, col.primary, c);
        if let Some(archive) = archive {
            let table = self.rscs[rsc].allowed.clone();
            if !self.any_node_available(&table) {
                self.rscs[rsc].allowed = archive;
            }
        }
    }

    fn primitive_assign(
        &mut self,
        rsc: RscIdx,
        prefer: Option<NodeIdx>,
        stop_if_fail: bool,
    ) -> Option<NodeIdx> {
        if let Some(p) = self.rscs[rsc].parent {
            if !self.rscs[p].has(RscFlags::ASSIGNING) {
                self.assign(p, prefer, stop_if_fail);
            }
        }
        if !self.rscs[rsc].has(RscFlags::UNASSIGNED) {
            return self.rscs[rsc].assigned;
        }
        if self.rscs[rsc].has(RscFlags::ASSIGNING) {
            return None;
        }
        self.rscs[rsc].flags.set(RscFlags::ASSIGNING);
        let this_with = self.this_with_colocations(rsc);
        let with_this = self.with_this_colocations(rsc);
        let mandatory = |s: &Scheduler, c: usize| {
            let sc = s.colocations[c].score;
            sc <= -INFINITY || sc >= INFINITY
        };
        for &c in &this_with {
            if mandatory(self, c) {
                self.apply_this_with(c, rsc);
            }
        }
        for &c in &with_this {
            if mandatory(self, c) {
                self.add_dependent_scores(c, rsc);
            }
        }
        for &c in &this_with {
            if !mandatory(self, c) {
                self.apply_this_with(c, rsc);
            }
        }
        for &c in &with_this {
            if !mandatory(self, c) {
                self.add_dependent_scores(c, rsc);
            }
        }
        if self.rscs[rsc].next_role == Role::Stopped {
            self.resource_location(rsc, None, -INFINITY, "target-role");
        } else if self.rscs[rsc].next_role > self.rscs[rsc].orig_role
            && !self.has(SchedFlags::QUORATE)
            && self.no_quorum == NoQuorum::Freeze
        {
            self.rscs[rsc].next_role = self.rscs[rsc].orig_role;
        }
        self.show_scores(rsc, "pcmk__primitive_assign");
        if self.has(SchedFlags::FENCING_ENABLED) && !self.has(SchedFlags::HAVE_FENCING) {
            self.rscs[rsc].flags.clear(RscFlags::MANAGED);
        }
        if !self.rscs[rsc].has(RscFlags::MANAGED) {
            self.rscs[rsc].next_role = self.rscs[rsc].orig_role;
            let to = self.current_node(rsc);
            self.assign_resource(rsc, to, true, stop_if_fail);
        } else if self.has(SchedFlags::STOP_ALL) {
            self.assign_resource(rsc, None, true, stop_if_fail);
        } else {
            self.assign_best_node(rsc, prefer, stop_if_fail);
        }
        self.rscs[rsc].flags.clear(RscFlags::ASSIGNING);
        if self.rscs[rsc].has(RscFlags::REMOTE_CONNECTION) {
            self.remote_connection_assigned(rsc);
        }
        self.rscs[rsc].assigned
    }

    fn remote_connection_assigned(&mut self, rsc: RscIdx) {
        let id = self.rscs[rsc].id.clone();
        let Some(node) = self.find_node(&id) else {
            return;
        };
        if self.rscs[rsc].assigned.is_some() && self.rscs[rsc].next_role != Role::Stopped {
            self.nodes[node].online = true;
            if !self.nodes[node].seen {
                self.nodes[node].unclean = false;
            }
        } else {
            self.nodes[node].shutdown = true;
        }
    }

    fn group_assign(
        &mut self,
        rsc: RscIdx,
        prefer: Option<NodeIdx>,
        stop_if_fail: bool,
    ) -> Option<NodeIdx> {
        if !self.rscs[rsc].has(RscFlags::UNASSIGNED) {
            return self.rscs[rsc].assigned;
        }
        if self.rscs[rsc].has(RscFlags::ASSIGNING) {
            return None;
        }
        let children = self.rscs[rsc].children.clone();
        if children.is_empty() {
            self.rscs[rsc].flags.clear(RscFlags::UNASSIGNED);
            return None;
        }
        self.rscs[rsc].flags.set(RscFlags::ASSIGNING);
        let first = children[0];
        self.rscs[rsc].orig_role = self.rscs[first].orig_role;
        self.show_scores(rsc, "pcmk__group_assign");
        let mut first_assigned = None;
        for m in children {
            let n = self.assign(m, prefer, stop_if_fail);
            if first_assigned.is_none() {
                first_assigned = n;
            }
        }
        self.rscs[rsc].next_role = self.rscs[first].next_role;
        self.rscs[rsc]
            .flags
            .clear(RscFlags::ASSIGNING | RscFlags::UNASSIGNED);
        if !self.group_flag(rsc, "collocated") {
            return None;
        }
        first_assigned
    }

    /// Records score lines for `-s` (`pe__show_node_scores`), recursing
    /// into children.
    pub fn show_scores(&mut self, rsc: RscIdx, prefix: &str) {
        if !self.has(SchedFlags::OUTPUT_SCORES) || self.rscs[rsc].has(RscFlags::REMOVED) {
            return;
        }
        let mut nodes: Vec<NodeIdx> = self.rscs[rsc]
            .allowed
            .iter()
            .enumerate()
            .filter_map(|(n, a)| a.map(|_| n))
            .collect();
        nodes.sort_by(|&a, &b| {
            crate::strcmp::numeric_strcasecmp(&self.nodes[a].name, &self.nodes[b].name)
        });
        for n in nodes {
            let score = self.allowed(rsc, n).map_or(0, |a| a.score);
            let line = format!(
                "{prefix}: {} allocation score on {}: {}",
                self.rscs[rsc].id,
                self.nodes[n].name,
                score_text(score)
            );
            self.score_lines.push(line);
        }
        for c in self.rscs[rsc].children.clone() {
            self.show_scores(c, prefix);
        }
    }
}
