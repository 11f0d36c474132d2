//! pacemakerd's link to corosync: it waits for corosync at start-up (as
//! long as Pacemaker does, 1 + 2 + 3 + 4 s, but asking every 100 ms so
//! that a corosync started alongside is used as soon as it answers), then
//! follows the connection, telling the supervisor when it is lost and when
//! it is back (retried once a second).

use std::path::{Path, PathBuf};
use std::time::Duration;

use pcmk_proto::corosync::client::Corosync;
use tokio::sync::mpsc;

use crate::supervisor::Event;

/// How long corosync may take to answer at start-up (Pacemaker's five
/// attempts with 1, 2, 3 and 4 s pauses between them).
pub const START_PATIENCE: Duration = Duration::from_secs(10);
/// Pause between attempts to reach corosync at start-up.
pub const START_POLL: Duration = Duration::from_millis(100);
/// Pause between reconnection attempts once running.
pub const RECONNECT_EVERY: Duration = Duration::from_secs(1);

/// Why corosync could not be reached.
#[derive(Debug, thiserror::Error)]
#[error("could not connect to corosync at {path}: {reason}")]
pub struct ClusterError {
    /// corosync's socket.
    pub path: PathBuf,
    /// The last failure.
    pub reason: String,
}

/// One attempt: connect and ask for the quorum state.
async fn reach(path: &Path) -> Result<Corosync, String> {
    let cs = Corosync::connect(path).await.map_err(|e| e.to_string())?;
    cs.quorum_get().await.map_err(|e| e.message().to_string())?;
    Ok(cs)
}

/// Waits for corosync at `path`, as long as Pacemaker does.
pub async fn wait_for_corosync(path: &Path) -> Result<Corosync, ClusterError> {
    let deadline = tokio::time::Instant::now() + START_PATIENCE;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        match reach(path).await {
            Ok(cs) => return Ok(cs),
            Err(e) => {
                if attempt % 10 == 1 {
                    tracing::debug!(
                        daemon = "pacemakerd",
                        "corosync not ready ({e}), attempt {attempt}"
                    );
                }
                if tokio::time::Instant::now() + START_POLL > deadline {
                    return Err(ClusterError {
                        path: path.to_path_buf(),
                        reason: e,
                    });
                }
            }
        }
        tokio::time::sleep(START_POLL).await;
    }
}

/// Lets the cluster daemons' group (`haclient`, which the `hacluster`
/// daemons run in) use corosync, as pacemakerd does by setting
/// `uidgid.gid.<gid>` in cmap. Only root may, and only needs to.
pub async fn authorize_group(cs: &Corosync) {
    if !pcmk_common::daemon::account::is_root() {
        return;
    }
    let Some((_, gid)) = pcmk_common::daemon::account::cluster_ids() else {
        tracing::warn!(
            daemon = "pacemakerd",
            "Could not authorize the cluster group with corosync: no {} account",
            pcmk_common::daemon::account::CLUSTER_USER
        );
        return;
    };
    let entry = pcmk_proto::corosync::CmapEntry {
        key: format!("uidgid.gid.{gid}"),
        r#type: "u8".into(),
        value: "1".into(),
    };
    if let Err(e) = cs.cmap().set(entry).await {
        tracing::warn!(
            daemon = "pacemakerd",
            "Could not authorize group with Corosync: {}",
            e.message()
        );
    }
}

/// Follows the connection to corosync, sending [`Event::Cluster`] when it
/// is lost or back, until `tx` closes.
pub async fn watch(path: PathBuf, first: Corosync, tx: mpsc::UnboundedSender<Event>) {
    let mut cs = Some(first);
    loop {
        if let Some(c) = cs.take() {
            if let Ok(mut track) = c.quorum_track().await {
                while let Ok(Some(_)) = track.next().await {}
            }
            tracing::warn!(
                daemon = "pacemakerd",
                "Lost connection to cluster layer (connection will be reattempted once per second)"
            );
            if tx.send(Event::Cluster { connected: false }).is_err() {
                return;
            }
        }
        tokio::time::sleep(RECONNECT_EVERY).await;
        if tx.is_closed() {
            return;
        }
        if let Ok(c) = reach(&path).await {
            tracing::info!(
                daemon = "pacemakerd",
                "Connection to the cluster layer is back"
            );
            if tx.send(Event::Cluster { connected: true }).is_err() {
                return;
            }
            cs = Some(c);
        }
    }
}
