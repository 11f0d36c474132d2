//! The "Transition Summary" lines (`pcmk__output_actions`,
//! `rsc_action_default`, `rsc_action_item`).

use crate::model::{ActIdx, ActionFlags, NodeIdx, Role, RscFlags, RscIdx, Scheduler};
use crate::output::TextOut;

/// Column widths that grow as lines are printed, as Pacemaker's static
/// widths do.
///
/// Pacemaker's scheduler logs every action (`log_all_actions`, through the
/// same `rsc-action-item` message) before a tool prints the summary, so the
/// widths have already grown to fit the widest line when the first summary
/// line is printed: a measuring pass (`measure`) does the same here.
#[derive(Debug)]
struct Widths {
    rsc: usize,
    detail: usize,
    /// Only grow the widths, print nothing (the logging pass).
    measure: bool,
}

impl Scheduler {
    /// Writes the transition summary items.
    pub fn transition_summary(&mut self, out: &mut TextOut) {
        for a in (0..self.actions.len()).rev() {
            let act = &self.actions[a];
            if act.rsc.is_some() || act.optional() {
                continue;
            }
            let task = match act.task.as_str() {
                "do_shutdown" => "Shutdown".to_string(),
                "stonith" => format!(
                    "Fence ({})",
                    act.meta.get("stonith_action").cloned().unwrap_or_default()
                ),
                _ => continue,
            };
            let node_name = act.node.map(|n| {
                if self.is_guest_node(n) {
                    let launcher = self.nodes[n]
                        .remote_rsc
                        .and_then(|r| self.rscs[r].launcher)
                        .map(|l| self.rscs[l].id.clone())
                        .unwrap_or_default();
                    format!("{} (resource: {launcher})", self.nodes[n].name)
                } else {
                    self.nodes[n].name.clone()
                }
            });
            if let Some(reason) = &act.reason {
                out.item(
                    None,
                    &format!("{task} {} '{reason}'", node_name.unwrap_or_default()),
                );
            }
        }
        let mut widths = Widths {
            rsc: 5,
            detail: 5,
            measure: true,
        };
        for r in self.top.clone() {
            self.output_rsc_actions(r, out, &mut widths);
        }
        widths.measure = false;
        for r in self.top.clone() {
            self.output_rsc_actions(r, out, &mut widths);
        }
    }

    fn output_rsc_actions(&mut self, rsc: RscIdx, out: &mut TextOut, w: &mut Widths) {
        if !self.rscs[rsc].children.is_empty() {
            for c in self.rscs[rsc].children.clone() {
                self.output_rsc_actions(c, out, w);
            }
            return;
        }
        let next = self.rscs[rsc].assigned;
        let mut current = None;
        if !self.rscs[rsc].active.is_empty() {
            current = self.current_node(rsc);
            if self.rscs[rsc].orig_role == Role::Stopped {
                self.rscs[rsc].orig_role = Role::Started;
            }
        }
        if current.is_none() && self.rscs[rsc].has(RscFlags::REMOVED) {
            return;
        }
        self.rsc_action_default(rsc, current, next, out, w);
    }

    fn first_of(&mut self, rsc: RscIdx, node: Option<NodeIdx>, task: &str) -> Option<ActIdx> {
        self.resource_actions(rsc, node, task, false)
            .first()
            .copied()
    }

    fn rsc_action_default(
        &mut self,
        rsc: RscIdx,
        current: Option<NodeIdx>,
        next: Option<NodeIdx>,
        out: &mut TextOut,
        w: &mut Widths,
    ) {
        if !self.rscs[rsc].has(RscFlags::MANAGED) || (current.is_none() && next.is_none()) {
            return;
        }
        let moving = current.is_some() && next.is_some() && current != next;
        let start = self.first_of(rsc, next, "start");
        let start_node = match start {
            Some(s) if self.actions[s].runnable() => current,
            _ => None,
        };
        let mut stop = self.first_of(rsc, start_node, "stop");
        if stop.is_none() && self.rscs[rsc].has(RscFlags::STOP_UNEXPECTED) {
            stop = self.first_of(rsc, None, "stop");
        }
        let promote = self.first_of(rsc, next, "promote");
        let demote = self.first_of(rsc, next, "demote");
        let r = &self.rscs[rsc];
        if r.orig_role == r.next_role {
            if next.is_none() {
                return;
            }
            let migrate = self.first_of(rsc, next, "migrate_from");
            if migrate.is_some_and(|m| self.actions[m].runnable()) && current.is_some() {
                if let Some(s) = start {
                    self.action_item(out, w, "Migrate", rsc, current, next, s, None);
                }
            } else if self.rscs[rsc].has(RscFlags::RELOAD) {
                if let Some(s) = start {
                    self.action_item(out, w, "Reload", rsc, current, next, s, None);
                }
            } else if start.is_none_or(|s| self.actions[s].optional()) {
                if let (Some(d), Some(p)) = (demote, promote) {
                    if !self.actions[d].optional() && !self.actions[p].optional() {
                        self.action_item(out, w, "Re-promote", rsc, current, next, p, Some(d));
                    }
                }
            } else if let Some(s) = start.filter(|s| !self.actions[*s].runnable()) {
                let reason_op = match stop {
                    Some(st) if self.actions[st].reason.is_some() => st,
                    _ => s,
                };
                if let Some(st) = stop {
                    self.action_item(out, w, "Stop", rsc, current, None, st, Some(reason_op));
                }
            } else if moving && current.is_some() {
                let failed = self.rscs[rsc].has(RscFlags::FAILED);
                if let Some(st) = stop {
                    self.action_item(
                        out,
                        w,
                        if failed { "Recover" } else { "Move" },
                        rsc,
                        current,
                        next,
                        st,
                        None,
                    );
                }
            } else if self.rscs[rsc].has(RscFlags::FAILED) {
                if let Some(st) = stop {
                    self.action_item(out, w, "Recover", rsc, current, None, st, None);
                }
            } else if let Some(s) = start {
                self.action_item(out, w, "Restart", rsc, current, next, s, None);
            }
            return;
        }
        let next_role = self.rscs[rsc].next_role;
        if stop.is_some()
            && (next_role == Role::Stopped || start.is_some_and(|s| !self.actions[s].runnable()))
        {
            let key = crate::model::op_key(&self.rscs[rsc].id, "stop", 0);
            for node in self.rscs[rsc].active.clone() {
                let mut reason_op = start;
                let stop_op = self
                    .find_rsc_actions(rsc, &key, Some(node))
                    .first()
                    .copied();
                if let Some(so) = stop_op {
                    if self.actions[so].reason.is_some() {
                        reason_op = Some(so);
                    }
                }
                if let Some(so) = stop_op {
                    self.action_item(out, w, "Stop", rsc, Some(node), None, so, reason_op);
                }
            }
        } else if let Some(st) = stop.filter(|_| {
            self.rscs[rsc].has(RscFlags::FAILED) && self.rscs[rsc].has(RscFlags::STOP_IF_FAILED)
        }) {
            self.action_item(out, w, "Recover", rsc, current, next, st, start);
        } else if moving {
            if let Some(st) = stop {
                self.action_item(out, w, "Move", rsc, current, next, st, None);
            }
        } else if self.rscs[rsc].has(RscFlags::RELOAD) {
            if let Some(s) = start {
                self.action_item(out, w, "Reload", rsc, current, next, s, None);
            }
        } else if let Some(st) = stop.filter(|s| !self.actions[*s].optional()) {
            let action = start.unwrap_or(st);
            self.action_item(out, w, "Restart", rsc, current, next, action, None);
        } else if self.rscs[rsc].orig_role == Role::Promoted {
            if let Some(d) = demote {
                self.action_item(out, w, "Demote", rsc, current, next, d, None);
            }
        } else if next_role == Role::Promoted {
            if let Some(p) = promote {
                self.action_item(out, w, "Promote", rsc, current, next, p, None);
            }
        } else if self.rscs[rsc].orig_role == Role::Stopped && next_role > Role::Stopped {
            if let Some(s) = start {
                self.action_item(out, w, "Start", rsc, current, next, s, None);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn action_item(
        &self,
        out: &mut TextOut,
        w: &mut Widths,
        change: &str,
        rsc: RscIdx,
        origin: Option<NodeIdx>,
        destination: Option<NodeIdx>,
        action: ActIdx,
        source: Option<ActIdx>,
    ) {
        let r = &self.rscs[rsc];
        let source = source.unwrap_or(action);
        if r.id.len() > w.rsc {
            w.rsc = r.id.len() + 2;
        }
        let need_role = r.orig_role > Role::Started || r.next_role > Role::Unpromoted;
        let same_host = origin == destination && origin.is_some();
        let same_role = r.orig_role == r.next_role;
        let name = |n: Option<NodeIdx>| n.map_or("<none>", |n| self.nodes[n].name.as_str());
        let (o, d) = (name(origin), name(destination));
        let (or_, nr) = (r.orig_role.text(), r.next_role.text());
        let details = if need_role && origin.is_none() {
            format!("{or_} -> {nr} {d}")
        } else if origin.is_none() {
            d.to_string()
        } else if need_role && destination.is_none() {
            format!("{or_} {o}")
        } else if destination.is_none() {
            o.to_string()
        } else if need_role && same_role && same_host {
            format!("{or_} {o}")
        } else if same_role && same_host {
            o.to_string()
        } else if need_role && same_role {
            format!("{o} -> {d} {or_}")
        } else if same_role {
            format!("{o} -> {d}")
        } else if same_host {
            format!("{or_} -> {nr} {o}")
        } else {
            format!("{or_} {o} -> {nr} {d}")
        };
        if details.len() > w.detail {
            w.detail = details.len();
        }
        if w.measure {
            return;
        }
        let runnable = self.actions[action].has(ActionFlags::RUNNABLE);
        let reason = match &self.actions[source].reason {
            Some(rs) if !runnable => Some(format!("due to {rs} (blocked)")),
            Some(rs) => Some(format!("due to {rs}")),
            None if !runnable => Some("blocked".to_string()),
            None => None,
        };
        let text = format!(
            "{change:<8}   {:<rw$}   ( {details:>dw$} ){}{}",
            r.id,
            if reason.is_some() { "  " } else { "" },
            reason.unwrap_or_default(),
            rw = w.rsc,
            dw = w.detail
        );
        out.item(None, &text);
    }
}

#[cfg(test)]
mod tests {
    use crate::ScheduleOptions;
    use crate::output::TextOut;

    /// `a` starts on node1 (a short line) before `long-name-b` moves from
    /// node1 to node2 (a wider line): the first line is already padded to the
    /// widest one, as in Pacemaker, whose scheduler logs all actions (growing
    /// the shared widths) before the summary is printed.
    #[test]
    fn first_summary_line_is_padded_to_the_widest() {
        let op = r#"<lrm_rsc_op id="long-name-b_last_0" operation_key="long-name-b_start_0" operation="start" crm_feature_set="3.0.14" transition-key="1:1:0:abc" transition-magic="0:0;1:1:0:abc" call-id="2" rc-code="0" op-status="0" interval="0" op-digest="x"/>"#;
        let text = format!(
            r#"<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
<nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="n1" uname="node1"/><node id="n2" uname="node2"/></nodes>
<resources><primitive id="a" class="ocf" provider="pacemaker" type="Dummy"/>
<primitive id="long-name-b" class="ocf" provider="pacemaker" type="Dummy"/></resources>
<constraints><rsc_location id="l1" rsc="long-name-b" node="node1" score="-INFINITY"/>
<rsc_location id="l2" rsc="a" node="node2" score="-INFINITY"/></constraints></configuration>
<status><node_state id="n1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="n1"><lrm_resources>
<lrm_resource id="long-name-b" class="ocf" provider="pacemaker" type="Dummy">{op}</lrm_resource></lrm_resources></lrm></node_state>
<node_state id="n2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="n2"><lrm_resources/></lrm></node_state></status></cib>"#
        );
        let xml = pcmk_common::xml::parse(&text).unwrap();
        let opts = ScheduleOptions {
            now: 1_700_000_000,
            ..ScheduleOptions::default()
        };
        let mut s = crate::schedule(&xml, &opts).scheduler;
        let mut out = TextOut::new();
        s.transition_summary(&mut out);
        assert_eq!(
            out.buf,
            "* Start      a               (          node1 )\n\
             * Move       long-name-b     ( node1 -> node2 )\n"
        );
    }
}
