//! The fencer's async shell: one task owns the [`Fencer`] core and carries
//! out its commands (agents, timers, peer messages, replies); the gRPC API
//! talks to it over a channel. Stand-alone, peer messages loop back to the
//! same core; in a cluster they go out on CPG `stonith-ng` ([`crate::cluster`]).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pcmk_execd::dirs::AgentDirs;
use pcmk_proto::fenced as pb;
use tokio::sync::{Mutex, mpsc, oneshot};
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

use crate::cib::CibSource;
use crate::core::{Command, FenceRequest, Fencer, Now, PeerMsg, Reply, RequestId, Timer};
use crate::device::Device;
use crate::history::{FenceResult, HistoryEntry};
use crate::topology::TargetSpec;

/// Daemon settings.
#[derive(Debug, Clone)]
pub struct FencedConfig {
    /// This node's name.
    pub node: String,
    /// Agent directories.
    pub dirs: AgentDirs,
    /// CIB file to read devices and topology from, if any.
    pub cib_file: Option<PathBuf>,
    /// Join the cluster (CPG `stonith-ng`, the CIB manager) rather than
    /// run stand-alone.
    pub cluster: bool,
}

/// Where the core's peer messages go.
#[derive(Debug, Clone)]
pub enum Outbox {
    /// Stand-alone: back to this node's own core.
    Loop,
    /// Encoded, to the CPG sender task (which keeps their order).
    Cpg(mpsc::UnboundedSender<Vec<u8>>),
}

enum Api {
    Register(Device, oneshot::Sender<Result<(), String>>),
    Remove(String, oneshot::Sender<bool>),
    Level(
        bool,
        TargetSpec,
        u32,
        Vec<String>,
        oneshot::Sender<Result<(), String>>,
    ),
    Query(Option<String>, String, u32, oneshot::Sender<Reply>),
    Action(String, String, Option<String>, u32, oneshot::Sender<Reply>),
    Fence(FenceRequest, oneshot::Sender<Reply>),
    History(Option<String>, bool, oneshot::Sender<Vec<HistoryEntry>>),
    Subscribe(mpsc::Sender<Result<pb::Event, Status>>),
    LoadCib(crate::cib::FencingConfig, Vec<Device>),
}

enum Event {
    Api(Api),
    AgentDone(u64, FenceResult),
    Timer(Timer, u64),
    Peer(String, PeerMsg),
    Members(Vec<String>),
}

/// Handle to a running fencer.
#[derive(Clone)]
pub struct FencerService {
    tx: mpsc::UnboundedSender<Event>,
    node: String,
    dirs: AgentDirs,
    metadata: Arc<Mutex<crate::agent::MetadataCache>>,
}

struct Loop {
    core: Fencer,
    dirs: AgentDirs,
    tx: mpsc::UnboundedSender<Event>,
    outbox: Outbox,
    timers: HashMap<Timer, u64>,
    timer_gen: u64,
    next_request: RequestId,
    waiting: HashMap<RequestId, oneshot::Sender<Reply>>,
    subscribers: Vec<mpsc::Sender<Result<pb::Event, Status>>>,
    start: Instant,
}

fn now_of(start: Instant) -> Now {
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Now {
        mono_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        epoch: (
            i64::try_from(wall.as_secs()).unwrap_or(0),
            i64::from(wall.subsec_nanos()),
        ),
    }
}

impl Loop {
    fn request(&mut self, reply: oneshot::Sender<Reply>) -> RequestId {
        self.next_request += 1;
        self.waiting.insert(self.next_request, reply);
        self.next_request
    }

    fn handle(&mut self, ev: Event) {
        let now = now_of(self.start);
        match ev {
            Event::AgentDone(cmd, r) => self.core.agent_done(now, cmd, r),
            Event::Timer(id, generation) => {
                if self.timers.get(&id) == Some(&generation) {
                    self.timers.remove(&id);
                    self.core.timer(now, id);
                }
            }
            Event::Peer(from, msg) => self.core.peer_message(now, &from, msg),
            Event::Members(names) => self.core.membership(now, &names),
            Event::Api(api) => match api {
                Api::Register(dev, r) => {
                    let _ = r.send(
                        self.core
                            .register_device(dev, false)
                            .map_err(|e| e.to_string()),
                    );
                }
                Api::Remove(id, r) => {
                    let _ = r.send(self.core.remove_device(&id, false));
                }
                Api::Level(add, t, i, d, r) => {
                    let res = if add {
                        self.core.register_level(t, i, &d)
                    } else {
                        self.core.remove_level(&t, i)
                    };
                    let _ = r.send(res.map_err(|e| e.to_string()));
                }
                Api::Query(target, action, timeout, r) => {
                    let id = self.request(r);
                    self.core
                        .query(now, id, target.as_deref(), &action, timeout);
                }
                Api::Action(dev, action, target, timeout, r) => {
                    let id = self.request(r);
                    self.core
                        .device_action(now, id, &dev, &action, target.as_deref(), timeout);
                }
                Api::Fence(req, r) => {
                    let id = self.request(r);
                    self.core.fence(now, id, req);
                }
                Api::History(target, cleanup, r) => {
                    if cleanup {
                        self.core.cleanup_history(target.as_deref());
                        let _ = r.send(Vec::new());
                    } else {
                        let _ = r.send(self.core.history(target.as_deref()));
                    }
                }
                Api::Subscribe(s) => self.subscribers.push(s),
                Api::LoadCib(cfg, devices) => {
                    self.core.load_cib(devices, cfg.levels, cfg.node_attrs);
                }
            },
        }
        loop {
            let out = self.core.take_output();
            if out.is_empty() {
                break;
            }
            for c in out {
                self.apply(c);
            }
        }
    }

    fn apply(&mut self, c: Command) {
        match c {
            Command::RunAgent {
                cmd,
                agent,
                args,
                timeout_s,
            } => {
                let tx = self.tx.clone();
                let dirs = self.dirs.clone();
                tokio::spawn(async move {
                    let r = crate::agent::run(&dirs, &agent, &args, timeout_s).await;
                    let _ = tx.send(Event::AgentDone(cmd, r));
                });
            }
            Command::SetTimer { id, after_ms } => {
                self.timer_gen += 1;
                let generation = self.timer_gen;
                self.timers.insert(id.clone(), generation);
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(after_ms)).await;
                    let _ = tx.send(Event::Timer(id, generation));
                });
            }
            Command::CancelTimer { id } => {
                self.timers.remove(&id);
            }
            Command::Send { to, msg } => {
                let local = self.core.local_node().to_string();
                match &self.outbox {
                    // Stand-alone: this node is the whole cluster.
                    Outbox::Loop => {
                        if to.as_deref().is_none_or(|t| t.eq_ignore_ascii_case(&local)) {
                            let _ = self.tx.send(Event::Peer(local, msg));
                        }
                    }
                    Outbox::Cpg(cpg) => {
                        let _ = cpg.send(crate::wire::encode(&msg, &local, to.as_deref()));
                    }
                }
            }
            Command::Reply { request, reply } => {
                if let Some(w) = self.waiting.remove(&request) {
                    let _ = w.send(reply);
                }
            }
            Command::Notify(e) => {
                let ev = pb::Event {
                    kind: if e.state.pending() {
                        "history"
                    } else {
                        "fence"
                    }
                    .to_string(),
                    op: Some(entry_pb(&e)),
                };
                self.subscribers
                    .retain(|s| s.try_send(Ok(ev.clone())).is_ok());
            }
        }
    }
}

/// Converts a result to its wire form.
pub fn result_pb(r: &FenceResult) -> pb::Result {
    pb::Result {
        exit_status: r.exit_status,
        exec_status: r.exec_status,
        exit_reason: r.exit_reason.clone().unwrap_or_default(),
        output: r.output.clone().unwrap_or_default(),
    }
}

fn ok_pb() -> pb::Result {
    result_pb(&FenceResult::ok())
}

fn invalid_pb(reason: String) -> pb::Result {
    // PCMK_EXEC_INVALID with CRM_EX_INVALID_PARAM, as the fencer answers bad requests.
    pb::Result {
        exit_status: 2,
        exec_status: 9,
        exit_reason: reason,
        output: String::new(),
    }
}

/// Converts a history entry to its wire form.
pub fn entry_pb(e: &HistoryEntry) -> pb::HistoryEntry {
    pb::HistoryEntry {
        id: e.id.clone(),
        target: e.target.clone(),
        action: e.action.clone(),
        origin: e.origin.clone(),
        delegate: e.delegate.clone().unwrap_or_default(),
        client: e.client.clone(),
        state: e.state.code(),
        completed: e.completed.0,
        completed_nsec: e.completed.1,
        result: Some(result_pb(&e.result)),
    }
}

fn level_target(l: &pb::Level) -> Option<TargetSpec> {
    if !l.target.is_empty() {
        Some(TargetSpec::Name(l.target.clone()))
    } else if !l.target_pattern.is_empty() {
        Some(TargetSpec::Pattern(l.target_pattern.clone()))
    } else if !l.target_attribute.is_empty() {
        Some(TargetSpec::Attribute {
            name: l.target_attribute.clone(),
            value: l.target_value.clone(),
        })
    } else {
        None
    }
}

impl FencerService {
    /// Starts the fencer task; its peer messages go to `outbox`.
    pub fn start(cfg: &FencedConfig, outbox: Outbox) -> FencerService {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        let mut lp = Loop {
            core: Fencer::new(&cfg.node, seed),
            dirs: cfg.dirs.clone(),
            tx: tx.clone(),
            outbox,
            timers: HashMap::new(),
            timer_gen: 0,
            next_request: 0,
            waiting: HashMap::new(),
            subscribers: Vec::new(),
            start: Instant::now(),
        };
        tokio::spawn(async move {
            while let Some(ev) = rx.recv().await {
                lp.handle(ev);
            }
        });
        FencerService {
            tx,
            node: cfg.node.clone(),
            dirs: cfg.dirs.clone(),
            metadata: Arc::default(),
        }
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Api) -> Result<T, Status> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Event::Api(make(tx)))
            .map_err(|_| Status::unavailable("fencer is shutting down"))?;
        rx.await
            .map_err(|_| Status::unavailable("fencer is shutting down"))
    }

    async fn build_device(
        &self,
        id: &str,
        agent: &str,
        params: BTreeMap<String, String>,
    ) -> Device {
        let info = self.metadata.lock().await.info(&self.dirs, agent).await;
        Device::new(id, agent, params, info)
    }

    /// A message from a peer fencer (already meant for this node).
    pub fn peer_message(&self, from: String, msg: PeerMsg) {
        let _ = self.tx.send(Event::Peer(from, msg));
    }

    /// The nodes whose fencer is in the CPG group now.
    pub fn members(&self, names: Vec<String>) {
        let _ = self.tx.send(Event::Members(names));
    }

    /// Loads devices and topology from a CIB source.
    pub async fn load_cib(&self, src: &mut dyn CibSource) -> Result<(), String> {
        let cfg = src.load()?;
        self.apply_cib(cfg).await
    }

    /// Replaces the CIB's devices, topology and node attributes with `cfg`.
    pub async fn apply_cib(&self, cfg: crate::cib::FencingConfig) -> Result<(), String> {
        let mut devices = Vec::new();
        for d in &cfg.devices {
            if d.disabled {
                tracing::info!(device = %d.id, "device {} is disabled (target-role=Stopped)", d.id);
                continue;
            }
            if !cfg.allowed_on(&d.id, &self.node) {
                tracing::info!(device = %d.id, "device {} has been disabled on {}: banned by a location constraint", d.id, self.node);
                continue;
            }
            let mut dev = self.build_device(&d.id, &d.agent, d.params.clone()).await;
            dev.provides_unfencing = d.provides_unfencing;
            devices.push(dev);
        }
        self.tx
            .send(Event::Api(Api::LoadCib(cfg, devices)))
            .map_err(|_| "fencer is shutting down".to_string())
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Result<pb::Event, Status>> + Send>>;

#[tonic::async_trait]
impl pb::fencer_server::Fencer for FencerService {
    async fn register_device(
        &self,
        req: Request<pb::Device>,
    ) -> Result<Response<pb::Result>, Status> {
        let d = req.into_inner();
        if d.id.is_empty() || d.agent.is_empty() {
            return Ok(Response::new(invalid_pb(
                "device id and agent are required".into(),
            )));
        }
        if !pcmk_execd::dirs::is_plain_name(&d.agent) || !self.dirs.fence_agent(&d.agent).exists() {
            return Ok(Response::new(pb::Result {
                exit_status: 5,
                exec_status: crate::core::local_exec::NOT_INSTALLED,
                exit_reason: format!("Agent {} not found", d.agent),
                output: String::new(),
            }));
        }
        let dev = self
            .build_device(&d.id, &d.agent, d.params.into_iter().collect())
            .await;
        Ok(Response::new(
            match self.ask(|t| Api::Register(dev, t)).await? {
                Ok(()) => ok_pb(),
                Err(e) => invalid_pb(e),
            },
        ))
    }

    async fn remove_device(
        &self,
        req: Request<pb::DeviceRef>,
    ) -> Result<Response<pb::Result>, Status> {
        let id = req.into_inner().id;
        self.ask(|t| Api::Remove(id, t)).await?;
        Ok(Response::new(ok_pb()))
    }

    async fn register_level(
        &self,
        req: Request<pb::Level>,
    ) -> Result<Response<pb::Result>, Status> {
        let l = req.into_inner();
        let Some(t) = level_target(&l) else {
            return Ok(Response::new(invalid_pb(format!(
                "Invalid target for topology level '{}'",
                l.id
            ))));
        };
        let index = u32::try_from(l.index).unwrap_or(0);
        Ok(Response::new(
            match self
                .ask(|r| Api::Level(true, t, index, l.devices, r))
                .await?
            {
                Ok(()) => ok_pb(),
                Err(e) => invalid_pb(e),
            },
        ))
    }

    async fn remove_level(&self, req: Request<pb::Level>) -> Result<Response<pb::Result>, Status> {
        let l = req.into_inner();
        let Some(t) = level_target(&l) else {
            return Ok(Response::new(invalid_pb(
                "Invalid target for topology level".into(),
            )));
        };
        let index = u32::try_from(l.index).unwrap_or(u32::MAX);
        Ok(Response::new(
            match self
                .ask(|r| Api::Level(false, t, index, Vec::new(), r))
                .await?
            {
                Ok(()) => ok_pb(),
                Err(e) => invalid_pb(e),
            },
        ))
    }

    async fn query(
        &self,
        req: Request<pb::QueryRequest>,
    ) -> Result<Response<pb::DeviceList>, Status> {
        let q = req.into_inner();
        let target = (!q.target.is_empty()).then_some(q.target);
        let action = if q.action.is_empty() {
            "off".to_string()
        } else {
            q.action
        };
        let timeout = if q.timeout_s == 0 { 120 } else { q.timeout_s };
        let reply = self.ask(|r| Api::Query(target, action, timeout, r)).await?;
        let devices = match reply {
            Reply::Devices(d) => d,
            _ => Vec::new(),
        };
        Ok(Response::new(pb::DeviceList {
            result: Some(ok_pb()),
            devices,
        }))
    }

    async fn device_action(
        &self,
        req: Request<pb::DeviceActionRequest>,
    ) -> Result<Response<pb::Result>, Status> {
        let q = req.into_inner();
        if !matches!(q.action.as_str(), "monitor" | "list" | "status") {
            return Ok(Response::new(invalid_pb(format!(
                "Invalid device action '{}'",
                q.action
            ))));
        }
        let target = (!q.target.is_empty()).then_some(q.target);
        let timeout = if q.timeout_s == 0 { 120 } else { q.timeout_s };
        let reply = self
            .ask(|r| Api::Action(q.device, q.action, target, timeout, r))
            .await?;
        Ok(Response::new(match reply {
            Reply::Action(r) => result_pb(&r),
            _ => invalid_pb("unexpected reply".into()),
        }))
    }

    async fn fence(
        &self,
        req: Request<pb::FenceRequest>,
    ) -> Result<Response<pb::FenceReply>, Status> {
        let q = req.into_inner();
        if q.target.is_empty() || !matches!(q.action.as_str(), "reboot" | "off" | "on") {
            return Ok(Response::new(pb::FenceReply {
                result: Some(invalid_pb(
                    "a target and an action (reboot, off, on) are required".into(),
                )),
                op: None,
            }));
        }
        let freq = FenceRequest {
            target: q.target,
            action: q.action,
            timeout_s: if q.timeout_s == 0 { 120 } else { q.timeout_s },
            delay_s: q.delay_s,
            tolerance_s: q.tolerance_s,
            client: if q.client_name.is_empty() {
                "unknown".into()
            } else {
                q.client_name
            },
            manual_ack: q.manual_ack,
        };
        let reply = self.ask(|r| Api::Fence(freq, r)).await?;
        Ok(Response::new(match reply {
            Reply::Fence(r, e) => pb::FenceReply {
                result: Some(result_pb(&r)),
                op: Some(entry_pb(&e)),
            },
            _ => pb::FenceReply {
                result: Some(invalid_pb("unexpected reply".into())),
                op: None,
            },
        }))
    }

    async fn history(
        &self,
        req: Request<pb::HistoryRequest>,
    ) -> Result<Response<pb::HistoryReply>, Status> {
        let q = req.into_inner();
        let target = (!q.target.is_empty()).then_some(q.target);
        let entries = self.ask(|r| Api::History(target, q.cleanup, r)).await?;
        Ok(Response::new(pb::HistoryReply {
            result: Some(ok_pb()),
            entries: entries.iter().map(entry_pb).collect(),
        }))
    }

    type SubscribeStream = EventStream;

    async fn subscribe(
        &self,
        _req: Request<pb::SubscribeRequest>,
    ) -> Result<Response<EventStream>, Status> {
        let (tx, rx) = mpsc::channel(1024);
        self.tx
            .send(Event::Api(Api::Subscribe(tx)))
            .map_err(|_| Status::unavailable("fencer is shutting down"))?;
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        )))
    }
}

/// Errors of the daemon as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The socket could not be bound.
    #[error(transparent)]
    Socket(#[from] pcmk_proto::uds::UdsError),
    /// The gRPC server failed.
    #[error("fencer server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// The CIB could not be read.
    #[error("{0}")]
    Cib(String),
    /// The cluster layer could not be joined.
    #[error("could not connect to the cluster layer: {0}")]
    Cluster(String),
    /// The connection to corosync or the CIB manager was lost.
    #[error("lost connection to {0}")]
    Lost(String),
}

impl ServeError {
    /// The exit code: 100 (do not respawn) when start-up failed, 107 when
    /// a connection was lost (pacemakerd respawns the fencer).
    pub fn exit_code(&self) -> pcmk_common::exit::CrmExit {
        match self {
            ServeError::Lost(_) => pcmk_common::exit::CrmExit::Disconnect,
            _ => pcmk_common::exit::CrmExit::Fatal,
        }
    }
}

/// Serves the fencer API on `socket` until `shutdown` resolves.
pub async fn serve(
    socket: PathBuf,
    cfg: FencedConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let (lost_tx, mut lost_rx) = mpsc::unbounded_channel::<String>();
    let mut cfg = cfg;
    let (svc, cluster) = if cfg.cluster {
        let link = crate::cluster::join().await.map_err(ServeError::Cluster)?;
        cfg.node = link.node().to_string();
        pcmk_common::daemon::logging::set_node(&cfg.node);
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        let svc = FencerService::start(&cfg, Outbox::Cpg(out_tx));
        let cib = crate::cluster::connect_cib(&pcmk_common::paths::Paths::from_process())
            .await
            .map_err(ServeError::Cib)?;
        let tasks = link.run(svc.clone(), out_rx, lost_tx.clone());
        tokio::spawn(crate::cluster::watch_cib(cib, svc.clone(), lost_tx));
        (svc, Some(tasks))
    } else {
        drop(lost_tx);
        (FencerService::start(&cfg, Outbox::Loop), None)
    };
    if let Some(f) = &cfg.cib_file {
        svc.load_cib(&mut crate::cib::FileCib(f.clone()))
            .await
            .map_err(ServeError::Cib)?;
    }
    let listener = pcmk_proto::uds::bind(&socket, 0o660)?;
    // The controller runs as hacluster: let the cluster group connect.
    if let Err(e) = pcmk_common::daemon::account::share_with_cluster_group(&socket) {
        tracing::debug!(
            "could not give {} to the cluster group: {e}",
            socket.display()
        );
    }
    tracing::info!(node = %cfg.node, socket = %socket.display(), "fencer accepting connections");
    let lost = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let lost_w = lost.clone();
    let stop = async move {
        tokio::select! {
            () = shutdown => {}
            Some(what) = lost_rx.recv() => {
                tracing::error!("lost connection to {what}, shutting down");
                if let Ok(mut l) = lost_w.lock() {
                    *l = Some(what);
                }
            }
        }
    };
    tonic::transport::Server::builder()
        .add_service(pb::fencer_server::FencerServer::new(svc))
        .serve_with_incoming_shutdown(pcmk_proto::uds::incoming(listener), stop)
        .await?;
    let _ = std::fs::remove_file(&socket);
    if let Some(tasks) = cluster {
        tasks.leave().await;
    }
    match lost.lock().ok().and_then(|mut l| l.take()) {
        Some(what) => Err(ServeError::Lost(what)),
        None => Ok(()),
    }
}
