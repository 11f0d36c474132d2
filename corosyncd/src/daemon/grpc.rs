//! The local services (CPG, quorum, cmap, cfg) over gRPC on the Unix socket.
//!
//! Each handler checks the caller (root, or a user or group allowed by a
//! `uidgid` block), then runs a closure on the event loop that owns the
//! node; errors map to gRPC codes once, in [`status_of`].

use std::pin::Pin;

use tokio::sync::{mpsc, oneshot};
use tokio_stream::Stream;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::{Request, Response, Status};

use super::{Call, Ctx};
use crate::cmap::CmapValue;
use crate::config::typed::UidGid;
use crate::node::RequestError;
use pcmk_proto::corosync::{
    CmapChange, CmapEntries, CmapEntry, CmapKey, CmapPrefix, CmapTrackRequest, CpgEvent, CpgGroup,
    CpgGroupRequest, CpgGroups, CpgJoinRequest, CpgJoined, CpgLeaveRequest, CpgMcastRequest,
    CpgMembers, Empty, KillNodeRequest, Link, LinkNode, LinkStatusReply, LocalNode, QuorumState,
    RingId as PbRingId, SetExpectedRequest, SetVotesRequest, ShutdownRequest, VqNode, VqStatus,
    cfg_server, cmap_server, cpg_event, cpg_server, quorum_server,
};

/// Maps a request error to a gRPC status (the tools map it to `cs_error_t`).
pub(super) fn status_of(e: RequestError) -> Status {
    match e {
        RequestError::TryAgain => Status::unavailable("CS_ERR_TRY_AGAIN"),
        RequestError::NotExist => Status::not_found("CS_ERR_NOT_EXIST"),
        RequestError::Exist => Status::already_exists("CS_ERR_EXIST"),
        RequestError::InvalidParam => Status::invalid_argument("CS_ERR_INVALID_PARAM"),
        RequestError::Access => Status::permission_denied("CS_ERR_ACCESS"),
        RequestError::Busy => Status::failed_precondition("CS_ERR_BUSY"),
    }
}

#[derive(Clone)]
pub(super) struct Svc {
    tx: mpsc::Sender<Call>,
    uidgid: UidGid,
}

impl Svc {
    fn check<T>(&self, req: &Request<T>) -> Result<Option<u32>, Status> {
        let Some(cred) = pcmk_proto::uds::peer_cred(req) else {
            return Ok(None);
        };
        if cred.uid == 0 || allowed(&self.uidgid, cred.uid, cred.gid) {
            return Ok(cred.pid.and_then(|p| u32::try_from(p).ok()));
        }
        Err(Status::permission_denied(
            "CS_ERR_ACCESS: not allowed by uidgid",
        ))
    }

    async fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Ctx) -> R + Send + 'static,
    ) -> Result<R, Status> {
        let (tx, rx) = oneshot::channel();
        let call: Call = Box::new(move |ctx: &mut Ctx| {
            let _ = tx.send(f(ctx));
        });
        self.tx
            .send(call)
            .await
            .map_err(|_| Status::unavailable("corosync is shutting down"))?;
        rx.await
            .map_err(|_| Status::unavailable("corosync is shutting down"))
    }
}

fn allowed(u: &UidGid, uid: u32, gid: u32) -> bool {
    let user = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten();
    let group = nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid))
        .ok()
        .flatten();
    let uid_ok = u
        .uids
        .iter()
        .any(|x| *x == uid.to_string() || user.as_ref().is_some_and(|p| p.name == *x));
    let gid_ok = u.gids.iter().any(|x| {
        *x == gid.to_string()
            || group.as_ref().is_some_and(|g| g.name == *x)
            || user.as_ref().is_some_and(|p| {
                nix::unistd::Group::from_name(x)
                    .ok()
                    .flatten()
                    .is_some_and(|g| g.mem.contains(&p.name) || g.gid == p.gid)
            })
    });
    uid_ok || gid_ok
}

pub(super) async fn serve(
    listener: tokio::net::UnixListener,
    tx: mpsc::Sender<Call>,
    uidgid: UidGid,
) {
    let svc = Svc { tx, uidgid };
    let res = tonic::transport::Server::builder()
        .add_service(cpg_server::CpgServer::new(svc.clone()))
        .add_service(quorum_server::QuorumServer::new(svc.clone()))
        .add_service(cmap_server::CmapServer::new(svc.clone()))
        .add_service(cfg_server::CfgServer::new(svc))
        .serve_with_incoming(pcmk_proto::uds::incoming(listener))
        .await;
    if let Err(e) = res {
        tracing::error!("local IPC server stopped: {e}");
    }
}

type Events<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// The events of one CPG session. The stream is dropped when its client
/// goes away (or the session ended): a session still in the group then
/// leaves it with reason PROCDOWN, as corosync does when a client's IPC
/// connection closes, so the other members learn of it at once.
struct SessionStream {
    events: super::backlog::EventStream,
    handle: u64,
    calls: mpsc::Sender<Call>,
}

impl Stream for SessionStream {
    type Item = Result<CpgEvent, Status>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        Pin::new(&mut self.events).poll_next(cx)
    }
}

impl Drop for SessionStream {
    fn drop(&mut self) {
        let handle = self.handle;
        let call: Call = Box::new(move |ctx: &mut Ctx| {
            // A session that already left is not in the group any more.
            ctx.sessions.remove(&handle);
            let now = ctx.now();
            ctx.node.cpg_disconnect(now, handle);
        });
        if let Err(mpsc::error::TrySendError::Full(call)) = self.calls.try_send(call) {
            let calls = self.calls.clone();
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    let _ = calls.send(call).await;
                });
            }
        }
    }
}

#[tonic::async_trait]
impl cpg_server::Cpg for Svc {
    type JoinStream = Events<CpgEvent>;

    async fn join(
        &self,
        req: Request<CpgJoinRequest>,
    ) -> Result<Response<Self::JoinStream>, Status> {
        let caller = self.check(&req)?;
        let r = req.into_inner();
        let pid = if r.pid != 0 {
            r.pid
        } else {
            caller.unwrap_or(0)
        };
        let (etx, erx) = super::backlog::channel();
        let handle = self
            .call(move |ctx| {
                let now = ctx.now();
                let h = ctx.node.cpg_join(now, &r.group, pid)?;
                let joined = CpgEvent {
                    event: Some(cpg_event::Event::Joined(CpgJoined {
                        handle: h,
                        local_nodeid: ctx.node.node_id(),
                    })),
                };
                let _ = etx.send(joined);
                ctx.sessions.insert(h, etx);
                Ok::<u64, RequestError>(h)
            })
            .await?
            .map_err(status_of)?;
        tracing::debug!(handle, pid, "cpg join");
        Ok(Response::new(Box::pin(SessionStream {
            events: erx,
            handle,
            calls: self.tx.clone(),
        })))
    }

    async fn mcast(&self, req: Request<CpgMcastRequest>) -> Result<Response<Empty>, Status> {
        self.check(&req)?;
        let r = req.into_inner();
        self.call(move |ctx| {
            if ctx
                .sessions
                .get(&r.handle)
                .is_some_and(|s| s.backlog() > super::backlog::MAX_BACKLOG)
            {
                return Err(RequestError::TryAgain);
            }
            let now = ctx.now();
            ctx.node.cpg_mcast(now, r.handle, r.data)
        })
        .await?
        .map_err(status_of)?;
        Ok(Response::new(Empty {}))
    }

    async fn leave(&self, req: Request<CpgLeaveRequest>) -> Result<Response<Empty>, Status> {
        self.check(&req)?;
        let h = req.into_inner().handle;
        self.call(move |ctx| {
            let now = ctx.now();
            ctx.node
                .cpg_leave(now, h, pcmk_proto::corosync::reason::LEAVE)
        })
        .await?
        .map_err(status_of)?;
        Ok(Response::new(Empty {}))
    }

    async fn members(&self, req: Request<CpgGroupRequest>) -> Result<Response<CpgMembers>, Status> {
        self.check(&req)?;
        let g = req.into_inner().group;
        let members = self.call(move |ctx| ctx.node.cpg_members(&g)).await?;
        Ok(Response::new(CpgMembers { members }))
    }

    async fn groups(&self, req: Request<Empty>) -> Result<Response<CpgGroups>, Status> {
        self.check(&req)?;
        let groups = self
            .call(|ctx| {
                ctx.node
                    .cpg_groups()
                    .into_iter()
                    .map(|(group, members)| CpgGroup { group, members })
                    .collect()
            })
            .await?;
        Ok(Response::new(CpgGroups { groups }))
    }

    async fn local_get(&self, req: Request<Empty>) -> Result<Response<LocalNode>, Status> {
        self.check(&req)?;
        let nodeid = self.call(|ctx| ctx.node.node_id()).await?;
        Ok(Response::new(LocalNode { nodeid }))
    }
}

#[tonic::async_trait]
impl quorum_server::Quorum for Svc {
    type TrackStream = Events<QuorumState>;

    async fn get(&self, req: Request<Empty>) -> Result<Response<QuorumState>, Status> {
        self.check(&req)?;
        Ok(Response::new(self.call(|ctx| ctx.quorum_state()).await?))
    }

    async fn track(&self, req: Request<Empty>) -> Result<Response<Self::TrackStream>, Status> {
        self.check(&req)?;
        let (tx, rx) = mpsc::unbounded_channel();
        self.call(move |ctx| {
            let _ = tx.send(Ok(ctx.quorum_state()));
            ctx.quorum_trackers.push(tx);
        })
        .await?;
        Ok(Response::new(Box::pin(UnboundedReceiverStream::new(rx))))
    }

    async fn status(&self, req: Request<Empty>) -> Result<Response<VqStatus>, Status> {
        self.check(&req)?;
        Ok(Response::new(self.call(vq_status).await?))
    }

    async fn set_expected(
        &self,
        req: Request<SetExpectedRequest>,
    ) -> Result<Response<Empty>, Status> {
        self.check(&req)?;
        let n = req.into_inner().expected_votes;
        self.call(move |ctx| {
            let now = ctx.now();
            ctx.node.set_expected(now, n)
        })
        .await?
        .map_err(status_of)?;
        Ok(Response::new(Empty {}))
    }

    async fn set_votes(&self, req: Request<SetVotesRequest>) -> Result<Response<Empty>, Status> {
        self.check(&req)?;
        let r = req.into_inner();
        self.call(move |ctx| {
            let now = ctx.now();
            ctx.node.set_votes(now, r.nodeid, r.votes)
        })
        .await?
        .map_err(status_of)?;
        Ok(Response::new(Empty {}))
    }
}

fn vq_status(ctx: &mut Ctx) -> VqStatus {
    let q = ctx.node.quorum();
    let s = q.status();
    let cfg = ctx.node.config();
    let qc = q.config();
    let ring = ctx.node.ring_id();
    let nodes = q
        .nodes()
        .iter()
        .map(|(&id, info)| {
            let conf = cfg.node(id);
            VqNode {
                nodeid: id,
                votes: info.votes,
                expected_votes: info.expected_votes,
                state: if info.member { "Member" } else { "Dead" }.to_string(),
                name: conf.and_then(|n| n.name.clone()).unwrap_or_default(),
                address: conf.map(|n| n.ring0_addr.clone()).unwrap_or_default(),
            }
        })
        .collect();
    VqStatus {
        nodeid: ctx.node.node_id(),
        ring_id: Some(PbRingId {
            nodeid: ring.rep,
            seq: ring.seq,
        }),
        quorate: s.quorate,
        expected_votes: s.expected_votes,
        highest_expected: s.highest_expected,
        total_votes: s.total_votes,
        quorum: s.quorum,
        node_votes: s.node_votes,
        two_node: qc.two_node,
        wait_for_all: qc.wait_for_all,
        wait_for_all_status: s.wait_for_all_status,
        last_man_standing: qc.last_man_standing,
        auto_tie_breaker: qc.auto_tie_breaker.is_some(),
        allow_downscale: qc.allow_downscale,
        quorum_type: if qc.enabled {
            "Corosync Votequorum".into()
        } else {
            String::new()
        },
        nodes,
        members: ctx.node.members().to_vec(),
    }
}

fn entry(key: &str, v: &CmapValue) -> CmapEntry {
    CmapEntry {
        key: key.to_string(),
        r#type: v.type_name().to_string(),
        value: v.to_string(),
    }
}

#[tonic::async_trait]
impl cmap_server::Cmap for Svc {
    type TrackStream = Events<CmapChange>;

    async fn get(&self, req: Request<CmapKey>) -> Result<Response<CmapEntry>, Status> {
        self.check(&req)?;
        let key = req.into_inner().key;
        let e = self
            .call(move |ctx| ctx.node.cmap().get(&key).map(|v| entry(&key, v)))
            .await?
            .ok_or_else(|| status_of(RequestError::NotExist))?;
        Ok(Response::new(e))
    }

    async fn set(&self, req: Request<CmapEntry>) -> Result<Response<Empty>, Status> {
        self.check(&req)?;
        let e = req.into_inner();
        let v = CmapValue::parse(&e.r#type, &e.value)
            .map_err(|_| status_of(RequestError::InvalidParam))?;
        self.call(move |ctx| ctx.node.cmap_set(&e.key, v))
            .await?
            .map_err(status_of)?;
        Ok(Response::new(Empty {}))
    }

    async fn delete(&self, req: Request<CmapKey>) -> Result<Response<Empty>, Status> {
        self.check(&req)?;
        let key = req.into_inner().key;
        self.call(move |ctx| ctx.node.cmap_delete(&key))
            .await?
            .map_err(status_of)?;
        Ok(Response::new(Empty {}))
    }

    async fn iterate(&self, req: Request<CmapPrefix>) -> Result<Response<CmapEntries>, Status> {
        self.check(&req)?;
        let prefix = req.into_inner().prefix;
        let entries = self
            .call(move |ctx| {
                ctx.node
                    .cmap()
                    .iter_prefix(&prefix)
                    .map(|(k, v)| entry(k, v))
                    .collect()
            })
            .await?;
        Ok(Response::new(CmapEntries { entries }))
    }

    async fn track(
        &self,
        req: Request<CmapTrackRequest>,
    ) -> Result<Response<Self::TrackStream>, Status> {
        self.check(&req)?;
        let r = req.into_inner();
        let (tx, rx) = mpsc::unbounded_channel();
        self.call(move |ctx| ctx.cmap_trackers.push((r.key, r.prefix, tx)))
            .await?;
        Ok(Response::new(Box::pin(UnboundedReceiverStream::new(rx))))
    }
}

#[tonic::async_trait]
impl cfg_server::Cfg for Svc {
    async fn reload(&self, req: Request<Empty>) -> Result<Response<Empty>, Status> {
        self.check(&req)?;
        self.call(|ctx| match super::load_config(&ctx.config_path) {
            Ok((cfg, files)) => {
                tracing::info!(node = ctx.node.node_id(), "Config reload requested");
                ctx.node.reload(cfg, &files);
                Ok(())
            }
            Err(e) => {
                tracing::error!(node = ctx.node.node_id(), "Config reload failed: {e}");
                Err(Status::invalid_argument(format!(
                    "CS_ERR_INVALID_PARAM: {e}"
                )))
            }
        })
        .await??;
        Ok(Response::new(Empty {}))
    }

    async fn shutdown(&self, req: Request<ShutdownRequest>) -> Result<Response<Empty>, Status> {
        self.check(&req)?;
        let flags = req.into_inner().flags;
        self.call(move |ctx| {
            if flags == 0 && ctx.node.local_sessions() > 0 {
                return Err(status_of(RequestError::Busy));
            }
            ctx.exit = Some("shutdown requested by cfg".into());
            Ok(())
        })
        .await??;
        Ok(Response::new(Empty {}))
    }

    async fn kill_node(&self, req: Request<KillNodeRequest>) -> Result<Response<Empty>, Status> {
        self.check(&req)?;
        let r = req.into_inner();
        self.call(move |ctx| {
            let now = ctx.now();
            ctx.node.kill_node(now, r.nodeid, &r.reason)
        })
        .await?
        .map_err(status_of)?;
        Ok(Response::new(Empty {}))
    }

    async fn link_status(&self, req: Request<Empty>) -> Result<Response<LinkStatusReply>, Status> {
        self.check(&req)?;
        let reply = self
            .call(|ctx| {
                let me = ctx.node.node_id();
                let cfg = ctx.node.config();
                let members = ctx.node.members();
                let nodes = cfg
                    .nodes
                    .iter()
                    .map(|n| LinkNode {
                        nodeid: n.nodeid,
                        connected: n.nodeid == me
                            || members.contains(&n.nodeid)
                            || ctx.last_heard.get(&n.nodeid).is_some_and(|t| {
                                t.elapsed().as_millis() < u128::from(cfg.timeouts().token)
                            }),
                        local: n.nodeid == me,
                    })
                    .collect();
                LinkStatusReply {
                    local_nodeid: me,
                    transport: cfg.totem.transport.name().to_string(),
                    links: vec![Link {
                        link_id: 0,
                        address: cfg
                            .node(me)
                            .map(|n| n.ring0_addr.clone())
                            .unwrap_or_default(),
                        nodes,
                    }],
                }
            })
            .await?;
        Ok(Response::new(reply))
    }
}
