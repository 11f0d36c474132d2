//! Tickets: their state in the status section (`<tickets>`) and the
//! `rsc_ticket` constraints that tie resources to them.

use pcmk_common::xml::Element;

use crate::model::{LossPolicy, Role, RscFlags, RscIdx, RscTicket, SchedFlags, Scheduler, Ticket};
use crate::values::{INFINITY, is_true, parse_ll};

impl Scheduler {
    /// Reads every `<ticket_state>` of the status section's `<tickets>`.
    pub(crate) fn unpack_ticket_states(&mut self, status: &Element) {
        let Some(tickets) = status.child("tickets") else {
            return;
        };
        for state in tickets.children_named("ticket_state") {
            let Some(id) = state.id().filter(|id| !id.is_empty()) else {
                continue;
            };
            let mut ticket = Ticket {
                granted: is_true(state.attr("granted")),
                standby: is_true(state.attr("standby")),
                last_granted: None,
            };
            if let Some(v) = state.attr("last-granted") {
                match parse_ll(v) {
                    Some(t) => ticket.last_granted = Some(t),
                    None => self.config_err(format!(
                        "Using default value of 0 for invalid last-granted value '{v}' in state for ticket {id}"
                    )),
                }
            }
            self.tickets.by_id.insert(id.to_string(), ticket);
        }
    }

    /// Unpacks one `rsc_ticket` constraint (tags already expanded).
    pub(crate) fn unpack_rsc_ticket(&mut self, xml: &Element) {
        let id = xml.id().unwrap_or("").to_string();
        let Some(ticket) = xml.attr("ticket") else {
            self.config_err(format!("Ignoring constraint '{id}' without ticket"));
            return;
        };
        self.tickets.by_id.entry(ticket.to_string()).or_default();
        let loss = xml.attr("loss-policy");
        if xml.child("resource_set").is_some() {
            for set in xml.children_named("resource_set") {
                let Some(set) = crate::nvset::resolve_idref(set, &self.input).cloned() else {
                    return;
                };
                let Some(set_id) = set.id().map(str::to_string) else {
                    self.config_err("Ignoring <resource_set> without id");
                    return;
                };
                for r in set.children_named("resource_ref") {
                    let rid = r.id().unwrap_or("");
                    let Some(rsc) = self.constraint_rsc_pub(rid) else {
                        self.config_err(format!("{set_id}: No resource found for {rid}"));
                        return;
                    };
                    self.new_rsc_ticket(&set_id, rsc, ticket, set.attr("role"), loss);
                }
            }
            return;
        }
        let Some(rid) = xml.attr("rsc") else {
            self.config_err(format!("Ignoring constraint '{id}' without resource"));
            return;
        };
        let Some(rsc) = self.constraint_rsc_pub(rid) else {
            self.config_err(format!(
                "Ignoring constraint '{id}' because resource '{rid}' does not exist"
            ));
            return;
        };
        self.new_rsc_ticket(&id, rsc, ticket, xml.attr("rsc-role"), loss);
    }

    fn new_rsc_ticket(
        &mut self,
        id: &str,
        rsc: RscIdx,
        ticket: &str,
        role_spec: Option<&str>,
        loss: Option<&str>,
    ) {
        let role = match (role_spec, role_spec.map(Role::parse)) {
            (None, _) => Role::Unknown,
            (Some(spec), Some(Role::Unknown)) => {
                self.config_err(format!("Ignoring constraint {id}: Invalid role '{spec}'"));
                return;
            }
            (_, Some(Role::Started)) => Role::Unknown,
            (_, Some(r)) => r,
            (_, None) => Role::Unknown,
        };
        let loss = loss.map(str::to_ascii_lowercase);
        let mut loss = loss.as_deref();
        if loss == Some("fence") && !self.has(SchedFlags::FENCING_ENABLED) {
            self.config_err(format!(
                "Resetting 'loss-policy' for ticket '{ticket}' to 'stop' because fencing is not configured"
            ));
            loss = Some("stop");
        }
        let loss = match loss {
            Some("fence") => LossPolicy::Fence,
            Some("freeze") => LossPolicy::Freeze,
            Some("demote") => LossPolicy::Demote,
            Some("stop") => LossPolicy::Stop,
            _ if role == Role::Promoted => LossPolicy::Demote,
            _ => LossPolicy::Stop,
        };
        let dep = RscTicket {
            id: id.to_string(),
            rsc,
            ticket: ticket.to_string(),
            role,
            loss,
        };
        let state = self.tickets.get(ticket);
        if !state.granted || state.standby {
            self.apply_ticket_loss(rsc, &dep, &state);
        }
        self.tickets.deps.push(dep);
    }

    /// Applies a missing or standby ticket to a resource and its
    /// descendants (`constraints_for_ticket`).
    fn apply_ticket_loss(&mut self, rsc: RscIdx, dep: &RscTicket, state: &Ticket) {
        if !self.rscs[rsc].children.is_empty() {
            for c in self.rscs[rsc].children.clone() {
                self.apply_ticket_loss(c, dep, state);
            }
            return;
        }
        let role_matches = dep.role == Role::Unknown || dep.role == self.rscs[rsc].orig_role;
        let stop_applies = dep.role != Role::Promoted || dep.loss == LossPolicy::Stop;
        if !state.granted && !self.rscs[rsc].active.is_empty() {
            match dep.loss {
                LossPolicy::Stop => {
                    self.resource_location(rsc, None, -INFINITY, "__loss_of_ticket__");
                }
                LossPolicy::Demote => {
                    if dep.role != Role::Promoted {
                        self.resource_location(rsc, None, -INFINITY, "__loss_of_ticket__");
                    }
                }
                LossPolicy::Fence => {
                    if !role_matches {
                        return;
                    }
                    self.resource_location(rsc, None, -INFINITY, "__loss_of_ticket__");
                    for n in self.rscs[rsc].active.clone() {
                        self.fence_node(n, "deadman ticket was lost", false);
                    }
                }
                LossPolicy::Freeze => {
                    if !role_matches {
                        return;
                    }
                    let r = &mut self.rscs[rsc];
                    r.flags.clear(RscFlags::MANAGED);
                    r.flags.set(RscFlags::BLOCKED);
                }
            }
        } else if !state.granted {
            if stop_applies {
                self.resource_location(rsc, None, -INFINITY, "__no_ticket__");
            }
        } else if state.standby && stop_applies {
            self.resource_location(rsc, None, -INFINITY, "__ticket_standby__");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{LossPolicy, Role, RscFlags, Scheduler};

    fn cib(tickets: &str, constraint: &str, running: bool) -> String {
        let history = if running {
            r#"<lrm id="n1"><lrm_resources><lrm_resource id="r1" class="ocf" provider="pacemaker" type="Dummy">
               <lrm_rsc_op id="r1_last_0" operation_key="r1_start_0" operation="start" transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" call-id="2" rc-code="0" op-status="0" interval="0" crm_feature_set="3.0.1" op-digest="x"/>
               </lrm_resource></lrm_resources></lrm>"#
        } else {
            ""
        };
        format!(
            r#"<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
               <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
               <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
               <resources><primitive id="r1" class="ocf" provider="pacemaker" type="Dummy"/></resources>
               <constraints>{constraint}</constraints></configuration>
               <status><tickets>{tickets}</tickets>
               <node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">{history}</node_state>
               <node_state id="n2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
               </status></cib>"#
        )
    }

    fn unpack(xml: &str) -> Scheduler {
        let cib = pcmk_common::xml::parse(xml).unwrap();
        let mut s = Scheduler::unpack(cib, 1_700_000_000);
        s.unpack_constraints();
        s
    }

    fn scores(s: &Scheduler) -> Vec<i32> {
        s.rscs[0]
            .allowed
            .iter()
            .flatten()
            .map(|a| a.score)
            .collect()
    }

    #[test]
    fn ticket_state_is_read() {
        let s = unpack(&cib(
            r#"<ticket_state id="tA" granted="true" standby="false" last-granted="42"/>"#,
            "",
            false,
        ));
        let t = s.tickets.get("tA");
        assert!(t.granted && !t.standby);
        assert_eq!(t.last_granted, Some(42));
        assert!(!s.tickets.get("tB").granted);
    }

    #[test]
    fn granted_ticket_leaves_scores_alone() {
        let s = unpack(&cib(
            r#"<ticket_state id="tA" granted="true"/>"#,
            r#"<rsc_ticket id="c" rsc="r1" ticket="tA"/>"#,
            false,
        ));
        assert_eq!(s.tickets.deps.len(), 1);
        assert_eq!(s.tickets.deps[0].loss, LossPolicy::Stop);
        assert!(scores(&s).iter().all(|&v| v == 0));
    }

    #[test]
    fn missing_ticket_bans_everywhere() {
        let s = unpack(&cib(
            "",
            r#"<rsc_ticket id="c" rsc="r1" ticket="tA"/>"#,
            false,
        ));
        let v = scores(&s);
        assert_eq!(v.len(), 2);
        assert!(v.iter().all(|&v| v == -crate::values::INFINITY));
    }

    #[test]
    fn promoted_role_defaults_to_demote_and_freeze_unmanages() {
        let s = unpack(&cib(
            "",
            r#"<rsc_ticket id="c" rsc="r1" rsc-role="Promoted" ticket="tA"/>
               <rsc_ticket id="d" rsc="r1" ticket="tB" loss-policy="freeze"/>"#,
            true,
        ));
        assert_eq!(s.tickets.deps[0].role, Role::Promoted);
        assert_eq!(s.tickets.deps[0].loss, LossPolicy::Demote);
        assert!(!s.rscs[0].has(RscFlags::MANAGED));
        assert!(s.rscs[0].has(RscFlags::BLOCKED));
    }
}
