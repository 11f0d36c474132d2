//! A deterministic simulator for totem: N nodes in one thread on virtual
//! time, with seeded loss, duplication, reordering, delay, partitions,
//! crashes and restarts.
//!
//! Everything random comes from one seed, so a failing run replays exactly
//! (`TOTEM_SIM_SEED=<seed>` in the tests, or the `totem-sim` example with
//! `--reproduce <seed>`). The invariants checked after every step are in
//! [`invariants`]; a scenario is generated from the seed by [`scenario`].

pub mod invariants;
pub mod scenario;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::command::{Command, ConfChange, Dest};
use super::message::Message;
use super::rng::{Rng, SplitMix64};
use super::{Input, NodeId, Srp, SrpConfig, StateName, Timestamp};
use crate::config::typed::Timeouts;

/// Network faults in force.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetFaults {
    /// Probability (per mille) that a packet is lost.
    pub loss_permille: u32,
    /// Probability (per mille) that a packet arrives twice.
    pub dup_permille: u32,
    /// Smallest one-way delay (µs).
    pub min_delay_us: u64,
    /// Largest one-way delay (µs); packets overtake each other within the spread.
    pub max_delay_us: u64,
}

impl Default for NetFaults {
    fn default() -> Self {
        NetFaults {
            loss_permille: 0,
            dup_permille: 0,
            min_delay_us: 50,
            max_delay_us: 300,
        }
    }
}

/// What one node saw, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message was delivered.
    Deliver {
        /// Who sent it.
        sender: NodeId,
        /// The message id the simulator gave it.
        id: MsgId,
    },
    /// A configuration change was delivered.
    Conf(ConfChange),
}

/// Identity of a simulated application message: sender, sender incarnation, counter.
pub type MsgId = (NodeId, u32, u64);

/// One simulated node: its state machine (none while crashed) and its history.
pub struct SimNode {
    /// The node id.
    pub id: NodeId,
    /// The running state machine, `None` while crashed.
    pub srp: Option<Srp>,
    /// Restarts so far.
    pub incarnation: u32,
    /// The ring sequence number it stored (survives crashes).
    pub stored_ring_seq: u64,
    /// Events of the current incarnation.
    pub history: Vec<Event>,
    /// Histories of earlier incarnations.
    pub past: Vec<Vec<Event>>,
    /// Messages submitted by the current incarnation.
    pub submitted: Vec<MsgId>,
    /// Whether this node ever crashed.
    pub ever_crashed: bool,
    /// votequorum fed with this node's configuration changes (plain majority).
    pub quorum: crate::quorum::VoteQuorum,
    next_msg: u64,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    at: Timestamp,
    order: u64,
    to: NodeId,
    from: NodeId,
    bytes: Vec<u8>,
}

/// The simulated cluster.
pub struct Sim {
    /// Current virtual time.
    pub now: Timestamp,
    /// The nodes, node id `i + 1` at index `i`.
    pub nodes: Vec<SimNode>,
    /// Partition group of each node (nodes in the same group can talk).
    pub group: Vec<u8>,
    /// Network faults in force.
    pub faults: NetFaults,
    /// Timeouts every node runs with.
    pub timeouts: Timeouts,
    queue: BinaryHeap<Reverse<Pending>>,
    order: u64,
    rng: SplitMix64,
    seed: u64,
    /// Bytes of payload per packet.
    pub packet_room: usize,
    /// Events processed so far.
    pub steps: u64,
}

/// Timeouts scaled for simulation: Corosync's defaults at three nodes, a
/// shorter token so that runs stay short in virtual time.
pub fn sim_timeouts() -> Timeouts {
    let mut totem = crate::config::typed::Totem {
        cluster_name: String::new(),
        transport: crate::config::typed::Transport::Udpu,
        nodeid: None,
        token: 1000,
        token_coefficient: 0,
        token_retransmits_before_loss_const: 4,
        token_retransmit: None,
        hold: None,
        join: 50,
        consensus: None,
        merge: 200,
        downcheck: 1000,
        fail_recv_const: 2500,
        seqno_unchanged_const: 30,
        max_messages: 17,
        window_size: 50,
        netmtu: 1500,
        crypto_cipher: crate::config::typed::Cipher::None,
        crypto_hash: crate::config::typed::Hash::None,
        keyfile: std::path::PathBuf::new(),
        interfaces: Vec::new(),
    };
    totem.token_coefficient = 0;
    totem.timeouts(3)
}

impl Sim {
    /// A cluster of `n` nodes (ids 1..=n), all starting now.
    pub fn new(n: usize, seed: u64, timeouts: Timeouts) -> Sim {
        let mut sim = Sim {
            now: Timestamp(1_000_000),
            nodes: Vec::new(),
            group: vec![0; n],
            faults: NetFaults::default(),
            timeouts,
            queue: BinaryHeap::new(),
            order: 0,
            rng: SplitMix64::new(seed),
            seed,
            packet_room: 1200,
            steps: 0,
        };
        for i in 0..n {
            let id = i as NodeId + 1;
            sim.nodes.push(SimNode {
                id,
                srp: None,
                incarnation: 0,
                stored_ring_seq: 0,
                history: Vec::new(),
                past: Vec::new(),
                submitted: Vec::new(),
                ever_crashed: false,
                quorum: crate::quorum::VoteQuorum::new(Self::quorum_config(n), id),
                next_msg: 0,
            });
            sim.start(id);
        }
        sim
    }

    fn quorum_config(n: usize) -> crate::quorum::QuorumConfig {
        crate::quorum::QuorumConfig {
            enabled: true,
            two_node: false,
            wait_for_all: false,
            last_man_standing: false,
            last_man_standing_window: 10_000,
            auto_tie_breaker: None,
            allow_downscale: false,
            expected_votes: n as u32,
            node_votes: (1..=n as NodeId).map(|i| (i, 1)).collect(),
        }
    }

    /// The seed this run was built from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    fn idx(id: NodeId) -> usize {
        id as usize - 1
    }

    /// Starts (or restarts) node `id`.
    pub fn start(&mut self, id: NodeId) {
        let seed = self.rng.next_u64();
        let now = self.now;
        let cfg = SrpConfig {
            node_id: id,
            timeouts: self.timeouts,
            packet_room: self.packet_room,
            stored_ring_seq: self.nodes[Self::idx(id)].stored_ring_seq,
        };
        let srp = Srp::new(cfg, Box::new(SplitMix64::new(seed)), now);
        self.nodes[Self::idx(id)].srp = Some(srp);
        self.flush(id);
    }

    /// Kills node `id` (its unsent messages are lost with it).
    pub fn crash(&mut self, id: NodeId) {
        let node = &mut self.nodes[Self::idx(id)];
        if node.srp.take().is_some() {
            node.ever_crashed = true;
            node.incarnation += 1;
            node.next_msg = 0;
            let h = std::mem::take(&mut node.history);
            node.past.push(h);
            node.submitted.clear();
        }
        let n = self.nodes.len();
        self.nodes[Self::idx(id)].quorum =
            crate::quorum::VoteQuorum::new(Self::quorum_config(n), id);
    }

    /// Whether node `id` runs.
    pub fn alive(&self, id: NodeId) -> bool {
        self.nodes[Self::idx(id)].srp.is_some()
    }

    /// Submits a message of `size` bytes at node `id`; returns its id.
    pub fn submit(&mut self, id: NodeId, size: usize) -> Option<MsgId> {
        let now = self.now;
        let node = &mut self.nodes[Self::idx(id)];
        let srp = node.srp.as_mut()?;
        node.next_msg += 1;
        let mid = (id, node.incarnation, node.next_msg);
        let mut data = Vec::with_capacity(size.max(16));
        data.extend_from_slice(&id.to_le_bytes());
        data.extend_from_slice(&node.incarnation.to_le_bytes());
        data.extend_from_slice(&node.next_msg.to_le_bytes());
        let mut x = node.next_msg.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(id);
        while data.len() < size {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            data.push(x as u8);
        }
        node.submitted.push(mid);
        srp.handle(now, Input::Submit(data));
        self.flush(id);
        Some(mid)
    }

    /// Splits the network into groups (`groups[i]` is node i+1's group).
    pub fn partition(&mut self, groups: Vec<u8>) {
        self.group = groups;
    }

    /// Reconnects every node.
    pub fn heal(&mut self) {
        self.group = vec![0; self.nodes.len()];
    }

    fn flush(&mut self, id: NodeId) {
        let Some(srp) = self.nodes[Self::idx(id)].srp.as_mut() else {
            return;
        };
        let out = srp.take_output();
        for cmd in out {
            match cmd {
                Command::Send { to, msg } => self.transmit(id, to, &msg),
                Command::Deliver { sender, data } => {
                    let mid = decode_id(&data);
                    let node = &mut self.nodes[Self::idx(id)];
                    node.history.push(Event::Deliver { sender, id: mid });
                }
                Command::ConfChange(c) => {
                    let now = self.now;
                    let node = &mut self.nodes[Self::idx(id)];
                    if c.kind == super::command::ConfKind::Regular {
                        node.quorum.membership(now, &c.members, c.ring_id);
                    }
                    node.history.push(Event::Conf(c));
                }
                Command::PersistRingSeq(s) => {
                    self.nodes[Self::idx(id)].stored_ring_seq = s;
                }
            }
        }
    }

    fn transmit(&mut self, from: NodeId, to: Dest, msg: &Message) {
        let bytes = super::codec::encode(msg);
        let targets: Vec<NodeId> = match to {
            Dest::All => (1..=self.nodes.len() as NodeId)
                .filter(|&n| n != from)
                .collect(),
            Dest::Node(n) => vec![n],
        };
        for t in targets {
            if t == 0 || t as usize > self.nodes.len() {
                continue;
            }
            if self.group[Self::idx(t)] != self.group[Self::idx(from)] {
                continue;
            }
            if self.rng.below(1000) < u64::from(self.faults.loss_permille) {
                continue;
            }
            let copies = if self.rng.below(1000) < u64::from(self.faults.dup_permille) {
                2
            } else {
                1
            };
            for _ in 0..copies {
                let spread = self
                    .faults
                    .max_delay_us
                    .saturating_sub(self.faults.min_delay_us);
                let delay = self.faults.min_delay_us + self.rng.below(spread + 1);
                self.order += 1;
                self.queue.push(Reverse(Pending {
                    at: Timestamp(self.now.0 + delay),
                    order: self.order,
                    to: t,
                    from,
                    bytes: bytes.clone(),
                }));
            }
        }
    }

    /// Processes the next event (packet or timer) if it is due by `until`; false when none is.
    pub fn step(&mut self, until: Timestamp) -> bool {
        let next_packet = self.queue.peek().map(|Reverse(p)| p.at);
        let next_timer = self
            .nodes
            .iter()
            .filter_map(|n| {
                n.srp
                    .as_ref()
                    .and_then(|s| s.poll_timeout())
                    .map(|t| (t, n.id))
            })
            .min();
        let take_packet = match (next_packet, next_timer) {
            (Some(p), Some((t, _))) => p <= t,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return false,
        };
        self.steps += 1;
        if take_packet {
            let Some(Reverse(p)) = self.queue.pop() else {
                return false;
            };
            if p.at > until {
                self.queue.push(Reverse(p));
                return false;
            }
            self.now = self.now.max(p.at);
            // Packets in flight when a partition starts are cut too.
            if self.group[Self::idx(p.to)] != self.group[Self::idx(p.from)] {
                return true;
            }
            let now = self.now;
            let Some(srp) = self.nodes[Self::idx(p.to)].srp.as_mut() else {
                return true;
            };
            if let Ok(msg) = super::codec::decode(&p.bytes) {
                srp.handle(now, Input::Packet { from: p.from, msg });
            }
            self.flush(p.to);
        } else if let Some((t, id)) = next_timer {
            if t > until {
                return false;
            }
            self.now = self.now.max(t);
            let now = self.now;
            if let Some(srp) = self.nodes[Self::idx(id)].srp.as_mut() {
                srp.handle(now, Input::Tick);
            }
            self.flush(id);
        }
        true
    }

    /// Runs until virtual time `ms` milliseconds from now.
    pub fn run_for(&mut self, ms: u64) {
        let until = Timestamp(self.now.0 + ms * 1000);
        while self.step(until) {}
        self.now = self.now.max(until);
    }

    /// Whether every live node is Operational on one ring whose members are exactly the live nodes of its group.
    pub fn settled(&self) -> bool {
        let mut by_group: std::collections::BTreeMap<u8, Vec<&Srp>> = Default::default();
        for (i, n) in self.nodes.iter().enumerate() {
            if let Some(s) = &n.srp {
                by_group.entry(self.group[i]).or_default().push(s);
            }
        }
        by_group.iter().all(|(g, srps)| {
            let want: Vec<NodeId> = self
                .nodes
                .iter()
                .enumerate()
                .filter(|(i, n)| n.srp.is_some() && self.group[*i] == *g)
                .map(|(_, n)| n.id)
                .collect();
            let ring = srps[0].ring_id();
            srps.iter().all(|s| {
                s.state_name() == StateName::Operational
                    && s.ring_id() == ring
                    && s.members() == want
            })
        })
    }

    /// Runs until settled, at most `max_ms`; returns the milliseconds it took.
    pub fn run_until_settled(&mut self, max_ms: u64) -> Option<u64> {
        let start = self.now;
        let deadline = Timestamp(start.0 + max_ms * 1000);
        loop {
            if self.settled() {
                return Some(self.now.ms_since(start));
            }
            if self.now >= deadline {
                return None;
            }
            let until = Timestamp((self.now.0 + 1000).min(deadline.0));
            while self.step(until) {
                if self.settled() {
                    return Some(self.now.ms_since(start));
                }
            }
            self.now = self.now.max(until);
        }
    }

    /// One line per node: its state, ring and members.
    pub fn describe(&self) -> String {
        self.nodes
            .iter()
            .map(|n| match &n.srp {
                Some(s) => format!("{s:?}"),
                None => format!("node {} down", n.id),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A random number below `n` from the run's generator.
    pub fn random(&mut self, n: u64) -> u64 {
        self.rng.below(n)
    }
}

fn decode_id(data: &[u8]) -> MsgId {
    let g = |r: std::ops::Range<usize>| data.get(r).unwrap_or(&[]).to_vec();
    let mut a = [0u8; 4];
    let mut b = [0u8; 4];
    let mut c = [0u8; 8];
    let s = g(0..4);
    if s.len() == 4 {
        a.copy_from_slice(&s);
    }
    let s = g(4..8);
    if s.len() == 4 {
        b.copy_from_slice(&s);
    }
    let s = g(8..16);
    if s.len() == 8 {
        c.copy_from_slice(&s);
    }
    (
        u32::from_le_bytes(a),
        u32::from_le_bytes(b),
        u64::from_le_bytes(c),
    )
}
