//! A node's side of the join protocol (`controld_join_client.c`): look for
//! the DC, answer its offer with our CIB generation, and confirm with our
//! operation history once accepted.

use pcmk_common::xml::Element;

use super::{CibCallback, CibOp, Command, Controller, FsaData, FsaItem, Register};
use crate::core::fsa::{Actions, Cause, Input, State};
use crate::core::message::CrmdMessage;
use crate::core::peers::Expected;
use crate::core::version::CRM_FEATURE_SET;

/// The node's join bookkeeping.
#[derive(Debug, Clone, Default)]
pub(super) struct JoinClient {
    /// The CIB query answering the latest offer, if pending.
    query_call: Option<u64>,
    /// Whether we have not joined yet since starting.
    joined_once: bool,
}

impl Controller {
    fn dc_leaving(&mut self, leaving: bool) {
        if leaving {
            if let Some(dc) = self.dc_name.clone() {
                if let Some(p) = self.peers.get_mut(&dc) {
                    p.expected = Some(Expected::Down);
                }
            }
        }
    }

    /// `do_cl_join_query()` / `do_cl_join_announce()`: look for a DC.
    ///
    /// Deviation: an announcing node also arms the DC timer. Upstream
    /// reaches `S_PENDING` from `S_NOT_DC` on an unexpected join result with
    /// no DC and no timer, and waits forever if the DC then vanishes.
    pub(super) fn do_join_announce(&mut self, query: bool) {
        if !query && self.state != State::Pending {
            tracing::warn!(
                "Not announcing cluster join because in state {}",
                self.state
            );
            return;
        }
        self.update_dc(None);
        tracing::debug!(
            "{}",
            if query {
                "Querying for a DC"
            } else {
                "Announcing availability"
            }
        );
        self.send(None, CrmdMessage::JoinAnnounce);
        if !query && !self.is_dc() {
            self.actions.insert(Actions::DC_TIMER_START);
        }
    }

    /// `do_cl_join_offer_respond()`: the DC offers a join.
    pub(super) fn do_join_offer_respond(&mut self, item: &FsaItem) {
        let FsaData::Message(env) = &item.data else {
            return;
        };
        let CrmdMessage::JoinOffer {
            join_id,
            feature_set,
            dc_leaving,
        } = &env.message
        else {
            return;
        };
        if let Some(old) = self.client.query_call.take() {
            self.cib_calls.remove(&old);
        }
        if !self.update_dc(Some((&env.from, feature_set))) {
            tracing::warn!(
                "Discarding cluster join offer from node {} (expected {})",
                env.from,
                self.dc_name.as_deref().unwrap_or("(none)")
            );
            return;
        }
        self.dc_leaving(*dc_leaving);
        let call = self.cib(
            CibOp::QueryGeneration,
            Some(CibCallback::JoinQuery { join_id: *join_id }),
        );
        self.client.query_call = call;
        self.actions.insert(Actions::DC_TIMER_STOP);
    }

    /// `join_query_callback()`: our CIB version is known; ask to join.
    pub(super) fn join_query_done(&mut self, call_id: u64, join_id: i32, cib: Option<Element>) {
        if self.client.query_call != Some(call_id) {
            tracing::trace!("Query {call_id} superseded");
            return;
        }
        self.client.query_call = None;
        let Some(cib) = cib else {
            tracing::error!("Could not retrieve version details for join-{join_id}");
            self.fsa_error(Input::Error, "join_query_callback");
            return;
        };
        let Some(dc) = self.dc_name.clone() else {
            tracing::debug!("Membership is in flux, not continuing join-{join_id}");
            return;
        };
        tracing::debug!("Responding to join offer join-{join_id} from {dc}");
        let mut generation = Element::new("generation_tuple");
        generation.attrs = cib.attrs.clone();
        self.send(
            Some(&dc),
            CrmdMessage::JoinRequest {
                join_id,
                feature_set: CRM_FEATURE_SET.into(),
                generation: Some(generation),
            },
        );
    }

    /// `do_cl_join_finalize_respond()`: the DC's answer.
    pub(super) fn do_join_result(&mut self, item: &FsaItem) {
        let FsaData::Message(env) = &item.data else {
            return;
        };
        let CrmdMessage::JoinAckNak {
            join_id,
            ack,
            feature_set,
            dc_leaving,
        } = &env.message
        else {
            return;
        };
        let from = env.from.clone();
        if !ack {
            tracing::error!(
                "Shutting down because cluster join with leader {from} failed | join-{join_id} NACK'd"
            );
            self.fsa_error(Input::Error, "do_cl_join_finalize_respond");
            self.register.insert(Register::STAYDOWN);
            return;
        }
        let local = from.eq_ignore_ascii_case(&self.cfg.node_name);
        if !self.is_dc() && local {
            tracing::warn!("Discarding our own welcome - we're no longer the DC");
            return;
        }
        if !self.update_dc(Some((&from, feature_set))) {
            tracing::warn!(
                "Discarding join_ack_nack from node {from} (expected from {})",
                self.dc_name.as_deref().unwrap_or("(none)")
            );
            return;
        }
        self.dc_leaving(*dc_leaving);
        let me = self.cfg.node_name.clone();
        self.emit(Command::UpdateAttribute {
            node: me.clone(),
            name: "#feature-set".into(),
            value: Some(CRM_FEATURE_SET.into()),
        });
        let state = self.local_executor_state();
        tracing::debug!("Confirming join-{join_id}: sending local operation history to {from}");
        if !self.client.joined_once && !self.register.contains(Register::SHUTDOWN) {
            self.client.joined_once = true;
        }
        self.send(
            Some(&from),
            CrmdMessage::JoinConfirm {
                join_id: *join_id,
                node_state: state,
            },
        );
        if !self.is_dc() {
            self.prepend(Cause::Internal, Input::NotDc, "do_cl_join_finalize_respond");
        }
    }
}
