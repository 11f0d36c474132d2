//! What the attribute manager core is told and what it asks for.

use std::time::Duration;

use pcmk_controld::core::alerts::{AlertList, AlertRun};
use pcmk_controld::core::controller::CibOp;
use pcmk_controld::core::peers::NodeRef;

use super::message::AttrdMessage;

/// An event for the attribute manager core.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The daemon started and joined the CPG group `attrd`.
    Start,
    /// The members of the CPG group `attrd` changed (this node included):
    /// the attribute managers that vote and receive syncs.
    Peers {
        /// The members.
        members: Vec<NodeRef>,
    },
    /// A node left the cluster membership (not only its attribute
    /// manager, whose values survive a restart): forget its values.
    NodeLost {
        /// The node's name.
        name: String,
    },
    /// A message from a peer (including our own broadcasts).
    Message {
        /// The sending node's name.
        from: String,
        /// The message.
        message: AttrdMessage,
    },
    /// A timer armed with [`Command::StartTimer`] fired.
    Timer(TimerId),
    /// The answer to a [`Command::Cib`] write.
    CibReply {
        /// The call id of the write.
        call_id: u64,
        /// Whether it succeeded.
        ok: bool,
    },
    /// The CIB's status or nodes section was replaced or erased by someone
    /// else: the writer must write every value again.
    CibStatusReset,
    /// The daemon is shutting down: stop competing for writer.
    Shutdown,
    /// The alerts configured in the CIB's `alerts` section (read at
    /// start-up and whenever that section changes).
    Alerts(AlertList),
}

/// The attribute manager's timers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimerId {
    /// The write delay (dampening) of an attribute.
    Dampen(String),
    /// The writer election's timeout.
    Election,
}

/// A command from the attribute manager core.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Send over CPG `attrd` (to one node, or to all when `to` is `None`;
    /// a broadcast comes back to us too).
    Send {
        /// Recipient node name, or `None` for everyone.
        to: Option<String>,
        /// The message.
        message: AttrdMessage,
    },
    /// Arm (or re-arm) a timer.
    StartTimer {
        /// Which timer.
        timer: TimerId,
        /// Delay before it fires.
        after: Duration,
    },
    /// Disarm a timer.
    StopTimer {
        /// Which timer.
        timer: TimerId,
    },
    /// Write to the CIB; when `call_id` is set, answer with
    /// [`Event::CibReply`].
    Cib {
        /// Call id for the reply, if one is wanted.
        call_id: Option<u64>,
        /// The operation (a transaction for a whole attribute).
        op: CibOp,
        /// The CIB user whose ACLs apply, if not the daemon's.
        user: Option<String>,
    },
    /// Run an alert agent through the local executor (no answer: the
    /// outcome is only logged).
    Alert(AlertRun),
}
