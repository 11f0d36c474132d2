//! Orderings and colocations with clones: reaching the instances, pairing
//! instances on the same node when interleaved
//! (`pcmk__instance_update_ordered_actions`,
//! `pcmk__clone_apply_coloc_score`).

use crate::model::{ActIdx, ActionFlags, NodeIdx, Role, RscFlags, RscIdx, Scheduler, Variant};
use crate::values::{INFINITY, is_true};

use crate::sched::ordering::{UPDATED_FIRST, UPDATED_THEN};

impl Scheduler {
    /// Whether an instance can be paired with `node` (`pcmk__instance_matches`).
    pub(crate) fn instance_matches(
        &self,
        instance: RscIdx,
        node: NodeIdx,
        role: Role,
        current: bool,
        attr: Option<&str>,
    ) -> bool {
        if role != Role::Unknown && role != self.rsc_state(instance, current) {
            return false;
        }
        if self.any_has_recursive(instance, RscFlags::BLOCKED) {
            return false;
        }
        let Some(inode) = self.rsc_location(instance, current) else {
            return false;
        };
        match attr {
            Some(a) => {
                let (x, y) = (self.nodes[inode].attr(a), self.nodes[node].attr(a));
                match (x, y) {
                    (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
                    (None, None) => true,
                    _ => false,
                }
            }
            None => inode == node,
        }
    }

    fn compatible_on_node(
        &self,
        rsc: RscIdx,
        node: NodeIdx,
        role: Role,
        current: bool,
        attr: Option<&str>,
    ) -> Option<RscIdx> {
        self.rscs[rsc]
            .children
            .iter()
            .copied()
            .find(|&i| self.instance_matches(i, node, role, current, attr))
    }

    /// An instance of `rsc` compatible with `match_rsc`: on the node
    /// `match_rsc` is (or will be) on, else on its best allowed node
    /// (`pcmk__find_compatible_instance`).
    pub(crate) fn find_compatible_instance(
        &self,
        match_rsc: RscIdx,
        rsc: RscIdx,
        role: Role,
        current: bool,
    ) -> Option<RscIdx> {
        self.find_compatible_instance_attr(match_rsc, rsc, role, current, None)
    }

    /// Like [`Scheduler::find_compatible_instance`], comparing nodes by a
    /// node attribute.
    pub(crate) fn find_compatible_instance_attr(
        &self,
        match_rsc: RscIdx,
        rsc: RscIdx,
        role: Role,
        current: bool,
        attr: Option<&str>,
    ) -> Option<RscIdx> {
        if let Some(node) = self.rsc_location(match_rsc, current) {
            return self.compatible_on_node(rsc, node, role, current, attr);
        }
        let mut nodes: Vec<NodeIdx> = self.rscs[match_rsc]
            .allowed
            .iter()
            .enumerate()
            .filter_map(|(n, a)| a.map(|_| n))
            .collect();
        nodes.sort_by(|&a, &b| self.compare_nodes(match_rsc, a, b, None));
        nodes
            .into_iter()
            .find_map(|n| self.compatible_on_node(rsc, n, role, current, attr))
    }

    fn can_interleave_actions(&self, first: ActIdx, then: ActIdx) -> bool {
        let (Some(fr), Some(tr)) = (self.actions[first].rsc, self.actions[then].rsc) else {
            return false;
        };
        if fr == tr
            || self.rscs[fr].variant < Variant::Clone
            || self.rscs[tr].variant < Variant::Clone
        {
            return false;
        }
        let uuid = &self.actions[then].uuid;
        let rsc = if uuid.ends_with("_stop_0") || uuid.ends_with("_demote_0") {
            fr
        } else {
            tr
        };
        is_true(self.rscs[rsc].meta("interleave"))
    }

    /// Updates an ordering whose "then" side is (or is handled by) a clone.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn instance_update_ordered_actions(
        &mut self,
        first: ActIdx,
        then: ActIdx,
        node: Option<NodeIdx>,
        flags: u32,
        filter: u32,
        kind: u32,
    ) -> u32 {
        let Some(then_rsc) = self.actions[then].rsc else {
            return 0;
        };
        if self.can_interleave_actions(first, then) {
            return self.update_interleaved_actions(first, then, node, filter, kind);
        }
        let mut changed = self.update_ordered_actions(first, then, node, flags, filter, kind);
        for instance in self.rscs[then_rsc].children.clone() {
            changed |= self
                .update_noninterleaved_actions(instance, first, then, node, flags, filter, kind);
        }
        changed
    }

    #[allow(clippy::too_many_arguments)]
    fn update_noninterleaved_actions(
        &mut self,
        instance: RscIdx,
        first: ActIdx,
        then: ActIdx,
        node: Option<NodeIdx>,
        flags: u32,
        filter: u32,
        kind: u32,
    ) -> u32 {
        let task = self.actions[then].task.clone();
        let Some(ia) = self.first_action_by_task(instance, &task, node) else {
            return 0;
        };
        if self.action_flags(ia, node) & ActionFlags::RUNNABLE == 0 {
            return 0;
        }
        let changed = self.update_ordered_for(Some(instance), first, ia, node, flags, filter, kind);
        if changed & UPDATED_THEN != 0 {
            for after in self.actions[ia].after.clone() {
                self.update_action_for_orderings(after.action);
            }
        }
        changed
    }

    fn update_interleaved_actions(
        &mut self,
        first: ActIdx,
        then: ActIdx,
        node: Option<NodeIdx>,
        filter: u32,
        kind: u32,
    ) -> u32 {
        let mut changed = 0;
        let (Some(first_rsc), Some(then_rsc)) = (self.actions[first].rsc, self.actions[then].rsc)
        else {
            return 0;
        };
        let uuid = self.actions[first].uuid.clone();
        let current = uuid.ends_with("_stopped_0") || uuid.ends_with("_demoted_0");
        let then_task = self.actions[then].task.clone();
        for then_inst in self.rscs[then_rsc].children.clone() {
            let Some(first_inst) =
                self.find_compatible_instance(then_inst, first_rsc, Role::Unknown, current)
            else {
                if !current
                    && kind
                        & (crate::model::RelFlags::UNRUNNABLE_FIRST_BLOCKS
                            | crate::model::RelFlags::FIRST_IMPLIES_THEN)
                        != 0
                    && self.assign_resource(then_inst, None, true, true)
                {
                    changed |= UPDATED_THEN;
                }
                continue;
            };
            let first_task = self.instance_task(first, first_inst);
            let Some(fa) = self.first_action_by_task(first_inst, &first_task, node) else {
                continue;
            };
            let Some(ta) = self.first_action_by_task(then_inst, &then_task, node) else {
                continue;
            };
            if self.order_actions(fa, ta, kind) {
                changed |= UPDATED_FIRST | UPDATED_THEN;
            }
            let fflags = self.action_flags(fa, node);
            changed |= self.update_ordered_for(Some(then_inst), fa, ta, node, fflags, filter, kind);
        }
        changed
    }

    fn can_interleave(&mut self, c: usize) -> bool {
        let col = &self.colocations[c];
        let (dependent, primary) = (col.dependent, col.primary);
        if self.rscs[dependent].variant <= Variant::Group
            || !is_true(self.rscs[dependent].meta("interleave"))
        {
            return false;
        }
        if self.clone_node_max(dependent) != self.clone_node_max(primary) {
            let (d, p) = (
                self.rscs[dependent].id.clone(),
                self.rscs[primary].id.clone(),
            );
            self.config_err(format!(
                "Cannot interleave {d} and {p} because they do not support the same number of instances per node"
            ));
            return false;
        }
        true
    }

    /// Applies a colocation with a clone as the primary to a primitive
    /// dependent (`pcmk__clone_apply_coloc_score`).
    pub(crate) fn clone_apply_coloc_score(&mut self, dependent: RscIdx, primary: RscIdx, c: usize) {
        if self.rscs[primary].has(RscFlags::UNASSIGNED) {
            return;
        }
        let col = self.colocations[c].clone();
        if self.rscs[primary].has(RscFlags::PROMOTABLE) && col.primary_role != Role::Unknown {
            if self.rscs[dependent].has(RscFlags::UNASSIGNED) {
                self.update_dependent_with_promotable(primary, dependent, c);
                return;
            }
            if col.dependent_role == Role::Promoted {
                self.update_promotable_dependent_priority(primary, dependent, c);
                return;
            }
        }
        if self.can_interleave(c) {
            match self.find_compatible_instance(dependent, primary, Role::Unknown, false) {
                Some(pi) => self.apply_coloc_score_for_primary(dependent, pi, c),
                None => {
                    if col.score >= INFINITY {
                        self.assign_resource(dependent, None, true, true);
                    }
                }
            }
            return;
        }
        if col.score >= INFINITY {
            let mut primary_nodes = Vec::new();
            for inst in self.rscs[primary].children.clone() {
                if let Some(n) = self.rsc_location(inst, false) {
                    if !self.any_has_recursive(inst, RscFlags::BLOCKED) {
                        primary_nodes.push(n);
                    }
                }
            }
            for n in 0..self.rscs[dependent].allowed.len() {
                if primary_nodes.contains(&n) {
                    continue;
                }
                if let Some(a) = self.rscs[dependent].allowed[n].as_mut() {
                    a.score = -INFINITY;
                }
            }
            return;
        }
        for inst in self.rscs[primary].children.clone() {
            self.apply_coloc_score_for_primary(dependent, inst, c);
        }
    }
}
