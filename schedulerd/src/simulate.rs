//! Simulating a transition (`crm_simulate -S`): executes the graph's
//! synapses in order as if every action succeeded (or failed where asked),
//! writing the results into a copy of the CIB's status section
//! (`pcmk__simulate_transition`).

use std::collections::{HashMap, HashSet};

use pcmk_common::xml::{Element, Node};

use crate::values::parse_ll;

/// The placeholder UUID of transition keys made up by the simulator.
const FAKE_TE_ID: &str = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

/// An action failure to inject: `RSC_TASK_INTERVAL@NODE=RC`.
#[derive(Debug, Clone)]
pub struct OpFail {
    /// The spec as given.
    pub spec: String,
}

/// The result of a simulated transition.
#[derive(Debug)]
pub struct Simulation {
    /// Lines describing each executed action.
    pub lines: Vec<String>,
    /// The CIB after the transition.
    pub cib: Element,
    /// Whether the transition completed.
    pub complete: bool,
}

struct GraphAction<'a> {
    id: i64,
    xml: &'a Element,
}

struct Synapse<'a> {
    priority: i64,
    actions: Vec<GraphAction<'a>>,
    inputs: Vec<i64>,
    executed: bool,
}

fn attr_of(xml: &Element, name: &str) -> Option<String> {
    xml.child("attributes")
        .and_then(|a| a.attr(name))
        .map(str::to_string)
}

/// Runs a transition graph against a CIB.
pub fn simulate_transition(
    graph: &Element,
    cib: Element,
    op_fails: &[OpFail],
    now: i64,
    known: &HashSet<String>,
) -> Simulation {
    let mut synapses: Vec<Synapse> = graph
        .children_named("synapse")
        .map(|s| Synapse {
            priority: s.attr("priority").and_then(parse_ll).unwrap_or(0),
            actions: s
                .children_named("action_set")
                .flat_map(|set| set.elements())
                .map(|a| GraphAction {
                    id: a.id().and_then(parse_ll).unwrap_or(-1),
                    xml: a,
                })
                .collect(),
            inputs: s
                .children_named("inputs")
                .flat_map(|i| i.children_named("trigger"))
                .flat_map(|t| t.elements())
                .filter_map(|a| a.id().and_then(parse_ll))
                .collect(),
            executed: false,
        })
        .collect();
    let mut sim = Simulation {
        lines: Vec::new(),
        cib,
        complete: true,
    };
    let mut index = StatusIndex::default();
    let mut confirmed: HashSet<i64> = HashSet::new();
    let mut failed: HashSet<i64> = HashSet::new();
    let mut abort_priority: i64 = 0;
    loop {
        let mut fired = 0;
        #[allow(clippy::needless_range_loop)]
        for i in 0..synapses.len() {
            if synapses[i].executed {
                continue;
            }
            let ready = synapses[i]
                .inputs
                .iter()
                .all(|id| confirmed.contains(id) && !failed.contains(id));
            if !ready {
                continue;
            }
            let blocked = synapses[i]
                .actions
                .iter()
                .any(|a| a.xml.name != "pseudo_event" && synapses[i].priority < abort_priority);
            if blocked {
                continue;
            }
            synapses[i].executed = true;
            fired += 1;
            for a in &synapses[i].actions {
                let ok = execute_action(&mut sim, &mut index, a, op_fails, now, known);
                if !ok {
                    failed.insert(a.id);
                    abort_priority = crate::values::INFINITY as i64;
                }
                confirmed.insert(a.id);
            }
        }
        if fired == 0 {
            break;
        }
    }
    sim.complete = synapses.iter().all(|s| s.executed) || abort_priority > 0;
    sim
}

/// Executes one action; returns false when it was made to fail.
fn execute_action(
    sim: &mut Simulation,
    index: &mut StatusIndex,
    action: &GraphAction<'_>,
    op_fails: &[OpFail],
    now: i64,
    known: &HashSet<String>,
) -> bool {
    let xml = action.xml;
    let node = xml.attr("on_node").map(str::to_string);
    match xml.name.as_str() {
        "pseudo_event" => {
            let task = xml.attr("operation_key").unwrap_or("");
            let line = match &node {
                Some(n) => format!("Pseudo action:   {task} on {n}"),
                None => format!("Pseudo action:   {task}"),
            };
            sim.lines.push(line);
            true
        }
        "crm_event" => {
            let task = xml.attr("operation").unwrap_or("");
            let n = node.unwrap_or_default();
            if task == "stonith" {
                let op = attr_of(xml, "CRM_meta_stonith_action").unwrap_or_default();
                sim.lines.push(format!("Fencing {n} ({op})"));
                if !op.eq_ignore_ascii_case("on") {
                    fence_node(&mut sim.cib, index, &n);
                }
            } else {
                match xml.elements().find(|e| e.name == "primitive") {
                    Some(r) => sim.lines.push(format!(
                        "Cluster action:  {task} for {} on {n}",
                        r.id().unwrap_or("")
                    )),
                    None => sim.lines.push(format!("Cluster action:  {task} on {n}")),
                }
            }
            true
        }
        _ => simulate_rsc_action(sim, index, action, op_fails, now, known),
    }
}

fn status_of(cib: &mut Element) -> &mut Element {
    cib.child_or_insert("status")
}

/// Where the simulation finds node states and resource histories without
/// scanning the status section for every action: positions among the
/// parents' children, of the first element with each name, found on first
/// use and kept as elements are appended.
#[derive(Debug, Default)]
struct StatusIndex {
    /// `node_state` by uname.
    states: Option<HashMap<String, usize>>,
    /// Per `node_state` position: `lrm_resource` by id.
    rscs: HashMap<usize, HashMap<String, usize>>,
}

fn element_at(parent: &mut Element, pos: usize) -> &mut Element {
    match &mut parent.children[pos] {
        Node::Element(e) => e,
        // Positions are only ever recorded for element nodes
        _ => unreachable!("status index points at a non-element node"),
    }
}

/// The position of a node's `node_state` (by uname, else by id), created
/// when missing.
fn node_state_pos(
    status: &mut Element,
    index: &mut StatusIndex,
    uname: &str,
    uuid: Option<&str>,
) -> usize {
    let states = index.states.get_or_insert_with(|| {
        let mut m = HashMap::new();
        for (i, c) in status.children.iter().enumerate() {
            if let Node::Element(e) = c {
                if e.name == "node_state" {
                    if let Some(u) = e.attr("uname") {
                        m.entry(u.to_string()).or_insert(i);
                    }
                }
            }
        }
        m
    });
    let pos = states.get(uname).copied().or_else(|| {
        uuid.and_then(|u| {
            status.children.iter().position(
                |c| matches!(c, Node::Element(e) if e.name == "node_state" && e.id() == Some(u)),
            )
        })
    });
    let idx = match pos {
        Some(p) => p,
        None => {
            let mut ns = Element::new("node_state");
            ns.set_attr("id", uuid.unwrap_or(uname).to_string());
            ns.set_attr("uname", uname.to_string());
            status.push(ns);
            status.children.len() - 1
        }
    };
    let ns = element_at(status, idx);
    if ns.attr("uname").is_none() {
        ns.set_attr("uname", uname.to_string());
    }
    states.entry(uname.to_string()).or_insert(idx);
    idx
}

fn find_node_state<'a>(
    status: &'a mut Element,
    index: &mut StatusIndex,
    uname: &str,
    uuid: Option<&str>,
) -> &'a mut Element {
    let pos = node_state_pos(status, index, uname, uuid);
    element_at(status, pos)
}

fn fence_node(cib: &mut Element, index: &mut StatusIndex, node: &str) {
    let status = status_of(cib);
    let pos = node_state_pos(status, index, node, None);
    let ns = element_at(status, pos);
    for (k, v) in [
        ("in_ccm", "false"),
        ("crmd", "offline"),
        ("join", "down"),
        ("expected", "down"),
    ] {
        ns.set_attr(k, v);
    }
    ns.retain_elements(|e| e.name != "lrm" && e.name != "transient_attributes");
    index.rscs.remove(&pos);
}

/// The history entry of a resource on a node (the first `lrm_resource`
/// with either id), created when missing.
fn lrm_resource_entry<'a>(
    rscs: &'a mut Element,
    known: &mut HashMap<String, usize>,
    resource: &str,
    config_name: &str,
    rsc: &Element,
) -> &'a mut Element {
    if known.is_empty() {
        for (i, c) in rscs.children.iter().enumerate() {
            if let Node::Element(e) = c {
                if e.name == "lrm_resource" {
                    if let Some(id) = e.id() {
                        known.entry(id.to_string()).or_insert(i);
                    }
                }
            }
        }
    }
    let pos = match (known.get(resource), known.get(config_name)) {
        (Some(&a), Some(&b)) => Some(a.min(b)),
        (a, b) => a.or(b).copied(),
    };
    let pos = match pos {
        Some(p) => p,
        None => {
            let mut e = Element::new("lrm_resource").with_attr("id", resource.to_string());
            for k in ["class", "provider", "type"] {
                if let Some(v) = rsc.attr(k) {
                    e.set_attr(k, v.to_string());
                }
            }
            rscs.push(e);
            let p = rscs.children.len() - 1;
            known.insert(resource.to_string(), p);
            p
        }
    };
    element_at(rscs, pos)
}

fn simulate_rsc_action(
    sim: &mut Simulation,
    index: &mut StatusIndex,
    action: &GraphAction<'_>,
    op_fails: &[OpFail],
    now: i64,
    known: &HashSet<String>,
) -> bool {
    let xml = action.xml;
    let operation = xml.attr("operation").unwrap_or("").to_string();
    let node = xml.attr("on_node").unwrap_or("").to_string();
    if operation == "probe_complete" || operation == "reprobe" {
        return true;
    }
    let Some(rsc) = xml.elements().find(|e| e.name == "primitive") else {
        return true;
    };
    let config_name = rsc.id().unwrap_or("").to_string();
    let resource = match rsc.attr("long-id") {
        Some(l) if sim_resource_unknown(known, &config_name) && !sim_resource_unknown(known, l) => {
            l.to_string()
        }
        _ => config_name.clone(),
    };
    let interval: u64 = attr_of(xml, "CRM_meta_interval")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if operation == "delete" || operation == "meta-data" {
        sim.lines.push(format!(
            "Resource action: {resource:<15} {operation} on {node}"
        ));
        return true;
    }
    let target_rc: i64 = attr_of(xml, "CRM_meta_op_target_rc")
        .and_then(|v| parse_ll(&v))
        .unwrap_or(0);
    let uuid = xml.attr("on_node_uuid").map(str::to_string);
    let router = xml.attr("router_node").map(str::to_string);
    let node_uuid = if router.is_none() {
        uuid.clone()
    } else {
        Some(node.clone())
    };
    if interval > 0 {
        sim.lines.push(format!(
            "Resource action: {resource:<15} {operation}={interval} on {node}"
        ));
    } else {
        sim.lines.push(format!(
            "Resource action: {resource:<15} {operation} on {node}"
        ));
    }
    let mut rc = target_rc;
    let mut ok = true;
    for f in op_fails {
        let key_a = format!("{resource}_{operation}_{interval}@{node}=");
        let key_b = format!("{config_name}_{operation}_{interval}@{node}=");
        let spec_l = f.spec.to_ascii_lowercase();
        let matched = spec_l.starts_with(&key_a.to_ascii_lowercase())
            || (resource != config_name && spec_l.starts_with(&key_b.to_ascii_lowercase()));
        if !matched {
            continue;
        }
        let Some(v) = f.spec.rsplit_once('=').and_then(|(_, v)| parse_ll(v)) else {
            continue;
        };
        rc = v;
        ok = false;
        break;
    }
    let status = status_of(&mut sim.cib);
    let ns_pos = node_state_pos(status, index, &node, node_uuid.as_deref());
    let ns = element_at(status, ns_pos);
    let ns_id = ns.id().unwrap_or("").to_string();
    let lrm = ns.child_or_insert("lrm");
    if lrm.attr("id").is_none() {
        lrm.set_attr("id", ns_id);
    }
    let rscs = lrm.child_or_insert("lrm_resources");
    let entries = index.rscs.entry(ns_pos).or_default();
    let entry = lrm_resource_entry(rscs, entries, &resource, &config_name, rsc);
    let call_id = next_call_id(entry);
    let history_rsc = entry.id().unwrap_or(&config_name).to_string();
    add_history(
        entry,
        &history_rsc,
        &operation,
        interval,
        rc,
        target_rc,
        call_id,
        &node,
        now,
        xml,
        "User-injected result",
    );
    if !ok && rc != 0 && !(rc == 7 && interval == 0) {
        let infinity = operation == "start" || operation == "stop";
        let ns = find_node_state(status_of(&mut sim.cib), index, &node, node_uuid.as_deref());
        let _ = inject_failcount(ns, &resource, &operation, interval, infinity, now);
    }
    ok
}

/// Whether the scheduler that made the graph knows no resource by this
/// name (neither as an id nor as a history name).
fn sim_resource_unknown(known: &HashSet<String>, id: &str) -> bool {
    !known.contains(id)
}

/// Records an action result in a resource's history entry, under the ids
/// the controller would use (`<rsc>_last_0`, `<rsc>_last_failure_0`, or
/// the operation key of a recurring action).
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_history(
    entry: &mut Element,
    rsc: &str,
    task: &str,
    interval: u64,
    rc: i64,
    target_rc: i64,
    call_id: i64,
    node: &str,
    now: i64,
    action: &Element,
    exit_reason: &str,
) {
    // A reload is recorded as the start it stands for (the simulator's
    // results are always complete), as the controller records it
    let task = if matches!(task, "reload" | "reload-agent") {
        "start"
    } else {
        task
    };
    let key = format!("{rsc}_{task}_{interval}");
    let failed =
        rc != target_rc && !(task == "monitor" && interval == 0 && rc == 7 && target_rc == 7);
    let mut ids = Vec::new();
    let mut rc = rc;
    if task == "notify" {
        // Notifications are recorded under their notify key, and their
        // failures are ignored
        let kind = attr_of(action, "CRM_meta_notify_type").unwrap_or_default();
        let op = attr_of(action, "CRM_meta_notify_operation").unwrap_or_default();
        ids.push(format!("{rsc}_{kind}_notify_{op}_0"));
        rc = target_rc;
    } else if task == "migrate_to" || task == "migrate_from" {
        ids.push(key.clone());
    } else if rc != target_rc {
        ids.push(format!("{rsc}_last_failure_0"));
        if interval == 0 {
            ids.push(format!("{rsc}_last_0"));
        }
    } else if interval > 0 {
        ids.push(key.clone());
    } else {
        ids.push(format!("{rsc}_last_0"));
    }
    // Only a failure records its exit reason
    let exit_reason = if failed && !matches!(task, "notify" | "migrate_to" | "migrate_from") {
        exit_reason
    } else {
        ""
    };
    let tkey = format!("{call_id}:-1:{target_rc}:{FAKE_TE_ID}");
    for id in ids {
        let pos = entry
            .elements()
            .position(|e| e.name == "lrm_rsc_op" && e.id() == Some(id.as_str()));
        let mut op = Element::new("lrm_rsc_op");
        op.set_attr("id", id.clone());
        op.set_attr("operation_key", key.clone());
        op.set_attr("operation", task.to_string());
        op.set_attr("crm-debug-origin", "crm_simulate");
        op.set_attr("crm_feature_set", crate::graph::CRM_FEATURE_SET);
        op.set_attr("transition-key", tkey.clone());
        op.set_attr("transition-magic", format!("0:{rc};{tkey}"));
        op.set_attr("exit-reason", exit_reason.to_string());
        op.set_attr("on_node", node.to_string());
        op.set_attr("call-id", call_id.to_string());
        op.set_attr("rc-code", rc.to_string());
        op.set_attr("op-status", "0");
        op.set_attr("interval", interval.to_string());
        op.set_attr("last-rc-change", now.to_string());
        op.set_attr("exec-time", "0");
        op.set_attr("queue-time", "0");
        // The digest of the parameters the action ran with, as the
        // executor records it (`append_digest`).
        if let Some(attrs) = action.child("attributes") {
            let mut params = attrs.attrs.clone();
            crate::sched::digest::filter_for_digest(&mut params);
            let mut el = Element::new("parameters");
            el.attrs = params;
            op.set_attr("op-digest", pcmk_common::cib::digest_op_params(&el));
        }
        if task == "migrate_to" || task == "migrate_from" {
            for m in ["migrate_source", "migrate_target"] {
                if let Some(v) = attr_of(action, &format!("CRM_meta_{m}")) {
                    op.set_attr(m, v);
                }
            }
        }
        match pos {
            Some(p) => {
                if let Some(slot) = entry.elements_mut().nth(p) {
                    *slot = op;
                }
            }
            None => entry.push(op),
        }
    }
}

/// The call id after the highest one in a resource's history entry.
pub(crate) fn next_call_id(entry: &Element) -> i64 {
    entry
        .children_named("lrm_rsc_op")
        .filter_map(|o| o.attr("call-id").and_then(parse_ll))
        .max()
        .unwrap_or(0)
        .max(0)
        + 1
}

/// Raises a resource's fail count for an operation on a node (to
/// INFINITY when `infinity`) and records the failure time; returns the
/// two attributes set, as (name, value).
pub(crate) fn inject_failcount(
    ns: &mut Element,
    rsc: &str,
    task: &str,
    interval: u64,
    infinity: bool,
    now: i64,
) -> ((String, String), (String, String)) {
    let name = format!("fail-count-{rsc}#{task}_{interval}");
    let ns_id = ns.id().unwrap_or("").to_string();
    let attrs = ns.child_or_insert("transient_attributes");
    if attrs.attr("id").is_none() {
        attrs.set_attr("id", ns_id.clone());
    }
    let set = attrs.child_or_insert("instance_attributes");
    if set.attr("id").is_none() {
        set.set_attr("id", format!("status-{ns_id}"));
    }
    let current = set
        .children_named("nvpair")
        .find(|p| p.attr("name") == Some(name.as_str()))
        .and_then(|p| p.attr("value").and_then(parse_ll))
        .unwrap_or(0);
    let value = if infinity {
        "INFINITY".to_string()
    } else {
        (current + 1).to_string()
    };
    set_nvpair(set, &ns_id, &name, &value);
    let lf = format!("last-failure-{rsc}#{task}_{interval}");
    set_nvpair(set, &ns_id, &lf, &now.to_string());
    ((name, value), (lf, now.to_string()))
}

fn set_nvpair(set: &mut Element, ns_id: &str, name: &str, value: &str) {
    if let Some(p) = set
        .elements_mut()
        .find(|p| p.name == "nvpair" && p.attr("name") == Some(name))
    {
        p.set_attr("value", value.to_string());
        return;
    }
    set.push(
        Element::new("nvpair")
            .with_attr("id", format!("status-{ns_id}-{name}"))
            .with_attr("name", name.to_string())
            .with_attr("value", value.to_string()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reload_is_recorded_as_a_start() {
        let mut entry = Element::new("lrm_resource").with_attr("id", "A");
        let action = Element::new("rsc_op");
        add_history(
            &mut entry,
            "A",
            "reload-agent",
            0,
            0,
            0,
            13,
            "n1",
            5,
            &action,
            "x",
        );
        let op = entry.children_named("lrm_rsc_op").next().unwrap();
        assert_eq!(op.id(), Some("A_last_0"));
        assert_eq!(op.attr("operation"), Some("start"));
        assert_eq!(op.attr("operation_key"), Some("A_start_0"));
        assert_eq!(op.attr("exit-reason"), Some(""));
    }
}
