//! The FSA's action handlers that are not about elections, joins or
//! transitions: logging, start-up and connections, timers, recovery,
//! shutdown and exit (`controld_control.c`, `controld_timers.c`).

use pcmk_common::exit::CrmExit;

use super::{Command, Controller, Daemon, FsaItem, Register, TimerId};
use crate::core::fsa::{Actions, Cause, Input, State};

impl Controller {
    /// Runs one FSA action (one entry of the priority list).
    pub(super) fn do_action(&mut self, step: Actions, item: &FsaItem) {
        match step {
            a if a == Actions::ERROR || a == Actions::WARN || a == Actions::LOG => {
                self.log_input(a, item)
            }
            a if a == Actions::EXIT_1 => self.do_exit(CrmExit::Error),
            a if a == Actions::EXIT_0 => self.do_exit(CrmExit::OK),
            a if a == Actions::O_LRM_RECONNECT => {
                self.register.remove(Register::LRM_CONNECTED);
                self.emit(Command::Disconnect(Daemon::Executor));
                self.emit(Command::Connect(Daemon::Executor));
            }
            a if a == Actions::O_CIB_RESTART => {
                self.register.remove(Register::CIB_CONNECTED);
                self.emit(Command::Disconnect(Daemon::Cib));
                self.emit(Command::Connect(Daemon::Cib));
            }
            a if a == Actions::O_PE_RESTART || a == Actions::PE_START => {
                self.register.insert(Register::PE_CONNECTED);
            }
            a if a == Actions::O_TE_RESTART || a == Actions::TE_START => {
                self.register.insert(Register::TE_CONNECTED);
            }
            a if a == Actions::PE_STOP => {
                self.register.remove(Register::PE_CONNECTED);
                self.pe_ref = None;
            }
            a if a == Actions::TE_STOP => self.register.remove(Register::TE_CONNECTED),
            a if a == Actions::STARTUP => {}
            a if a == Actions::CIB_START => self.emit(Command::Connect(Daemon::Cib)),
            a if a == Actions::CIB_STOP => {
                self.register.remove(Register::CIB_CONNECTED);
                self.emit(Command::Disconnect(Daemon::Cib));
            }
            a if a == Actions::HA_CONNECT => self.emit(Command::Connect(Daemon::Cluster)),
            a if a == Actions::HA_DISCONNECT => self.emit(Command::Disconnect(Daemon::Cluster)),
            a if a == Actions::READCONFIG => self.emit(Command::ReadConfig),
            a if a == Actions::LRM_CONNECT => self.emit(Command::Connect(Daemon::Executor)),
            a if a == Actions::LRM_DISCONNECT => {
                self.register.remove(Register::LRM_CONNECTED);
                self.emit(Command::Disconnect(Daemon::Executor));
            }
            a if a == Actions::STARTED => self.do_started(item),
            a if a == Actions::DC_TIMER_STOP => self.stop_timer(TimerId::DcDeadtime),
            a if a == Actions::DC_TIMER_START => self.start_dc_timer(),
            a if a == Actions::INTEGRATE_TIMER_STOP => self.stop_timer(TimerId::Integration),
            a if a == Actions::INTEGRATE_TIMER_START => {
                let after = self.opts.join_integration_timeout;
                self.emit(Command::StartTimer {
                    timer: TimerId::Integration,
                    after,
                });
            }
            a if a == Actions::FINALIZE_TIMER_STOP => self.stop_timer(TimerId::Finalization),
            a if a == Actions::FINALIZE_TIMER_START => {
                let after = self.opts.join_finalization_timeout;
                self.emit(Command::StartTimer {
                    timer: TimerId::Finalization,
                    after,
                });
            }
            a if a == Actions::MSG_ROUTE => {}
            a if a == Actions::RECOVER => {
                tracing::warn!("Fast-tracking shutdown in response to errors");
                self.register.insert(Register::IN_RECOVERY);
                self.append(
                    Cause::Internal,
                    Input::Terminate,
                    super::FsaData::None,
                    "do_recover",
                );
            }
            a if a == Actions::SHUTDOWN_REQ => {
                tracing::info!(
                    "Sending shutdown request to all peers (DC is {})",
                    self.dc_name.as_deref().unwrap_or("not set")
                );
                self.register.insert(Register::SHUTDOWN);
                self.send(None, crate::core::message::CrmdMessage::ShutdownReq);
            }
            a if a == Actions::SHUTDOWN => {
                tracing::info!("Disconnecting from the fencer");
            }
            a if a == Actions::STOP => {
                self.append(
                    Cause::Internal,
                    Input::Terminate,
                    super::FsaData::None,
                    "do_stop",
                );
            }
            a if a == Actions::ELECTION_VOTE || a == Actions::ELECTION_START => {
                self.do_election_vote()
            }
            a if a == Actions::ELECTION_COUNT => self.do_election_count(item),
            a if a == Actions::ELECTION_CHECK => self.do_election_check(),
            a if a == Actions::DC_TAKEOVER => self.do_dc_takeover(),
            a if a == Actions::DC_RELEASE => self.do_dc_release(),
            a if a == Actions::DC_RELEASED => self.do_dc_released(),
            a if a == Actions::DC_JOIN_OFFER_ALL => self.do_join_offer_all(),
            a if a == Actions::DC_JOIN_OFFER_ONE => self.do_join_offer_one(item),
            a if a == Actions::DC_JOIN_PROCESS_REQ => self.do_join_process_request(item),
            a if a == Actions::DC_JOIN_FINALIZE => self.do_join_finalize(item, step),
            a if a == Actions::DC_JOIN_PROCESS_ACK => self.do_join_process_ack(item),
            a if a == Actions::DC_JOIN_FINAL => self.do_join_final(),
            a if a == Actions::CL_JOIN_QUERY || a == Actions::CL_JOIN_ANNOUNCE => {
                self.do_join_announce(a == Actions::CL_JOIN_QUERY)
            }
            a if a == Actions::CL_JOIN_REQUEST => self.do_join_offer_respond(item),
            a if a == Actions::CL_JOIN_RESULT => self.do_join_result(item),
            a if a == Actions::TE_HALT || a == Actions::TE_CANCEL || a == Actions::TE_INVOKE => {
                self.do_te_invoke(step, item)
            }
            a if a == Actions::PE_INVOKE => self.do_pe_invoke(),
            other => {
                tracing::error!("Action {other} not supported");
                self.fsa_error(Input::Error, "s_crmd_fsa_actions");
            }
        }
    }

    fn stop_timer(&mut self, timer: TimerId) {
        self.emit(Command::StopTimer { timer });
    }

    /// Arms the DC timer; a DC re-arming it calls an election to make sure
    /// it is the only one.
    fn start_dc_timer(&mut self) {
        let mut after = self.opts.dc_deadtime;
        if let Some(expected) = self.cfg.expected_nodes {
            if self.peers.active_count() >= expected && self.cfg.quick_formation < after {
                // Every configured node is here: no need to wait for
                // stragglers, only for a DC that might answer our announce.
                after = self.cfg.quick_formation;
            }
        }
        self.emit(Command::StartTimer {
            timer: TimerId::DcDeadtime,
            after,
        });
        if self.is_dc() {
            self.append(
                Cause::Internal,
                Input::Election,
                super::FsaData::None,
                "do_timer_control",
            );
        }
    }

    /// `do_started()`: start-up is done once every connection is up and
    /// membership is known; otherwise wait.
    fn do_started(&mut self, item: &FsaItem) {
        if self.state != State::Starting {
            tracing::error!("Start cancelled: current state is {}", self.state);
            return;
        }
        let needs = [
            (Register::MEMBERSHIP, "no membership data"),
            (Register::LRM_CONNECTED, "not connected to executor"),
            (Register::CIB_CONNECTED, "not connected to CIB manager"),
            (Register::READ_CONFIG, "config not read"),
            (Register::PEER_DATA, "no peer data"),
        ];
        for (flag, why) in needs {
            if !self.register.contains(flag) {
                tracing::info!("Delaying start: {why}");
                self.stall(item, Actions::STARTED);
                return;
            }
        }
        tracing::info!("Pacemaker controller successfully started and accepting connections");
        self.append(
            item.cause,
            Input::Pending,
            super::FsaData::None,
            "do_started",
        );
    }

    fn do_exit(&mut self, mut code: CrmExit) {
        if code == CrmExit::Error {
            tracing::error!("Exiting now due to errors");
        }
        if self.register.contains(Register::STAYDOWN) {
            code = CrmExit::Fatal;
        } else if code == CrmExit::OK && self.register.contains(Register::IN_RECOVERY) {
            code = CrmExit::Error;
        }
        self.emit(Command::Exit(code));
        self.actions = Actions::NOTHING;
        self.queue.clear();
        self.stalled = true;
    }

    /// A timer fired (`crm_timer_popped()`).
    pub(super) fn timer_fired(&mut self, timer: TimerId) {
        match timer {
            TimerId::DcDeadtime => self.append(
                Cause::TimerPopped,
                Input::DcTimeout,
                super::FsaData::None,
                "crm_timer_popped",
            ),
            TimerId::Election => {
                tracing::info!("Declaring local node as winner after election timed out");
                self.election.timed_out();
                self.append(
                    Cause::Internal,
                    Input::ElectionDc,
                    super::FsaData::None,
                    "election_timer_cb",
                );
            }
            TimerId::Integration => {
                let welcomed = self
                    .peers
                    .count_phase(crate::core::peers::JoinPhase::Welcomed);
                let integrated = self
                    .peers
                    .count_phase(crate::core::peers::JoinPhase::Integrated);
                tracing::info!("Welcomed: {welcomed}, Integrated: {integrated}");
                if welcomed == 0 {
                    self.fsa_error(Input::Election, "crm_timer_popped");
                } else {
                    self.prepend(Cause::TimerPopped, Input::Integrated, "crm_timer_popped");
                }
            }
            TimerId::Finalization => {
                if self.state == State::FinalizeJoin {
                    self.append(
                        Cause::TimerPopped,
                        Input::Election,
                        super::FsaData::None,
                        "crm_timer_popped",
                    );
                }
            }
            TimerId::TransitionDelay => {
                self.transition_timer = false;
                self.append(
                    Cause::TimerPopped,
                    Input::PeCalc,
                    super::FsaData::None,
                    "crm_timer_popped",
                );
            }
            TimerId::Recheck => {
                if self.state == State::Idle {
                    self.append(
                        Cause::TimerPopped,
                        Input::PeCalc,
                        super::FsaData::None,
                        "crm_timer_popped",
                    );
                }
            }
            TimerId::ShutdownEscalation => {
                tracing::error!("Shutdown escalation occurred");
                self.append(
                    Cause::TimerPopped,
                    Input::Stop,
                    super::FsaData::None,
                    "crm_timer_popped",
                );
            }
            TimerId::Action(id) => self.action_timer_fired(id),
        }
    }
}
