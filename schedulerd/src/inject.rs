//! Synthetic cluster events for `crm_simulate` (`--node-up`, `--node-down`,
//! `--node-fail`, `--op-inject`, `--ticket-*`, `--quorum`, `--watchdog`):
//! changes made to a CIB before it is scheduled, as Pacemaker's injections
//! make them, with the lines its "Performing Requested Modifications" list
//! shows.

use std::collections::HashMap;

use pcmk_common::xml::Element;

use crate::model::{Scheduler, parse_op_key};
use crate::simulate::{add_history, inject_failcount, next_call_id};

/// The events to inject, in the order they are given on the command line
/// within each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Injections {
    /// Nodes brought online.
    pub node_up: Vec<String>,
    /// Nodes taken offline cleanly.
    pub node_down: Vec<String>,
    /// Nodes that fail (leave the membership uncleanly).
    pub node_fail: Vec<String>,
    /// Operation results to record, `RSC_TASK_INTERVAL@NODE=RC`.
    pub op_inject: Vec<String>,
    /// Tickets to grant.
    pub ticket_grant: Vec<String>,
    /// Tickets to revoke.
    pub ticket_revoke: Vec<String>,
    /// Tickets to put in standby.
    pub ticket_standby: Vec<String>,
    /// Tickets to take out of standby.
    pub ticket_activate: Vec<String>,
    /// The `have-quorum` value to set on the CIB.
    pub quorum: Option<String>,
    /// The `have-watchdog` cluster option to set.
    pub watchdog: Option<String>,
}

/// What `--op-inject` needs from the configuration, looked up before the
/// CIB is changed: the agent (class, provider, type) of each resource an
/// injection names, and whether a failed start is fatal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Agents {
    by_rsc: HashMap<String, (String, Option<String>, String)>,
    start_fatal: bool,
}

/// What applying the injections printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Injected {
    /// The items of the "Performing Requested Modifications" list.
    pub lines: Vec<String>,
    /// Error messages (for standard error).
    pub errors: Vec<String>,
}

impl Injections {
    /// Whether there is anything to inject. As in Pacemaker, a quorum
    /// value alone does not count: it is applied only along with another
    /// injection.
    pub fn any(&self) -> bool {
        !(self.node_up.is_empty()
            && self.node_down.is_empty()
            && self.node_fail.is_empty()
            && self.op_inject.is_empty()
            && self.ticket_grant.is_empty()
            && self.ticket_revoke.is_empty()
            && self.ticket_standby.is_empty()
            && self.ticket_activate.is_empty()
            && self.watchdog.is_none())
    }

    /// Looks up the agents of the resources `--op-inject` names in the
    /// CIB as unpacked before the injections.
    pub fn agents(&self, scheduler: &Scheduler) -> Agents {
        let mut agents = Agents {
            start_fatal: scheduler.has(crate::model::SchedFlags::START_FAILURE_FATAL),
            ..Agents::default()
        };
        for spec in &self.op_inject {
            let Ok((key, _, _)) = parse_spec(spec) else {
                continue;
            };
            let rsc = parse_op_key(key).map_or_else(|| key.to_string(), |(r, _, _)| r);
            if let Some(a) = agent_of(scheduler, &rsc) {
                agents.by_rsc.insert(rsc, a);
            }
        }
        agents
    }

    /// Applies every injection to `cib`. `agents` resolves the resources
    /// named by `--op-inject` ([`Injections::agents`]); `now` is the
    /// wall-clock time recorded in injected history and failure times.
    pub fn apply(&self, cib: &mut Element, agents: &Agents, now: i64) -> Injected {
        let mut done = Injected::default();
        if let Some(q) = &self.quorum {
            done.lines.push(format!("Setting quorum: {q}"));
        }
        if let Some(w) = &self.watchdog {
            done.lines.push(format!("Setting watchdog: {w}"));
        }
        if let Some(q) = &self.quorum {
            cib.set_attr("have-quorum", q.clone());
        }
        if let Some(w) = &self.watchdog {
            set_cluster_option(cib, "have-watchdog", w);
        }
        // Nodes named by a node injection get a configuration entry when
        // they have none (Pacemaker does so once --node-up is given)
        if !self.node_up.is_empty() {
            for n in self
                .node_up
                .iter()
                .chain(&self.node_down)
                .chain(&self.node_fail)
            {
                add_node_config(cib, n);
            }
        }
        for n in &self.node_up {
            done.lines.push(format!("Bringing node {n} online"));
            set_node_membership(node_state(cib, n), true);
        }
        for n in &self.node_down {
            done.lines.push(format!("Taking node {n} offline"));
            let ns = node_state(cib, n);
            set_node_membership(ns, false);
            ns.retain_elements(|e| e.name != "lrm" && e.name != "transient_attributes");
        }
        for n in &self.node_fail {
            done.lines.push(format!("Failing node {n}"));
            let ns = node_state(cib, n);
            set_node_membership(ns, true);
            ns.set_attr("in_ccm", "false");
        }
        for (tickets, attr, value, verb) in [
            (&self.ticket_grant, "granted", "true", "Granting ticket"),
            (&self.ticket_revoke, "granted", "false", "Revoking ticket"),
            (&self.ticket_standby, "standby", "true", ""),
            (
                &self.ticket_activate,
                "standby",
                "false",
                "Activating ticket",
            ),
        ] {
            for t in tickets {
                if verb.is_empty() {
                    done.lines.push(format!("Making ticket {t} standby"));
                } else {
                    done.lines.push(format!("{verb} {t}"));
                }
                ticket_state(cib, t).set_attr(attr, value);
            }
        }
        for spec in &self.op_inject {
            inject_op(cib, agents, spec, now, &mut done);
        }
        done
    }
}

/// Sets a cluster option where it is already set in `crm_config`, else
/// in the `cib-bootstrap-options` set.
fn set_cluster_option(cib: &mut Element, name: &str, value: &str) {
    let config = cib
        .child_or_insert("configuration")
        .child_or_insert("crm_config");
    let existing = config
        .elements_mut()
        .filter(|s| s.name == "cluster_property_set")
        .flat_map(|s| s.elements_mut())
        .find(|p| p.name == "nvpair" && p.attr("name") == Some(name));
    if let Some(p) = existing {
        p.set_attr("value", value.to_string());
        return;
    }
    let set_id = "cib-bootstrap-options";
    let pos = config
        .elements()
        .position(|s| s.name == "cluster_property_set" && s.id() == Some(set_id));
    let set = match pos {
        Some(p) => config.elements_mut().nth(p),
        None => {
            config.push(Element::new("cluster_property_set").with_attr("id", set_id));
            config.elements_mut().last()
        }
    };
    if let Some(set) = set {
        set.push(
            Element::new("nvpair")
                .with_attr("id", format!("{set_id}-{name}"))
                .with_attr("name", name.to_string())
                .with_attr("value", value.to_string()),
        );
    }
}

/// Adds `<node id=NAME uname=NAME>` to the configuration unless a node of
/// that name is configured.
fn add_node_config(cib: &mut Element, node: &str) {
    let nodes = cib
        .child_or_insert("configuration")
        .child_or_insert("nodes");
    if !nodes
        .children_named("node")
        .any(|e| e.attr("uname") == Some(node))
    {
        nodes.push(
            Element::new("node")
                .with_attr("id", node.to_string())
                .with_attr("uname", node.to_string()),
        );
    }
}

/// The `node_state` of a node (by name, else by its configured id),
/// created when missing.
fn node_state<'a>(cib: &'a mut Element, node: &str) -> &'a mut Element {
    let uuid = cib
        .child("configuration")
        .and_then(|c| c.child("nodes"))
        .and_then(|n| n.elements().find(|e| e.attr("uname") == Some(node)))
        .and_then(|e| e.id())
        .unwrap_or(node)
        .to_string();
    let status = cib.child_or_insert("status");
    let pos = status
        .elements()
        .position(|e| e.name == "node_state" && e.attr("uname") == Some(node))
        .or_else(|| {
            status
                .elements()
                .position(|e| e.name == "node_state" && e.id() == Some(uuid.as_str()))
        });
    let pos = match pos {
        Some(p) => p,
        None => {
            status.push(Element::new("node_state").with_attr("id", uuid));
            status.elements().count() - 1
        }
    };
    let ns = status
        .elements_mut()
        .nth(pos)
        .unwrap_or_else(|| unreachable!("position found in the same list"));
    ns.set_attr("uname", node.to_string());
    ns
}

fn set_node_membership(ns: &mut Element, up: bool) {
    let vals = if up {
        [
            ("in_ccm", "true"),
            ("crmd", "online"),
            ("join", "member"),
            ("expected", "member"),
        ]
    } else {
        [
            ("in_ccm", "false"),
            ("crmd", "offline"),
            ("join", "down"),
            ("expected", "down"),
        ]
    };
    for (k, v) in vals {
        ns.set_attr(k, v);
    }
    ns.set_attr("crm-debug-origin", "crm_simulate");
}

/// The `ticket_state` of a ticket, created (not granted, not standby
/// until set) when missing.
fn ticket_state<'a>(cib: &'a mut Element, ticket: &str) -> &'a mut Element {
    let tickets = cib.child_or_insert("status").child_or_insert("tickets");
    let pos = tickets
        .elements()
        .position(|e| e.name == "ticket_state" && e.id() == Some(ticket));
    let pos = match pos {
        Some(p) => p,
        None => {
            tickets.push(Element::new("ticket_state").with_attr("id", ticket.to_string()));
            tickets.elements().count() - 1
        }
    };
    tickets
        .elements_mut()
        .nth(pos)
        .unwrap_or_else(|| unreachable!("position found in the same list"))
}

/// Splits `KEY@NODE=RC` (the key being `RSC_TASK_INTERVAL`); the error
/// counts the fields found, as Pacemaker's message does.
fn parse_spec(spec: &str) -> Result<(&str, &str, i64), usize> {
    let Some((key, rest)) = spec.split_once('@') else {
        return Err(usize::from(!spec.is_empty()));
    };
    if key.is_empty() {
        return Err(0);
    }
    let Some((node, rc)) = rest.split_once('=') else {
        return Err(if rest.is_empty() { 1 } else { 2 });
    };
    if node.is_empty() {
        return Err(1);
    }
    match leading_int(rc) {
        Some(rc) => Ok((key, node, rc)),
        None => Err(2),
    }
}

/// The integer at the start of `s`, as `%d` reads it.
fn leading_int(s: &str) -> Option<i64> {
    let s = s.trim_start();
    let digits = s
        .char_indices()
        .take_while(|&(i, c)| c.is_ascii_digit() || (i == 0 && (c == '-' || c == '+')))
        .count();
    s[..digits].parse().ok()
}

/// The agent of the resource an injection names: its id, or the
/// configured id of a clone's instances.
fn agent_of(scheduler: &Scheduler, rsc: &str) -> Option<(String, Option<String>, String)> {
    let idx = scheduler.find_rsc(rsc).or_else(|| {
        scheduler.rscs.iter().position(|r| {
            r.children.is_empty()
                && r.id
                    .rsplit_once(':')
                    .is_some_and(|(base, n)| base == rsc && n.parse::<u32>().is_ok())
        })
    })?;
    let xml = &scheduler.rscs[idx].xml;
    let class = xml.attr("class")?.to_string();
    let kind = xml.attr("type")?.to_string();
    Some((class, xml.attr("provider").map(str::to_string), kind))
}

fn inject_op(cib: &mut Element, agents: &Agents, spec: &str, now: i64, done: &mut Injected) {
    done.lines
        .push(format!("Injecting {spec} into the configuration"));
    let (key, node, rc) = match parse_spec(spec) {
        Ok(v) => v,
        Err(found) => {
            done.errors.push(format!(
                "Invalid operation spec: {spec}.  Only found {found} fields"
            ));
            return;
        }
    };
    let (rsc, task, interval) =
        parse_op_key(key).unwrap_or_else(|| (key.to_string(), String::new(), 0));
    let Some((class, provider, kind)) = agents.by_rsc.get(&rsc).cloned() else {
        done.errors.push(format!("Invalid resource name: {rsc}"));
        return;
    };
    let fatal = task == "stop" || (task == "start" && agents.start_fatal);
    let ns = node_state(cib, node);
    let ns_id = ns.id().unwrap_or(node).to_string();
    if rc != 0 && !(rc == 7 && interval == 0) {
        let (count, last) = inject_failcount(ns, &rsc, &task, interval, fatal, now);
        for (name, value) in [count, last] {
            done.lines.push(format!(
                "Injecting attribute {name}={value} into /node_state '{ns_id}'"
            ));
        }
    }
    let lrm = ns.child_or_insert("lrm");
    if lrm.attr("id").is_none() {
        lrm.set_attr("id", ns_id);
    }
    let rscs = lrm.child_or_insert("lrm_resources");
    let pos = rscs
        .elements()
        .position(|e| e.name == "lrm_resource" && e.id() == Some(rsc.as_str()));
    let pos = match pos {
        Some(p) => p,
        None => {
            let mut e = Element::new("lrm_resource")
                .with_attr("id", rsc.clone())
                .with_attr("class", class);
            if let Some(p) = provider {
                e.set_attr("provider", p);
            }
            e.set_attr("type", kind);
            rscs.push(e);
            rscs.elements().count() - 1
        }
    };
    let Some(entry) = rscs.elements_mut().nth(pos) else {
        return;
    };
    let call_id = next_call_id(entry);
    add_history(
        entry,
        &rsc,
        &task,
        interval,
        rc,
        0,
        call_id,
        node,
        now,
        &Element::new("op"),
        "Simulated action result",
    );
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use pcmk_common::xml::parse;

    use super::*;

    const CIB: &str = r#"<cib have-quorum="0"><configuration><crm_config/>
      <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
      <resources>
        <primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/>
        <clone id="c"><primitive id="p" class="ocf" provider="pacemaker" type="ping"/></clone>
      </resources><constraints/></configuration>
      <status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">
        <lrm id="1"><lrm_resources><lrm_resource id="d" class="ocf" provider="pacemaker" type="Dummy">
          <lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" call-id="4" rc-code="0" op-status="0" interval="0"/>
        </lrm_resource></lrm_resources></lrm>
        <transient_attributes id="1"><instance_attributes id="status-1"/></transient_attributes>
      </node_state></status></cib>"#;

    fn run(inj: &Injections) -> (Element, Injected) {
        let mut cib = parse(CIB).unwrap();
        let s = Scheduler::unpack(Arc::new(cib.clone()), 1000);
        let agents = inj.agents(&s);
        drop(s);
        let done = inj.apply(&mut cib, &agents, 5000);
        (cib, done)
    }

    fn state<'a>(cib: &'a Element, uname: &str) -> &'a Element {
        cib.child("status")
            .unwrap()
            .children_named("node_state")
            .find(|e| e.attr("uname") == Some(uname))
            .unwrap()
    }

    #[test]
    fn nodes_come_and_go() {
        let inj = Injections {
            node_up: vec!["n2".into(), "n3".into()],
            node_down: vec!["n1".into()],
            ..Injections::default()
        };
        let (cib, done) = run(&inj);
        assert_eq!(
            done.lines,
            [
                "Bringing node n2 online",
                "Bringing node n3 online",
                "Taking node n1 offline"
            ]
        );
        assert_eq!(state(&cib, "n2").id(), Some("2"));
        assert_eq!(state(&cib, "n3").attr("crmd"), Some("online"));
        let n1 = state(&cib, "n1");
        assert_eq!(n1.attr("in_ccm"), Some("false"));
        assert!(n1.child("lrm").is_none() && n1.child("transient_attributes").is_none());
        let configured = cib
            .child("configuration")
            .unwrap()
            .child("nodes")
            .unwrap()
            .children_named("node")
            .count();
        assert_eq!(configured, 3);
    }

    #[test]
    fn quorum_alone_is_nothing_and_watchdog_is_an_option() {
        let q = Injections {
            quorum: Some("1".into()),
            ..Injections::default()
        };
        assert!(!q.any());
        let inj = Injections {
            quorum: Some("true".into()),
            watchdog: Some("1".into()),
            ..Injections::default()
        };
        assert!(inj.any());
        let (cib, done) = run(&inj);
        assert_eq!(done.lines, ["Setting quorum: true", "Setting watchdog: 1"]);
        assert_eq!(cib.attr("have-quorum"), Some("true"));
        let pair = cib
            .descendants()
            .find(|e| e.attr("name") == Some("have-watchdog"))
            .unwrap();
        assert_eq!(pair.attr("value"), Some("1"));
        assert_eq!(pair.id(), Some("cib-bootstrap-options-have-watchdog"));
    }

    #[test]
    fn tickets_get_a_state() {
        let inj = Injections {
            ticket_grant: vec!["t1".into()],
            ticket_standby: vec!["t1".into()],
            ticket_revoke: vec!["t2".into()],
            ..Injections::default()
        };
        let (cib, done) = run(&inj);
        assert_eq!(
            done.lines,
            [
                "Granting ticket t1",
                "Revoking ticket t2",
                "Making ticket t1 standby"
            ]
        );
        let t = |id: &str| {
            cib.descendants()
                .find(|e| e.name == "ticket_state" && e.id() == Some(id))
                .unwrap()
                .clone()
        };
        assert_eq!(t("t1").attr("granted"), Some("true"));
        assert_eq!(t("t1").attr("standby"), Some("true"));
        assert_eq!(t("t2").attr("granted"), Some("false"));
    }

    #[test]
    fn a_failed_monitor_is_recorded_with_its_fail_count() {
        let inj = Injections {
            op_inject: vec!["p_monitor_10000@n1=1".into(), "d_stop_0@n1=1".into()],
            ..Injections::default()
        };
        let (cib, done) = run(&inj);
        assert!(done.errors.is_empty(), "{:?}", done.errors);
        assert_eq!(
            done.lines,
            [
                "Injecting p_monitor_10000@n1=1 into the configuration",
                "Injecting attribute fail-count-p#monitor_10000=1 into /node_state '1'",
                "Injecting attribute last-failure-p#monitor_10000=5000 into /node_state '1'",
                "Injecting d_stop_0@n1=1 into the configuration",
                "Injecting attribute fail-count-d#stop_0=INFINITY into /node_state '1'",
                "Injecting attribute last-failure-d#stop_0=5000 into /node_state '1'",
            ]
        );
        let n1 = state(&cib, "n1");
        let p = n1
            .descendants()
            .find(|e| e.name == "lrm_resource" && e.id() == Some("p"))
            .unwrap();
        assert_eq!(p.attr("type"), Some("ping"));
        let op = p.children_named("lrm_rsc_op").next().unwrap();
        assert_eq!(op.id(), Some("p_last_failure_0"));
        assert_eq!(op.attr("rc-code"), Some("1"));
        assert_eq!(op.attr("call-id"), Some("1"));
        let d_ops: Vec<_> = n1
            .descendants()
            .filter(|e| e.name == "lrm_rsc_op" && e.attr("operation") == Some("stop"))
            .map(|e| {
                (
                    e.id().unwrap().to_string(),
                    e.attr("call-id").unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            d_ops,
            [
                ("d_last_0".to_string(), "5".to_string()),
                ("d_last_failure_0".to_string(), "5".to_string())
            ]
        );
    }

    #[test]
    fn bad_specs_are_reported_and_change_nothing() {
        let inj = Injections {
            op_inject: vec![
                "d_start_0".into(),
                "x_start_0@n1=0".into(),
                "d_start_0@n1=".into(),
            ],
            ..Injections::default()
        };
        let before = parse(CIB).unwrap();
        let (cib, done) = run(&inj);
        assert_eq!(
            done.errors,
            [
                "Invalid operation spec: d_start_0.  Only found 1 fields",
                "Invalid resource name: x",
                "Invalid operation spec: d_start_0@n1=.  Only found 2 fields",
            ]
        );
        assert_eq!(cib.to_pretty(), before.to_pretty());
    }
}
