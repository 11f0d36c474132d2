//! The transition graph: which actions go in, their inputs, and the XML
//! the controller executes (`pcmk_graph_producer.c`).

mod action_xml;
pub use action_xml::CRM_FEATURE_SET;
pub mod dot;

use pcmk_common::xml::Element;

use crate::model::{
    ActIdx, ActionFlags, RelFlags, RscFlags, RscIdx, SchedFlags, Scheduler, Variant,
};

impl Scheduler {
    /// Builds the transition graph.
    pub fn create_graph(&mut self, transition_id: u32) -> Element {
        let mut graph = Element::new("transition_graph");
        for (name, opt) in [
            ("cluster-delay", "cluster-delay"),
            ("fencing-timeout", "fencing-timeout"),
        ] {
            if let Some(v) = self.opt(opt) {
                graph.set_attr(name, v.to_string());
            }
        }
        graph.set_attr("failed-stop-offset", "INFINITY");
        let fso = if self.has(SchedFlags::START_FAILURE_FATAL) {
            "INFINITY"
        } else {
            "1"
        };
        graph.set_attr("failed-start-offset", fso);
        if let Some(v) = self.opt("batch-limit") {
            graph.set_attr("batch-limit", v.to_string());
        }
        graph.set_attr("transition_id", transition_id.to_string());
        if let Some(v) = self.opt("migration-limit") {
            if crate::values::parse_ll(v).is_some_and(|l| l > 0) {
                graph.set_attr("migration-limit", v.to_string());
            }
        }
        if self.recheck_by > 0 {
            graph.set_attr("recheck-by", self.recheck_by.to_string());
        }
        let mut synapses = Vec::new();
        for r in self.top.clone() {
            self.add_rsc_actions_to_graph(r, &mut synapses);
        }
        for a in (0..self.actions.len()).rev() {
            self.add_action_to_graph(a, &mut synapses);
        }
        for s in synapses {
            graph.push(s);
        }
        graph
    }

    fn add_rsc_actions_to_graph(&mut self, rsc: RscIdx, synapses: &mut Vec<Element>) {
        if self.rscs[rsc].variant == Variant::Clone {
            for a in self.rscs[rsc].actions.clone().into_iter().rev() {
                self.action_flags(a, None);
            }
            self.create_clone_notifications(rsc);
            for c in self.rscs[rsc].children.clone() {
                self.add_rsc_actions_to_graph(c, synapses);
            }
            for a in self.rscs[rsc].actions.clone().into_iter().rev() {
                self.add_action_to_graph(a, synapses);
            }
            return;
        }
        for a in self.rscs[rsc].actions.clone().into_iter().rev() {
            self.add_action_to_graph(a, synapses);
        }
        for c in self.rscs[rsc].children.clone() {
            self.add_rsc_actions_to_graph(c, synapses);
        }
    }

    /// Sorts an action's inputs by id and merges duplicates
    /// (`pcmk__deduplicate_action_inputs`).
    fn deduplicate_inputs(&mut self, action: ActIdx) {
        let mut before = std::mem::take(&mut self.actions[action].before);
        before.sort_by_key(|r| self.actions[r.action].id);
        let mut out: Vec<crate::model::Related> = Vec::with_capacity(before.len());
        for r in before {
            match out.last_mut() {
                Some(last) if last.action == r.action => {
                    last.flags |= r.flags;
                    last.graphed |= r.graphed;
                }
                _ => {
                    let mut r = r;
                    r.graphed = false;
                    out.push(r);
                }
            }
        }
        self.actions[action].before = out;
    }

    fn add_action_to_graph(&mut self, action: ActIdx, synapses: &mut Vec<Element>) {
        if !self.actions[action].has(ActionFlags::INPUTS_DEDUPLICATED) {
            self.deduplicate_inputs(action);
            self.actions[action].set(ActionFlags::INPUTS_DEDUPLICATED);
        }
        if self.actions[action].has(ActionFlags::ADDED_TO_GRAPH) || !self.should_add_action(action)
        {
            return;
        }
        self.actions[action].set(ActionFlags::ADDED_TO_GRAPH);
        let mut syn = Element::new("synapse").with_attr("id", synapses.len().to_string());
        let mut priority = self.actions[action]
            .rsc
            .map_or(0, |r| self.rscs[r].priority);
        if self.actions[action].priority > priority {
            priority = self.actions[action].priority;
        }
        if priority > 0 {
            syn.set_attr("priority", priority.to_string());
        }
        let mut set = Element::new("action_set");
        set.push(self.graph_action_xml(action, false));
        let mut inputs = Element::new("inputs");
        for i in 0..self.actions[action].before.len() {
            if self.should_add_input(action, i) {
                self.actions[action].before[i].graphed = true;
                let input = self.actions[action].before[i].action;
                let mut trigger = Element::new("trigger");
                trigger.push(self.graph_action_xml(input, true));
                inputs.push(trigger);
            }
        }
        syn.push(set);
        syn.push(inputs);
        synapses.push(syn);
    }

    /// Whether an action belongs in the graph (`should_add_action_to_graph`).
    pub(crate) fn should_add_action(&mut self, action: ActIdx) -> bool {
        let a = &self.actions[action];
        if !a.runnable() {
            return false;
        }
        if a.optional() && !a.has(ActionFlags::ALWAYS_IN_GRAPH) {
            return false;
        }
        if let Some(r) = a.rsc {
            if !self.rscs[r].has(RscFlags::MANAGED) && a.task != "monitor" {
                let interval = a.meta.get("interval").map(String::as_str);
                if interval.is_none_or(|i| i == "0") {
                    return false;
                }
            }
        }
        if a.pseudo() || a.task == "stonith" || a.task == "do_shutdown" {
            return true;
        }
        let Some(node) = a.node else {
            let (uuid, id) = (a.uuid.clone(), a.id);
            self.sched_err(format!(
                "Skipping action {uuid} ({id}) because it was not assigned to a node (bug?)"
            ));
            return false;
        };
        if a.has(ActionFlags::ON_DC) {
            return true;
        }
        if self.is_guest_node(node) && !self.nodes[node].remote_reset {
            return true;
        }
        let n = &self.nodes[node];
        if !n.online || n.unclean {
            let (uuid, id) = (a.uuid.clone(), a.id);
            self.sched_err(format!("Skipping action {uuid} ({id}) because it was scheduled for an unavailable node (bug?)"));
            return false;
        }
        true
    }

    /// Whether an ordering input belongs in the graph
    /// (`should_add_input_to_graph`).
    #[allow(clippy::if_same_then_else)]
    fn should_add_input(&mut self, action: ActIdx, i: usize) -> bool {
        let input = self.actions[action].before[i];
        if input.graphed {
            return true;
        }
        let first = input.action;
        let fa = &self.actions[first];
        let can_change = input.flags
            & !(RelFlags::THEN_IMPLIES_FIRST_GRAPHED
                | RelFlags::FIRST_IMPLIES_THEN_GRAPHED
                | RelFlags::ORDERED)
            != 0;
        if input.flags == RelFlags::NONE {
            return false;
        } else if !fa.runnable() && !can_change {
            return false;
        } else if !fa.runnable() && input.flags & RelFlags::MIN_RUNNABLE != 0 {
            return false;
        } else if input.flags & RelFlags::UNMIGRATABLE_THEN_BLOCKS != 0 && !fa.runnable() {
            return false;
        } else if input.flags & RelFlags::IF_FIRST_UNMIGRATABLE != 0
            && fa.has(ActionFlags::MIGRATABLE)
        {
            return false;
        } else if input.flags == RelFlags::ORDERED
            && fa.has(ActionFlags::MIGRATABLE)
            && fa.uuid.ends_with("_stop_0")
        {
            return false;
        } else if input.flags == RelFlags::IF_ON_SAME_NODE_OR_TARGET {
            let input_node = fa.node;
            let then = &self.actions[action];
            if then.rsc.is_some() && then.task == "migrate_to" {
                let assigned = then.rsc.and_then(|r| self.rscs[r].assigned);
                if input_node != assigned {
                    self.actions[action].before[i].flags = RelFlags::NONE;
                    return false;
                }
            } else if input_node != then.node {
                self.actions[action].before[i].flags = RelFlags::NONE;
                return false;
            } else if fa.optional() {
                self.actions[action].before[i].flags = RelFlags::NONE;
                return false;
            }
        } else if input.flags == RelFlags::IF_REQUIRED_ON_SAME_NODE {
            let then = &self.actions[action];
            if fa.node.is_some() && then.node.is_some() && fa.node != then.node {
                self.actions[action].before[i].flags = RelFlags::NONE;
                return false;
            } else if fa.optional() {
                self.actions[action].before[i].flags = RelFlags::NONE;
                return false;
            }
        } else if let Some(fr) = fa.rsc {
            let then_rsc = self.actions[action].rsc;
            let clone_then = then_rsc.is_some_and(|r| self.rscs[r].variant == Variant::Clone);
            if Some(fr) != then_rsc
                && self.rscs[fr].has(RscFlags::FAILED)
                && !self.rscs[fr].has(RscFlags::MANAGED)
                && fa.uuid.ends_with("_stop_0")
                && clone_then
            {
                return false;
            } else if fa.optional()
                && !fa.has(ActionFlags::ALWAYS_IN_GRAPH)
                && !fa.has(ActionFlags::ADDED_TO_GRAPH)
                && !self.should_add_action(first)
            {
                return false;
            }
        } else if fa.optional()
            && !fa.has(ActionFlags::ALWAYS_IN_GRAPH)
            && !fa.has(ActionFlags::ADDED_TO_GRAPH)
            && !self.should_add_action(first)
        {
            return false;
        }
        true
    }
}
