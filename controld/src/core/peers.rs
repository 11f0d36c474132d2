//! What the controller knows about every cluster node (Pacemaker's peer
//! cache with the controller's per-node data): membership, whether its
//! controller is up, its join phase and what the DC expects of it.

use std::collections::BTreeMap;
use std::fmt;

/// A node as the cluster layer names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeRef {
    /// Cluster-layer node id (corosync nodeid), also its CIB id.
    pub id: u32,
    /// Node name (`uname`).
    pub name: String,
}

impl NodeRef {
    /// A node reference.
    pub fn new(id: u32, name: impl Into<String>) -> NodeRef {
        NodeRef {
            id,
            name: name.into(),
        }
    }
}

/// Where a node stands in the current join round (`enum controld_join_phase`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JoinPhase {
    /// Its join request was refused.
    Nack,
    /// Not part of the current round.
    None,
    /// Offered a join.
    Welcomed,
    /// Its join request was accepted.
    Integrated,
    /// Sent the join result.
    Finalized,
    /// Confirmed its join; fully a member.
    Confirmed,
}

impl JoinPhase {
    /// Upstream's name for logs.
    pub fn text(self) -> &'static str {
        match self {
            JoinPhase::Nack => "nack",
            JoinPhase::None => "none",
            JoinPhase::Welcomed => "welcomed",
            JoinPhase::Integrated => "integrated",
            JoinPhase::Finalized => "finalized",
            JoinPhase::Confirmed => "confirmed",
        }
    }

    fn next(self) -> Option<JoinPhase> {
        Some(match self {
            JoinPhase::Nack => JoinPhase::None,
            JoinPhase::None => JoinPhase::Welcomed,
            JoinPhase::Welcomed => JoinPhase::Integrated,
            JoinPhase::Integrated => JoinPhase::Finalized,
            JoinPhase::Finalized => JoinPhase::Confirmed,
            JoinPhase::Confirmed => return None,
        })
    }
}

impl fmt::Display for JoinPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// What the DC expects of a node (`expected` in `node_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// Expected down (shut down cleanly or never joined).
    Down,
    /// Joining.
    Pending,
    /// A full member.
    Member,
    /// Refused.
    Nack,
}

impl Expected {
    /// The value written to the CIB.
    pub fn text(self) -> &'static str {
        match self {
            Expected::Down => "down",
            Expected::Pending => "pending",
            Expected::Member => "member",
            Expected::Nack => "nack",
        }
    }
}

/// One node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// Its identity.
    pub node: NodeRef,
    /// It is in the cluster layer's membership.
    pub member: bool,
    /// Its controller is in the `crmd` process group.
    pub controller: bool,
    /// When it last became a member (epoch seconds; 0: not a member).
    pub when_member: i64,
    /// When its controller last came online (epoch seconds; 0: offline).
    pub when_online: i64,
    /// Its phase in the current join round.
    pub join: JoinPhase,
    /// What the DC expects of it.
    pub expected: Option<Expected>,
}

impl Peer {
    /// Whether it is an active member: in the membership with a controller
    /// (`pcmk__cluster_is_node_active()`).
    pub fn is_active(&self) -> bool {
        self.member && self.controller
    }
}

/// Every known node, keyed by lower-cased name.
#[derive(Debug, Clone, Default)]
pub struct Peers {
    map: BTreeMap<String, Peer>,
    /// Incremented on every membership change (`peer_seq`).
    pub seq: u64,
}

impl Peers {
    /// An empty cache.
    pub fn new() -> Peers {
        Peers::default()
    }

    /// The node named `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Peer> {
        self.map.get(&name.to_ascii_lowercase())
    }

    /// The node named `name`, mutably.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Peer> {
        self.map.get_mut(&name.to_ascii_lowercase())
    }

    /// The node with cluster id `id`.
    pub fn by_id(&self, id: u32) -> Option<&Peer> {
        self.map.values().find(|p| p.node.id == id)
    }

    /// The node `node`, added if unknown.
    pub fn entry(&mut self, node: &NodeRef) -> &mut Peer {
        self.map
            .entry(node.name.to_ascii_lowercase())
            .or_insert_with(|| Peer {
                node: node.clone(),
                member: false,
                controller: false,
                when_member: 0,
                when_online: 0,
                join: JoinPhase::None,
                expected: None,
            })
    }

    /// Every node.
    pub fn iter(&self) -> impl Iterator<Item = &Peer> {
        self.map.values()
    }

    /// Every node, mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Peer> {
        self.map.values_mut()
    }

    /// Whether node `name` is an active member.
    pub fn is_active(&self, name: &str) -> bool {
        self.get(name).is_some_and(Peer::is_active)
    }

    /// Number of active members (`pcmk__cluster_num_active_nodes()`).
    pub fn active_count(&self) -> usize {
        self.map.values().filter(|p| p.is_active()).count()
    }

    /// Number of nodes in join phase `phase`.
    pub fn count_phase(&self, phase: JoinPhase) -> usize {
        self.map.values().filter(|p| p.join == phase).count()
    }

    /// Moves node `name` to join phase `phase`, if allowed: a node may go
    /// back to `none` (or `nack`) at any time, and forward one step at a
    /// time (`crm_update_peer_join()`). Returns whether it moved.
    pub fn set_join(&mut self, name: &str, phase: JoinPhase, join_id: i32) -> bool {
        let Some(p) = self.get_mut(name) else {
            return false;
        };
        let last = p.join;
        if phase == last {
            return false;
        }
        if phase <= JoinPhase::None || last.next() == Some(phase) {
            p.join = phase;
            tracing::debug!("Node {name} join-{join_id} phase is now {phase} (was {last})");
            return true;
        }
        tracing::warn!(
            "Rejecting join-{join_id} phase update for node {name} because can't go from {last} to {phase}"
        );
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_phases_advance_one_step_or_reset() {
        let mut peers = Peers::new();
        let n = NodeRef::new(1, "Node1");
        peers.entry(&n).member = true;
        assert!(!peers.is_active("node1"));
        peers.entry(&n).controller = true;
        assert!(peers.is_active("NODE1"));
        assert!(peers.set_join("node1", JoinPhase::Welcomed, 1));
        assert!(!peers.set_join("node1", JoinPhase::Finalized, 1));
        assert!(peers.set_join("node1", JoinPhase::Integrated, 1));
        assert!(peers.set_join("node1", JoinPhase::Nack, 1));
        assert_eq!(peers.count_phase(JoinPhase::Nack), 1);
        assert!(peers.set_join("node1", JoinPhase::None, 1));
        assert_eq!(peers.active_count(), 1);
        assert_eq!(peers.by_id(1).unwrap().node.name, "Node1");
    }
}
