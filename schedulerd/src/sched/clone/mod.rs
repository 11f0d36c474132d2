//! Clones: assigning their instances, the clone-level pseudo-actions and
//! implicit orderings, probes, and how orderings and colocations with a
//! clone reach its instances (`pcmk_sched_clone.c`,
//! `pcmk_sched_instances.c`).

mod instances;
mod interleave;
pub(crate) mod notify;
mod promotable;

use crate::model::{ActIdx, ActionFlags, NodeIdx, RelFlags, Role, RscFlags, RscIdx, Scheduler};
use crate::values::INFINITY;

/// What the instances of a collective are doing (`instance_state`).
const STARTING: u32 = 1 << 0;
const STOPPING: u32 = 1 << 1;
const RESTARTING: u32 = 1 << 2;
const ACTIVE: u32 = 1 << 3;
const ALL: u32 = STARTING | STOPPING | RESTARTING | ACTIVE;

impl Scheduler {
    /// Assigns a clone's instances to nodes (`pcmk__clone_assign`).
    pub(crate) fn clone_assign(
        &mut self,
        rsc: RscIdx,
        prefer: Option<NodeIdx>,
        stop_if_fail: bool,
    ) -> Option<NodeIdx> {
        if !self.rscs[rsc].has(RscFlags::UNASSIGNED) || self.rscs[rsc].has(RscFlags::ASSIGNING) {
            return None;
        }
        self.rscs[rsc].flags.set(RscFlags::ASSIGNING);
        if self.rscs[rsc].has(RscFlags::PROMOTABLE) {
            self.add_promotion_scores(rsc);
        }
        for c in self.this_with_colocations(rsc) {
            let primary = self.colocations[c].primary;
            self.assign(primary, prefer, stop_if_fail);
        }
        for c in self.with_this_colocations(rsc) {
            self.add_dependent_scores(c, rsc);
        }
        self.show_scores(rsc, "pcmk__clone_assign");
        let sorted = self.sort_instances(rsc);
        self.rscs[rsc].children = sorted.clone();
        let max = self.clone_max(rsc);
        let per_node = self.clone_node_max(rsc);
        self.assign_instances(rsc, &sorted, max, per_node);
        if self.rscs[rsc].has(RscFlags::PROMOTABLE) {
            self.set_instance_roles(rsc);
        }
        self.rscs[rsc]
            .flags
            .clear(RscFlags::UNASSIGNED | RscFlags::ASSIGNING);
        None
    }

    /// Sorts a clone's instances by instance number.
    pub(crate) fn sort_instances_by_number(&mut self, rsc: RscIdx) {
        let mut children = self.rscs[rsc].children.clone();
        children.sort_by_key(|&c| instance_number(&self.rscs[c].id));
        self.rscs[rsc].children = children;
    }

    /// Creates the instances' actions and the clone's pseudo-actions
    /// (`pcmk__clone_create_actions`).
    pub(crate) fn clone_create_actions(&mut self, rsc: RscIdx) {
        let instances = self.rscs[rsc].children.clone();
        self.create_instance_actions(rsc, &instances);
        if self.rscs[rsc].has(RscFlags::PROMOTABLE) {
            self.create_promotable_actions(rsc);
        }
    }

    fn check_instance_state(&self, instance: RscIdx, state: &mut u32) {
        if *state & ALL == ALL {
            return;
        }
        let r = &self.rscs[instance];
        if !r.is_primitive() {
            for &c in &r.children {
                self.check_instance_state(c, state);
            }
            return;
        }
        let mut own = 0;
        if !r.active.is_empty() {
            own |= ACTIVE;
        }
        for &a in &r.actions {
            let act = &self.actions[a];
            if act.task == "start" {
                if !act.optional() && act.runnable() {
                    own |= STARTING;
                }
            } else if act.task == "stop" && !act.optional() && (act.pseudo() || act.runnable()) {
                own |= STOPPING;
            }
        }
        if own & (STARTING | STOPPING) == STARTING | STOPPING {
            own |= RESTARTING;
        }
        *state |= own;
    }

    /// Creates the actions of a collective's instances and its start,
    /// running, stop and stopped pseudo-actions
    /// (`pcmk__create_instance_actions`).
    fn create_instance_actions(&mut self, collective: RscIdx, instances: &[RscIdx]) {
        let mut state = 0;
        for &i in instances {
            self.create_actions(i);
            self.check_instance_state(i, &mut state);
        }
        let starting = state & STARTING != 0;
        let stopping = state & STOPPING != 0;
        let start = self.new_rsc_pseudo_action(collective, "start", !starting, true);
        let started = self.new_rsc_pseudo_action(collective, "running", !starting, false);
        self.actions[started].priority = INFINITY;
        if state & (ACTIVE | STARTING) != 0 {
            self.actions[started].set(ActionFlags::RUNNABLE);
        }
        let stop = self.new_rsc_pseudo_action(collective, "stop", !stopping, true);
        let stopped = self.new_rsc_pseudo_action(collective, "stopped", !stopping, true);
        self.actions[stopped].priority = INFINITY;
        if state & RESTARTING == 0 {
            self.actions[stop].set(ActionFlags::MIGRATABLE);
        }
        self.create_notif_ops_for(collective, "start", start, started);
        self.create_notif_ops_for(collective, "stop", stop, stopped);
        if let (Some(stop_n), Some(start_n)) = (
            self.notify_ops(collective, "stop"),
            self.notify_ops(collective, "start"),
        ) {
            if let (Some(a), Some(b)) = (stop_n.post_done, start_n.pre) {
                self.order_actions(a, b, RelFlags::ORDERED);
            }
        }
    }

    /// A clone's implicit orderings (`pcmk__clone_internal_constraints`).
    pub(crate) fn clone_internal_constraints(&mut self, rsc: RscIdx) {
        self.order_rsc_actions(rsc, "stopped", rsc, "start", RelFlags::ORDERED);
        self.order_rsc_actions(
            rsc,
            "start",
            rsc,
            "running",
            RelFlags::UNRUNNABLE_FIRST_BLOCKS,
        );
        self.order_rsc_actions(
            rsc,
            "stop",
            rsc,
            "stopped",
            RelFlags::UNRUNNABLE_FIRST_BLOCKS,
        );
        let promotable = self.rscs[rsc].has(RscFlags::PROMOTABLE);
        if promotable {
            self.order_rsc_actions(rsc, "demoted", rsc, "stop", RelFlags::ORDERED);
            self.order_rsc_actions(
                rsc,
                "running",
                rsc,
                "promote",
                RelFlags::UNRUNNABLE_FIRST_BLOCKS,
            );
        }
        let ordered = self.clone_data(rsc).is_some_and(|d| d.ordered);
        if ordered {
            self.sort_instances_by_number(rsc);
        }
        let children = self.rscs[rsc].children.clone();
        for (i, &instance) in children.iter().enumerate() {
            self.internal_constraints(instance);
            self.order_rsc_actions(
                rsc,
                "start",
                instance,
                "start",
                RelFlags::UNRUNNABLE_FIRST_BLOCKS | RelFlags::THEN_IMPLIES_FIRST_GRAPHED,
            );
            self.order_rsc_actions(
                instance,
                "start",
                rsc,
                "running",
                RelFlags::FIRST_IMPLIES_THEN_GRAPHED,
            );
            self.order_rsc_actions(
                rsc,
                "stop",
                instance,
                "stop",
                RelFlags::THEN_IMPLIES_FIRST_GRAPHED,
            );
            self.order_rsc_actions(
                instance,
                "stop",
                rsc,
                "stopped",
                RelFlags::FIRST_IMPLIES_THEN_GRAPHED,
            );
            if ordered {
                for &later in &children[i + 1..] {
                    self.order_rsc_actions(instance, "start", later, "start", RelFlags::ORDERED);
                    self.order_rsc_actions(later, "stop", instance, "stop", RelFlags::ORDERED);
                }
            }
        }
        if promotable {
            self.order_promotable_instances(rsc);
        }
    }

    /// Whether an instance (or any member of it) has been probed on a node.
    fn probed_on(&self, rsc: RscIdx, node: NodeIdx) -> bool {
        let r = &self.rscs[rsc];
        if !r.children.is_empty() {
            return r.children.iter().any(|&c| self.probed_on(c, node));
        }
        r.probed.contains(&node)
    }

    /// Probes a clone on a node: every instance of a unique clone, one
    /// instance of an anonymous one (`pcmk__clone_create_probe`).
    pub(crate) fn clone_create_probe(&mut self, rsc: RscIdx, node: NodeIdx) -> bool {
        if self.rscs[rsc].has(RscFlags::EXCLUSIVE_PROBES) {
            let ok = self
                .allowed(rsc, node)
                .is_some_and(|a| a.probe_mode == crate::model::ProbeMode::Exclusive);
            if !ok {
                if let Some(slot) = self.rscs[rsc].allowed.get_mut(node) {
                    *slot = None;
                }
                return false;
            }
        }
        self.sort_instances_by_number(rsc);
        let children = self.rscs[rsc].children.clone();
        if self.rscs[rsc].has(RscFlags::UNIQUE) {
            let mut any = false;
            for c in children {
                any |= self.probe_rsc_on_node(c, node);
            }
            return any;
        }
        let mut child = children.iter().copied().find(|&c| self.probed_on(c, node));
        if child.is_none() {
            child = children
                .iter()
                .copied()
                .find(|&c| self.rsc_location(c, false) == Some(node));
        }
        let Some(child) = child.or_else(|| children.first().copied()) else {
            return false;
        };
        self.probe_rsc_on_node(child, node)
    }

    /// The one node a resource is on (currently or as assigned), if it is
    /// on exactly one (`location` method).
    pub(crate) fn rsc_location(&self, rsc: RscIdx, current: bool) -> Option<NodeIdx> {
        let mut nodes = Vec::new();
        self.collect_locations(rsc, current, &mut nodes);
        if nodes.len() == 1 {
            Some(nodes[0])
        } else {
            None
        }
    }

    fn collect_locations(&self, rsc: RscIdx, current: bool, out: &mut Vec<NodeIdx>) {
        let r = &self.rscs[rsc];
        if !r.children.is_empty() {
            for &c in &r.children {
                let mut sub = Vec::new();
                self.collect_locations(c, current, &mut sub);
                for n in sub {
                    if !out.contains(&n) {
                        out.push(n);
                    }
                }
            }
            return;
        }
        if current {
            out.extend(r.active.iter().copied());
        } else if let Some(n) = r.assigned {
            out.push(n);
        }
    }

    /// A resource's role now or as planned (`state` method).
    pub(crate) fn rsc_state(&self, rsc: RscIdx, current: bool) -> Role {
        let r = &self.rscs[rsc];
        if r.children.is_empty() {
            return if current { r.orig_role } else { r.next_role };
        }
        r.children
            .iter()
            .map(|&c| self.rsc_state(c, current))
            .max()
            .unwrap_or(Role::Unknown)
    }

    /// Whether a flag is set on a resource or any resource below it.
    pub(crate) fn any_has_recursive(&self, rsc: RscIdx, flag: u64) -> bool {
        self.rscs[rsc].has(flag)
            || self.rscs[rsc]
                .children
                .iter()
                .any(|&c| self.any_has_recursive(c, flag))
    }

    /// Whether a flag is set on a resource and every resource below it.
    pub(crate) fn all_have_recursive(&self, rsc: RscIdx, flag: u64) -> bool {
        self.rscs[rsc].has(flag)
            && self.rscs[rsc]
                .children
                .iter()
                .all(|&c| self.all_have_recursive(c, flag))
    }

    /// The task an instance uses for a collective action (`orig_action_name`
    /// with `get_complex_task`).
    pub(crate) fn instance_task(&self, action: ActIdx, instance: RscIdx) -> String {
        let a = &self.actions[action];
        let mut name = a.task.clone();
        if name == "notify" || name == "notified" {
            if let Some(i) = a.uuid.find("_notify_") {
                let rest = &a.uuid[i + "_notify_".len()..];
                name = rest.rsplit_once('_').map_or(rest, |(t, _)| t).to_string();
            }
        }
        if self.rscs[instance].is_primitive() {
            let mapped = match name.as_str() {
                "stopped" => "stop",
                "running" => "start",
                "promoted" => "promote",
                "demoted" => "demote",
                "notified" => "notify",
                other => other,
            };
            return mapped.to_string();
        }
        name
    }

    /// A clone action's flags as summarized from its instances
    /// (`pcmk__collective_action_flags`).
    pub(crate) fn collective_action_flags(&mut self, action: ActIdx, node: Option<NodeIdx>) -> u32 {
        let Some(rsc) = self.actions[action].rsc else {
            return self.actions[action].flags.0;
        };
        let instances = self.rscs[rsc].children.clone();
        let mut flags = ActionFlags::OPTIONAL | ActionFlags::RUNNABLE | ActionFlags::PSEUDO;
        let mut any_runnable = false;
        for inst in instances {
            let task = self.instance_task(action, inst);
            let inst_node = if self.rscs[inst].is_primitive() {
                node
            } else {
                None
            };
            let Some(ia) = self.first_action_by_task(inst, &task, inst_node) else {
                continue;
            };
            let iflags = self.action_flags(ia, node);
            if flags & ActionFlags::OPTIONAL != 0 && iflags & ActionFlags::OPTIONAL == 0 {
                flags &= !ActionFlags::OPTIONAL;
                self.actions[action].clear(ActionFlags::OPTIONAL);
            }
            if iflags & ActionFlags::RUNNABLE != 0 {
                any_runnable = true;
            }
        }
        if !any_runnable {
            flags &= !ActionFlags::RUNNABLE;
            if node.is_none() {
                self.actions[action].clear(ActionFlags::RUNNABLE);
            }
        }
        flags
    }

    /// Meta-attributes a clone adds to its and its instances' actions in
    /// the graph (`pcmk__clone_add_graph_meta`).
    pub fn clone_graph_meta(&self, rsc: RscIdx) -> Vec<(String, String)> {
        let r = &self.rscs[rsc];
        let Some(d) = r.clone.as_deref() else {
            return Vec::new();
        };
        let flag = |f: u64| if r.has(f) { "true" } else { "false" }.to_string();
        let mut out = vec![
            ("CRM_meta_globally_unique".into(), flag(RscFlags::UNIQUE)),
            ("CRM_meta_notify".into(), flag(RscFlags::NOTIFY)),
            ("CRM_meta_clone_max".into(), d.clone_max.to_string()),
            (
                "CRM_meta_clone_node_max".into(),
                d.clone_node_max.to_string(),
            ),
        ];
        if r.has(RscFlags::PROMOTABLE) {
            for name in ["promoted_max", "master_max"] {
                out.push((format!("CRM_meta_{name}"), d.promoted_max.to_string()));
            }
            for name in ["promoted_node_max", "master_node_max"] {
                out.push((format!("CRM_meta_{name}"), d.promoted_node_max.to_string()));
            }
        }
        out
    }
}

/// The instance number in an instance id (after the last colon).
pub(crate) fn instance_number(id: &str) -> i64 {
    id.rsplit_once(':')
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use crate::ScheduleOptions;
    use crate::model::{Role, RscFlags};

    fn cib(resources: &str, status: &str) -> pcmk_common::xml::Element {
        let text = format!(
            r#"<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
<nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="n1" uname="node1"/><node id="n2" uname="node2"/><node id="n3" uname="node3"/></nodes>
<resources>{resources}</resources><constraints/></configuration><status>{status}</status></cib>"#
        );
        pcmk_common::xml::parse(&text).unwrap()
    }

    fn online(id: &str, lrm: &str) -> String {
        format!(
            r#"<node_state id="{id}" uname="node{}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="{id}"><lrm_resources>{lrm}</lrm_resources></lrm></node_state>"#,
            &id[1..]
        )
    }

    fn opts() -> ScheduleOptions {
        ScheduleOptions {
            now: 1_700_000_000,
            ..ScheduleOptions::default()
        }
    }

    const DUMMY: &str = r#"<primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/>"#;

    #[test]
    fn anonymous_clone_gets_one_instance_per_node() {
        let status = ["n1", "n2", "n3"].map(|n| online(n, "")).concat();
        let xml = cib(&format!(r#"<clone id="c">{DUMMY}</clone>"#), &status);
        let s = crate::schedule(&xml, &opts()).scheduler;
        let clone = s.find_rsc("c").unwrap();
        assert_eq!(s.rscs[clone].children.len(), 3);
        let mut nodes: Vec<_> = s.rscs[clone]
            .children
            .iter()
            .map(|&i| s.rscs[i].assigned.unwrap())
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        assert_eq!(nodes.len(), 3, "instances share a node");
        assert!(!s.rscs[clone].has(RscFlags::UNIQUE));
    }

    #[test]
    fn history_without_instance_number_keeps_its_node() {
        let op = r#"<lrm_resource id="d" class="ocf" provider="pacemaker" type="Dummy"><lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" transition-magic="0:0;1:1:0:x" call-id="2" rc-code="0" op-status="0" interval="0"/></lrm_resource>"#;
        let status = [online("n1", ""), online("n2", op), online("n3", "")].concat();
        let xml = cib(
            &format!(
                r#"<clone id="c"><meta_attributes id="m"><nvpair id="m1" name="clone-max" value="1"/></meta_attributes>{DUMMY}</clone>"#
            ),
            &status,
        );
        let s = crate::schedule(&xml, &opts()).scheduler;
        let clone = s.find_rsc("c").unwrap();
        let inst = s.rscs[clone].children[0];
        assert_eq!(s.rscs[inst].history_id.as_deref(), Some("d"));
        assert_eq!(s.rscs[inst].orig_role, Role::Started);
        assert_eq!(s.rscs[inst].assigned, s.find_node("node2"));
    }

    #[test]
    fn promotable_clone_promotes_highest_score() {
        let status = ["n1", "n2", "n3"].map(|n| online(n, "")).concat();
        let xml = cib(
            &format!(
                r#"<clone id="c"><meta_attributes id="m"><nvpair id="m1" name="promotable" value="true"/></meta_attributes>{DUMMY}</clone>"#
            ),
            &status,
        );
        let mut xml = xml;
        // Promotion score for node3
        let nodes = xml
            .child_mut("configuration")
            .and_then(|c| c.child_mut("nodes"))
            .unwrap();
        let n3 = nodes.elements_mut().find(|n| n.id() == Some("n3")).unwrap();
        n3.push(
            pcmk_common::xml::parse(
                r#"<instance_attributes id="ia"><nvpair id="ia1" name="master-d" value="10"/></instance_attributes>"#,
            )
            .unwrap(),
        );
        let s = crate::schedule(&xml, &opts()).scheduler;
        let clone = s.find_rsc("c").unwrap();
        let promoted: Vec<_> = s.rscs[clone]
            .children
            .iter()
            .filter(|&&i| s.rscs[i].next_role == Role::Promoted)
            .map(|&i| s.rscs[i].assigned)
            .collect();
        assert_eq!(promoted, vec![s.find_node("node3")]);
    }
}
