//! The gRPC API on `attrd.sock` (`attrd.proto`): each call becomes an
//! [`Input`] for the daemon's loop, which owns the core.

use std::time::Duration;

use pcmk_common::exit::CrmExit;
use pcmk_proto::attrd as pb;
use tokio::sync::{mpsc, oneshot};
use tonic::{Request, Response, Status};

use crate::core::{AttrdError, UpdateRequest, UpdateTask};

/// How long a client waits for its change to come back over CPG before it
/// is answered anyway (the change was sent; corosync is slow).
pub const DELIVERY_WAIT: Duration = Duration::from_secs(10);

/// A client request for the daemon's loop.
#[derive(Debug)]
pub enum Input {
    /// `Update`: answered once the broadcast is delivered back.
    Update(UpdateRequest, oneshot::Sender<Result<Delivery, AttrdError>>),
    /// `Query`: a name and a host (`None`: every node).
    Query(
        String,
        Option<String>,
        oneshot::Sender<Result<Values, AttrdError>>,
    ),
    /// `Refresh`.
    Refresh(oneshot::Sender<()>),
    /// `ClearFailure`: resource, operation, interval (ms), host.
    ClearFailure(
        Option<String>,
        Option<String>,
        u64,
        Option<String>,
        oneshot::Sender<Delivery>,
    ),
    /// `RemovePeer`: a name, or a node id.
    RemovePeer(
        Option<String>,
        u32,
        oneshot::Sender<Result<Delivery, AttrdError>>,
    ),
}

/// An attribute's values: (node, value), unset values included.
pub type Values = Vec<(String, Option<String>)>;

/// Resolves once a broadcast is delivered back to its sender.
pub type Delivery = oneshot::Receiver<()>;

/// The service; cheap to clone.
#[derive(Debug, Clone)]
pub struct Service {
    tx: mpsc::UnboundedSender<Input>,
    local: String,
}

impl Service {
    /// A service feeding `tx`, on node `local`.
    pub fn new(tx: mpsc::UnboundedSender<Input>, local: &str) -> Service {
        Service {
            tx,
            local: local.to_string(),
        }
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Input) -> Result<T, Status> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(make(tx))
            .map_err(|_| Status::unavailable("attribute manager is shutting down"))?;
        rx.await
            .map_err(|_| Status::unavailable("attribute manager is shutting down"))
    }
}

fn reply(code: CrmExit, message: impl Into<String>) -> pb::Reply {
    pb::Reply {
        exit_code: i32::from(code.code()),
        message: message.into(),
    }
}

fn error_reply(e: &AttrdError) -> pb::Reply {
    reply(e.exit_code(), e.to_string())
}

/// Waits for a delivery, giving up quietly after [`DELIVERY_WAIT`].
async fn delivered(d: Delivery) {
    if tokio::time::timeout(DELIVERY_WAIT, d).await.is_err() {
        tracing::warn!("Change not delivered back within {DELIVERY_WAIT:?}; answering anyway");
    }
}

fn some(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The user whose ACLs apply: a privileged caller (root, `hacluster`) may
/// name one; anyone else's own name is used.
fn acl_user<T>(req: &Request<T>, asked: &str) -> Option<String> {
    match pcmk_proto::uds::peer_cred(req) {
        None => some(asked.to_string()),
        Some(c) => {
            let name = c.user_name();
            let privileged = c.uid == 0
                || name.as_deref() == Some(pcmk_common::daemon::account::CLUSTER_USER)
                || c.uid == nix::unistd::geteuid().as_raw();
            if privileged {
                some(asked.to_string())
            } else {
                Some(name.unwrap_or_else(|| format!("#{}", c.uid)))
            }
        }
    }
}

/// Reads an interval as Pacemaker does (`5s`, `PT1M`, plain seconds).
fn interval(text: &str) -> Option<Duration> {
    pcmk_controld::core::interval::parse_interval(text)
}

#[tonic::async_trait]
impl pb::attrd_server::Attrd for Service {
    async fn update(&self, req: Request<pb::UpdateRequest>) -> Result<Response<pb::Reply>, Status> {
        let user = acl_user(&req, &req.get_ref().user);
        let r = req.into_inner();
        let dampen = if r.delay.is_empty() {
            None
        } else {
            match interval(&r.delay) {
                Some(d) => Some(d),
                None => {
                    return Ok(Response::new(reply(
                        CrmExit::InvalidParam,
                        format!("invalid delay '{}'", r.delay),
                    )));
                }
            }
        };
        let task = match pb::UpdateTask::try_from(r.task) {
            Ok(pb::UpdateTask::Value) => UpdateTask::Value,
            Ok(pb::UpdateTask::Both) => UpdateTask::Both,
            Ok(pb::UpdateTask::Delay) => UpdateTask::Delay,
            Err(_) => {
                return Ok(Response::new(reply(
                    CrmExit::InvalidParam,
                    format!("unknown update task {}", r.task),
                )));
            }
        };
        let update = UpdateRequest {
            name: some(r.name),
            pattern: some(r.pattern),
            value: r.value,
            host: some(r.host),
            dampen,
            task: Some(task),
            set_type: some(r.set_type),
            set_id: some(r.set_id),
            private: r.private,
            user,
        };
        match self.ask(|t| Input::Update(update, t)).await? {
            Ok(d) => {
                delivered(d).await;
                Ok(Response::new(reply(CrmExit::OK, "OK")))
            }
            Err(e) => Ok(Response::new(error_reply(&e))),
        }
    }

    async fn query(
        &self,
        req: Request<pb::QueryRequest>,
    ) -> Result<Response<pb::QueryReply>, Status> {
        let q = req.into_inner();
        let host = if q.all_nodes {
            None
        } else {
            Some(some(q.host).unwrap_or_else(|| self.local.clone()))
        };
        let name = q.name.clone();
        Ok(Response::new(
            match self.ask(|t| Input::Query(name, host, t)).await? {
                Ok(values) => pb::QueryReply {
                    exit_code: 0,
                    message: "OK".into(),
                    name: q.name,
                    values: values
                        .into_iter()
                        .map(|(host, value)| pb::AttributeValue { host, value })
                        .collect(),
                },
                Err(e) => pb::QueryReply {
                    exit_code: i32::from(e.exit_code().code()),
                    message: e.to_string(),
                    name: q.name,
                    values: Vec::new(),
                },
            },
        ))
    }

    async fn refresh(
        &self,
        _req: Request<pb::RefreshRequest>,
    ) -> Result<Response<pb::Reply>, Status> {
        self.ask(Input::Refresh).await?;
        Ok(Response::new(reply(CrmExit::OK, "OK")))
    }

    async fn clear_failure(
        &self,
        req: Request<pb::ClearFailureRequest>,
    ) -> Result<Response<pb::Reply>, Status> {
        let r = req.into_inner();
        let interval_ms = if r.interval.is_empty() {
            0
        } else {
            match interval(&r.interval) {
                Some(d) => u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
                None => {
                    return Ok(Response::new(reply(
                        CrmExit::InvalidParam,
                        format!("invalid interval '{}'", r.interval),
                    )));
                }
            }
        };
        let d = self
            .ask(|t| {
                Input::ClearFailure(
                    some(r.resource),
                    some(r.operation),
                    interval_ms,
                    some(r.host),
                    t,
                )
            })
            .await?;
        delivered(d).await;
        Ok(Response::new(reply(CrmExit::OK, "OK")))
    }

    async fn remove_peer(
        &self,
        req: Request<pb::RemovePeerRequest>,
    ) -> Result<Response<pb::Reply>, Status> {
        let r = req.into_inner();
        if r.host.is_empty() && r.id == 0 {
            return Ok(Response::new(reply(
                CrmExit::InvalidParam,
                "a node name or id is required",
            )));
        }
        match self
            .ask(|t| Input::RemovePeer(some(r.host), r.id, t))
            .await?
        {
            Ok(d) => {
                delivered(d).await;
                Ok(Response::new(reply(CrmExit::OK, "OK")))
            }
            Err(e) => Ok(Response::new(error_reply(&e))),
        }
    }
}
