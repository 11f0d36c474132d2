//! The DC's side of the join protocol (`controld_join_dc.c`).
//!
//! Primer: the new DC starts a join round (`join-N`) and offers it to every
//! active node. Each node answers with a join request carrying its CIB
//! version; the DC remembers the node with the best CIB. Once every offer
//! is answered (integration), the DC has the best CIB synced to everyone,
//! then acknowledges each integrated node (finalization). Each node
//! confirms with its operation history, which the DC writes into the CIB
//! status in place of the old one. When every node has confirmed, the join
//! is final and the scheduler runs.

use std::collections::BTreeMap;

use pcmk_common::xml::Element;

use super::{CibCallback, CibOp, Controller, FsaData, FsaItem, Register};
use crate::core::fsa::{Actions, Cause, Input, State};
use crate::core::message::CrmdMessage;
use crate::core::peers::{Expected, JoinPhase};
use crate::core::version::{CRM_FEATURE_SET, feature_set_compatible};

/// The DC's join bookkeeping.
#[derive(Debug, Clone, Default)]
pub(super) struct JoinDc {
    /// The current join round.
    pub id: i32,
    /// The best CIB generation seen in this round, and who has it.
    max_generation: Option<(Element, String)>,
    /// Nodes whose CIB could not be synced, with the round.
    failed_sync: BTreeMap<String, i32>,
    /// The membership the offers were based on.
    pub membership_id: u64,
    highest_seq: u64,
}

fn generation_cmp(best: &Element, other: &Element) -> std::cmp::Ordering {
    for field in ["admin_epoch", "epoch", "num_updates"] {
        let get = |e: &Element| {
            e.attr(field)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .unwrap_or(-1)
        };
        match get(best).cmp(&get(other)) {
            std::cmp::Ordering::Equal => continue,
            o => return o,
        }
    }
    std::cmp::Ordering::Equal
}

impl Controller {
    fn we_are_leaving(&self) -> bool {
        self.register.contains(Register::SHUTDOWN)
    }

    /// Offers the current round to node `name` (`join_make_offer()`);
    /// with `only_new`, nodes already in the round are skipped.
    fn join_make_offer(&mut self, name: &str, only_new: bool) {
        let Some(peer) = self.peers.get(name).cloned() else {
            return;
        };
        let id = self.join.id;
        if !peer.is_active() {
            tracing::info!("Not making join-{id} offer to inactive node {name}");
            if peer.expected.is_none() && !peer.member {
                if let Some(p) = self.peers.get_mut(name) {
                    p.expected = Some(Expected::Down);
                }
            }
            return;
        }
        if self.join.membership_id != self.peers.seq {
            self.join.membership_id = self.peers.seq;
            tracing::info!(
                "Making join-{id} offers based on membership event {}",
                self.peers.seq
            );
        }
        if only_new && peer.join > JoinPhase::None {
            tracing::info!(
                "Not making join-{id} offer to already known node {name} ({})",
                peer.join
            );
            return;
        }
        self.peers.set_join(name, JoinPhase::None, id);
        tracing::info!("Sending join-{id} offer to {name}");
        let offer = CrmdMessage::JoinOffer {
            join_id: id,
            feature_set: CRM_FEATURE_SET.into(),
            dc_leaving: self.we_are_leaving(),
        };
        let to = peer.node.name.clone();
        self.send(Some(&to), offer);
        self.peers.set_join(name, JoinPhase::Welcomed, id);
    }

    /// `do_dc_join_offer_all()`: starts a new round.
    pub(super) fn do_join_offer_all(&mut self) {
        self.join.id = self.join.id.checked_add(1).filter(|i| *i > 0).unwrap_or(1);
        let id = self.join.id;
        tracing::debug!("Starting new join round join-{id}");
        for p in self.peers.iter_mut() {
            p.join = JoinPhase::None;
        }
        self.join.max_generation = None;
        self.register.remove(Register::HAVE_CIB);
        self.update_dc(None);
        let names: Vec<String> = self.peers.iter().map(|p| p.node.name.clone()).collect();
        for n in names {
            self.join_make_offer(&n, false);
        }
        let count = self.peers.count_phase(JoinPhase::Welcomed);
        tracing::info!("Waiting on join-{id} requests from {count} outstanding nodes");
    }

    /// `do_dc_join_offer_one()`: offers the round to a node that announced
    /// itself (or to every new node).
    pub(super) fn do_join_offer_one(&mut self, item: &FsaItem) {
        let from = match &item.data {
            FsaData::Message(env) => Some(env.from.clone()),
            _ => None,
        };
        let Some(from) = from else {
            tracing::info!(
                "Making join-{} offers to any unconfirmed nodes because an unknown node joined",
                self.join.id
            );
            let names: Vec<String> = self.peers.iter().map(|p| p.node.name.clone()).collect();
            for n in names {
                self.join_make_offer(&n, true);
            }
            self.check_join_state();
            return;
        };
        self.peers.set_join(&from, JoinPhase::None, self.join.id);
        self.join_make_offer(&from, false);
        // Re-offer to ourselves too: the DC's own history may have changed.
        let me = self.cfg.node_name.clone();
        if !from.eq_ignore_ascii_case(&me) {
            self.join_make_offer(&me, false);
        }
        self.abort_transition(
            crate::core::te::SCORE_INFINITY,
            crate::core::te::GraphNext::Restart,
            "Node join",
        );
        let count = self.peers.count_phase(JoinPhase::Welcomed);
        tracing::info!(
            "Waiting on join-{} requests from {count} outstanding nodes",
            self.join.id
        );
    }

    /// `do_dc_join_filter_offer()`: a node's join request.
    pub(super) fn do_join_process_request(&mut self, item: &FsaItem) {
        let FsaData::Message(env) = &item.data else {
            return;
        };
        let CrmdMessage::JoinRequest {
            join_id,
            feature_set,
            generation,
        } = &env.message
        else {
            return;
        };
        let from = env.from.clone();
        if *join_id != self.join.id {
            tracing::debug!(
                "Ignoring join-{join_id} request from {from} because we are on join-{}",
                self.join.id
            );
            self.check_join_state();
            return;
        }
        let cmp = match (&self.join.max_generation, generation) {
            (Some((best, _)), Some(g)) => generation_cmp(best, g),
            _ => std::cmp::Ordering::Equal,
        };
        let local = from.eq_ignore_ascii_case(&self.cfg.node_name);
        let accept = if let Some(round) = self.join.failed_sync.get(&from.to_ascii_lowercase()) {
            tracing::error!(
                "Rejecting join-{join_id} request from node {from} because we failed to sync its CIB in join-{round}"
            );
            false
        } else if !self.peers.is_active(&from) {
            tracing::error!("Rejecting join-{join_id} request from inactive node {from}");
            false
        } else if generation.is_none() {
            tracing::error!(
                "Rejecting invalid join-{join_id} request from node {from} missing CIB generation"
            );
            false
        } else if !feature_set_compatible(CRM_FEATURE_SET, feature_set) {
            tracing::error!(
                "Rejecting join-{join_id} request from node {from} because feature set {feature_set} is incompatible with ours ({CRM_FEATURE_SET})"
            );
            false
        } else if self.join.max_generation.is_none()
            || cmp == std::cmp::Ordering::Less
            || (cmp == std::cmp::Ordering::Equal && local)
        {
            tracing::debug!(
                "Accepting join-{join_id} request from {from} (with better CIB generation)"
            );
            if let Some(g) = generation {
                self.join.max_generation = Some((g.clone(), from.clone()));
            }
            true
        } else {
            tracing::debug!("Accepting join-{join_id} request from {from}");
            true
        };
        let (phase, expected) = if accept {
            (JoinPhase::Integrated, Expected::Member)
        } else {
            (JoinPhase::Nack, Expected::Nack)
        };
        // Deviation: a node that already finished this round but asks again
        // (it answered a second, stale offer of the same round and is back
        // in S_PENDING) is integrated afresh; upstream refuses the phase
        // change and the node waits for a DC that never answers.
        let current = self.peers.get(&from).map(|p| p.join);
        if accept && current.is_some_and(|p| p > JoinPhase::Integrated) {
            tracing::info!("Re-integrating {from}, which asked to join join-{join_id} again");
            self.peers.set_join(&from, JoinPhase::None, *join_id);
            self.peers.set_join(&from, JoinPhase::Welcomed, *join_id);
        }
        self.peers.set_join(&from, phase, *join_id);
        if let Some(p) = self.peers.get_mut(&from) {
            p.expected = Some(expected);
        }
        self.check_join_state();
    }

    /// `do_dc_join_finalize()`: every offer is answered; sync the best CIB.
    pub(super) fn do_join_finalize(&mut self, item: &FsaItem, step: Actions) {
        let welcomed = self.peers.count_phase(JoinPhase::Welcomed);
        let finalizable =
            self.peers.count_phase(JoinPhase::Integrated) + self.peers.count_phase(JoinPhase::Nack);
        let id = self.join.id;
        if welcomed != 0 {
            tracing::debug!(
                "Waiting on join-{id} requests from {welcomed} outstanding nodes before finalizing join"
            );
            return;
        }
        if finalizable == 0 {
            tracing::debug!("Finalization not needed for join-{id} at the current time");
            self.check_join_state();
            return;
        }
        self.register.remove(Register::HAVE_CIB);
        let best_from = self.join.max_generation.as_ref().map(|(_, f)| f.clone());
        let local_best = best_from
            .as_deref()
            .is_none_or(|f| f.eq_ignore_ascii_case(&self.cfg.node_name));
        if local_best {
            self.register.insert(Register::HAVE_CIB);
        }
        if !self.te.is_idle() {
            tracing::warn!("Delaying join-{id} finalization while transition in progress");
            self.stall(item, step);
            return;
        }
        let sync_from = if local_best {
            self.cfg.node_name.clone()
        } else {
            best_from.unwrap_or_default()
        };
        let best_gen = self.join.max_generation.as_ref().map(|(g, _)| g.clone());
        let attr = |name: &str| {
            best_gen
                .as_ref()
                .and_then(|g| g.attr(name))
                .unwrap_or("0")
                .to_string()
        };
        tracing::info!(
            "Finalizing join-{id} for {finalizable} nodes (sync'ing CIB {}.{}.{} with schema {} and feature set {} from {sync_from})",
            attr("admin_epoch"),
            attr("epoch"),
            attr("num_updates"),
            best_gen
                .as_ref()
                .and_then(|g| g.attr("validate-with"))
                .unwrap_or("(none)"),
            best_gen
                .as_ref()
                .and_then(|g| g.attr("crm_feature_set"))
                .unwrap_or("(none)"),
        );
        self.cib(
            CibOp::SyncFrom {
                node: sync_from.clone(),
            },
            Some(CibCallback::FinalizeSync { from: sync_from }),
        );
    }

    /// `finalize_sync_callback()`.
    pub(super) fn join_sync_done(&mut self, from: String, ok: bool, old_data: bool) {
        let id = self.join.id;
        if !ok {
            tracing::error!("Could not sync CIB from {from} in join-{id}");
            if !old_data {
                self.join.failed_sync.insert(from.to_ascii_lowercase(), id);
            }
            self.fsa_error(Input::ElectionDc, "finalize_sync_callback");
            return;
        }
        if !self.is_dc() || self.state != State::FinalizeJoin {
            tracing::debug!("Sync'ed CIB for join-{id} but no longer DC or in S_FINALIZE_JOIN");
            return;
        }
        self.register.insert(Register::HAVE_CIB);
        if self.check_join_state() {
            return;
        }
        let names: Vec<String> = self.peers.iter().map(|p| p.node.name.clone()).collect();
        for n in names {
            self.finalize_join_for(&n);
        }
    }

    /// `finalize_join_for()`: acknowledges (or refuses) one node.
    fn finalize_join_for(&mut self, name: &str) {
        let Some(peer) = self.peers.get(name).cloned() else {
            return;
        };
        let integrated = match peer.join {
            JoinPhase::Integrated => true,
            JoinPhase::Nack => false,
            _ => return,
        };
        let node = Element::new("node")
            .with_attr("id", peer.node.id.to_string())
            .with_attr("uname", peer.node.name.as_str());
        self.cib(
            CibOp::Modify {
                section: "nodes".into(),
                xml: node,
            },
            None,
        );
        if !peer.is_active() {
            if let Some(p) = self.peers.get_mut(name) {
                p.expected = Some(Expected::Pending);
            }
            return;
        }
        if integrated {
            self.peers
                .set_join(name, JoinPhase::Finalized, self.join.id);
            if let Some(p) = self.peers.get_mut(name) {
                p.expected = Some(Expected::Member);
            }
        }
        let msg = CrmdMessage::JoinAckNak {
            join_id: self.join.id,
            ack: integrated,
            feature_set: CRM_FEATURE_SET.into(),
            dc_leaving: self.we_are_leaving(),
        };
        self.send(Some(&peer.node.name), msg);
    }

    /// `do_dc_join_ack()`: a node confirms; its history replaces the old.
    pub(super) fn do_join_process_ack(&mut self, item: &FsaItem) {
        let FsaData::Message(env) = &item.data else {
            return;
        };
        let CrmdMessage::JoinConfirm {
            join_id,
            node_state,
        } = &env.message
        else {
            return;
        };
        let from = env.from.clone();
        let phase = self.peers.get(&from).map_or(JoinPhase::None, |p| p.join);
        if phase != JoinPhase::Finalized {
            tracing::info!(
                "Ignoring out-of-sequence join-{join_id} confirmation from {from} (currently {phase} not finalized)"
            );
            return;
        }
        if *join_id != self.join.id {
            tracing::error!(
                "Rejecting join-{join_id} confirmation from {from} because currently on join-{}",
                self.join.id
            );
            self.peers.set_join(&from, JoinPhase::Nack, *join_id);
            return;
        }
        self.peers.set_join(&from, JoinPhase::Confirmed, *join_id);
        let node_id = self
            .peers
            .get(&from)
            .map(|p| p.node.id.to_string())
            .unwrap_or_default();
        // Our own history is freshest in our own cache.
        let state = if from.eq_ignore_ascii_case(&self.cfg.node_name) {
            self.local_executor_state()
        } else {
            node_state.clone()
        };
        let mut ops = vec![CibOp::Delete {
            xpath: format!("//node_state[@uname='{from}']/lrm"),
        }];
        if let Some(state) = state {
            ops.push(CibOp::Modify {
                section: "status".into(),
                xml: state,
            });
        }
        tracing::debug!(
            "Updating node history for {from} (id {node_id}) from join-{join_id} confirmation"
        );
        self.cib(
            CibOp::Transaction(ops),
            Some(CibCallback::JoinAckCommit { node: from }),
        );
    }

    /// `join_node_state_commit_callback()`.
    pub(super) fn join_ack_committed(&mut self, node: String, ok: bool) {
        if !ok {
            tracing::error!(
                "join-{} node history update for node {node} failed",
                self.join.id
            );
            self.fsa_error(Input::Error, "join_node_state_commit_callback");
        }
        self.check_join_state();
    }

    /// `do_dc_join_final()`: the join is done; record quorum.
    pub(super) fn do_join_final(&mut self) {
        tracing::debug!("Ensuring DC, quorum, and node attributes are up to date");
        let cib = Element::new("cib")
            .with_attr("have-quorum", if self.quorate { "1" } else { "0" })
            .with_attr("dc-uuid", self.cfg.node_id.to_string());
        self.cib(
            CibOp::Modify {
                section: "cib".into(),
                xml: cib,
            },
            None,
        );
    }

    /// `check_join_state()`: raises `I_INTEGRATED`, `I_FINALIZED` or a new
    /// join as the counts allow; true when it raised something final.
    pub(super) fn check_join_state(&mut self) -> bool {
        let id = self.join.id;
        if self.join.membership_id != self.peers.seq {
            tracing::debug!(
                "join-{id}: Membership changed from {} to {}",
                self.join.membership_id,
                self.peers.seq
            );
            if self.join.highest_seq < self.peers.seq {
                self.join.highest_seq = self.peers.seq;
                self.prepend(Cause::Internal, Input::NodeJoin, "check_join_state");
            }
            return false;
        }
        match self.state {
            State::Integration if self.peers.count_phase(JoinPhase::Welcomed) == 0 => {
                let n = self.peers.count_phase(JoinPhase::Integrated);
                tracing::debug!("join-{id}: Integration of {n} peers complete");
                self.prepend(Cause::Internal, Input::Integrated, "check_join_state");
                return true;
            }
            State::FinalizeJoin => {
                if !self.register.contains(Register::HAVE_CIB) {
                    tracing::debug!("join-{id}: Delaying finalization until we have CIB");
                    return true;
                }
                let waiting = [
                    JoinPhase::Welcomed,
                    JoinPhase::Integrated,
                    JoinPhase::Finalized,
                ]
                .into_iter()
                .map(|p| (p, self.peers.count_phase(p)))
                .find(|(_, n)| *n > 0);
                if let Some((p, n)) = waiting {
                    tracing::debug!("join-{id}: Still waiting on {n} {p} nodes");
                } else {
                    tracing::debug!("join-{id}: Complete");
                    self.append(
                        Cause::Internal,
                        Input::Finalized,
                        FsaData::None,
                        "check_join_state",
                    );
                    return true;
                }
            }
            _ => {}
        }
        false
    }

    /// `check_join_counts()` on entering `S_POLICY_ENGINE`.
    pub(super) fn check_join_counts(&mut self) {
        let finalized = self.peers.count_phase(JoinPhase::Finalized);
        if finalized > 0 {
            tracing::error!("{finalized} cluster nodes failed to confirm join");
            return;
        }
        let active = self.peers.active_count();
        let confirmed = self.peers.count_phase(JoinPhase::Confirmed);
        if confirmed == active {
            tracing::debug!("All {active} active cluster nodes are fully joined");
        } else if confirmed > active {
            tracing::error!(
                "New election needed because more nodes confirmed join than are in membership ({confirmed} > {active})"
            );
            self.append(
                Cause::Internal,
                Input::Election,
                FsaData::None,
                "check_join_counts",
            );
        } else if self.join.membership_id != self.peers.seq {
            tracing::info!(
                "New join needed because membership changed ({} -> {})",
                self.join.membership_id,
                self.peers.seq
            );
            self.prepend(Cause::Internal, Input::NodeJoin, "check_join_counts");
        } else {
            tracing::warn!(
                "Only {confirmed} of {active} active cluster nodes fully joined ({} did not respond to offer)",
                self.peers.count_phase(JoinPhase::Welcomed)
            );
        }
    }
}
