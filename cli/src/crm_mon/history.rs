//! The sections of the status after the resources: node attributes,
//! operation history and fail counts (`node-summary`), failed resource
//! actions, tickets and negative location constraints, in text and XML.

use std::collections::HashMap;

use pcmk_common::xml::Element;
use pcmk_execd::result::ExecStatus;
use pcmk_schedulerd::Scheduler;
use pcmk_schedulerd::model::{NodeIdx, Role, RscIdx, Variant};
use pcmk_schedulerd::unpack::failcount::FcMode;
use pcmk_schedulerd::unpack::ops::history_key;

use super::rsc::{self, exit_str};
use super::status::{View, btoa};
use crate::text_out::TextOut;
use crate::timefmt::ctime;
use crate::xml_out::XmlOut;

/// Fail counts and last failures of resources on nodes.
pub type FailCounts = HashMap<(NodeIdx, RscIdx), (i32, i64)>;

/// Computes every resource's fail count on every node that has history
/// (`pe_get_failcount` with default flags).
pub fn failcounts(s: &mut Scheduler) -> FailCounts {
    let mut map = FailCounts::new();
    for n in 0..s.nodes.len() {
        for r in 0..s.rscs.len() {
            if !s.rscs[r].is_primitive() {
                continue;
            }
            let fc = s.failcount(n, r, FcMode::All);
            if fc.0 != 0 || fc.1 > 0 {
                map.insert((n, r), fc);
            }
        }
    }
    map
}

/// Node attributes not shown (`FILTER_STR`).
fn hidden_attr(name: &str) -> bool {
    [
        "fail-count-",
        "last-failure-",
        "shutdown",
        "terminate",
        "standby",
        "#",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

fn int_attr(e: &Element, name: &str) -> i64 {
    e.attr(name)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0)
}

/// `pcmk__readable_action`.
fn readable_action(task: &str, interval_ms: u64) -> &str {
    match task {
        "monitor" if interval_ms == 0 => "probe",
        "migrate_to" => "migrate-to",
        "migrate_from" => "migrate-from",
        t => t,
    }
}

fn exec_status_str(status: i64) -> &'static str {
    i32::try_from(status)
        .ok()
        .and_then(ExecStatus::from_code)
        .map_or("Unrecognized status (bug?)", ExecStatus::description)
}

/// The operations of an `lrm_resource` shown (`get_operation_list`): no
/// notifications, no probes that found the resource stopped, by call id.
fn operation_list(entry: &Element) -> Vec<&Element> {
    let mut ops: Vec<&Element> = entry
        .children_named("lrm_rsc_op")
        .filter(|op| {
            let task = op.attr("operation").unwrap_or("");
            if task == "notify" {
                return false;
            }
            let probe = task == "monitor" && op.attr("interval").is_none_or(|i| i == "0");
            !(probe && int_attr(op, "rc-code") == 7)
        })
        .collect();
    ops.sort_by_key(|op| int_attr(op, "call-id"));
    ops
}

impl View<'_> {
    fn fc(&self, n: NodeIdx, r: RscIdx) -> (i32, i64) {
        self.failcounts.get(&(n, r)).copied().unwrap_or((0, 0))
    }

    /// The shown attributes of an online node, sorted.
    fn shown_attrs(&self, n: NodeIdx) -> Vec<(&str, &str)> {
        let mut v: Vec<(&str, &str)> = self.s.nodes[n]
            .attrs
            .iter()
            .filter(|(k, _)| !hidden_attr(k))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        v.sort_unstable();
        v
    }

    /// `add_extra_info`: the connectivity a ping resource expects for
    /// the attribute.
    fn expected_score(&self, n: NodeIdx, attr: &str) -> Option<i64> {
        fn walk(v: &View<'_>, rscs: &[RscIdx], attr: &str) -> Option<i64> {
            for &r in rscs {
                let rr = &v.s.rscs[r];
                if let Some(x) = walk(v, &rr.children, attr) {
                    return Some(x);
                }
                let kind = rr.xml.attr("type").unwrap_or("");
                if !kind.eq_ignore_ascii_case("ping") && !kind.eq_ignore_ascii_case("pingd") {
                    continue;
                }
                let param = |name: &str| {
                    rr.xml
                        .children_named("instance_attributes")
                        .flat_map(|ia| ia.children_named("nvpair"))
                        .find(|p| p.attr("name") == Some(name))
                        .and_then(|p| p.attr("value"))
                };
                let name = param("name").unwrap_or("pingd");
                if name.eq_ignore_ascii_case(attr) {
                    let hosts = param("host_list")
                        .map_or(0, |h| h.split(' ').filter(|x| !x.is_empty()).count());
                    let mult = param("multiplier")
                        .and_then(|m| m.trim().parse::<i64>().ok())
                        .unwrap_or(1);
                    return Some(hosts as i64 * mult);
                }
            }
            None
        }
        walk(self, &self.s.nodes[n].running, attr)
    }

    pub(super) fn attributes_text(&self, t: &mut TextOut, spacer: bool) -> bool {
        let mut open = false;
        for n in 0..self.s.nodes.len() {
            let node = &self.s.nodes[n];
            if !node.online {
                continue;
            }
            let attrs = self.shown_attrs(n);
            if attrs.is_empty() || !self.node_shown(&node.name) {
                continue;
            }
            if !open {
                if spacer {
                    t.spacer();
                }
                t.begin_list(None, Some("Node Attributes"));
                open = true;
            }
            t.begin_list(None, Some(&format!("Node: {}", self.node_display_name(n))));
            for (name, value) in attrs {
                let line = match self.expected_score(n, name) {
                    Some(expected) => {
                        let v = value.trim().parse::<i64>().unwrap_or(0);
                        if v <= 0 {
                            format!("{name:<32}\t: {value:<10}\t: Connectivity is lost")
                        } else if v < expected {
                            format!(
                                "{name:<32}\t: {value:<10}\t: Connectivity is degraded (Expected={expected})"
                            )
                        } else {
                            format!("{name:<32}\t: {value:<10}")
                        }
                    }
                    None => format!("{name:<32}\t: {value:<10}"),
                };
                t.item(None, &line);
            }
            t.end_list();
        }
        if open {
            t.end_list();
        }
        open
    }

    pub(super) fn attributes_xml(&self, x: &mut XmlOut) {
        let mut open = false;
        for n in 0..self.s.nodes.len() {
            let node = &self.s.nodes[n];
            if !node.online {
                continue;
            }
            let attrs = self.shown_attrs(n);
            if attrs.is_empty() || !self.node_shown(&node.name) {
                continue;
            }
            if !open {
                x.push_parent(Element::new("node_attributes"));
                open = true;
            }
            x.push_parent(Element::new("node").with_attr("name", node.name.as_str()));
            for (name, value) in attrs {
                let mut e = Element::new("attribute")
                    .with_attr("name", name)
                    .with_attr("value", value);
                if let Some(expected) = self.expected_score(n, name) {
                    e.set_attr("expected", expected.to_string());
                }
                x.add(e);
            }
            x.pop_parent();
        }
        if open {
            x.pop_parent();
        }
    }

    /// The history entries of online, shown nodes.
    fn node_states(&self) -> Vec<(NodeIdx, &Element)> {
        let Some(status) = self.s.input.child("status") else {
            return Vec::new();
        };
        status
            .children_named("node_state")
            .filter_map(|ns| {
                let n = *self.s.node_by_id.get(ns.id()?)?;
                let node = &self.s.nodes[n];
                (node.online && self.node_shown(&node.name)).then_some((n, ns))
            })
            .collect()
    }

    fn find_history_rsc(&self, id: &str) -> Option<RscIdx> {
        self.s.find_rsc(id).or_else(|| {
            (0..self.s.rscs.len()).find(|&r| self.s.rscs[r].history_id.as_deref() == Some(id))
        })
    }

    /// Whether a resource's history is filtered out.
    fn history_filtered(&self, r: RscIdx) -> bool {
        let top = self.s.top_rsc(r, false);
        if self.s.rscs[top].variant == Variant::Group {
            !rsc::in_list(rsc::printable_id(self.s, r), &self.only_rsc, false)
                && !rsc::in_list(rsc::printable_id(self.s, top), &self.only_rsc, false)
        } else {
            rsc::is_filtered(self.s, r, &self.only_rsc, true)
        }
    }

    fn history_string(&self, r: RscIdx, rsc_id: &str, all: bool, fc: (i32, i64)) -> String {
        if all || fc.0 != 0 || fc.1 > 0 {
            let mut s = format!(
                "{rsc_id}: migration-threshold={}",
                self.s.rscs[r].ban_after_failures
            );
            if fc.0 > 0 {
                s.push_str(&format!(" fail-count={}", fc.0));
            }
            if fc.1 > 0 {
                s.push_str(&format!(" last-failure='{}'", ctime(fc.1)));
            }
            s
        } else {
            format!("{rsc_id}:")
        }
    }

    fn history_xml(&self, r: RscIdx, rsc_id: &str, all: bool, fc: (i32, i64)) -> Element {
        let mut e = Element::new("resource_history").with_attr("id", rsc_id);
        if all || fc.0 != 0 || fc.1 > 0 {
            e.set_attr("orphan", "false");
            e.set_attr("removed", "false");
            e.set_attr(
                "migration-threshold",
                self.s.rscs[r].ban_after_failures.to_string(),
            );
            if fc.0 > 0 {
                e.set_attr("fail-count", fc.0.to_string());
            }
            if fc.1 > 0 {
                e.set_attr("last-failure", ctime(fc.1));
            }
        }
        e
    }

    fn op_string(&self, op: &Element, task: &str) -> String {
        let call = op.attr("call-id").unwrap_or("");
        let interval = op
            .attr("interval")
            .filter(|i| *i != "0")
            .map(|i| format!(" interval=\"{i}ms\""));
        if self.opts & rsc::show::TIMING != 0 {
            let mut extra = String::new();
            let change = int_attr(op, "last-rc-change");
            if change > 0 {
                extra.push_str(&format!(" last-rc-change=\"{}\"", ctime(change)));
            }
            if let Some(v) = op.attr("exec-time") {
                extra.push_str(&format!(" exec-time=\"{v}ms\""));
            }
            if let Some(v) = op.attr("queue-time") {
                extra.push_str(&format!(" queue-time=\"{v}ms\""));
            }
            let rc = int_attr(op, "rc-code");
            format!(
                "({call}) {task}:{}{extra} rc={rc} ({})",
                interval.unwrap_or_default(),
                exit_str(rc)
            )
        } else {
            match interval {
                Some(i) => format!("({call}) {task}:{i}"),
                None => format!("({call}) {task}"),
            }
        }
    }

    fn op_xml(&self, op: &Element, task: &str) -> Element {
        let rc = int_attr(op, "rc-code");
        let mut e = Element::new("operation_history")
            .with_attr("call", op.attr("call-id").unwrap_or(""))
            .with_attr("task", task)
            .with_attr("rc", rc.to_string())
            .with_attr("rc_text", exit_str(rc));
        if let Some(i) = op.attr("interval").filter(|i| *i != "0") {
            e.set_attr("interval", format!("{i}ms"));
        }
        if self.opts & rsc::show::TIMING != 0 {
            let change = int_attr(op, "last-rc-change");
            if change > 0 {
                e.set_attr("last-rc-change", ctime(change));
            }
            if let Some(v) = op.attr("exec-time") {
                e.set_attr("exec-time", format!("{v}ms"));
            }
            if let Some(v) = op.attr("queue-time") {
                e.set_attr("queue-time", format!("{v}ms"));
            }
        }
        e
    }

    fn task_shown(op: &Element) -> &str {
        let task = op.attr("operation").unwrap_or("");
        if task == "monitor" && op.attr("interval").is_none_or(|i| i == "0") {
            "probe"
        } else {
            task
        }
    }

    /// The entries of one node's history: (resource, its id as
    /// recorded, operations shown).
    fn node_entries<'e>(&self, ns: &'e Element) -> Vec<(RscIdx, &'e str, Vec<&'e Element>)> {
        ns.child("lrm")
            .and_then(|l| l.child("lrm_resources"))
            .into_iter()
            .flat_map(|l| l.children_named("lrm_resource"))
            .filter_map(|entry| {
                let id = entry.id()?;
                let r = self.find_history_rsc(id)?;
                (!self.history_filtered(r)).then(|| (r, id, operation_list(entry)))
            })
            .collect()
    }

    pub(super) fn node_summary_text(&self, t: &mut TextOut, spacer: bool) -> bool {
        let operations = self.show & super::section::OPERATIONS != 0;
        let mut open = false;
        for (n, ns) in self.node_states() {
            if !open {
                if spacer {
                    t.spacer();
                }
                t.begin_list(
                    None,
                    Some(if operations {
                        "Operations"
                    } else {
                        "Migration Summary"
                    }),
                );
                open = true;
            }
            let mut node_open = false;
            for (r, rsc_id, ops) in self.node_entries(ns) {
                let fc = self.fc(n, r);
                if !operations {
                    if fc.0 <= 0 {
                        continue;
                    }
                    if !node_open {
                        t.begin_list(None, Some(&format!("Node: {}", self.node_display_name(n))));
                        node_open = true;
                    }
                    t.item(None, &self.history_string(r, rsc_id, false, fc));
                } else {
                    if ops.is_empty() {
                        continue;
                    }
                    if !node_open {
                        t.begin_list(None, Some(&format!("Node: {}", self.node_display_name(n))));
                        node_open = true;
                    }
                    let id = rsc::printable_id(self.s, r);
                    t.begin_list(None, Some(&self.history_string(r, id, true, fc)));
                    for op in ops {
                        t.item(None, &self.op_string(op, Self::task_shown(op)));
                    }
                    t.end_list();
                }
            }
            if node_open {
                t.end_list();
            }
        }
        if open {
            t.end_list();
        }
        open
    }

    pub(super) fn node_summary_xml(&self, x: &mut XmlOut) {
        let operations = self.show & super::section::OPERATIONS != 0;
        let states = self.node_states();
        if states.is_empty() {
            return;
        }
        x.push_parent(Element::new("node_history"));
        for (n, ns) in states {
            let mut node_open = false;
            for (r, rsc_id, ops) in self.node_entries(ns) {
                let fc = self.fc(n, r);
                if !operations {
                    if fc.0 <= 0 {
                        continue;
                    }
                } else if ops.is_empty() {
                    continue;
                }
                if !node_open {
                    x.push_parent(
                        Element::new("node").with_attr("name", self.s.nodes[n].name.as_str()),
                    );
                    node_open = true;
                }
                if operations {
                    let id = rsc::printable_id(self.s, r);
                    x.push_parent(self.history_xml(r, id, true, fc));
                    for op in ops {
                        x.add(self.op_xml(op, Self::task_shown(op)));
                    }
                    x.pop_parent();
                } else {
                    x.add(self.history_xml(r, rsc_id, false, fc));
                }
            }
            if node_open {
                x.pop_parent();
            }
        }
        x.pop_parent();
    }

    /// The failed operations shown.
    fn failures(&self) -> Vec<&Element> {
        self.s
            .failed_ops
            .iter()
            .filter(|op| {
                let uname = op.attr("uname").unwrap_or("");
                if !rsc::in_list(uname, &self.only_node, true) {
                    return false;
                }
                if masked_probe_failure(op) {
                    return false;
                }
                let Some((rsc_id, _, _)) = pcmk_schedulerd::model::parse_op_key(history_key(op))
                else {
                    return false;
                };
                rsc::in_list(&rsc_id, &self.only_rsc, false)
            })
            .collect()
    }

    pub(super) fn failures_text(&self, t: &mut TextOut, spacer: bool) -> bool {
        let list = self.failures();
        if list.is_empty() {
            return false;
        }
        if spacer {
            t.spacer();
        }
        t.begin_list(None, Some("Failed Resource Actions"));
        for op in list {
            t.item(None, &self.failure_string(op));
        }
        t.end_list();
        true
    }

    fn failure_string(&self, op: &Element) -> String {
        let key = history_key(op);
        let node = op
            .attr("uname")
            .filter(|u| !u.is_empty())
            .unwrap_or("unknown node");
        let rc = int_attr(op, "rc-code");
        let status = int_attr(op, "op-status");
        let reason = op.attr("exit-reason").filter(|r| !r.is_empty());
        let exec = op.attr("exec-time").filter(|e| !e.is_empty());
        let change = int_attr(op, "last-rc-change");
        if self.opts & rsc::show::FAILED_DETAIL != 0 {
            let key = if key.is_empty() {
                "unknown operation"
            } else {
                key
            };
            let call = op
                .attr("call-id")
                .filter(|c| !c.is_empty())
                .unwrap_or("unknown");
            let mut s = format!(
                "{key} on {node} '{}' ({rc}): call={call}, status='{}'",
                exit_str(rc),
                exec_status_str(status)
            );
            if let Some(r) = reason {
                s.push_str(&format!(", exitreason='{r}'"));
            }
            if change > 0 {
                s.push_str(&format!(", last-rc-change='{}'", ctime(change)));
            }
            if let Some(q) = op.attr("queue-time").filter(|q| !q.is_empty()) {
                s.push_str(&format!(", queued={q}ms"));
            }
            if let Some(e) = exec {
                s.push_str(&format!(", exec={e}ms"));
            }
            return s;
        }
        let (rsc_id, task, interval) = pcmk_schedulerd::model::parse_op_key(key)
            .unwrap_or_else(|| ("unknown resource".into(), "unknown action".into(), 0));
        let mut s = format!("{rsc_id} ");
        if interval != 0 {
            s.push_str(&format!(
                "{}-interval ",
                pcmk_execd::result::readable_interval(interval)
            ));
        }
        s.push_str(&format!("{} on {node}", readable_action(&task, interval)));
        if status == 0 {
            s.push_str(&format!(" returned '{}'", exit_str(rc)));
            if let Some(r) = reason {
                s.push_str(&format!(" ({r})"));
            }
        } else {
            s.push_str(&format!(
                " could not be executed ({}",
                exec_status_str(status)
            ));
            if let Some(r) = reason {
                s.push_str(&format!(": {r}"));
            }
            s.push(')');
        }
        if change > 0 {
            s.push_str(&format!(" at {}", ctime(change)));
        }
        if let Some(ms) = exec
            .and_then(|e| e.parse::<u64>().ok())
            .filter(|ms| *ms > 0)
        {
            s.push_str(&format!(
                " after {}",
                pcmk_execd::result::readable_interval(ms)
            ));
        }
        s
    }

    pub(super) fn failures_xml(&self, x: &mut XmlOut) {
        let list = self.failures();
        if list.is_empty() {
            return;
        }
        x.push_parent(Element::new("failures"));
        for op in list {
            let rc = int_attr(op, "rc-code");
            let key_name = if op.attr("operation_key").is_some() {
                "op_key"
            } else {
                "id"
            };
            let mut e = Element::new("failure")
                .with_attr(key_name, history_key(op))
                .with_attr("node", op.attr("uname").unwrap_or(""))
                .with_attr("exitstatus", exit_str(rc))
                .with_attr("exitreason", op.attr("exit-reason").unwrap_or("none"))
                .with_attr("exitcode", rc.to_string())
                .with_attr("call", op.attr("call-id").unwrap_or(""))
                .with_attr("status", exec_status_str(int_attr(op, "op-status")));
            let change = int_attr(op, "last-rc-change");
            if change > 0 {
                e.set_attr("last-rc-change", crate::timefmt::log_time(change));
                if let Some(q) = op.attr("queue-time") {
                    e.set_attr("queued", q);
                }
                if let Some(v) = op.attr("exec-time") {
                    e.set_attr("exec", v);
                }
                e.set_attr("interval", int_attr(op, "interval").to_string());
                if let Some(task) = op.attr("operation") {
                    e.set_attr("task", task);
                }
            }
            x.add(e);
        }
        x.pop_parent();
    }

    pub(super) fn tickets_text(&self, t: &mut TextOut, spacer: bool) -> bool {
        let list = crate::tickets::tickets(&self.s.input);
        if list.is_empty() {
            return false;
        }
        if spacer {
            t.spacer();
        }
        t.begin_list(None, Some("Tickets"));
        for tk in &list {
            let standby = if tk.standby { " [standby]" } else { "" };
            match tk.last_granted {
                Some(lg) if lg > -1 => t.item(
                    None,
                    &format!(
                        "{}\t{}{standby} last-granted=\"{}\"",
                        tk.id,
                        tk.status(),
                        ctime(lg)
                    ),
                ),
                _ => t.item(None, &format!("{}\t{}{standby}", tk.id, tk.status())),
            }
        }
        t.end_list();
        true
    }

    pub(super) fn tickets_xml(&self, x: &mut XmlOut) {
        let list = crate::tickets::tickets(&self.s.input);
        if list.is_empty() {
            return;
        }
        x.push_parent(Element::new("tickets"));
        for tk in &list {
            x.add(crate::crm_ticket::ticket_xml(tk));
        }
        x.pop_parent();
    }

    /// The bans shown: (constraint, resource, node, score, promoted only).
    fn bans(&self) -> Vec<(&str, RscIdx, NodeIdx, i32, bool)> {
        let s = self.s;
        let mut out = Vec::new();
        for loc in &s.locations {
            if let Some(p) = &self.neg_prefix {
                if !loc.id.starts_with(p.as_str()) {
                    continue;
                }
            }
            let top = s.top_rsc(loc.rsc, false);
            if !rsc::in_list(rsc::printable_id(s, loc.rsc), &self.only_rsc, false)
                && !rsc::in_list(rsc::printable_id(s, top), &self.only_rsc, false)
            {
                continue;
            }
            for &(n, score) in &loc.nodes {
                if score < 0 {
                    out.push((
                        loc.id.as_str(),
                        loc.rsc,
                        n,
                        score,
                        loc.role == Role::Promoted,
                    ));
                }
            }
        }
        out
    }

    pub(super) fn bans_text(&self, t: &mut TextOut, spacer: bool) -> bool {
        let list = self.bans();
        if list.is_empty() {
            return false;
        }
        if spacer {
            t.spacer();
        }
        t.begin_list(None, Some("Negative Location Constraints"));
        for (id, r, n, _, promoted) in list {
            t.item(
                None,
                &format!(
                    "{id}\tprevents {} from running {}on {}",
                    self.s.rscs[r].id,
                    if promoted { "in Promoted role " } else { "" },
                    self.node_display_name(n)
                ),
            );
        }
        t.end_list();
        true
    }

    pub(super) fn bans_xml(&self, x: &mut XmlOut) {
        let list = self.bans();
        if list.is_empty() {
            return;
        }
        x.push_parent(Element::new("bans"));
        for (id, r, n, score, promoted) in list {
            x.add(
                Element::new("ban")
                    .with_attr("id", id)
                    .with_attr("resource", self.s.rscs[r].id.as_str())
                    .with_attr("node", self.s.nodes[n].name.as_str())
                    .with_attr("weight", score.to_string())
                    .with_attr("promoted-only", btoa(promoted))
                    .with_attr("master_only", btoa(promoted)),
            );
        }
        x.pop_parent();
    }
}

/// `pcmk_xe_mask_probe_failure`: a probe that failed with "not installed"
/// (or similar) is not shown as a failure.
fn masked_probe_failure(op: &Element) -> bool {
    let task = op.attr("operation").unwrap_or("");
    let probe = task == "monitor" && op.attr("interval").is_none_or(|i| i == "0");
    if !probe {
        return false;
    }
    let status = int_attr(op, "op-status");
    let rc = int_attr(op, "rc-code");
    // The agent is not installed there (OCF 5, or the executor's
    // not-installed status 7).
    rc == 5 || status == 7
}
