//! `pacemaker-attrd`'s tokio shell around [`Attrd`]: CPG group `attrd`
//! (membership and messages, in agreed order), timers, writes to the CIB
//! status through pacemaker-based and its change notifications, and the
//! API on `attrd.sock`.
//!
//! ```text
//!  corosync CPG ─┐                       ┌─▶ CPG mcast (sender task, in order)
//!  based notify ─┼─▶ loop (owns Attrd) ──┼─▶ CIB writer task (in order) ─▶ based
//!  attrd.sock ───┤                       └─▶ timers
//!  timers ───────┘
//! ```
//!
//! Start-up follows Pacemaker's: the cluster first (the node's name and id
//! come from corosync), then the CIB (retried for a while), then the
//! attribute table (erasing this node's stale values from the CIB), then
//! the API. Losing corosync or the CIB manager ends the daemon with exit
//! code 107 (pacemakerd respawns it); failing to reach them at start-up
//! ends it with 100.

mod alerts;
mod cib;
mod service;
mod transport;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::time::{Duration, Instant};

use pcmk_based::client::CibClient;
use pcmk_common::exit::CrmExit;
use pcmk_common::paths::Paths;
use pcmk_controld::core::peers::NodeRef;
use pcmk_controld::core::time::Timestamp;
use pcmk_proto::corosync::client::{Corosync, CpgGroup, CpgMessage, NodeNames};
use tokio::sync::{mpsc, oneshot};

use crate::core::{Attrd, AttrdError, Command, Event, TimerId};

pub use cib::{CLIENT_NAME, client_triggers_refresh, patchset_touches, requests};
pub use service::{Input, Service};
pub use transport::{CPG_GROUP, Received, decode, encode};

/// Attempts to reach the CIB manager at start-up, a second apart at first
/// (Pacemaker's attrd tries 30 times).
pub const CIB_ATTEMPTS: u32 = 30;

/// How the daemon runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Run without a cluster: no corosync, no CIB, the node alone.
    pub stand_alone: bool,
    /// The node's name when stand-alone (default: the host name).
    pub node: Option<String>,
    /// Run and state directories.
    pub paths: Paths,
}

/// Why the daemon stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// corosync could not be reached at start-up.
    #[error("could not connect to the cluster layer: {0}")]
    Cluster(String),
    /// The CIB manager could not be reached at start-up.
    #[error("could not connect to the CIB manager: {0}")]
    Cib(String),
    /// The API socket could not be served.
    #[error(transparent)]
    Socket(#[from] pcmk_proto::uds::UdsError),
    /// corosync went away.
    #[error("lost connection to the cluster layer")]
    ClusterLost,
    /// The CIB manager went away.
    #[error("lost connection to the CIB manager")]
    CibLost,
}

impl DaemonError {
    /// The exit code: 100 (do not respawn) when start-up failed, 107 when
    /// a connection was lost.
    pub fn exit_code(&self) -> CrmExit {
        match self {
            DaemonError::Cluster(_) | DaemonError::Cib(_) | DaemonError::Socket(_) => {
                CrmExit::Fatal
            }
            DaemonError::ClusterLost | DaemonError::CibLost => CrmExit::Disconnect,
        }
    }
}

/// What the loop reacts to besides CPG and the API.
#[derive(Debug)]
enum Internal {
    Timer(TimerId, u64),
    CibReply(u64, bool),
    CibChanged { reset: bool },
    CibLost,
    Alerts(pcmk_controld::core::alerts::AlertList),
}

/// Where outgoing messages go.
enum Outbox {
    /// The CPG sender task.
    Cpg(mpsc::UnboundedSender<Vec<u8>>),
    /// Stand-alone: straight back to this node.
    Loop(VecDeque<Vec<u8>>),
}

/// The loop's state: the core and what its commands need.
struct Shell {
    core: Attrd,
    name: String,
    local_id: u32,
    pid: u32,
    start: Instant,
    internal: mpsc::UnboundedSender<Internal>,
    timers: HashMap<TimerId, u64>,
    timer_gen: u64,
    outbox: Outbox,
    seq: u64,
    delivered: u64,
    waiters: Vec<(u64, oneshot::Sender<()>)>,
    cib: Option<mpsc::UnboundedSender<cib::Write>>,
    names: Option<NodeNames>,
    members: Vec<u32>,
    /// The cluster membership (totem ring), once known.
    ring: Option<BTreeSet<u32>>,
    /// The executor's socket, which runs alert agents.
    execd_socket: std::path::PathBuf,
}

impl Shell {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// Feeds one event and carries out what it asks for.
    fn feed(&mut self, event: Event) {
        let now = self.now();
        self.core.handle(now, event);
        self.apply();
    }

    fn apply(&mut self) {
        for c in self.core.take_commands() {
            match c {
                Command::Send { to, message } => {
                    self.seq += 1;
                    let bytes = transport::encode(&message, &self.name, to.as_deref(), self.seq);
                    match &mut self.outbox {
                        Outbox::Cpg(tx) => {
                            // A closed sender means corosync is gone; the
                            // loop notices on the CPG stream.
                            let _ = tx.send(bytes);
                        }
                        Outbox::Loop(q) => {
                            if to
                                .as_deref()
                                .is_none_or(|t| t.eq_ignore_ascii_case(&self.name))
                            {
                                q.push_back(bytes);
                            } else {
                                tracing::debug!("Stand-alone: dropping message for {to:?}");
                            }
                        }
                    }
                }
                Command::StartTimer { timer, after } => {
                    self.timer_gen += 1;
                    let generation = self.timer_gen;
                    self.timers.insert(timer.clone(), generation);
                    let tx = self.internal.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(after).await;
                        let _ = tx.send(Internal::Timer(timer, generation));
                    });
                }
                Command::StopTimer { timer } => {
                    self.timers.remove(&timer);
                }
                Command::Alert(run) => alerts::send(self.execd_socket.clone(), run),
                Command::Cib { call_id, op, user } => {
                    let queued = match (cib::requests(&op, user.as_deref()), &self.cib) {
                        (Ok(requests), Some(tx)) => {
                            tx.send(cib::Write { call_id, requests }).is_ok()
                        }
                        (Err(e), _) => {
                            tracing::error!("Cannot write to the CIB: {e}");
                            false
                        }
                        (Ok(_), None) => false,
                    };
                    if !queued {
                        if let Some(call) = call_id {
                            let _ = self.internal.send(Internal::CibReply(call, false));
                        }
                    }
                }
            }
        }
        // Stand-alone, our messages come straight back.
        while let Outbox::Loop(q) = &mut self.outbox {
            let Some(bytes) = q.pop_front() else {
                break;
            };
            let (local, pid) = (self.local_id, self.pid);
            self.delivered_from(local, pid, &bytes, None);
        }
    }

    /// A waiter resolved once everything sent so far has come back.
    fn delivery(&mut self) -> service::Delivery {
        let (tx, rx) = oneshot::channel();
        if self.delivered >= self.seq {
            let _ = tx.send(());
        } else {
            self.waiters.push((self.seq, tx));
        }
        rx
    }

    /// A CPG delivery: `name` is the sender's name by its node id, if known.
    fn delivered_from(&mut self, nodeid: u32, pid: u32, data: &[u8], name: Option<String>) {
        let r = match transport::decode(data) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(nodeid, "Ignoring bad message: {e}");
                return;
            }
        };
        if nodeid == self.local_id && pid == self.pid {
            if let Some(seq) = r.seq {
                self.delivered = self.delivered.max(seq);
                let done = self.delivered;
                let (ready, wait): (Vec<_>, Vec<_>) =
                    self.waiters.drain(..).partition(|(s, _)| *s <= done);
                self.waiters = wait;
                for (_, w) in ready {
                    let _ = w.send(());
                }
            }
        }
        if !r.is_for(&self.name) {
            return;
        }
        let from = name.unwrap_or(r.from);
        self.feed(Event::Message {
            from,
            message: r.message,
        });
    }

    fn api(&mut self, input: Input) {
        match input {
            Input::Update(req, reply) => {
                let r = self.core.update(req);
                self.apply();
                let _ = reply.send(r.map(|()| self.delivery()));
            }
            Input::Query(name, host, reply) => {
                let _ = reply.send(self.core.query(&name, host.as_deref()));
            }
            Input::Refresh(reply) => {
                self.core.refresh();
                self.apply();
                let _ = reply.send(());
            }
            Input::ClearFailure(rsc, op, interval_ms, host, reply) => {
                self.core.clear_failure(
                    rsc.as_deref(),
                    op.as_deref(),
                    interval_ms,
                    host.as_deref(),
                );
                self.apply();
                let _ = reply.send(self.delivery());
            }
            Input::RemovePeer(host, id, reply) => {
                let host = host.or_else(|| {
                    self.names
                        .as_ref()
                        .and_then(|n| n.get(id))
                        .map(str::to_string)
                });
                let r = match host {
                    Some(h) => {
                        self.core.remove_peer(&h);
                        self.apply();
                        Ok(self.delivery())
                    }
                    None => Err(AttrdError::UnknownNode(id.to_string())),
                };
                let _ = reply.send(r);
            }
        }
    }

    fn internal(&mut self, ev: Internal) -> Result<(), DaemonError> {
        match ev {
            Internal::Timer(id, generation) => {
                if self.timers.get(&id) == Some(&generation) {
                    self.timers.remove(&id);
                    self.feed(Event::Timer(id));
                }
            }
            Internal::CibReply(call_id, ok) => self.feed(Event::CibReply { call_id, ok }),
            Internal::CibChanged { reset } => {
                if reset {
                    self.feed(Event::CibStatusReset);
                }
            }
            Internal::CibLost => return Err(DaemonError::CibLost),
            Internal::Alerts(list) => self.feed(Event::Alerts(list)),
        }
        Ok(())
    }

    /// The cluster membership changed: nodes that left the cluster (not
    /// only their attribute manager) lose their values.
    fn ring_changed(&mut self, members: Vec<u32>) {
        let new: BTreeSet<u32> = members.into_iter().collect();
        let lost: Vec<u32> = match &self.ring {
            Some(old) => old.difference(&new).copied().collect(),
            None => Vec::new(),
        };
        self.ring = Some(new);
        for id in lost {
            let name = self
                .names
                .as_ref()
                .and_then(|n| n.get(id))
                .map(str::to_string);
            match name {
                Some(name) => {
                    tracing::info!(nodeid = id, "Node {name} left the cluster");
                    self.feed(Event::NodeLost { name });
                }
                None => tracing::warn!(nodeid = id, "Unnamed node left the cluster"),
            }
        }
    }

    /// The CPG members, as named nodes (those whose name is not known yet
    /// are left out until a message or cmap names them).
    async fn peers(&mut self, members: &[u32]) {
        self.members = members.to_vec();
        let mut refs = Vec::new();
        for &id in &BTreeSet::from_iter(members.iter().copied()) {
            let name = match &mut self.names {
                Some(n) => n.resolve(id).await,
                None => (id == self.local_id).then(|| self.name.clone()),
            };
            match name {
                Some(name) => refs.push(NodeRef::new(id, name)),
                None => tracing::warn!(nodeid = id, "Node name unknown; waiting for it"),
            }
        }
        self.feed(Event::Peers { members: refs });
    }
}

/// Connects to the CIB manager, retrying as Pacemaker's attrd does.
async fn connect_cib(paths: &Paths) -> Result<CibClient, DaemonError> {
    let socket = paths.socket("based");
    let mut last = String::new();
    for attempt in 1..=CIB_ATTEMPTS {
        match CibClient::connect(&socket).await {
            Ok(c) => {
                tracing::debug!("Connected to the CIB manager after {attempt} attempts");
                return Ok(c.with_name(CLIENT_NAME));
            }
            Err(e) => last = e.to_string(),
        }
        let pause = Duration::from_millis(200 * u64::from(attempt.min(5)));
        tokio::time::sleep(pause).await;
    }
    Err(DaemonError::Cib(last))
}

/// Follows the CIB's changes: a status or nodes change by a client that
/// may leave the CIB out of step asks the writer to write everything.
async fn watch_cib(mut cib: CibClient, tx: mpsc::UnboundedSender<Internal>) {
    let mut stream = match cib.subscribe(false).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("Could not subscribe to CIB changes: {e}");
            let _ = tx.send(Internal::CibLost);
            return;
        }
    };
    // The alerts as they are now; later changes come with the stream.
    if let Some(list) = alerts::read(&mut cib).await {
        let _ = tx.send(Internal::Alerts(list));
    }
    loop {
        match stream.message().await {
            Ok(Some(ev)) => {
                let patchset = pcmk_common::xml::parse(&ev.patchset).ok();
                if patchset
                    .as_ref()
                    .is_some_and(|p| cib::patchset_touches(p, "alerts"))
                {
                    if let Some(list) = alerts::read(&mut cib).await {
                        let _ = tx.send(Internal::Alerts(list));
                    }
                }
                if !cib::client_triggers_refresh(&ev.client_name) {
                    continue;
                }
                let reset = patchset.is_some_and(|p| {
                    cib::patchset_touches(&p, "status") || cib::patchset_touches(&p, "nodes")
                });
                if reset {
                    tracing::info!(
                        "CIB status or nodes changed by {}",
                        if ev.client_name.is_empty() {
                            "unidentified client"
                        } else {
                            &ev.client_name
                        }
                    );
                }
                if tx.send(Internal::CibChanged { reset }).is_err() {
                    return;
                }
            }
            Ok(None) | Err(_) => {
                let _ = tx.send(Internal::CibLost);
                return;
            }
        }
    }
}

/// Runs the daemon until `shutdown` resolves or a connection is lost.
pub async fn run(
    cfg: Config,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), DaemonError> {
    let (internal_tx, mut internal_rx) = mpsc::unbounded_channel();
    let (mut cluster, local_id, name, names, ring) = if cfg.stand_alone {
        let name = cfg
            .node
            .clone()
            .unwrap_or_else(pcmk_common::daemon::account::host_name);
        (None, 1, name, None, None)
    } else {
        let cs = Corosync::connect_default()
            .await
            .map_err(|e| DaemonError::Cluster(e.to_string()))?;
        let (id, name) = cs
            .local_node_name()
            .await
            .map_err(|e| DaemonError::Cluster(e.message().to_string()))?;
        let names = NodeNames::load(&cs)
            .await
            .map_err(|e| DaemonError::Cluster(e.message().to_string()))?;
        let group = cs
            .cpg_join(CPG_GROUP)
            .await
            .map_err(|e| DaemonError::Cluster(e.message().to_string()))?;
        // The ring as it is now; later changes come with CPG's events.
        let ring = cs
            .quorum_get()
            .await
            .ok()
            .map(|q| q.members.into_iter().collect::<BTreeSet<u32>>());
        (Some((cs, group)), id, name, Some(names), ring)
    };
    pcmk_common::daemon::logging::set_node(&name);
    tracing::info!(nodeid = local_id, "Starting pacemaker-attrd on {name}");

    let cib_tx = if cfg.stand_alone {
        None
    } else {
        let client = connect_cib(&cfg.paths).await?;
        tokio::spawn(watch_cib(client.clone(), internal_tx.clone()));
        let (tx, rx) = mpsc::unbounded_channel();
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(u64, bool)>();
        tokio::spawn(cib::writer(client, rx, done_tx));
        let fwd = internal_tx.clone();
        tokio::spawn(async move {
            while let Some((call, ok)) = done_rx.recv().await {
                if fwd.send(Internal::CibReply(call, ok)).is_err() {
                    break;
                }
            }
        });
        Some(tx)
    };

    let outbox = match &cluster {
        Some((_, group)) => {
            let sender = group.sender();
            let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
            tokio::spawn(async move {
                while let Some(bytes) = rx.recv().await {
                    if let Err(e) = sender.mcast(bytes).await {
                        tracing::error!("Could not send to CPG group {CPG_GROUP}: {}", e.message());
                        break;
                    }
                }
            });
            Outbox::Cpg(tx)
        }
        None => Outbox::Loop(VecDeque::new()),
    };

    let mut core = Attrd::new(&name, local_id);
    core.set_standalone(cfg.stand_alone);
    let (secs, usec) = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or((0, 0), |d| {
            (
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                d.subsec_micros(),
            )
        });
    core.set_wall_clock(secs, usec);
    let mut shell = Shell {
        core,
        name: name.clone(),
        local_id,
        pid: std::process::id(),
        start: Instant::now(),
        internal: internal_tx.clone(),
        timers: HashMap::new(),
        timer_gen: 0,
        outbox,
        seq: 0,
        delivered: 0,
        waiters: Vec::new(),
        cib: cib_tx,
        names,
        members: Vec::new(),
        ring,
        execd_socket: cfg.paths.socket("execd"),
    };
    shell.feed(Event::Start);
    if cfg.stand_alone {
        shell.peers(&[local_id]).await;
    }

    let (api_tx, mut api_rx) = mpsc::unbounded_channel();
    let socket = cfg.paths.socket("attrd");
    let listener = pcmk_proto::uds::bind(&socket, 0o660)?;
    share_with_haclient(&socket);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = tonic::transport::Server::builder()
        .add_service(pcmk_proto::attrd::attrd_server::AttrdServer::new(
            Service::new(api_tx, &name),
        ))
        .serve_with_incoming_shutdown(pcmk_proto::uds::incoming(listener), async {
            let _ = stop_rx.await;
        });
    let server = tokio::spawn(server);
    tracing::info!(socket = %socket.display(), "pacemaker-attrd successfully started and accepting connections");

    tokio::pin!(shutdown);
    let result = loop {
        tokio::select! {
            () = &mut shutdown => {
                tracing::info!("Shutting down");
                shell.feed(Event::Shutdown);
                break Ok(());
            }
            ev = next_cpg(&mut cluster) => match ev {
                Ok(Some(CpgMessage::Deliver { nodeid, pid, data })) => {
                    let known = match &shell.names {
                        Some(n) => n.get(nodeid).map(str::to_string),
                        None => None,
                    };
                    if known.is_none() {
                        if let (Ok(r), Some(n)) = (transport::decode(&data), &mut shell.names) {
                            n.learn(nodeid, &r.from);
                            if shell.members.contains(&nodeid) {
                                let m = shell.members.clone();
                                shell.peers(&m).await;
                            }
                        }
                    }
                    shell.delivered_from(nodeid, pid, &data, known);
                }
                Ok(Some(CpgMessage::Confchg { members, .. })) => {
                    let ids: Vec<u32> = members.iter().map(|m| m.nodeid).collect();
                    shell.peers(&ids).await;
                }
                Ok(Some(CpgMessage::TotemConfchg { members, .. })) => {
                    shell.ring_changed(members);
                }
                Ok(None) | Err(_) => {
                    tracing::error!("Lost connection to the cluster layer, shutting down");
                    break Err(DaemonError::ClusterLost);
                }
            },
            Some(input) = api_rx.recv() => shell.api(input),
            Some(ev) = internal_rx.recv() => {
                if let Err(e) = shell.internal(ev) {
                    tracing::error!("{e}, shutting down");
                    break Err(e);
                }
            }
        }
    };
    let _ = stop_tx.send(());
    let _ = server.await;
    let _ = std::fs::remove_file(&socket);
    if let Some((_, group)) = cluster.take() {
        let _ = group.leave().await;
    }
    tracing::info!("pacemaker-attrd stopped");
    result
}

/// The next CPG event, or never when stand-alone.
async fn next_cpg(
    cluster: &mut Option<(Corosync, CpgGroup)>,
) -> Result<Option<CpgMessage>, tonic::Status> {
    match cluster {
        Some((_, group)) => group.next().await,
        None => std::future::pending().await,
    }
}

/// Lets the `haclient` group use the socket, as Pacemaker does.
fn share_with_haclient(path: &std::path::Path) {
    if let Ok(Some(group)) =
        nix::unistd::Group::from_name(pcmk_common::daemon::account::CLUSTER_GROUP)
    {
        if let Err(e) = nix::unistd::chown(path, None, Some(group.gid)) {
            tracing::debug!("Could not give the haclient group {}: {e}", path.display());
        }
    }
}
