//! What the totem state machine asks its runtime to do.

use super::message::Message;
use super::{NodeId, RingId};

/// Where a packet goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dest {
    /// Every node of the nodelist but this one.
    All,
    /// One node.
    Node(NodeId),
}

/// The kind of configuration change of extended virtual synchrony.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfKind {
    /// The members of the old configuration that move on together; comes first.
    Transitional,
    /// The new configuration.
    Regular,
}

/// One configuration change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfChange {
    /// Transitional or regular.
    pub kind: ConfKind,
    /// The ring this configuration belongs to (the new ring for both kinds).
    pub ring_id: RingId,
    /// Members of the configuration, sorted.
    pub members: Vec<NodeId>,
    /// Members that left (transitional only).
    pub left: Vec<NodeId>,
    /// Members that joined (regular only).
    pub joined: Vec<NodeId>,
}

/// One effect requested by the state machine, drained with [`super::Srp::take_output`].
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Send `msg` to `to`.
    Send {
        /// Destination.
        to: Dest,
        /// The message.
        msg: Message,
    },
    /// Hand a whole application message to the local services, in agreed order.
    Deliver {
        /// Node that submitted it.
        sender: NodeId,
        /// Its bytes.
        data: Vec<u8>,
    },
    /// A configuration change to announce to the local services.
    ConfChange(ConfChange),
    /// Store the highest ring sequence number on stable storage (survives restarts).
    PersistRingSeq(u64),
}
