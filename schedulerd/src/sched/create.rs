//! Creating the actions that move each resource from its current role to
//! its next one (`pcmk__primitive_create_actions`,
//! `pcmk__group_create_actions`).

use crate::model::{
    ActionFlags, MultipleActive, NodeIdx, Role, RscFlags, RscIdx, Scheduler, Variant,
};

/// The next role on the way from one role to a target role.
fn next_role_toward(current: Role, target: Role) -> Role {
    use Role::*;
    match (current, target) {
        (Unknown, Unknown) => Unknown,
        (Unknown, _) => Stopped,
        (Stopped, Unknown) | (Stopped, Stopped) => Stopped,
        (Stopped, Started) => Started,
        (Stopped, Unpromoted) | (Stopped, Promoted) => Unpromoted,
        (Started, Unknown) | (Started, Stopped) => Stopped,
        (Started, Started) => Started,
        (Started, Unpromoted) => Unpromoted,
        (Started, Promoted) => Promoted,
        (Unpromoted, Unknown) | (Unpromoted, Stopped) | (Unpromoted, Started) => Stopped,
        (Unpromoted, Unpromoted) => Unpromoted,
        (Unpromoted, Promoted) => Promoted,
        (Promoted, Unknown) => Stopped,
        (Promoted, Promoted) => Promoted,
        (Promoted, _) => Unpromoted,
    }
}

/// Which transition a role change needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Nothing,
    Stop,
    Start,
    Promote,
    Demote,
    Error,
}

fn step_for(current: Role, next: Role) -> Step {
    use Role::*;
    match (current, next) {
        (Unknown, Stopped) => Step::Stop,
        (Unknown, _) => Step::Error,
        (Stopped, Unknown) | (Stopped, Promoted) => Step::Error,
        (Stopped, Stopped) => Step::Nothing,
        (Stopped, Started) | (Stopped, Unpromoted) => Step::Start,
        (Started, Unknown) => Step::Error,
        (Started, Stopped) => Step::Stop,
        (Started, Started) | (Started, Unpromoted) => Step::Nothing,
        (Started, Promoted) => Step::Promote,
        (Unpromoted, Unknown) => Step::Error,
        (Unpromoted, Stopped) | (Unpromoted, Started) => Step::Stop,
        (Unpromoted, Unpromoted) => Step::Nothing,
        (Unpromoted, Promoted) => Step::Promote,
        (Promoted, Unknown) => Step::Error,
        (Promoted, Promoted) => Step::Nothing,
        (Promoted, _) => Step::Demote,
    }
}

impl Scheduler {
    /// Creates the actions of a resource (`create_actions` method).
    pub fn create_actions(&mut self, rsc: RscIdx) {
        match self.rscs[rsc].variant {
            Variant::Primitive => self.primitive_create_actions(rsc),
            Variant::Group => {
                for m in self.rscs[rsc].children.clone() {
                    self.create_actions(m);
                }
                for task in ["start", "running", "stop", "stopped"] {
                    self.group_pseudo_op(rsc, task);
                }
                if crate::values::is_true(self.rscs[rsc].meta("promotable")) {
                    for task in ["demote", "demoted", "promote", "promoted"] {
                        self.group_pseudo_op(rsc, task);
                    }
                }
            }
            Variant::Clone => self.clone_create_actions(rsc),
            Variant::Bundle => {}
        }
    }

    fn group_pseudo_op(&mut self, rsc: RscIdx, task: &str) {
        let key = crate::model::op_key(&self.rscs[rsc].id, task, 0);
        let a = self.custom_action(Some(rsc), key, task, None, true);
        self.actions[a].set(ActionFlags::PSEUDO | ActionFlags::RUNNABLE);
    }

    fn run_step(&mut self, step: Step, rsc: RscIdx, node: Option<NodeIdx>, optional: bool) -> bool {
        match step {
            Step::Nothing | Step::Error => return false,
            Step::Stop => self.stop_resource(rsc, optional),
            Step::Start => {
                if let Some(n) = node {
                    self.start_resource(rsc, n, optional);
                }
            }
            Step::Promote => {
                if let Some(n) = node {
                    self.promote_resource(rsc, n, optional);
                }
            }
            Step::Demote => self.demote_resource(rsc, optional),
        }
        true
    }

    fn schedule_restart_actions(
        &mut self,
        rsc: RscIdx,
        current: Option<NodeIdx>,
        need_stop: bool,
        need_promote: bool,
    ) {
        self.rscs[rsc].flags.set(RscFlags::RESTARTING);
        let mut role = self.rscs[rsc].orig_role;
        while role != Role::Stopped {
            let next = next_role_toward(role, Role::Stopped);
            if !self.run_step(step_for(role, next), rsc, current, !need_stop) {
                break;
            }
            role = next;
        }
        loop {
            let r = &self.rscs[rsc];
            if !(r.orig_role <= r.next_role && role != r.orig_role && !r.has(RscFlags::BLOCKED)) {
                break;
            }
            let mut required = need_stop;
            let next = next_role_toward(role, r.orig_role);
            if next == Role::Promoted && need_promote {
                required = true;
            }
            let assigned = r.assigned;
            if !self.run_step(step_for(role, next), rsc, assigned, !required) {
                break;
            }
            role = next;
        }
        self.rscs[rsc].flags.clear(RscFlags::RESTARTING);
    }

    fn schedule_role_transition_actions(&mut self, rsc: RscIdx) {
        let mut role = self.rscs[rsc].orig_role;
        while role != self.rscs[rsc].next_role {
            let target = self.rscs[rsc].next_role;
            let next = next_role_toward(role, target);
            let assigned = self.rscs[rsc].assigned;
            if !self.run_step(step_for(role, next), rsc, assigned, false) {
                break;
            }
            role = next;
        }
    }

    fn primitive_create_actions(&mut self, rsc: RscIdx) {
        if self.rscs[rsc].next_role == Role::Unknown {
            self.rscs[rsc].next_role = if self.rscs[rsc].assigned.is_none() {
                Role::Stopped
            } else {
                Role::Started
            };
        }
        let (current, num_all, num_clean) = self.active_node(rsc);
        for src in self.rscs[rsc].dangling_migration_sources.clone() {
            self.abort_dangling_migration(rsc, src);
        }
        let assigned = self.rscs[rsc].assigned;
        let mut need_stop = false;
        let mut need_promote = false;
        let mut is_moving = false;
        let mut allow_migrate = false;
        if let (Some(c), Some(a)) = (current, assigned) {
            if c != a && self.rscs[rsc].next_role >= Role::Started {
                is_moving = true;
                allow_migrate = self.rsc_can_migrate(rsc, c);
                need_stop = true;
            }
        }
        let r = &self.rscs[rsc];
        let target = r.partial_migration_target;
        let multiply_active;
        if r.partial_migration_source.is_some()
            && target.is_some()
            && allow_migrate
            && num_all == 2
            && current == r.partial_migration_source
            && assigned == target
        {
            multiply_active = false;
        } else if r.partial_migration_source.is_some() || target.is_some() {
            need_stop = true;
            let r = &mut self.rscs[rsc];
            r.partial_migration_source = None;
            r.partial_migration_target = None;
            allow_migrate = false;
            multiply_active = false;
        } else if r.has(RscFlags::NEEDS_FENCING) {
            multiply_active = num_all > 1;
        } else {
            multiply_active = num_clean > 1;
        }
        if multiply_active {
            let class = self.rscs[rsc].class().to_string();
            let id = self.rscs[rsc].id.clone();
            self.sched_err(format!(
                "{class} resource {id} might be active on {num_all} nodes"
            ));
            match self.rscs[rsc].multiply_active {
                MultipleActive::Restart => need_stop = true,
                MultipleActive::StopUnexpected => {
                    need_stop = true;
                    self.rscs[rsc].flags.set(RscFlags::STOP_UNEXPECTED);
                }
                _ => {}
            }
        } else {
            self.rscs[rsc].flags.clear(RscFlags::STOP_UNEXPECTED);
        }
        if self.rscs[rsc].has(RscFlags::START_PENDING) {
            let a = self.start_action(rsc, assigned, true);
            self.actions[a].set(ActionFlags::ALWAYS_IN_GRAPH);
        }
        let r = &self.rscs[rsc];
        if is_moving {
            // Remaining checks are only for resources staying where they are
        } else if r.has(RscFlags::FAILED) {
            if r.has(RscFlags::STOP_IF_FAILED) {
                need_stop = true;
            } else if r.next_role == Role::Promoted {
                need_promote = true;
            }
        } else if r.has(RscFlags::BLOCKED) {
            need_stop = true;
        } else if r.orig_role > Role::Started && current.is_some() && assigned.is_some() {
            let start = self.start_action(rsc, assigned, true);
            if !self.actions[start].optional() {
                need_stop = true;
            }
        }
        self.schedule_restart_actions(rsc, current, need_stop, need_promote);
        self.schedule_role_transition_actions(rsc);
        self.create_recurring_actions(rsc);
        if allow_migrate {
            if let Some(c) = current {
                self.create_migration_actions(rsc, c);
            }
        }
    }

    fn is_expected_node(&self, rsc: RscIdx, node: NodeIdx) -> bool {
        let r = &self.rscs[rsc];
        r.has(RscFlags::STOP_UNEXPECTED)
            && r.has(RscFlags::RESTARTING)
            && r.next_role > Role::Stopped
            && r.assigned == Some(node)
    }

    fn stop_resource(&mut self, rsc: RscIdx, optional: bool) {
        for current in self.rscs[rsc].active.clone() {
            let mut optional = optional;
            if self.is_expected_node(rsc, current) {
                continue;
            }
            if let Some(t) = self.rscs[rsc].partial_migration_target {
                if current == t && self.rscs[rsc].assigned == Some(current) {
                    continue;
                }
                optional = false;
            }
            let stop = self.stop_action(rsc, Some(current), optional);
            if self.rscs[rsc].assigned.is_none() {
                self.set_reason(stop, Some("node availability"), true);
            } else if self.rscs[rsc].has(RscFlags::RESTARTING)
                && self.rscs[rsc].has(RscFlags::STOP_UNEXPECTED)
            {
                self.set_reason(stop, Some("being multiply active"), true);
            }
            if !self.rscs[rsc].has(RscFlags::MANAGED) {
                self.actions[stop].clear(ActionFlags::RUNNABLE);
            }
            if self.rscs[rsc].has(RscFlags::NEEDS_UNFENCING) {
                let unfence = self.fence_op(current, Some("on"), true, None, false);
                self.order_actions(stop, unfence, crate::model::RelFlags::THEN_IMPLIES_FIRST);
            }
        }
    }

    fn start_resource(&mut self, rsc: RscIdx, node: NodeIdx, optional: bool) {
        let start = self.start_action(rsc, Some(node), true);
        self.order_vs_unfencing(rsc, node, start, crate::model::RelFlags::FIRST_IMPLIES_THEN);
        if self.actions[start].runnable() && !optional {
            self.actions[start].clear(ActionFlags::OPTIONAL);
        }
        if self.is_expected_node(rsc, node) {
            self.actions[start].set(ActionFlags::PSEUDO);
        }
    }

    fn promote_resource(&mut self, rsc: RscIdx, node: NodeIdx, optional: bool) {
        let starts = self.resource_actions(rsc, Some(node), "start", true);
        let runnable = starts.iter().all(|&s| self.actions[s].runnable());
        if runnable {
            let p = self.promote_action(rsc, Some(node), optional);
            if self.is_expected_node(rsc, node) {
                self.actions[p].set(ActionFlags::PSEUDO);
            }
        } else {
            for p in self.resource_actions(rsc, Some(node), "promote", true) {
                self.actions[p].clear(ActionFlags::RUNNABLE);
            }
        }
    }

    fn demote_resource(&mut self, rsc: RscIdx, optional: bool) {
        for current in self.rscs[rsc].active.clone() {
            if !self.is_expected_node(rsc, current) {
                self.demote_action(rsc, Some(current), optional);
            }
        }
    }
}
