//! The status of a clone: its header, instances that need a line of their
//! own, and the Promoted/Started/Stopped node lists (`pe__clone_default`).

use std::collections::BTreeMap;

use crate::model::{NodeIdx, Role, RscFlags, RscIdx, Scheduler};
use crate::output::TextOut;
use crate::output::status::exit_str;
use crate::strcmp::numeric_strcasecmp;
use crate::unpack::clone::strip_instance;

impl Scheduler {
    fn clone_header_text(&self, rsc: RscIdx) -> String {
        let r = &self.rscs[rsc];
        let child = r
            .clone
            .as_deref()
            .and_then(|d| d.child_xml.id())
            .unwrap_or("")
            .to_string();
        let mut attrs: Vec<&str> = Vec::new();
        if r.has(RscFlags::PROMOTABLE) {
            attrs.push("promotable");
        }
        if r.has(RscFlags::UNIQUE) {
            attrs.push("unique");
        }
        if self.rsc_disabled(rsc) {
            attrs.push("disabled");
        }
        if r.has(RscFlags::MAINTENANCE) {
            attrs.push("maintenance");
        } else if !r.has(RscFlags::MANAGED) {
            attrs.push("unmanaged");
        }
        if attrs.is_empty() {
            format!("Clone Set: {} [{child}]", r.id)
        } else {
            format!("Clone Set: {} [{child}] ({})", r.id, attrs.join(", "))
        }
    }

    /// The clone's configured target role, or any instance's.
    fn clone_configured_role(&self, rsc: RscIdx) -> Role {
        let r = &self.rscs[rsc];
        let value = r.meta("target-role").or_else(|| {
            r.children
                .first()
                .and_then(|&c| self.rscs[c].meta("target-role"))
        });
        value.map_or(Role::Unknown, Role::parse)
    }

    /// The exit code of a failed probe of a clone's resource on a node.
    fn clone_failed_probe(&self, rsc: RscIdx, node: NodeIdx) -> Option<i64> {
        let child_id = self.rscs[rsc].clone.as_deref()?.child_xml.id()?.to_string();
        let name = self.nodes[node].name.as_str();
        for op in &self.failed_ops {
            let Some(rid) = op.attr("rsc-id") else {
                continue;
            };
            if strip_instance(rid) != child_id {
                continue;
            }
            if !op
                .attr("uname")
                .is_some_and(|u| u.eq_ignore_ascii_case(name))
            {
                continue;
            }
            let interval = op
                .attr("interval")
                .and_then(crate::values::parse_ll)
                .unwrap_or(0);
            if op.attr("operation") == Some("monitor") && interval == 0 {
                return op.attr("rc-code").and_then(crate::values::parse_ll);
            }
        }
        None
    }

    /// Writes a clone's status (`pe__clone_default`).
    pub(crate) fn clone_out(&self, rsc: RscIdx, out: &mut TextOut, show_pending: bool) {
        let r = &self.rscs[rsc];
        let unique = r.has(RscFlags::UNIQUE);
        let mut header = false;
        let mut open = |out: &mut TextOut| {
            if !header {
                out.begin_list(&self.clone_header_text(rsc));
                header = true;
            }
        };
        let mut stopped: BTreeMap<String, String> = BTreeMap::new();
        let mut promoted: Vec<NodeIdx> = Vec::new();
        let mut started: Vec<NodeIdx> = Vec::new();
        for &child in &r.children {
            let c = &self.rscs[child];
            let partially_active = self.rsc_is_active(child, false);
            let mut print_full = false;
            if unique {
                if partially_active || !r.has(RscFlags::REMOVED) {
                    print_full = true;
                }
            } else if show_pending && c.pending_action.as_deref().is_some_and(|p| p != "probe") {
                print_full = true;
            } else if !partially_active {
                if !c.has(RscFlags::REMOVED) {
                    stopped.insert(c.id.clone(), "Stopped".into());
                }
            } else if self.any_has_recursive(child, RscFlags::REMOVED)
                || !self.all_have_recursive(child, RscFlags::MANAGED)
                || self.any_has_recursive(child, RscFlags::FAILED)
            {
                print_full = true;
            } else if self.rsc_is_active(child, true) {
                match self.rsc_location(child, true) {
                    Some(n) => {
                        let node = &self.nodes[n];
                        if !node.online && node.unclean {
                            print_full = true;
                        } else if self.rsc_state(child, true) > Role::Unpromoted {
                            promoted.push(n);
                        } else {
                            started.push(n);
                        }
                    }
                    None => print_full = true,
                }
            } else {
                print_full = true;
            }
            if print_full {
                open(out);
                self.resource_out(child, out, show_pending);
            }
        }
        let by_name = |a: &NodeIdx, b: &NodeIdx| {
            numeric_strcasecmp(&self.nodes[*a].name, &self.nodes[*b].name)
        };
        promoted.sort_by(by_name);
        started.sort_by(by_name);
        let mut active_instances = 0;
        if !promoted.is_empty() {
            active_instances += promoted.len();
            let names: Vec<&str> = promoted
                .iter()
                .map(|&n| self.nodes[n].name.as_str())
                .collect();
            open(out);
            out.item(None, &format!("Promoted: [ {} ]", names.join(" ")));
        }
        if !started.is_empty() {
            active_instances += started.len();
            let names: Vec<&str> = started
                .iter()
                .map(|&n| self.nodes[n].name.as_str())
                .collect();
            open(out);
            let label = if r.has(RscFlags::PROMOTABLE) {
                if self.clone_configured_role(rsc) == Role::Unpromoted {
                    "Unpromoted (target-role)"
                } else {
                    "Unpromoted"
                }
            } else {
                "Started"
            };
            out.item(None, &format!("{label}: [ {} ]", names.join(" ")));
        }
        let clone_max = self.clone_max(rsc);
        if !unique && usize::try_from(clone_max).unwrap_or(0) > active_instances {
            stopped.clear();
            let mut list: Vec<NodeIdx> = r
                .allowed
                .iter()
                .enumerate()
                .filter_map(|(n, a)| a.map(|_| n))
                .collect();
            if list.is_empty() {
                list = r.probed.iter().copied().collect();
            }
            list.sort_by(by_name);
            for n in list {
                if r.active.contains(&n) {
                    continue;
                }
                let state = match self.clone_failed_probe(rsc, n) {
                    Some(rc) => format!("Stopped ({})", exit_str(rc)),
                    None if self.clone_configured_role(rsc) == Role::Stopped => {
                        "Stopped (disabled)".to_string()
                    }
                    None => "Stopped".to_string(),
                };
                stopped.insert(self.nodes[n].name.clone(), state);
            }
        }
        if !stopped.is_empty() {
            open(out);
            let mut states: Vec<&String> = stopped.values().collect();
            states.sort();
            states.dedup();
            for state in states {
                let mut names: Vec<&str> = stopped
                    .iter()
                    .filter(|(_, v)| *v == state)
                    .map(|(k, _)| k.as_str())
                    .collect();
                names.sort_by(|a, b| numeric_strcasecmp(a, b));
                if !names.is_empty() {
                    out.item(None, &format!("{state}: [ {} ]", names.join(" ")));
                }
            }
        } else if active_instances == 0 {
            open(out);
        }
        if header {
            out.end_list();
        }
    }
}
