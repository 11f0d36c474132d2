//! tonic over Unix domain sockets.
//!
//! Every daemon serves its gRPC API on a socket in the run directory and
//! every tool connects to it there. Handlers learn who is calling from the
//! socket's peer credentials (SO_PEERCRED), which the kernel vouches for.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use hyper_util::rt::TokioIo;
use tokio::net::{UnixListener, UnixStream};
use tokio_stream::wrappers::UnixListenerStream;
use tonic::transport::{Channel, Endpoint, Uri, server::UdsConnectInfo};
use tower::service_fn;

/// The credentials of the process at the other end of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerCred {
    /// Effective user id of the peer.
    pub uid: u32,
    /// Effective group id of the peer.
    pub gid: u32,
    /// Process id of the peer, where the kernel reports it.
    pub pid: Option<i32>,
}

impl PeerCred {
    /// The login name of the peer's user, if the user database knows it.
    pub fn user_name(&self) -> Option<String> {
        nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(self.uid))
            .ok()
            .flatten()
            .map(|u| u.name)
    }
}

/// The peer credentials of the connection a request arrived on.
///
/// `None` when the request did not come over a Unix socket (for example in
/// in-process tests that call a service directly).
pub fn peer_cred<T>(req: &tonic::Request<T>) -> Option<PeerCred> {
    let info = req.extensions().get::<UdsConnectInfo>()?;
    let cred = info.peer_cred?;
    Some(PeerCred {
        uid: cred.uid(),
        gid: cred.gid(),
        pid: cred.pid(),
    })
}

/// Errors met while binding or connecting a daemon socket.
#[derive(Debug, thiserror::Error)]
pub enum UdsError {
    /// Another live process already serves this socket.
    #[error("{path} is already served by a running daemon")]
    InUse {
        /// The socket path.
        path: PathBuf,
    },
    /// The socket could not be created or prepared.
    #[error("cannot bind {path}: {source}")]
    Bind {
        /// The socket path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// Connecting to the daemon failed (not running, or refused).
    #[error("cannot connect to {path}: {source}")]
    Connect {
        /// The socket path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: tonic::transport::Error,
    },
}

/// Binds a listening socket at `path` with permission bits `mode`.
///
/// A socket file left behind by a daemon that died is removed first; a
/// socket that still answers is left alone and reported as in use.
pub fn bind(path: &Path, mode: u32) -> Result<UnixListener, UdsError> {
    let bind_err = |source| UdsError::Bind {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(bind_err)?;
    }
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(UdsError::InUse {
                path: path.to_path_buf(),
            });
        }
        std::fs::remove_file(path).map_err(bind_err)?;
    }
    let listener = UnixListener::bind(path).map_err(bind_err)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(bind_err)?;
    Ok(listener)
}

/// Turns a listener into the stream of connections tonic's server takes.
pub fn incoming(listener: UnixListener) -> UnixListenerStream {
    UnixListenerStream::new(listener)
}

/// Opens a gRPC channel to the daemon socket at `path`.
pub async fn connect(path: &Path) -> Result<Channel, UdsError> {
    let owned = path.to_path_buf();
    // The URI is required by the HTTP/2 layer but never resolved.
    let endpoint = Endpoint::from_static("http://localhost");
    endpoint
        .connect_with_connector(service_fn(move |_: Uri| {
            let p = owned.clone();
            async move { UnixStream::connect(p).await.map(TokioIo::new) }
        }))
        .await
        .map_err(|source| UdsError::Connect {
            path: path.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bind_replaces_stale_socket_and_refuses_live_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sock");
        {
            let _l = bind(&path, 0o600).unwrap();
            assert!(matches!(bind(&path, 0o600), Err(UdsError::InUse { .. })));
        }
        // The listener is gone: the leftover file is stale.
        let _l = bind(&path, 0o600).unwrap();
    }
}
