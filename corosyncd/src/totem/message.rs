//! The totem messages exchanged between nodes.

use super::{NodeId, RingId};

/// A regular message multicast on a ring, carrying packed application fragments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mcast {
    /// The ring it was sent on.
    pub ring_id: RingId,
    /// Its place in the ring's agreed order (1, 2, ...).
    pub seq: u64,
    /// The node that originated it.
    pub sender: NodeId,
    /// What it carries.
    pub body: McastBody,
}

/// The contents of a [`Mcast`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum McastBody {
    /// Application fragments (see `fragment`).
    Regular(Vec<u8>),
    /// A message of an older ring, retransmitted during recovery.
    Encapsulated(Box<Mcast>),
}

/// The regular token that circulates around an operational (or recovering) ring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The ring.
    pub ring_id: RingId,
    /// Hop counter, to discard retransmitted copies.
    pub token_seq: u64,
    /// Highest sequence number assigned on the ring.
    pub seq: u64,
    /// All-received-up-to: lowest receive position of any member.
    pub aru: u64,
    /// The member that lowered `aru` (0 when none).
    pub aru_addr: NodeId,
    /// Messages sent during the last rotation (flow control).
    pub fcc: u32,
    /// Messages waiting to be sent, ring-wide (flow control).
    pub backlog: u32,
    /// Some member still has old-ring messages to retransmit (recovery).
    pub retrans_flg: bool,
    /// Sequence numbers some member is missing.
    pub rtr: Vec<u64>,
}

/// A join message: the sender's view of who is alive and who has failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    /// Highest ring sequence number the sender knows.
    pub ring_seq: u64,
    /// Nodes the sender wants in the next membership.
    pub proc_list: Vec<NodeId>,
    /// Nodes the sender considers failed.
    pub fail_list: Vec<NodeId>,
}

/// What one member reports about its old ring in the commit token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MembEntry {
    /// The ring the member comes from.
    pub old_ring: RingId,
    /// Its all-received-up-to on that ring.
    pub aru: u64,
    /// The highest sequence number it delivered there.
    pub high_delivered: u64,
    /// The highest sequence number it received there.
    pub high_received: u64,
}

/// The commit token that turns an agreed membership into a new ring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitToken {
    /// The new ring.
    pub ring_id: RingId,
    /// Members of the new ring, sorted (the token visits them in this order).
    pub memb: Vec<NodeId>,
    /// One entry per member, filled on the first rotation.
    pub entries: Vec<Option<MembEntry>>,
    /// Hops made so far (two rotations in all).
    pub hops: u32,
}

/// Any totem message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A multicast message.
    Mcast(Mcast),
    /// The regular token.
    Token(Token),
    /// A join message.
    Join(Join),
    /// The commit token.
    Commit(CommitToken),
    /// The representative of a ring announcing it, so other rings can merge.
    MergeDetect {
        /// The announcing ring.
        ring_id: RingId,
    },
    /// A node asking the representative to stop holding the token of an idle ring.
    HoldCancel {
        /// The ring.
        ring_id: RingId,
    },
}

impl Message {
    /// A short name for logs and statistics.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Mcast(_) => "mcast",
            Message::Token(_) => "token",
            Message::Join(_) => "join",
            Message::Commit(_) => "commit",
            Message::MergeDetect { .. } => "merge_detect",
            Message::HoldCancel { .. } => "hold_cancel",
        }
    }
}
