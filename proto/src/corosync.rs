//! corosync's local API: the generated gRPC types and clients for CPG,
//! quorum, cmap and cfg, where to find corosync's socket, and a small async
//! client for the two services every Pacemaker daemon needs ([`client`]).

#[allow(missing_docs, clippy::all)]
mod generated {
    tonic::include_proto!("corosync");
}

pub use generated::*;

use std::path::PathBuf;

/// Environment variable that moves corosync's run directory (its socket).
pub const ENV_RUN_DIR: &str = "COROSYNC_RUN_DIR";
/// corosync's run directory when [`ENV_RUN_DIR`] is not set.
pub const DEFAULT_RUN_DIR: &str = "/run/corosync";
/// The socket's file name in the run directory.
pub const SOCKET_NAME: &str = "corosync.sock";

/// corosync's run directory, from [`ENV_RUN_DIR`] or the default.
pub fn run_dir() -> PathBuf {
    std::env::var(ENV_RUN_DIR)
        .ok()
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_RUN_DIR), PathBuf::from)
}

/// The socket corosync serves its local API on.
pub fn socket_path() -> PathBuf {
    run_dir().join(SOCKET_NAME)
}

/// CPG's reasons in confchg lists (`CPG_REASON_*`).
pub mod reason {
    /// The process joined.
    pub const JOIN: u32 = 1;
    /// The process left.
    pub const LEAVE: u32 = 2;
    /// Its node left the membership.
    pub const NODEDOWN: u32 = 3;
    /// Its node joined the membership.
    pub const NODEUP: u32 = 4;
    /// The process went away without leaving.
    pub const PROCDOWN: u32 = 5;
}

pub mod client;
