//! What the controller core asks its shell to do.

use std::collections::BTreeMap;
use std::time::Duration;

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;

use crate::core::alerts::AlertRun;
use crate::core::history::RscInfo;
use crate::core::message::CrmdMessage;

/// A local daemon or service the controller connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Daemon {
    /// The CIB manager (`pacemaker-based`).
    Cib,
    /// The local executor (`pacemaker-execd`).
    Executor,
    /// The cluster layer (corosync: CPG `crmd`, membership, quorum).
    Cluster,
    /// The scheduler (`pacemaker-schedulerd`).
    Scheduler,
}

/// The controller's timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimerId {
    /// The DC timer (`dc-deadtime`): how long to wait for a DC.
    DcDeadtime,
    /// The election timeout (`election-timeout`).
    Election,
    /// The join integration timer (`join-integration-timeout`).
    Integration,
    /// The join finalization timer (`join-finalization-timeout`).
    Finalization,
    /// The delay before computing a transition (`transition-delay`).
    TransitionDelay,
    /// The periodic recheck (`cluster-recheck-interval`).
    Recheck,
    /// The shutdown escalation (`shutdown-escalation`).
    ShutdownEscalation,
    /// The timeout of graph action `n`.
    Action(i32),
}

/// An operation on the CIB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CibOp {
    /// The `<cib>` element without children (its version attributes).
    QueryGeneration,
    /// Make every node take the CIB of node `node`.
    SyncFrom {
        /// The node with the CIB to keep.
        node: String,
    },
    /// Merge `xml` into section `section` (`status`, `nodes`, `crm_config`,
    /// or `cib` for the root), creating what is missing: when `xml` is the
    /// section element itself its children are merged, otherwise `xml` is
    /// merged as a child, matched by element name and `id`.
    Modify {
        /// The section.
        section: String,
        /// The update.
        xml: Element,
    },
    /// Delete everything matching `xpath`.
    Delete {
        /// The XPath.
        xpath: String,
    },
    /// Several operations applied atomically.
    Transaction(Vec<CibOp>),
}

/// A request to the local executor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRequest {
    /// The resource.
    pub rsc: RscInfo,
    /// The task (start, stop, monitor, ...).
    pub task: String,
    /// Interval in milliseconds.
    pub interval_ms: u64,
    /// Parameters (instance and `CRM_meta_*` attributes).
    pub params: BTreeMap<String, String>,
    /// Timeout.
    pub timeout: Duration,
    /// Transition key to report the result under.
    pub transition_key: Option<String>,
}

/// A command from the controller core.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Send a message over CPG `crmd` (to one node, or to all when `to` is
    /// `None`; a broadcast comes back to us too).
    Send {
        /// Recipient node name, or `None` for everyone.
        to: Option<String>,
        /// The message.
        message: CrmdMessage,
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
    /// Connect to a local daemon; answer with `Event::Connected`.
    Connect(Daemon),
    /// Disconnect from a local daemon.
    Disconnect(Daemon),
    /// Read the cluster options from the CIB; answer with `Event::Config`.
    ReadConfig,
    /// Change or query the CIB; when `call_id` is set, answer with
    /// `Event::CibReply`.
    Cib {
        /// Call id for the reply, or `None` when no reply is wanted.
        call_id: Option<u64>,
        /// The operation.
        op: CibOp,
    },
    /// Run the scheduler on the current CIB; answer with
    /// `Event::SchedulerReply` carrying `reference`.
    InvokeScheduler {
        /// Reference of the request.
        reference: u64,
    },
    /// Run an operation on the local executor; answer with
    /// `Event::ExecResult`.
    Exec(ExecRequest),
    /// Fence a node; answer with `Event::FenceResult`.
    Fence {
        /// Graph action number.
        action_id: i32,
        /// Node to fence.
        target: String,
        /// `reboot`, `off` or `on`.
        op: String,
        /// Time allowed.
        timeout: Duration,
    },
    /// Set (or, with `None`, delete) a node attribute through attrd.
    UpdateAttribute {
        /// Node name.
        node: String,
        /// Attribute name.
        name: String,
        /// New value (`value++` increments).
        value: Option<String>,
    },
    /// Run an alert agent through the local executor (no answer: the
    /// outcome is only logged).
    Alert(AlertRun),
    /// Exit the process with this code (100 = do not respawn).
    Exit(CrmExit),
}
