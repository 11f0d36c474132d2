//! Clones in the status output (Pacemaker's `clone` message of
//! `lib/pengine/clone.c`): instances listed one by one, or summarised by
//! role and node.

use pcmk_common::xml::Element;
use pcmk_schedulerd::Scheduler;
use pcmk_schedulerd::model::{NodeIdx, Role, RscFlags, RscIdx};
use pcmk_schedulerd::strcmp::numeric_strcasecmp;

use super::{
    Sink, active, active_nodes, bool_text, clone_child_id, description, exit_str, failed_probe,
    filtered_by_node, in_list, is_filtered, printable_id, resource, show,
};
use crate::text_out::TextOut;
/// A clone's configured target role (`configured_role_str`).
fn configured_role_str(s: &Scheduler, rsc: RscIdx) -> Option<&str> {
    let r = &s.rscs[rsc];
    r.meta("target-role").or_else(|| {
        r.children
            .first()
            .and_then(|&c| s.rscs[c].meta("target-role"))
    })
}

fn is_set_recursive(s: &Scheduler, rsc: RscIdx, flag: u64, any: bool) -> bool {
    let r = &s.rscs[rsc];
    if r.has(flag) {
        if any {
            return true;
        }
    } else if !any {
        return false;
    }
    for &c in &r.children {
        if is_set_recursive(s, c, flag, any) {
            if any {
                return true;
            }
        } else if !any {
            return false;
        }
    }
    !any
}

fn clone_header(
    s: &Scheduler,
    t: &mut TextOut,
    printed: &mut bool,
    rsc: RscIdx,
    desc: Option<&str>,
) {
    if *printed {
        return;
    }
    *printed = true;
    let r = &s.rscs[rsc];
    let mut attrs: Vec<&str> = Vec::new();
    if r.has(RscFlags::PROMOTABLE) {
        attrs.push("promotable");
    }
    if r.has(RscFlags::UNIQUE) {
        attrs.push("unique");
    }
    if s.rsc_disabled(rsc) {
        attrs.push("disabled");
    }
    if r.has(RscFlags::MAINTENANCE) {
        attrs.push("maintenance");
    } else if !r.has(RscFlags::MANAGED) {
        attrs.push("unmanaged");
    }
    let child = clone_child_id(s, rsc).unwrap_or_default();
    let desc = desc.map(|d| format!(" ({d})")).unwrap_or_default();
    let title = if attrs.is_empty() {
        format!("Clone Set: {} [{child}]{desc}", r.id)
    } else {
        format!("Clone Set: {} [{child}] ({}){desc}", r.id, attrs.join(", "))
    };
    t.begin_list(None, Some(&title));
}

/// The `clone` message.
pub fn clone(
    s: &Scheduler,
    sink: &mut Sink<'_>,
    opts: u32,
    rsc: RscIdx,
    only_node: &[String],
    only_rsc: &[String],
) -> bool {
    if is_filtered(s, rsc, only_rsc, true) {
        return false;
    }
    let r = &s.rscs[rsc];
    let print_everything = in_list(printable_id(s, rsc), only_rsc, false)
        || (r.id.contains(':') && in_list(&r.id, only_rsc, false));
    let all = vec!["*".to_string()];
    match sink {
        Sink::Xml(x) => {
            let mut printed = false;
            for &c in &r.children {
                if filtered_by_node(s, c, only_node)
                    || is_filtered(s, c, only_rsc, print_everything)
                {
                    continue;
                }
                if !printed {
                    printed = true;
                    let mut e = Element::new("clone")
                        .with_attr("id", r.id.as_str())
                        .with_attr("multi_state", bool_text(r.has(RscFlags::PROMOTABLE)))
                        .with_attr("unique", bool_text(r.has(RscFlags::UNIQUE)))
                        .with_attr("maintenance", bool_text(r.has(RscFlags::MAINTENANCE)))
                        .with_attr("managed", bool_text(r.has(RscFlags::MANAGED)))
                        .with_attr("disabled", bool_text(s.rsc_disabled(rsc)))
                        .with_attr("failed", bool_text(r.has(RscFlags::FAILED)))
                        .with_attr(
                            "failure_ignored",
                            bool_text(r.has(RscFlags::IGNORE_FAILURE)),
                        );
                    if let Some(tr) = configured_role_str(s, rsc) {
                        e.set_attr("target_role", tr);
                    }
                    if let Some(d) = description(s, rsc, opts) {
                        e.set_attr("description", d);
                    }
                    x.push_parent(e);
                }
                resource(s, &mut Sink::Xml(x), opts, c, only_node, &all);
            }
            if printed {
                x.pop_parent();
            }
            printed
        }
        Sink::Text(t) => clone_text(s, t, opts, rsc, only_node, only_rsc, print_everything),
    }
}

fn clone_text(
    s: &Scheduler,
    t: &mut TextOut,
    opts: u32,
    rsc: RscIdx,
    only_node: &[String],
    only_rsc: &[String],
    print_everything: bool,
) -> bool {
    let r = &s.rscs[rsc];
    let desc = description(s, rsc, opts);
    let mut printed = false;
    let mut stopped: Vec<(String, String)> = Vec::new();
    let mut promoted_nodes: Vec<NodeIdx> = Vec::new();
    let mut started_nodes: Vec<NodeIdx> = Vec::new();
    let all = vec!["*".to_string()];
    for &c in &r.children {
        let child = &s.rscs[c];
        let partially = active(s, c, false);
        if filtered_by_node(s, c, only_node) || is_filtered(s, c, only_rsc, print_everything) {
            continue;
        }
        let mut print_full = opts & show::CLONE_DETAIL != 0;
        if r.has(RscFlags::UNIQUE) {
            if partially || !r.has(RscFlags::REMOVED) {
                print_full = true;
            }
        } else if opts & show::PENDING != 0
            && child
                .pending_action
                .as_deref()
                .is_some_and(|a| a != "probe")
        {
            print_full = true;
        } else if !partially {
            if !child.has(RscFlags::REMOVED)
                && opts & show::CLONE_DETAIL == 0
                && opts & show::INACTIVE_RSCS != 0
            {
                stopped.push((child.id.clone(), "Stopped".to_string()));
            }
        } else if is_set_recursive(s, c, RscFlags::REMOVED, true)
            || !is_set_recursive(s, c, RscFlags::MANAGED, false)
            || is_set_recursive(s, c, RscFlags::FAILED, true)
        {
            print_full = true;
        } else if active(s, c, true) {
            let nodes = active_nodes(s, c);
            match (
                nodes.len(),
                s.current_node(leaf(s, c)).or(nodes.first().copied()),
            ) {
                (1, Some(n)) => {
                    let node = &s.nodes[n];
                    if !node.online && node.unclean {
                        print_full = true;
                    } else if clone_instance_role(s, c) > Role::Unpromoted {
                        promoted_nodes.push(n);
                    } else {
                        started_nodes.push(n);
                    }
                }
                _ => print_full = true,
            }
        } else {
            print_full = true;
        }
        if print_full {
            clone_header(s, t, &mut printed, rsc, desc);
            resource(s, &mut Sink::Text(&mut *t), opts, c, only_node, &all);
        }
    }
    if opts & show::CLONE_DETAIL != 0 {
        if printed {
            t.end_list();
        }
        return true;
    }
    let mut active_instances = 0;
    let by_name =
        |a: &NodeIdx, b: &NodeIdx| numeric_strcasecmp(&s.nodes[*a].name, &s.nodes[*b].name);
    promoted_nodes.sort_by(by_name);
    let names: Vec<&str> = promoted_nodes
        .iter()
        .map(|&n| s.nodes[n].name.as_str())
        .filter(|n| in_list(n, only_node, true))
        .collect();
    active_instances += names.len();
    if !names.is_empty() {
        clone_header(s, t, &mut printed, rsc, desc);
        t.item(None, &format!("Promoted: [ {} ]", names.join(" ")));
    }
    started_nodes.sort_by(by_name);
    let names: Vec<&str> = started_nodes
        .iter()
        .map(|&n| s.nodes[n].name.as_str())
        .filter(|n| in_list(n, only_node, true))
        .collect();
    active_instances += names.len();
    if !names.is_empty() {
        clone_header(s, t, &mut printed, rsc, desc);
        if r.has(RscFlags::PROMOTABLE) {
            if configured_role_str(s, rsc).map(Role::parse) == Some(Role::Unpromoted) {
                t.item(
                    None,
                    &format!("Unpromoted (target-role): [ {} ]", names.join(" ")),
                );
            } else {
                t.item(None, &format!("Unpromoted: [ {} ]", names.join(" ")));
            }
        } else {
            t.item(None, &format!("Started: [ {} ]", names.join(" ")));
        }
    }
    if opts & show::INACTIVE_RSCS != 0 {
        let clone_max = clone_max(s, rsc);
        if !r.has(RscFlags::UNIQUE) && clone_max > active_instances {
            stopped.clear();
            let mut nodes: Vec<NodeIdx> = (0..s.nodes.len())
                .filter(|&n| s.allowed(rsc, n).is_some())
                .collect();
            if nodes.is_empty() {
                nodes = r.probed.iter().copied().collect();
            }
            nodes.sort_by(by_name);
            let running = active_nodes(s, rsc);
            for n in nodes {
                let name = &s.nodes[n].name;
                if running.contains(&n) || !in_list(name, only_node, true) {
                    continue;
                }
                let state = match failed_probe(s, rsc, Some(name)) {
                    Some(p) => {
                        let rc = p
                            .attr("rc-code")
                            .map_or(0, |v| pcmk_common::values::scan_min_int(v, 0));
                        format!("Stopped ({})", exit_str(i64::from(rc)))
                    }
                    None if configured_role_str(s, rsc).map(Role::parse) == Some(Role::Stopped) => {
                        "Stopped (disabled)".to_string()
                    }
                    None => "Stopped".to_string(),
                };
                stopped.push((name.clone(), state));
            }
        }
        if !stopped.is_empty() {
            clone_header(s, t, &mut printed, rsc, desc);
            let mut states: Vec<&String> = stopped.iter().map(|(_, st)| st).collect();
            states.sort();
            states.dedup();
            for st in states {
                let mut nodes: Vec<&str> = stopped
                    .iter()
                    .filter(|(_, s2)| s2 == st)
                    .map(|(n, _)| n.as_str())
                    .collect();
                nodes.sort_by(|a, b| numeric_strcasecmp(a, b));
                if !nodes.is_empty() {
                    t.item(None, &format!("{st}: [ {} ]", nodes.join(" ")));
                }
            }
        } else if active_instances == 0 {
            clone_header(s, t, &mut printed, rsc, desc);
            t.end_list();
            return true;
        }
    }
    if printed {
        t.end_list();
    }
    printed
}

/// The first primitive of a resource.
fn leaf(s: &Scheduler, rsc: RscIdx) -> RscIdx {
    match s.rscs[rsc].children.first() {
        Some(&c) => leaf(s, c),
        None => rsc,
    }
}

/// The role of a clone instance (`fns->state(child, true)`).
fn clone_instance_role(s: &Scheduler, rsc: RscIdx) -> Role {
    let r = &s.rscs[rsc];
    if r.children.is_empty() {
        return r.orig_role;
    }
    r.children
        .iter()
        .map(|&c| clone_instance_role(s, c))
        .max()
        .unwrap_or(Role::Stopped)
}

/// `clone-max` of a clone (the number of nodes by default).
fn clone_max(s: &Scheduler, rsc: RscIdx) -> usize {
    s.rscs[rsc]
        .meta("clone-max")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(s.nodes.len())
}
