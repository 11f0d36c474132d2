//! The transition engine's commands and pass results.

use std::time::Duration;

use pcmk_common::xml::Element;

/// What the transition engine asks its driver to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeCommand {
    /// Run a resource action on `router`'s executor (locally if `router` is
    /// the local node, else through that node's controller).
    ExecResource {
        /// Graph action number.
        action_id: i32,
        /// Node whose controller routes the action.
        router: String,
        /// The `rsc_op` XML, with its `transition-key` set.
        action: Element,
    },
    /// Send a cluster action (`crm_event`) to `router`'s controller.
    ClusterAction {
        /// Graph action number.
        action_id: i32,
        /// Node whose controller receives it.
        router: String,
        /// The task (`do_shutdown`, `clear_failcount`, ...).
        task: String,
        /// The `crm_event` XML.
        action: Element,
        /// The transition key of the action.
        transition_key: String,
    },
    /// Fence a node; answer with [`TransitionEngine::fence_result`](super::TransitionEngine::fence_result).
    Fence {
        /// Graph action number.
        action_id: i32,
        /// Name of the node to fence.
        target: String,
        /// Its node id.
        target_uuid: Option<String>,
        /// `reboot`, `off` or `on`.
        op: String,
        /// How long fencing may take.
        timeout: Duration,
    },
    /// Arm the timer of an action; when it fires, call
    /// [`TransitionEngine::action_timeout`](super::TransitionEngine::action_timeout).
    StartActionTimer {
        /// Graph action number.
        action_id: i32,
        /// Delay before firing.
        after: Duration,
    },
    /// Disarm the timer of an action.
    StopActionTimer {
        /// Graph action number.
        action_id: i32,
    },
    /// Record that an action timed out without a result (a synthesised
    /// `lrm_rsc_op` with a timeout status, see `history`).
    RecordTimeout {
        /// The `rsc_op` XML of the lost action.
        action: Element,
        /// Its transition key.
        transition_key: String,
        /// Node it was meant for.
        node: String,
    },
    /// Update the fail count and last failure of a resource through attrd.
    UpdateFailcount {
        /// Node the failure happened on.
        node_uuid: String,
        /// Resource id.
        rsc: String,
        /// Failed task.
        task: String,
        /// Interval of the failed operation, in milliseconds.
        interval_ms: u64,
        /// New fail count value (`value++` or `INFINITY`).
        value: String,
        /// Only record the last failure (the op has on-fail=ignore).
        last_failure_only: bool,
    },
}

/// Result of one execution pass (`enum pcmk__graph_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphStatus {
    /// Some actions fired.
    Active,
    /// Nothing fired; waiting on actions in flight.
    Pending,
    /// Finished (all done, or stopped after an abort).
    Complete,
    /// Finished with synapses that could never run.
    Terminated,
}

/// Counters of the last pass, as Pacemaker logs them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassCounts {
    /// Synapses confirmed.
    pub completed: u32,
    /// Synapses executed but not yet confirmed.
    pub pending: u32,
    /// Synapses fired in this pass.
    pub fired: u32,
    /// Synapses skipped (failed, or below the abort priority).
    pub skipped: u32,
    /// Synapses that could not fire.
    pub incomplete: u32,
}
