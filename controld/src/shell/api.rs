//! The controller's API (`controld.proto` on `controld.sock`), for
//! `crmadmin`, `crm_node` and `crm_resource`. Questions are answered
//! from a snapshot of the controller taken after every event; requests
//! that act (forget history, fail a resource, re-probe, forget a node)
//! go to the main loop, which sends them to the controller of the node
//! concerned over the cluster, as Pacemaker routes them.

use std::sync::{Arc, RwLock};

use pcmk_common::exit::CrmExit;
use pcmk_common::paths::Paths;
use pcmk_proto::controld as pb;
use pcmk_proto::controld::controller_server::{Controller as ControllerApi, ControllerServer};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::{Request, Response, Status};
use tracing::Instrument;

use super::{Input, InputTx, Shell};
use crate::core::controller::Controller;
use crate::core::history::RscInfo;
use crate::core::message::CrmdMessage;

/// What the API knows of one node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeStatus {
    /// Cluster id.
    pub id: u32,
    /// Name.
    pub name: String,
    /// In the cluster layer's membership.
    pub member: bool,
    /// Its controller is up.
    pub controller: bool,
    /// Its join phase (as the DC tracks it).
    pub join: String,
    /// What the DC expects of it (`""` when unknown).
    pub expected: String,
}

/// The controller as the API shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// This node's name.
    pub node: String,
    /// This node's id.
    pub id: u32,
    /// The FSA state (`S_IDLE`, ...).
    pub state: String,
    /// The DC, if known.
    pub dc: Option<String>,
    /// Whether this node is the DC.
    pub is_dc: bool,
    /// Whether this partition has quorum.
    pub quorate: bool,
    /// The current join round.
    pub join_id: i32,
    /// Every known node.
    pub nodes: Vec<NodeStatus>,
}

/// A snapshot of `ctl`.
pub(crate) fn snapshot(ctl: &Controller, quorate: bool) -> Snapshot {
    Snapshot {
        node: ctl.node_name().to_string(),
        id: ctl.peers().get(ctl.node_name()).map_or(0, |p| p.node.id),
        state: ctl.state().to_string(),
        dc: ctl.dc().map(str::to_string),
        is_dc: ctl.is_dc(),
        quorate,
        join_id: ctl.join_id(),
        nodes: ctl
            .peers()
            .iter()
            .map(|p| NodeStatus {
                id: p.node.id,
                name: p.node.name.clone(),
                member: p.member,
                controller: p.controller,
                join: p.join.text().to_string(),
                expected: p.expected.map_or("", |e| e.text()).to_string(),
            })
            .collect(),
    }
}

/// A request that needs the main loop.
#[derive(Debug)]
pub(crate) struct ApiRequest {
    /// The node the request is for (`None`: every node).
    to: Option<String>,
    message: CrmdMessage,
    reply: oneshot::Sender<pb::ResultReply>,
}

fn result(code: CrmExit, message: impl Into<String>) -> pb::ResultReply {
    pb::ResultReply {
        exit_code: i32::from(code.code()),
        message: message.into(),
    }
}

/// Carries out an API request in the main loop.
pub(crate) fn handle(shell: &mut Shell, req: ApiRequest) {
    let known = match &req.to {
        None => true,
        Some(n) => shell.ctl.peers().get(n).is_some_and(|p| p.controller),
    };
    let reply = if !known {
        result(
            CrmExit::NoSuch,
            format!(
                "No controller on node {}",
                req.to.as_deref().unwrap_or_default()
            ),
        )
    } else {
        tracing::info!(
            task = req.message.task(),
            to = req.to.as_deref().unwrap_or("all"),
            "Forwarding a request from the API"
        );
        let me = shell.ctl.node_name().to_string();
        shell.cluster.send(&me, req.to, req.message);
        result(CrmExit::OK, "")
    };
    let _ = req.reply.send(reply);
}

struct Api {
    snapshot: Arc<RwLock<Snapshot>>,
    tx: InputTx,
}

impl Api {
    fn snap(&self) -> Result<Snapshot, Status> {
        self.snapshot
            .read()
            .map(|s| s.clone())
            .map_err(|_| Status::internal("controller state unavailable"))
    }

    async fn ask(
        &self,
        to: Option<String>,
        message: CrmdMessage,
    ) -> Result<pb::ResultReply, Status> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Input::Api(ApiRequest { to, message, reply }))
            .map_err(|_| Status::unavailable("controller is shutting down"))?;
        rx.await
            .map_err(|_| Status::unavailable("controller is shutting down"))
    }

    /// The node a resource request is for (the local node when empty).
    fn target(&self, node: &str) -> Result<String, Status> {
        Ok(if node.is_empty() {
            self.snap()?.node
        } else {
            node.to_string()
        })
    }
}

fn rsc_of(r: &pb::ResourceRequest) -> Result<RscInfo, Status> {
    if r.resource.is_empty() {
        return Err(Status::invalid_argument("no resource given"));
    }
    Ok(RscInfo {
        id: r.resource.clone(),
        standard: r.class.clone(),
        provider: (!r.provider.is_empty()).then(|| r.provider.clone()),
        kind: r.r#type.clone(),
    })
}

#[tonic::async_trait]
impl ControllerApi for Api {
    async fn ping(&self, _r: Request<pb::PingRequest>) -> Result<Response<pb::PingReply>, Status> {
        let s = self.snap()?;
        Ok(Response::new(pb::PingReply {
            node: s.node,
            state: s.state,
            result: "ok".into(),
            dc: s.dc.unwrap_or_default(),
        }))
    }

    async fn designated_controller(
        &self,
        _r: Request<pb::DcRequest>,
    ) -> Result<Response<pb::DcReply>, Status> {
        Ok(Response::new(pb::DcReply {
            dc: self.snap()?.dc.unwrap_or_default(),
        }))
    }

    async fn node_info(
        &self,
        _r: Request<pb::NodeInfoRequest>,
    ) -> Result<Response<pb::NodeInfoReply>, Status> {
        let s = self.snap()?;
        Ok(Response::new(pb::NodeInfoReply {
            name: s.node,
            id: s.id,
            have_quorum: s.quorate,
            is_dc: s.is_dc,
        }))
    }

    async fn list_nodes(
        &self,
        r: Request<pb::ListNodesRequest>,
    ) -> Result<Response<pb::ListNodesReply>, Status> {
        let partition_only = r.into_inner().partition_only;
        let s = self.snap()?;
        let nodes = s
            .nodes
            .into_iter()
            .filter(|n| !partition_only || n.member)
            .map(|n| pb::NodeEntry {
                id: n.id,
                name: n.name,
                state: if n.member { "member" } else { "lost" }.into(),
                controller: n.controller,
            })
            .collect();
        Ok(Response::new(pb::ListNodesReply { nodes }))
    }

    async fn quorum(
        &self,
        _r: Request<pb::QuorumRequest>,
    ) -> Result<Response<pb::QuorumReply>, Status> {
        Ok(Response::new(pb::QuorumReply {
            quorate: self.snap()?.quorate,
        }))
    }

    async fn remove_node(
        &self,
        r: Request<pb::RemoveNodeRequest>,
    ) -> Result<Response<pb::ResultReply>, Status> {
        let r = r.into_inner();
        let s = self.snap()?;
        let known = s.nodes.iter().find(|n| {
            (!r.name.is_empty() && n.name.eq_ignore_ascii_case(&r.name))
                || (r.id != 0 && n.id == r.id)
        });
        let (id, name) = match known {
            Some(n) if n.member || n.controller => {
                return Ok(Response::new(result(
                    CrmExit::Unsafe,
                    format!("Node {} is still part of the cluster", n.name),
                )));
            }
            Some(n) => (n.id, n.name.clone()),
            None if !r.name.is_empty() => (r.id, r.name),
            None => {
                return Ok(Response::new(result(
                    CrmExit::NoSuch,
                    format!("No node with id {}", r.id),
                )));
            }
        };
        let reply = self
            .ask(None, CrmdMessage::RemoveNodeCache { id, name })
            .await?;
        Ok(Response::new(reply))
    }

    async fn delete_resource_history(
        &self,
        r: Request<pb::ResourceRequest>,
    ) -> Result<Response<pb::ResultReply>, Status> {
        let r = r.into_inner();
        let rsc = rsc_of(&r)?;
        let operation = (!r.operation.is_empty()).then(|| (r.operation.clone(), r.interval_ms));
        let to = self.target(&r.node)?;
        let reply = self
            .ask(Some(to), CrmdMessage::LrmDelete { rsc, operation })
            .await?;
        Ok(Response::new(reply))
    }

    async fn fail_resource(
        &self,
        r: Request<pb::ResourceRequest>,
    ) -> Result<Response<pb::ResultReply>, Status> {
        let r = r.into_inner();
        let rsc = rsc_of(&r)?;
        let to = self.target(&r.node)?;
        let reply = self.ask(Some(to), CrmdMessage::LrmFail { rsc }).await?;
        Ok(Response::new(reply))
    }

    async fn reprobe(
        &self,
        r: Request<pb::ReprobeRequest>,
    ) -> Result<Response<pb::ResultReply>, Status> {
        let r = r.into_inner();
        let to = (!r.node.is_empty()).then_some(r.node);
        let reply = self.ask(to, CrmdMessage::Reprobe).await?;
        Ok(Response::new(reply))
    }

    async fn join_states(
        &self,
        _r: Request<pb::JoinStatesRequest>,
    ) -> Result<Response<pb::JoinStatesReply>, Status> {
        let s = self.snap()?;
        Ok(Response::new(pb::JoinStatesReply {
            join_id: s.join_id,
            nodes: s
                .nodes
                .into_iter()
                .map(|n| pb::JoinState {
                    node: n.name,
                    phase: n.join,
                    expected: n.expected,
                })
                .collect(),
        }))
    }
}

/// Serves the API on `controld.sock` until the returned task is aborted.
pub(crate) fn serve(
    paths: &Paths,
    snapshot: Arc<RwLock<Snapshot>>,
    tx: InputTx,
) -> Result<JoinHandle<()>, pcmk_proto::uds::UdsError> {
    let socket = paths.socket("controld");
    let listener = pcmk_proto::uds::bind(&socket, 0o660)?;
    let api = Api { snapshot, tx };
    Ok(tokio::spawn(
        async move {
            let served = tonic::transport::Server::builder()
                .add_service(ControllerServer::new(api))
                .serve_with_incoming(pcmk_proto::uds::incoming(listener))
                .await;
            if let Err(e) = served {
                tracing::error!("The controller API stopped: {e}");
            }
        }
        .in_current_span(),
    ))
}
