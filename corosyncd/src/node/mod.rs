//! One corosync node's services on top of totem: CPG groups, votequorum,
//! cmap and cfg, as plain state. The daemon feeds it packets, time and
//! local requests, and carries out the [`Effect`]s it asks for.
//!
//! Service messages ride totem in agreed order, so every node applies CPG
//! joins, leaves and multicasts in the same order and derives the same
//! group memberships. After each membership change every node multicasts
//! its local CPG processes (`CpgSync`), which is how nodes that just met
//! learn each other's groups; processes of nodes that left the ring are
//! removed at once with reason NODEDOWN.

pub mod wire;

use std::collections::{BTreeMap, BTreeSet};

use pcmk_proto::corosync::{
    CpgAddress, CpgConfchg, CpgDeliver, CpgEvent, CpgTotemConfchg, RingId as PbRingId, cpg_event,
    reason,
};

use crate::cmap::{CmapStore, CmapValue};
use crate::config::{Config, ParsedFiles};
use crate::quorum::{QuorumChange, QuorumConfig, VoteQuorum};
use crate::totem::rng::Rng;
use crate::totem::{
    Command, ConfKind, Dest, Input, Message, NodeId, RingId, Srp, SrpConfig, Timestamp,
};
use wire::ServiceMsg;

/// Most bytes a node queues for totem before CPG says "try again" (about
/// Corosync's own bound: its new-message queue holds 4 MB of frames). A
/// single larger message is still taken when nothing else waits.
pub const MAX_QUEUED: usize = 4 << 20;

/// What the node asks its runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send a totem message.
    Send {
        /// Destination.
        to: Dest,
        /// The message.
        msg: Message,
    },
    /// An event for one local CPG session.
    Cpg {
        /// The session.
        handle: u64,
        /// The event.
        event: CpgEvent,
    },
    /// A local CPG session is over (it left).
    CpgEnd {
        /// The session.
        handle: u64,
    },
    /// The quorum state to announce to quorum trackers.
    Quorum(QuorumChange),
    /// Keys that changed, for cmap trackers.
    Cmap(Vec<crate::cmap::Change>),
    /// Store the ring sequence number.
    PersistRingSeq(u64),
    /// Stop the daemon (killed by another node, or shut down).
    Exit(String),
}

/// Errors of local requests, mapped to Corosync's `cs_error_t` by the daemon.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// Too much waiting to be sent (`CS_ERR_TRY_AGAIN`).
    #[error("try again")]
    TryAgain,
    /// No such session, group, key or node (`CS_ERR_NOT_EXIST`).
    #[error("does not exist")]
    NotExist,
    /// Already joined (`CS_ERR_EXIST`).
    #[error("already exists")]
    Exist,
    /// Invalid value (`CS_ERR_INVALID_PARAM`).
    #[error("invalid parameter")]
    InvalidParam,
    /// Not allowed (`CS_ERR_ACCESS`).
    #[error("access denied")]
    Access,
    /// Services in use (`CS_ERR_BUSY`).
    #[error("busy")]
    Busy,
}

#[derive(Debug, Clone)]
struct Session {
    group: String,
    pid: u32,
    active: bool,
}

/// Counters of dropped packets, shown in cmap under `stats.srp.*`.
#[derive(Debug, Clone, Default)]
pub struct DropStats {
    /// Packets that failed authentication.
    pub rx_auth_failed: u64,
    /// Packets seen before.
    pub rx_replayed: u64,
    /// Packets that were not valid totem messages.
    pub rx_malformed: u64,
}

/// One node: totem plus services.
pub struct Node {
    srp: Srp,
    quorum: VoteQuorum,
    config: Config,
    my_id: NodeId,
    groups: BTreeMap<String, BTreeSet<(NodeId, u32)>>,
    sessions: BTreeMap<u64, Session>,
    next_handle: u64,
    members: Vec<NodeId>,
    ring_id: RingId,
    join_count: BTreeMap<NodeId, u32>,
    cmap: CmapStore,
    effects: Vec<Effect>,
    /// Dropped packet counters, kept by the runtime.
    pub drops: DropStats,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("id", &self.my_id)
            .field("srp", &self.srp)
            .finish()
    }
}

impl Node {
    /// Starts node `my_id` of `config`.
    pub fn new(
        config: Config,
        files: &ParsedFiles,
        my_id: NodeId,
        now: Timestamp,
        rng: Box<dyn Rng>,
        stored_ring_seq: u64,
    ) -> Node {
        let t = config.timeouts();
        let room = (config.totem.netmtu as usize).saturating_sub(200).max(400);
        let srp = Srp::new(
            SrpConfig {
                node_id: my_id,
                timeouts: t,
                packet_room: room,
                stored_ring_seq,
            },
            rng,
            now,
        );
        let quorum = VoteQuorum::new(QuorumConfig::from_config(&config), my_id);
        let mut node = Node {
            srp,
            quorum,
            config,
            my_id,
            groups: BTreeMap::new(),
            sessions: BTreeMap::new(),
            next_handle: 0,
            members: Vec::new(),
            ring_id: RingId::default(),
            join_count: BTreeMap::new(),
            cmap: CmapStore::default(),
            effects: Vec::new(),
            drops: DropStats::default(),
        };
        node.load_cmap(files);
        node.drain(now);
        node
    }

    fn load_cmap(&mut self, files: &ParsedFiles) {
        for (k, v) in files.cmap() {
            self.cmap.set(&k, v);
        }
        let t = self.config.timeouts();
        let rc = [
            ("token", t.token),
            ("token_retransmit", t.token_retransmit),
            ("hold", t.hold),
            (
                "token_retransmits_before_loss_const",
                t.token_retransmits_before_loss_const,
            ),
            ("join", t.join),
            ("consensus", t.consensus),
            ("merge", t.merge),
            ("downcheck", t.downcheck),
            ("fail_recv_const", t.fail_recv_const),
            ("seqno_unchanged_const", t.seqno_unchanged_const),
            ("max_messages", t.max_messages),
            ("window_size", t.window_size),
            ("send_join", 0),
            ("max_network_delay", 50),
            ("miss_count_const", 5),
        ];
        for (k, v) in rc {
            self.cmap
                .set(&format!("runtime.config.totem.{k}"), CmapValue::U32(v));
        }
        let me = self.my_id;
        if let Some(pos) = self.config.nodes.iter().position(|n| n.nodeid == me) {
            self.cmap
                .set("nodelist.local_node_pos", CmapValue::U32(pos as u32));
        }
        self.cmap
            .set("runtime.votequorum.this_node_id", CmapValue::U32(me));
        self.cmap.set(
            "runtime.votequorum.two_node",
            CmapValue::U8(u8::from(self.config.quorum.two_node)),
        );
        self.cmap.set(
            "runtime.votequorum.ev_barrier",
            CmapValue::U32(self.quorum.expected_votes()),
        );
        self.cmap
            .set("runtime.votequorum.lowest_node_id", CmapValue::U32(0));
        self.cmap
            .set("runtime.votequorum.highest_node_id", CmapValue::U32(0));
        self.cmap
            .set("runtime.config.totem.token_warning", CmapValue::U32(75));
        self.cmap.take_changes();
    }

    /// This node's id.
    pub fn node_id(&self) -> NodeId {
        self.my_id
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The totem state machine (read only).
    pub fn srp(&self) -> &Srp {
        &self.srp
    }

    /// votequorum (read only).
    pub fn quorum(&self) -> &VoteQuorum {
        &self.quorum
    }

    /// Members of the current ring.
    pub fn members(&self) -> &[NodeId] {
        &self.members
    }

    /// The current ring.
    pub fn ring_id(&self) -> RingId {
        self.ring_id
    }

    /// The effects requested so far.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// When [`Node::tick`] is next due.
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        [self.srp.poll_timeout(), self.quorum.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
    }

    /// A totem message from `from`.
    pub fn packet(&mut self, now: Timestamp, from: NodeId, msg: Message) {
        self.srp.handle(now, Input::Packet { from, msg });
        self.drain(now);
    }

    /// Time passed.
    pub fn tick(&mut self, now: Timestamp) {
        self.srp.handle(now, Input::Tick);
        if let Some(c) = self.quorum.tick(now) {
            self.quorum_changed(c);
        }
        self.drain(now);
    }

    fn submit(&mut self, now: Timestamp, msg: &ServiceMsg) {
        self.srp.handle(now, Input::Submit(msg.encode()));
        self.drain(now);
    }

    fn drain(&mut self, now: Timestamp) {
        loop {
            let out = self.srp.take_output();
            if out.is_empty() {
                break;
            }
            for cmd in out {
                match cmd {
                    Command::Send { to, msg } => self.effects.push(Effect::Send { to, msg }),
                    Command::PersistRingSeq(s) => self.effects.push(Effect::PersistRingSeq(s)),
                    Command::Deliver { sender, data } => self.deliver(now, sender, &data),
                    Command::ConfChange(c) => {
                        if c.kind == ConfKind::Regular {
                            self.regular_conf(now, c.ring_id, c.members);
                        }
                    }
                }
            }
        }
        let changes = self.cmap.take_changes();
        if !changes.is_empty() {
            self.effects.push(Effect::Cmap(changes));
        }
    }

    fn regular_conf(&mut self, now: Timestamp, ring_id: RingId, members: Vec<NodeId>) {
        let old = std::mem::replace(&mut self.members, members.clone());
        self.ring_id = ring_id;
        // CPG: processes of nodes that left are gone.
        let groups: Vec<String> = self.groups.keys().cloned().collect();
        for g in groups {
            let gone: Vec<(NodeId, u32)> = self.groups[&g]
                .iter()
                .copied()
                .filter(|(n, _)| !members.contains(n))
                .collect();
            if !gone.is_empty() {
                if let Some(set) = self.groups.get_mut(&g) {
                    for x in &gone {
                        set.remove(x);
                    }
                }
                let left: Vec<CpgAddress> = gone
                    .iter()
                    .map(|&(n, p)| addr(n, p, reason::NODEDOWN))
                    .collect();
                self.group_confchg(&g, left, Vec::new());
            }
        }
        let event = CpgEvent {
            event: Some(cpg_event::Event::TotemConfchg(CpgTotemConfchg {
                ring_id: Some(pb_ring(ring_id)),
                members: members.clone(),
            })),
        };
        let handles: Vec<u64> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.active)
            .map(|(h, _)| *h)
            .collect();
        for h in handles {
            self.effects.push(Effect::Cpg {
                handle: h,
                event: event.clone(),
            });
        }
        // cmap runtime.members.
        for &n in &members {
            if !old.contains(&n) {
                *self.join_count.entry(n).or_insert(0) += 1;
            }
            let addr = self
                .config
                .node(n)
                .map_or_else(String::new, |x| x.ring0_addr.clone());
            let p = format!("runtime.members.{n}.");
            self.cmap
                .set(&format!("{p}config_version"), CmapValue::U64(0));
            self.cmap.set(
                &format!("{p}ip"),
                CmapValue::Str(format!("r(0) ip({addr}) ")),
            );
            self.cmap.set(
                &format!("{p}join_count"),
                CmapValue::U32(self.join_count[&n]),
            );
            self.cmap
                .set(&format!("{p}status"), CmapValue::Str("joined".into()));
        }
        for n in old.iter().filter(|n| !members.contains(n)) {
            self.cmap.set(
                &format!("runtime.members.{n}.status"),
                CmapValue::Str("left".into()),
            );
        }
        self.cmap.set(
            "runtime.totem.pg.mrp.srp.members",
            CmapValue::Str(
                members
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        );
        if let Some(c) = self.quorum.membership(now, &members, ring_id) {
            self.quorum_changed(c);
        }
        // Tell everyone which local processes are in which group.
        // Local sessions are the truth about this node's processes (a join
        // still in flight is included, so the sync cannot undo it).
        let mut mine: Vec<(String, u32)> = self
            .sessions
            .values()
            .map(|s| (s.group.clone(), s.pid))
            .collect();
        mine.sort();
        mine.dedup();
        let sync = ServiceMsg::CpgSync {
            nodeid: self.my_id,
            members: mine,
        };
        self.srp.handle(now, Input::Submit(sync.encode()));
    }

    fn quorum_changed(&mut self, c: QuorumChange) {
        let s = self.quorum.status();
        self.cmap.set(
            "runtime.votequorum.wait_for_all_status",
            CmapValue::U8(u8::from(s.wait_for_all_status)),
        );
        if let (Some(lo), Some(hi)) = (s.members.first(), s.members.last()) {
            self.cmap
                .set("runtime.votequorum.lowest_node_id", CmapValue::U32(*lo));
            self.cmap
                .set("runtime.votequorum.highest_node_id", CmapValue::U32(*hi));
        }
        tracing::info!(
            node = self.my_id,
            quorate = c.quorate,
            members = ?c.members,
            "{}",
            if c.quorate { "This node is within the primary component and will provide service." } else { "This node is within the non-primary component and will NOT provide any services." }
        );
        self.effects.push(Effect::Quorum(c));
    }

    fn deliver(&mut self, _now: Timestamp, sender: NodeId, data: &[u8]) {
        let Some(msg) = ServiceMsg::decode(data) else {
            tracing::warn!(
                node = self.my_id,
                sender,
                "dropping a malformed service message"
            );
            return;
        };
        match msg {
            ServiceMsg::CpgJoin { group, nodeid, pid } => {
                let set = self.groups.entry(group.clone()).or_default();
                let new = set.insert((nodeid, pid));
                let mut woken = Vec::new();
                if nodeid == self.my_id {
                    for (h, s) in self.sessions.iter_mut() {
                        if s.group == group && s.pid == pid && !s.active {
                            s.active = true;
                            woken.push(*h);
                        }
                    }
                }
                let joined = vec![addr(nodeid, pid, reason::JOIN)];
                if new {
                    self.group_confchg(&group, Vec::new(), joined);
                } else {
                    // A sync announced it first: only the joiner still needs its confchg.
                    let members = self.cpg_members(&group);
                    for h in woken {
                        let event = CpgEvent {
                            event: Some(cpg_event::Event::Confchg(CpgConfchg {
                                group: group.clone(),
                                members: members.clone(),
                                left: Vec::new(),
                                joined: joined.clone(),
                            })),
                        };
                        self.effects.push(Effect::Cpg { handle: h, event });
                    }
                }
            }
            ServiceMsg::CpgLeave {
                group,
                nodeid,
                pid,
                reason: why,
            } => {
                let removed = self
                    .groups
                    .get_mut(&group)
                    .is_some_and(|s| s.remove(&(nodeid, pid)));
                if removed {
                    self.group_confchg(&group, vec![addr(nodeid, pid, why)], Vec::new());
                    if nodeid == self.my_id {
                        let ended: Vec<u64> = self
                            .sessions
                            .iter()
                            .filter(|(_, s)| s.group == group && s.pid == pid)
                            .map(|(h, _)| *h)
                            .collect();
                        for h in ended {
                            self.sessions.remove(&h);
                            self.effects.push(Effect::CpgEnd { handle: h });
                        }
                    }
                    if self.groups.get(&group).is_some_and(BTreeSet::is_empty) {
                        self.groups.remove(&group);
                    }
                }
            }
            ServiceMsg::CpgMcast {
                group,
                nodeid,
                pid,
                data,
            } => {
                let event = CpgEvent {
                    event: Some(cpg_event::Event::Deliver(CpgDeliver {
                        group: group.clone(),
                        nodeid,
                        pid,
                        data,
                    })),
                };
                let handles: Vec<u64> = self
                    .sessions
                    .iter()
                    .filter(|(_, s)| s.active && s.group == group)
                    .map(|(h, _)| *h)
                    .collect();
                for h in handles {
                    self.effects.push(Effect::Cpg {
                        handle: h,
                        event: event.clone(),
                    });
                }
            }
            ServiceMsg::CpgSync { nodeid, members } => {
                if nodeid != sender || !self.members.contains(&nodeid) {
                    return;
                }
                let mut by_group: BTreeMap<String, Vec<u32>> = BTreeMap::new();
                for (g, p) in &members {
                    by_group.entry(g.clone()).or_default().push(*p);
                }
                // Processes of that node it no longer has (it restarted unseen) are gone.
                let stale: Vec<(String, u32)> = self
                    .groups
                    .iter()
                    .flat_map(|(g, set)| {
                        set.iter()
                            .filter(|(n, _)| *n == nodeid)
                            .map(move |(_, p)| (g.clone(), *p))
                    })
                    .filter(|x| !members.contains(x))
                    .collect();
                for (g, p) in stale {
                    if let Some(set) = self.groups.get_mut(&g) {
                        set.remove(&(nodeid, p));
                    }
                    self.group_confchg(&g, vec![addr(nodeid, p, reason::PROCDOWN)], Vec::new());
                    if self.groups.get(&g).is_some_and(BTreeSet::is_empty) {
                        self.groups.remove(&g);
                    }
                }
                for (g, pids) in by_group {
                    let set = self.groups.entry(g.clone()).or_default();
                    let new: Vec<u32> = pids
                        .into_iter()
                        .filter(|p| set.insert((nodeid, *p)))
                        .collect();
                    if !new.is_empty() {
                        let joined = new
                            .iter()
                            .map(|&p| addr(nodeid, p, reason::NODEUP))
                            .collect();
                        self.group_confchg(&g, Vec::new(), joined);
                    }
                }
            }
            ServiceMsg::SetExpected(n) => {
                if let Some(c) = self.quorum.apply_expected(n) {
                    self.quorum_changed(c);
                }
            }
            ServiceMsg::SetVotes { nodeid, votes } => {
                if let Some(c) = self.quorum.apply_votes(nodeid, votes) {
                    self.quorum_changed(c);
                }
            }
            ServiceMsg::KillNode { nodeid, reason } => {
                if nodeid == self.my_id {
                    tracing::error!(
                        node = self.my_id,
                        by = sender,
                        reason,
                        "killed by another node"
                    );
                    self.srp.handle(_now, Input::Leave);
                    self.effects
                        .push(Effect::Exit(format!("killed by node {sender}: {reason}")));
                }
            }
        }
    }

    fn group_confchg(&mut self, group: &str, left: Vec<CpgAddress>, joined: Vec<CpgAddress>) {
        let members: Vec<CpgAddress> = self
            .groups
            .get(group)
            .map(|s| s.iter().map(|&(n, p)| addr(n, p, 0)).collect())
            .unwrap_or_default();
        let event = CpgEvent {
            event: Some(cpg_event::Event::Confchg(CpgConfchg {
                group: group.to_string(),
                members,
                left: left.clone(),
                joined,
            })),
        };
        let handles: Vec<u64> = self
            .sessions
            .iter()
            .filter(|(_, s)| {
                s.group == group
                    && (s.active
                        || left
                            .iter()
                            .any(|a| a.nodeid == self.my_id && a.pid == s.pid))
            })
            .map(|(h, _)| *h)
            .collect();
        for h in handles {
            self.effects.push(Effect::Cpg {
                handle: h,
                event: event.clone(),
            });
        }
    }

    /// A local process joins `group`; its events go to the returned session.
    pub fn cpg_join(&mut self, now: Timestamp, group: &str, pid: u32) -> Result<u64, RequestError> {
        if group.is_empty() || group.len() > 128 {
            return Err(RequestError::InvalidParam);
        }
        if self
            .sessions
            .values()
            .any(|s| s.group == group && s.pid == pid)
        {
            return Err(RequestError::Exist);
        }
        self.next_handle += 1;
        let h = self.next_handle;
        self.sessions.insert(
            h,
            Session {
                group: group.to_string(),
                pid,
                active: false,
            },
        );
        let msg = ServiceMsg::CpgJoin {
            group: group.to_string(),
            nodeid: self.my_id,
            pid,
        };
        self.submit(now, &msg);
        Ok(h)
    }

    /// Multicasts `data` to the group of session `handle`.
    pub fn cpg_mcast(
        &mut self,
        now: Timestamp,
        handle: u64,
        data: Vec<u8>,
    ) -> Result<(), RequestError> {
        let s = self.sessions.get(&handle).ok_or(RequestError::NotExist)?;
        let queued = self.srp.queued_bytes();
        if queued > 0 && queued + data.len() > MAX_QUEUED {
            return Err(RequestError::TryAgain);
        }
        let msg = ServiceMsg::CpgMcast {
            group: s.group.clone(),
            nodeid: self.my_id,
            pid: s.pid,
            data,
        };
        self.submit(now, &msg);
        Ok(())
    }

    /// Session `handle` leaves its group (`reason`: LEAVE, or PROCDOWN when the client vanished).
    pub fn cpg_leave(&mut self, now: Timestamp, handle: u64, why: u32) -> Result<(), RequestError> {
        let s = self
            .sessions
            .get(&handle)
            .ok_or(RequestError::NotExist)?
            .clone();
        let msg = ServiceMsg::CpgLeave {
            group: s.group,
            nodeid: self.my_id,
            pid: s.pid,
            reason: why,
        };
        self.submit(now, &msg);
        Ok(())
    }

    /// Drops a session whose client went away.
    pub fn cpg_disconnect(&mut self, now: Timestamp, handle: u64) {
        if self.sessions.contains_key(&handle) {
            let _ = self.cpg_leave(now, handle, reason::PROCDOWN);
        }
    }

    /// Members of a group.
    pub fn cpg_members(&self, group: &str) -> Vec<CpgAddress> {
        self.groups
            .get(group)
            .map(|s| s.iter().map(|&(n, p)| addr(n, p, 0)).collect())
            .unwrap_or_default()
    }

    /// Every group with its members.
    pub fn cpg_groups(&self) -> Vec<(String, Vec<CpgAddress>)> {
        self.groups
            .iter()
            .map(|(g, s)| (g.clone(), s.iter().map(|&(n, p)| addr(n, p, 0)).collect()))
            .collect()
    }

    /// Number of local CPG sessions (services using corosync).
    pub fn local_sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Asks every node to use `expected` expected votes.
    pub fn set_expected(&mut self, now: Timestamp, expected: u32) -> Result<(), RequestError> {
        self.quorum
            .check_expected(expected)
            .map_err(|_| RequestError::InvalidParam)?;
        self.submit(now, &ServiceMsg::SetExpected(expected));
        Ok(())
    }

    /// Asks every node to give `nodeid` `votes` votes.
    pub fn set_votes(
        &mut self,
        now: Timestamp,
        nodeid: NodeId,
        votes: u32,
    ) -> Result<(), RequestError> {
        self.quorum
            .check_votes(nodeid, votes)
            .map_err(|e| match e {
                crate::quorum::QuorumError::NotFound => RequestError::NotExist,
                crate::quorum::QuorumError::InvalidParam => RequestError::InvalidParam,
            })?;
        self.submit(now, &ServiceMsg::SetVotes { nodeid, votes });
        Ok(())
    }

    /// Asks `nodeid` to shut down.
    pub fn kill_node(
        &mut self,
        now: Timestamp,
        nodeid: NodeId,
        why: &str,
    ) -> Result<(), RequestError> {
        if !self.members.contains(&nodeid) {
            return Err(RequestError::NotExist);
        }
        self.submit(
            now,
            &ServiceMsg::KillNode {
                nodeid,
                reason: why.to_string(),
            },
        );
        Ok(())
    }

    /// Leaves the ring (shutdown).
    pub fn leave(&mut self, now: Timestamp) {
        self.srp.handle(now, Input::Leave);
        self.drain(now);
    }

    /// The cmap store, with statistics refreshed.
    pub fn cmap(&mut self) -> &mut CmapStore {
        self.refresh_stats();
        &mut self.cmap
    }

    /// Sets a cmap key from a client.
    pub fn cmap_set(&mut self, key: &str, value: CmapValue) -> Result<(), RequestError> {
        if crate::cmap::store::read_only(key) {
            return Err(RequestError::Access);
        }
        if key.is_empty() || key.len() > 255 {
            return Err(RequestError::InvalidParam);
        }
        self.cmap.set(key, value);
        let changes = self.cmap.take_changes();
        if !changes.is_empty() {
            self.effects.push(Effect::Cmap(changes));
        }
        Ok(())
    }

    /// Deletes a cmap key for a client.
    pub fn cmap_delete(&mut self, key: &str) -> Result<(), RequestError> {
        if crate::cmap::store::read_only(key) {
            return Err(RequestError::Access);
        }
        if !self.cmap.delete(key) {
            return Err(RequestError::NotExist);
        }
        let changes = self.cmap.take_changes();
        self.effects.push(Effect::Cmap(changes));
        Ok(())
    }

    /// Re-reads the configuration files: cmap keys and quorum settings follow.
    pub fn reload(&mut self, config: Config, files: &ParsedFiles) {
        for prefix in ["totem.", "nodelist.", "quorum.", "logging.", "uidgid."] {
            self.cmap.delete_prefix(prefix);
        }
        self.config = config;
        self.load_cmap(files);
        let expected = QuorumConfig::from_config(&self.config).expected_votes;
        if let Some(c) = self.quorum.apply_expected(expected) {
            self.quorum_changed(c);
        }
        let changes = self.cmap.take_changes();
        if !changes.is_empty() {
            self.effects.push(Effect::Cmap(changes));
        }
    }

    fn refresh_stats(&mut self) {
        let s = self.srp.stats().clone();
        let pairs = [
            ("mcast_tx", s.mcast_tx),
            ("mcast_retx", s.mcast_retx),
            ("mcast_rx", s.mcast_rx),
            ("orf_token_tx", s.orf_token_tx),
            ("orf_token_rx", s.orf_token_rx),
            ("memb_join_tx", s.memb_join_tx),
            ("memb_join_rx", s.memb_join_rx),
            ("memb_commit_token_tx", s.memb_commit_token_tx),
            ("memb_commit_token_rx", s.memb_commit_token_rx),
            ("memb_merge_detect_tx", s.memb_merge_detect_tx),
            ("memb_merge_detect_rx", s.memb_merge_detect_rx),
            ("token_hold_cancel_tx", s.token_hold_cancel_tx),
            ("token_hold_cancel_rx", s.token_hold_cancel_rx),
            ("gather_entered", s.gather_entered),
            ("commit_entered", s.commit_entered),
            ("recovery_entered", s.recovery_entered),
            ("operational_entered", s.operational_entered),
            ("consensus_timeouts", s.consensus_timeouts),
            ("rx_auth_failed", self.drops.rx_auth_failed),
            ("rx_replayed", self.drops.rx_replayed),
            (
                "rx_msg_dropped",
                self.drops.rx_malformed + self.drops.rx_auth_failed + self.drops.rx_replayed,
            ),
        ];
        for (k, v) in pairs {
            self.cmap.set(&format!("stats.srp.{k}"), CmapValue::U64(v));
        }
        self.cmap.set(
            "stats.srp.time_since_token_last_received",
            CmapValue::U64(0),
        );
        self.cmap.take_changes();
    }
}

fn addr(nodeid: NodeId, pid: u32, why: u32) -> CpgAddress {
    CpgAddress {
        nodeid,
        pid,
        reason: why,
    }
}

fn pb_ring(r: RingId) -> PbRingId {
    PbRingId {
        nodeid: r.rep,
        seq: r.seq,
    }
}

#[cfg(test)]
mod tests;
