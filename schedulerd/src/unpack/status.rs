//! The `status` section: node membership and online state, transient
//! attributes, then each node's resource history (`unpack_status`).

use pcmk_common::xml::Element;

use crate::model::scheduler::NoQuorum;
use crate::model::{NodeIdx, Role, SchedFlags, Scheduler};
use crate::values::{is_true, parse_bool, parse_ll};

impl Scheduler {
    /// Unpacks the status section.
    pub(crate) fn unpack_status(&mut self) {
        let input = self.input.clone();
        let Some(status) = input.child("status") else {
            return;
        };
        self.unpack_ticket_states(status);
        for state in status.children_named("node_state") {
            self.unpack_node_state(state);
        }
        while self.unpack_node_history(status, false) {}
        let fence = self.has(SchedFlags::FENCING_ENABLED);
        self.unpack_node_history(status, fence);

        for i in 0..self.node_order.len() {
            let n = self.node_order[i];
            if !self.nodes[n].is_remote() {
                continue;
            }
            if self.nodes[n].shutdown {
                if let Some(r) = self.nodes[n].remote_rsc {
                    self.rscs[r].next_role = Role::Stopped;
                }
            }
            if !self.nodes[n].unpacked {
                self.determine_remote_online_status(n);
            }
        }
    }

    fn unpack_node_state(&mut self, state: &Element) {
        let Some(id) = state.attr("id") else {
            self.config_err("Ignoring invalid node_state entry without id");
            return;
        };
        let Some(node) = self.find_node_any(Some(id), state.attr("uname")) else {
            return;
        };
        if self.nodes[node].is_remote() {
            let fenced = state.attr("node_fenced").and_then(parse_ll).unwrap_or(0);
            self.nodes[node].remote_fenced = fenced != 0;
            return;
        }
        if let Some(attrs) = state.child("transient_attributes") {
            self.add_node_attrs(attrs, node, true);
        }
        let n = &mut self.nodes[node];
        if is_true(n.attr("standby")) {
            n.standby = true;
        }
        if is_true(n.attr("maintenance")) {
            n.maintenance = true;
        }
        n.unclean = false;
        n.seen = true;
        self.determine_online_status(state, node);
        if !self.has(SchedFlags::QUORATE)
            && self.nodes[node].online
            && self.no_quorum == NoQuorum::Fence
        {
            self.fence_node(node, "cluster does not have quorum", false);
        }
    }

    /// Unpacks the history of the nodes that are ready; returns true when
    /// another pass may find more (`unpack_node_history`).
    fn unpack_node_history(&mut self, status: &Element, fence: bool) -> bool {
        let mut again = false;
        for state in status.children_named("node_state") {
            let (Some(id), Some(uname)) = (state.attr("id"), state.attr("uname")) else {
                continue;
            };
            let Some(node) = self.find_node_any(Some(id), Some(uname)) else {
                continue;
            };
            if self.nodes[node].unpacked {
                continue;
            }
            if fence {
                // Processing all remaining nodes
            } else if self.is_guest_node(node) {
                let Some(remote) = self.nodes[node].remote_rsc else {
                    continue;
                };
                let Some(launcher) = self.rscs[remote].launcher else {
                    continue;
                };
                if self.rscs[remote].orig_role != Role::Started
                    || self.rscs[launcher].orig_role != Role::Started
                {
                    continue;
                }
            } else if self.is_remote_node(node) {
                let rsc = self.nodes[node].remote_rsc;
                if rsc.is_none_or(|r| {
                    !self.has(SchedFlags::SHUTDOWN_LOCK) && self.rscs[r].orig_role != Role::Started
                }) {
                    continue;
                }
            } else if !self.has(SchedFlags::FENCING_ENABLED)
                && !self.has(SchedFlags::SHUTDOWN_LOCK)
                && !self.nodes[node].online
            {
                continue;
            }
            if self.nodes[node].is_remote() {
                self.determine_remote_online_status(node);
                self.unpack_remote_attrs(node, state);
            }
            self.nodes[node].unpacked = true;
            self.unpack_node_lrm(node, state);
            again = true;
        }
        again
    }

    fn unpack_remote_attrs(&mut self, node: NodeIdx, state: &Element) {
        let maint = state
            .attr("node_in_maintenance")
            .and_then(parse_ll)
            .unwrap_or(0);
        self.nodes[node].remote_maint = maint != 0;
        let rsc = self.nodes[node].remote_rsc;
        if !self.nodes[node].remote_reset {
            self.nodes[node].unclean = false;
            self.nodes[node].seen = true;
        }
        if let Some(attrs) = state.child("transient_attributes") {
            self.add_node_attrs(attrs, node, true);
        }
        if self.shutdown_requested(node) {
            self.nodes[node].shutdown = true;
        }
        if is_true(self.nodes[node].attr("standby")) {
            self.nodes[node].standby = true;
        }
        let unmanaged = rsc.is_some_and(|r| !self.rscs[r].has(crate::model::RscFlags::MANAGED));
        if is_true(self.nodes[node].attr("maintenance")) || unmanaged {
            self.nodes[node].maintenance = true;
        }
        let discovery = self.nodes[node]
            .attr("resource-discovery-enabled")
            .map(str::to_string);
        if let Some(d) = discovery {
            if !is_true(Some(&d)) {
                if self.is_remote_node(node) && !self.has(SchedFlags::FENCING_ENABLED) {
                    // Ignored without fencing
                } else {
                    self.nodes[node].probes_allowed = false;
                }
            }
        }
    }

    /// Whether the node's shutdown attribute is set.
    pub(crate) fn shutdown_requested(&self, node: NodeIdx) -> bool {
        match self.nodes[node].attr("shutdown") {
            None => false,
            Some(v) => parse_bool(v).unwrap_or_else(|| parse_ll(v).is_some_and(|n| n != 0)),
        }
    }

    fn member_time(&self, state: &Element) -> i64 {
        let Some(v) = state.attr("in_ccm") else {
            return -1;
        };
        match parse_bool(v) {
            Some(true) => self.now,
            Some(false) => 0,
            None => match parse_ll(v) {
                Some(n) if n >= 0 => n,
                _ => -1,
            },
        }
    }

    fn online_time(state: &Element) -> i64 {
        match state.attr("crmd") {
            None => 0,
            Some(v) if v.eq_ignore_ascii_case("offline") => 0,
            Some(v) if v.eq_ignore_ascii_case("online") => 1,
            Some(v) => match parse_ll(v) {
                Some(n) if n >= 0 => n,
                _ => 0,
            },
        }
    }

    fn terminate_requested(&self, node: NodeIdx) -> bool {
        match self.nodes[node].attr("terminate") {
            None => false,
            Some(v) => parse_bool(v).unwrap_or_else(|| parse_ll(v).is_some_and(|n| n > 0)),
        }
    }

    fn online_no_fencing(&mut self, state: &Element, node: NodeIdx) -> bool {
        let join = state.attr("join");
        let member = self.member_time(state);
        let online = Self::online_time(state);
        if member <= 0 {
            false
        } else if online > 0 {
            join.is_some_and(|j| j.eq_ignore_ascii_case("member"))
        } else if !self.nodes[node].expected_up {
            false
        } else {
            self.fence_node(node, "peer is unexpectedly down", false);
            false
        }
    }

    fn online_fencing(&mut self, state: &Element, node: NodeIdx) -> bool {
        let terminate = self.terminate_requested(node);
        let join = state.attr("join");
        let expected = state.attr("expected");
        let member = self.member_time(state);
        let online = Self::online_time(state);
        if self.nodes[node].shutdown {
            return online > 0;
        }
        if member < 0 {
            self.fence_node(node, "peer has not been seen by the cluster", false);
            return false;
        }
        if join == Some("banned") {
            self.fence_node(node, "peer failed Pacemaker membership criteria", false);
        } else if terminate {
            if member <= 0 && online <= 0 && join == Some("down") {
                return false;
            }
            self.fence_node(node, "fencing was requested", false);
        } else if expected.is_none_or(|e| e.eq_ignore_ascii_case("down")) {
            let pending_too_long = self.node_pending_ms > 0
                && member > 0
                && online <= 0
                && self.now >= member + (self.node_pending_ms / 1000) as i64;
            if pending_too_long {
                self.fence_node(
                    node,
                    "peer pending timed out on joining the process group",
                    false,
                );
            } else if member > 0 || online > 0 {
                self.nodes[node].standby = true;
                self.nodes[node].pending = true;
            }
        } else if member <= 0 {
            self.fence_node(node, "peer is no longer part of the cluster", true);
        } else if online <= 0 {
            self.fence_node(node, "peer process is no longer available", false);
        } else if join == Some("member") {
            // Active
        } else if join == Some("pending") || join == Some("down") {
            self.nodes[node].standby = true;
            self.nodes[node].pending = true;
        } else {
            self.fence_node(node, "peer was in an unknown state", false);
        }
        member > 0
    }

    fn determine_online_status(&mut self, state: &Element, node: NodeIdx) {
        self.nodes[node].shutdown = false;
        if self.shutdown_requested(node) {
            self.nodes[node].shutdown = true;
        } else if state
            .attr("expected")
            .is_some_and(|e| e.eq_ignore_ascii_case("member"))
        {
            self.nodes[node].expected_up = true;
        }
        let online = if self.has(SchedFlags::FENCING_ENABLED) {
            self.online_fencing(state, node)
        } else {
            self.online_no_fencing(state, node)
        };
        let n = &mut self.nodes[node];
        if online {
            n.online = true;
        } else {
            n.score = -crate::values::INFINITY;
        }
        if online && n.shutdown {
            n.score = -crate::values::INFINITY;
        }
        if n.unclean {
            let name = n.name.clone();
            self.sched_warn(format!("{name} is unclean"));
        }
    }

    /// Online state of a remote or guest node from its connection
    /// (`determine_remote_online_status`).
    pub(crate) fn determine_remote_online_status(&mut self, node: NodeIdx) {
        let Some(rsc) = self.nodes[node].remote_rsc else {
            self.nodes[node].online = false;
            return;
        };
        let launcher = self.rscs[rsc].launcher;
        let host = if launcher.is_some() && self.rscs[rsc].active.len() == 1 {
            Some(self.rscs[rsc].active[0])
        } else {
            None
        };
        let r = &self.rscs[rsc];
        if r.orig_role == Role::Started {
            self.nodes[node].online = true;
        }
        if r.orig_role == Role::Started && r.next_role == Role::Stopped {
            self.nodes[node].shutdown = true;
        }
        let failed = crate::model::RscFlags::FAILED;
        if launcher.is_some_and(|l| self.rscs[l].has(failed)) {
            self.nodes[node].online = false;
            self.nodes[node].remote_reset = true;
        } else if self.rscs[rsc].has(failed) {
            self.nodes[node].online = false;
        } else if self.rscs[rsc].orig_role == Role::Stopped
            || launcher.is_some_and(|l| self.rscs[l].orig_role == Role::Stopped)
        {
            self.nodes[node].online = false;
            self.nodes[node].remote_reset = false;
        } else if host.is_some_and(|h| !self.nodes[h].online && self.nodes[h].unclean) {
            self.nodes[node].online = false;
            self.nodes[node].remote_reset = true;
        }
    }
}
