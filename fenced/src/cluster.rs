//! The fencer in a cluster: CPG group `stonith-ng` through corosync (peer
//! messages and the membership of fencers) and the CIB manager (fence
//! devices, topology and node attributes, reloaded on every configuration
//! change). These tasks only move bytes between corosync, the CIB manager
//! and the [`FencerService`]'s core.

use std::time::Duration;

use pcmk_based::client::CibClient;
use pcmk_based::request::Target;
use pcmk_common::paths::Paths;
use pcmk_proto::corosync::client::{Corosync, CpgGroup, CpgMessage, NodeNames};
use tokio::sync::mpsc;

use crate::server::FencerService;
use crate::wire::{CPG_GROUP, decode};

/// Name the fencer gives itself to the CIB manager.
pub const CIB_CLIENT_NAME: &str = "pacemaker-fenced";

/// Attempts to reach the CIB manager at start-up.
pub const CIB_ATTEMPTS: u32 = 30;

/// A joined `stonith-ng` group.
pub struct ClusterLink {
    corosync: Corosync,
    group: CpgGroup,
    names: NodeNames,
    node: String,
}

/// The running CPG tasks, to leave the group on shutdown.
pub struct ClusterTasks {
    leave: tokio::sync::oneshot::Sender<()>,
    reader: tokio::task::JoinHandle<()>,
}

impl ClusterTasks {
    /// Leaves the CPG group.
    pub async fn leave(self) {
        let _ = self.leave.send(());
        let _ = self.reader.await;
    }
}

/// Connects to corosync, learns this node's name and joins `stonith-ng`.
pub async fn join() -> Result<ClusterLink, String> {
    let corosync = Corosync::connect_default()
        .await
        .map_err(|e| e.to_string())?;
    let (_, node) = corosync
        .local_node_name()
        .await
        .map_err(|e| e.message().to_string())?;
    let names = NodeNames::load(&corosync)
        .await
        .map_err(|e| e.message().to_string())?;
    let group = corosync
        .cpg_join(CPG_GROUP)
        .await
        .map_err(|e| e.message().to_string())?;
    tracing::info!(
        nodeid = group.local_nodeid(),
        "joined CPG group {CPG_GROUP} as {node}"
    );
    Ok(ClusterLink {
        corosync,
        group,
        names,
        node,
    })
}

impl ClusterLink {
    /// This node's name, as corosync knows it.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Starts moving messages: `outgoing` (encoded by the service) to the
    /// group, deliveries and membership changes to `svc`. A lost
    /// corosync is reported on `lost`.
    pub fn run(
        self,
        svc: FencerService,
        mut outgoing: mpsc::UnboundedReceiver<Vec<u8>>,
        lost: mpsc::UnboundedSender<String>,
    ) -> ClusterTasks {
        let sender = self.group.sender();
        let lost_send = lost.clone();
        tokio::spawn(async move {
            while let Some(bytes) = outgoing.recv().await {
                if let Err(e) = sender.mcast(bytes).await {
                    tracing::error!("could not send to CPG group {CPG_GROUP}: {}", e.message());
                    let _ = lost_send.send("the cluster layer".into());
                    return;
                }
            }
        });
        let (leave_tx, mut leave_rx) = tokio::sync::oneshot::channel();
        let ClusterLink {
            corosync,
            mut group,
            mut names,
            node,
        } = self;
        let reader = tokio::spawn(async move {
            let _keep = corosync;
            loop {
                let ev = tokio::select! {
                    _ = &mut leave_rx => break,
                    ev = group.next() => ev,
                };
                match ev {
                    Ok(Some(CpgMessage::Deliver { nodeid, data, .. })) => match decode(&data) {
                        Ok(r) => {
                            names.learn(nodeid, &r.from);
                            if r.is_for(&node) {
                                svc.peer_message(r.from, r.msg);
                            }
                        }
                        Err(e) => {
                            tracing::warn!(nodeid, "ignoring a bad message from a peer: {e}")
                        }
                    },
                    Ok(Some(CpgMessage::Confchg { members, .. })) => {
                        let mut list = Vec::new();
                        for m in members {
                            match names.resolve(m.nodeid).await {
                                Some(n) => list.push(n),
                                None => tracing::warn!(
                                    nodeid = m.nodeid,
                                    "fencer of a node whose name is unknown joined"
                                ),
                            }
                        }
                        svc.members(list);
                    }
                    Ok(Some(CpgMessage::TotemConfchg { .. })) => {}
                    Ok(None) | Err(_) => {
                        let _ = lost.send("the cluster layer".into());
                        return;
                    }
                }
            }
            let _ = group.leave().await;
        });
        ClusterTasks {
            leave: leave_tx,
            reader,
        }
    }
}

/// Connects to this node's CIB manager, retrying as the other daemons do.
pub async fn connect_cib(paths: &Paths) -> Result<CibClient, String> {
    let socket = paths.socket("based");
    let mut last = String::new();
    for attempt in 1..=CIB_ATTEMPTS {
        match CibClient::connect(&socket).await {
            Ok(c) => return Ok(c.with_name(CIB_CLIENT_NAME)),
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt.min(5)))).await;
    }
    Err(format!("could not connect to the CIB manager: {last}"))
}

/// Follows the CIB: the whole configuration first, then again after every
/// change to it (devices, topology or node attributes may have changed).
/// A lost CIB manager is reported on `lost`.
pub async fn watch_cib(
    mut cib: CibClient,
    svc: FencerService,
    lost: mpsc::UnboundedSender<String>,
) {
    let mut stream = match cib.subscribe(true).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("could not subscribe to CIB changes: {e}");
            let _ = lost.send("the CIB manager".into());
            return;
        }
    };
    loop {
        match stream.message().await {
            Ok(Some(ev)) => {
                let doc = if !ev.cib.is_empty() {
                    pcmk_common::xml::parse(&ev.cib).map_err(|e| e.to_string())
                } else if ev.config_changed || ev.patchset.is_empty() {
                    cib.query_xml(Target::All).await.map_err(|e| e.to_string())
                } else {
                    continue;
                };
                match doc {
                    Ok(doc) => {
                        let cfg = crate::cib::parse(&doc);
                        tracing::debug!(
                            devices = cfg.devices.len(),
                            levels = cfg.levels.len(),
                            "fencing configuration from the CIB"
                        );
                        if svc.apply_cib(cfg).await.is_err() {
                            return;
                        }
                    }
                    Err(e) => tracing::warn!("could not read the CIB: {e}"),
                }
            }
            Ok(None) | Err(_) => {
                let _ = lost.send("the CIB manager".into());
                return;
            }
        }
    }
}
