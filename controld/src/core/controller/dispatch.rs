//! Turning events into FSA inputs (`controld_messages.c`,
//! `controld_callbacks.c`, `controld_control.c`).

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;

use super::{CibCallback, Command, Controller, Daemon, Event, FsaData, Register, TimerId};
use crate::core::fsa::{Actions, Cause, Input, State};
use crate::core::message::{CrmdMessage, Envelope};
use crate::core::peers::Expected;
use crate::core::te::ActionEvent;
use crate::core::version::{CRM_FEATURE_SET, feature_set_compatible};

impl Controller {
    /// Handles one event: updates what it changes and queues FSA inputs.
    pub(super) fn dispatch(&mut self, event: Event) {
        match event {
            Event::Start => {
                self.started = self.now;
                self.append(Cause::Startup, Input::Startup, FsaData::None, "crmd_init");
            }
            Event::Connected(d) => {
                match d {
                    Daemon::Cib => self.register.insert(Register::CIB_CONNECTED),
                    Daemon::Executor => self.register.insert(Register::LRM_CONNECTED),
                    Daemon::Scheduler => self.register.insert(Register::PE_CONNECTED),
                    Daemon::Cluster => {}
                }
                // A stalled start may now complete.
                self.actions.insert(Actions::NOTHING);
            }
            Event::Disconnected(d) => self.disconnected(d),
            Event::Config(opts) => {
                self.election.set_timeout(opts.election_timeout);
                self.opts = opts;
                self.register.insert(Register::READ_CONFIG);
            }
            Event::Alerts(list) => {
                tracing::info!("Read {} alert(s) from the configuration", list.len());
                self.alerts = list;
            }
            Event::Membership { members, .. } => self.membership(members),
            Event::ControllerPeers { members } => self.controller_peers(members),
            Event::Quorum { quorate } => {
                if self.quorate != quorate {
                    tracing::info!("Quorum {}", if quorate { "acquired" } else { "lost" });
                    self.quorate = quorate;
                    if self.is_dc() {
                        self.do_join_final();
                        self.abort_transition(
                            crate::core::te::SCORE_INFINITY,
                            crate::core::te::GraphNext::Restart,
                            "Quorum change",
                        );
                    }
                }
            }
            Event::Message(env) => self.message(env),
            Event::CibReply { call_id, result } => self.cib_reply(call_id, result),
            Event::CibChanged {
                config,
                ops,
                status_reason,
            } => self.cib_changed(config, &ops, status_reason),
            Event::Timer(t) => self.timer_fired(t),
            Event::SchedulerReply {
                reference,
                graph,
                source,
            } => self.scheduler_reply(reference, graph, source),
            Event::ExecResult { rsc, op } => self.exec_result(rsc, op),
            Event::Metadata { rsc, metadata } => self.metadata_known(&rsc, metadata),
            Event::FenceResult {
                action_id,
                target,
                ok,
            } => self.fence_done(action_id, &target, ok),
            Event::FenceNotify { report, ok } => {
                self.alert(&crate::core::alerts::fencing_event(&report));
                self.fence_notified(
                    &report.target,
                    &report.origin,
                    &report.client,
                    &report.delegate,
                    ok,
                );
            }
            Event::Shutdown => {
                if self.register.contains(Register::SHUTDOWN) {
                    tracing::error!("Escalating shutdown");
                    self.prepend(Cause::Shutdown, Input::Error, "crm_shutdown");
                    return;
                }
                self.register.insert(Register::SHUTDOWN);
                self.append(
                    Cause::Shutdown,
                    Input::Shutdown,
                    FsaData::None,
                    "crm_shutdown",
                );
                self.emit(Command::StartTimer {
                    timer: TimerId::ShutdownEscalation,
                    after: self.opts.shutdown_escalation,
                });
            }
        }
    }

    fn disconnected(&mut self, d: Daemon) {
        let flag = match d {
            Daemon::Cib => Some(Register::CIB_CONNECTED),
            Daemon::Executor => Some(Register::LRM_CONNECTED),
            Daemon::Scheduler => Some(Register::PE_CONNECTED),
            Daemon::Cluster => None,
        };
        let was = flag.is_none_or(|f| self.register.contains(f));
        if let Some(f) = flag {
            self.register.remove(f);
        }
        if d == Daemon::Scheduler || !was || self.register.contains(Register::SHUTDOWN) {
            return;
        }
        tracing::error!("Lost connection to {d:?}");
        self.append(
            Cause::StatusCallback,
            Input::Error,
            FsaData::None,
            "connection_destroy",
        );
    }

    fn cib_reply(&mut self, call_id: u64, result: Result<Option<Element>, CrmExit>) {
        let Some(cb) = self.cib_calls.remove(&call_id) else {
            return;
        };
        match cb {
            CibCallback::JoinQuery { join_id } => {
                self.join_query_done(call_id, join_id, result.ok().flatten())
            }
            CibCallback::FinalizeSync { from } => {
                let old = matches!(result, Err(CrmExit::Old));
                self.join_sync_done(from, result.is_ok(), old)
            }
            CibCallback::JoinAckCommit { node } => self.join_ack_committed(node, result.is_ok()),
        }
    }

    fn cib_changed(&mut self, config: bool, ops: &[ActionEvent], status_reason: Option<String>) {
        if !self.is_dc() {
            return;
        }
        self.ops_recorded(ops);
        // Outside events are remembered only within one change
        // (`controld_remove_all_outside_events()`).
        self.te.clear_outside_events();
        if config {
            self.abort_transition(
                crate::core::te::SCORE_INFINITY,
                crate::core::te::GraphNext::Restart,
                "Configuration change",
            );
        } else if let Some(why) = status_reason {
            self.abort_transition(
                crate::core::te::SCORE_INFINITY,
                crate::core::te::GraphNext::Restart,
                &why,
            );
        }
    }

    /// Routes a controller message (`handle_request()`).
    fn message(&mut self, env: Envelope) {
        if let Some(to) = &env.to {
            if !to.eq_ignore_ascii_case(&self.cfg.node_name) {
                return;
            }
        }
        if env.message.is_for_dc() && !self.is_dc() {
            tracing::trace!("Ignoring {} for the DC", env.message.task());
            return;
        }
        let from = env.from.clone();
        let ha = Cause::HaMessage;
        match &env.message {
            CrmdMessage::ShutdownReq => {
                if let Some(p) = self.peers.get_mut(&from) {
                    p.expected = Some(Expected::Down);
                }
                if self.is_dc() {
                    tracing::info!(
                        "Creating shutdown request for {from} (state={})",
                        self.state
                    );
                    self.emit(Command::UpdateAttribute {
                        node: from,
                        name: "shutdown".into(),
                        value: Some(self.epoch().to_string()),
                    });
                }
            }
            CrmdMessage::JoinAnnounce => {
                self.append(ha, Input::NodeJoin, FsaData::Message(env), "handle_request")
            }
            CrmdMessage::JoinRequest { .. } => self.append(
                ha,
                Input::JoinRequest,
                FsaData::Message(env),
                "handle_request",
            ),
            CrmdMessage::JoinConfirm { .. } => self.append(
                ha,
                Input::JoinResult,
                FsaData::Message(env),
                "handle_request",
            ),
            CrmdMessage::Shutdown => {
                let input = self.shutdown_ack(&from);
                if input != Input::Null {
                    self.append(ha, input, FsaData::None, "handle_request");
                }
            }
            CrmdMessage::Vote(_) | CrmdMessage::NoVote(_) => self.register_input(
                ha,
                Input::Null,
                FsaData::Message(env),
                Actions::ELECTION_COUNT | Actions::ELECTION_CHECK,
                false,
                "handle_request",
            ),
            CrmdMessage::JoinOffer { feature_set, .. } => {
                if !feature_set_compatible(feature_set, CRM_FEATURE_SET) {
                    tracing::error!(
                        "Local feature set ({CRM_FEATURE_SET}) is incompatible with DC's ({feature_set})"
                    );
                    self.register.insert(Register::STAYDOWN);
                    self.emit(Command::Exit(CrmExit::Fatal));
                    return;
                }
                self.append(
                    ha,
                    Input::JoinOffer,
                    FsaData::Message(env),
                    "handle_request",
                );
            }
            CrmdMessage::JoinAckNak { .. } => self.append(
                ha,
                Input::JoinResult,
                FsaData::Message(env),
                "handle_request",
            ),
            CrmdMessage::ExecRequest { action } => {
                let from_dc = self
                    .dc_name
                    .as_deref()
                    .is_some_and(|dc| dc.eq_ignore_ascii_case(&from));
                if !from_dc {
                    tracing::warn!("Ignoring executor request from {from}, which is not the DC");
                    return;
                }
                let action = action.clone();
                self.exec_graph_action(&action);
            }
            CrmdMessage::ExecAck { op } => {
                let node_id = self
                    .peers
                    .get(&from)
                    .map(|p| p.node.id.to_string())
                    .unwrap_or_default();
                if let Some(ev) = ActionEvent::from_lrm_rsc_op(op, &node_id) {
                    self.ops_recorded(&[ev]);
                }
            }
            CrmdMessage::LrmDelete { rsc, operation } => {
                let op = operation.as_ref().map(|(t, i)| (t.as_str(), *i));
                self.forget_resource(&from, &rsc.id, op);
            }
            CrmdMessage::LrmFail { rsc } => {
                let rsc = rsc.clone();
                self.fail_resource(&from, rsc);
            }
            CrmdMessage::Reprobe => self.reprobe(&from),
            CrmdMessage::RemoveNodeCache { id, name } => {
                let (id, name) = (*id, name.clone());
                self.forget_peer(id, &name);
            }
            CrmdMessage::ClusterAction {
                task,
                transition_key,
                action,
            } => {
                let (task, key, action) = (task.clone(), transition_key.clone(), action.clone());
                self.cluster_action(&from, &task, &key, &action);
            }
        }
    }

    /// `handle_shutdown_ack()` / `handle_shutdown_self_ack()`.
    fn shutdown_ack(&mut self, from: &str) -> Input {
        let from_dc = self
            .dc_name
            .as_deref()
            .is_none_or(|dc| dc.eq_ignore_ascii_case(from));
        if self.is_dc() {
            if self.register.contains(Register::SHUTDOWN) {
                tracing::info!("Shutting down controller");
                return Input::Stop;
            }
            if from_dc {
                tracing::error!(
                    "Shutting down controller immediately due to unexpected shutdown confirmation"
                );
                return Input::Terminate;
            }
            if self.state != State::Stopping {
                tracing::error!(
                    "Starting new DC election because {from} is confirming shutdown we did not request"
                );
                return Input::Election;
            }
            return Input::Null;
        }
        if from_dc {
            if self.register.contains(Register::SHUTDOWN) {
                tracing::info!("Shutting down controller after confirmation from {from}");
            } else {
                tracing::error!(
                    "Shutting down controller after unexpected shutdown request from {from}"
                );
                self.register.insert(Register::STAYDOWN);
            }
            return Input::Stop;
        }
        tracing::warn!(
            "Ignoring shutdown request from {from} because DC is {}",
            self.dc_name.as_deref().unwrap_or("(none)")
        );
        Input::Null
    }
}
