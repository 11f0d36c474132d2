//! Membership and peer status (`controld_membership.c`,
//! `peer_update_callback()` in controld_callbacks.c): the peer cache, the
//! reactions to nodes and controllers coming and going, and `node_state`
//! entries in the CIB status.

use pcmk_common::xml::Element;

use super::{CibOp, Controller, FsaData, Register};
use crate::core::alerts::node_event;
use crate::core::fsa::{Cause, Input, State};
use crate::core::peers::{JoinPhase, NodeRef};

impl Controller {
    /// The cluster layer's membership changed.
    pub(super) fn membership(&mut self, members: Vec<NodeRef>) {
        self.register.insert(Register::MEMBERSHIP);
        let now = self.epoch();
        let mut lost = Vec::new();
        let mut changed = false;
        let mut joined = Vec::new();
        for n in &members {
            let p = self.peers.entry(n);
            if !p.member {
                p.member = true;
                p.when_member = now;
                changed = true;
                joined.push(p.node.clone());
            }
        }
        for p in self.peers.iter_mut() {
            let still = members
                .iter()
                .any(|m| m.name.eq_ignore_ascii_case(&p.node.name));
            if p.member && !still {
                p.member = false;
                p.when_member = 0;
                lost.push(p.node.clone());
                changed = true;
            }
        }
        if changed {
            self.peers.seq += 1;
        }
        for n in &joined {
            self.alert(&node_event(&n.name, n.id, true));
        }
        for n in &lost {
            self.alert(&node_event(&n.name, n.id, false));
        }
        for n in lost {
            tracing::info!("Cluster node {} is now lost (was member)", n.name);
            self.peer_lost(&n);
        }
    }

    /// The controllers in the CPG group changed.
    pub(super) fn controller_peers(&mut self, members: Vec<NodeRef>) {
        self.register.insert(Register::PEER_DATA);
        let now = self.epoch();
        let mut appeared = Vec::new();
        let mut gone = Vec::new();
        for n in &members {
            let p = self.peers.entry(n);
            if !p.controller {
                p.controller = true;
                p.when_online = now;
                appeared.push(n.clone());
            }
        }
        for p in self.peers.iter_mut() {
            let still = members
                .iter()
                .any(|m| m.name.eq_ignore_ascii_case(&p.node.name));
            if p.controller && !still {
                p.controller = false;
                p.when_online = 0;
                gone.push(p.node.clone());
            }
        }
        if !appeared.is_empty() || !gone.is_empty() {
            self.peers.seq += 1;
        }
        for n in gone {
            tracing::info!("Node {} is no longer a peer", n.name);
            self.peer_lost(&n);
        }
        for n in appeared {
            tracing::info!("Node {} is now a peer", n.name);
            self.peer_appeared(&n);
        }
    }

    fn peer_lost(&mut self, n: &NodeRef) {
        self.election.remove_voter(&n.name);
        if self
            .dc_name
            .as_deref()
            .is_some_and(|dc| dc.eq_ignore_ascii_case(&n.name))
        {
            // The DC we may have lost an election to is gone.
            self.election.clear_dampening();
        }
        if !self.register.contains(Register::CIB_CONNECTED) || self.state == State::Stopping {
            return;
        }
        if n.name.eq_ignore_ascii_case(&self.cfg.node_name) {
            tracing::info!("Our peer connection failed");
            self.append(
                Cause::StatusCallback,
                Input::Error,
                FsaData::None,
                "peer_update_callback",
            );
            return;
        }
        if self
            .dc_name
            .as_deref()
            .is_some_and(|dc| dc.eq_ignore_ascii_case(&n.name))
        {
            tracing::info!("Our peer on the DC ({}) is dead", n.name);
            self.append(
                Cause::StatusCallback,
                Input::Election,
                FsaData::None,
                "peer_update_callback",
            );
            return;
        }
        if self.is_dc() {
            if let Some(p) = self.peers.get_mut(&n.name) {
                p.join = JoinPhase::None;
            }
            let uuids = self
                .peers
                .iter()
                .map(|p| (p.node.name.clone(), p.node.id.to_string()))
                .collect();
            self.te.node_down(&n.id.to_string(), &uuids);
            if let Some(state) = self.node_state_xml(&n.name, true, true, true, true) {
                self.cib(
                    CibOp::Modify {
                        section: "status".into(),
                        xml: state,
                    },
                    None,
                );
            }
            self.check_join_state();
        }
    }

    /// Forgets a node that left for good (`crm_node -R`): only a node
    /// that is not an active member can be forgotten.
    pub(super) fn forget_peer(&mut self, id: u32, name: &str) {
        let known = match self.peers.get(name) {
            Some(p) => Some(p.clone()),
            None => self.peers.by_id(id).filter(|_| id != 0).cloned(),
        };
        let Some(peer) = known else {
            tracing::info!("No node {name} (id {id}) to forget");
            return;
        };
        if peer.member || peer.controller {
            tracing::warn!(
                "Not forgetting node {} (id {}): it is still in the cluster",
                peer.node.name,
                peer.node.id
            );
            return;
        }
        tracing::info!("Forgetting node {} (id {})", peer.node.name, peer.node.id);
        self.peers.remove(&peer.node.name);
        self.election.remove_voter(&peer.node.name);
    }

    fn peer_appeared(&mut self, n: &NodeRef) {
        if !self.register.contains(Register::CIB_CONNECTED) || self.state == State::Stopping {
            return;
        }
        if self.is_dc() && self.peers.is_active(&n.name) {
            self.prepend(Cause::Internal, Input::NodeJoin, "peer_update_callback");
        }
    }

    /// A `node_state` element for node `name` with the chosen fields
    /// (`create_node_state_update()`).
    pub(super) fn node_state_xml(
        &self,
        name: &str,
        cluster: bool,
        peer: bool,
        join: bool,
        expected: bool,
    ) -> Option<Element> {
        let p = self.peers.get(name)?;
        let mut x = Element::new("node_state")
            .with_attr("id", p.node.id.to_string())
            .with_attr("uname", p.node.name.as_str());
        if cluster {
            x.set_attr("in_ccm", p.when_member.to_string());
        }
        if peer {
            x.set_attr("crmd", p.when_online.to_string());
        }
        if join {
            x.set_attr(
                "join",
                if p.join <= JoinPhase::None {
                    "down"
                } else {
                    "member"
                },
            );
        }
        if expected {
            if let Some(e) = p.expected {
                x.set_attr("expected", e.text());
            }
        }
        x.set_attr("crm-debug-origin", "create_node_state_update");
        Some(x)
    }

    /// Writes every node's state (`populate_cib_nodes()`), when the join
    /// completes.
    pub(super) fn populate_node_states(&mut self) {
        let names: Vec<String> = self.peers.iter().map(|p| p.node.name.clone()).collect();
        let mut status = Element::new("status");
        for n in names {
            if let Some(x) = self.node_state_xml(&n, true, true, true, true) {
                status.push(x);
            }
        }
        if status.element_count() > 0 {
            self.cib(
                CibOp::Modify {
                    section: "status".into(),
                    xml: status,
                },
                None,
            );
        }
    }
}
