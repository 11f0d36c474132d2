//! The daemon's async shell: one task owns the [`Engine`], carries out its
//! commands (processes, signals, timers, notifications) and answers the
//! gRPC API; agents run as tokio tasks reporting back on a channel.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nix::sys::signal::Signal;
use pcmk_common::exit::CrmExit;
use pcmk_proto::execd as pb;
use tokio::sync::{mpsc, oneshot};
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

use crate::dirs::AgentDirs;
use crate::engine::{
    CallId, Command, Engine, EngineConfig, EngineError, ExecRequest, KillSignal, Now, OpResult,
    TimerId,
};
use crate::invocation::{Prepared, prepare};
use crate::op::{OpSpec, RawOutcome, ResourceDef, Termination};
use crate::runner::{self, ProcessHandle};
use crate::systemd::SystemdBus;

/// Daemon settings.
#[derive(Debug, Clone)]
pub struct ExecdConfig {
    /// Agent directories.
    pub dirs: AgentDirs,
    /// Engine settings.
    pub engine: EngineConfig,
    /// Most bytes kept per output stream of an agent.
    pub output_limit: usize,
    /// The fencer's socket (fence devices are run there).
    pub fencer_socket: PathBuf,
}

impl Default for ExecdConfig {
    fn default() -> Self {
        ExecdConfig {
            dirs: AgentDirs::from_process(),
            engine: EngineConfig::default(),
            output_limit: crate::output::MAX_OUTPUT,
            fencer_socket: pcmk_common::paths::Paths::from_process().socket("fenced"),
        }
    }
}

/// Meta-data by (class, provider, agent).
type MetadataCache = HashMap<(String, String, String), String>;

/// Requests from the API to the engine task.
enum Req {
    Register(ResourceDef, oneshot::Sender<Result<(), EngineError>>),
    Unregister(String, oneshot::Sender<bool>),
    Info(String, oneshot::Sender<Option<ResourceDef>>),
    Exec(ExecRequest, oneshot::Sender<Result<CallId, EngineError>>),
    Cancel(
        String,
        String,
        u32,
        oneshot::Sender<Result<(), EngineError>>,
    ),
    Recurring(
        Option<String>,
        oneshot::Sender<BTreeMap<String, Vec<crate::engine::RecurringOp>>>,
    ),
    History(Option<String>, oneshot::Sender<Vec<OpResult>>),
    Subscribe(mpsc::Sender<Result<pb::OpResult, Status>>),
}

/// Events from the runtime to the engine task.
enum Event {
    Api(Req),
    AgentDone(CallId, RawOutcome),
    FenceDone(String, String, bool),
    Timer(TimerId, u64),
}

/// Handle to a running executor loop.
#[derive(Clone)]
pub struct Executor {
    tx: mpsc::UnboundedSender<Event>,
    dirs: AgentDirs,
    metadata: Arc<Mutex<MetadataCache>>,
    systemd: SystemdBus,
    alert_sequence: Arc<std::sync::atomic::AtomicU64>,
    output_limit: usize,
}

struct Loop {
    engine: Engine,
    cfg: ExecdConfig,
    tx: mpsc::UnboundedSender<Event>,
    procs: HashMap<CallId, ProcessHandle>,
    timers: HashMap<TimerId, u64>,
    timer_gen: u64,
    subscribers: Vec<mpsc::Sender<Result<pb::OpResult, Status>>>,
    fence_devices: HashMap<String, crate::fencing::ProbeState>,
    systemd: SystemdBus,
    /// Running systemd operations, by the channel that abandons them.
    systemd_ops: HashMap<CallId, oneshot::Sender<()>>,
    start: Instant,
}

fn now_of(start: Instant) -> Now {
    Now {
        mono_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        epoch_s: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0)),
    }
}

impl Loop {
    fn run_commands(&mut self) {
        loop {
            let cmds = self.engine.take_output();
            if cmds.is_empty() {
                return;
            }
            for c in cmds {
                self.apply(c);
            }
        }
    }

    fn apply(&mut self, c: Command) {
        match c {
            Command::Spawn { call_id, spec } => self.spawn(call_id, &spec),
            Command::Signal { call_id, signal } => {
                if let Some(p) = self.procs.get(&call_id) {
                    p.signal_group(match signal {
                        KillSignal::Term => Signal::SIGTERM,
                        KillSignal::Kill => Signal::SIGKILL,
                    });
                } else if let Some(abandon) = self.systemd_ops.remove(&call_id) {
                    // No process: the D-Bus exchange is abandoned instead.
                    let _ = abandon.send(());
                }
            }
            Command::SetTimer { id, after_ms } => {
                self.timer_gen += 1;
                let generation = self.timer_gen;
                self.timers.insert(id, generation);
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(after_ms)).await;
                    let _ = tx.send(Event::Timer(id, generation));
                });
            }
            Command::CancelTimer { id } => {
                self.timers.remove(&id);
            }
            Command::Notify(r) => {
                let msg = to_pb(&r);
                self.subscribers
                    .retain(|s| match s.try_send(Ok(msg.clone())) {
                        Ok(()) => true,
                        Err(mpsc::error::TrySendError::Closed(_)) => false,
                        Err(mpsc::error::TrySendError::Full(_)) => {
                            tracing::warn!("dropping executor subscriber that does not keep up");
                            false
                        }
                    });
            }
        }
    }

    fn spawn(&mut self, call_id: CallId, spec: &OpSpec) {
        let tx = self.tx.clone();
        if crate::standard::Standard::parse(&spec.rsc.class)
            == Some(crate::standard::Standard::Stonith)
        {
            return self.spawn_fencing(call_id, spec);
        }
        if let Some(target) = crate::invocation::systemd_target(&self.cfg.dirs, spec) {
            return self.spawn_systemd(call_id, spec, target);
        }
        let inherited = |k: &str| std::env::var_os(k).is_some();
        match prepare(&self.cfg.dirs, spec, &inherited) {
            Prepared::Done(t, out) => {
                let mut o = RawOutcome::without_process(t);
                if let Some(text) = out {
                    o.stdout = crate::output::Captured::new(text.len());
                    o.stdout.push(text.as_bytes());
                }
                let _ = tx.send(Event::AgentDone(call_id, o));
            }
            Prepared::Run(inv) => match runner::spawn(&inv, self.cfg.output_limit) {
                Ok((handle, fut)) => {
                    self.procs.insert(call_id, handle);
                    tokio::spawn(async move {
                        let o = fut.await;
                        let _ = tx.send(Event::AgentDone(call_id, o));
                    });
                }
                Err(f) => {
                    let _ = tx.send(Event::AgentDone(
                        call_id,
                        RawOutcome::without_process(Termination::NotStarted(f)),
                    ));
                }
            },
        }
    }

    /// systemd units are driven over D-Bus by a task that can be abandoned
    /// (at the timeout, or when a recurring monitor is cancelled).
    fn spawn_systemd(
        &mut self,
        call_id: CallId,
        spec: &OpSpec,
        target: crate::invocation::SystemdTarget,
    ) {
        let tx = self.tx.clone();
        let (abandon_tx, abandon_rx) = oneshot::channel();
        self.systemd_ops.insert(call_id, abandon_tx);
        let bus = self.systemd.clone();
        let dirs = self.cfg.dirs.clone();
        let spec = spec.clone();
        tokio::spawn(async move {
            let run = crate::systemd::run(&bus, &dirs, &spec, target);
            let o = tokio::select! {
                o = run => o,
                Ok(()) = abandon_rx => RawOutcome::without_process(Termination::Signaled(
                    Signal::SIGKILL as i32,
                )),
            };
            let _ = tx.send(Event::AgentDone(call_id, o));
        });
    }

    /// Fence devices go to the fencer; probes answer from memory.
    fn spawn_fencing(&mut self, call_id: CallId, spec: &OpSpec) {
        use crate::fencing::{ProbeState, probe, run};
        let tx = self.tx.clone();
        let state = self
            .fence_devices
            .get(&spec.rsc.id)
            .copied()
            .unwrap_or(ProbeState::Stopped);
        if spec.action == "monitor" && spec.interval_ms == 0 {
            let _ = tx.send(Event::AgentDone(call_id, probe(state)));
            return;
        }
        let socket = self.cfg.fencer_socket.clone();
        let spec = spec.clone();
        tokio::spawn(async move {
            let o = run(&socket, &spec).await;
            let ok = matches!(o.termination, Termination::Synthetic { rc: 0, .. });
            let _ = tx.send(Event::FenceDone(
                spec.rsc.id.clone(),
                spec.action.clone(),
                ok,
            ));
            let _ = tx.send(Event::AgentDone(call_id, o));
        });
    }

    fn handle(&mut self, ev: Event) {
        let now = now_of(self.start);
        match ev {
            Event::FenceDone(rsc, action, ok) => {
                use crate::fencing::ProbeState;
                match (action.as_str(), ok) {
                    ("start", true) => {
                        self.fence_devices.insert(rsc, ProbeState::Running);
                    }
                    ("stop", true) => {
                        self.fence_devices.insert(rsc, ProbeState::Stopped);
                    }
                    _ => {}
                }
            }
            Event::AgentDone(id, o) => {
                self.procs.remove(&id);
                self.systemd_ops.remove(&id);
                self.engine.agent_done(now, id, o);
            }
            Event::Timer(id, generation) => {
                if self.timers.get(&id) == Some(&generation) {
                    self.timers.remove(&id);
                    self.engine.timer(now, id);
                }
            }
            Event::Api(req) => match req {
                Req::Register(def, r) => {
                    let _ = r.send(self.engine.register(def));
                }
                Req::Unregister(id, r) => {
                    let _ = r.send(self.engine.unregister(now, &id));
                }
                Req::Info(id, r) => {
                    let _ = r.send(self.engine.resource(&id).cloned());
                }
                Req::Exec(req, r) => {
                    let _ = r.send(self.engine.exec(now, req));
                }
                Req::Cancel(rsc, action, interval, r) => {
                    let _ = r.send(self.engine.cancel(now, &rsc, &action, interval));
                }
                Req::Recurring(rsc, r) => {
                    let _ = r.send(self.engine.recurring(rsc.as_deref()));
                }
                Req::History(rsc, r) => {
                    let _ = r.send(self.engine.history(rsc.as_deref()));
                }
                Req::Subscribe(s) => self.subscribers.push(s),
            },
        }
        self.run_commands();
    }
}

fn pb_rsc(d: &ResourceDef) -> pb::Resource {
    pb::Resource {
        id: d.id.clone(),
        class: d.class.clone(),
        provider: d.provider.clone().unwrap_or_default(),
        r#type: d.agent.clone(),
    }
}

fn rsc_def(r: &pb::Resource) -> ResourceDef {
    ResourceDef {
        id: r.id.clone(),
        class: r.class.clone(),
        provider: (!r.provider.is_empty()).then(|| r.provider.clone()),
        agent: r.r#type.clone(),
    }
}

/// Converts an engine result to its wire form.
pub fn to_pb(r: &OpResult) -> pb::OpResult {
    pb::OpResult {
        rsc_id: r.rsc.id.clone(),
        action: r.action.clone(),
        interval_ms: r.interval_ms,
        call_id: r.call_id,
        rc: r.rc,
        op_status: r.status.code(),
        exit_reason: r.exit_reason.clone().unwrap_or_default(),
        stdout: r.stdout.clone(),
        stderr: r.stderr.clone(),
        timeout_ms: r.timeout_ms,
        start_delay_ms: r.start_delay_ms,
        run_time: r.run_time,
        rc_change_time: r.rc_change_time,
        exec_time_ms: r.exec_time_ms,
        queue_time_ms: r.queue_time_ms,
        params: r.params.clone().into_iter().collect(),
        meta: r.meta.clone().into_iter().collect(),
        user_data: r.user_data.clone(),
        rsc_deleted: r.rsc_deleted,
        pid: r.pid,
        rsc: Some(pb_rsc(&r.rsc)),
    }
}

fn ack(rc: CrmExit, message: impl Into<String>) -> pb::Ack {
    pb::Ack {
        rc: i32::from(rc.code()),
        message: message.into(),
    }
}

impl Executor {
    /// Starts the engine task.
    pub fn start(cfg: ExecdConfig) -> Executor {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let dirs = cfg.dirs.clone();
        let output_limit = cfg.output_limit;
        let systemd = SystemdBus::from_process();
        let mut lp = Loop {
            engine: Engine::new(cfg.engine),
            cfg,
            tx: tx.clone(),
            procs: HashMap::new(),
            timers: HashMap::new(),
            timer_gen: 0,
            subscribers: Vec::new(),
            fence_devices: HashMap::new(),
            systemd: systemd.clone(),
            systemd_ops: HashMap::new(),
            start: Instant::now(),
        };
        tokio::spawn(async move {
            while let Some(ev) = rx.recv().await {
                lp.handle(ev);
            }
        });
        Executor {
            tx,
            dirs,
            metadata: Arc::default(),
            systemd,
            alert_sequence: Arc::default(),
            output_limit,
        }
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Req) -> Result<T, Status> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Event::Api(make(tx)))
            .map_err(|_| Status::unavailable("executor is shutting down"))?;
        rx.await
            .map_err(|_| Status::unavailable("executor is shutting down"))
    }
}

type ResultStream = Pin<Box<dyn Stream<Item = Result<pb::OpResult, Status>> + Send>>;

#[tonic::async_trait]
impl pb::executor_server::Executor for Executor {
    async fn register_resource(
        &self,
        req: Request<pb::Resource>,
    ) -> Result<Response<pb::Ack>, Status> {
        let def = rsc_def(req.get_ref());
        Ok(Response::new(
            match self.ask(|t| Req::Register(def, t)).await? {
                Ok(()) => ack(CrmExit::OK, ""),
                Err(e) => ack(e.exit_code(), e.to_string()),
            },
        ))
    }

    async fn unregister_resource(
        &self,
        req: Request<pb::ResourceRef>,
    ) -> Result<Response<pb::Ack>, Status> {
        let id = req.into_inner().id;
        let busy = self.ask(|t| Req::Unregister(id, t)).await?;
        Ok(Response::new(if busy {
            ack(CrmExit::OK, "operation still in progress")
        } else {
            ack(CrmExit::OK, "")
        }))
    }

    async fn get_resource_info(
        &self,
        req: Request<pb::ResourceRef>,
    ) -> Result<Response<pb::Resource>, Status> {
        let id = req.into_inner().id;
        match self.ask(|t| Req::Info(id.clone(), t)).await? {
            Some(d) => Ok(Response::new(pb_rsc(&d))),
            None => Err(Status::not_found(format!("resource '{id}' not found"))),
        }
    }

    async fn exec(&self, req: Request<pb::ExecRequest>) -> Result<Response<pb::ExecReply>, Status> {
        let r = req.into_inner();
        let Some(rsc) = r.rsc.as_ref() else {
            return Ok(Response::new(pb::ExecReply {
                rc: i32::from(CrmExit::InvalidParam.code()),
                message: "resource is required".into(),
                call_id: 0,
            }));
        };
        let ereq = ExecRequest {
            spec: OpSpec {
                rsc: rsc_def(rsc),
                action: r.action,
                interval_ms: r.interval_ms,
                timeout_ms: r.timeout_ms,
                params: r.params.into_iter().collect(),
                meta: r.meta.into_iter().collect(),
            },
            start_delay_ms: r.start_delay_ms,
            user_data: r.user_data,
            notify_changes_only: r.notify_changes_only,
        };
        Ok(Response::new(
            match self.ask(|t| Req::Exec(ereq, t)).await? {
                Ok(call_id) => pb::ExecReply {
                    rc: 0,
                    message: String::new(),
                    call_id,
                },
                Err(e) => pb::ExecReply {
                    rc: i32::from(e.exit_code().code()),
                    message: e.to_string(),
                    call_id: 0,
                },
            },
        ))
    }

    async fn cancel(&self, req: Request<pb::CancelRequest>) -> Result<Response<pb::Ack>, Status> {
        let r = req.into_inner();
        Ok(Response::new(
            match self
                .ask(|t| Req::Cancel(r.rsc_id, r.action, r.interval_ms, t))
                .await?
            {
                Ok(()) => ack(CrmExit::OK, ""),
                Err(e) => ack(e.exit_code(), e.to_string()),
            },
        ))
    }

    async fn get_recurring(
        &self,
        req: Request<pb::ResourceRef>,
    ) -> Result<Response<pb::RecurringReply>, Status> {
        let id = req.into_inner().id;
        let filter = (!id.is_empty()).then_some(id);
        let all = self.ask(|t| Req::Recurring(filter, t)).await?;
        Ok(Response::new(pb::RecurringReply {
            rc: 0,
            by_rsc: all
                .into_iter()
                .map(|(k, v)| {
                    let ops = v
                        .into_iter()
                        .map(|o| pb::RecurringOp {
                            action: o.action,
                            interval_ms: o.interval_ms,
                            timeout_ms: o.timeout_ms,
                        })
                        .collect();
                    (k, pb::RecurringList { ops })
                })
                .collect(),
        }))
    }

    async fn history(
        &self,
        req: Request<pb::HistoryRequest>,
    ) -> Result<Response<pb::HistoryReply>, Status> {
        let id = req.into_inner().rsc_id;
        let filter = (!id.is_empty()).then_some(id);
        let results = self.ask(|t| Req::History(filter, t)).await?;
        Ok(Response::new(pb::HistoryReply {
            results: results.iter().map(to_pb).collect(),
        }))
    }

    type SubscribeStream = ResultStream;

    async fn subscribe(
        &self,
        _req: Request<pb::SubscribeRequest>,
    ) -> Result<Response<ResultStream>, Status> {
        let (tx, rx) = mpsc::channel(4096);
        self.tx
            .send(Event::Api(Req::Subscribe(tx)))
            .map_err(|_| Status::unavailable("executor is shutting down"))?;
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        )))
    }

    async fn list_standards(
        &self,
        _req: Request<pb::Empty>,
    ) -> Result<Response<pb::NameList>, Status> {
        Ok(Response::new(pb::NameList {
            names: crate::discovery::list_standards(&self.dirs, &self.systemd).await,
        }))
    }

    async fn list_providers(
        &self,
        req: Request<pb::ListProvidersRequest>,
    ) -> Result<Response<pb::NameList>, Status> {
        let agent = req.into_inner().agent;
        Ok(Response::new(pb::NameList {
            names: crate::discovery::providers_with_agent(
                &self.dirs,
                (!agent.is_empty()).then_some(agent.as_str()),
            ),
        }))
    }

    async fn list_agents(
        &self,
        req: Request<pb::ListAgentsRequest>,
    ) -> Result<Response<pb::NameList>, Status> {
        let r = req.into_inner();
        let class = (!r.standard.is_empty()).then_some(r.standard.as_str());
        let provider = (!r.provider.is_empty()).then_some(r.provider.as_str());
        Ok(Response::new(pb::NameList {
            names: crate::discovery::list_agents(&self.dirs, class, provider, &self.systemd).await,
        }))
    }

    async fn exec_alert(
        &self,
        req: Request<pb::AlertRequest>,
    ) -> Result<Response<pb::AlertReply>, Status> {
        let r = req.into_inner();
        if r.id.is_empty() || r.path.is_empty() {
            return Err(Status::invalid_argument("alert id and path are required"));
        }
        let env = r.env.into_iter().collect();
        Ok(Response::new(
            self.run_alert(&r.id, &r.path, r.timeout_ms, env).await,
        ))
    }

    async fn get_metadata(
        &self,
        req: Request<pb::MetadataRequest>,
    ) -> Result<Response<pb::MetadataReply>, Status> {
        let r = req.into_inner();
        let key = (r.standard.clone(), r.provider.clone(), r.r#type.clone());
        let cached = self.metadata.lock().ok().and_then(|m| m.get(&key).cloned());
        let md = match cached {
            Some(md) => Ok(md),
            None => {
                let provider = (!r.provider.is_empty()).then_some(r.provider.as_str());
                let res = crate::direct::metadata_with(
                    &self.dirs,
                    &self.systemd,
                    &r.standard,
                    provider,
                    &r.r#type,
                )
                .await;
                if let (Ok(md), Ok(mut m)) = (&res, self.metadata.lock()) {
                    m.insert(key, md.clone());
                }
                res
            }
        };
        Ok(Response::new(match md {
            Ok(metadata) => pb::MetadataReply {
                rc: 0,
                message: String::new(),
                metadata,
            },
            Err(message) => pb::MetadataReply {
                rc: i32::from(CrmExit::NotInstalled.code()),
                message,
                metadata: String::new(),
            },
        }))
    }
}

impl Executor {
    /// Runs an alert agent with `env` (plus `CRM_alert_node_sequence`).
    pub async fn run_alert(
        &self,
        id: &str,
        path: &str,
        timeout_ms: u32,
        env: Vec<(String, String)>,
    ) -> pb::AlertReply {
        use std::sync::atomic::Ordering;
        let seq = self.alert_sequence.fetch_add(1, Ordering::SeqCst) + 1;
        let mut env = env;
        env.push((crate::alerts::NODE_SEQUENCE.to_string(), seq.to_string()));
        let inv = crate::invocation::Invocation {
            program: PathBuf::from(path),
            args: Vec::new(),
            env,
            stdin: None,
            reads_exit_reason: false,
        };
        let timeout = if timeout_ms == 0 {
            crate::alerts::DEFAULT_TIMEOUT_MS
        } else {
            timeout_ms
        };
        tracing::info!(alert = id, "executing alert {id}");
        // Alert agents run as the cluster user, as Pacemaker's do (when
        // the executor runs as root and the account exists).
        let user = pcmk_common::daemon::account::is_root()
            .then(pcmk_common::daemon::account::cluster_ids)
            .flatten()
            .map(|(u, g)| (u.as_raw(), g.as_raw()));
        let (o, timed_out) = runner::run_with_timeout_as(
            &inv,
            Duration::from_millis(u64::from(timeout)),
            Duration::from_secs(2),
            self.output_limit,
            user,
        )
        .await;
        let spec = OpSpec {
            rsc: ResourceDef {
                id: id.to_string(),
                class: "alert".into(),
                provider: None,
                agent: path.to_string(),
            },
            action: "alert".into(),
            interval_ms: 0,
            timeout_ms: timeout,
            params: BTreeMap::new(),
            meta: BTreeMap::new(),
        };
        let (_, status, reason) = crate::engine::map_outcome(&spec, None, &o, timed_out, false);
        let rc = match o.termination {
            Termination::Exited(c) => c,
            _ => 1,
        };
        match (status, rc) {
            (crate::result::ExecStatus::Done, 0) => tracing::debug!(alert = id, "alert completed"),
            (crate::result::ExecStatus::Done, rc) => {
                tracing::info!(alert = id, "alert completed but exited with status {rc}")
            }
            (s, _) => tracing::info!(alert = id, "could not send alert: {}", s.description()),
        }
        pb::AlertReply {
            rc,
            op_status: status.code(),
            exit_reason: reason
                .map(|r| r.replace("Resource agent", "Alert agent"))
                .unwrap_or_default(),
        }
    }
}

/// Errors of the daemon as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The socket could not be bound.
    #[error(transparent)]
    Socket(#[from] pcmk_proto::uds::UdsError),
    /// The gRPC server failed.
    #[error("executor server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Serves the executor API on `socket` until `shutdown` resolves.
pub async fn serve(
    socket: PathBuf,
    cfg: ExecdConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let listener = pcmk_proto::uds::bind(&socket, 0o660)?;
    // The controller runs as hacluster, the executor as root.
    if let Err(e) = pcmk_common::daemon::account::share_with_cluster_group(&socket) {
        tracing::warn!(error = %e, "Could not give the cluster group access to {}", socket.display());
    }
    let exec = Executor::start(cfg);
    tracing::info!(socket = %socket.display(), "executor accepting connections");
    tonic::transport::Server::builder()
        .add_service(pb::executor_server::ExecutorServer::new(exec))
        .serve_with_incoming_shutdown(pcmk_proto::uds::incoming(listener), shutdown)
        .await?;
    let _ = std::fs::remove_file(&socket);
    Ok(())
}
