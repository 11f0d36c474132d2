//! Recurring operations: monitors for the role a resource will have, and
//! for the Stopped role elsewhere (`pcmk_sched_recurring.c`).

use crate::model::{
    ActIdx, ActionFlags, NodeIdx, RelFlags, Role, RscFlags, RscIdx, Scheduler, op_key,
};
use crate::values::{parse_bool, parse_interval_ms};

/// A configured recurring operation.
struct RecurringOp {
    id: String,
    name: String,
    key: String,
    role: Role,
    interval_ms: u64,
}

impl Scheduler {
    fn recurring_ops(&mut self, rsc: RscIdx) -> Vec<RecurringOp> {
        let ops: Vec<pcmk_common::xml::Element> = self.rsc_ops(rsc).into_iter().cloned().collect();
        let mut out = Vec::new();
        for op in &ops {
            let interval = op.attr("interval").and_then(parse_interval_ms).unwrap_or(0);
            if interval == 0 {
                continue;
            }
            let Some(id) = op.id().filter(|i| !i.is_empty()) else {
                self.config_err("Ignoring resource history entry without ID");
                continue;
            };
            let name = op.attr("name").unwrap_or("");
            if matches!(
                name,
                "stop"
                    | "start"
                    | "demote"
                    | "promote"
                    | "reload-agent"
                    | "migrate_to"
                    | "migrate_from"
            ) {
                self.config_err(format!(
                    "Ignoring {id} because {name} action cannot be recurring"
                ));
                continue;
            }
            // Duplicates of name and interval
            let mut first: Option<&str> = None;
            let mut dup = false;
            for o in &ops {
                if o.attr("name") != Some(name)
                    || o.attr("interval").and_then(parse_interval_ms).unwrap_or(0) != interval
                {
                    continue;
                }
                let Some(oid) = o.id() else { continue };
                match first {
                    None => first = Some(oid),
                    Some(f) => {
                        let msg = format!(
                            "Operation {oid} is duplicate of {f} (do not use same name and interval combination more than once per resource)"
                        );
                        self.config_err(msg);
                        dup = true;
                        break;
                    }
                }
            }
            if dup {
                continue;
            }
            let role = match op.attr("role") {
                None => Role::Unknown,
                Some(r) => match Role::parse(r) {
                    Role::Unknown => {
                        self.config_err(format!(
                            "Ignoring {id} role because {r} is not a valid role"
                        ));
                        continue;
                    }
                    role => role,
                },
            };
            if self
                .find_action_config(rsc, name, interval, false)
                .is_none()
            {
                continue;
            }
            out.push(RecurringOp {
                id: id.to_string(),
                name: name.to_string(),
                key: op_key(&self.rscs[rsc].id, name, interval),
                role,
                interval_ms: interval,
            });
        }
        out
    }

    /// Creates a resource's recurring actions (`pcmk__create_recurring_actions`).
    pub(crate) fn create_recurring_actions(&mut self, rsc: RscIdx) {
        if self.rscs[rsc].has(RscFlags::BLOCKED) || self.rscs[rsc].has(RscFlags::MAINTENANCE) {
            return;
        }
        let assigned = self.rscs[rsc].assigned;
        let mut start = None;
        if let Some(a) = assigned {
            if !self.nodes[a].maintenance
                && (self.rscs[rsc].next_role != Role::Stopped
                    || !self.rscs[rsc].has(RscFlags::MANAGED))
            {
                start = Some(self.start_action(rsc, Some(a), true));
            }
        }
        for op in self.recurring_ops(rsc) {
            if let Some(s) = start {
                self.recurring_op_for_active(rsc, s, assigned, &op);
            }
            self.recurring_op_for_inactive(rsc, assigned, &op);
        }
    }

    #[allow(clippy::if_same_then_else)]
    fn recurring_op_for_active(
        &mut self,
        rsc: RscIdx,
        start: ActIdx,
        node: Option<NodeIdx>,
        op: &RecurringOp,
    ) {
        if op.role == Role::Stopped {
            return;
        }
        let is_optional = match node {
            None => false,
            Some(n) => {
                self.actions[start].optional() && {
                    let m = self.find_rsc_actions_exact(rsc, &op.key, Some(n));
                    !m.is_empty()
                        && !m
                            .iter()
                            .any(|&a| self.actions[a].has(ActionFlags::RESCHEDULE))
                }
            }
        };
        let next = self.rscs[rsc].next_role;
        let role_match = if op.role == Role::Unknown {
            next != Role::Promoted
        } else {
            next == op.role
        };
        if !role_match {
            if is_optional {
                if let Some(n) = node {
                    let cancel = self.new_cancel_action(rsc, &op.name, op.interval_ms, n);
                    let after = match self.rscs[rsc].orig_role {
                        Role::Unpromoted | Role::Started => match next {
                            Role::Promoted => Some("promote"),
                            Role::Stopped => Some("stop"),
                            _ => None,
                        },
                        Role::Promoted => Some("demote"),
                        _ => None,
                    };
                    if let Some(t) = after {
                        let key = op_key(&self.rscs[rsc].id, t, 0);
                        self.new_ordering(
                            Some(rsc),
                            None,
                            Some(cancel),
                            Some(rsc),
                            Some(key),
                            None,
                            RelFlags::UNRUNNABLE_FIRST_BLOCKS,
                        );
                    }
                }
            }
            return;
        }
        let mon = self.custom_action(Some(rsc), op.key.clone(), &op.name, node, is_optional);
        if !self.actions[start].runnable() {
            self.actions[mon].clear(ActionFlags::RUNNABLE);
        } else if node.is_none_or(|n| !self.nodes[n].online || self.nodes[n].unclean) {
            self.actions[mon].clear(ActionFlags::RUNNABLE);
        }
        if next == Role::Promoted {
            self.actions[mon]
                .meta
                .insert("op_target_rc".into(), "8".into());
        }
        if node.is_none() || self.rscs[rsc].has(RscFlags::MANAGED) {
            let id = self.rscs[rsc].id.clone();
            let mon_uuid = self.actions[mon].uuid.clone();
            let flags = RelFlags::FIRST_IMPLIES_THEN | RelFlags::UNRUNNABLE_FIRST_BLOCKS;
            self.new_ordering(
                Some(rsc),
                Some(op_key(&id, "start", 0)),
                None,
                None,
                Some(mon_uuid.clone()),
                Some(mon),
                flags,
            );
            self.new_ordering(
                Some(rsc),
                Some(op_key(&id, "reload-agent", 0)),
                None,
                None,
                Some(mon_uuid),
                Some(mon),
                flags,
            );
            let oflags = RelFlags::ORDERED | RelFlags::UNRUNNABLE_FIRST_BLOCKS;
            if next == Role::Promoted {
                self.new_ordering(
                    Some(rsc),
                    Some(op_key(&id, "promote", 0)),
                    None,
                    Some(rsc),
                    None,
                    Some(mon),
                    oflags,
                );
            } else if self.rscs[rsc].orig_role == Role::Promoted {
                self.new_ordering(
                    Some(rsc),
                    Some(op_key(&id, "demote", 0)),
                    None,
                    Some(rsc),
                    None,
                    Some(mon),
                    oflags,
                );
            }
        }
    }

    fn recurring_op_for_inactive(&mut self, rsc: RscIdx, node: Option<NodeIdx>, op: &RecurringOp) {
        if op.role != Role::Stopped {
            return;
        }
        if !self.rscs[rsc].has(RscFlags::UNIQUE) {
            return;
        }
        let _ = &op.id;
        for i in 0..self.node_order.len() {
            let stop_node = self.node_order[i];
            if node.is_some_and(|n| {
                self.nodes[n]
                    .name
                    .eq_ignore_ascii_case(&self.nodes[stop_node].name)
            }) {
                if let Some(n) = node {
                    self.cancel_if_running(rsc, n, op);
                }
                continue;
            }
            let is_optional = !self
                .find_rsc_actions_exact(rsc, &op.key, Some(stop_node))
                .is_empty();
            let mon = self.custom_action(
                Some(rsc),
                op.key.clone(),
                &op.name,
                Some(stop_node),
                is_optional,
            );
            self.actions[mon]
                .meta
                .insert("op_target_rc".into(), "7".into());
            if self.rscs[rsc].has(RscFlags::MANAGED) {
                for probe in self.resource_actions(rsc, Some(stop_node), "monitor", false) {
                    self.order_actions(probe, mon, RelFlags::UNRUNNABLE_FIRST_BLOCKS);
                }
            }
            for stop in self.resource_actions(rsc, Some(stop_node), "stop", true) {
                if !self.actions[stop].optional()
                    && !self.actions[mon].optional()
                    && !self.rscs[rsc].has(RscFlags::MANAGED)
                {
                    self.actions[mon].set(ActionFlags::OPTIONAL);
                }
                if !self.actions[stop].runnable() {
                    self.actions[mon].clear(ActionFlags::RUNNABLE);
                }
                if self.rscs[rsc].has(RscFlags::MANAGED) {
                    let key = op_key(&self.rscs[rsc].id, "stop", 0);
                    self.new_ordering(
                        Some(rsc),
                        Some(key),
                        Some(stop),
                        None,
                        None,
                        Some(mon),
                        RelFlags::FIRST_IMPLIES_THEN | RelFlags::UNRUNNABLE_FIRST_BLOCKS,
                    );
                }
            }
            if !self.nodes[stop_node].online || self.nodes[stop_node].unclean {
                self.actions[mon].clear(ActionFlags::RUNNABLE);
            }
        }
    }

    fn cancel_if_running(&mut self, rsc: RscIdx, node: NodeIdx, op: &RecurringOp) {
        if self
            .find_rsc_actions_exact(rsc, &op.key, Some(node))
            .is_empty()
        {
            return;
        }
        let cancel = self.new_cancel_action(rsc, &op.name, op.interval_ms, node);
        if matches!(self.rscs[rsc].next_role, Role::Started | Role::Unpromoted) {
            let key = op_key(&self.rscs[rsc].id, "start", 0);
            self.new_ordering(
                Some(rsc),
                None,
                Some(cancel),
                Some(rsc),
                Some(key),
                None,
                RelFlags::UNRUNNABLE_FIRST_BLOCKS,
            );
        }
    }

    /// Creates a cancel action for a recurring operation
    /// (`pcmk__new_cancel_action`).
    pub fn new_cancel_action(
        &mut self,
        rsc: RscIdx,
        task: &str,
        interval_ms: u64,
        node: NodeIdx,
    ) -> ActIdx {
        let key = op_key(&self.rscs[rsc].id, task, interval_ms);
        let a = self.custom_action(Some(rsc), key, "cancel", Some(node), false);
        let act = &mut self.actions[a];
        act.task = "cancel".into();
        act.cancel_task = Some(task.to_string());
        act.meta.insert("operation".into(), task.to_string());
        act.meta.insert("interval".into(), interval_ms.to_string());
        a
    }

    /// Schedules cancellation of a recurring operation
    /// (`pcmk__schedule_cancel`).
    pub fn schedule_cancel(
        &mut self,
        rsc: RscIdx,
        call_id: Option<&str>,
        task: &str,
        interval_ms: u64,
        node: NodeIdx,
    ) {
        let cancel = self.new_cancel_action(rsc, task, interval_ms, node);
        if let Some(c) = call_id {
            self.actions[cancel]
                .meta
                .insert("call-id".into(), c.to_string());
        }
        let key = op_key(&self.rscs[rsc].id, "stop", 0);
        self.new_ordering(
            Some(rsc),
            Some(key),
            None,
            Some(rsc),
            None,
            Some(cancel),
            RelFlags::ORDERED,
        );
    }

    /// Whether an operation is enabled in the configuration.
    pub fn op_enabled(op: &pcmk_common::xml::Element) -> bool {
        op.attr("enabled").and_then(parse_bool) != Some(false)
    }
}
