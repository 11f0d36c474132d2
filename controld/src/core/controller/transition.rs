//! Scheduler and transition engine glue on the DC (`controld_schedulerd.c`,
//! `controld_transition.c`, `controld_te_*.c`): invoking the scheduler,
//! starting graphs, turning the engine's commands into the controller's,
//! aborting, and reacting to completion.

use pcmk_common::xml::Element;

use super::{CibOp, Command, Controller, FENCE_CLIENT, FsaData, FsaItem, Register, TimerId};
use crate::core::fsa::{Actions, Cause, Input, State};
use crate::core::history::{OpResult, RscInfo, add_resource_history};
use crate::core::keys::{ExecStatus, failcount_name, lastfailure_name};
use crate::core::message::CrmdMessage;
use crate::core::te::{
    ActionEvent, Graph, GraphNext, SCORE_INFINITY, TeCommand, TeConfig, TransitionEngine,
};

impl Controller {
    /// `do_pe_invoke()`: ask the scheduler for a transition.
    pub(super) fn do_pe_invoke(&mut self) {
        if !self.is_dc() {
            tracing::error!("Not invoking scheduler because not DC: {}", self.state);
            return;
        }
        if !self.register.contains(Register::PE_CONNECTED) {
            tracing::error!("Cannot invoke scheduler: not connected");
            return;
        }
        if !self.register.contains(Register::HAVE_CIB) {
            tracing::error!(
                "Attempted to invoke scheduler without consistent Cluster Information Base!"
            );
            self.fsa_error(Input::Election, "do_pe_invoke");
            return;
        }
        self.next_ref += 1;
        self.pe_ref = Some(self.next_ref);
        tracing::debug!("Requesting a new transition (reference {})", self.next_ref);
        self.emit(Command::InvokeScheduler {
            reference: self.next_ref,
        });
    }

    /// The scheduler answered (`handle_response()`).
    pub(super) fn scheduler_reply(&mut self, reference: u64, graph: Element, source: String) {
        if self.pe_ref != Some(reference) {
            tracing::info!("Transition calculation {reference} is obsolete");
            return;
        }
        self.append(
            Cause::IpcMessage,
            Input::PeSuccess,
            FsaData::Graph {
                reference,
                graph,
                source,
            },
            "handle_response",
        );
    }

    /// `do_te_invoke()` for `A_TE_INVOKE`, `A_TE_CANCEL` and `A_TE_HALT`.
    pub(super) fn do_te_invoke(&mut self, step: Actions, item: &FsaItem) {
        if !self.is_dc() {
            tracing::info!("Not invoking the TE because we are not the DC");
            return;
        }
        if step == Actions::TE_INVOKE && self.state != State::TransitionEngine {
            tracing::info!(
                "No need to invoke the TE ({step}) while in state {}",
                self.state
            );
            return;
        }
        if step == Actions::TE_CANCEL || step == Actions::TE_HALT {
            let (next, why) = if step == Actions::TE_CANCEL {
                (GraphNext::Restart, "Peer cancelled")
            } else {
                (GraphNext::Wait, "Peer halt")
            };
            self.abort_transition(SCORE_INFINITY, next, why);
            if !self.te.is_idle() {
                self.stall(item, step);
            }
            return;
        }
        let FsaData::Graph {
            reference,
            graph,
            source,
        } = &item.data
        else {
            tracing::error!("Bad command: no transition graph");
            self.fsa_error(Input::Fail, "do_te_invoke");
            return;
        };
        if !self.te.is_idle() {
            tracing::info!("Another transition is already active");
            self.abort_transition(SCORE_INFINITY, GraphNext::Restart, "Transition active");
            return;
        }
        if self.pe_ref != Some(*reference) {
            tracing::info!(
                "Transition is redundant: {:?} expected but {reference} received",
                self.pe_ref
            );
            self.abort_transition(SCORE_INFINITY, GraphNext::Restart, "Transition redundant");
        }
        if self.transition_timer {
            tracing::debug!("The transitioner waits for a transition timer");
            return;
        }
        match Graph::unpack(graph, source) {
            Ok(g) => {
                self.transitions += 1;
                self.te.start(g);
            }
            Err(e) => {
                tracing::error!("Invalid transition graph from {source}: {e}");
                self.fsa_error(Input::Fail, "do_te_invoke");
            }
        }
    }

    /// `abort_transition()`.
    pub(super) fn abort_transition(&mut self, priority: i32, next: GraphNext, reason: &str) {
        if matches!(
            self.state,
            State::Starting | State::Pending | State::NotDc | State::Stopping | State::Terminate
        ) {
            tracing::info!("Abort {reason} suppressed: state={}", self.state);
            return;
        }
        self.pe_ref = None;
        self.te.abort(priority, next, reason);
        if self.te.take_idle_abort().is_some() || self.te.is_idle() {
            self.restart_transition_or_calc();
        }
    }

    /// After an event given to the transition engine while no graph runs:
    /// carries out what it asked (fail-count updates), and computes a new
    /// transition if it aborted (`abort_transition()` on a complete graph).
    fn after_idle_te_event(&mut self) {
        for c in self.te.take_commands() {
            self.te_command(c);
        }
        if let Some(reason) = self.te.take_idle_abort() {
            self.abort_transition(SCORE_INFINITY, GraphNext::Restart, &reason);
        }
    }

    fn restart_transition_or_calc(&mut self) {
        if self.opts.transition_delay.is_zero() {
            self.append(
                Cause::Internal,
                Input::PeCalc,
                FsaData::None,
                "abort_transition_graph",
            );
        } else {
            self.transition_timer = true;
            self.emit(Command::StopTimer {
                timer: TimerId::TransitionDelay,
            });
            self.emit(Command::StartTimer {
                timer: TimerId::TransitionDelay,
                after: self.opts.transition_delay,
            });
        }
    }

    /// Runs the transition engine (`te_graph_trigger()`); true if it did
    /// anything.
    pub(super) fn te_trigger(&mut self) -> bool {
        if matches!(
            self.state,
            State::Starting | State::Pending | State::NotDc | State::Stopping | State::Terminate
        ) || self.te.is_idle()
        {
            return false;
        }
        let done = self.te.run();
        let cmds = self.te.take_commands();
        let busy = !cmds.is_empty() || done.is_some() || self.te.counts().fired > 0;
        for c in cmds {
            self.te_command(c);
        }
        if let Some((status, next)) = done {
            tracing::debug!("Transition is now complete ({status:?})");
            self.notify_crmd(next);
        }
        busy
    }

    /// `notify_crmd()`: the graph completed.
    fn notify_crmd(&mut self, next: GraphNext) {
        let input = match next {
            GraphNext::Wait | GraphNext::Done => {
                (self.state == State::TransitionEngine).then_some(Input::TeSuccess)
            }
            GraphNext::Restart => {
                if self.state == State::TransitionEngine {
                    if self.opts.transition_delay.is_zero() {
                        Some(Input::PeCalc)
                    } else {
                        self.restart_transition_or_calc();
                        None
                    }
                } else {
                    if self.state == State::PolicyEngine {
                        self.actions.insert(Actions::PE_INVOKE);
                    }
                    None
                }
            }
            GraphNext::Shutdown => Some(if self.register.contains(Register::SHUTDOWN) {
                Input::Stop
            } else {
                tracing::error!(
                    "We didn't ask to be shut down, yet the scheduler is telling us to"
                );
                Input::Terminate
            }),
        };
        if let Some(input) = input {
            self.append(Cause::Internal, input, FsaData::None, "notify_crmd");
        }
    }

    fn node_name_for_uuid(&self, uuid: &str) -> String {
        uuid.parse::<u32>()
            .ok()
            .and_then(|id| self.peers.by_id(id))
            .map_or_else(|| uuid.to_string(), |p| p.node.name.clone())
    }

    /// Carries out one command of the transition engine.
    fn te_command(&mut self, c: TeCommand) {
        match c {
            TeCommand::ExecResource { router, action, .. } => {
                if router.eq_ignore_ascii_case(&self.cfg.node_name) {
                    self.exec_graph_action(&action);
                } else {
                    self.send(Some(&router), CrmdMessage::ExecRequest { action });
                }
            }
            TeCommand::ClusterAction {
                router,
                task,
                action,
                transition_key,
                ..
            } => {
                let message = if task == "do_shutdown" {
                    CrmdMessage::Shutdown
                } else {
                    CrmdMessage::ClusterAction {
                        task,
                        transition_key,
                        action,
                    }
                };
                self.send(Some(&router), message);
            }
            TeCommand::Fence {
                action_id,
                target,
                op,
                timeout,
                ..
            } => self.emit(Command::Fence {
                action_id,
                target,
                op,
                timeout,
            }),
            TeCommand::StartActionTimer { action_id, after } => self.emit(Command::StartTimer {
                timer: TimerId::Action(action_id),
                after,
            }),
            TeCommand::StopActionTimer { action_id } => self.emit(Command::StopTimer {
                timer: TimerId::Action(action_id),
            }),
            TeCommand::RecordTimeout {
                action,
                transition_key,
                node,
            } => self.record_action_timeout(&action, transition_key, &node),
            TeCommand::UpdateFailcount {
                node_uuid,
                rsc,
                task,
                interval_ms,
                value,
                last_failure_only,
            } => {
                let node = self.node_name_for_uuid(&node_uuid);
                tracing::info!(
                    "Updating {} for {rsc} on {node} after failed {task}: (update={value}, time={})",
                    if last_failure_only {
                        "last failure"
                    } else {
                        "failcount"
                    },
                    self.epoch()
                );
                if !last_failure_only {
                    self.emit(Command::UpdateAttribute {
                        node: node.clone(),
                        name: failcount_name(&rsc, &task, interval_ms),
                        value: Some(value),
                    });
                }
                self.emit(Command::UpdateAttribute {
                    node,
                    name: lastfailure_name(&rsc, &task, interval_ms),
                    value: Some(self.epoch().to_string()),
                });
            }
        }
    }

    /// `controld_record_action_timeout()`: writes a timed-out result for an
    /// action whose node never answered.
    fn record_action_timeout(&mut self, action: &Element, transition_key: String, node: &str) {
        let Some(prim) = action.child("primitive") else {
            return;
        };
        let rsc = RscInfo {
            id: prim.attr("long-id").or(prim.id()).unwrap_or("").to_string(),
            standard: prim.attr("class").unwrap_or("").to_string(),
            provider: prim.attr("provider").map(str::to_string),
            kind: prim.attr("type").unwrap_or("").to_string(),
        };
        let params: std::collections::BTreeMap<String, String> = action
            .child("attributes")
            .map(|a| a.attrs.iter().cloned().collect())
            .unwrap_or_default();
        let op = OpResult {
            rsc_id: rsc.id.clone(),
            task: action.attr("operation").unwrap_or("").to_string(),
            interval_ms: params
                .get("CRM_meta_interval")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            call_id: -1,
            rc: 1,
            status: ExecStatus::Timeout,
            exit_reason: None,
            t_run: self.epoch(),
            t_rcchange: self.epoch(),
            exec_time: 0,
            queue_time: 0,
            params,
            transition_key: Some(transition_key),
        };
        let mut lrm_rsc = rsc_element(&rsc);
        add_resource_history(
            &mut lrm_rsc,
            &rsc,
            &op,
            node,
            None,
            "controld_record_action_timeout",
        );
        let node_id = action.attr("on_node_uuid").unwrap_or("").to_string();
        let state = node_state_with(&node_id, node, lrm_rsc);
        self.cib(
            CibOp::Modify {
                section: "status".into(),
                xml: state,
            },
            None,
        );
    }

    /// An action's timer fired.
    pub(super) fn action_timer_fired(&mut self, id: i32) {
        self.te.action_timeout(id);
        if self.te.is_idle() {
            self.after_idle_te_event();
        }
    }

    /// Operation results recorded in the CIB (DC only).
    pub(super) fn ops_recorded(&mut self, ops: &[ActionEvent]) {
        if !self.is_dc() {
            return;
        }
        for op in ops {
            self.te.action_event(op);
            if self.te.is_idle() {
                self.after_idle_te_event();
            }
        }
    }

    /// A fencing request finished.
    pub(super) fn fence_done(&mut self, action_id: i32, target: &str, ok: bool) {
        let mut give_up = false;
        if ok {
            self.fence_failures.remove(target);
            tracing::info!("Peer {target} was terminated (reboot) by the fencer: OK");
            self.record_fenced(target);
        } else {
            let n = self.fence_failures.entry(target.to_string()).or_default();
            *n += 1;
            tracing::error!(
                "Fencing of {target} failed ({} of at most {} attempts)",
                *n,
                self.opts.fencing_max_attempts
            );
            if *n >= self.opts.fencing_max_attempts {
                tracing::error!("Too many failures ({}) to fence {target}, giving up", *n);
                give_up = true;
            }
        }
        if self.is_dc() {
            if give_up {
                self.te.fence_result_with(action_id, false, GraphNext::Wait);
            } else {
                self.te.fence_result(action_id, ok);
            }
        }
    }

    /// The fencer reports a fencing operation that completed, whoever
    /// asked for it: this node shuts down if it was the target (it is
    /// alive, so the fencing did not work as configured); the DC records
    /// the target as down and, for an operation it did not ask for,
    /// computes a new transition.
    pub(super) fn fence_notified(
        &mut self,
        target: &str,
        origin: &str,
        client: &str,
        delegate: &str,
        ok: bool,
    ) {
        if !ok {
            tracing::info!("Fencing of {target} by {delegate} for {client}@{origin} failed");
            return;
        }
        if target.eq_ignore_ascii_case(&self.cfg.node_name) {
            tracing::error!("We were allegedly just fenced by {delegate} for {origin}!");
            self.emit(Command::Exit(pcmk_common::exit::CrmExit::Fatal));
            return;
        }
        if !self.is_dc() {
            return;
        }
        let ours = origin.eq_ignore_ascii_case(&self.cfg.node_name) && client == FENCE_CLIENT;
        if ours {
            // The transition engine hears of it through its own request.
            return;
        }
        self.fence_failures.remove(target);
        tracing::info!("Peer {target} was fenced by {delegate} for {client}@{origin}");
        self.record_fenced(target);
        self.abort_transition(
            SCORE_INFINITY,
            GraphNext::Restart,
            "External Fencing Operation",
        );
    }

    /// Records a fenced node as down in the peer cache and the CIB: not a
    /// member, not expected, no resource history or transient attributes
    /// (`send_stonith_update()`).
    fn record_fenced(&mut self, target: &str) {
        // Known down now: later node_state updates (a join round) must
        // not make it look unclean again.
        if let Some(p) = self.peers.get_mut(target)
            && !p.member
        {
            p.expected = Some(crate::core::peers::Expected::Down);
            p.join = crate::core::peers::JoinPhase::None;
        }
        let Some(p) = self.peers.get(target).cloned() else {
            return;
        };
        let mut state = Element::new("node_state")
            .with_attr("id", p.node.id.to_string())
            .with_attr("uname", p.node.name.as_str())
            .with_attr("in_ccm", "0")
            .with_attr("crmd", "0")
            .with_attr("join", "down")
            .with_attr("expected", "down");
        state.set_attr("crm-debug-origin", "send_stonith_update");
        let ops = vec![
            CibOp::Modify {
                section: "status".into(),
                xml: state,
            },
            CibOp::Delete {
                xpath: format!("//node_state[@uname='{}']/lrm", p.node.name),
            },
            CibOp::Delete {
                xpath: format!(
                    "//node_state[@uname='{}']/transient_attributes",
                    p.node.name
                ),
            },
        ];
        self.cib(CibOp::Transaction(ops), None);
    }

    /// A new DC starts with a fresh engine (a new `te_uuid` is up to the
    /// shell; the old one keeps being recognised as ours).
    #[allow(dead_code)]
    pub(super) fn reset_transition_engine(&mut self) {
        self.te = TransitionEngine::new(TeConfig {
            local_node: self.cfg.node_name.clone(),
            te_uuid: self.cfg.te_uuid.clone(),
            node_job_limit: self.opts.node_action_limit,
        });
    }
}

/// An `lrm_resource` element for `rsc`, without operations.
pub(super) fn rsc_element(rsc: &RscInfo) -> Element {
    let mut x = Element::new("lrm_resource")
        .with_attr("id", rsc.id.as_str())
        .with_attr("type", rsc.kind.as_str())
        .with_attr("class", rsc.standard.as_str());
    if let Some(p) = &rsc.provider {
        x.set_attr("provider", p.as_str());
    }
    x
}

/// `<node_state id uname><lrm id><lrm_resources>{lrm_rsc}</lrm_resources></lrm></node_state>`.
pub(super) fn node_state_with(node_id: &str, node: &str, lrm_rsc: Element) -> Element {
    Element::new("node_state")
        .with_attr("id", node_id)
        .with_attr("uname", node)
        .with_child(
            Element::new("lrm")
                .with_attr("id", node_id)
                .with_child(Element::new("lrm_resources").with_child(lrm_rsc)),
        )
}
