//! Implicit constraints every resource brings: stop before start, group
//! member chaining and colocation (`internal_constraints` methods).

use crate::model::{ColocFlags, RelFlags, Role, RscFlags, RscIdx, Scheduler, Variant, op_key};
use crate::values::INFINITY;

impl Scheduler {
    /// Creates the implicit constraints of every resource.
    pub(crate) fn create_internal_constraints(&mut self) {
        for r in self.top.clone() {
            self.internal_constraints(r);
        }
    }

    pub(crate) fn internal_constraints(&mut self, rsc: RscIdx) {
        match self.rscs[rsc].variant {
            Variant::Primitive => self.primitive_internal_constraints(rsc),
            Variant::Group => self.group_internal_constraints(rsc),
            Variant::Clone => self.clone_internal_constraints(rsc),
            Variant::Bundle => {}
        }
    }

    fn primitive_internal_constraints(&mut self, rsc: RscIdx) {
        if !self.rscs[rsc].has(RscFlags::MANAGED) {
            return;
        }
        self.order_rsc_actions(
            rsc,
            "stop",
            rsc,
            "start",
            RelFlags::ORDERED | RelFlags::FIRST_IMPLIES_THEN | RelFlags::INTERMEDIATE_STOP,
        );
        let top = self.top_rsc(rsc, false);
        if self.rscs[top].has(RscFlags::PROMOTABLE) || self.rscs[rsc].orig_role > Role::Unpromoted {
            self.order_rsc_actions(
                rsc,
                "demote",
                rsc,
                "stop",
                RelFlags::PROMOTED_THEN_IMPLIES_FIRST,
            );
            self.order_rsc_actions(
                rsc,
                "start",
                rsc,
                "promote",
                RelFlags::UNRUNNABLE_FIRST_BLOCKS,
            );
        }
        self.order_rsc_actions(
            rsc,
            "lrm_delete",
            rsc,
            "monitor",
            RelFlags::IF_ON_SAME_NODE | RelFlags::THEN_CANCELS_FIRST,
        );
        if !self.rscs[rsc].utilization.is_empty() && self.uses_utilization() {
            self.create_utilization_constraints(rsc);
        }
        if let Some(launcher) = self.rscs[rsc].launcher {
            self.launcher_internal_constraints(rsc, launcher);
        }
        if self.rscs[rsc].has(RscFlags::REMOTE_CONNECTION)
            || self.rscs[rsc].has(RscFlags::FENCE_DEVICE)
        {
            for i in 0..self.rscs[rsc].allowed.len() {
                if self.nodes[i].remote_rsc.is_some() {
                    if let Some(a) = self.rscs[rsc].allowed[i].as_mut() {
                        a.score = -INFINITY;
                    }
                }
            }
        }
    }

    fn group_internal_constraints(&mut self, rsc: RscIdx) {
        self.order_rsc_actions(
            rsc,
            "stop",
            rsc,
            "stopped",
            RelFlags::UNRUNNABLE_FIRST_BLOCKS,
        );
        self.order_rsc_actions(rsc, "stopped", rsc, "start", RelFlags::ORDERED);
        self.order_rsc_actions(
            rsc,
            "start",
            rsc,
            "running",
            RelFlags::UNRUNNABLE_FIRST_BLOCKS,
        );
        let top = self.top_rsc(rsc, false);
        let ordered = self.group_flag(rsc, "ordered");
        let colocated = self.group_flag(rsc, "collocated");
        let promotable = self.rscs[top].has(RscFlags::PROMOTABLE);
        let mut previous: Option<RscIdx> = None;
        let mut last_active: Option<RscIdx> = None;
        for member in self.rscs[rsc].children.clone() {
            let mut down_flags = RelFlags::THEN_IMPLIES_FIRST_GRAPHED;
            let mut post_down_flags = RelFlags::FIRST_IMPLIES_THEN_GRAPHED;
            self.internal_constraints(member);
            match previous {
                None => {
                    if ordered {
                        down_flags |= RelFlags::ORDERED;
                        post_down_flags = RelFlags::FIRST_IMPLIES_THEN;
                    }
                }
                Some(prev) if colocated => {
                    let flags = if self.rscs[member].has(RscFlags::CRITICAL) {
                        ColocFlags::INFLUENCE
                    } else {
                        0
                    };
                    self.new_colocation(
                        "#group-members",
                        None,
                        INFINITY,
                        member,
                        prev,
                        Role::Unknown,
                        Role::Unknown,
                        flags,
                    );
                }
                Some(_) => {}
            }
            if promotable {
                self.order_rsc_actions(rsc, "demote", member, "demote", down_flags);
                self.order_rsc_actions(member, "demote", rsc, "demoted", post_down_flags);
                self.order_rsc_actions(
                    member,
                    "promote",
                    rsc,
                    "promoted",
                    RelFlags::UNRUNNABLE_FIRST_BLOCKS
                        | RelFlags::FIRST_IMPLIES_THEN
                        | RelFlags::FIRST_IMPLIES_THEN_GRAPHED,
                );
                self.order_rsc_actions(
                    rsc,
                    "promote",
                    member,
                    "promote",
                    RelFlags::THEN_IMPLIES_FIRST_GRAPHED,
                );
            }
            self.order_rsc_actions(rsc, "stop", member, "stop", down_flags);
            self.order_rsc_actions(member, "stop", rsc, "stopped", post_down_flags);
            self.order_rsc_actions(
                rsc,
                "start",
                member,
                "start",
                RelFlags::THEN_IMPLIES_FIRST_GRAPHED,
            );
            self.order_rsc_actions(
                member,
                "start",
                rsc,
                "running",
                RelFlags::UNRUNNABLE_FIRST_BLOCKS
                    | RelFlags::FIRST_IMPLIES_THEN
                    | RelFlags::FIRST_IMPLIES_THEN_GRAPHED,
            );
            if !ordered {
                self.order_rsc_actions(
                    rsc,
                    "start",
                    member,
                    "start",
                    RelFlags::FIRST_IMPLIES_THEN
                        | RelFlags::UNRUNNABLE_FIRST_BLOCKS
                        | RelFlags::THEN_IMPLIES_FIRST_GRAPHED,
                );
                if promotable {
                    self.order_rsc_actions(
                        rsc,
                        "promote",
                        member,
                        "promote",
                        RelFlags::FIRST_IMPLIES_THEN
                            | RelFlags::UNRUNNABLE_FIRST_BLOCKS
                            | RelFlags::THEN_IMPLIES_FIRST_GRAPHED,
                    );
                }
            } else if let Some(prev) = previous {
                self.order_rsc_actions(
                    prev,
                    "start",
                    member,
                    "start",
                    RelFlags::FIRST_IMPLIES_THEN | RelFlags::UNRUNNABLE_FIRST_BLOCKS,
                );
                self.order_rsc_actions(
                    member,
                    "stop",
                    prev,
                    "stop",
                    RelFlags::ORDERED | RelFlags::INTERMEDIATE_STOP,
                );
                if !self.rscs[member].active.is_empty() && self.rscs[prev].active.is_empty() {
                    self.order_rsc_actions(
                        member,
                        "stop",
                        prev,
                        "start",
                        RelFlags::THEN_IMPLIES_FIRST | RelFlags::UNRUNNABLE_FIRST_BLOCKS,
                    );
                }
                if promotable {
                    self.order_rsc_actions(
                        prev,
                        "promote",
                        member,
                        "promote",
                        RelFlags::FIRST_IMPLIES_THEN | RelFlags::UNRUNNABLE_FIRST_BLOCKS,
                    );
                    self.order_rsc_actions(member, "demote", prev, "demote", RelFlags::ORDERED);
                }
            } else {
                self.order_rsc_actions(rsc, "start", member, "start", RelFlags::NONE);
                if promotable {
                    self.order_rsc_actions(rsc, "promote", member, "promote", RelFlags::NONE);
                }
            }
            if !self.rscs[member].active.is_empty() {
                if ordered
                    && previous.is_some_and(|p| self.rscs[p].active.is_empty())
                    && last_active.is_some_and(|l| !self.rscs[l].active.is_empty())
                {
                    if let Some(l) = last_active {
                        self.order_rsc_actions(member, "stop", l, "stop", RelFlags::ORDERED);
                    }
                }
                last_active = Some(member);
            }
            previous = Some(member);
        }
    }

    /// Schedules clean-up of a resource's history on a node
    /// (`pcmk__schedule_cleanup`).
    pub(crate) fn schedule_cleanup(&mut self, rsc: RscIdx, node: usize, optional: bool) {
        let flag = if optional {
            RelFlags::FIRST_IMPLIES_THEN
        } else {
            RelFlags::ORDERED
        };
        if self.rscs[rsc].has(RscFlags::FAILED) {
            return;
        }
        if self.nodes[node].unclean || !self.nodes[node].online {
            return;
        }
        let key = op_key(&self.rscs[rsc].id, "delete", 0);
        self.custom_action(Some(rsc), key, "delete", Some(node), optional);
        self.order_rsc_actions(rsc, "stop", rsc, "delete", flag);
        self.order_rsc_actions(rsc, "delete", rsc, "start", flag);
    }

    /// Keeps a launched resource with its launcher, or on the guest node
    /// the launcher provides.
    fn launcher_internal_constraints(&mut self, rsc: RscIdx, launcher: RscIdx) {
        let mut remote = None;
        if self.rscs[rsc].has(RscFlags::REMOTE_CONNECTION) {
            self.avoid_remote_nodes(launcher);
            self.order_rsc_actions(launcher, "monitor", rsc, "stop", RelFlags::ORDERED);
        } else if self.rscs[launcher].has(RscFlags::REMOTE_CONNECTION) {
            remote = Some(launcher);
        } else if self.has(crate::model::SchedFlags::HAVE_REMOTE_NODES) {
            remote = self.rscs[launcher]
                .launched
                .iter()
                .copied()
                .find(|&l| self.rscs[l].has(RscFlags::REMOTE_CONNECTION));
        }
        if let Some(remote) = remote {
            for n in 0..self.rscs[rsc].allowed.len() {
                if self.nodes[n].remote_rsc != Some(remote) {
                    if let Some(a) = self.rscs[rsc].allowed[n].as_mut() {
                        a.score = -INFINITY;
                    }
                }
            }
        } else {
            self.order_rsc_actions(
                launcher,
                "start",
                rsc,
                "start",
                RelFlags::FIRST_IMPLIES_THEN | RelFlags::UNRUNNABLE_FIRST_BLOCKS,
            );
            self.order_rsc_actions(rsc, "stop", launcher, "stop", RelFlags::THEN_IMPLIES_FIRST);
            self.new_colocation(
                "#resource-with-container",
                None,
                INFINITY,
                rsc,
                launcher,
                Role::Unknown,
                Role::Unknown,
                ColocFlags::INFLUENCE,
            );
        }
    }

    fn avoid_remote_nodes(&mut self, rsc: RscIdx) {
        for i in 0..self.rscs[rsc].allowed.len() {
            if self.nodes[i].remote_rsc.is_some() {
                if let Some(a) = self.rscs[rsc].allowed[i].as_mut() {
                    a.score = -INFINITY;
                }
            }
        }
    }
}
