//! A small async client for CPG and quorum, for the Pacemaker daemons.
//!
//! Every cluster-wide message of the stack goes through a CPG group
//! (`cib`, `crmd`, `attrd`, `stonith-ng`): join the group, multicast, and
//! read deliveries and membership changes in agreed order: every member
//! sees the same sequence. Quorum changes come from [`QuorumWatch`].
//!
//! ```no_run
//! use pcmk_proto::corosync::client::{Corosync, CpgMessage};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // The socket is $COROSYNC_RUN_DIR/corosync.sock (default /run/corosync).
//! let cs = Corosync::connect_default().await?;
//! let mut group = cs.cpg_join("attrd").await?;
//! println!("I am node {}", group.local_nodeid());
//! let sender = group.sender(); // cloneable, for other tasks
//! sender.mcast(b"hello".to_vec()).await?;
//! let mut quorum = cs.quorum_track().await?;
//! loop {
//!     tokio::select! {
//!         ev = group.next() => match ev? {
//!             Some(CpgMessage::Deliver { nodeid, pid, data }) => {
//!                 println!("{nodeid}/{pid} sent {} bytes", data.len());
//!             }
//!             Some(CpgMessage::Confchg { members, left, joined }) => {
//!                 println!("members {members:?}, left {left:?}, joined {joined:?}");
//!             }
//!             Some(CpgMessage::TotemConfchg { ring_id, members }) => {
//!                 println!("ring {ring_id:?}: {members:?}");
//!             }
//!             None => break, // corosync went away
//!         },
//!         q = quorum.next() => match q? {
//!             Some(state) => println!("quorate: {}", state.quorate),
//!             None => break,
//!         },
//!     }
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use tonic::transport::Channel;
use tonic::{Status, Streaming};

use super::cfg_client::CfgClient;
use super::cmap_client::CmapClient;
use super::cpg_client::CpgClient;
use super::quorum_client::QuorumClient;
use super::{
    CmapPrefix, CpgAddress, CpgEvent, CpgJoinRequest, CpgLeaveRequest, CpgMcastRequest, Empty,
    QuorumState, RingId, cpg_event,
};
use crate::uds::{self, UdsError};

/// A connection to the local corosync.
#[derive(Debug, Clone)]
pub struct Corosync {
    channel: Channel,
}

/// One event of a CPG group, in agreed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CpgMessage {
    /// A message multicast to the group.
    Deliver {
        /// Sending node.
        nodeid: u32,
        /// Sending process.
        pid: u32,
        /// The message.
        data: Vec<u8>,
    },
    /// The group's membership changed.
    Confchg {
        /// Members now.
        members: Vec<CpgAddress>,
        /// Members that went away (with the reason).
        left: Vec<CpgAddress>,
        /// Members that came (with the reason).
        joined: Vec<CpgAddress>,
    },
    /// The cluster membership (the totem ring) changed.
    TotemConfchg {
        /// The new ring.
        ring_id: RingId,
        /// Its nodes.
        members: Vec<u32>,
    },
}

impl Corosync {
    /// Connects to corosync's socket at `path`.
    pub async fn connect(path: &Path) -> Result<Corosync, UdsError> {
        Ok(Corosync {
            channel: uds::connect(path).await?,
        })
    }

    /// Connects to corosync's socket in its run directory ([`super::socket_path`]).
    pub async fn connect_default() -> Result<Corosync, UdsError> {
        Corosync::connect(&super::socket_path()).await
    }

    /// The underlying channel, for the generated clients.
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// A CPG client.
    pub fn cpg(&self) -> CpgClient<Channel> {
        CpgClient::new(self.channel.clone())
    }

    /// A quorum/votequorum client.
    pub fn quorum(&self) -> QuorumClient<Channel> {
        QuorumClient::new(self.channel.clone())
    }

    /// A cmap client.
    pub fn cmap(&self) -> CmapClient<Channel> {
        CmapClient::new(self.channel.clone())
    }

    /// A cfg client.
    pub fn cfg(&self) -> CfgClient<Channel> {
        CfgClient::new(self.channel.clone())
    }

    /// Joins CPG group `group` as this process.
    pub async fn cpg_join(&self, group: &str) -> Result<CpgGroup, Status> {
        let mut cpg = self.cpg();
        let mut events = cpg
            .join(CpgJoinRequest {
                group: group.to_string(),
                pid: std::process::id(),
            })
            .await?
            .into_inner();
        match events.message().await? {
            Some(CpgEvent {
                event: Some(cpg_event::Event::Joined(j)),
            }) => Ok(CpgGroup {
                sender: CpgSender {
                    client: cpg,
                    handle: j.handle,
                },
                local_nodeid: j.local_nodeid,
                events,
            }),
            _ => Err(Status::internal("corosync did not confirm the join")),
        }
    }

    /// The current quorum state.
    pub async fn quorum_get(&self) -> Result<QuorumState, Status> {
        Ok(self.quorum().get(Empty {}).await?.into_inner())
    }

    /// This node's id.
    pub async fn local_nodeid(&self) -> Result<u32, Status> {
        Ok(self.cpg().local_get(Empty {}).await?.into_inner().nodeid)
    }

    /// The names of the configured nodes by node id, from cmap's
    /// `nodelist.node.N.*` keys: `name`, else `ring0_addr` when it is not
    /// an address (Pacemaker's `pcmk__corosync_name()`).
    pub async fn node_names(&self) -> Result<BTreeMap<u32, String>, Status> {
        let entries = self
            .cmap()
            .iterate(CmapPrefix {
                prefix: "nodelist.node.".to_string(),
            })
            .await?
            .into_inner()
            .entries;
        Ok(node_names_from(
            entries.iter().map(|e| (e.key.as_str(), e.value.as_str())),
        ))
    }

    /// This node's name: its `nodelist` entry, else the host name.
    pub async fn local_node_name(&self) -> Result<(u32, String), Status> {
        let id = self.local_nodeid().await?;
        let names = self.node_names().await?;
        let name = names.get(&id).cloned().unwrap_or_else(|| {
            nix::unistd::gethostname()
                .ok()
                .and_then(|h| h.into_string().ok())
                .unwrap_or_else(|| "localhost".to_string())
        });
        Ok((id, name))
    }

    /// Follows quorum: the current state first, then every change.
    pub async fn quorum_track(&self) -> Result<QuorumWatch, Status> {
        let stream = self.quorum().track(Empty {}).await?.into_inner();
        Ok(QuorumWatch { stream })
    }
}

/// Node names by id, read from cmap and read again when an unknown id
/// turns up (a node added to the configuration), for daemons that get
/// node ids from CPG and speak of nodes by name.
#[derive(Debug, Clone)]
pub struct NodeNames {
    corosync: Corosync,
    names: BTreeMap<u32, String>,
    refreshed: Option<std::time::Instant>,
}

impl NodeNames {
    /// Reads the names configured in corosync.
    pub async fn load(corosync: &Corosync) -> Result<NodeNames, Status> {
        let names = corosync.node_names().await?;
        Ok(NodeNames {
            corosync: corosync.clone(),
            names,
            refreshed: Some(std::time::Instant::now()),
        })
    }

    /// The name of node `id` if known, without asking corosync.
    pub fn get(&self, id: u32) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    /// Records a name learned elsewhere (a message's sender field).
    pub fn learn(&mut self, id: u32, name: &str) {
        self.names.entry(id).or_insert_with(|| name.to_string());
    }

    /// The name of node `id`, asking corosync again (at most once a
    /// second) when it is not known.
    pub async fn resolve(&mut self, id: u32) -> Option<String> {
        if let Some(n) = self.names.get(&id) {
            return Some(n.clone());
        }
        let stale = self
            .refreshed
            .is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(1));
        if stale {
            self.refreshed = Some(std::time::Instant::now());
            if let Ok(fresh) = self.corosync.node_names().await {
                for (k, v) in fresh {
                    self.names.insert(k, v);
                }
            }
        }
        self.names.get(&id).cloned()
    }
}

/// Node names by id from `nodelist.node.N.<field>` keys and their values.
pub fn node_names_from<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<u32, String> {
    #[derive(Default)]
    struct Entry {
        id: Option<u32>,
        name: Option<String>,
        ring0: Option<String>,
    }
    let mut slots: BTreeMap<&str, Entry> = BTreeMap::new();
    for (key, value) in entries {
        let Some(rest) = key.strip_prefix("nodelist.node.") else {
            continue;
        };
        let Some((slot, field)) = rest.split_once('.') else {
            continue;
        };
        let e = slots.entry(slot).or_default();
        match field {
            "nodeid" => e.id = value.trim().parse().ok(),
            "name" => e.name = Some(value.to_string()),
            "ring0_addr" => e.ring0 = Some(value.to_string()),
            _ => {}
        }
    }
    slots
        .into_values()
        .filter_map(|e| {
            let name = e.name.filter(|n| !n.is_empty()).or_else(|| {
                e.ring0
                    .filter(|a| !a.is_empty() && a.parse::<std::net::IpAddr>().is_err())
            })?;
            Some((e.id?, name))
        })
        .collect()
}

/// Sends to a joined CPG group; cheap to clone.
#[derive(Debug, Clone)]
pub struct CpgSender {
    client: CpgClient<Channel>,
    handle: u64,
}

impl CpgSender {
    /// Multicasts `data` to every member of the group (this one included).
    pub async fn mcast(&self, data: Vec<u8>) -> Result<(), Status> {
        let mut c = self.client.clone();
        c.mcast(CpgMcastRequest {
            handle: self.handle,
            data,
        })
        .await?;
        Ok(())
    }
}

/// Membership in one CPG group and its stream of events.
#[derive(Debug)]
pub struct CpgGroup {
    sender: CpgSender,
    local_nodeid: u32,
    events: Streaming<CpgEvent>,
}

impl CpgGroup {
    /// This node's id.
    pub fn local_nodeid(&self) -> u32 {
        self.local_nodeid
    }

    /// A handle to multicast from other tasks.
    pub fn sender(&self) -> CpgSender {
        self.sender.clone()
    }

    /// Multicasts `data` to the group.
    pub async fn mcast(&self, data: Vec<u8>) -> Result<(), Status> {
        self.sender.mcast(data).await
    }

    /// The next event; `None` when corosync closed the stream.
    pub async fn next(&mut self) -> Result<Option<CpgMessage>, Status> {
        loop {
            let Some(ev) = self.events.message().await? else {
                return Ok(None);
            };
            let msg = match ev.event {
                Some(cpg_event::Event::Deliver(d)) => CpgMessage::Deliver {
                    nodeid: d.nodeid,
                    pid: d.pid,
                    data: d.data,
                },
                Some(cpg_event::Event::Confchg(c)) => CpgMessage::Confchg {
                    members: c.members,
                    left: c.left,
                    joined: c.joined,
                },
                Some(cpg_event::Event::TotemConfchg(t)) => CpgMessage::TotemConfchg {
                    ring_id: t.ring_id.unwrap_or_default(),
                    members: t.members,
                },
                Some(cpg_event::Event::Joined(_)) | None => continue,
            };
            return Ok(Some(msg));
        }
    }

    /// Leaves the group.
    pub async fn leave(self) -> Result<(), Status> {
        let mut c = self.sender.client.clone();
        c.leave(CpgLeaveRequest {
            handle: self.sender.handle,
        })
        .await?;
        Ok(())
    }
}

/// A stream of quorum states.
#[derive(Debug)]
pub struct QuorumWatch {
    stream: Streaming<QuorumState>,
}

impl QuorumWatch {
    /// The next state; `None` when corosync closed the stream.
    pub async fn next(&mut self) -> Result<Option<QuorumState>, Status> {
        self.stream.message().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_name_then_non_address_ring0() {
        let keys = [
            ("nodelist.node.0.nodeid", "1"),
            ("nodelist.node.0.name", "alpha"),
            ("nodelist.node.0.ring0_addr", "10.0.0.1"),
            ("nodelist.node.1.nodeid", "2"),
            ("nodelist.node.1.ring0_addr", "beta.example"),
            ("nodelist.node.2.nodeid", "3"),
            ("nodelist.node.2.ring0_addr", "10.0.0.3"),
            ("nodelist.node.3.name", "no-id"),
            ("nodelist.local_node_pos", "0"),
        ];
        let m = node_names_from(keys);
        assert_eq!(
            m,
            BTreeMap::from([(1, "alpha".to_string()), (2, "beta.example".to_string())])
        );
    }
}
