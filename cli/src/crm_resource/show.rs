//! The query commands of `crm_resource`: resource lists, locations,
//! constraints, why resources are stopped, operation history and the
//! resource configuration, all from the status the scheduler library
//! unpacks.

use pcmk_common::exit::CrmExit;
use pcmk_common::options::{FENCING_PARAMS, OptionFlags, PRIMITIVE_META};
use pcmk_common::xml::Element;
use pcmk_schedulerd::Scheduler;
use pcmk_schedulerd::model::{NodeIdx, Role, RscFlags, RscIdx, Variant};
use pcmk_schedulerd::unpack::history::{calculate_active_ops, newer_op};

use super::{Ctx, Failed};
use crate::crm_mon::rsc::{self, Sink, show};
use crate::option_list::{option_list_text, option_list_xml};

/// `--list-options primitive|fencing`.
pub(super) fn list_options(ctx: &mut Ctx<'_>) -> Result<CrmExit, Failed> {
    let (name, short, long, options) = match ctx.args.opt_list.as_deref() {
        Some("fencing") => (
            "fence-attributes",
            "Fencing resource common parameters",
            "Special parameters that are available for all fencing resources, regardless of type. They are processed by Pacemaker, rather than by the fence agent or the fencing library.",
            FENCING_PARAMS,
        ),
        _ => (
            "primitive-meta",
            "Primitive meta-attributes",
            "Meta-attributes applicable to primitive resources",
            PRIMITIVE_META,
        ),
    };
    if ctx.out.is_xml() {
        ctx.out.xml(option_list_xml(
            name,
            short,
            long,
            OptionFlags::NONE,
            options,
        ));
    } else {
        option_list_text(
            &mut ctx.out.text,
            short,
            long,
            OptionFlags::NONE,
            options,
            ctx.args.all,
        );
    }
    Ok(CrmExit::OK)
}

/// `cli_resource_search`: where a resource runs (each instance of a clone
/// given by its common id), and whether it is promoted there.
fn search(s: &Scheduler, rsc: RscIdx, requested: &str) -> Vec<(String, bool)> {
    let r = &s.rscs[rsc];
    let parent = s.top_rsc(rsc, false);
    let clone = if r.variant == Variant::Clone {
        Some(rsc)
    } else if s.rscs[parent].variant == Variant::Clone
        && !r.has(RscFlags::UNIQUE)
        && r.history_id.as_deref() == Some(requested)
        && r.id != requested
    {
        Some(parent)
    } else {
        None
    };
    let promoted =
        |c: RscIdx| s.rscs[c].has(RscFlags::PROMOTABLE) && instance_role(s, c) == Role::Promoted;
    let mut list = Vec::new();
    let mut add = |c: RscIdx| {
        for n in rsc::active_nodes(s, c) {
            list.insert(0, (s.nodes[n].name.clone(), promoted(c)));
        }
    };
    match clone {
        None => add(rsc),
        Some(cl) => {
            for &c in &s.rscs[cl].children {
                add(c);
            }
        }
    }
    list
}

fn instance_role(s: &Scheduler, rsc: RscIdx) -> Role {
    let r = &s.rscs[rsc];
    if r.children.is_empty() {
        r.orig_role
    } else {
        r.children
            .iter()
            .map(|&c| instance_role(s, c))
            .max()
            .unwrap_or(Role::Stopped)
    }
}

/// `--locate`.
pub(super) fn locate(ctx: &mut Ctx<'_>, rsc: Option<RscIdx>) -> Result<CrmExit, Failed> {
    let Some(rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    let requested = ctx.args.resource.clone().unwrap_or_default();
    let nodes = search(ctx.sched()?, rsc, &requested);
    if ctx.out.is_xml() {
        let mut e = Element::new("nodes").with_attr("resource", requested.as_str());
        for (n, promoted) in &nodes {
            let mut ne = crate::output::text_element("node", n);
            if *promoted {
                ne.set_attr("state", "promoted");
            }
            e.push(ne);
        }
        ctx.out.xml(e);
        return Ok(CrmExit::OK);
    }
    if !ctx.out.quiet && nodes.is_empty() {
        ctx.out
            .err_raw(&format!("resource {requested} is NOT running"));
        return Ok(CrmExit::OK);
    }
    for (n, promoted) in &nodes {
        if ctx.out.quiet {
            ctx.out.text.item(Some("node"), n);
        } else {
            ctx.out.text.item(
                Some("node"),
                &format!(
                    "resource {requested} is running on: {n}{}",
                    if *promoted { " Promoted" } else { "" }
                ),
            );
        }
    }
    Ok(CrmExit::OK)
}

/// Scores as Pacemaker shows them (`pcmk_readable_score`).
fn score_text(score: i32) -> String {
    pcmk_common::score::Score::new(i64::from(score)).to_string()
}

/// A resource's location constraints with their nodes and scores, most
/// recent first as Pacemaker lists them.
fn locations(s: &Scheduler, rsc: RscIdx) -> Vec<(String, String, i32)> {
    let mut v = Vec::new();
    for l in s.locations.iter().rev().filter(|l| l.rsc == rsc) {
        for &(n, score) in l.nodes.iter().rev() {
            v.push((l.id.clone(), s.nodes[n].name.clone(), score));
        }
    }
    v
}

fn role_text(role: Role) -> Option<&'static str> {
    (role != Role::Unknown).then(|| role.text())
}

struct Colocs<'a> {
    s: &'a Scheduler,
    visited: Vec<RscIdx>,
    recursive: bool,
}

impl Colocs<'_> {
    fn locations_text(&self, t: &mut crate::text_out::TextOut, rsc: RscIdx) {
        let list = locations(self.s, rsc);
        if list.is_empty() {
            return;
        }
        t.begin_list(None, Some("Locations"));
        for (id, node, score) in list {
            t.item(
                None,
                &format!(
                    "Node {node} (score={}, id={id}, rsc={})",
                    score_text(score),
                    self.s.rscs[rsc].id
                ),
            );
        }
        t.end_list();
    }

    fn locations_xml(&self, x: &mut crate::xml_out::XmlOut, rsc: RscIdx) {
        for (id, node, score) in locations(self.s, rsc) {
            x.add(
                Element::new("rsc_location")
                    .with_attr("node", node)
                    .with_attr("rsc", self.s.rscs[rsc].id.as_str())
                    .with_attr("id", id)
                    .with_attr("score", score_text(score)),
            );
        }
    }

    fn header(&self, other: RscIdx, c: usize, dependents: bool) -> String {
        let col = &self.s.colocations[c];
        let id = &self.s.rscs[other].id;
        if col.primary_role > Role::Started {
            format!(
                "{id} (score={}, {} role={}, id={})",
                score_text(col.score),
                if dependents { "needs" } else { "with" },
                col.primary_role.text(),
                col.id
            )
        } else {
            format!("{id} (score={}, id={})", score_text(col.score), col.id)
        }
    }

    fn coloc_xml(&self, c: usize) -> Element {
        let col = &self.s.colocations[c];
        let mut e = Element::new("rsc_colocation")
            .with_attr("id", col.id.as_str())
            .with_attr("rsc", self.s.rscs[col.dependent].id.as_str())
            .with_attr("with-rsc", self.s.rscs[col.primary].id.as_str())
            .with_attr("score", score_text(col.score))
            .with_attr("node-attribute", col.node_attribute.as_str());
        if let Some(r) = role_text(col.dependent_role) {
            e.set_attr("rsc-role", r);
        }
        if let Some(r) = role_text(col.primary_role) {
            e.set_attr("with-rsc-role", r);
        }
        e
    }

    /// `rscs-colocated-with-list` (`dependents`) or
    /// `rsc-is-colocated-with-list`.
    fn list(&mut self, sink: &mut Sink<'_>, rsc: RscIdx, dependents: bool) {
        if self.visited.contains(&rsc) {
            return;
        }
        self.visited.push(rsc);
        let r = &self.s.rscs[rsc];
        let cons: Vec<usize> = if dependents {
            r.with_this.clone()
        } else {
            r.this_with.clone()
        };
        let mut printed = false;
        for c in cons {
            let col = &self.s.colocations[c];
            let other = if dependents {
                col.dependent
            } else {
                col.primary
            };
            match sink {
                Sink::Text(t) => {
                    if !printed {
                        let title = if dependents {
                            format!("Resources colocated with {}", r.id)
                        } else {
                            format!("Resources {} is colocated with", r.id)
                        };
                        t.begin_list(None, Some(&title));
                        printed = true;
                    }
                    if self.visited.contains(&other) {
                        t.item(
                            None,
                            &format!("{} (id={} - loop)", self.s.rscs[other].id, col.id),
                        );
                        continue;
                    }
                    t.item(None, &self.header(other, c, dependents));
                    t.begin_list(None, None);
                    self.locations_text(t, other);
                    if self.recursive {
                        self.list(&mut Sink::Text(t), other, dependents);
                    }
                    t.end_list();
                }
                Sink::Xml(x) => {
                    x.add(self.coloc_xml(c));
                    if self.visited.contains(&other) {
                        continue;
                    }
                    self.locations_xml(x, other);
                    if self.recursive {
                        self.list(&mut Sink::Xml(x), other, dependents);
                    }
                }
            }
        }
        if printed {
            if let Sink::Text(t) = sink {
                t.end_list();
            }
        }
    }
}

/// `--constraints` / `--stack`.
pub(super) fn constraints(ctx: &mut Ctx<'_>, rsc: Option<RscIdx>) -> Result<CrmExit, Failed> {
    let Some(mut rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    if let Some(s) = ctx.sched.as_mut() {
        s.unpack_constraints();
    }
    let s = ctx.sched.as_ref().ok_or((CrmExit::Software, None))?;
    if !ctx.args.force {
        rsc = super::uber_parent(s, rsc);
    }
    let mut c = Colocs {
        s,
        visited: Vec::new(),
        recursive: ctx.args.recursive,
    };
    if ctx.out.is_xml() {
        let mut x = crate::xml_out::XmlOut::new();
        x.push_parent(Element::new("constraints"));
        c.locations_xml(&mut x, rsc);
        c.list(&mut Sink::Xml(&mut x), rsc, true);
        c.visited.clear();
        c.list(&mut Sink::Xml(&mut x), rsc, false);
        for e in x.finish() {
            ctx.out.xml(e);
        }
    } else {
        let mut t = std::mem::take(&mut ctx.out.text);
        c.locations_text(&mut t, rsc);
        c.list(&mut Sink::Text(&mut t), rsc, true);
        c.visited.clear();
        c.list(&mut Sink::Text(&mut t), rsc, false);
        ctx.out.text = t;
    }
    Ok(CrmExit::OK)
}

/// What `cli_resource_check` finds.
#[derive(Default)]
struct Checks {
    remain_stopped: bool,
    unpromotable: bool,
    unmanaged: bool,
    locked: Option<String>,
    unhealthy: bool,
}

fn health_strategy(s: &Scheduler) -> String {
    s.opt("node-health-strategy")
        .unwrap_or("none")
        .to_ascii_lowercase()
}

fn node_unhealthy(s: &Scheduler, n: NodeIdx) -> bool {
    match health_strategy(s).as_str() {
        "migrate-on-red" => s.node_health(n) < 0,
        "only-green" => s.node_health(n) <= 0,
        _ => false,
    }
}

fn check(s: &Scheduler, rsc: RscIdx, node: Option<NodeIdx>) -> Checks {
    let r = &s.rscs[rsc];
    let mut c = Checks::default();
    match r.meta("target-role").map(Role::parse) {
        Some(Role::Stopped) => c.remain_stopped = true,
        Some(Role::Unpromoted) if s.rscs[s.top_rsc(rsc, false)].has(RscFlags::PROMOTABLE) => {
            c.unpromotable = true;
        }
        _ => {}
    }
    if r.meta("is-managed")
        .is_some_and(|v| !pcmk_common::values::is_true(Some(v)))
    {
        c.unmanaged = true;
    }
    c.locked = r.lock_node.map(|n| s.nodes[n].name.clone());
    match node {
        None => {
            let allowed: Vec<NodeIdx> = (0..s.nodes.len())
                .filter(|&n| s.allowed(rsc, n).is_some())
                .collect();
            if !allowed.is_empty() && allowed.iter().all(|&n| node_unhealthy(s, n)) {
                c.unhealthy = true;
            }
        }
        Some(n) => c.unhealthy = node_unhealthy(s, n),
    }
    c
}

/// The `resource-check-list` message.
fn check_list(s: &Scheduler, sink: &mut Sink<'_>, rsc: RscIdx, node: Option<NodeIdx>) {
    let c = check(s, rsc, node);
    let parent = &s.rscs[s.top_rsc(rsc, false)].id;
    match sink {
        Sink::Xml(x) => {
            let mut e = Element::new("check").with_attr("id", parent.as_str());
            if c.remain_stopped {
                e.set_attr("remain_stopped", "true");
            }
            if c.unpromotable {
                e.set_attr("promotable", "false");
            }
            if c.unmanaged {
                e.set_attr("unmanaged", "true");
            }
            if let Some(l) = &c.locked {
                e.set_attr("locked-to", l.as_str());
            }
            if c.unhealthy {
                e.set_attr("unhealthy", "true");
            }
            x.add(e);
        }
        Sink::Text(t) => {
            if !(c.remain_stopped
                || c.unpromotable
                || c.unmanaged
                || c.locked.is_some()
                || c.unhealthy)
            {
                return;
            }
            t.begin_list(None, Some("Resource Checks"));
            if c.remain_stopped {
                t.item(
                    Some("check"),
                    &format!("Configuration specifies '{parent}' should remain stopped"),
                );
            }
            if c.unpromotable {
                t.item(
                    Some("check"),
                    &format!("Configuration specifies '{parent}' should not be promoted"),
                );
            }
            if c.unmanaged {
                t.item(
                    Some("check"),
                    &format!("Configuration prevents cluster from stopping or starting unmanaged '{parent}'"),
                );
            }
            if let Some(l) = &c.locked {
                t.item(
                    Some("check"),
                    &format!("'{parent}' is locked to node {l} due to shutdown"),
                );
            }
            if c.unhealthy {
                t.item(
                    Some("check"),
                    &format!(
                        "'{parent}' cannot run on unhealthy nodes due to node-health-strategy='{}'",
                        s.opt("node-health-strategy").unwrap_or("none")
                    ),
                );
            }
            t.end_list();
        }
    }
}

/// Shows why a resource may stay stopped after a clean-up
/// (`cli_resource_check`).
pub(super) fn show_checks(
    ctx: &mut Ctx<'_>,
    rsc: RscIdx,
    node: Option<NodeIdx>,
) -> Result<(), Failed> {
    let Some(s) = ctx.sched.as_ref() else {
        return Ok(());
    };
    if ctx.out.is_xml() {
        check_list(s, &mut Sink::Xml(&mut ctx.out.xml_out), rsc, node);
    } else {
        check_list(s, &mut Sink::Text(&mut ctx.out.text), rsc, node);
    }
    Ok(())
}

/// `--why`.
pub(super) fn why(
    ctx: &mut Ctx<'_>,
    rsc: Option<RscIdx>,
    node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    let s = ctx.sched.as_ref().ok_or((CrmExit::Software, None))?;
    let xml = ctx.out.is_xml();
    let mut x = crate::xml_out::XmlOut::new();
    let mut t = std::mem::take(&mut ctx.out.text);
    let running_on = |r: RscIdx, n: NodeIdx| rsc::active_nodes(s, r).contains(&n);
    let mut reason = Element::new("reason");
    if !xml {
        t.begin_list(None, Some("Resource Reasons"));
    }
    match (rsc, node) {
        (None, None) => {
            if xml {
                x.push_parent(Element::new("resources"));
            }
            for &r in &s.top {
                let running = !rsc::active_nodes(s, r).is_empty();
                if xml {
                    x.push_parent(
                        Element::new("resource")
                            .with_attr("id", s.rscs[r].id.as_str())
                            .with_attr("running", if running { "true" } else { "false" }),
                    );
                    check_list(s, &mut Sink::Xml(&mut x), r, None);
                    x.pop_parent();
                } else {
                    t.item(
                        Some("reason"),
                        &format!(
                            "Resource {} is {}running",
                            s.rscs[r].id,
                            if running { "" } else { "not " }
                        ),
                    );
                    check_list(s, &mut Sink::Text(&mut t), r, None);
                }
            }
            if xml {
                x.pop_parent();
            }
        }
        (Some(r), Some(n)) => {
            let host = &s.nodes[n].name;
            let on = running_on(r, n);
            if xml {
                if on {
                    reason.set_attr("running_on", host.as_str());
                }
                check_list(s, &mut Sink::Xml(&mut x), r, Some(n));
            } else {
                t.item(
                    Some("reason"),
                    &format!(
                        "Resource {} is {}running on host {host}",
                        s.rscs[r].id,
                        if on { "" } else { "not " }
                    ),
                );
                check_list(s, &mut Sink::Text(&mut t), r, Some(n));
            }
        }
        (None, Some(n)) => {
            let host = s.nodes[n].name.clone();
            let running: Vec<RscIdx> = s.nodes[n].running.clone();
            let assigned: Vec<RscIdx> = s
                .rscs
                .iter()
                .enumerate()
                .filter(|(_, r)| r.assigned == Some(n))
                .map(|(i, _)| i)
                .collect();
            if xml {
                x.push_parent(Element::new("resources"));
            }
            for (list, state) in [(running.clone(), true), (assigned, false)] {
                for r in list {
                    if !state && running.contains(&r) {
                        continue;
                    }
                    if xml {
                        x.push_parent(
                            Element::new("resource")
                                .with_attr("id", s.rscs[r].id.as_str())
                                .with_attr("running", if state { "true" } else { "false" })
                                .with_attr("host", host.as_str()),
                        );
                        check_list(s, &mut Sink::Xml(&mut x), r, Some(n));
                        x.pop_parent();
                    } else {
                        let what = if state {
                            format!("Resource {} is running on host {host}", s.rscs[r].id)
                        } else {
                            format!(
                                "Resource {} is assigned to host {host} but not running",
                                s.rscs[r].id
                            )
                        };
                        t.item(Some("reason"), &what);
                        check_list(s, &mut Sink::Text(&mut t), r, Some(n));
                    }
                }
            }
            if xml {
                x.pop_parent();
            }
        }
        (Some(r), None) => {
            let running = !rsc::active_nodes(s, r).is_empty();
            if xml {
                reason.set_attr("running", if running { "true" } else { "false" });
                check_list(s, &mut Sink::Xml(&mut x), r, None);
            } else {
                t.item(
                    Some("reason"),
                    &format!(
                        "Resource {} is {}running",
                        s.rscs[r].id,
                        if running { "" } else { "not " }
                    ),
                );
                check_list(s, &mut Sink::Text(&mut t), r, None);
            }
        }
    }
    if !xml {
        t.end_list();
    }
    ctx.out.text = t;
    if xml {
        for e in x.finish() {
            reason.push(e);
        }
        ctx.out.xml(reason);
    }
    Ok(CrmExit::OK)
}

/// `--list-raw`: every primitive's id.
pub(super) fn list_instances(ctx: &mut Ctx<'_>) -> Result<CrmExit, Failed> {
    fn leaves(s: &Scheduler, r: RscIdx, v: &mut Vec<String>) {
        if s.rscs[r].children.is_empty() {
            v.push(s.rscs[r].id.clone());
        } else {
            for &c in &s.rscs[r].children {
                leaves(s, c, v);
            }
        }
    }
    let s = ctx.sched()?;
    if s.top.is_empty() {
        ctx.out.err_raw("NO resources configured\n");
        return Ok(CrmExit::NoSuch);
    }
    let mut names = Vec::new();
    for &r in &s.top {
        leaves(s, r, &mut names);
    }
    ctx.out
        .list("Resource Names", None, Some("resource"), &names);
    Ok(CrmExit::OK)
}

/// `--list`: the resource list with status.
pub(super) fn list_resources(ctx: &mut Ctx<'_>) -> Result<CrmExit, Failed> {
    let s = ctx.sched.as_ref().ok_or((CrmExit::Software, None))?;
    let all = vec!["*".to_string()];
    let opts = show::INACTIVE_RSCS | show::RSC_ONLY | show::PENDING;
    let printed = if ctx.out.is_xml() {
        rsc::resource_list(
            s,
            &mut Sink::Xml(&mut ctx.out.xml_out),
            opts,
            true,
            &all,
            &all,
            false,
        )
    } else {
        rsc::resource_list(
            s,
            &mut Sink::Text(&mut ctx.out.text),
            opts,
            true,
            &all,
            &all,
            false,
        )
    };
    Ok(if printed {
        CrmExit::OK
    } else {
        CrmExit::NoSuch
    })
}

/// `--query-xml` (`expanded`) and `--query-xml-raw`.
pub(super) fn query_xml(
    ctx: &mut Ctx<'_>,
    rsc: Option<RscIdx>,
    expanded: bool,
) -> Result<CrmExit, Failed> {
    let Some(rsc) = rsc else {
        return Ok(CrmExit::OK);
    };
    let s = ctx.sched.as_ref().ok_or((CrmExit::Software, None))?;
    let all = vec!["*".to_string()];
    let xml = if expanded {
        Some(s.rscs[rsc].xml.clone())
    } else {
        let id = s.rscs[rsc].xml.id().unwrap_or_default();
        ctx.cib_xml
            .as_ref()
            .and_then(|c| c.child("configuration"))
            .and_then(|c| c.child("resources"))
            .and_then(|r| r.descendants().find(|e| e.id() == Some(id)))
            .cloned()
    };
    let pretty = xml.map(|e| e.to_pretty()).unwrap_or_default();
    if ctx.out.is_xml() {
        ctx.out.xml_out.begin_list("Resource Config");
        rsc::resource(
            s,
            &mut Sink::Xml(&mut ctx.out.xml_out),
            show::PENDING,
            rsc,
            &all,
            &all,
        );
        let e = ctx.out.cdata.element("xml", &pretty);
        ctx.out.xml_out.add(e);
        ctx.out.xml_out.end_list();
    } else {
        rsc::resource(
            s,
            &mut Sink::Text(&mut ctx.out.text),
            show::PENDING,
            rsc,
            &all,
            &all,
        );
        ctx.out.text.raw("Resource XML:\n");
        ctx.out.text.raw(&pretty);
    }
    Ok(CrmExit::OK)
}

/// The history entries of resources on nodes (`find_operations`), each
/// with its resource and node name.
fn find_operations(
    s: &Scheduler,
    rsc_id: Option<&str>,
    node: Option<&str>,
    active_filter: bool,
) -> Vec<(Element, String, String)> {
    let mut out = Vec::new();
    let Some(status) = s.input.child("status") else {
        return out;
    };
    let fencing = s.has(pcmk_schedulerd::model::SchedFlags::FENCING_ENABLED);
    for ns in status.children_named("node_state") {
        let uname = ns.attr("uname").unwrap_or_default();
        if node.is_some_and(|n| !n.eq_ignore_ascii_case(uname)) {
            continue;
        }
        let Some(n) = s.find_node(uname) else {
            continue;
        };
        if !s.nodes[n].online && !fencing {
            continue;
        }
        let lrm_rscs = ns
            .child("lrm")
            .and_then(|l| l.child("lrm_resources"))
            .into_iter()
            .flat_map(|l| l.children_named("lrm_resource"));
        for lr in lrm_rscs {
            let id = lr.id().unwrap_or_default();
            if rsc_id.is_some_and(|r| r != id) {
                continue;
            }
            let mut ops: Vec<&Element> = lr.children_named("lrm_rsc_op").collect();
            ops.reverse();
            ops.sort_by(|a, b| newer_op(a, b));
            let mut chosen: Vec<&Element> = ops.clone();
            if active_filter {
                let (start, stop) = calculate_active_ops(&ops);
                chosen.clear();
                if start >= stop {
                    for (i, op) in ops.iter().enumerate() {
                        if (i as i64) + 1 < start {
                            continue;
                        }
                        chosen.push(op);
                    }
                }
            }
            for op in chosen {
                out.push(((*op).clone(), id.to_string(), uname.to_string()));
            }
        }
    }
    out
}

fn exec_status(status: i64) -> &'static str {
    match status {
        -1 => "Pending",
        0 => "Done",
        1 => "Cancelled",
        2 => "Timed out",
        3 => "Unsupported",
        4 => "Error",
        5 => "Hard error",
        6 => "Not installed",
        7 => "Not connected",
        8 => "Invalid",
        9 => "Removed",
        10 => "Not configured",
        _ => "Unknown",
    }
}

/// `--list-operations` (`active`) and `--list-all-operations`.
pub(super) fn operations(
    ctx: &mut Ctx<'_>,
    active: bool,
    node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    let s = ctx.sched.as_ref().ok_or((CrmExit::Software, None))?;
    let node_name = node.map(|n| s.nodes[n].name.clone());
    let ops = find_operations(
        s,
        ctx.args.resource.as_deref(),
        node_name.as_deref(),
        active,
    );
    if ops.is_empty() {
        return Ok(CrmExit::OK);
    }
    let xml = ctx.out.is_xml();
    if xml {
        ctx.out.xml_out.begin_list("Resource Operations");
    } else {
        ctx.out.text.begin_list(None, Some("Resource Operations"));
    }
    for (op, rsc_id, uname) in &ops {
        let status = op
            .attr("op-status")
            .map_or(-1, |v| i64::from(pcmk_common::values::scan_min_int(v, -1)));
        let key = pcmk_schedulerd::unpack::ops::history_key(op);
        let rsc = super::find_resource(s, rsc_id, super::FIND_HISTORY);
        let last_change = op
            .attr("last-rc-change")
            .and_then(|v| v.trim().parse::<i64>().ok());
        if xml {
            let mut e = Element::new("operation")
                .with_attr("op", key)
                .with_attr("node", uname.as_str())
                .with_attr("call", op.attr("call-id").unwrap_or_default())
                .with_attr("rc", op.attr("rc-code").unwrap_or_default())
                .with_attr("status", exec_status(status));
            if let Some(r) = rsc {
                let x = &s.rscs[r].xml;
                let class = x.attr("class").unwrap_or_default();
                let provider = if class.eq_ignore_ascii_case("ocf") {
                    x.attr("provider").unwrap_or_default()
                } else {
                    ""
                };
                e.set_attr("rsc", rsc::printable_id(s, r));
                e.set_attr(
                    "agent",
                    format!("{class}:{provider}:{}", x.attr("type").unwrap_or_default()),
                );
            }
            if let Some(t) = last_change {
                e.set_attr("last-rc-change", crate::timefmt::ctime(t));
                e.set_attr("exec-time", op.attr("exec-time").unwrap_or_default());
            }
            ctx.out.xml_out.add(e);
        } else {
            let node_str = match rsc {
                Some(r) => {
                    let n = s.current_node(r).or(s.rscs[r].pending_node);
                    rsc::primitive_string(
                        s,
                        r,
                        rsc::printable_id(s, r),
                        n,
                        show::RSC_ONLY | show::PENDING,
                        false,
                    )
                }
                None => format!("Unknown resource {rsc_id}"),
            };
            let change = last_change
                .map(|t| {
                    format!(
                        ", last-rc-change='{}', exec={}ms",
                        crate::timefmt::ctime(t),
                        op.attr("exec-time").unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            ctx.out.text.item(
                None,
                &format!(
                    "{node_str}: {key} (node={uname}, call={}, rc={}{change}): {}",
                    op.attr("call-id").unwrap_or_default(),
                    op.attr("rc-code").unwrap_or_default(),
                    exec_status(status)
                ),
            );
        }
    }
    if xml {
        ctx.out.xml_out.end_list();
    } else {
        ctx.out.text.end_list();
    }
    Ok(CrmExit::OK)
}

/// `--list-cts` (hidden): resources and colocations for the CTS lab.
pub(super) fn cts(ctx: &mut Ctx<'_>) -> Result<CrmExit, Failed> {
    let s = ctx.sched.as_ref().ok_or((CrmExit::Software, None))?;
    fn print(s: &Scheduler, r: RscIdx, lines: &mut Vec<String>) {
        let rsc = &s.rscs[r];
        let x = &rsc.xml;
        let host = s.current_node(r).map_or("NA", |n| s.nodes[n].name.as_str());
        let needs_quorum = i32::from(!rsc.has(RscFlags::FENCE_DEVICE));
        lines.push(format!(
            "Resource: {} {} {} {} {} {} {} {} {} {} {:#018x}",
            x.name,
            rsc.id,
            rsc.history_id.as_deref().unwrap_or(&rsc.id),
            rsc.parent.map_or("NA", |p| s.rscs[p].id.as_str()),
            x.attr("provider").unwrap_or("NA"),
            x.attr("class").unwrap_or("(null)"),
            x.attr("type").unwrap_or("(null)"),
            host,
            needs_quorum,
            rsc.flags.0,
            rsc.flags.0
        ));
        for &c in &rsc.children {
            print(s, c, lines);
        }
    }
    let mut lines = Vec::new();
    for &r in &s.top {
        print(s, r, &mut lines);
    }
    if let Some(cons) = s
        .input
        .child("configuration")
        .and_then(|c| c.child("constraints"))
    {
        for c in cons.children_named("rsc_colocation") {
            if c.id().is_none() {
                continue;
            }
            let v = |k: &str| c.attr(k).unwrap_or("NA").to_string();
            lines.push(format!(
                "Constraint rsc_colocation {} {} {} {} {} {}",
                v("id"),
                v("rsc"),
                v("with-rsc"),
                v("score"),
                v("rsc-role"),
                v("with-rsc-role")
            ));
        }
    }
    for l in lines {
        ctx.out.info(&l);
    }
    Ok(CrmExit::OK)
}

/// `--digests`: not available until the scheduler library exposes the
/// digests' parameter sets.
pub(super) fn digests(
    _ctx: &mut Ctx<'_>,
    _rsc: Option<RscIdx>,
    _node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    Err((
        CrmExit::UnimplementFeature,
        Some("--digests is not supported by this version".into()),
    ))
}
