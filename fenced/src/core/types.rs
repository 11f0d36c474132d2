//! Inputs and outputs of the fencer core: peer messages, timers, commands
//! and API replies.

use crate::history::{FenceResult, HistoryEntry};

/// Id of a local agent command.
pub type CmdId = u64;
/// Id of an API request awaiting an answer (chosen by the runtime).
pub type RequestId = u64;

/// The current time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Monotonic milliseconds.
    pub mono_ms: u64,
    /// Wall clock: epoch seconds and nanoseconds.
    pub epoch: (i64, i64),
}

/// What a peer says it can do for a fencing operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    /// Device id.
    pub device: String,
    /// A monitor/list/status of it has succeeded.
    pub verified: bool,
    /// It supports `on`.
    pub supports_on: bool,
    /// Timeout for the action (seconds).
    pub timeout_s: u32,
    /// Largest fencing delay it adds (seconds).
    pub delay_max_s: u32,
}

/// Messages between fencers (over CPG in a cluster; looped back to the
/// node itself when it runs stand-alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerMsg {
    /// Who can fence `target`? (broadcast by the operation's owner)
    Query {
        /// Operation id.
        op_id: String,
        /// Target node.
        target: String,
        /// Requested action.
        action: String,
        /// Base timeout (seconds).
        timeout_s: u32,
        /// Owner node.
        origin: String,
        /// The client that asked the owner (for the history).
        client: String,
    },
    /// The devices a peer can use (to the owner).
    QueryReply {
        /// Operation id.
        op_id: String,
        /// Replying node.
        host: String,
        /// Capable devices, best first.
        devices: Vec<Capability>,
    },
    /// Execute the action (to the chosen peer).
    Fence {
        /// Operation id.
        op_id: String,
        /// Target node.
        target: String,
        /// Action to run now (`off`/`on` in a remapped reboot).
        action: String,
        /// Device to use (topology), or any capable one.
        device: Option<String>,
        /// Timeout (seconds).
        timeout_s: u32,
        /// Requested delay (seconds, -1: no pcmk_delay_*).
        delay_s: i32,
        /// Owner node.
        origin: String,
    },
    /// Result of a `Fence` (to the owner).
    FenceReply {
        /// Operation id.
        op_id: String,
        /// Executing node.
        host: String,
        /// Device last used.
        device: Option<String>,
        /// Result.
        result: FenceResult,
    },
    /// Final result of an operation (broadcast by the owner, for histories).
    Done(HistoryEntry),
    /// A node's whole history (broadcast when a fencer joins, so that
    /// every node ends up with the union).
    History(Vec<HistoryEntry>),
    /// Forget completed operations against a target (all when `None`),
    /// broadcast by the node whose client asked.
    HistoryCleanup(Option<String>),
}

/// Timers the core arms.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// Query replies are overdue.
    Query(String),
    /// The whole operation is overdue.
    Op(String),
    /// The peer asked to execute has not answered in time.
    Peer(String),
    /// A command's fencing delay has passed.
    Delay(CmdId),
    /// A failed command may be retried.
    Retry(CmdId),
}

/// An answer to an API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Device ids (registered, or capable of fencing a target).
    Devices(Vec<String>),
    /// Result of a device action (monitor/list/status).
    Action(FenceResult),
    /// Final result of a fencing request.
    Fence(FenceResult, Box<HistoryEntry>),
}

/// Effects for the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run a fence agent; report with `Fencer::agent_done`.
    RunAgent {
        /// Command id.
        cmd: CmdId,
        /// Agent name.
        agent: String,
        /// Standard input lines.
        args: Vec<(String, String)>,
        /// Timeout (seconds).
        timeout_s: u32,
    },
    /// Arm a timer; report with `Fencer::timer`.
    SetTimer {
        /// Timer.
        id: Timer,
        /// Delay.
        after_ms: u64,
    },
    /// Disarm a timer.
    CancelTimer {
        /// Timer.
        id: Timer,
    },
    /// Send to one peer, or broadcast (`to` None).
    Send {
        /// Destination node, or all.
        to: Option<String>,
        /// Message.
        msg: PeerMsg,
    },
    /// Answer an API request.
    Reply {
        /// Request.
        request: RequestId,
        /// Answer.
        reply: Reply,
    },
    /// Tell subscribers about an operation (new, progressed or finished).
    Notify(HistoryEntry),
}
