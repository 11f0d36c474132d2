//! Promotable clones: promotion scores, choosing the instances to
//! promote, the promote/demote pseudo-actions and orderings, and
//! colocations by role (`pcmk_sched_promotable.c`).

use std::cmp::Ordering as CmpOrdering;
use std::collections::HashMap;

use crate::model::scheduler::NoQuorum;
use crate::model::{NodeIdx, RelFlags, Role, RscFlags, RscIdx, SchedFlags, Scheduler};
use crate::sched::colocation::{SELECT_ACTIVE, SELECT_NONNEGATIVE};
use crate::values::{INFINITY, add_scores, parse_score, score_text};

use super::instance_number;
use crate::unpack::clone::strip_instance as clone_strip;

impl Scheduler {
    /// The node attribute holding a promotion score for `name`.
    fn promotion_attr(&self, rsc: RscIdx, node: NodeIdx, name: &str) -> Option<String> {
        let _ = rsc;
        self.nodes[node]
            .attr(&format!("master-{name}"))
            .map(str::to_string)
    }

    fn anonymous_known_on(&self, clone: RscIdx, base: &str, node: NodeIdx) -> bool {
        self.rscs[clone].children.iter().any(|&c| {
            self.find_in_instance(c, base)
                .is_some_and(|r| self.rscs[r].probed.contains(&node))
        })
    }

    fn find_active_anon_instance(
        &self,
        clone: RscIdx,
        base: &str,
        node: NodeIdx,
    ) -> Option<RscIdx> {
        self.rscs[clone].children.iter().find_map(|&c| {
            self.find_in_instance(c, base)
                .filter(|&r| self.rscs[r].active.contains(&node))
        })
    }

    fn promotion_score_applies(&self, rsc: RscIdx, node: NodeIdx) -> bool {
        let base = clone_strip(&self.rscs[rsc].id).to_string();
        let parent = self.uber_parent(rsc);
        let is_allowed = |s: &Scheduler| s.allowed(rsc, node).is_some_and(|a| a.score >= 0);
        if !self.rscs[rsc].has(RscFlags::UNIQUE) {
            let active = self.find_active_anon_instance(parent, &base, node);
            if active == Some(rsc) {
                return is_allowed(self);
            }
            if active.is_none() && self.anonymous_known_on(parent, &base, node) {
                return is_allowed(self);
            }
        }
        let r = &self.rscs[rsc];
        if r.active.is_empty() && r.probed.is_empty() {
            return is_allowed(self);
        }
        if r.probed.contains(&node) || r.active.contains(&node) {
            return is_allowed(self);
        }
        false
    }

    /// An instance's promotion score on a node, and whether it is the
    /// default (no score set) (`promotion_score`).
    fn promotion_score(&mut self, rsc: RscIdx, node: NodeIdx) -> (i32, bool) {
        if !self.rscs[rsc].children.is_empty() {
            let mut score = 0;
            let mut is_default = true;
            for c in self.rscs[rsc].children.clone() {
                let (s, d) = self.promotion_score(c, node);
                if !d {
                    is_default = false;
                }
                score += s;
            }
            return (score, is_default);
        }
        if !self.promotion_score_applies(rsc, node) {
            return (0, true);
        }
        let r = &self.rscs[rsc];
        let name = r.history_id.clone().unwrap_or_else(|| r.id.clone());
        let mut value = self.promotion_attr(rsc, node, &name);
        if value.is_none() && !self.rscs[rsc].has(RscFlags::UNIQUE) {
            let id = self.rscs[rsc].id.clone();
            let stripped = clone_strip(&id);
            if stripped != id {
                value = self.promotion_attr(rsc, node, stripped);
            }
        }
        let Some(value) = value else {
            return (0, true);
        };
        (parse_score(&value).unwrap_or(0), false)
    }

    /// Adds promotion scores to the instances' node scores
    /// (`pcmk__add_promotion_scores`).
    pub(crate) fn add_promotion_scores(&mut self, rsc: RscIdx) {
        match self.rscs[rsc].clone.as_mut() {
            Some(d) if !d.promotion_added => d.promotion_added = true,
            _ => return,
        }
        for child in self.rscs[rsc].children.clone() {
            for node in 0..self.rscs[child].allowed.len() {
                if self.rscs[child].allowed[node].is_none() || !self.nodes[node].available() {
                    continue;
                }
                let (score, _) = self.promotion_score(child, node);
                if score > 0 {
                    if let Some(Some(a)) = self.rscs[child].allowed.get_mut(node) {
                        a.score = add_scores(a.score, score);
                    }
                }
                if score > self.rscs[child].priority {
                    self.rscs[child].priority = score;
                }
            }
        }
    }

    fn set_current_role_unpromoted(&mut self, rsc: RscIdx) {
        if self.rscs[rsc].orig_role == Role::Started {
            self.rscs[rsc].orig_role = Role::Unpromoted;
        }
        for c in self.rscs[rsc].children.clone() {
            self.set_current_role_unpromoted(c);
        }
    }

    fn set_next_role_unpromoted(&mut self, rsc: RscIdx) {
        let mut assigned = Vec::new();
        self.collect_assigned_nodes(rsc, &mut assigned);
        self.rscs[rsc].next_role = if assigned.is_empty() {
            Role::Stopped
        } else {
            Role::Unpromoted
        };
        for c in self.rscs[rsc].children.clone() {
            self.set_next_role_unpromoted(c);
        }
    }

    fn set_next_role_promoted(&mut self, rsc: RscIdx) {
        if self.rscs[rsc].next_role == Role::Unknown {
            self.rscs[rsc].next_role = Role::Promoted;
        }
        for c in self.rscs[rsc].children.clone() {
            self.set_next_role_promoted(c);
        }
    }

    fn collect_assigned_nodes(&self, rsc: RscIdx, out: &mut Vec<NodeIdx>) {
        let r = &self.rscs[rsc];
        if let Some(n) = r.assigned {
            if !out.contains(&n) {
                out.push(n);
            }
        }
        for &c in &r.children {
            self.collect_assigned_nodes(c, out);
        }
    }

    fn apply_promoted_locations(&mut self, child: RscIdx, owner: RscIdx, chosen: NodeIdx) {
        for l in 0..self.locations.len() {
            let loc = &self.locations[l];
            if loc.rsc != owner || loc.role != Role::Promoted {
                continue;
            }
            if let Some(&(_, score)) = loc.nodes.iter().find(|(n, _)| *n == chosen) {
                let p = self.rscs[child].priority;
                self.rscs[child].priority = add_scores(p, score);
            }
        }
    }

    fn set_instance_priority(&mut self, instance: RscIdx, clone: RscIdx) {
        if self.rsc_state(instance, true) == Role::Started {
            self.set_current_role_unpromoted(instance);
        }
        let mut assigned = Vec::new();
        self.collect_assigned_nodes(instance, &mut assigned);
        if assigned.len() > 1 {
            let id = self.rscs[instance].id.clone();
            self.config_err(format!("Cannot promote non-colocated child {id}"));
        }
        let Some(chosen) = self.rsc_location(instance, false) else {
            return;
        };
        let next_role = self.rsc_state(instance, false);
        match next_role {
            Role::Started | Role::Unknown => {
                let (score, is_default) = self.promotion_score(instance, chosen);
                self.rscs[instance].priority = if is_default { -1 } else { score };
            }
            Role::Unpromoted | Role::Stopped => self.rscs[instance].priority = -INFINITY,
            Role::Promoted => {}
        }
        self.apply_promoted_locations(instance, instance, chosen);
        self.apply_promoted_locations(instance, clone, chosen);
        for c in self.this_with_colocations(instance) {
            let primary = self.colocations[c].primary;
            self.apply_coloc_score_for_dependent(instance, primary, c);
        }
        let r = &mut self.rscs[instance];
        r.promotion_priority = if next_role == Role::Promoted {
            INFINITY
        } else {
            r.priority
        };
    }

    fn sort_promotable_instances(&mut self, clone: RscIdx) {
        match self.rscs[clone].clone.as_mut() {
            Some(d) if !d.promotion_constrained => d.promotion_constrained = true,
            _ => return,
        }
        for child in self.rscs[clone].children.clone() {
            let pp = self.rscs[child].promotion_priority;
            if pp < 0 {
                continue;
            }
            let Some(chosen) = self.rsc_location(child, false) else {
                continue;
            };
            if let Some(Some(a)) = self.rscs[clone].allowed.get_mut(chosen) {
                a.score = add_scores(pp, a.score);
            }
        }
        for c in self.with_this_colocations(clone) {
            if self.colocations[c].primary_role != Role::Promoted
                || !self.colocation_has_influence(c, None)
            {
                continue;
            }
            let dependent = self.colocations[c].dependent;
            let factor = self.colocations[c].score as f32 / INFINITY as f32;
            let mut nodes = Some(std::mem::take(&mut self.rscs[clone].allowed));
            self.add_colocated_node_scores(
                dependent,
                Some(clone),
                &mut nodes,
                Some(c),
                factor,
                SELECT_ACTIVE | SELECT_NONNEGATIVE,
            );
            self.rscs[clone].allowed = nodes.unwrap_or_default();
        }
        self.require_promotion_tickets(clone);
        for child in self.rscs[clone].children.clone() {
            let chosen = self.rsc_location(child, false);
            let r = &self.rscs[child];
            let pp = if !r.has(RscFlags::MANAGED) && r.next_role == Role::Promoted {
                INFINITY
            } else if let Some(n) = chosen {
                if r.promotion_priority < 0 {
                    r.promotion_priority
                } else {
                    self.allowed(clone, n).map_or(0, |a| a.score)
                }
            } else {
                -INFINITY
            };
            self.rscs[child].promotion_priority = pp;
        }
        let mut children = self.rscs[clone].children.clone();
        let coloc = self.instance_coloc_scores(&children);
        children.sort_by(|&a, &b| self.cmp_promotable_instance(a, b, &coloc));
        self.rscs[clone].children = children;
    }

    fn cmp_promotable_instance(
        &self,
        a: RscIdx,
        b: RscIdx,
        coloc: &HashMap<RscIdx, i32>,
    ) -> CmpOrdering {
        let (p1, p2) = (
            self.rscs[a].promotion_priority,
            self.rscs[b].promotion_priority,
        );
        if p1 != p2 {
            return p2.cmp(&p1);
        }
        let (r1, r2) = (self.rsc_state(a, true), self.rsc_state(b, true));
        if r1 != r2 {
            return r2.cmp(&r1);
        }
        let o = self.cmp_instance(a, b, coloc);
        if o != CmpOrdering::Equal {
            return o;
        }
        instance_number(&self.rscs[a].id).cmp(&instance_number(&self.rscs[b].id))
    }

    fn node_to_be_promoted_on(&mut self, rsc: RscIdx) -> Option<NodeIdx> {
        for c in self.rscs[rsc].children.clone() {
            self.node_to_be_promoted_on(c)?;
        }
        let node = self.rsc_location(rsc, false)?;
        if !self.rscs[rsc].has(RscFlags::MANAGED) {
            if self.rsc_state(rsc, true) != Role::Promoted {
                return None;
            }
        } else if self.rscs[rsc].priority < 0
            || !self.nodes[node].available()
            || !self.guest_launcher_assigned(node)
        {
            return None;
        }
        let parent = self.uber_parent(rsc);
        let Some(local) = self.allowed(parent, node) else {
            if self.rscs[rsc].has(RscFlags::MANAGED) {
                let (r, p, n) = (
                    self.rscs[rsc].id.clone(),
                    self.rscs[parent].id.clone(),
                    self.nodes[node].name.clone(),
                );
                self.sched_err(format!(
                    "{r} can't be promoted because {p} is not allowed on {n} (scheduler bug?)"
                ));
            }
            return None;
        };
        if i64::from(local.count) >= i64::from(self.promoted_node_max(parent))
            && self.rscs[rsc].has(RscFlags::MANAGED)
        {
            return None;
        }
        Some(node)
    }

    /// Whether a guest node's launcher has a node (always true for other
    /// nodes).
    fn guest_launcher_assigned(&self, node: NodeIdx) -> bool {
        if !self.is_guest_node(node) {
            return true;
        }
        self.nodes[node]
            .remote_rsc
            .and_then(|r| self.rscs[r].launcher)
            .is_some_and(|l| self.rsc_location(l, false).is_some())
    }

    fn set_instance_role(&mut self, instance: RscIdx, count: &mut i32) {
        let clone = self.uber_parent(instance);
        if self.has(SchedFlags::OUTPUT_SCORES) {
            let score = score_text(self.rscs[instance].promotion_priority);
            let id = self.rscs[instance].id.clone();
            let line = match self.rsc_location(instance, false) {
                Some(n) => format!("{id} promotion score on {}: {score}", self.nodes[n].name),
                None => format!("{id} promotion score (inactive): {score}"),
            };
            self.score_lines.push(line);
        }
        let mut chosen = None;
        if self.rscs[instance].promotion_priority >= 0
            && (*count < self.promoted_max(instance) || !self.rscs[clone].has(RscFlags::MANAGED))
        {
            chosen = self.node_to_be_promoted_on(instance);
        }
        let Some(chosen) = chosen else {
            self.set_next_role_unpromoted(instance);
            return;
        };
        if self.rscs[instance].orig_role < Role::Promoted
            && !self.has(SchedFlags::QUORATE)
            && self.no_quorum == NoQuorum::Freeze
        {
            self.set_next_role_unpromoted(instance);
            return;
        }
        if let Some(Some(a)) = self.rscs[clone].allowed.get_mut(chosen) {
            a.count += 1;
        }
        self.set_next_role_promoted(instance);
        *count += 1;
    }

    /// Chooses which instances to promote (`pcmk__set_instance_roles`).
    pub(crate) fn set_instance_roles(&mut self, rsc: RscIdx) {
        for a in self.rscs[rsc].allowed.iter_mut().flatten() {
            a.count = 0;
        }
        for c in self.rscs[rsc].children.clone() {
            self.set_instance_priority(c, rsc);
        }
        self.sort_promotable_instances(rsc);
        let mut promoted = 0;
        for c in self.rscs[rsc].children.clone() {
            self.set_instance_role(c, &mut promoted);
        }
    }

    fn check_for_role_change(&self, rsc: RscIdx, demoting: &mut bool, promoting: &mut bool) {
        let r = &self.rscs[rsc];
        if !r.children.is_empty() {
            for &c in &r.children {
                self.check_for_role_change(c, demoting, promoting);
            }
            return;
        }
        for &a in &r.actions {
            if *promoting && *demoting {
                return;
            }
            let act = &self.actions[a];
            if act.optional() {
                continue;
            }
            if act.task == "demote" {
                *demoting = true;
            } else if act.task == "promote" {
                *promoting = true;
            }
        }
    }

    /// Creates the promote/demote actions of a promotable clone
    /// (`pcmk__create_promotable_actions`).
    pub(crate) fn create_promotable_actions(&mut self, clone: RscIdx) {
        let (mut promoting, mut demoting) = (false, false);
        for c in self.rscs[clone].children.clone() {
            self.create_actions(c);
            self.check_for_role_change(c, &mut demoting, &mut promoting);
        }
        let promote = self.new_rsc_pseudo_action(clone, "promote", !promoting, true);
        let promoted = self.new_rsc_pseudo_action(clone, "promoted", !promoting, true);
        self.actions[promoted].priority = INFINITY;
        self.create_notif_ops_for(clone, "promote", promote, promoted);
        let demote = self.new_rsc_pseudo_action(clone, "demote", !demoting, true);
        let demoted = self.new_rsc_pseudo_action(clone, "demoted", !demoting, true);
        self.actions[demoted].priority = INFINITY;
        let had_demote = self.notify_ops(clone, "demote").is_some();
        self.create_notif_ops_for(clone, "demote", demote, demoted);
        if !had_demote {
            let get = |s: &Scheduler, t: &str| s.notify_ops(clone, t);
            if let (Some(pn), Some(dn), Some(sn), Some(stn)) = (
                get(self, "promote"),
                get(self, "demote"),
                get(self, "start"),
                get(self, "stop"),
            ) {
                let pairs = [
                    (stn.post_done, pn.pre),
                    (sn.post_done, pn.pre),
                    (dn.post_done, pn.pre),
                    (dn.post_done, sn.pre),
                    (dn.post_done, stn.pre),
                ];
                for (a, b) in pairs {
                    if let (Some(a), Some(b)) = (a, b) {
                        self.order_actions(a, b, RelFlags::ORDERED);
                    }
                }
            }
        }
        let p = self.rscs[clone].priority;
        for c in self.rscs[clone].children.clone() {
            self.rscs[c].priority = p;
        }
    }

    /// Orders a promotable clone's promotions and demotions
    /// (`pcmk__order_promotable_instances`).
    pub(crate) fn order_promotable_instances(&mut self, clone: RscIdx) {
        for (f, t) in [
            ("stopped", "start"),
            ("stopped", "promote"),
            ("demoted", "stop"),
            ("demoted", "start"),
            ("demoted", "promote"),
            ("running", "promote"),
            ("demote", "demoted"),
        ] {
            self.order_rsc_actions(clone, f, clone, t, RelFlags::ORDERED);
        }
        let ordered = self.clone_data(clone).is_some_and(|d| d.ordered);
        let mut previous: Option<RscIdx> = None;
        for inst in self.rscs[clone].children.clone() {
            self.order_rsc_actions(inst, "demote", inst, "promote", RelFlags::ORDERED);
            self.order_rsc_actions(clone, "promote", inst, "promote", RelFlags::ORDERED);
            self.order_rsc_actions(inst, "promote", clone, "promoted", RelFlags::ORDERED);
            if let (Some(last), true) = (previous, ordered) {
                self.order_rsc_actions(last, "promote", inst, "promote", RelFlags::ORDERED);
            }
            self.order_rsc_actions(
                clone,
                "demote",
                inst,
                "demote",
                RelFlags::THEN_IMPLIES_FIRST_GRAPHED,
            );
            self.order_rsc_actions(
                inst,
                "demote",
                clone,
                "demoted",
                RelFlags::FIRST_IMPLIES_THEN_GRAPHED,
            );
            if let (Some(last), true) = (previous, ordered) {
                self.order_rsc_actions(inst, "demote", last, "demote", RelFlags::ORDERED);
            }
            previous = Some(inst);
        }
    }

    /// Applies a colocation with a role of a promotable clone to a
    /// dependent being assigned (`pcmk__update_dependent_with_promotable`).
    pub(crate) fn update_dependent_with_promotable(
        &mut self,
        primary: RscIdx,
        dependent: RscIdx,
        c: usize,
    ) {
        let col = self.colocations[c].clone();
        let mut affected: Vec<(NodeIdx, i32)> = Vec::new();
        for inst in self.rscs[primary].children.clone() {
            let Some(node) = self.rsc_location(inst, false) else {
                continue;
            };
            if self.rsc_state(inst, false) != col.primary_role {
                continue;
            }
            if col.score < INFINITY {
                let pv = self.nodes[node]
                    .attr(&col.node_attribute)
                    .map(str::to_string);
                for n in 0..self.rscs[dependent].allowed.len() {
                    let dv = self.nodes[n].attr(&col.node_attribute);
                    let same = match (dv, pv.as_deref()) {
                        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
                        (None, None) => true,
                        _ => false,
                    };
                    if same {
                        if let Some(Some(a)) = self.rscs[dependent].allowed.get_mut(n) {
                            a.score = add_scores(a.score, col.score);
                        }
                    }
                }
            }
            let score = self.allowed(inst, node).map_or(0, |a| a.score);
            affected.insert(0, (node, score));
        }
        if col.score >= INFINITY
            && (col.dependent_role != Role::Promoted || col.primary_role != Role::Promoted)
        {
            for n in 0..self.rscs[dependent].allowed.len() {
                let found = affected.iter().find(|(an, _)| *an == n).copied();
                if let Some(Some(a)) = self.rscs[dependent].allowed.get_mut(n) {
                    match found {
                        None => a.score = -INFINITY,
                        Some((_, s)) => a.score = add_scores(a.score, s),
                    }
                }
            }
        }
    }

    /// Applies a promoted-role colocation with a promotable clone to the
    /// dependent's promotion priority
    /// (`pcmk__update_promotable_dependent_priority`).
    pub(crate) fn update_promotable_dependent_priority(
        &mut self,
        primary: RscIdx,
        dependent: RscIdx,
        c: usize,
    ) -> i32 {
        let col = self.colocations[c].clone();
        let found = self.find_compatible_instance_attr(
            dependent,
            primary,
            col.primary_role,
            false,
            Some(&col.node_attribute),
        );
        if found.is_some() {
            let p = self.rscs[dependent].priority;
            self.rscs[dependent].priority = add_scores(p, col.score);
            return col.score;
        }
        if col.score >= INFINITY {
            self.rscs[dependent].priority = -INFINITY;
            return -INFINITY;
        }
        0
    }

    /// Applies a role colocation to the dependent's promotion priority
    /// (`pcmk__apply_coloc_to_priority`).
    pub(crate) fn apply_coloc_to_priority(
        &mut self,
        dependent: RscIdx,
        primary: RscIdx,
        c: usize,
    ) -> i32 {
        let col = self.colocations[c].clone();
        let Some(dnode) = self.rscs[dependent].assigned else {
            return 0;
        };
        let pnode = self.rscs[primary].assigned;
        if pnode.is_some()
            && col.primary_role != Role::Unknown
            && col.primary_role != self.rscs[primary].next_role
        {
            return 0;
        }
        let dv = self.nodes[dnode]
            .attr(&col.node_attribute)
            .map(str::to_string);
        let pv = pnode.and_then(|n| self.nodes[n].attr(&col.node_attribute).map(str::to_string));
        let same = match (&dv, &pv) {
            (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
            (None, None) => true,
            _ => false,
        };
        let mut multiplier = 1;
        if !same {
            if col.score == INFINITY && col.dependent_role == Role::Promoted {
                multiplier = -1;
            } else {
                return 0;
            }
        } else if col.dependent_role == Role::Unpromoted {
            multiplier = -1;
        }
        let delta = multiplier * col.score;
        let p = self.rscs[dependent].priority;
        self.rscs[dependent].priority = add_scores(delta, p);
        delta
    }
}
