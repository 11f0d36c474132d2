//! Connections from the tools to the cluster daemons other than the CIB
//! manager: the controller (`controld.sock`, `controld.proto`), the
//! attribute manager (`attrd.sock`, `attrd.proto`) and the launcher
//! (`pacemakerd.sock`, `pacemakerd.proto`), in the run directory
//! (`PCMK_run_dir`). Each call opens its own connection, as Pacemaker's
//! tools do.
//!
//! A daemon that is not running answers as Pacemaker's IPC does: the
//! connection is refused (`ECONNREFUSED`, exit code 102).

use std::future::Future;
use std::time::Duration;

use pcmk_common::exit::CrmExit;
use pcmk_common::paths::Paths;
use pcmk_proto::attrd as pa;
use pcmk_proto::controld as pc;
use pcmk_proto::fenced as pf;
use pcmk_proto::pacemakerd as pp;
use tonic::transport::Channel;

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
    /// `pacemaker-fenced`.
    Fencer,
}

impl Daemon {
    /// The socket name in the run directory.
    pub fn socket_name(self) -> &'static str {
        match self {
            Daemon::Controller => "controld",
            Daemon::Attrd => "attrd",
            Daemon::Pacemakerd => "pacemakerd",
            Daemon::Fencer => "fenced",
        }
    }

    /// The name Pacemaker's messages use (`pcmk_ipc_name(api, true)`).
    pub fn log_name(self) -> &'static str {
        match self {
            Daemon::Controller => "controller",
            Daemon::Attrd => "attribute manager",
            Daemon::Pacemakerd => "launcher",
            Daemon::Fencer => "fencer",
        }
    }
}

/// `ECONNREFUSED`, as Pacemaker reports a daemon that is not running.
pub fn refused() -> Failure {
    Failure::new(CrmExit::Disconnect, "Connection refused")
}

/// How long a request may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `call` on a connection to `daemon`, within the timeout.
fn with_channel<T, F, Fut>(daemon: Daemon, call: F) -> Result<T, Failure>
where
    F: FnOnce(Channel) -> Fut,
    Fut: Future<Output = Result<T, tonic::Status>>,
{
    let path = Paths::from_process().socket(daemon.socket_name());
    if !path.exists() {
        return Err(refused());
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(CrmExit::OsErr, e.to_string()))?;
    rt.block_on(async {
        let channel =
            match tokio::time::timeout(Duration::from_secs(5), pcmk_proto::uds::connect(&path))
                .await
            {
                Ok(Ok(c)) => c,
                Ok(Err(_)) => return Err(refused()),
                Err(_) => return Err(Failure::new(CrmExit::Timeout, "Timer expired")),
            };
        match tokio::time::timeout(TIMEOUT, call(channel)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(s)) => Err(status_failure(&s)),
            Err(_) => Err(Failure::new(CrmExit::Timeout, "Timer expired")),
        }
    })
}

/// A failed call, as the standard return code Pacemaker would report.
fn status_failure(s: &tonic::Status) -> Failure {
    match s.code() {
        tonic::Code::Unavailable | tonic::Code::Cancelled | tonic::Code::Aborted => refused(),
        tonic::Code::Unimplemented => Failure::new(CrmExit::Protocol, "Protocol not supported"),
        tonic::Code::PermissionDenied => {
            Failure::new(CrmExit::InsufficientPriv, "Permission denied")
        }
        tonic::Code::DeadlineExceeded => Failure::new(CrmExit::Timeout, "Timer expired"),
        _ => Failure::new(CrmExit::Error, s.message().to_string()),
    }
}

/// A reply's exit code and message as a result.
fn result(exit_code: i32, message: &str) -> Result<(), Failure> {
    if exit_code == 0 {
        return Ok(());
    }
    let exit = CrmExit::from_code(i64::from(exit_code)).unwrap_or(CrmExit::Error);
    let text = if message.is_empty() {
        exit.description().to_string()
    } else {
        message.to_string()
    };
    Err(Failure::new(exit, text))
}

/// The user whose ACLs apply to a request (`CIB_user`, else the caller).
pub fn request_user() -> String {
    std::env::var("CIB_user")
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| {
            nix::unistd::User::from_uid(nix::unistd::geteuid())
                .ok()
                .flatten()
                .map(|u| u.name)
        })
        .unwrap_or_default()
}

/// Information the controller gives about its node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeInfo {
    /// Cluster node id.
    pub id: u32,
    /// Node name.
    pub name: Option<String>,
    /// Whether the node's partition has quorum.
    pub have_quorum: bool,
    /// Whether the node is the DC.
    pub is_dc: bool,
}

/// A node the controller knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerNode {
    /// Cluster node id.
    pub id: u32,
    /// Node name.
    pub name: Option<String>,
    /// Membership state (`member`, `lost`).
    pub state: Option<String>,
}

/// The controller's own state (`ping` reply).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ping {
    /// The node that answered.
    pub node: String,
    /// Its FSA state (`S_IDLE`).
    pub state: String,
    /// `ok` when healthy.
    pub result: String,
    /// The DC it knows of.
    pub dc: Option<String>,
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Asks the controller about the local node.
pub fn node_info() -> Result<NodeInfo, Failure> {
    with_channel(Daemon::Controller, |ch| async move {
        let r = pc::controller_client::ControllerClient::new(ch)
            .node_info(pc::NodeInfoRequest {})
            .await?
            .into_inner();
        Ok(NodeInfo {
            id: r.id,
            name: non_empty(r.name),
            have_quorum: r.have_quorum,
            is_dc: r.is_dc,
        })
    })
}

/// Asks the controller for the nodes it knows (only those of its
/// partition with `partition_only`).
pub fn list_nodes(partition_only: bool) -> Result<Vec<PeerNode>, Failure> {
    with_channel(Daemon::Controller, |ch| async move {
        let r = pc::controller_client::ControllerClient::new(ch)
            .list_nodes(pc::ListNodesRequest { partition_only })
            .await?
            .into_inner();
        Ok(r.nodes
            .into_iter()
            .map(|n| PeerNode {
                id: n.id,
                name: non_empty(n.name),
                state: non_empty(n.state),
            })
            .collect())
    })
}

/// Whether the local partition has quorum.
pub fn quorum() -> Result<bool, Failure> {
    with_channel(Daemon::Controller, |ch| async move {
        let r = pc::controller_client::ControllerClient::new(ch)
            .quorum(pc::QuorumRequest {})
            .await?
            .into_inner();
        Ok(r.quorate)
    })
}

/// Asks the local controller for its state.
pub fn controller_ping() -> Result<Ping, Failure> {
    with_channel(Daemon::Controller, |ch| async move {
        let r = pc::controller_client::ControllerClient::new(ch)
            .ping(pc::PingRequest {})
            .await?
            .into_inner();
        Ok(Ping {
            node: r.node,
            state: r.state,
            result: r.result,
            dc: non_empty(r.dc),
        })
    })
}

/// The designated controller, `None` when none is elected.
pub fn designated_controller() -> Result<Option<String>, Failure> {
    with_channel(Daemon::Controller, |ch| async move {
        let r = pc::controller_client::ControllerClient::new(ch)
            .designated_controller(pc::DcRequest {})
            .await?
            .into_inner();
        Ok(non_empty(r.dc))
    })
}

/// Asks the controller to forget a node.
pub fn controller_remove_node(name: Option<&str>, id: u32) -> Result<(), Failure> {
    let name = name.unwrap_or_default().to_string();
    with_channel(Daemon::Controller, |ch| async move {
        let r = pc::controller_client::ControllerClient::new(ch)
            .remove_node(pc::RemoveNodeRequest { name, id })
            .await?
            .into_inner();
        Ok(r)
    })
    .and_then(|r| result(r.exit_code, &r.message))
}

/// A resource for the controller's history requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceRef {
    /// Node whose history it is (empty: the local node).
    pub node: String,
    /// Resource id.
    pub resource: String,
    /// Agent class.
    pub class: String,
    /// Agent provider.
    pub provider: String,
    /// Agent type.
    pub agent: String,
    /// Only this operation.
    pub operation: String,
    /// Only this interval.
    pub interval_ms: u64,
}

impl ResourceRef {
    fn request(&self) -> pc::ResourceRequest {
        pc::ResourceRequest {
            node: self.node.clone(),
            resource: self.resource.clone(),
            class: self.class.clone(),
            provider: self.provider.clone(),
            r#type: self.agent.clone(),
            operation: self.operation.clone(),
            interval_ms: self.interval_ms,
            user: request_user(),
        }
    }
}

/// Asks the controller to forget a resource's history on a node.
pub fn delete_resource_history(rsc: &ResourceRef) -> Result<(), Failure> {
    let req = rsc.request();
    with_channel(Daemon::Controller, |ch| async move {
        Ok(pc::controller_client::ControllerClient::new(ch)
            .delete_resource_history(req)
            .await?
            .into_inner())
    })
    .and_then(|r| result(r.exit_code, &r.message))
}

/// Asks the controller to record a failure of a resource.
pub fn fail_resource(rsc: &ResourceRef) -> Result<(), Failure> {
    let req = rsc.request();
    with_channel(Daemon::Controller, |ch| async move {
        Ok(pc::controller_client::ControllerClient::new(ch)
            .fail_resource(req)
            .await?
            .into_inner())
    })
    .and_then(|r| result(r.exit_code, &r.message))
}

/// Asks the controller to re-probe a node (every node when `None`).
pub fn reprobe(node: Option<&str>) -> Result<(), Failure> {
    let req = pc::ReprobeRequest {
        node: node.unwrap_or_default().to_string(),
        user: request_user(),
    };
    with_channel(Daemon::Controller, |ch| async move {
        Ok(pc::controller_client::ControllerClient::new(ch)
            .reprobe(req)
            .await?
            .into_inner())
    })
    .and_then(|r| result(r.exit_code, &r.message))
}

/// An attribute update or deletion for the attribute manager.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttrUpdate {
    /// Attribute name (or use `pattern`).
    pub name: String,
    /// Regular expression of attribute names.
    pub pattern: String,
    /// New value; `None` deletes.
    pub value: Option<String>,
    /// Node (empty: the local node).
    pub host: String,
    /// New write delay (empty: unchanged).
    pub delay: String,
    /// Update the value, the delay, or both.
    pub task: AttrTask,
    /// `utilization` or empty for instance attributes.
    pub set_type: String,
    /// Id of the attribute set.
    pub set_id: String,
    /// Never written to the CIB.
    pub private: bool,
    /// Wait point (`local`, `cluster`; empty: none).
    pub sync_point: String,
}

/// What an attribute update changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AttrTask {
    /// The value.
    #[default]
    Value,
    /// Value and delay.
    Both,
    /// The delay only.
    Delay,
}

/// Sends an update to the attribute manager.
pub fn attrd_update(u: &AttrUpdate) -> Result<(), Failure> {
    let req = pa::UpdateRequest {
        name: u.name.clone(),
        pattern: u.pattern.clone(),
        value: u.value.clone(),
        host: u.host.clone(),
        delay: u.delay.clone(),
        task: match u.task {
            AttrTask::Value => pa::UpdateTask::Value,
            AttrTask::Both => pa::UpdateTask::Both,
            AttrTask::Delay => pa::UpdateTask::Delay,
        } as i32,
        set_type: u.set_type.clone(),
        set_id: u.set_id.clone(),
        private: u.private,
        user: request_user(),
        sync_point: u.sync_point.clone(),
    };
    with_channel(Daemon::Attrd, |ch| async move {
        Ok(pa::attrd_client::AttrdClient::new(ch)
            .update(req)
            .await?
            .into_inner())
    })
    .and_then(|r| result(r.exit_code, &r.message))
}

/// An attribute's values as the attribute manager holds them: node and
/// value.
pub fn attrd_query(
    name: &str,
    host: Option<&str>,
    all_nodes: bool,
) -> Result<Vec<(String, Option<String>)>, Failure> {
    let req = pa::QueryRequest {
        name: name.to_string(),
        host: host.unwrap_or_default().to_string(),
        all_nodes,
    };
    let r = with_channel(Daemon::Attrd, |ch| async move {
        Ok(pa::attrd_client::AttrdClient::new(ch)
            .query(req)
            .await?
            .into_inner())
    })?;
    result(r.exit_code, &r.message)?;
    Ok(r.values.into_iter().map(|v| (v.host, v.value)).collect())
}

/// Asks the attribute manager to write every attribute again.
pub fn attrd_refresh() -> Result<(), Failure> {
    with_channel(Daemon::Attrd, |ch| async move {
        Ok(pa::attrd_client::AttrdClient::new(ch)
            .refresh(pa::RefreshRequest {})
            .await?
            .into_inner())
    })
    .and_then(|r| result(r.exit_code, &r.message))
}

/// Asks the attribute manager to clear fail counts (all of a field when
/// empty).
pub fn attrd_clear_failures(
    resource: Option<&str>,
    operation: Option<&str>,
    interval: Option<&str>,
    host: Option<&str>,
) -> Result<(), Failure> {
    let req = pa::ClearFailureRequest {
        resource: resource.unwrap_or_default().to_string(),
        operation: operation.unwrap_or_default().to_string(),
        interval: interval.unwrap_or_default().to_string(),
        host: host.unwrap_or_default().to_string(),
    };
    with_channel(Daemon::Attrd, |ch| async move {
        Ok(pa::attrd_client::AttrdClient::new(ch)
            .clear_failure(req)
            .await?
            .into_inner())
    })
    .and_then(|r| result(r.exit_code, &r.message))
}

/// Asks the attribute manager to forget a node.
pub fn attrd_remove_peer(host: Option<&str>, id: u32) -> Result<(), Failure> {
    let req = pa::RemovePeerRequest {
        host: host.unwrap_or_default().to_string(),
        id,
    };
    with_channel(Daemon::Attrd, |ch| async move {
        Ok(pa::attrd_client::AttrdClient::new(ch)
            .remove_peer(req)
            .await?
            .into_inner())
    })
    .and_then(|r| result(r.exit_code, &r.message))
}

/// `pacemakerd`'s state and when it last changed (epoch seconds).
pub fn pacemakerd_state() -> Result<(String, i64), Failure> {
    with_channel(Daemon::Pacemakerd, |ch| async move {
        let r = pp::pacemakerd_client::PacemakerdClient::new(ch)
            .status(pp::StatusRequest {})
            .await?
            .into_inner();
        Ok((r.state, r.last_update))
    })
}

/// The friendly text of a `pacemakerd` state name
/// (`pcmk__pcmkd_state_enum2friendly`).
pub fn pacemakerd_friendly(state: &str) -> &'static str {
    match state {
        "init" => "Initializing pacemaker",
        "starting_daemons" => "Pacemaker daemons are starting",
        "wait_for_ping" => "Waiting for startup trigger from SBD",
        "running" => "Pacemaker is running",
        "shutting_down" => "Pacemaker daemons are shutting down",
        "shutdown_complete" => "Pacemaker daemons are shut down (reporting to SBD)",
        "remote" => "pacemaker-remoted is running (on a Pacemaker Remote node)",
        _ => "Invalid pacemakerd state",
    }
}

/// The fencer's history of fencing actions, for every target.
pub fn fence_history() -> Result<Vec<pf::HistoryEntry>, Failure> {
    with_channel(Daemon::Fencer, |ch| async move {
        let r = pf::fencer_client::FencerClient::new(ch)
            .history(pf::HistoryRequest {
                target: String::new(),
                cleanup: false,
            })
            .await?
            .into_inner();
        Ok(r.entries)
    })
}
