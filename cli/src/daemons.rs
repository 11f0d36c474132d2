//! Connections from the tools to the cluster daemons other than the CIB
//! manager: the controller (`controld.sock`), the attribute manager
//! (`attrd.sock`) and the launcher (`pacemakerd.sock`), in the run
//! directory (`PCMK_run_dir`).
//!
//! A daemon that is not running answers as Pacemaker's IPC does: the
//! connection is refused (`ECONNREFUSED`, exit code 102). The requests
//! themselves go over each daemon's gRPC API (`controld.proto`,
//! `attrd.proto`, `pacemakerd.proto`); until those APIs are served, a
//! daemon that accepts the connection is reported as speaking an
//! unsupported protocol, so no tool ever claims a change it did not make.

use std::time::Duration;

use pcmk_common::exit::CrmExit;
use pcmk_common::paths::Paths;

use crate::cib_session::Failure;

/// A daemon the tools talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Daemon {
    /// `pacemaker-controld`.
    Controller,
    /// `pacemaker-attrd`.
    Attrd,
    /// `pacemakerd`.
    Pacemakerd,
}

impl Daemon {
    /// The socket name in the run directory.
    pub fn socket_name(self) -> &'static str {
        match self {
            Daemon::Controller => "controld",
            Daemon::Attrd => "attrd",
            Daemon::Pacemakerd => "pacemakerd",
        }
    }

    /// The name Pacemaker's messages use (`pcmk_ipc_name(api, true)`).
    pub fn log_name(self) -> &'static str {
        match self {
            Daemon::Controller => "controller",
            Daemon::Attrd => "attribute manager",
            Daemon::Pacemakerd => "launcher",
        }
    }
}

/// `ECONNREFUSED`, as Pacemaker reports a daemon that is not running.
pub fn refused() -> Failure {
    Failure::new(CrmExit::Disconnect, "Connection refused")
}

/// `EPROTONOSUPPORT`: the daemon does not serve the request's API.
pub fn unsupported() -> Failure {
    Failure::new(CrmExit::Protocol, "Protocol not supported")
}

/// Opens a connection to `daemon` (within five seconds).
pub fn connect(daemon: Daemon) -> Result<tonic::transport::Channel, Failure> {
    let path = Paths::from_process().socket(daemon.socket_name());
    if !path.exists() {
        return Err(refused());
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(CrmExit::OsErr, e.to_string()))?;
    rt.block_on(async {
        match tokio::time::timeout(Duration::from_secs(5), pcmk_proto::uds::connect(&path)).await {
            Ok(Ok(channel)) => Ok(channel),
            Ok(Err(_)) => Err(refused()),
            Err(_) => Err(Failure::new(CrmExit::Timeout, "Timer expired")),
        }
    })
}

/// Information the controller gives about a node (`node-info` reply).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeInfo {
    /// Cluster node id.
    pub id: u32,
    /// Node name.
    pub name: Option<String>,
    /// Node uuid.
    pub uuid: Option<String>,
    /// Membership state (`member`, `lost`).
    pub state: Option<String>,
    /// Whether the node's partition has quorum.
    pub have_quorum: bool,
    /// Whether it is a Pacemaker Remote node.
    pub is_remote: bool,
}

/// A node of the controller's peer cache (`list_nodes` reply).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerNode {
    /// Cluster node id.
    pub id: u32,
    /// Node name.
    pub name: Option<String>,
    /// Membership state.
    pub state: Option<String>,
}

/// Asks the controller about node `id` (0: the local node).
pub fn node_info(id: u32) -> Result<NodeInfo, Failure> {
    let _channel = connect(Daemon::Controller)?;
    let _ = id;
    Err(unsupported())
}

/// Asks the controller for every node it knows.
pub fn list_nodes() -> Result<Vec<PeerNode>, Failure> {
    let _channel = connect(Daemon::Controller)?;
    Err(unsupported())
}

/// Asks the controller of `node` (the DC when `None`) for its state:
/// the node that answered, its FSA state and its result.
pub fn controller_ping(node: Option<&str>) -> Result<(String, String, String), Failure> {
    let _channel = connect(Daemon::Controller)?;
    let _ = node;
    Err(unsupported())
}

/// Asks the attribute manager to update (`Some(value)`) or delete a
/// node attribute.
pub fn attrd_update(
    node: Option<&str>,
    name: &str,
    value: Option<&str>,
    set: Option<&str>,
) -> Result<(), Failure> {
    let _channel = connect(Daemon::Attrd)?;
    let _ = (node, name, value, set);
    Err(unsupported())
}

/// Asks `pacemakerd` for its state.
pub fn pacemakerd_state() -> Result<String, Failure> {
    let _channel = connect(Daemon::Pacemakerd)?;
    Err(unsupported())
}
