//! The graphviz rendering of the planned actions that `crm_simulate -D`
//! writes (`write_sim_dotfile`).

use std::fmt::Write as _;

use crate::model::{ActIdx, ActionFlags, RelFlags, RscFlags, Scheduler, op_key};

impl Scheduler {
    /// The name of an action in the dot graph and simulation output.
    pub fn action_name(&self, action: ActIdx, verbose: bool) -> String {
        let a = &self.actions[action];
        let host = match a.node {
            Some(n) => Some(self.nodes[n].name.clone()),
            None if !a.pseudo() => Some("<none>".to_string()),
            None => None,
        };
        let (prefix, task) = if a.task == "cancel" {
            ("Cancel ", a.cancel_task.clone().unwrap_or_default())
        } else {
            ("", a.task.clone())
        };
        let history_id = a.rsc.and_then(|r| self.rscs[r].history_id.clone());
        let name = if let Some(h) = history_id {
            let key = if a.task == "notify" || a.task == "notified" {
                let m = |k: &str| a.meta.get(k).map_or("", String::as_str);
                format!(
                    "{h}_{}_notify_{}_0",
                    m("notify_key_type"),
                    m("notify_key_operation")
                )
            } else {
                op_key(&h, &task, a.interval_ms())
            };
            match &host {
                Some(h) => format!("{prefix}{key} {h}"),
                None => format!("{prefix}{key}"),
            }
        } else if a.task == "stonith" {
            let op = a.meta.get("stonith_action").cloned().unwrap_or_default();
            format!("{prefix}{} '{op}' {}", a.task, host.unwrap_or_default())
        } else if a.rsc.is_some() && host.is_some() {
            format!("{prefix}{} {}", a.uuid, host.unwrap_or_default())
        } else if let Some(h) = host {
            format!("{prefix}{} {h}", a.task)
        } else {
            a.uuid.clone()
        };
        if verbose {
            format!("{name} ({})", a.id)
        } else {
            name
        }
    }

    /// The dot graph text.
    pub fn dot_graph(&mut self, all_actions: bool, verbose: bool) -> String {
        let mut out = String::from(" digraph \"g\" {\n");
        for a in (0..self.actions.len()).rev() {
            let act = &self.actions[a];
            let mut style = "dashed";
            let mut font = "black";
            let color;
            if act.pseudo() {
                font = "orange";
            }
            if act.has(ActionFlags::ADDED_TO_GRAPH) {
                style = "bold";
                color = "green";
            } else if act
                .rsc
                .is_some_and(|r| !self.rscs[r].has(RscFlags::MANAGED))
            {
                color = "red";
                font = "purple";
                if !all_actions {
                    continue;
                }
            } else if act.optional() {
                color = "blue";
                if !all_actions {
                    continue;
                }
            } else {
                color = "red";
            }
            self.actions[a].set(ActionFlags::ADDED_TO_GRAPH);
            let name = self.action_name(a, verbose);
            let _ = writeln!(
                out,
                "\"{name}\" [ style={style} color=\"{color}\" fontcolor=\"{font}\"]"
            );
        }
        for a in (0..self.actions.len()).rev() {
            for b in self.actions[a].before.clone() {
                let mut style = "dashed";
                let mut optional = true;
                if b.graphed {
                    optional = false;
                    style = "bold";
                } else if b.flags == RelFlags::NONE {
                    continue;
                } else if self.actions[b.action].has(ActionFlags::ADDED_TO_GRAPH)
                    && self.actions[a].has(ActionFlags::ADDED_TO_GRAPH)
                    && b.flags != RelFlags::IF_ON_SAME_NODE_OR_TARGET
                {
                    optional = false;
                }
                if all_actions || !optional {
                    let before = self.action_name(b.action, verbose);
                    let after = self.action_name(a, verbose);
                    let _ = writeln!(out, "\"{before}\" -> \"{after}\" [ style = {style}]");
                }
            }
        }
        out.push_str("}\n");
        out
    }
}
