//! Assigning a collective's instances to nodes: which instance goes first,
//! keeping instances where they run, and per-node limits
//! (`pcmk__assign_instances`, `pcmk__cmp_instance`).

use std::cmp::Ordering as CmpOrdering;
use std::collections::HashMap;

use crate::model::{Allowed, NodeIdx, ProbeMode, RscFlags, RscIdx, Scheduler};
use crate::values::INFINITY;

use super::instance_number;
use crate::sched::colocation::{SELECT_NONNEGATIVE, SELECT_THIS_WITH};

/// Saved allowed-node tables of a resource and its descendants.
type SavedTables = Vec<(RscIdx, Vec<Option<Allowed>>)>;

impl Scheduler {
    /// The parent's view of a node for an instance (`pcmk__top_allowed_node`).
    pub(crate) fn top_allowed(&self, instance: RscIdx, node: NodeIdx) -> Option<Allowed> {
        let holder = self.rscs[instance].parent.unwrap_or(instance);
        self.allowed(holder, node)
    }

    fn top_allowed_count_add(&mut self, instance: RscIdx, node: NodeIdx) {
        let holder = self.rscs[instance].parent.unwrap_or(instance);
        if let Some(Some(a)) = self.rscs[holder].allowed.get_mut(node) {
            a.count += 1;
        }
    }

    fn did_fail(&self, rsc: RscIdx) -> bool {
        self.any_has_recursive(rsc, RscFlags::FAILED)
    }

    /// The score an instance's current node gets from the colocations of
    /// the instance and its parent (`cmp_instance_by_colocation`).
    fn colocated_score_on_current(&mut self, instance: RscIdx) -> Option<i32> {
        let current = self.current_node(instance)?;
        let mut table: Vec<Option<Allowed>> = vec![None; self.nodes.len()];
        table[current] = Some(Allowed {
            score: self.nodes[current].score,
            probe_mode: ProbeMode::Always,
            count: 0,
        });
        let mut nodes = Some(table);
        for c in self.this_with_colocations(instance) {
            let other = self.colocations[c].primary;
            let factor = self.colocations[c].score as f32 / INFINITY as f32;
            self.add_colocated_node_scores(
                other,
                Some(instance),
                &mut nodes,
                Some(c),
                factor,
                SELECT_THIS_WITH,
            );
        }
        for c in self.with_this_colocations(instance) {
            if !self.colocation_has_influence(c, Some(instance)) {
                continue;
            }
            let other = self.colocations[c].dependent;
            let factor = self.colocations[c].score as f32 / INFINITY as f32;
            self.add_colocated_node_scores(
                other,
                Some(instance),
                &mut nodes,
                Some(c),
                factor,
                SELECT_NONNEGATIVE,
            );
        }
        nodes
            .and_then(|t| t.get(current).copied().flatten())
            .map(|a| a.score)
    }

    /// Each instance's colocation score on its current node.
    pub(crate) fn instance_coloc_scores(&mut self, instances: &[RscIdx]) -> HashMap<RscIdx, i32> {
        let mut coloc = HashMap::new();
        for &c in instances {
            if let Some(s) = self.colocated_score_on_current(c) {
                coloc.insert(c, s);
            }
        }
        coloc
    }

    /// The instances of a clone in the order they should be assigned.
    pub(crate) fn sort_instances(&mut self, rsc: RscIdx) -> Vec<RscIdx> {
        let mut children = self.rscs[rsc].children.clone();
        let coloc = self.instance_coloc_scores(&children);
        children.sort_by(|&a, &b| self.cmp_instance(a, b, &coloc));
        children
    }

    fn allowed_or_none(&self, rsc: RscIdx, node: Option<NodeIdx>) -> (bool, Option<NodeIdx>) {
        match node {
            Some(n) if self.allowed(rsc, n).is_none_or(|a| a.score < 0) => (false, None),
            other => (true, other),
        }
    }

    pub(crate) fn cmp_instance(
        &self,
        a: RscIdx,
        b: RscIdx,
        coloc: &HashMap<RscIdx, i32>,
    ) -> CmpOrdering {
        let (node1, n1, _) = self.active_node(a);
        let (node2, n2, _) = self.active_node(b);
        if n1 > 0 && n2 > 0 {
            match n1.cmp(&n2) {
                CmpOrdering::Equal => {}
                o => return o,
            }
        }
        let (can1, node1) = self.allowed_or_none(a, node1);
        let (can2, node2) = self.allowed_or_none(b, node2);
        if can1 != can2 {
            return if can1 {
                CmpOrdering::Less
            } else {
                CmpOrdering::Greater
            };
        }
        let (p1, p2) = (self.rscs[a].priority, self.rscs[b].priority);
        if p1 != p2 {
            return p2.cmp(&p1);
        }
        let (node1, node2) = match (node1, node2) {
            (None, None) => return CmpOrdering::Equal,
            (None, Some(_)) => return CmpOrdering::Greater,
            (Some(_), None) => return CmpOrdering::Less,
            (Some(x), Some(y)) => (x, y),
        };
        let (av1, av2) = (self.nodes[node1].available(), self.nodes[node2].available());
        if av1 != av2 {
            return if av1 {
                CmpOrdering::Less
            } else {
                CmpOrdering::Greater
            };
        }
        let (t1, t2) = (self.top_allowed(a, node1), self.top_allowed(b, node2));
        let (t1, t2) = match (t1, t2) {
            (None, None) => return CmpOrdering::Equal,
            (None, Some(_)) => return CmpOrdering::Greater,
            (Some(_), None) => return CmpOrdering::Less,
            (Some(x), Some(y)) => (x, y),
        };
        if t1.count != t2.count {
            return t1.count.cmp(&t2.count);
        }
        let (f1, f2) = (self.did_fail(a), self.did_fail(b));
        if f1 != f2 {
            return if f1 {
                CmpOrdering::Greater
            } else {
                CmpOrdering::Less
            };
        }
        if let (Some(s1), Some(s2)) = (coloc.get(&a), coloc.get(&b)) {
            if s1 != s2 {
                return s2.cmp(s1);
            }
        }
        instance_number(&self.rscs[a].id).cmp(&instance_number(&self.rscs[b].id))
    }

    fn can_run_instance(&self, instance: RscIdx, node: NodeIdx, max_per_node: i32) -> bool {
        if self.rscs[instance].has(RscFlags::REMOVED) || !self.nodes[node].available() {
            return false;
        }
        match self.top_allowed(instance, node) {
            None => false,
            Some(a) => a.score >= 0 && i64::from(a.count) < i64::from(max_per_node),
        }
    }

    fn ban_unavailable_allowed_nodes(&mut self, instance: RscIdx, max_per_node: i32) {
        for n in 0..self.rscs[instance].allowed.len() {
            if self.rscs[instance].allowed[n].is_none()
                || self.can_run_instance(instance, n, max_per_node)
            {
                continue;
            }
            if let Some(a) = self.rscs[instance].allowed[n].as_mut() {
                a.score = -INFINITY;
            }
            for c in self.rscs[instance].children.clone() {
                if let Some(Some(a)) = self.rscs[c].allowed.get_mut(n) {
                    a.score = -INFINITY;
                }
            }
        }
    }

    fn save_tables(&self, rsc: RscIdx, out: &mut SavedTables) {
        out.push((rsc, self.rscs[rsc].allowed.clone()));
        for &c in &self.rscs[rsc].children {
            self.save_tables(c, out);
        }
    }

    fn restore_tables(&mut self, saved: &SavedTables) {
        for (r, t) in saved {
            self.rscs[*r].allowed = t.clone();
        }
    }

    fn increment_parent_count(&mut self, instance: RscIdx, chosen: Option<NodeIdx>) {
        if let Some(n) = chosen {
            self.top_allowed_count_add(instance, n);
        }
    }

    fn assign_instance(
        &mut self,
        instance: RscIdx,
        prefer: Option<NodeIdx>,
        max_per_node: i32,
    ) -> Option<NodeIdx> {
        if self.rscs[instance].has(RscFlags::ASSIGNING) {
            return None;
        }
        self.ban_unavailable_allowed_nodes(instance, max_per_node);
        let chosen = self.assign(instance, prefer, prefer.is_none());
        self.increment_parent_count(instance, chosen);
        chosen
    }

    fn assign_instance_early(
        &mut self,
        instance: RscIdx,
        current: NodeIdx,
        max_per_node: i32,
        available: i32,
    ) -> bool {
        let Some(parent) = self.rscs[instance].parent else {
            return false;
        };
        let usable = self
            .allowed(instance, current)
            .is_some_and(|a| a.score >= 0)
            && self.nodes[current].available();
        if !usable {
            return false;
        }
        let mut saved = Vec::new();
        self.save_tables(instance, &mut saved);
        let parent_orig = self.rscs[parent].allowed.clone();
        let mut reserved = 0;
        let mut chosen = None;
        while reserved < available {
            chosen = self.assign_instance(instance, Some(current), max_per_node);
            if chosen == Some(current) {
                break;
            }
            self.restore_tables(&saved);
            if chosen.is_none() {
                self.rscs[instance].flags.set(RscFlags::UNASSIGNED);
                break;
            }
            reserved += 1;
            self.unassign_resource(instance);
            chosen = None;
        }
        self.rscs[parent].allowed = parent_orig;
        if chosen.is_none() {
            return false;
        }
        self.increment_parent_count(instance, chosen);
        true
    }

    fn preferred_node(&self, instance: RscIdx, optimal_per_node: i32) -> Option<NodeIdx> {
        let r = &self.rscs[instance];
        if r.active.is_empty() || !r.has(RscFlags::UNASSIGNED) || r.has(RscFlags::FAILED) {
            return None;
        }
        let node = self.current_node(instance)?;
        if !self.nodes[node].available() || self.nodes[node].score < 0 {
            return None;
        }
        if let Some(p) = self.top_allowed(instance, node) {
            if i64::from(p.count) >= i64::from(optimal_per_node) {
                return None;
            }
        }
        Some(node)
    }

    /// Assigns instances to nodes, their current ones first
    /// (`pcmk__assign_instances`).
    pub(crate) fn assign_instances(
        &mut self,
        collective: RscIdx,
        instances: &[RscIdx],
        max_total: i32,
        max_per_node: i32,
    ) {
        let mut available_nodes = 0;
        for n in 0..self.rscs[collective].allowed.len() {
            if let Some(a) = self.rscs[collective].allowed[n].as_mut() {
                a.count = 0;
                if self.nodes[n].available() {
                    available_nodes += 1;
                }
            }
        }
        let optimal = if available_nodes > 0 {
            (max_total / available_nodes).max(1)
        } else {
            1
        };
        let mut assigned = 0;
        for &instance in instances {
            if assigned >= max_total {
                break;
            }
            let available = max_total - assigned;
            if !self.rscs[instance].has(RscFlags::UNASSIGNED) {
                continue;
            }
            if let Some(current) = self.preferred_node(instance, optimal) {
                if self.assign_instance_early(instance, current, max_per_node, available) {
                    assigned += 1;
                }
            }
        }
        for &instance in instances {
            if !self.rscs[instance].has(RscFlags::UNASSIGNED) {
                continue;
            }
            if assigned >= max_total {
                self.resource_location(instance, None, -INFINITY, "collective_limit_reached");
            } else if self.assign_instance(instance, None, max_per_node).is_some() {
                assigned += 1;
            }
        }
    }
}
