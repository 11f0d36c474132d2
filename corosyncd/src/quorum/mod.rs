//! votequorum: whether this partition may run services.
//!
//! Each node casts votes (1 unless `quorum_votes` says otherwise); quorum is
//! a strict majority of the expected votes ([`calc::calculate_quorum`]).
//! On top of that, as in Corosync's `exec/votequorum.c`:
//! - `two_node`: with two nodes, quorum is 1 vote, and it implies
//!   `wait_for_all` unless that is disabled explicitly;
//! - `wait_for_all`: no quorum until all expected votes have been present at
//!   once, again after each loss of quorum;
//! - `last_man_standing`: after `last_man_standing_window` ms of a stable,
//!   quorate but shrunken membership, expected votes drop to what is present;
//! - `auto_tie_breaker`: in an exact half split, the half holding the
//!   lowest (highest, or first listed) node id keeps quorum.
//!
//! This is plain state fed by membership changes and time; no I/O.

pub mod calc;

use std::collections::BTreeMap;

use crate::config::typed::{Config, TieBreaker};
use crate::totem::{NodeId, RingId, Timestamp};
pub use calc::{NodeVotes, Tally, calculate_quorum};

/// The votequorum settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuorumConfig {
    /// Whether votequorum is the provider (otherwise always quorate).
    pub enabled: bool,
    /// `two_node`.
    pub two_node: bool,
    /// `wait_for_all` (after the two_node default is applied).
    pub wait_for_all: bool,
    /// `last_man_standing`.
    pub last_man_standing: bool,
    /// `last_man_standing_window` (ms).
    pub last_man_standing_window: u32,
    /// `auto_tie_breaker` with its node choice.
    pub auto_tie_breaker: Option<TieBreaker>,
    /// `allow_downscale`.
    pub allow_downscale: bool,
    /// Expected votes: `expected_votes`, or the sum of the nodelist's votes.
    pub expected_votes: u32,
    /// Votes of each configured node.
    pub node_votes: BTreeMap<NodeId, u32>,
}

impl QuorumConfig {
    /// The votequorum settings of a configuration.
    pub fn from_config(c: &Config) -> QuorumConfig {
        let node_votes: BTreeMap<NodeId, u32> =
            c.nodes.iter().map(|n| (n.nodeid, n.votes)).collect();
        let sum: u32 = node_votes.values().sum();
        QuorumConfig {
            enabled: c.quorum.votequorum,
            two_node: c.quorum.two_node,
            wait_for_all: c.quorum.wait_for_all,
            last_man_standing: c.quorum.last_man_standing,
            last_man_standing_window: c.quorum.last_man_standing_window,
            auto_tie_breaker: c
                .quorum
                .auto_tie_breaker
                .then(|| c.quorum.auto_tie_breaker_node.clone()),
            allow_downscale: c.quorum.allow_downscale,
            expected_votes: c.quorum.expected_votes.unwrap_or(sum),
            node_votes,
        }
    }
}

/// Why an administrative change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuorumError {
    /// The value would make no sense or cost quorum (`CS_ERR_INVALID_PARAM`).
    #[error("invalid parameter")]
    InvalidParam,
    /// No such node (`CS_ERR_NAME_NOT_FOUND`).
    #[error("node not found")]
    NotFound,
}

/// What votequorum knows of one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeInfo {
    /// Votes it casts.
    pub votes: u32,
    /// Expected votes it reports.
    pub expected_votes: u32,
    /// Whether it is in the current membership.
    pub member: bool,
}

/// A change of the quorate state, for quorum notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuorumChange {
    /// Whether the partition is now quorate.
    pub quorate: bool,
    /// The current members.
    pub members: Vec<NodeId>,
    /// The ring of the membership.
    pub ring_id: RingId,
}

/// One node's votequorum state.
#[derive(Debug, Clone)]
pub struct VoteQuorum {
    cfg: QuorumConfig,
    my_id: NodeId,
    nodes: BTreeMap<NodeId, NodeInfo>,
    quorum: u32,
    total_votes: u32,
    quorate: bool,
    wait_for_all_status: bool,
    members: Vec<NodeId>,
    previous_members: Vec<NodeId>,
    ring_id: RingId,
    lms_deadline: Option<Timestamp>,
}

/// What `corosync-quorumtool -s` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuorumStatus {
    /// Whether quorate.
    pub quorate: bool,
    /// Votes needed.
    pub quorum: u32,
    /// Votes present.
    pub total_votes: u32,
    /// Expected votes.
    pub expected_votes: u32,
    /// Highest expected votes reported by any member.
    pub highest_expected: u32,
    /// This node's votes.
    pub node_votes: u32,
    /// Still waiting for all nodes.
    pub wait_for_all_status: bool,
    /// Current members.
    pub members: Vec<NodeId>,
    /// Current ring.
    pub ring_id: RingId,
}

impl VoteQuorum {
    /// The state of node `my_id` before any membership.
    pub fn new(cfg: QuorumConfig, my_id: NodeId) -> VoteQuorum {
        let mut nodes = BTreeMap::new();
        for (&id, &votes) in &cfg.node_votes {
            nodes.insert(
                id,
                NodeInfo {
                    votes,
                    expected_votes: cfg.expected_votes,
                    member: false,
                },
            );
        }
        nodes.entry(my_id).or_insert(NodeInfo {
            votes: 1,
            expected_votes: cfg.expected_votes,
            member: false,
        });
        let wfa = cfg.wait_for_all;
        VoteQuorum {
            cfg,
            my_id,
            nodes,
            quorum: 0,
            total_votes: 0,
            quorate: false,
            wait_for_all_status: wfa,
            members: Vec::new(),
            previous_members: Vec::new(),
            ring_id: RingId::default(),
            lms_deadline: None,
        }
    }

    /// The settings in force.
    pub fn config(&self) -> &QuorumConfig {
        &self.cfg
    }

    /// A new regular membership; returns the change of quorate state, if any.
    pub fn membership(
        &mut self,
        now: Timestamp,
        members: &[NodeId],
        ring_id: RingId,
    ) -> Option<QuorumChange> {
        let left = self.members.iter().any(|m| !members.contains(m));
        for (id, n) in self.nodes.iter_mut() {
            n.member = members.contains(id);
        }
        for &m in members {
            let expected = self.cfg.expected_votes;
            self.nodes.entry(m).or_insert(NodeInfo {
                votes: 1,
                expected_votes: expected,
                member: true,
            });
        }
        if self.cfg.last_man_standing {
            let n = u32::try_from(members.len()).unwrap_or(u32::MAX);
            let atb_low =
                self.cfg.auto_tie_breaker.is_some() && members.contains(&self.lowest_node());
            if (n >= self.quorum && left) || (n <= self.quorum && atb_low) {
                self.lms_deadline = Some(now.plus_ms(self.cfg.last_man_standing_window));
            }
        }
        self.previous_members = std::mem::replace(&mut self.members, members.to_vec());
        self.ring_id = ring_id;
        self.recalculate(false, false);
        // Every membership change is announced to quorum clients, with the new list.
        Some(self.change())
    }

    fn change(&self) -> QuorumChange {
        QuorumChange {
            quorate: self.quorate,
            members: self.members.clone(),
            ring_id: self.ring_id,
        }
    }

    /// When [`VoteQuorum::tick`] is next due.
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        self.lms_deadline
    }

    /// Time passed: the last_man_standing window may have closed.
    pub fn tick(&mut self, now: Timestamp) -> Option<QuorumChange> {
        if self.lms_deadline.is_some_and(|d| d <= now) {
            self.lms_deadline = None;
            if self.quorate {
                let before = self.quorate;
                self.recalculate(true, true);
                if before != self.quorate {
                    return Some(self.change());
                }
            }
        }
        None
    }

    /// Another node reported its votes and expected votes.
    pub fn node_info(
        &mut self,
        nodeid: NodeId,
        votes: u32,
        expected_votes: u32,
    ) -> Option<QuorumChange> {
        let member = self.members.contains(&nodeid);
        self.nodes.insert(
            nodeid,
            NodeInfo {
                votes,
                expected_votes,
                member,
            },
        );
        self.recompute_and_report()
    }

    fn recompute_and_report(&mut self) -> Option<QuorumChange> {
        let before = self.quorate;
        self.recalculate(false, false);
        (before != self.quorate).then(|| self.change())
    }

    /// Checks a new expected votes value (`corosync-quorumtool -e`), before it is sent to all nodes.
    pub fn check_expected(&self, expected: u32) -> Result<(), QuorumError> {
        let members = self.member_votes();
        let t = calculate_quorum(&members, self.cfg.two_node, true, expected, self.quorum);
        if expected < t.total_votes || (self.quorate && t.quorum > t.total_votes) {
            return Err(QuorumError::InvalidParam);
        }
        Ok(())
    }

    /// Applies new expected votes, agreed cluster-wide.
    pub fn apply_expected(&mut self, expected: u32) -> Option<QuorumChange> {
        for n in self.nodes.values_mut().filter(|n| n.member) {
            n.expected_votes = expected;
        }
        let before = self.quorate;
        self.recalculate(true, false);
        (before != self.quorate).then(|| self.change())
    }

    /// Checks new votes for a node (`corosync-quorumtool -v`).
    pub fn check_votes(&self, nodeid: NodeId, votes: u32) -> Result<(), QuorumError> {
        if !self.nodes.contains_key(&nodeid) {
            return Err(QuorumError::NotFound);
        }
        let mut members = self.member_votes();
        for m in members.iter_mut().filter(|m| m.nodeid == nodeid) {
            m.votes = votes;
        }
        let t = calculate_quorum(&members, self.cfg.two_node, true, 0, self.quorum);
        if t.quorum < t.total_votes / 2 || t.quorum > t.total_votes {
            return Err(QuorumError::InvalidParam);
        }
        Ok(())
    }

    /// Applies new votes of a node, agreed cluster-wide.
    pub fn apply_votes(&mut self, nodeid: NodeId, votes: u32) -> Option<QuorumChange> {
        if let Some(n) = self.nodes.get_mut(&nodeid) {
            n.votes = votes;
        }
        let before = self.quorate;
        self.recalculate(true, false);
        (before != self.quorate).then(|| self.change())
    }

    fn member_votes(&self) -> Vec<NodeVotes> {
        self.nodes
            .iter()
            .filter(|(_, n)| n.member)
            .map(|(&id, n)| NodeVotes {
                nodeid: id,
                votes: n.votes,
                expected_votes: n.expected_votes,
            })
            .collect()
    }

    fn lowest_node(&self) -> NodeId {
        self.nodes.keys().next().copied().unwrap_or(self.my_id)
    }

    fn highest_node(&self) -> NodeId {
        self.nodes.keys().next_back().copied().unwrap_or(self.my_id)
    }

    /// `recalculate_quorum` and `are_we_quorate` of votequorum.c.
    fn recalculate(&mut self, allow_decrease: bool, by_current_nodes: bool) {
        if !self.cfg.enabled {
            self.quorate = true;
            self.total_votes = self.member_votes().iter().map(|m| m.votes).sum();
            return;
        }
        let mut members = self.member_votes();
        let total: u32 = members.iter().map(|m| m.votes).sum();
        let count = u32::try_from(members.len()).unwrap_or(u32::MAX);
        let max_expected = if by_current_nodes { count } else { 0 };
        // Expected votes never stay below the votes present.
        if let Some(me) = self.nodes.get_mut(&self.my_id)
            && total > me.expected_votes
        {
            me.expected_votes = total;
            for m in members.iter_mut().filter(|m| m.nodeid == self.my_id) {
                m.expected_votes = total;
            }
        }
        let t = calculate_quorum(
            &members,
            self.cfg.two_node,
            allow_decrease,
            max_expected,
            self.quorum,
        );
        self.quorum = t.quorum;
        self.total_votes = t.total_votes;
        if max_expected > 0 {
            for n in self.nodes.values_mut().filter(|n| n.member) {
                n.expected_votes = max_expected;
            }
        }
        let expected = self.expected_votes();
        if self.cfg.wait_for_all && self.wait_for_all_status {
            if t.total_votes != expected {
                self.quorate = false;
                return;
            }
            self.wait_for_all_status = false;
        }
        let mut quorate = self.quorum <= t.total_votes;
        if let Some(atb) = &self.cfg.auto_tie_breaker
            && t.total_votes == expected / 2
            && (self
                .previous_members
                .len()
                .saturating_sub(self.members.len()) as u32)
                < self.quorum
            && self.tie_breaker_wins(atb)
        {
            quorate = true;
        }
        self.quorate = quorate;
        if self.cfg.wait_for_all {
            self.wait_for_all_status = !quorate;
        }
    }

    fn tie_breaker_wins(&self, atb: &TieBreaker) -> bool {
        match atb {
            TieBreaker::Lowest => self.members.contains(&self.lowest_node()),
            TieBreaker::Highest => self.members.contains(&self.highest_node()),
            TieBreaker::List(list) => {
                for (i, n) in list.iter().enumerate() {
                    if self.members.contains(n) {
                        return !list[..i].iter().any(|p| self.previous_members.contains(p));
                    }
                }
                false
            }
        }
    }

    /// This node's expected votes.
    pub fn expected_votes(&self) -> u32 {
        self.nodes
            .get(&self.my_id)
            .map_or(self.cfg.expected_votes, |n| n.expected_votes)
    }

    /// Whether the partition is quorate.
    pub fn quorate(&self) -> bool {
        self.quorate
    }

    /// What votequorum knows of each node.
    pub fn nodes(&self) -> &BTreeMap<NodeId, NodeInfo> {
        &self.nodes
    }

    /// The figures `corosync-quorumtool` shows.
    pub fn status(&self) -> QuorumStatus {
        let members = self.member_votes();
        QuorumStatus {
            quorate: self.quorate,
            quorum: self.quorum,
            total_votes: self.total_votes,
            expected_votes: self.expected_votes(),
            highest_expected: members.iter().map(|m| m.expected_votes).max().unwrap_or(0),
            node_votes: self.nodes.get(&self.my_id).map_or(0, |n| n.votes),
            wait_for_all_status: self.wait_for_all_status,
            members: self.members.clone(),
            ring_id: self.ring_id,
        }
    }
}

#[cfg(test)]
mod tests;
