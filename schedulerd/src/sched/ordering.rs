//! Applying orderings: turning resource/task orderings into action
//! relations, then propagating "required" and "runnable" along them until
//! nothing changes (`pcmk__apply_orderings`,
//! `pcmk__update_action_for_orderings`).

use crate::model::{
    ActIdx, ActionFlags, NodeIdx, Ordering, RelFlags, Role, RscFlags, RscIdx, Scheduler, Variant,
    op_key, parse_op_key,
};

/// The first action of an ordering changed.
pub(crate) const UPDATED_FIRST: u32 = 1;
/// The then action of an ordering changed.
pub(crate) const UPDATED_THEN: u32 = 2;

impl Scheduler {
    /// Turns every recorded ordering into action relations and settles the
    /// actions' flags.
    pub(crate) fn apply_orderings(&mut self) {
        let mut i = 0;
        while i < self.orderings.len() {
            let order = self.orderings[i].clone();
            if let Some(r) = order.rsc1 {
                self.rsc_order_first(r, &order);
            } else if let Some(r) = order.rsc2 {
                self.order_resource_actions_after(order.action1, r, &order);
            } else if let (Some(a1), Some(a2)) = (order.action1, order.action2) {
                self.order_actions(a1, a2, order.flags);
            }
            i += 1;
        }
        for a in (0..self.actions.len()).rev() {
            self.block_colocation_dependents(a);
        }
        self.order_probes();
        for a in (0..self.actions.len()).rev() {
            self.update_action_for_orderings(a);
        }
    }

    fn find_actions_by_task(&mut self, rsc: RscIdx, key: &str) -> Vec<ActIdx> {
        let list = self.find_rsc_actions(rsc, key, None);
        if !list.is_empty() {
            return list;
        }
        let Some((_, task, interval)) = parse_op_key(key) else {
            return Vec::new();
        };
        let k = op_key(&self.rscs[rsc].id, &task, interval);
        self.find_rsc_actions(rsc, &k, None)
    }

    fn order_resource_actions_after(
        &mut self,
        first: Option<ActIdx>,
        rsc: RscIdx,
        order: &Ordering,
    ) {
        let mut flags = order.flags;
        let thens = match order.action2 {
            Some(a) => vec![a],
            None => {
                let key = order.task2.clone().unwrap_or_default();
                self.find_actions_by_task(rsc, &key)
            }
        };
        if thens.is_empty() {
            return;
        }
        if let Some(f) = first {
            if self.actions[f].rsc == Some(rsc) && self.actions[f].has(ActionFlags::MIGRATION_ABORT)
            {
                flags &= !RelFlags::FIRST_IMPLIES_THEN;
            }
        }
        if first.is_none() && flags & RelFlags::FIRST_IMPLIES_THEN == 0 {
            return;
        }
        for then in thens {
            match first {
                Some(f) => {
                    self.order_actions(f, then, flags);
                }
                None => self.actions[then].clear(ActionFlags::RUNNABLE),
            }
        }
    }

    fn rsc_order_first(&mut self, first_rsc: RscIdx, order: &Ordering) {
        let mut firsts = match order.action1 {
            Some(a) => vec![a],
            None => {
                let key = order.task1.clone().unwrap_or_default();
                self.find_actions_by_task(first_rsc, &key)
            }
        };
        let then_rsc = order.rsc2;
        if firsts.is_empty() && then_rsc == Some(first_rsc) {
            // First not found for the same resource: ignore
        } else if firsts.is_empty() {
            let Some((_, op_type, interval)) = order.task1.as_deref().and_then(parse_op_key) else {
                return;
            };
            let key = op_key(&self.rscs[first_rsc].id, &op_type, interval);
            let role = self.rscs[first_rsc].orig_role;
            if (role == Role::Stopped && op_type == "stop")
                || (role == Role::Unpromoted && op_type == "demote")
            {
                // Nothing to order
            } else {
                let a = self.custom_action(Some(first_rsc), key, &op_type, None, true);
                firsts.push(a);
            }
        }
        let then_rsc = match then_rsc {
            Some(r) => Some(r),
            None => match order.action2 {
                None => return,
                Some(a) => self.actions[a].rsc,
            },
        };
        for f in firsts {
            match then_rsc {
                None => {
                    if let Some(a2) = order.action2 {
                        self.order_actions(f, a2, order.flags);
                    }
                }
                Some(tr) => self.order_resource_actions_after(Some(f), tr, order),
            }
        }
    }

    /// Flags of an action as seen by an ordering
    /// (`action_flags_for_ordering`): only clones look at the node; other
    /// resources' flags are taken without one.
    pub(crate) fn action_flags(&mut self, action: ActIdx, node: Option<NodeIdx>) -> u32 {
        let Some(rsc) = self.actions[action].rsc else {
            return self.actions[action].flags.0;
        };
        match self.rscs[rsc].variant {
            Variant::Group => self.group_action_flags(action, None),
            Variant::Clone => self.collective_action_flags(action, node),
            _ => self.actions[action].flags.0,
        }
    }

    /// Flags of an action for an ordering: a clone action counts as
    /// runnable on a node if it is runnable anywhere
    /// (`action_flags_for_ordering`).
    fn action_flags_for_ordering(&mut self, action: ActIdx, node: Option<NodeIdx>) -> u32 {
        let Some(rsc) = self.actions[action].rsc else {
            return self.actions[action].flags.0;
        };
        let flags = self.action_flags(action, None);
        if node.is_none() || self.rscs[rsc].variant != Variant::Clone {
            return flags;
        }
        let runnable = flags & ActionFlags::RUNNABLE != 0;
        let mut flags = self.action_flags(action, node);
        if runnable {
            flags |= ActionFlags::RUNNABLE;
        }
        flags
    }

    fn group_action_flags(&mut self, action: ActIdx, node: Option<NodeIdx>) -> u32 {
        let mut flags = ActionFlags::OPTIONAL | ActionFlags::RUNNABLE | ActionFlags::PSEUDO;
        let rsc = self.actions[action].rsc.unwrap_or_default();
        let task = self.actions[action].task.clone();
        for m in self.rscs[rsc].children.clone() {
            // Primitive members map "running" to "start" and so on
            let member_task = match (self.rscs[m].is_primitive(), task.as_str()) {
                (true, "stopped") => "stop",
                (true, "running") => "start",
                (true, "demoted") => "demote",
                (true, "promoted") => "promote",
                (_, t) => t,
            }
            .to_string();
            match self.first_action_by_task(m, &member_task, node) {
                Some(ma) => {
                    let mf = self.action_flags(ma, node);
                    if flags & ActionFlags::OPTIONAL != 0 && mf & ActionFlags::OPTIONAL == 0 {
                        flags &= !ActionFlags::OPTIONAL;
                        self.actions[action].clear(ActionFlags::OPTIONAL);
                    }
                    if member_task != task
                        && flags & ActionFlags::RUNNABLE != 0
                        && mf & ActionFlags::RUNNABLE == 0
                    {
                        flags &= !ActionFlags::RUNNABLE;
                        self.actions[action].clear(ActionFlags::RUNNABLE);
                    }
                }
                None => {
                    if member_task != "stop" && member_task != "demote" {
                        flags &= !ActionFlags::RUNNABLE;
                    }
                }
            }
        }
        flags
    }

    /// Maps a collective resource's action to the one used for ordering
    /// (start -> running, and so on).
    fn action_for_ordering(&mut self, action: ActIdx) -> ActIdx {
        let Some(rsc) = self.actions[action].rsc else {
            return action;
        };
        if self.rscs[rsc].variant < Variant::Group {
            return action;
        }
        let uuid = self.actions[action].uuid.clone();
        if uuid.contains("notify") {
            return action;
        }
        let Some((rid, task, interval)) = parse_op_key(&uuid) else {
            return action;
        };
        if interval > 0 {
            return action;
        }
        let mapped = match task.as_str() {
            "stop" => "stopped",
            "start" => "running",
            "notify" => "notified",
            "promote" => "promoted",
            "demote" => "demoted",
            "stopped" | "running" | "notified" | "promoted" | "demoted" => task.as_str(),
            _ => return action,
        };
        let r = &self.rscs[rsc];
        let key = if r.has(RscFlags::NOTIFY) && r.variant == Variant::Clone {
            format!("{rid}_confirmed-post_notify_{mapped}_0")
        } else {
            op_key(&rid, mapped, 0)
        };
        self.rscs[rsc]
            .actions
            .iter()
            .rev()
            .copied()
            .find(|&a| self.actions[a].uuid.eq_ignore_ascii_case(&key))
            .unwrap_or(action)
    }

    fn group_location(&self, rsc: RscIdx) -> Option<NodeIdx> {
        // native_location for the assigned node of a collective resource
        let mut nodes: Vec<NodeIdx> = Vec::new();
        self.collect_assigned(rsc, &mut nodes);
        if nodes.len() == 1 {
            Some(nodes[0])
        } else {
            None
        }
    }

    fn collect_assigned(&self, rsc: RscIdx, out: &mut Vec<NodeIdx>) {
        let r = &self.rscs[rsc];
        if r.children.is_empty() {
            if let Some(n) = r.assigned {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        } else {
            for &c in &r.children {
                self.collect_assigned(c, out);
            }
        }
    }

    /// Re-evaluates an action's flags against everything ordered before it
    /// (`pcmk__update_action_for_orderings`).
    pub(crate) fn update_action_for_orderings(&mut self, then: ActIdx) {
        let mut changed = 0u32;
        let last_flags = self.actions[then].flags.0;
        if self.actions[then].required_runnable_before > 0 {
            self.actions[then].runnable_before = 0;
            self.actions[then].clear(ActionFlags::RUNNABLE);
        }
        let mut i = 0;
        while i < self.actions[then].before.len() {
            let other = self.actions[then].before[i];
            let orig_first = other.action;
            let mut first = orig_first;
            let mut then_node = self.actions[then].node;
            let mut first_node = self.actions[first].node;
            if let Some(fr) = self.actions[first].rsc {
                if self.rscs[fr].variant == Variant::Group && self.actions[first].task == "start" {
                    first_node = self.group_location(fr);
                }
            }
            if let Some(tr) = self.actions[then].rsc {
                if self.rscs[tr].variant == Variant::Group && self.actions[then].task == "start" {
                    then_node = self.group_location(tr);
                }
            }
            if other.flags & RelFlags::IF_ON_SAME_NODE != 0 {
                if let (Some(f), Some(t)) = (first_node, then_node) {
                    if f != t {
                        self.actions[then].before[i].flags = RelFlags::NONE;
                        i += 1;
                        continue;
                    }
                }
            }
            changed &= !UPDATED_FIRST;
            if self.actions[first].rsc.is_some()
                && other.flags & RelFlags::THEN_CANCELS_FIRST != 0
                && !self.actions[then].optional()
            {
                self.actions[first].set(ActionFlags::OPTIONAL);
                if self.actions[first].task == "reload-agent" {
                    if let Some(fr) = self.actions[first].rsc {
                        self.rscs[fr].flags.clear(RscFlags::RELOAD);
                    }
                }
            }
            if let (Some(fr), Some(tr)) = (self.actions[first].rsc, self.actions[then].rsc) {
                if fr != tr && !self.is_ancestor(tr, fr) {
                    first = self.action_for_ordering(first);
                }
            }
            let len_before = self.actions[then].before.len();
            if first == orig_first {
                let first_flags = self.action_flags_for_ordering(first, then_node);
                let then_flags = self.action_flags_for_ordering(then, first_node);
                changed |=
                    self.update_action_for_ordering_flags(first, then, first_flags, then_flags, i);
            } else if self.order_actions(first, then, other.flags) {
                changed |= UPDATED_THEN;
                // The new relation was prepended, so the current one moved
                let shift = self.actions[then].before.len() - len_before;
                self.actions[then].before[i + shift].flags = RelFlags::NONE;
            }
            // Relations are only ever prepended: keep pointing at this one
            i += self.actions[then].before.len() - len_before;
            if changed & UPDATED_FIRST != 0 {
                let len_mid = self.actions[then].before.len();
                let afters = self.actions[first].after.clone();
                for o in afters {
                    self.update_action_for_orderings(o.action);
                }
                self.update_action_for_orderings(first);
                i += self.actions[then].before.len().saturating_sub(len_mid);
            }
            i += 1;
        }
        if self.actions[then].required_runnable_before > 0 {
            if last_flags == self.actions[then].flags.0 {
                changed &= !UPDATED_THEN;
            } else {
                changed |= UPDATED_THEN;
            }
        }
        if changed & UPDATED_THEN != 0 {
            if last_flags & ActionFlags::RUNNABLE != 0 && !self.actions[then].runnable() {
                self.block_colocation_dependents(then);
            }
            self.update_action_for_orderings(then);
            let afters = self.actions[then].after.clone();
            for o in afters {
                self.update_action_for_orderings(o.action);
            }
        }
    }

    fn update_action_for_ordering_flags(
        &mut self,
        first: ActIdx,
        then: ActIdx,
        first_flags: u32,
        then_flags: u32,
        rel_index: usize,
    ) -> u32 {
        let mut changed = 0;
        let mut rel_flags = self.actions[then].before[rel_index].flags;
        let mut node = self.actions[then].node;
        if rel_flags & RelFlags::FIRST_IMPLIES_SAME_NODE_THEN != 0 {
            rel_flags &= !RelFlags::FIRST_IMPLIES_SAME_NODE_THEN;
            rel_flags |= RelFlags::FIRST_IMPLIES_THEN;
            self.actions[then].before[rel_index].flags = rel_flags;
            node = self.actions[first].node;
        }
        let then_rsc = self.actions[then].rsc;
        let first_rsc = self.actions[first].rsc;
        if rel_flags & RelFlags::FIRST_IMPLIES_THEN != 0 {
            if then_rsc.is_some() {
                changed |= self.update_ordered(
                    first,
                    then,
                    node,
                    first_flags & ActionFlags::OPTIONAL,
                    ActionFlags::OPTIONAL,
                    RelFlags::FIRST_IMPLIES_THEN,
                );
            } else if first_flags & ActionFlags::OPTIONAL == 0 && self.actions[then].optional() {
                self.actions[then].clear(ActionFlags::OPTIONAL);
                changed |= UPDATED_THEN;
            }
        }
        if rel_flags & RelFlags::INTERMEDIATE_STOP != 0 && then_rsc.is_some() {
            changed |= self.update_ordered(
                first,
                then,
                node,
                first_flags,
                ActionFlags::OPTIONAL | ActionFlags::RUNNABLE,
                RelFlags::INTERMEDIATE_STOP,
            );
        }
        if rel_flags & RelFlags::THEN_IMPLIES_FIRST != 0 {
            if first_rsc.is_some() {
                changed |= self.update_ordered_for(
                    first_rsc,
                    first,
                    then,
                    node,
                    first_flags,
                    ActionFlags::OPTIONAL,
                    RelFlags::THEN_IMPLIES_FIRST,
                );
            } else if first_flags & ActionFlags::OPTIONAL == 0 && self.actions[first].runnable() {
                self.actions[first].clear(ActionFlags::RUNNABLE);
                changed |= UPDATED_FIRST;
            }
        }
        if rel_flags & RelFlags::PROMOTED_THEN_IMPLIES_FIRST != 0 && then_rsc.is_some() {
            changed |= self.update_ordered(
                first,
                then,
                node,
                first_flags & ActionFlags::OPTIONAL,
                ActionFlags::OPTIONAL,
                RelFlags::PROMOTED_THEN_IMPLIES_FIRST,
            );
        }
        if rel_flags & RelFlags::MIN_RUNNABLE != 0 {
            if then_rsc.is_some() {
                changed |= self.update_ordered(
                    first,
                    then,
                    node,
                    first_flags,
                    ActionFlags::RUNNABLE,
                    RelFlags::MIN_RUNNABLE,
                );
            } else if first_flags & ActionFlags::RUNNABLE != 0 {
                let t = &mut self.actions[then];
                t.runnable_before += 1;
                if t.runnable_before >= t.required_runnable_before && !t.runnable() {
                    t.set(ActionFlags::RUNNABLE);
                    changed |= UPDATED_THEN;
                }
            }
        }
        if rel_flags & RelFlags::NESTED_REMOTE_PROBE != 0 && then_rsc.is_some() {
            if first_flags & ActionFlags::RUNNABLE == 0
                && first_rsc.is_some_and(|r| !self.rscs[r].active.is_empty())
            {
                self.actions[then].before[rel_index].flags = RelFlags::NONE;
            } else {
                changed |= self.update_ordered(
                    first,
                    then,
                    node,
                    first_flags,
                    ActionFlags::RUNNABLE,
                    RelFlags::UNRUNNABLE_FIRST_BLOCKS,
                );
            }
        }
        if rel_flags & RelFlags::UNRUNNABLE_FIRST_BLOCKS != 0 {
            if then_rsc.is_some() {
                changed |= self.update_ordered(
                    first,
                    then,
                    node,
                    first_flags,
                    ActionFlags::RUNNABLE,
                    RelFlags::UNRUNNABLE_FIRST_BLOCKS,
                );
            } else if first_flags & ActionFlags::RUNNABLE == 0 && self.actions[then].runnable() {
                self.actions[then].clear(ActionFlags::RUNNABLE);
                changed |= UPDATED_THEN;
            }
        }
        if rel_flags & RelFlags::UNMIGRATABLE_THEN_BLOCKS != 0 && then_rsc.is_some() {
            changed |= self.update_ordered(
                first,
                then,
                node,
                first_flags,
                ActionFlags::OPTIONAL,
                RelFlags::UNMIGRATABLE_THEN_BLOCKS,
            );
        }
        if rel_flags & RelFlags::FIRST_ELSE_THEN != 0 && then_rsc.is_some() {
            changed |= self.update_ordered(
                first,
                then,
                node,
                first_flags,
                ActionFlags::OPTIONAL,
                RelFlags::FIRST_ELSE_THEN,
            );
        }
        if rel_flags & RelFlags::ORDERED != 0 && then_rsc.is_some() {
            changed |= self.update_ordered(
                first,
                then,
                node,
                first_flags,
                ActionFlags::RUNNABLE,
                RelFlags::ORDERED,
            );
        }
        if rel_flags & RelFlags::ASYMMETRIC != 0 && then_rsc.is_some() {
            changed |= self.update_ordered(
                first,
                then,
                node,
                first_flags,
                ActionFlags::RUNNABLE,
                RelFlags::ASYMMETRIC,
            );
        }
        if self.actions[first].runnable()
            && rel_flags & RelFlags::FIRST_IMPLIES_THEN_GRAPHED != 0
            && first_flags & ActionFlags::OPTIONAL == 0
        {
            self.actions[then].set(ActionFlags::ALWAYS_IN_GRAPH);
        }
        if rel_flags & RelFlags::THEN_IMPLIES_FIRST_GRAPHED != 0
            && then_flags & ActionFlags::OPTIONAL == 0
        {
            self.actions[first].set(ActionFlags::ALWAYS_IN_GRAPH);
        }
        if rel_flags
            & (RelFlags::FIRST_IMPLIES_THEN
                | RelFlags::THEN_IMPLIES_FIRST
                | RelFlags::INTERMEDIATE_STOP)
            != 0
        {
            if let Some(fr) = first_rsc {
                let r = &self.rscs[fr];
                if !r.has(RscFlags::MANAGED)
                    && r.has(RscFlags::BLOCKED)
                    && !self.actions[first].runnable()
                    && self.actions[first].task == "stop"
                    && self.actions[then].runnable()
                {
                    self.actions[then].clear(ActionFlags::RUNNABLE);
                    changed |= UPDATED_THEN;
                }
            }
        }
        changed
    }

    fn update_ordered(
        &mut self,
        first: ActIdx,
        then: ActIdx,
        node: Option<NodeIdx>,
        flags: u32,
        filter: u32,
        kind: u32,
    ) -> u32 {
        let then_rsc = self.actions[then].rsc;
        self.update_ordered_for(then_rsc, first, then, node, flags, filter, kind)
    }

    /// Dispatches `update_ordered_actions` by the variant of `rsc`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn update_ordered_for(
        &mut self,
        rsc: Option<RscIdx>,
        first: ActIdx,
        then: ActIdx,
        node: Option<NodeIdx>,
        flags: u32,
        filter: u32,
        kind: u32,
    ) -> u32 {
        let Some(rsc) = rsc else { return 0 };
        if self.rscs[rsc].variant == Variant::Clone {
            return self.instance_update_ordered_actions(first, then, node, flags, filter, kind);
        }
        if self.rscs[rsc].variant == Variant::Group {
            let mut changed = self.update_ordered_actions(first, then, node, flags, filter, kind);
            let Some(tr) = self.actions[then].rsc else {
                return changed;
            };
            let task = self.actions[then].task.clone();
            for m in self.rscs[tr].children.clone() {
                if let Some(ma) = self.first_action_by_task(m, &task, node) {
                    changed |=
                        self.update_ordered_for(Some(m), first, ma, node, flags, filter, kind);
                }
            }
            return changed;
        }
        self.update_ordered_actions(first, then, node, flags, filter, kind)
    }

    fn handle_asymmetric_ordering(&mut self, first: ActIdx, then: ActIdx) {
        let Some(tr) = self.actions[then].rsc else {
            return;
        };
        if self.actions[first].runnable() {
            return;
        }
        if self.actions[then].optional() {
            let role = self.rscs[tr].orig_role;
            let task = self.actions[then].task.clone();
            if role == Role::Stopped && task == "stop" {
                return;
            }
            if role >= Role::Started && task == "start" {
                let tn = self.actions[then].node;
                let r = &self.rscs[tr];
                if tn.is_some() && r.active.len() == 1 && r.active.first().copied() == tn {
                    return;
                }
            }
        }
        self.clear_action_flag_because(then, ActionFlags::OPTIONAL, first);
        self.clear_action_flag_because(then, ActionFlags::RUNNABLE, first);
    }

    fn handle_restart_ordering(&mut self, first: ActIdx, then: ActIdx, filter: u32) {
        let mut reason = false;
        if filter & ActionFlags::OPTIONAL != 0 && !self.actions[then].optional() {
            reason = true;
        }
        let tr = self.actions[then].rsc;
        if filter & ActionFlags::RUNNABLE != 0
            && !self.actions[then].runnable()
            && tr.is_some_and(|r| self.rscs[r].has(RscFlags::MANAGED))
            && self.actions[first].rsc == tr
        {
            reason = true;
        }
        if !reason {
            return;
        }
        if self.actions[first].runnable() {
            self.clear_action_flag_because(first, ActionFlags::OPTIONAL, then);
        }
        if !self.actions[then].optional() {
            self.clear_action_flag_because(first, ActionFlags::OPTIONAL, then);
        }
        if !self.actions[then].has(ActionFlags::MIGRATABLE) {
            self.clear_action_flag_because(first, ActionFlags::MIGRATABLE, then);
        }
        if !self.actions[first].optional() && !self.actions[first].runnable() {
            self.clear_action_flag_because(then, ActionFlags::RUNNABLE, first);
        }
    }

    /// Updates two ordered actions' flags (`pcmk__update_ordered_actions`).
    pub(crate) fn update_ordered_actions(
        &mut self,
        first: ActIdx,
        then: ActIdx,
        _node: Option<NodeIdx>,
        flags: u32,
        filter: u32,
        kind: u32,
    ) -> u32 {
        let mut changed = 0;
        let then_flags = self.actions[then].flags.0;
        let first_flags = self.actions[first].flags.0;
        if kind & RelFlags::ASYMMETRIC != 0 {
            self.handle_asymmetric_ordering(first, then);
        }
        if kind & RelFlags::THEN_IMPLIES_FIRST != 0 && then_flags & ActionFlags::OPTIONAL == 0 {
            if filter & ActionFlags::OPTIONAL != 0
                && flags & ActionFlags::OPTIONAL == 0
                && first_flags & ActionFlags::OPTIONAL != 0
            {
                self.clear_action_flag_because(first, ActionFlags::OPTIONAL, then);
            }
            if flags & ActionFlags::MIGRATABLE != 0
                && !self.actions[then].has(ActionFlags::MIGRATABLE)
            {
                self.clear_action_flag_because(first, ActionFlags::MIGRATABLE, then);
            }
        }
        if kind & RelFlags::PROMOTED_THEN_IMPLIES_FIRST != 0
            && self.actions[then]
                .rsc
                .is_some_and(|r| self.rscs[r].orig_role == Role::Promoted)
            && filter & ActionFlags::OPTIONAL != 0
            && !self.actions[then].optional()
        {
            self.clear_action_flag_because(first, ActionFlags::OPTIONAL, then);
            if self.actions[first].has(ActionFlags::MIGRATABLE)
                && !self.actions[then].has(ActionFlags::MIGRATABLE)
            {
                self.clear_action_flag_because(first, ActionFlags::MIGRATABLE, then);
            }
        }
        if kind & RelFlags::UNMIGRATABLE_THEN_BLOCKS != 0 && filter & ActionFlags::OPTIONAL != 0 {
            let t = &self.actions[then];
            if !(t.has(ActionFlags::MIGRATABLE) && t.runnable()) {
                self.clear_action_flag_because(first, ActionFlags::RUNNABLE, then);
            }
            if !self.actions[then].optional() {
                self.clear_action_flag_because(first, ActionFlags::OPTIONAL, then);
            }
        }
        if kind & RelFlags::FIRST_ELSE_THEN != 0
            && filter & ActionFlags::OPTIONAL != 0
            && !self.actions[first].runnable()
        {
            self.clear_action_flag_because(then, ActionFlags::MIGRATABLE, first);
            self.actions[then].clear(ActionFlags::PSEUDO);
        }
        if kind & RelFlags::UNRUNNABLE_FIRST_BLOCKS != 0
            && filter & ActionFlags::RUNNABLE != 0
            && self.actions[then].runnable()
            && flags & ActionFlags::RUNNABLE == 0
        {
            self.clear_action_flag_because(then, ActionFlags::RUNNABLE, first);
            self.clear_action_flag_because(then, ActionFlags::MIGRATABLE, first);
        }
        if kind & RelFlags::FIRST_IMPLIES_THEN != 0
            && filter & ActionFlags::OPTIONAL != 0
            && self.actions[then].optional()
            && flags & ActionFlags::OPTIONAL == 0
            && !self.actions[first].has(ActionFlags::MIGRATABLE)
        {
            self.clear_action_flag_because(then, ActionFlags::OPTIONAL, first);
        }
        if kind & RelFlags::INTERMEDIATE_STOP != 0 {
            self.handle_restart_ordering(first, then, filter);
        }
        if then_flags != self.actions[then].flags.0 {
            changed |= UPDATED_THEN;
            if self.actions[then]
                .rsc
                .is_some_and(|r| self.rscs[r].parent.is_some())
            {
                self.update_action_for_orderings(then);
            }
        }
        if first_flags != self.actions[first].flags.0 {
            changed |= UPDATED_FIRST;
        }
        changed
    }

    /// Blocks dependents of a primary whose start (or promote) cannot run
    /// (`pcmk__block_colocation_dependents`).
    fn block_colocation_dependents(&mut self, action: ActIdx) {
        if self.actions[action].runnable() {
            return;
        }
        let task = self.actions[action].task.clone();
        let is_start = task == "start";
        if !is_start && task != "promote" {
            return;
        }
        let Some(arsc) = self.actions[action].rsc else {
            return;
        };
        let mut rsc = self.uber_parent(arsc);
        if let Some(p) = self.rscs[rsc].parent {
            rsc = p;
        }
        for c in self.rscs[rsc].children.clone() {
            match self.first_action_by_task(c, &task, None) {
                None => return,
                Some(ca) if self.actions[ca].runnable() => return,
                _ => {}
            }
        }
        for c in self.with_this_colocations(rsc) {
            let col = self.colocations[c].clone();
            if col.score < crate::values::INFINITY {
                continue;
            }
            if !is_start && col.primary_role != Role::Promoted {
                continue;
            }
            let t = if col.dependent_role == Role::Promoted {
                "promote"
            } else {
                "start"
            };
            self.mark_action_blocked(col.dependent, t, arsc);
        }
    }

    fn mark_action_blocked(&mut self, rsc: RscIdx, task: &str, reason: RscIdx) {
        let reason_text = format!("colocation with {}", self.rscs[reason].id);
        for a in self.rscs[rsc].actions.clone().into_iter().rev() {
            if self.actions[a].task == task && self.actions[a].runnable() {
                self.actions[a].clear(ActionFlags::RUNNABLE);
                self.set_reason(a, Some(&reason_text), false);
                self.block_colocation_dependents(a);
                self.update_action_for_orderings(a);
            }
        }
        for c in self.rscs[rsc].children.clone() {
            self.mark_action_blocked(c, task, reason);
        }
    }
}
