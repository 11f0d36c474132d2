//! The tokio shell: UDP to the nodelist, timers, and the local gRPC
//! services, all feeding one [`Node`] owned by a single event loop.

mod backlog;
mod grpc;
mod net;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::config::{self, Config, ParsedFiles};
use crate::node::{Effect, Node};
use crate::totem::rng::SplitMix64;
use crate::totem::{NodeId, Timestamp};
use crate::wire::{Codec, ReplayGuard};
use pcmk_proto::corosync::{CmapChange, CmapEntry, QuorumState, RingId as PbRingId};

/// Environment variable that moves corosync's state directory (ring id files).
pub const ENV_STATE_DIR: &str = "COROSYNC_STATE_DIR";
/// Default state directory.
pub const DEFAULT_STATE_DIR: &str = "/var/lib/corosync";

/// How the daemon was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The configuration file.
    pub config: PathBuf,
    /// Stay in the foreground and log to stderr.
    pub foreground: bool,
}

/// Why the daemon could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] config::LoadError),
    /// The key is unusable.
    #[error(transparent)]
    Key(#[from] crate::wire::key::KeyError),
    /// No nodelist entry is this machine.
    #[error(
        "cannot find this node in the nodelist: set totem.nodeid, or make one ring0_addr a local address ({0})"
    )]
    NoLocalNode(String),
    /// A nodelist address does not resolve.
    #[error("cannot resolve ring0_addr {0}")]
    Resolve(String),
    /// Socket trouble.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The local socket.
    #[error(transparent)]
    Uds(#[from] pcmk_proto::uds::UdsError),
}

/// A request run on the event loop with access to the node.
pub(crate) type Call = Box<dyn FnOnce(&mut Ctx) + Send>;

type Tx<T> = mpsc::UnboundedSender<Result<T, tonic::Status>>;

/// Everything the event loop owns.
pub(crate) struct Ctx {
    pub node: Node,
    pub started: Instant,
    pub config_path: PathBuf,
    pub sessions: HashMap<u64, backlog::EventTx>,
    pub quorum_trackers: Vec<Tx<QuorumState>>,
    pub cmap_trackers: Vec<(String, bool, Tx<CmapChange>)>,
    pub exit: Option<String>,
    pub last_heard: HashMap<NodeId, Instant>,
}

impl Ctx {
    pub fn now(&self) -> Timestamp {
        Timestamp(self.started.elapsed().as_micros() as u64 + 1_000_000)
    }

    pub fn quorum_state(&self) -> QuorumState {
        let s = self.node.quorum().status();
        let r = self.node.ring_id();
        QuorumState {
            quorate: self.node.quorum().quorate(),
            ring_id: Some(PbRingId {
                nodeid: r.rep,
                seq: r.seq,
            }),
            members: s.members,
        }
    }
}

fn resolve(addr: &str, port: u16) -> Result<SocketAddr, DaemonError> {
    use std::net::ToSocketAddrs;
    (addr, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| DaemonError::Resolve(addr.to_string()))
}

fn state_dir() -> PathBuf {
    std::env::var_os(ENV_STATE_DIR)
        .or_else(|| std::env::var_os(pcmk_proto::corosync::ENV_RUN_DIR))
        .map_or_else(|| PathBuf::from(DEFAULT_STATE_DIR), PathBuf::from)
}

/// Picks this node: `totem.nodeid`, or the first nodelist address we can bind.
fn local_node(
    cfg: &Config,
    addrs: &HashMap<NodeId, SocketAddr>,
) -> Result<(NodeId, std::net::UdpSocket), DaemonError> {
    if let Some(id) = cfg.totem.nodeid {
        let a = addrs.get(&id).ok_or_else(|| {
            DaemonError::NoLocalNode(format!("totem.nodeid {id} is not in the nodelist"))
        })?;
        return Ok((id, std::net::UdpSocket::bind(a)?));
    }
    let mut last = String::from("no ring0_addr is local");
    for n in &cfg.nodes {
        if let Some(a) = addrs.get(&n.nodeid) {
            match std::net::UdpSocket::bind(a) {
                Ok(s) => return Ok((n.nodeid, s)),
                Err(e) => last = format!("{a}: {e}"),
            }
        }
    }
    Err(DaemonError::NoLocalNode(last))
}

/// Runs the daemon until it is shut down.
pub async fn run(opts: Options, cfg: Config, files: ParsedFiles) -> Result<(), DaemonError> {
    let port = cfg.port();
    let mut addrs = HashMap::new();
    for n in &cfg.nodes {
        addrs.insert(n.nodeid, resolve(&n.ring0_addr, port)?);
    }
    let (my_id, std_sock) = local_node(&cfg, &addrs)?;
    let key = if cfg.totem.crypto_enabled() {
        crate::wire::key::load(&cfg.totem.keyfile)?
    } else {
        Vec::new()
    };
    for w in &cfg.warnings {
        tracing::warn!(node = my_id, "{w}");
    }
    let mut seed = [0u8; 8];
    let _ = getrandom_fill(&mut seed);
    let seed = u64::from_le_bytes(seed) ^ u64::from(std::process::id());
    let codec = Codec::new(
        cfg.totem.crypto_cipher,
        cfg.totem.crypto_hash,
        &key,
        my_id,
        seed as u32,
    );
    let ring_file = state_dir().join(format!("ringid_{my_id}"));
    let stored: u64 = std::fs::read_to_string(&ring_file)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    std_sock.set_nonblocking(true)?;
    let sock = tokio::net::UdpSocket::from_std(std_sock)?;
    let _ = net::grow_buffers(&sock);
    let started = Instant::now();
    let node = Node::new(
        cfg.clone(),
        &files,
        my_id,
        Timestamp(1_000_000),
        Box::new(SplitMix64::new(seed)),
        stored,
    );
    tracing::info!(
        node = my_id,
        addr = %addrs[&my_id],
        transport = cfg.totem.transport.name(),
        crypto = cfg.totem.crypto_enabled(),
        "Corosync Cluster Engine started"
    );
    let mut ctx = Ctx {
        node,
        started,
        config_path: opts.config.clone(),
        sessions: HashMap::new(),
        quorum_trackers: Vec::new(),
        cmap_trackers: Vec::new(),
        exit: None,
        last_heard: HashMap::new(),
    };
    let (call_tx, mut call_rx) = mpsc::channel::<Call>(1024);
    let socket_path = pcmk_proto::corosync::socket_path();
    let listener = pcmk_proto::uds::bind(&socket_path, 0o666)?;
    let server = grpc::serve(listener, call_tx, cfg.uidgid.clone());
    let server = tokio::spawn(server);
    let mut net = net::Net {
        sock,
        codec,
        guard: ReplayGuard::default(),
        addrs,
        my_id,
        buf: vec![0u8; 65_536],
    };
    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    apply_effects(&mut ctx, &mut net, &ring_file).await;
    loop {
        let deadline = ctx
            .node
            .poll_timeout()
            .map(|t| started + Duration::from_micros(t.0.saturating_sub(1_000_000)));
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            _ = sigterm.recv() => {
                tracing::info!(node = my_id, "Corosync Cluster Engine exiting normally (SIGTERM)");
                break;
            }
            _ = sigint.recv() => {
                tracing::info!(node = my_id, "Corosync Cluster Engine exiting normally (SIGINT)");
                break;
            }
            r = net.sock.recv_from(&mut net.buf) => {
                if let Ok((n, from)) = r {
                    let now = ctx.now();
                    net.receive(&mut ctx, n, from, now);
                }
            }
            Some(call) = call_rx.recv() => call(&mut ctx),
            () = sleep => {
                let now = ctx.now();
                ctx.node.tick(now);
            }
        }
        apply_effects(&mut ctx, &mut net, &ring_file).await;
        if let Some(why) = ctx.exit.take() {
            tracing::info!(node = my_id, "Corosync Cluster Engine exiting: {why}");
            break;
        }
    }
    let now = ctx.now();
    ctx.node.leave(now);
    apply_effects(&mut ctx, &mut net, &ring_file).await;
    server.abort();
    let _ = std::fs::remove_file(&socket_path);
    Ok(())
}

fn getrandom_fill(buf: &mut [u8]) -> std::io::Result<()> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")?.read_exact(buf)
}

async fn apply_effects(ctx: &mut Ctx, net: &mut net::Net, ring_file: &std::path::Path) {
    loop {
        let effects = ctx.node.take_effects();
        if effects.is_empty() {
            return;
        }
        for e in effects {
            match e {
                Effect::Send { to, msg } => net.send(to, &msg).await,
                Effect::Cpg { handle, event } => {
                    if let Some(tx) = ctx.sessions.get(&handle)
                        && !tx.send(event)
                    {
                        // The client went away: it leaves the group.
                        ctx.sessions.remove(&handle);
                        let now = ctx.now();
                        ctx.node.cpg_disconnect(now, handle);
                    }
                }
                Effect::CpgEnd { handle } => {
                    ctx.sessions.remove(&handle);
                }
                Effect::Quorum(_) => {
                    let state = ctx.quorum_state();
                    ctx.quorum_trackers
                        .retain(|t| t.send(Ok(state.clone())).is_ok());
                }
                Effect::Cmap(changes) => {
                    for c in changes {
                        let event = match (&c.old, &c.new) {
                            (None, Some(_)) => "add",
                            (Some(_), None) => "delete",
                            _ => "modify",
                        };
                        let entry = |v: &Option<crate::cmap::CmapValue>| {
                            v.as_ref().map(|v| CmapEntry {
                                key: c.key.clone(),
                                r#type: v.type_name().to_string(),
                                value: v.to_string(),
                            })
                        };
                        let change = CmapChange {
                            key: c.key.clone(),
                            event: event.to_string(),
                            new_value: entry(&c.new),
                            old_value: entry(&c.old),
                        };
                        ctx.cmap_trackers.retain(|(k, prefix, tx)| {
                            let hit = if *prefix {
                                c.key.starts_with(k.as_str())
                            } else {
                                c.key == *k
                            };
                            !hit || tx.send(Ok(change.clone())).is_ok()
                        });
                    }
                }
                Effect::PersistRingSeq(s) => {
                    if let Some(dir) = ring_file.parent() {
                        let _ = std::fs::create_dir_all(dir);
                    }
                    if let Err(e) = std::fs::write(ring_file, format!("{s}\n")) {
                        tracing::warn!(file = %ring_file.display(), "cannot store the ring id: {e}");
                    }
                }
                Effect::Exit(why) => ctx.exit = Some(why),
            }
        }
    }
}

/// Loads and checks the configuration at `path`.
pub fn load_config(path: &std::path::Path) -> Result<(Config, ParsedFiles), DaemonError> {
    Ok(config::load(path)?)
}
