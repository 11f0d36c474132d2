//! What drives the totem state machine.

use super::NodeId;
use super::message::Message;

/// One event handed to [`super::Srp::handle`].
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A decoded, authenticated packet arrived from node `from`.
    Packet {
        /// The node that sent it (taken from the packet header).
        from: NodeId,
        /// The message.
        msg: Message,
    },
    /// Time passed: fire every timer whose deadline is due.
    Tick,
    /// A local service wants `data` delivered, in agreed order, to every member.
    Submit(Vec<u8>),
    /// Leave the ring gracefully: the next membership will not include this node.
    Leave,
}
