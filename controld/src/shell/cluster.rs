//! The cluster layer: who we are (corosync's local node id and its name
//! in the configured node list), the CPG group `crmd` (messages in agreed
//! order, and which controllers are up), and quorum with the membership
//! that comes with it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pcmk_proto::corosync::client::{Corosync, CpgMessage};
use pcmk_proto::corosync::{CpgAddress, QuorumState};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::Instrument;

use super::{Input, InputTx, send_event};
use crate::core::controller::{Daemon, Event};
use crate::core::message::{CrmdMessage, Envelope};
use crate::core::peers::NodeRef;

/// The CPG group of the controllers.
pub const GROUP: &str = "crmd";

/// This node as the cluster layer knows it.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    /// This node.
    pub local: NodeRef,
    /// The configured nodes (corosync's node list).
    pub nodes: Vec<NodeRef>,
    cs: Corosync,
}

/// The configured nodes (named as Pacemaker names them), by id.
async fn read_nodelist(cs: &Corosync) -> Result<Vec<NodeRef>, tonic::Status> {
    Ok(cs
        .node_names()
        .await?
        .into_iter()
        .map(|(id, name)| NodeRef::new(id, name))
        .collect())
}

/// Connects to corosync (waiting up to `wait` for it) and finds out who
/// we are: the local node id, and its name from the node list (else the
/// host name, as Pacemaker does).
pub(crate) async fn identify(socket: &Path, wait: Duration) -> Result<Identity, String> {
    let deadline = Instant::now() + wait;
    let cs = loop {
        match Corosync::connect(socket).await {
            Ok(cs) => break cs,
            Err(e) if Instant::now() >= deadline => return Err(e.to_string()),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    let nodes = read_nodelist(&cs)
        .await
        .map_err(|e| format!("cannot read the node list: {}", e.message()))?;
    let (id, name) = cs
        .local_node_name()
        .await
        .map_err(|e| format!("cannot find the local node: {}", e.message()))?;
    Ok(Identity {
        local: NodeRef::new(id, name),
        nodes,
        cs,
    })
}

/// Node names by id, refreshed from cmap when an unknown id shows up.
#[derive(Debug, Clone)]
struct Names {
    cs: Corosync,
    by_id: Arc<Mutex<BTreeMap<u32, String>>>,
}

impl Names {
    fn get(&self, id: u32) -> Option<String> {
        self.by_id.lock().ok()?.get(&id).cloned()
    }

    /// Resolves every id, reading the node list again once if one is
    /// unknown; ids that stay unknown are left out (with a warning).
    async fn resolve(&self, ids: &[u32]) -> Vec<NodeRef> {
        if ids.iter().any(|id| self.get(*id).is_none()) {
            if let Ok(nodes) = read_nodelist(&self.cs).await {
                if let Ok(mut m) = self.by_id.lock() {
                    for n in nodes {
                        m.insert(n.id, n.name);
                    }
                }
            }
        }
        let mut out = Vec::new();
        for &id in ids {
            match self.get(id) {
                Some(name) => out.push(NodeRef::new(id, name)),
                None => {
                    tracing::warn!("Ignoring cluster node {id}: it has no name in the node list")
                }
            }
        }
        out
    }
}

/// The link to corosync for the controller.
pub(crate) struct ClusterLink {
    names: Names,
    local: NodeRef,
    tx: InputTx,
    out: Option<mpsc::UnboundedSender<Vec<u8>>>,
    tasks: Vec<JoinHandle<()>>,
    sender_task: Option<JoinHandle<()>>,
}

fn unique_ids(members: &[CpgAddress]) -> Vec<u32> {
    let mut ids: Vec<u32> = members.iter().map(|a| a.nodeid).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Decodes a message delivered by node `nodeid` (named `sender`, if
/// known); malformed or forged messages are dropped with a warning.
fn decode_delivery(nodeid: u32, sender: Option<&str>, data: &[u8]) -> Option<Envelope> {
    let Ok(text) = std::str::from_utf8(data) else {
        tracing::warn!("Ignoring a controller message from node {nodeid} that is not text");
        return None;
    };
    let env = match Envelope::decode(text) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!("Ignoring a malformed controller message from node {nodeid}: {e}");
            return None;
        }
    };
    if let Some(name) = sender {
        if !env.from.eq_ignore_ascii_case(name) {
            tracing::warn!(
                "Ignoring a {} message from node {nodeid} ({name}) claiming to come from {}",
                env.message.task(),
                env.from
            );
            return None;
        }
    }
    Some(env)
}

impl ClusterLink {
    pub(crate) fn new(identity: Identity, tx: InputTx) -> ClusterLink {
        let mut by_id: BTreeMap<u32, String> = identity
            .nodes
            .iter()
            .map(|n| (n.id, n.name.clone()))
            .collect();
        by_id.insert(identity.local.id, identity.local.name.clone());
        ClusterLink {
            names: Names {
                cs: identity.cs,
                by_id: Arc::new(Mutex::new(by_id)),
            },
            local: identity.local,
            tx,
            out: None,
            tasks: Vec::new(),
            sender_task: None,
        }
    }

    /// Joins CPG `crmd` and follows quorum; reports membership, peers and
    /// messages as events.
    pub(crate) fn connect(&mut self) {
        if self.out.is_some() {
            return;
        }
        let (out_tx, out_rx) = mpsc::unbounded_channel();
        self.out = Some(out_tx);
        let (group_tx, group_rx) = tokio::sync::oneshot::channel();
        let names = self.names.clone();
        let tx = self.tx.clone();
        let reader = tokio::spawn(
            async move {
                let cs = names.cs.clone();
                let joined = async {
                    Ok::<_, tonic::Status>((cs.cpg_join(GROUP).await?, cs.quorum_track().await?))
                };
                let (mut group, mut quorum) = match joined.await {
                    Ok(x) => x,
                    Err(e) => {
                        let _ = tx.send(Input::Fatal(
                            pcmk_common::exit::CrmExit::Error,
                            format!(
                                "Could not join the controllers' process group: {}",
                                e.message()
                            ),
                        ));
                        return;
                    }
                };
                let _ = group_tx.send(group.sender());
                tracing::info!("Joined process group {GROUP}");
                send_event(&tx, Event::Connected(Daemon::Cluster));
                loop {
                    tokio::select! {
                        ev = group.next() => match ev {
                            Ok(Some(m)) => cpg_event(&names, &tx, m).await,
                            Ok(None) | Err(_) => break,
                        },
                        q = quorum.next() => match q {
                            Ok(Some(state)) => quorum_event(&names, &tx, state).await,
                            Ok(None) | Err(_) => break,
                        },
                    }
                }
                tracing::error!("Lost the connection to the cluster layer");
                send_event(&tx, Event::Disconnected(Daemon::Cluster));
            }
            .in_current_span(),
        );
        let sender = tokio::spawn(
            async move {
                let Ok(group) = group_rx.await else {
                    return;
                };
                let mut out_rx = out_rx;
                while let Some(data) = out_rx.recv().await {
                    if let Err(e) = group.mcast(data).await {
                        tracing::error!("Could not send to {GROUP}: {}", e.message());
                    }
                }
            }
            .in_current_span(),
        );
        self.tasks.push(reader);
        self.sender_task = Some(sender);
    }

    /// Multicasts a message from us (`from`) to `to`, or to every
    /// controller.
    pub(crate) fn send(&self, from: &str, to: Option<String>, message: CrmdMessage) {
        let env = Envelope {
            from: from.to_string(),
            to,
            message,
        };
        match &self.out {
            Some(out) => {
                tracing::trace!(task = env.message.task(), to = ?env.to, "Sending controller message");
                let _ = out.send(env.encode().into_bytes());
            }
            None => tracing::warn!(
                "Not sending {}: not connected to the cluster layer",
                env.message.task()
            ),
        }
    }

    /// Stops following the cluster (the group is left when the stream
    /// closes).
    pub(crate) fn disconnect(&mut self) {
        self.out = None;
        for t in self.tasks.drain(..) {
            t.abort();
        }
    }

    /// Flushes what is still queued for the group (for a second at most)
    /// and leaves it.
    pub(crate) async fn leave(&mut self) {
        self.out = None;
        if let Some(t) = self.sender_task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(1), t).await;
        }
        self.disconnect();
        tracing::debug!("Left process group {GROUP} as {}", self.local.name);
    }
}

async fn cpg_event(names: &Names, tx: &InputTx, m: CpgMessage) {
    match m {
        CpgMessage::Deliver { nodeid, data, .. } => {
            let sender = names.get(nodeid);
            if let Some(env) = decode_delivery(nodeid, sender.as_deref(), &data) {
                send_event(tx, Event::Message(env));
            }
        }
        CpgMessage::Confchg { members, .. } => {
            let members = names.resolve(&unique_ids(&members)).await;
            tracing::debug!(
                peers = ?members.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
                "Controller peers changed"
            );
            send_event(tx, Event::ControllerPeers { members });
        }
        CpgMessage::TotemConfchg { .. } => {}
    }
}

async fn quorum_event(names: &Names, tx: &InputTx, state: QuorumState) {
    let mut ids = state.members.clone();
    ids.sort_unstable();
    ids.dedup();
    let members = names.resolve(&ids).await;
    let seq = state.ring_id.map_or(0, |r| r.seq);
    tracing::debug!(
        seq,
        quorate = state.quorate,
        members = ?members.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
        "Membership changed"
    );
    send_event(tx, Event::Membership { seq, members });
    let _ = tx.send(Input::Quorate(state.quorate));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_are_checked() {
        let env = Envelope {
            from: "n1".into(),
            to: None,
            message: CrmdMessage::JoinAnnounce,
        };
        let data = env.encode().into_bytes();
        assert_eq!(decode_delivery(1, Some("N1"), &data), Some(env.clone()));
        assert_eq!(decode_delivery(1, None, &data), Some(env));
        // Forged sender, garbage, not text.
        assert_eq!(decode_delivery(2, Some("n2"), &data), None);
        assert_eq!(decode_delivery(1, Some("n1"), b"<crm_message"), None);
        assert_eq!(decode_delivery(1, Some("n1"), &[0xff, 0xfe]), None);
    }

    #[test]
    fn members_are_counted_once_per_node() {
        let a = |nodeid, pid| CpgAddress {
            nodeid,
            pid,
            reason: 0,
        };
        assert_eq!(unique_ids(&[a(3, 1), a(1, 2), a(3, 4)]), vec![1, 3]);
    }
}
