//! `pacemaker-based`, the async shell around the core: loads the CIB from
//! disk, serves `cib.proto` on `based.sock`, and writes changes back.
//!
//! ```text
//!  clients ──gRPC──▶ service ──▶ actor thread (owns the Cib) ──▶ writer thread ──▶ disk
//!                       ▲              │ one patchset per change
//!  subscribers ◀────────┴──── broadcast of applied patchsets
//! ```

mod actor;
mod cpg;
mod service;
mod user;
mod writer;

use std::path::PathBuf;
use std::time::Duration;

use pcmk_common::paths::Paths;
use pcmk_proto::cib::cib_server::CibServer;
use pcmk_proto::uds;
use tokio::sync::oneshot;

use crate::cib::Cib;
use crate::error::CibError;
use crate::store::{Source, Store};

pub use actor::{log_notes, now_text};
pub use cpg::{CpgError, GROUP as CPG_GROUP};
pub use user::acl_user;

/// Default limit on the size of one request (64 MiB).
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 64 << 20;

/// How the daemon runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Run without a cluster; otherwise join the CPG group `cib`.
    pub stand_alone: bool,
    /// Directory of `cib.xml` (default: `cib` in the state directory).
    pub cib_root: Option<PathBuf>,
    /// Write changes to disk.
    pub disk_writes: bool,
    /// Largest request accepted.
    pub max_request_bytes: usize,
    /// This node's name (default: `PCMK_node_name`, else the host name).
    pub node: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            stand_alone: true,
            cib_root: None,
            disk_writes: true,
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
            node: None,
        }
    }
}

/// Why the daemon could not run.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The socket could not be served.
    #[error(transparent)]
    Socket(#[from] uds::UdsError),
    /// A thread or directory could not be set up.
    #[error("{what}: {source}")]
    Setup {
        /// What failed.
        what: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server failed.
    #[error("serving the CIB API failed: {0}")]
    Serve(#[from] tonic::transport::Error),
    /// The cluster could not be joined.
    #[error(transparent)]
    Cpg(#[from] CpgError),
    /// The cluster layer went away.
    #[error("Lost connection to the cluster layer: {0}")]
    ClusterLost(String),
}

/// This node's name in a cluster: `PCMK_node_name`, else the name
/// corosync gives it (its `nodelist` entry), else the host name.
pub async fn cluster_node_name() -> String {
    if let Some(n) = std::env::var("PCMK_node_name")
        .ok()
        .filter(|s| !s.is_empty())
    {
        return n;
    }
    if let Ok(cs) = pcmk_proto::corosync::client::Corosync::connect_default().await {
        if let Ok((_, name)) = cs.local_node_name().await {
            return name;
        }
    }
    node_name(None)
}

/// This node's name.
pub fn node_name(opt: Option<&str>) -> String {
    opt.map(str::to_string)
        .or_else(|| {
            std::env::var("PCMK_node_name")
                .ok()
                .filter(|s| !s.is_empty())
        })
        .or_else(|| {
            nix::unistd::gethostname()
                .ok()
                .map(|h| h.to_string_lossy().to_string())
        })
        .unwrap_or_else(|| "localhost".to_string())
}

fn user_of(uid: nix::unistd::Uid) -> String {
    nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map_or_else(|| "#unprivileged".to_string(), |u| u.name)
}

/// Lets the `haclient` group use the socket, as Pacemaker does.
fn share_with_haclient(path: &std::path::Path) {
    if let Ok(Some(group)) = nix::unistd::Group::from_name("haclient") {
        if let Err(e) = nix::unistd::chown(path, None, Some(group.gid)) {
            tracing::warn!(error = %e, "Could not give the haclient group access to {}", path.display());
        }
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        // Without signal handlers, run until killed.
        std::future::pending::<()>().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

/// Runs the daemon until SIGTERM or SIGINT.
pub async fn run(opts: Options, root: tracing::Span) -> Result<(), DaemonError> {
    let paths = Paths::from_process();
    let joined = if opts.stand_alone {
        None
    } else {
        Some(cpg::join().await?)
    };
    let node = node_name(opts.node.as_deref());
    if let Some(j) = &joined {
        let _s = root.enter();
        tracing::info!(nodeid = j.me.nodeid, "Joined the cib group");
    }
    let dir = opts.cib_root.clone().unwrap_or_else(|| paths.cib_dir());
    std::fs::create_dir_all(&dir).map_err(|source| DaemonError::Setup {
        what: format!("cannot create {}", dir.display()),
        source,
    })?;
    let store = Store::new(&dir);
    let loaded = store.load();
    {
        let _s = root.enter();
        log_notes(&loaded.notes);
        if loaded.source == Source::Empty {
            tracing::warn!("Starting with an empty configuration");
        }
    }
    let mut cib = Cib::new(loaded.cib);
    let refused = match cib.validate() {
        Ok(()) => None,
        Err(e) => {
            let _s = root.enter();
            tracing::error!(
                "CIB does not validate, refusing changes: {}",
                e.lines().join("; ")
            );
            Some(CibError::SchemaValidation(match e {
                crate::schema::SchemaError::Invalid(v) => v,
                _ => Vec::new(),
            }))
        }
    };
    let write_at_start = opts.disk_writes && loaded.source != Source::Current;
    let (mcast_tx, mcast_rx) = tokio::sync::mpsc::unbounded_channel();
    let cluster = joined.as_ref().map(|j| actor::ClusterSetup {
        me: j.me,
        mcast: mcast_tx,
    });
    let (handle, join) = actor::spawn(
        cib,
        refused,
        opts.disk_writes.then_some(store),
        node.clone(),
        root.clone(),
        write_at_start,
        cluster,
    )
    .map_err(|source| DaemonError::Setup {
        what: "cannot start the CIB threads".to_string(),
        source,
    })?;
    let (lost_tx, lost_rx) = oneshot::channel::<String>();
    match joined {
        Some(j) => cpg::spawn(j.group, handle.tx.clone(), mcast_rx, lost_tx, root.clone()),
        None => drop(lost_tx),
    }
    let lost = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let lost_slot = lost.clone();
    let stop = async move {
        tokio::select! {
            () = shutdown_signal() => {}
            Ok(why) = lost_rx => {
                if let Ok(mut slot) = lost_slot.lock() {
                    *slot = Some(why);
                }
            }
        }
    };

    let socket = paths.socket("based");
    let listener = uds::bind(&socket, 0o660)?;
    share_with_haclient(&socket);
    let daemon_user = user_of(nix::unistd::geteuid());
    {
        let _s = root.enter();
        tracing::info!(socket = %socket.display(), cib = %dir.display(), "pacemaker-based started");
    }
    let service = service::Service::new(handle.tx.clone(), daemon_user, root.clone());
    let server = CibServer::new(service)
        .max_decoding_message_size(opts.max_request_bytes)
        .max_encoding_message_size(crate::client::MAX_REPLY_BYTES);
    let served = tonic::transport::Server::builder()
        .http2_keepalive_interval(Some(Duration::from_secs(30)))
        .http2_keepalive_timeout(Some(Duration::from_secs(20)))
        .add_service(server)
        .serve_with_incoming_shutdown(uds::incoming(listener), stop)
        .await;

    let (done_tx, done_rx) = oneshot::channel();
    if handle.tx.send(actor::Msg::Shutdown(done_tx)).is_ok() {
        let _ = done_rx.await;
    }
    drop(handle);
    let _ = join.join();
    let _ = std::fs::remove_file(&socket);
    let _s = root.enter();
    tracing::info!("pacemaker-based stopped");
    served.map_err(DaemonError::from)?;
    match lost.lock().ok().and_then(|mut l| l.take()) {
        Some(why) => Err(DaemonError::ClusterLost(why)),
        None => Ok(()),
    }
}
