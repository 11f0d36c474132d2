//! The cluster status section (`cluster-status` with nodes and resources).

use crate::model::{NodeIdx, Role, RscFlags, RscIdx, Scheduler, Variant};
use crate::output::TextOut;
use crate::values::parse_score;

impl Scheduler {
    /// A node's health: negative red, zero yellow, positive green
    /// (`pe__node_health`).
    pub fn node_health(&self, node: NodeIdx) -> i32 {
        let strategy = self.opt("node-health-strategy").unwrap_or("none");
        if strategy.eq_ignore_ascii_case("none") {
            return 1;
        }
        let mut rc = 1;
        for (k, v) in &self.nodes[node].attrs {
            if !k.starts_with("#health") {
                continue;
            }
            if v.eq_ignore_ascii_case("red") {
                return -1;
            } else if v.eq_ignore_ascii_case("yellow") {
                rc = 0;
                continue;
            }
            let colours = self.health_colours();
            if let Ok(s) = pcmk_common::score::Score::parse_with_health(v, &colours) {
                if s <= colours.red {
                    return -1;
                } else if s <= colours.yellow && colours.yellow != colours.green {
                    rc = 0;
                }
            }
        }
        rc
    }

    /// A node health score option.
    pub fn health_score(&self, opt: &str) -> i32 {
        self.opt(opt).and_then(parse_score).unwrap_or(0)
    }

    fn node_status_text(&self, node: NodeIdx) -> &'static str {
        let n = &self.nodes[node];
        if n.unclean {
            if n.online {
                "UNCLEAN (online)"
            } else if n.pending {
                "UNCLEAN (pending)"
            } else {
                "UNCLEAN (offline)"
            }
        } else if n.pending {
            "pending"
        } else if n.fail_standby && n.online {
            "standby (on-fail)"
        } else if n.standby {
            if !n.online {
                "OFFLINE (standby)"
            } else if n.running.is_empty() {
                "standby"
            } else {
                "standby (with active resources)"
            }
        } else if n.maintenance {
            if n.online {
                "maintenance"
            } else {
                "OFFLINE (maintenance)"
            }
        } else if n.online {
            "online"
        } else {
            "OFFLINE"
        }
    }

    /// Writes the node list; whether it wrote anything (an empty list prints
    /// nothing, not even its header).
    fn node_list(&self, out: &mut TextOut) -> bool {
        if self.node_order.is_empty() {
            return false;
        }
        out.begin_list("Node List");
        let mut online = Vec::new();
        let mut offline = Vec::new();
        let mut online_remote = Vec::new();
        let mut offline_remote = Vec::new();
        let mut online_guest = Vec::new();
        for &node in &self.node_order {
            let n = &self.nodes[node];
            let health = self.node_health(node);
            let individual = n.unclean
                || n.pending
                || (n.fail_standby && n.online)
                || n.standby
                || n.maintenance
                || health <= 0;
            if individual {
                let kind = if self.is_guest_node(node) {
                    "GuestNode"
                } else if self.is_remote_node(node) {
                    "RemoteNode"
                } else {
                    "Node"
                };
                let mut s = format!("{kind} {}: {}", n.name, self.node_status_text(node));
                if health < 0 {
                    s.push_str(" (health is RED)");
                } else if health == 0 {
                    s.push_str(" (health is YELLOW)");
                }
                out.item(None, &s);
            } else if n.online {
                if self.is_guest_node(node) {
                    online_guest.push(n.name.as_str());
                } else if self.is_remote_node(node) {
                    online_remote.push(n.name.as_str());
                } else {
                    online.push(n.name.as_str());
                }
            } else if self.is_remote_node(node) {
                offline_remote.push(n.name.as_str());
            } else if !self.is_guest_node(node) {
                offline.push(n.name.as_str());
            }
        }
        for (label, list) in [
            ("Online", online),
            ("OFFLINE", offline),
            ("RemoteOnline", online_remote),
            ("RemoteOFFLINE", offline_remote),
            ("GuestOnline", online_guest),
        ] {
            if !list.is_empty() {
                out.item(Some(label), &format!("[ {} ]", list.join(" ")));
            }
        }
        out.end_list();
        true
    }

    /// The displayed role of a primitive.
    fn displayable_role(&self, rsc: RscIdx) -> Role {
        let role = self.rscs[rsc].orig_role;
        if role == Role::Started && self.rscs[self.top_rsc(rsc, false)].has(RscFlags::PROMOTABLE) {
            Role::Unpromoted
        } else {
            role
        }
    }

    /// The one-line description of a primitive (`pcmk__native_output_string`).
    pub fn primitive_line(&self, rsc: RscIdx, node: Option<NodeIdx>, show_pending: bool) -> String {
        let r = &self.rscs[rsc];
        let class = r.xml.attr("class").unwrap_or("unknown");
        let kind = r.xml.attr("type").unwrap_or("unknown");
        let provider = if class.eq_ignore_ascii_case("ocf") {
            r.xml.attr("provider")
        } else {
            None
        };
        let mut node = node.or(r.lock_node);
        if r.active.len() > 1 {
            node = None;
        }
        let mut s = format!(
            "{}\t({class}{}{}:{kind}):\t",
            if r.has(RscFlags::UNIQUE) {
                r.id.as_str()
            } else {
                r.xml.id().unwrap_or(&r.id)
            },
            if provider.is_some() { ":" } else { "" },
            provider.unwrap_or("")
        );
        if r.has(RscFlags::REMOVED) {
            s.push_str(" ORPHANED");
        }
        if r.has(RscFlags::FAILED) {
            s.push_str(" FAILED");
            let role = self.displayable_role(rsc);
            if role > Role::Unpromoted {
                s.push(' ');
                s.push_str(role.text());
            }
        } else {
            let pending = if show_pending {
                match r.pending_action.as_deref() {
                    Some("start") => Some("Starting"),
                    Some("stop") => Some("Stopping"),
                    Some("migrate_to") | Some("migrate_from") => Some("Migrating"),
                    Some("promote") => Some("Promoting"),
                    Some("demote") => Some("Demoting"),
                    _ => None,
                }
            } else {
                None
            };
            s.push(' ');
            s.push_str(pending.unwrap_or_else(|| self.displayable_role(rsc).text()));
        }
        if let Some(n) = node {
            s.push(' ');
            s.push_str(&self.nodes[n].name);
        }
        if self.displayable_role(rsc) == Role::Stopped {
            if let Some(rc) = self.failed_probe_rc(rsc, node) {
                s.push_str(&format!(" ({}) ", exit_str(rc)));
            }
        }
        let mut flags: Vec<String> = Vec::new();
        if let Some(n) = node {
            if !self.nodes[n].online && self.nodes[n].unclean {
                flags.push("UNCLEAN".into());
            }
            if r.lock_node == Some(n) {
                flags.push("LOCKED".into());
            }
        }
        if show_pending && r.pending_action.as_deref() == Some("monitor") {
            flags.push("Monitoring".into());
        }
        if let Some(tr) = r.meta("target-role") {
            match Role::parse(tr) {
                Role::Stopped => flags.push("disabled".into()),
                Role::Unpromoted
                    if self.rscs[self.top_rsc(rsc, false)].has(RscFlags::PROMOTABLE) =>
                {
                    flags.push(format!("target-role:{tr}"));
                }
                _ => {}
            }
        }
        if r.has(RscFlags::BLOCKED) {
            flags.push("blocked".into());
        } else if r.has(RscFlags::MAINTENANCE) {
            flags.push("maintenance".into());
        } else if !r.has(RscFlags::MANAGED) {
            flags.push("unmanaged".into());
        }
        if r.has(RscFlags::IGNORE_FAILURE) {
            flags.push("failure ignored".into());
        }
        if !flags.is_empty() {
            s.push_str(&format!(" ({})", flags.join(", ")));
        }
        if r.active.len() > 1 {
            if let Some(d) = r.xml.attr("description") {
                s.push_str(&format!(" ({d})"));
            }
            s.push_str(" [");
            for &n in &r.active {
                s.push(' ');
                s.push_str(&self.nodes[n].name);
            }
            s.push_str(" ]");
        }
        s
    }

    /// The exit code of a failed probe shown for a stopped resource.
    fn failed_probe_rc(&self, rsc: RscIdx, node: Option<NodeIdx>) -> Option<i64> {
        self.failed_probe_rc_for(&self.rscs[rsc].id, node)
    }

    /// The exit code of a failed probe of the resource known as `id`.
    pub(crate) fn failed_probe_rc_for(&self, id: &str, node: Option<NodeIdx>) -> Option<i64> {
        let node_name = node.map(|n| self.nodes[n].name.as_str());
        for op in &self.failed_ops {
            if op.attr("rsc-id") != Some(id) {
                continue;
            }
            if let Some(nn) = node_name {
                if op.attr("uname") != Some(nn) {
                    continue;
                }
            }
            // Only failures that count as "not running" (not installed,
            // invalid parameters) are shown as the reason it is stopped
            if crate::unpack::ops::mask_probe_failure(op) {
                return op.attr("rc-code").and_then(crate::values::parse_ll);
            }
        }
        None
    }

    pub(crate) fn resource_out(&self, rsc: RscIdx, out: &mut TextOut, show_pending: bool) {
        let r = &self.rscs[rsc];
        match r.variant {
            Variant::Primitive => {
                if crate::values::is_true(r.meta("internal_rsc")) {
                    return;
                }
                let node = self.current_node(rsc).or(r.pending_node);
                out.item(None, &self.primitive_line(rsc, node, show_pending));
            }
            Variant::Group => {
                let mut attrs: Vec<&str> = Vec::new();
                if self.rsc_disabled(rsc) {
                    attrs.push("disabled");
                }
                if r.has(RscFlags::MAINTENANCE) {
                    attrs.push("maintenance");
                } else if !r.has(RscFlags::MANAGED) {
                    attrs.push("unmanaged");
                }
                let desc = "";
                let header = if attrs.is_empty() {
                    format!("Resource Group: {}{desc}", r.id)
                } else {
                    format!("Resource Group: {} ({}){desc}", r.id, attrs.join(", "))
                };
                out.begin_list(&header);
                for &c in &r.children {
                    self.resource_out(c, out, show_pending);
                }
                out.end_list();
            }
            Variant::Clone => self.clone_out(rsc, out, show_pending),
            Variant::Bundle => {}
        }
    }

    /// Writes the node and resource sections of the cluster status.
    pub fn cluster_status_text(&self, out: &mut TextOut, show_pending: bool) {
        let nodes = self.node_list(out);
        let mut header = false;
        for &r in &self.top {
            let active = self.rsc_is_active(r, true);
            if self.rscs[r].has(RscFlags::REMOVED) && !active {
                continue;
            }
            if !header {
                if nodes {
                    out.spacer();
                }
                out.begin_list("Full List of Resources");
                header = true;
            }
            self.resource_out(r, out, show_pending);
        }
        if !header {
            if nodes {
                out.spacer();
            }
            out.begin_list("Full List of Resources");
            out.item(None, "No resources");
            header = true;
        }
        if header {
            out.end_list();
        }
    }
}

/// Pacemaker's description of an exit code (`crm_exit_str`).
pub fn exit_str(rc: i64) -> &'static str {
    match rc {
        0 => "OK",
        1 => "Error occurred",
        2 => "Invalid parameter",
        3 => "Unimplemented",
        4 => "Insufficient privileges",
        5 => "Not installed",
        6 => "Not configured",
        7 => "Not running",
        8 => "Promoted",
        9 => "Failed in promoted role",
        190 => "Degraded",
        191 => "Degraded in promoted role",
        _ => "Unknown exit status",
    }
}
