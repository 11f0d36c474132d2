//! Totem single-ring ordering and membership, as a sans-IO state machine.
//!
//! # Primer
//! Totem (Amir, Moser, Melliar-Smith et al., "The Totem single-ring ordering
//! and membership protocol", ACM TOCS 1995; Corosync's `exec/totemsrp.c`)
//! orders messages with a token that circulates around a logical ring of
//! nodes. Only the token holder multicasts: each new message takes the next
//! sequence number from the token, so every node delivers in the same
//! (agreed) order once it has every message up to that number. The token
//! also carries the lowest all-received-up-to (`aru`) of the ring, so
//! messages everyone has can be freed, and a list of sequence numbers to
//! retransmit (`rtr`).
//!
//! Membership is the Gather → Commit → Recovery → Operational cycle. A node
//! that loses the token, or hears of a node outside its ring, enters
//! *Gather* and multicasts join messages (the nodes it wants, the nodes it
//! considers failed) until every node it wants sends the same sets back
//! (consensus), or until the consensus timeout marks the silent ones as
//! failed. The lowest node of the agreed set (the representative) then
//! sends a *commit token* twice around the new ring: the first rotation
//! collects each member's old ring and how far it got there, the second
//! spreads that to everyone. In *Recovery* members of the same old ring
//! retransmit the old-ring messages some of them lack, wrapped in new-ring
//! messages, so that every node moving together from one ring to the next
//! delivers exactly the same old messages (extended virtual synchrony).
//! Then each delivers the transitional configuration (the old members that
//! came along), the remaining old messages, and the regular configuration,
//! and becomes *Operational* on the new ring.
//!
//! # Interface
//! [`Srp::handle`] takes an [`Input`] and the current time; the resulting
//! [`Command`]s (packets to send, deliveries, configuration changes) are
//! drained with [`Srp::take_output`]; [`Srp::poll_timeout`] says when to
//! call again with [`Input::Tick`]. Randomness comes from an injected
//! [`rng::Rng`], so a seed replays a run exactly.
//!
//! # Deviations from totemsrp.c
//! - Node ids only, no addresses: the runtime maps ids to addresses.
//! - Sequence numbers are 64-bit, never wrap.
//! - Large messages cut by a configuration change are dropped by receivers
//!   and sent again whole by their sender in the new configuration (see
//!   [`fragment`]), rather than continued across the change.
//! - A node that cannot receive is found by the token loss timeout only
//!   (no `fail_recv_const` self-expulsion).

pub mod codec;
pub mod command;
pub mod fragment;
mod gather;
pub mod input;
pub mod message;
mod operational;
mod recovery;
pub mod ringbuf;
pub mod rng;
pub mod sim;
mod srp;

pub use command::{Command, ConfChange, ConfKind, Dest};
pub use input::Input;
pub use message::Message;
pub use srp::{Srp, SrpConfig, StateName, Stats};

/// A node id, as in corosync.conf's nodelist.
pub type NodeId = u32;

/// Identity of a ring: its representative and a sequence number that grows
/// with every new ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RingId {
    /// The representative (lowest node id of the ring).
    pub rep: NodeId,
    /// The ring sequence number.
    pub seq: u64,
}

impl std::fmt::Display for RingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:x}", self.rep, self.seq)
    }
}

/// A point in time, in microseconds since an arbitrary origin chosen by the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// This time plus `ms` milliseconds.
    pub fn plus_ms(self, ms: u32) -> Timestamp {
        Timestamp(self.0 + u64::from(ms) * 1000)
    }

    /// Milliseconds from `earlier` to this time (0 if earlier is later).
    pub fn ms_since(self, earlier: Timestamp) -> u64 {
        self.0.saturating_sub(earlier.0) / 1000
    }
}
