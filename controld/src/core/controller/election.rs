//! Election glue (`controld_election.c`): voting, counting, taking over and
//! releasing the DC role.

use pcmk_common::xml::Element;

use super::{CibOp, Command, Controller, FsaData, FsaItem, Register, TimerId};
use crate::core::election::{Ballot, CountContext, ElectionState, age_of};
use crate::core::fsa::{Cause, Input, State};
use crate::core::message::CrmdMessage;
use crate::core::peers::Expected;
use crate::core::version::CRM_FEATURE_SET;

impl Controller {
    /// `do_election_vote()`.
    pub(super) fn do_election_vote(&mut self) {
        match self.state {
            State::Starting | State::Recovery | State::Stopping | State::Terminate => {
                tracing::warn!("Not voting in election, we're in state {}", self.state);
                let input = if self.is_dc() {
                    Input::ReleaseDc
                } else {
                    Input::Pending
                };
                self.append(Cause::Internal, input, FsaData::None, "do_election_vote");
                return;
            }
            State::Election | State::Integration | State::ReleaseDc => {}
            other => tracing::error!("Bug: Voting in DC election in unexpected state {other}"),
        }
        if !self.peers.is_active(&self.cfg.node_name) {
            tracing::trace!("Cannot vote yet: local node not connected to cluster");
            return;
        }
        let age = age_of(self.now.since(self.started));
        let vote = self
            .election
            .vote(&self.cfg.node_name, &self.cfg.node_id.to_string(), age);
        tracing::debug!("Started election round {}", vote.election_id);
        self.send(None, CrmdMessage::Vote(vote));
        let after = self.election.timeout();
        self.emit(Command::StartTimer {
            timer: TimerId::Election,
            after,
        });
    }

    /// `do_election_count_vote()`.
    pub(super) fn do_election_count(&mut self, item: &FsaItem) {
        let FsaData::Message(env) = &item.data else {
            return;
        };
        let ballot = match &env.message {
            CrmdMessage::Vote(v) => Ballot::Vote(v.clone()),
            CrmdMessage::NoVote(n) => Ballot::NoVote(n.clone()),
            _ => return,
        };
        let our_id = self.cfg.node_id.to_string();
        let ctx = CountContext {
            our_name: &self.cfg.node_name,
            our_id: &our_id,
            our_age: age_of(self.now.since(self.started)),
            can_win: self.state != State::Starting,
            we_are_active: self.peers.is_active(&self.cfg.node_name),
            sender_is_active: self.peers.is_active(&env.from),
            known_peers: self.peers.iter().count(),
        };
        let outcome = self.election.count(&ballot, ctx, self.now);
        tracing::info!("{}", outcome.reason);
        if let Some(no) = outcome.reply {
            let to = no.to.clone();
            self.send(Some(&to), CrmdMessage::NoVote(no));
        }
        match outcome.state {
            ElectionState::Start => {
                self.election.reset();
                self.append(
                    Cause::Internal,
                    Input::Election,
                    FsaData::None,
                    "do_election_count_vote",
                );
            }
            ElectionState::Lost => {
                self.update_dc(None);
                if self.is_dc() {
                    self.append(
                        Cause::Internal,
                        Input::ReleaseDc,
                        FsaData::None,
                        "do_election_count_vote",
                    );
                } else if self.state != State::Starting {
                    self.append(
                        Cause::Internal,
                        Input::Pending,
                        FsaData::None,
                        "do_election_count_vote",
                    );
                }
            }
            _ => {}
        }
    }

    /// `do_election_check()`.
    pub(super) fn do_election_check(&mut self) {
        if self.state != State::Election {
            tracing::debug!("Ignoring election check because we are not in an election");
            return;
        }
        if self.election.check(self.peers.active_count()) {
            self.emit(Command::StopTimer {
                timer: TimerId::Election,
            });
            self.append(
                Cause::Internal,
                Input::ElectionDc,
                FsaData::None,
                "election_win_cb",
            );
        }
    }

    /// `do_dc_takeover()`.
    pub(super) fn do_dc_takeover(&mut self) {
        tracing::info!("Taking over DC status for this partition");
        self.register.insert(Register::THE_DC);
        self.election.reset();
        let cib = Element::new("cib").with_attr("crm_feature_set", CRM_FEATURE_SET);
        self.cib(
            CibOp::Modify {
                section: "cib".into(),
                xml: cib,
            },
            None,
        );
        let mut props =
            Element::new("cluster_property_set").with_attr("id", "cib-bootstrap-options");
        let mut nv = |name: &str, value: &str| {
            props.push(
                Element::new("nvpair")
                    .with_attr("id", format!("cib-bootstrap-options-{name}"))
                    .with_attr("name", name)
                    .with_attr("value", value),
            );
        };
        nv(
            "dc-version",
            concat!("pacemaker-rs ", env!("CARGO_PKG_VERSION")),
        );
        nv("cluster-infrastructure", "corosync");
        if let Some(name) = self.opts.cluster_name.clone() {
            nv("cluster-name", &name);
        }
        self.cib(
            CibOp::Modify {
                section: "crm_config".into(),
                xml: props,
            },
            None,
        );
    }

    /// `do_dc_release()` for `A_DC_RELEASE`.
    pub(super) fn do_dc_release(&mut self) {
        tracing::debug!("Releasing the role of DC");
        self.register.remove(Register::THE_DC);
        self.pe_ref = None;
    }

    /// `do_dc_release()` for `A_DC_RELEASED`.
    pub(super) fn do_dc_released(&mut self) {
        tracing::info!("DC role released");
        if self.register.contains(Register::SHUTDOWN) {
            let name = self.cfg.node_name.clone();
            if let Some(p) = self.peers.get_mut(&name) {
                p.expected = Some(Expected::Down);
            }
            if let Some(state) = self.node_state_xml(&name, false, false, false, true) {
                self.cib(
                    CibOp::Modify {
                        section: "status".into(),
                        xml: state,
                    },
                    None,
                );
            }
        }
        self.append(
            Cause::Internal,
            Input::ReleaseSuccess,
            FsaData::None,
            "do_dc_release",
        );
    }
}
