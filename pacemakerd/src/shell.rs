//! The thin tokio shell around the [`Supervisor`]: it forks the
//! subdaemons, watches their exits, runs timers and liveness checks, sends
//! signals, and serves pacemakerd's API (`pacemakerd.sock`).

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nix::sys::signal::{self, Signal as NixSignal};
use nix::unistd::Pid;
use pcmk_common::exit::CrmExit;
use pcmk_common::paths::Paths;
use pcmk_proto::pacemakerd as pb;
use tokio::sync::mpsc;

use crate::supervisor::{
    CHILDREN, Command, Event, ExitStatus, Liveness, Signal, Supervisor, SupervisorConfig,
};

/// Where subdaemons are installed by default.
pub const DEFAULT_DAEMON_DIR: &str = "/usr/libexec/pacemaker";

/// Where to find the subdaemons: `PCMK_daemon_dir` when given, else the
/// folder of pacemakerd's own executable when it holds any of them (a
/// build tree, or an install that keeps them together), else
/// [`DEFAULT_DAEMON_DIR`].
pub fn daemon_dir(configured: Option<&str>, own_exe: Option<&Path>) -> PathBuf {
    if let Some(d) = configured {
        return PathBuf::from(d);
    }
    if let Some(dir) = own_exe.and_then(Path::parent) {
        if CHILDREN.iter().any(|c| dir.join(c.name).is_file()) {
            return dir.to_path_buf();
        }
    }
    PathBuf::from(DEFAULT_DAEMON_DIR)
}

/// The subdaemons missing from `dir` (by executable name).
pub fn absent_daemons(dir: &Path) -> Vec<String> {
    CHILDREN
        .iter()
        .filter(|c| !dir.join(c.name).is_file())
        .map(|c| c.name.to_string())
        .collect()
}

/// Settings of the shell.
#[derive(Debug, Clone)]
pub struct ShellConfig {
    /// Folder holding the subdaemon executables.
    pub daemon_dir: PathBuf,
    /// Run and state directories.
    pub paths: Paths,
    /// Check liveness through each subdaemon's socket (else only the
    /// process).
    pub ipc_check: bool,
    /// corosync's socket: wait for it before starting anything, and follow
    /// the connection (`None`: run without a cluster layer).
    pub corosync: Option<PathBuf>,
    /// Respawn limits and fail-fast.
    pub supervisor: SupervisorConfig,
    /// Extra environment for the subdaemons (e.g. `PCMK_node_start_state`).
    pub child_env: Vec<(String, String)>,
    /// Serve `pacemakerd.sock`.
    pub serve_ipc: bool,
}

/// What the API reports, refreshed after every event.
#[derive(Debug, Clone, Default)]
struct Snapshot {
    state: String,
    last_update: i64,
    children: Vec<pb::Subdaemon>,
}

fn epoch_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn snapshot(sup: &Supervisor) -> Snapshot {
    Snapshot {
        state: sup.state().text().to_string(),
        last_update: epoch_now(),
        children: sup
            .children()
            .iter()
            .map(|c| pb::Subdaemon {
                name: c.spec.name.to_string(),
                pid: c.pid.unwrap_or(0),
                respawn_count: c.respawn_count,
                respawn: c.respawn,
            })
            .collect(),
    }
}

struct Api {
    status: Arc<Mutex<Snapshot>>,
    tx: mpsc::UnboundedSender<Event>,
}

#[tonic::async_trait]
impl pb::pacemakerd_server::Pacemakerd for Api {
    async fn status(
        &self,
        _req: tonic::Request<pb::StatusRequest>,
    ) -> Result<tonic::Response<pb::StatusReply>, tonic::Status> {
        let s = self
            .status
            .lock()
            .map_err(|_| tonic::Status::internal("status unavailable"))?
            .clone();
        Ok(tonic::Response::new(pb::StatusReply {
            state: s.state,
            last_update: s.last_update,
            pid: std::process::id(),
            subdaemons: s.children,
        }))
    }

    async fn shutdown(
        &self,
        req: tonic::Request<pb::ShutdownRequest>,
    ) -> Result<tonic::Response<pb::ShutdownReply>, tonic::Status> {
        let who = pcmk_proto::uds::peer_cred(&req);
        if let Some(c) = who {
            if c.uid != 0 && c.uid != nix::unistd::geteuid().as_raw() {
                return Ok(tonic::Response::new(pb::ShutdownReply {
                    exit_code: i32::from(CrmExit::InsufficientPriv.code()),
                    message: "Insufficient privileges".into(),
                }));
            }
        }
        tracing::info!(daemon = "pacemakerd", "Shutdown requested by client");
        let sent = self.tx.send(Event::Shutdown).is_ok();
        Ok(tonic::Response::new(pb::ShutdownReply {
            exit_code: if sent {
                0
            } else {
                i32::from(CrmExit::Error.code())
            },
            message: if sent {
                "OK".into()
            } else {
                "Shutdown already complete".into()
            },
        }))
    }
}

fn exit_status(s: std::process::ExitStatus) -> ExitStatus {
    match (s.code(), s.signal()) {
        (Some(code), _) => ExitStatus::Code(code),
        (None, Some(signal)) => ExitStatus::Signal {
            signal,
            core: s.core_dumped(),
        },
        (None, None) => ExitStatus::Code(-1),
    }
}

fn alive(pid: u32) -> bool {
    i32::try_from(pid).is_ok_and(|p| signal::kill(Pid::from_raw(p), None).is_ok())
}

/// Runs pacemakerd until it exits; returns its exit code.
pub async fn run(cfg: ShellConfig) -> CrmExit {
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let mut sup = Supervisor::new(cfg.supervisor.clone());
    let status = Arc::new(Mutex::new(snapshot(&sup)));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();

    if cfg.serve_ipc {
        let path = cfg.paths.socket("pacemakerd");
        match pcmk_proto::uds::bind(&path, 0o660) {
            Ok(listener) => {
                let api = Api {
                    status: status.clone(),
                    tx: tx.clone(),
                };
                tokio::spawn(async move {
                    let served = tonic::transport::Server::builder()
                        .add_service(pb::pacemakerd_server::PacemakerdServer::new(api))
                        .serve_with_incoming_shutdown(pcmk_proto::uds::incoming(listener), async {
                            let _ = stop_rx.await;
                        })
                        .await;
                    if let Err(e) = served {
                        tracing::error!(daemon = "pacemakerd", "API server failed: {e}");
                    }
                });
            }
            Err(pcmk_proto::uds::UdsError::InUse { path }) => {
                tracing::error!(
                    daemon = "pacemakerd",
                    "Aborting start-up because active Pacemaker instance found ({})",
                    path.display()
                );
                return CrmExit::Fatal;
            }
            Err(e) => {
                tracing::error!(daemon = "pacemakerd", "Cannot serve pacemakerd's API: {e}");
                return CrmExit::CantCreat;
            }
        }
    }

    for kind in [
        tokio::signal::unix::SignalKind::terminate(),
        tokio::signal::unix::SignalKind::interrupt(),
    ] {
        if let Ok(mut s) = tokio::signal::unix::signal(kind) {
            let tx = tx.clone();
            tokio::spawn(async move {
                while s.recv().await.is_some() {
                    if tx.send(Event::Shutdown).is_err() {
                        break;
                    }
                }
            });
        }
    }

    tracing::info!(
        daemon = "pacemakerd",
        "Starting Pacemaker {} | build={}",
        crate::features::PACEMAKER_VERSION,
        crate::features::BUILD
    );
    let cluster_connected = match &cfg.corosync {
        Some(path) => match crate::cluster::wait_for_corosync(path).await {
            Ok(cs) => {
                crate::cluster::authorize_group(&cs).await;
                tokio::spawn(crate::cluster::watch(path.clone(), cs, tx.clone()));
                true
            }
            Err(e) => {
                tracing::error!(daemon = "pacemakerd", "{e}");
                let _ = stop_tx.send(());
                if cfg.serve_ipc {
                    let _ = std::fs::remove_file(cfg.paths.socket("pacemakerd"));
                }
                return CrmExit::Unavailable;
            }
        },
        None => true,
    };
    tracing::info!(
        daemon = "pacemakerd",
        dir = %cfg.daemon_dir.display(),
        "Starting the subdaemons"
    );
    let mut pending: std::collections::VecDeque<Event> = std::collections::VecDeque::new();
    pending.push_back(Event::Start { cluster_connected });
    let mut pids: BTreeMap<usize, u32> = BTreeMap::new();
    let code = loop {
        let ev = match pending.pop_front() {
            Some(e) => e,
            None => match rx.recv().await {
                Some(e) => e,
                None => break CrmExit::Error,
            },
        };
        sup.handle(ev);
        let mut exit = None;
        for c in sup.take_commands() {
            if let Some(code) = command(&cfg, c, &tx, &mut pending, &mut pids).await {
                exit = Some(code);
            }
        }
        if let Ok(mut s) = status.lock() {
            *s = snapshot(&sup);
        }
        if let Some(code) = exit {
            break code;
        }
    };
    let _ = stop_tx.send(());
    if cfg.serve_ipc {
        let _ = std::fs::remove_file(cfg.paths.socket("pacemakerd"));
    }
    code
}

async fn command(
    cfg: &ShellConfig,
    c: Command,
    tx: &mpsc::UnboundedSender<Event>,
    pending: &mut std::collections::VecDeque<Event>,
    pids: &mut BTreeMap<usize, u32>,
) -> Option<CrmExit> {
    match c {
        Command::Spawn { child } => {
            match spawn(cfg, child, tx) {
                Ok(pid) => {
                    pids.insert(child, pid);
                    pending.push_back(Event::Spawned { child, pid });
                }
                Err(reason) => pending.push_back(Event::SpawnFailed { child, reason }),
            }
            None
        }
        Command::Signal {
            pid, signal: sig, ..
        } => {
            let s = match sig {
                Signal::Term => NixSignal::SIGTERM,
                Signal::Kill => NixSignal::SIGKILL,
                Signal::Segv => NixSignal::SIGSEGV,
            };
            if let Ok(p) = i32::try_from(pid) {
                if let Err(e) = signal::kill(Pid::from_raw(p), s) {
                    tracing::error!(daemon = "pacemakerd", "Could not signal process {pid}: {e}");
                }
            }
            None
        }
        Command::CheckLiveness { child, pid } => {
            let tx = tx.clone();
            let sock = cfg.paths.socket(CHILDREN[child].ipc);
            let ipc_check = cfg.ipc_check;
            tokio::spawn(async move {
                let running = pid.is_some_and(alive);
                let result = if !ipc_check {
                    if running {
                        Liveness::Ok
                    } else {
                        Liveness::Gone
                    }
                } else {
                    let ok = tokio::time::timeout(
                        Duration::from_secs(1),
                        tokio::net::UnixStream::connect(&sock),
                    )
                    .await
                    .is_ok_and(|r| r.is_ok());
                    match (ok, running) {
                        (true, _) => Liveness::Ok,
                        (false, true) => Liveness::PidOnly,
                        (false, false) => Liveness::Gone,
                    }
                };
                let _ = tx.send(Event::Liveness { child, result });
            });
            None
        }
        Command::StartTimer { timer, after } => {
            let tx = tx.clone();
            tokio::spawn(async move {
                tokio::time::sleep(after).await;
                let _ = tx.send(Event::Timer(timer));
            });
            None
        }
        Command::StopCorosync => {
            if let Some(path) = &cfg.corosync {
                tracing::info!(daemon = "pacemakerd", "Stopping corosync");
                let stop = async {
                    let cs = pcmk_proto::corosync::client::Corosync::connect(path)
                        .await
                        .map_err(|e| e.to_string())?;
                    // As `corosync-cfgtool -H --force`.
                    cs.cfg()
                        .shutdown(pcmk_proto::corosync::ShutdownRequest { flags: 1 })
                        .await
                        .map_err(|e| e.message().to_string())?;
                    Ok::<(), String>(())
                };
                match tokio::time::timeout(Duration::from_secs(30), stop).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => {
                        tracing::error!(daemon = "pacemakerd", "Could not stop corosync: {e}");
                    }
                    Err(_) => {
                        tracing::error!(
                            daemon = "pacemakerd",
                            "Could not stop corosync: timed out"
                        );
                    }
                }
            }
            None
        }
        Command::Panic { reason } => {
            tracing::error!(daemon = "pacemakerd", "Panic: {reason}");
            for pid in pids.values() {
                if let Ok(p) = i32::try_from(*pid) {
                    let _ = signal::kill(Pid::from_raw(p), NixSignal::SIGKILL);
                }
            }
            Some(CrmExit::Panic)
        }
        Command::Exit(code) => Some(code),
    }
}

/// Forks subdaemon `child` and watches for its exit.
fn spawn(
    cfg: &ShellConfig,
    child: usize,
    tx: &mpsc::UnboundedSender<Event>,
) -> Result<u32, String> {
    let spec = CHILDREN[child];
    let path = cfg.daemon_dir.join(spec.name);
    let mut cmd = tokio::process::Command::new(&path);
    cmd.process_group(0)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .envs(cfg.child_env.iter().cloned())
        .env("PCMK_respawned", "true");
    if !spec.as_root && nix::unistd::geteuid().is_root() {
        if let Ok(Some(user)) = nix::unistd::User::from_name("hacluster") {
            cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
    }
    let mut proc = cmd
        .spawn()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let pid = proc.id().ok_or_else(|| "no process id".to_string())?;
    let tx = tx.clone();
    tokio::spawn(async move {
        let status = match proc.wait().await {
            Ok(s) => exit_status(s),
            Err(_) => ExitStatus::Code(-1),
        };
        let _ = tx.send(Event::Exited { child, pid, status });
    });
    Ok(pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daemon_folder_choice() {
        let d = tempfile::tempdir().unwrap();
        let exe = d.path().join("pacemakerd");
        // An explicit folder wins.
        assert_eq!(
            daemon_dir(Some("/opt/pcmk"), Some(&exe)),
            PathBuf::from("/opt/pcmk")
        );
        // A folder without subdaemons is not taken.
        assert_eq!(
            daemon_dir(None, Some(&exe)),
            PathBuf::from(DEFAULT_DAEMON_DIR)
        );
        assert_eq!(absent_daemons(d.path()).len(), CHILDREN.len());
        // With one of them next to pacemakerd, that folder is used.
        std::fs::write(d.path().join("pacemaker-based"), "").unwrap();
        assert_eq!(daemon_dir(None, Some(&exe)), d.path());
        let absent = absent_daemons(d.path());
        assert_eq!(absent.len(), CHILDREN.len() - 1);
        assert!(!absent.contains(&"pacemaker-based".to_string()));
    }
}
