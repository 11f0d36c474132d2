//! Placement strategies that use utilization (`utilization`,
//! `balanced`, `minimal`): node capacities, banning nodes without enough
//! room for a resource and what is colocated with it, and the
//! `load_stopped_<node>` pseudo-actions ordering stops before starts.

use std::cmp::Ordering as CmpOrdering;
use std::collections::HashMap;

use crate::model::{NodeIdx, RelFlags, RscFlags, RscIdx, Scheduler, Variant, op_key};
use crate::values::{INFINITY, parse_ll};

/// A utilization value as a number; missing or invalid text counts as 0.
pub fn utilization_value(text: Option<&str>) -> i32 {
    text.and_then(parse_ll).map_or(0, |v| {
        v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
    })
}

/// Adds (or with `sign` -1 subtracts) a resource's utilization to a table.
fn add_utilization(table: &mut HashMap<String, i32>, util: &[(String, String)], sign: i64) {
    for (k, v) in util {
        let cur = i64::from(table.get(k).copied().unwrap_or(0));
        let sum = cur + sign * i64::from(utilization_value(Some(v)));
        let sum = sum.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        table.insert(k.clone(), sum);
    }
}

impl Scheduler {
    /// Whether the placement strategy is anything but `default`.
    pub(crate) fn uses_utilization(&self) -> bool {
        self.placement_strategy != "default"
    }

    /// Compares the remaining capacities of two nodes attribute by
    /// attribute: negative when `a` has more room on more attributes
    /// (`pcmk__compare_node_capacities`).
    pub(crate) fn compare_node_capacities(&self, a: NodeIdx, b: NodeIdx) -> i32 {
        let (ca, cb) = (&self.nodes[a].capacity, &self.nodes[b].capacity);
        let mut result = 0;
        let mut tally = |x: i32, y: i32| match x.cmp(&y) {
            CmpOrdering::Greater => result -= 1,
            CmpOrdering::Less => result += 1,
            CmpOrdering::Equal => {}
        };
        for (k, &v) in ca {
            tally(v, cb.get(k).copied().unwrap_or(0));
        }
        for (k, &v) in cb {
            if !ca.contains_key(k) {
                tally(0, v);
            }
        }
        result
    }

    /// Takes a newly assigned resource's utilization from a node.
    pub(crate) fn consume_capacity(&mut self, node: NodeIdx, rsc: RscIdx) {
        let util = &self.rscs[rsc].utilization;
        add_utilization(&mut self.nodes[node].capacity, util, -1);
    }

    /// Gives an unassigned resource's utilization back to a node.
    pub(crate) fn release_capacity(&mut self, node: NodeIdx, rsc: RscIdx) {
        let util = &self.rscs[rsc].utilization;
        add_utilization(&mut self.nodes[node].capacity, util, 1);
    }

    fn has_enough_capacity(&self, node: NodeIdx, needed: &HashMap<String, i32>) -> bool {
        let cap = &self.nodes[node].capacity;
        needed
            .iter()
            .all(|(k, &req)| req <= cap.get(k).copied().unwrap_or(0))
    }

    /// Resources that must end up on the same node as `rsc`
    /// (`colocated_resources` methods).
    fn colocated_resources(&self, rsc: RscIdx, orig: RscIdx, list: &mut Vec<RscIdx>) {
        if self.rscs[rsc].variant == Variant::Group {
            let cloned = self.rscs[rsc]
                .parent
                .is_some_and(|p| self.rscs[p].variant == Variant::Clone);
            if self.group_flag(rsc, "collocated") || cloned {
                list.push(rsc);
                for &m in &self.rscs[rsc].children {
                    self.colocated_resources(m, orig, list);
                }
            } else if !self.rscs[rsc].children.is_empty() {
                self.colocated_resources_common(rsc, orig, list);
            }
            return;
        }
        self.colocated_resources_common(rsc, orig, list);
    }

    fn colocated_resources_common(&self, rsc: RscIdx, orig: RscIdx, list: &mut Vec<RscIdx>) {
        if list.contains(&rsc) {
            return;
        }
        list.push(rsc);
        for c in self.this_with_colocations(rsc) {
            let primary = self.colocations[c].primary;
            if primary == orig {
                continue;
            }
            if self.colocations[c].score == INFINITY
                && self.colocation_affects(rsc, primary, c, true) == 1
            {
                self.colocated_resources(primary, orig, list);
            }
        }
        let is_clone = |r: RscIdx| self.rscs[r].variant == Variant::Clone;
        for c in self.with_this_colocations(rsc) {
            let dependent = self.colocations[c].dependent;
            if dependent == orig || (is_clone(rsc) && !is_clone(dependent)) {
                continue;
            }
            if self.colocations[c].score == INFINITY
                && self.colocation_affects(dependent, rsc, c, true) == 1
            {
                self.colocated_resources(dependent, orig, list);
            }
        }
    }

    /// Adds the utilization of a not yet assigned resource to `table`
    /// (`add_utilization` methods).
    fn sum_unassigned(&self, rsc: RscIdx, all: &[RscIdx], table: &mut HashMap<String, i32>) {
        let r = &self.rscs[rsc];
        if !r.has(RscFlags::UNASSIGNED) {
            return;
        }
        match r.variant {
            Variant::Group => {
                let cloned = r
                    .parent
                    .is_some_and(|p| self.rscs[p].variant == Variant::Clone);
                let members: Vec<RscIdx> = if self.group_flag(rsc, "collocated") || cloned {
                    r.children.clone()
                } else {
                    r.children.first().copied().into_iter().collect()
                };
                for m in members {
                    if self.rscs[m].has(RscFlags::UNASSIGNED) && !all.contains(&m) {
                        self.sum_unassigned(m, all, table);
                    }
                }
            }
            _ => add_utilization(table, &r.utilization, 1),
        }
    }

    /// Bans `rsc` from nodes without room for it and what is colocated
    /// with it; returns the node with the most free capacity when no node
    /// has room for all of them (`pcmk__ban_insufficient_capacity`).
    pub(crate) fn ban_insufficient_capacity(&mut self, rsc: RscIdx) -> Option<NodeIdx> {
        if !self.uses_utilization() {
            return None;
        }
        let mut colocated = Vec::new();
        self.colocated_resources(rsc, rsc, &mut colocated);
        if colocated.is_empty() {
            return None;
        }
        if !colocated.contains(&rsc) {
            colocated.push(rsc);
        }
        let mut needed = HashMap::new();
        for &r in &colocated {
            self.sum_unassigned(r, &colocated, &mut needed);
        }
        let candidates: Vec<NodeIdx> = (0..self.nodes.len())
            .filter(|&n| self.allowed(rsc, n).is_some() && self.node_available_for(rsc, n, true))
            .collect();
        let mut any_capable = false;
        let mut most_capable: Option<NodeIdx> = None;
        for &n in &candidates {
            if self.has_enough_capacity(n, &needed) {
                any_capable = true;
            }
            if most_capable.is_none_or(|m| self.compare_node_capacities(n, m) < 0) {
                most_capable = Some(n);
            }
        }
        if any_capable {
            for &n in &candidates {
                if !self.has_enough_capacity(n, &needed) {
                    self.resource_location(rsc, Some(n), -INFINITY, "__limit_utilization__");
                }
            }
            return None;
        }
        let mut own = HashMap::new();
        add_utilization(&mut own, &self.rscs[rsc].utilization, 1);
        for &n in &candidates {
            if !self.has_enough_capacity(n, &own) {
                self.resource_location(rsc, Some(n), -INFINITY, "__limit_utilization__");
            }
        }
        most_capable
    }

    fn load_stopped_op(&mut self, node: NodeIdx) -> crate::model::ActIdx {
        let name = format!("load_stopped_{}", self.nodes[node].name);
        let a = self.get_pseudo_op(&name);
        if self.actions[a].node.is_none() {
            self.actions[a].node = Some(node);
            self.actions[a].clear(crate::model::ActionFlags::OPTIONAL);
        }
        a
    }

    /// Orders stops on a node before starts there when capacity matters
    /// (`pcmk__create_utilization_constraints`).
    pub(crate) fn create_utilization_constraints(&mut self, rsc: RscIdx) {
        let id = self.rscs[rsc].id.clone();
        for node in self.rscs[rsc].active.clone() {
            let ls = self.load_stopped_op(node);
            self.new_ordering(
                Some(rsc),
                Some(op_key(&id, "stop", 0)),
                None,
                None,
                None,
                Some(ls),
                RelFlags::IF_ON_SAME_NODE_OR_TARGET,
            );
        }
        let allowed: Vec<NodeIdx> = self
            .node_order
            .iter()
            .copied()
            .filter(|&n| self.allowed(rsc, n).is_some())
            .collect();
        for node in allowed {
            let ls = self.load_stopped_op(node);
            for task in ["start", "migrate_to"] {
                self.new_ordering(
                    None,
                    None,
                    Some(ls),
                    Some(rsc),
                    Some(op_key(&id, task, 0)),
                    None,
                    RelFlags::IF_ON_SAME_NODE_OR_TARGET,
                );
            }
        }
    }

    /// Sorts the top-level resources for assignment when utilization
    /// matters (`pcmk__sort_resources`).
    pub(crate) fn sort_resources(&mut self) {
        let mut nodes: Vec<NodeIdx> = (0..self.nodes.len()).collect();
        nodes.sort_by(|&a, &b| self.compare_plain_nodes(a, b));
        let top = self.top.clone();
        let mut info: HashMap<RscIdx, (Option<NodeIdx>, super::colocation::NodeScores)> =
            HashMap::new();
        for &r in &top {
            let mut table = None;
            self.add_colocated_node_scores(
                r,
                None,
                &mut table,
                None,
                1.0,
                super::colocation::SELECT_THIS_WITH,
            );
            let current = if self.rscs[r].active.is_empty() {
                None
            } else {
                self.current_node(r)
            };
            info.insert(r, (current, table.unwrap_or_default()));
        }
        let score = |t: &super::colocation::NodeScores, n: Option<NodeIdx>| {
            n.and_then(|n| t.get(n).copied().flatten())
                .map_or(-INFINITY, |a| a.score)
        };
        let mut sorted = top;
        sorted.sort_by(|&a, &b| {
            let (pa, pb) = (self.rscs[a].priority, self.rscs[b].priority);
            if pa != pb {
                return pb.cmp(&pa);
            }
            let (ia, ib) = (&info[&a], &info[&b]);
            let (sa, sb) = (score(&ia.1, ia.0), score(&ib.1, ib.0));
            if sa != sb {
                return sb.cmp(&sa);
            }
            for &n in &nodes {
                let (sa, sb) = (score(&ia.1, Some(n)), score(&ib.1, Some(n)));
                if sa != sb {
                    return sb.cmp(&sa);
                }
            }
            CmpOrdering::Equal
        });
        self.top = sorted;
    }

    /// Node order by each node's own score, capacity, load and name
    /// (`pcmk__sort_nodes` without an active node).
    fn compare_plain_nodes(&self, a: NodeIdx, b: NodeIdx) -> CmpOrdering {
        let score = |n: NodeIdx| {
            if self.nodes[n].available() {
                self.nodes[n].score
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
        }
        self.nodes[a]
            .name
            .as_bytes()
            .cmp(self.nodes[b].name.as_bytes())
    }
}
