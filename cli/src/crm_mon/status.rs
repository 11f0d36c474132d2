//! The cluster status as `crm_mon` shows it (`cluster-status` and the
//! `cluster-summary`, `node-list` and `node` messages): a [`View`] of an
//! unpacked working set, written as fancy text or as the elements of a
//! `<pacemaker-result>`.

use pcmk_common::xml::Element;
use pcmk_schedulerd::Scheduler;
use pcmk_schedulerd::model::scheduler::NoQuorum;
use pcmk_schedulerd::model::{NodeIdx, SchedFlags};

use super::fencing;
use super::rsc::{self, Sink, show};
use super::{Options, section};
use crate::text_out::TextOut;
use crate::xml_out::XmlOut;

/// The status of one working set, with the sections and filters asked for.
pub struct View<'a> {
    /// The unpacked CIB.
    pub s: &'a Scheduler,
    /// Sections shown.
    pub show: u32,
    /// Display options.
    pub opts: u32,
    /// Node names shown (`["*"]` for all).
    pub only_node: Vec<String>,
    /// Resource ids shown (`["*"]` for all).
    pub only_rsc: Vec<String>,
    /// Prefix of the bans shown.
    pub neg_prefix: Option<String>,
    /// Fail counts by node and resource.
    pub failcounts: super::history::FailCounts,
    /// `pacemakerd`'s state, when the CIB is the live cluster's.
    pub pcmkd_state: Option<String>,
    /// The local node's name, when the CIB is the live cluster's.
    pub local_node: Option<String>,
    /// The fencing history, when shown (live cluster only).
    pub fencing: Option<super::fencing::History>,
}

pub(super) fn btoa(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// The ids of the objects a `<tag>` of the configuration lists.
fn tagged(s: &Scheduler, tag: &str) -> Vec<String> {
    s.input
        .child("configuration")
        .and_then(|c| c.child("tags"))
        .into_iter()
        .flat_map(|t| t.children_named("tag"))
        .filter(|t| t.id() == Some(tag))
        .flat_map(|t| t.children_named("obj_ref"))
        .filter_map(|r| r.id().map(str::to_string))
        .collect()
}

/// `pe__build_node_name_list`.
fn node_list_filter(s: &Scheduler, given: Option<&str>) -> Vec<String> {
    match given {
        None | Some("*") => vec!["*".into()],
        Some(n) => {
            if s.find_node(n).is_some() {
                vec![n.to_string()]
            } else {
                let ids = tagged(s, n);
                s.nodes
                    .iter()
                    .filter(|node| ids.contains(&node.id))
                    .map(|node| node.name.clone())
                    .collect()
            }
        }
    }
}

/// `pe__build_rsc_list`.
fn rsc_list_filter(s: &Scheduler, given: Option<&str>) -> Vec<String> {
    match given {
        None | Some("*") => vec!["*".into()],
        Some(id) => {
            let found = s.find_rsc(id).or_else(|| {
                (0..s.rscs.len()).find(|&r| {
                    let rid = &s.rscs[r].id;
                    s.rscs[r].history_id.as_deref() == Some(id)
                        || pcmk_schedulerd::unpack::failcount::clone_strip(rid) == id
                })
            });
            match found {
                Some(r) if id.contains(':') => vec![s.rscs[r].id.clone()],
                Some(r) => vec![rsc::printable_id(s, r).to_string()],
                None => tagged(s, id),
            }
        }
    }
}

impl<'a> View<'a> {
    /// The view of `s` for the options.
    pub fn new(
        s: &'a Scheduler,
        o: &Options,
        show: u32,
        failcounts: super::history::FailCounts,
    ) -> View<'a> {
        View {
            s,
            show,
            opts: o.show_opts,
            only_node: node_list_filter(s, o.only_node.as_deref()),
            only_rsc: rsc_list_filter(s, o.only_rsc.as_deref()),
            neg_prefix: o.neg_prefix.clone(),
            failcounts,
            pcmkd_state: None,
            local_node: None,
            fencing: None,
        }
    }

    pub(super) fn node_shown(&self, name: &str) -> bool {
        rsc::in_list(name, &self.only_node, true)
    }

    fn nvpair_value(&self, name: &str) -> Option<&str> {
        self.s
            .input
            .descendants()
            .find(|e| e.name == "nvpair" && e.attr("name") == Some(name))
            .and_then(|e| e.attr("value"))
    }

    fn stack(&self) -> &str {
        self.nvpair_value("cluster-infrastructure")
            .unwrap_or("unknown")
    }

    /// The feature set a fully up cluster node reports.
    pub(super) fn feature_set(&self, n: NodeIdx) -> Option<&str> {
        let node = &self.s.nodes[n];
        (node.online && node.expected_up && !node.is_remote())
            .then(|| node.attr("#feature-set").unwrap_or("<3.15.1"))
    }

    fn mixed_version(&self) -> bool {
        let mut first: Option<&str> = None;
        for n in 0..self.s.nodes.len() {
            if let Some(f) = self.feature_set(n) {
                match first {
                    None => first = Some(f),
                    Some(g) if g != f => return true,
                    _ => {}
                }
            }
        }
        false
    }

    /// Whether the node is a guest (its connection is launched by a
    /// resource).
    pub(super) fn is_guest(&self, n: NodeIdx) -> bool {
        self.s.nodes[n]
            .remote_rsc
            .is_some_and(|r| self.s.rscs[r].launcher.is_some())
    }

    /// `pe__node_display_name`.
    pub(super) fn node_display_name(&self, n: NodeIdx) -> String {
        let node = &self.s.nodes[n];
        let detail = self.opts & show::NODE_ID != 0;
        let mut name = node.name.clone();
        if detail && self.is_guest(n) {
            let host = node
                .remote_rsc
                .and_then(|r| self.s.rscs[r].launcher)
                .and_then(|l| self.s.current_node(l))
                .map(|h| self.s.nodes[h].name.as_str())
                .unwrap_or("");
            name.push('@');
            name.push_str(host);
        }
        if detail && !node.name.eq_ignore_ascii_case(&node.id) {
            name.push_str(&format!(" ({})", node.id));
        }
        name
    }

    fn node_status_text(&self, n: NodeIdx) -> &'static str {
        let node = &self.s.nodes[n];
        if node.unclean {
            if node.online {
                "UNCLEAN (online)"
            } else if node.pending {
                "UNCLEAN (pending)"
            } else {
                "UNCLEAN (offline)"
            }
        } else if node.pending {
            "pending"
        } else if node.fail_standby && node.online {
            if node.running.is_empty() {
                "standby (on-fail)"
            } else {
                "standby (on-fail, with active resources)"
            }
        } else if node.standby {
            if !node.online {
                "OFFLINE (standby)"
            } else if node.running.is_empty() {
                "standby"
            } else {
                "standby (with active resources)"
            }
        } else if node.maintenance {
            if node.online {
                "maintenance"
            } else {
                "OFFLINE (maintenance)"
            }
        } else if node.online {
            "online"
        } else {
            "OFFLINE"
        }
    }

    // ---- text ----

    /// The status as text.
    pub fn text(&self) -> String {
        let mut t = TextOut::fancy();
        let mut printed = self.summary_text(&mut t);
        if self.show & section::NODES != 0
            && !self.only_node.is_empty()
            && self.node_list_text(&mut t, printed)
        {
            printed = true;
        }
        if self.show & section::RESOURCES != 0 {
            let mut sink = Sink::Text(&mut t);
            if rsc::resource_list(
                self.s,
                &mut sink,
                self.opts,
                true,
                &self.only_node,
                &self.only_rsc,
                printed,
            ) {
                printed = true;
            }
        }
        if self.show & section::ATTRIBUTES != 0 && self.attributes_text(&mut t, printed) {
            printed = true;
        }
        if self.show & (section::OPERATIONS | section::FAILCOUNTS) != 0
            && self.node_summary_text(&mut t, printed)
        {
            printed = true;
        }
        if self.show & section::FAILURES != 0
            && !self.s.failed_ops.is_empty()
            && self.failures_text(&mut t, printed)
        {
            printed = true;
        }
        let mut failure_shown = false;
        if let Some(h) = &self.fencing {
            if self.show & section::FENCE_FAILED != 0
                && (h.is_err() || h.as_ref().is_ok_and(|a| a.iter().any(|e| e.state == 4)))
                && fencing::failed_text(&mut t, printed, h, &self.only_node, self.show, self.opts)
            {
                printed = true;
                failure_shown = h.is_err();
            }
        }
        if self.show & section::TICKETS != 0 && self.tickets_text(&mut t, printed) {
            printed = true;
        }
        if self.show & section::BANS != 0 && self.bans_text(&mut t, printed) {
            printed = true;
        }
        if let Some(h) = &self.fencing {
            if self.show & section::FENCING_ALL != 0 {
                match h {
                    Err(_) if !failure_shown => {
                        fencing::failed_text(
                            &mut t,
                            printed,
                            h,
                            &self.only_node,
                            self.show,
                            self.opts,
                        );
                    }
                    Err(_) => {}
                    Ok(all) if self.show & section::FENCE_WORKED != 0 => {
                        fencing::worked_text(
                            &mut t,
                            printed,
                            all,
                            &self.only_node,
                            self.show,
                            self.opts,
                        );
                    }
                    Ok(all) if self.show & section::FENCE_PENDING != 0 => {
                        fencing::pending_text(
                            &mut t,
                            printed,
                            all,
                            &self.only_node,
                            self.show,
                            self.opts,
                        );
                    }
                    Ok(_) => {}
                }
            }
        }
        t.buf
    }

    fn summary_text(&self, t: &mut TextOut) -> bool {
        let s = self.s;
        let mut open = false;
        let mut header = |t: &mut TextOut| {
            if !open {
                t.begin_list(None, Some("Cluster Summary"));
                open = true;
            }
        };
        if self.show & section::STACK != 0 {
            header(t);
            match &self.pcmkd_state {
                Some(st) => t.item(
                    Some("Stack"),
                    &format!(
                        "{} ({})",
                        self.stack(),
                        crate::daemons::pacemakerd_friendly(st)
                    ),
                ),
                None => t.item(Some("Stack"), self.stack()),
            }
        }
        if self.show & section::DC != 0 {
            header(t);
            match s.dc_node {
                Some(dc) => {
                    let quorum = pcmk_common::values::is_true(s.input.attr("have-quorum"));
                    t.item(
                        Some("Current DC"),
                        &format!(
                            "{} (version {}) - {}partition {} quorum",
                            self.node_display_name(dc),
                            self.nvpair_value("dc-version").unwrap_or("unknown"),
                            if self.mixed_version() {
                                "MIXED-VERSION "
                            } else {
                                ""
                            },
                            if quorum { "with" } else { "WITHOUT" }
                        ),
                    );
                }
                None => t.item(Some("Current DC"), "NONE"),
            }
        }
        if self.show & section::TIMES != 0 {
            header(t);
            let on = self
                .local_node
                .as_deref()
                .map(|n| format!(" on {n}"))
                .unwrap_or_default();
            t.item(
                Some("Last updated"),
                &format!("{}{on}", crate::timefmt::ctime(crate::timefmt::now())),
            );
            t.item(Some("Last change"), &format!(" {}", self.last_change()));
        }
        if self.show & section::COUNTS != 0 {
            header(t);
            let nnodes = s.nodes.len();
            t.item(None, &format!("{nnodes} node{} configured", plural(nnodes)));
            let (n, dis, blk) = (s.ninstances, s.disabled_resources, s.blocked_resources);
            let base = format!("{n} resource instance{} configured", plural(n));
            let line = match (dis > 0, blk > 0) {
                (true, true) => format!(
                    "{base} ({dis} DISABLED, {blk} BLOCKED from further action due to failure)"
                ),
                (true, false) => format!("{base} ({dis} DISABLED)"),
                (false, true) => {
                    format!("{base} ({blk} BLOCKED from further action due to failure)")
                }
                (false, false) => base,
            };
            t.item(None, &line);
        }
        if self.show & section::OPTIONS != 0 {
            header(t);
            for line in self.options_lines() {
                t.item(None, line);
            }
        }
        if open {
            t.end_list();
        }
        let mut printed = open;
        if self.show & section::MAINT_MODE != 0 {
            if s.has(SchedFlags::MAINTENANCE) {
                t.raw("\n              *** Resource management is DISABLED ***\n");
                t.raw("  The cluster will not attempt to start, stop or recover services\n");
                printed = true;
            } else if s.has(SchedFlags::STOP_ALL) {
                t.raw("\n    *** Resource management is DISABLED ***\n");
                t.raw("  The cluster will keep all resources stopped\n");
                printed = true;
            }
        }
        printed
    }

    fn options_lines(&self) -> Vec<&'static str> {
        let s = self.s;
        vec![
            if s.has(SchedFlags::FENCING_ENABLED) {
                "Fencing of failed nodes enabled"
            } else {
                "Fencing of failed nodes disabled"
            },
            if s.has(SchedFlags::SYMMETRIC) {
                "Cluster is symmetric"
            } else {
                "Cluster is asymmetric"
            },
            match s.no_quorum {
                NoQuorum::Freeze => "No quorum policy: Freeze resources",
                NoQuorum::Stop => "No quorum policy: Stop ALL resources",
                NoQuorum::Demote => {
                    "No quorum policy: Demote promotable resources and stop all other resources"
                }
                NoQuorum::Ignore => "No quorum policy: Ignore",
                NoQuorum::Fence => "No quorum policy: Fence nodes in partition",
            },
        ]
    }

    fn last_change(&self) -> String {
        let i = &self.s.input;
        let parts = [
            ("", i.attr("cib-last-written")),
            (" by ", i.attr("update-user")),
            (" via ", i.attr("update-client")),
            (" on ", i.attr("update-origin")),
        ];
        let mut out = String::new();
        for (sep, v) in parts {
            if let Some(v) = v {
                out.push_str(sep);
                out.push_str(v);
            }
        }
        out
    }

    fn node_list_text(&self, t: &mut TextOut, spacer: bool) -> bool {
        let s = self.s;
        let mut online = Vec::new();
        let mut offline = Vec::new();
        let mut remote_online = Vec::new();
        let mut remote_offline = Vec::new();
        let mut guest_online = Vec::new();
        let mut open = false;
        for &n in &s.node_order {
            let node = &s.nodes[n];
            if !self.node_shown(&node.name) {
                continue;
            }
            if !open {
                if spacer {
                    t.spacer();
                }
                t.begin_list(None, Some("Node List"));
                open = true;
            }
            let name = self.node_display_name(n);
            let individual = node.unclean
                || node.pending
                || (node.fail_standby && node.online)
                || node.standby
                || node.maintenance
                || self.opts & (show::RSCS_BY_NODE | show::FEATURE_SET) != 0
                || s.node_health(n) <= 0;
            if !individual {
                let guest = self.is_guest(n);
                if node.online {
                    if guest {
                        guest_online.push(name);
                    } else if node.is_remote() {
                        remote_online.push(name);
                    } else {
                        online.push(name);
                    }
                } else if node.is_remote() && !guest {
                    remote_offline.push(name);
                } else if !guest {
                    offline.push(name);
                }
                continue;
            }
            self.node_full_text(t, n);
        }
        for (label, list) in [
            ("Online", online),
            ("OFFLINE", offline),
            ("RemoteOnline", remote_online),
            ("RemoteOFFLINE", remote_offline),
            ("GuestOnline", guest_online),
        ] {
            if !list.is_empty() {
                t.item(Some(label), &format!("[ {} ]", list.join(" ")));
            }
        }
        if open {
            t.end_list();
        }
        open
    }

    /// The `node` message, in full.
    fn node_full_text(&self, t: &mut TextOut, n: NodeIdx) {
        let s = self.s;
        let node = &s.nodes[n];
        let kind = if self.is_guest(n) {
            "GuestNode"
        } else if node.is_remote() {
            "RemoteNode"
        } else {
            "Node"
        };
        let mut line = format!(
            "{kind} {}: {}",
            self.node_display_name(n),
            self.node_status_text(n)
        );
        let health = s.node_health(n);
        if health < 0 {
            line.push_str(" (health is RED)");
        } else if health == 0 {
            line.push_str(" (health is YELLOW)");
        }
        if self.opts & show::FEATURE_SET != 0 {
            if let Some(f) = self.feature_set(n) {
                line.push_str(&format!(", feature set {f}"));
            }
        }
        if self.opts & show::RSCS_BY_NODE == 0 {
            t.item(None, &line);
            return;
        }
        if self.opts & show::BRIEF != 0 {
            let rscs = rsc::filter_rsc_list(s, &node.running, &self.only_rsc);
            if !rscs.is_empty() {
                let opts = (self.opts | show::RSC_ONLY) & !show::INACTIVE_RSCS;
                t.begin_list(None, Some(&line));
                t.begin_list(None, Some("Resources"));
                rsc::brief_output(s, t, &rscs, opts);
                t.end_list();
                t.end_list();
            }
        } else {
            t.begin_list(None, Some(&line));
            t.begin_list(None, Some("Resources"));
            let mut sink = Sink::Text(t);
            for &r in &node.running {
                rsc::resource(
                    s,
                    &mut sink,
                    self.opts | show::RSC_ONLY,
                    r,
                    &self.only_node,
                    &self.only_rsc,
                );
            }
            t.end_list();
            t.end_list();
        }
    }

    // ---- XML ----

    /// The status as the elements of a `<pacemaker-result>`.
    pub fn xml(&self) -> Vec<Element> {
        let mut x = XmlOut::new();
        self.summary_xml(&mut x);
        if self.show & section::NODES != 0 {
            x.push_parent(Element::new("nodes"));
            for &n in &self.s.node_order {
                if self.node_shown(&self.s.nodes[n].name) {
                    self.node_xml(&mut x, n);
                }
            }
            x.pop_parent();
        }
        if self.show & section::RESOURCES != 0 {
            let mut sink = Sink::Xml(&mut x);
            rsc::resource_list(
                self.s,
                &mut sink,
                self.opts & !show::BRIEF,
                false,
                &self.only_node,
                &self.only_rsc,
                false,
            );
        }
        if self.show & section::ATTRIBUTES != 0 {
            self.attributes_xml(&mut x);
        }
        if self.show & (section::OPERATIONS | section::FAILCOUNTS) != 0 {
            self.node_summary_xml(&mut x);
        }
        if self.show & section::FAILURES != 0 && !self.s.failed_ops.is_empty() {
            self.failures_xml(&mut x);
        }
        if let Some(h) = &self.fencing {
            if self.show & section::FENCING_ALL == section::FENCING_ALL {
                fencing::full_xml(&mut x, h, &self.only_node);
            }
        }
        if self.show & section::TICKETS != 0 {
            self.tickets_xml(&mut x);
        }
        if self.show & section::BANS != 0 {
            self.bans_xml(&mut x);
        }
        x.finish()
    }

    fn summary_xml(&self, x: &mut XmlOut) {
        let s = self.s;
        let mut open = false;
        let mut header = |x: &mut XmlOut| {
            if !open {
                x.push_parent(Element::new("summary"));
                open = true;
            }
        };
        if self.show & section::STACK != 0 {
            header(x);
            let mut e = Element::new("stack").with_attr("type", self.stack());
            if let Some(st) = &self.pcmkd_state {
                e.set_attr("pacemakerd-state", st.as_str());
            }
            x.add(e);
        }
        if self.show & section::DC != 0 {
            header(x);
            let e = match s.dc_node {
                Some(dc) => Element::new("current_dc")
                    .with_attr("present", "true")
                    .with_attr("version", self.nvpair_value("dc-version").unwrap_or(""))
                    .with_attr("name", s.nodes[dc].name.as_str())
                    .with_attr("id", s.nodes[dc].id.as_str())
                    .with_attr(
                        "with_quorum",
                        btoa(pcmk_common::values::is_true(s.input.attr("have-quorum"))),
                    )
                    .with_attr("mixed_version", btoa(self.mixed_version())),
                None => Element::new("current_dc").with_attr("present", "false"),
            };
            x.add(e);
        }
        if self.show & section::TIMES != 0 {
            header(x);
            let i = &s.input;
            let mut e = Element::new("last_update")
                .with_attr("time", crate::timefmt::ctime(crate::timefmt::now()));
            if let Some(n) = &self.local_node {
                e.set_attr("origin", n.as_str());
            }
            x.add(e);
            x.add(
                Element::new("last_change")
                    .with_attr("time", i.attr("cib-last-written").unwrap_or(""))
                    .with_attr("user", i.attr("update-user").unwrap_or(""))
                    .with_attr("client", i.attr("update-client").unwrap_or(""))
                    .with_attr("origin", i.attr("update-origin").unwrap_or("")),
            );
        }
        if self.show & section::COUNTS != 0 {
            header(x);
            x.add(Element::new("nodes_configured").with_attr("number", s.nodes.len().to_string()));
            x.add(
                Element::new("resources_configured")
                    .with_attr("number", s.ninstances.to_string())
                    .with_attr("disabled", s.disabled_resources.to_string())
                    .with_attr("blocked", s.blocked_resources.to_string()),
            );
        }
        if self.show & section::OPTIONS != 0 {
            header(x);
            let fencing = btoa(s.has(SchedFlags::FENCING_ENABLED));
            let nq = match s.no_quorum {
                NoQuorum::Freeze => "freeze",
                NoQuorum::Stop => "stop",
                NoQuorum::Demote => "demote",
                NoQuorum::Ignore => "ignore",
                NoQuorum::Fence => "fence",
            };
            x.add(
                Element::new("cluster_options")
                    .with_attr("fencing-enabled", fencing)
                    .with_attr("fencing-timeout-ms", s.fence_timeout_ms.to_string())
                    .with_attr("symmetric-cluster", btoa(s.has(SchedFlags::SYMMETRIC)))
                    .with_attr("no-quorum-policy", nq)
                    .with_attr("maintenance-mode", btoa(s.has(SchedFlags::MAINTENANCE)))
                    .with_attr("stop-all-resources", btoa(s.has(SchedFlags::STOP_ALL)))
                    .with_attr(
                        "priority-fencing-delay-ms",
                        s.priority_fencing_ms.to_string(),
                    )
                    .with_attr("stonith-enabled", fencing)
                    .with_attr("stonith-timeout-ms", s.fence_timeout_ms.to_string()),
            );
        }
        if open {
            x.pop_parent();
        }
    }

    fn node_xml(&self, x: &mut XmlOut, n: NodeIdx) {
        let s = self.s;
        let node = &s.nodes[n];
        let health = s.node_health(n);
        let mut e = Element::new("node")
            .with_attr("name", node.name.as_str())
            .with_attr("id", node.id.as_str())
            .with_attr("online", btoa(node.online))
            .with_attr("standby", btoa(node.standby))
            .with_attr("standby_onfail", btoa(node.fail_standby))
            .with_attr("maintenance", btoa(node.maintenance))
            .with_attr("pending", btoa(node.pending))
            .with_attr("unclean", btoa(node.unclean))
            .with_attr(
                "health",
                if health < 0 {
                    "red"
                } else if health == 0 {
                    "yellow"
                } else {
                    "green"
                },
            );
        if let Some(f) = self.feature_set(n) {
            e.set_attr("feature_set", f);
        }
        e.set_attr("shutdown", btoa(node.shutdown));
        e.set_attr("expected_up", btoa(node.expected_up));
        e.set_attr("is_dc", btoa(s.dc_node == Some(n)));
        e.set_attr("resources_running", node.running.len().to_string());
        e.set_attr("type", if node.is_remote() { "remote" } else { "member" });
        if self.is_guest(n) {
            if let Some(l) = node.remote_rsc.and_then(|r| s.rscs[r].launcher) {
                e.set_attr("id_as_resource", s.rscs[l].id.as_str());
            }
        }
        x.push_parent(e);
        if self.opts & show::RSCS_BY_NODE != 0 {
            let mut sink = Sink::Xml(x);
            for &r in &node.running {
                rsc::resource(
                    s,
                    &mut sink,
                    self.opts | show::RSC_ONLY,
                    r,
                    &self.only_node,
                    &self.only_rsc,
                );
            }
        }
        x.pop_parent();
    }
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
