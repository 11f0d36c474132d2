//! What the controller core is told: the events its shell feeds it.

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;

use super::command::{Daemon, TimerId};
use super::options::ControllerOptions;
use crate::core::alerts::{AlertList, FenceReport};
use crate::core::history::{AgentMetadata, OpResult, RscInfo};
use crate::core::message::Envelope;
use crate::core::peers::NodeRef;
use crate::core::te::ActionEvent;

/// An event for the controller core.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The daemon started: begin connecting (raises `I_STARTUP`).
    Start,
    /// A connection asked for with `Command::Connect` is up.
    Connected(Daemon),
    /// A connection was lost.
    Disconnected(Daemon),
    /// The cluster options, read from the CIB after `Command::ReadConfig`.
    Config(ControllerOptions),
    /// The alerts configured in the CIB's `alerts` section, read with the
    /// options and again whenever that section changes.
    Alerts(AlertList),
    /// The cluster layer's membership changed (`seq` is the ring id).
    Membership {
        /// Ring id of the new membership.
        seq: u64,
        /// Every member node, this one included.
        members: Vec<NodeRef>,
    },
    /// The controllers present in the CPG group `crmd` changed.
    ControllerPeers {
        /// Nodes whose controller is in the group.
        members: Vec<NodeRef>,
    },
    /// Quorum was gained or lost.
    Quorum {
        /// Whether this partition has quorum.
        quorate: bool,
    },
    /// A message from a controller (including our own broadcasts).
    Message(Envelope),
    /// The answer to `Command::Cib` with a call id.
    CibReply {
        /// The call id of the request.
        call_id: u64,
        /// Its result: output XML, if any, or the error code.
        result: Result<Option<Element>, CrmExit>,
    },
    /// The CIB changed (a subscription notification), with the resource
    /// operation results the change recorded.
    CibChanged {
        /// The configuration section changed.
        config: bool,
        /// `lrm_rsc_op` entries added or changed in the status section.
        ops: Vec<ActionEvent>,
        /// Other status changes needing a new transition (attributes,
        /// node states), described for logs; empty when none.
        status_reason: Option<String>,
    },
    /// A timer armed with `Command::StartTimer` fired.
    Timer(TimerId),
    /// The scheduler's answer to `Command::InvokeScheduler`.
    SchedulerReply {
        /// The request's reference.
        reference: u64,
        /// The transition graph.
        graph: Element,
        /// The input it was computed from (pe-input file name), for logs.
        source: String,
    },
    /// The local executor finished an operation (`Command::Exec`).
    ExecResult {
        /// The resource.
        rsc: RscInfo,
        /// The result.
        op: OpResult,
    },
    /// An agent's meta-data, for reload and secure digests.
    Metadata {
        /// A resource using the agent.
        rsc: RscInfo,
        /// The agent's meta-data.
        metadata: AgentMetadata,
    },
    /// The result of `Command::Fence`.
    FenceResult {
        /// The graph action that asked for it.
        action_id: i32,
        /// The fenced node.
        target: String,
        /// Whether it succeeded.
        ok: bool,
    },
    /// The fencer reports a completed fencing operation, whoever asked
    /// for it (`tengine_stonith_notify()`).
    FenceNotify {
        /// The operation: target, action, who asked and executed it, and
        /// its result.
        report: FenceReport,
        /// Whether it succeeded.
        ok: bool,
    },
    /// A request to shut down (SIGTERM or pacemakerd).
    Shutdown,
}
