//! What the engine asks its runtime to do, and the timers it keeps.

use crate::op::OpSpec;

use super::OpResult;

/// Call id of an operation (unique per executor run, positive).
pub type CallId = i32;

/// What a timer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimerKind {
    /// The operation's start-delay has passed.
    StartDelay,
    /// The running agent reached its timeout: terminate its process group.
    Timeout,
    /// The terminated agent is still there: kill its process group.
    Kill,
    /// The interval of a recurring operation has passed: run it again.
    Recur,
}

/// A timer of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimerId {
    /// The operation.
    pub call_id: CallId,
    /// What the timer is for.
    pub kind: TimerKind,
}

/// Signals the engine sends to an agent's process group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillSignal {
    /// SIGTERM: please stop.
    Term,
    /// SIGKILL: stop now.
    Kill,
}

/// An effect for the runtime to carry out, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Start the agent for this operation; report with `Engine::agent_done`.
    Spawn {
        /// The operation.
        call_id: CallId,
        /// What to run.
        spec: OpSpec,
    },
    /// Signal the operation's agent process group.
    Signal {
        /// The operation.
        call_id: CallId,
        /// Which signal.
        signal: KillSignal,
    },
    /// Arm a timer (replacing one with the same id); report with `Engine::timer`.
    SetTimer {
        /// The timer.
        id: TimerId,
        /// Delay in milliseconds.
        after_ms: u64,
    },
    /// Disarm a timer (no-op if not armed).
    CancelTimer {
        /// The timer.
        id: TimerId,
    },
    /// Send this result to subscribers.
    Notify(Box<OpResult>),
}
