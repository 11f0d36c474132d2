//! Where a resource may run and why: its location and colocation
//! constraints (`-a`, `-A`) and the checks behind `--why` (`-Y`): target
//! role, management, node health and bans.

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;
use pcmk_schedulerd::Scheduler;
use pcmk_schedulerd::model::{NodeIdx, Role, RscFlags, RscIdx};

use super::{Ctx, Failed};
use crate::crm_mon::rsc::{self, Sink};

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
