//! The totem state machine: state, timers, sending and the input dispatch.
//! The handlers of each membership state live in `gather`, `recovery` and
//! `operational`.

use std::collections::{BTreeSet, VecDeque};

use super::command::{Command, Dest};
use super::fragment::{Assembler, Packer};
use super::input::Input;
use super::message::{CommitToken, Mcast, Message, Token};
use super::ringbuf::RingBuf;
use super::rng::Rng;
use super::{NodeId, RingId, Timestamp};
use crate::config::typed::Timeouts;

/// What a node needs to know to run totem.
#[derive(Debug, Clone)]
pub struct SrpConfig {
    /// This node's id.
    pub node_id: NodeId,
    /// The effective timeouts and flow control limits.
    pub timeouts: Timeouts,
    /// Payload bytes one multicast packet may carry.
    pub packet_room: usize,
    /// Highest ring sequence number stored before a restart.
    pub stored_ring_seq: u64,
}

/// Counters shown under `runtime.totem.*` in cmap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Multicast messages originated.
    pub mcast_tx: u64,
    /// Multicast messages retransmitted.
    pub mcast_retx: u64,
    /// Multicast messages received.
    pub mcast_rx: u64,
    /// Tokens sent.
    pub orf_token_tx: u64,
    /// Tokens received.
    pub orf_token_rx: u64,
    /// Join messages sent.
    pub memb_join_tx: u64,
    /// Join messages received.
    pub memb_join_rx: u64,
    /// Commit tokens sent.
    pub memb_commit_token_tx: u64,
    /// Commit tokens received.
    pub memb_commit_token_rx: u64,
    /// Merge detect messages sent.
    pub memb_merge_detect_tx: u64,
    /// Merge detect messages received.
    pub memb_merge_detect_rx: u64,
    /// Token hold cancel messages sent.
    pub token_hold_cancel_tx: u64,
    /// Token hold cancel messages received.
    pub token_hold_cancel_rx: u64,
    /// Times Gather was entered.
    pub gather_entered: u64,
    /// Times Commit was entered.
    pub commit_entered: u64,
    /// Times Recovery was entered.
    pub recovery_entered: u64,
    /// Times Operational was entered.
    pub operational_entered: u64,
    /// Consensus timeouts.
    pub consensus_timeouts: u64,
    /// Token losses.
    pub token_lost: u64,
    /// Messages delivered to local services.
    pub delivered: u64,
}

/// The name of a membership state, as Corosync logs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateName {
    /// Operational.
    Operational,
    /// Gather.
    Gather,
    /// Commit.
    Commit,
    /// Recovery.
    Recovery,
    /// Left the ring for good.
    Left,
}

/// Data of the Gather state.
#[derive(Debug, Clone)]
pub(super) struct Gather {
    /// Nodes wanted in the next membership.
    pub proc_set: BTreeSet<NodeId>,
    /// Nodes considered failed.
    pub fail_set: BTreeSet<NodeId>,
    /// Nodes whose join matched ours.
    pub consensus: BTreeSet<NodeId>,
}

/// Data of the Recovery state.
#[derive(Debug)]
pub(super) struct Recovery {
    /// The full commit token of the new ring.
    pub commit: CommitToken,
    /// Messages of the new ring.
    pub buf: RingBuf,
    /// Members coming from our old ring (the transitional configuration).
    pub trans: Vec<NodeId>,
    /// Old-ring messages still to retransmit.
    pub retrans: VecDeque<Mcast>,
    /// The representative has started the regular token.
    pub originated: bool,
    /// We set the token's retransmit flag.
    pub set_retrans_flg: bool,
    /// Consecutive visits with the retransmit flag clear.
    pub retrans_flg_count: u32,
    /// The new-ring sequence number every member must reach before installing.
    pub install_seq: u64,
    /// Consecutive visits where every member reached `install_seq`.
    pub rotation_counter: u32,
}

/// The membership state with its data.
#[derive(Debug)]
pub(super) enum MembState {
    /// Ordering messages on the installed ring.
    Operational,
    /// Gathering agreement on a new membership.
    Gather(Gather),
    /// Circulating the commit token (first rotation done for us).
    Commit(CommitToken),
    /// Recovering old-ring messages on the new ring.
    Recovery(Box<Recovery>),
    /// Left the cluster; inert.
    Left,
}

/// Pending timers, as absolute deadlines.
#[derive(Debug, Default, Clone)]
pub(super) struct Timers {
    pub token_loss: Option<Timestamp>,
    pub token_retransmit: Option<Timestamp>,
    pub join: Option<Timestamp>,
    pub consensus: Option<Timestamp>,
    pub merge: Option<Timestamp>,
    pub hold: Option<Timestamp>,
}

/// One node's totem state machine.
pub struct Srp {
    pub(super) cfg: SrpConfig,
    pub(super) rng: Box<dyn Rng>,
    pub(super) state: MembState,
    /// The installed configuration's members, sorted.
    pub(super) memb: Vec<NodeId>,
    /// Messages of the installed ring (the old ring while changing membership).
    pub(super) ring: RingBuf,
    /// Highest ring sequence number seen anywhere.
    pub(super) max_ring_seq: u64,
    /// Ring sequence number of the last commit token we accepted.
    pub(super) attempted_seq: u64,
    /// Hop counter of the last token we processed on the current ring.
    pub(super) token_seq_seen: u64,
    /// The last token or commit token we sent, for retransmission.
    pub(super) last_token: Option<(NodeId, Message)>,
    pub(super) packer: Packer,
    pub(super) assembler: Assembler,
    /// Flow control: messages we sent in our last visit.
    pub(super) my_trc: u32,
    /// Flow control: our backlog at our last visit.
    pub(super) my_pbl: u32,
    /// Token aru at our last visit.
    pub(super) last_aru: u64,
    /// Token seq at our last visit.
    pub(super) last_seq: u64,
    /// Consecutive visits without new messages.
    pub(super) seq_unchanged: u32,
    /// The token the representative holds on an idle ring.
    pub(super) held: Option<Token>,
    /// We asked the representative to release the token since our last visit.
    pub(super) hold_cancel_sent: bool,
    pub(super) timers: Timers,
    pub(super) loopback: VecDeque<Message>,
    pub(super) output: Vec<Command>,
    pub(super) stats: Stats,
}

impl std::fmt::Debug for Srp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Srp")
            .field("node", &self.cfg.node_id)
            .field("state", &self.state_name())
            .field("ring", &self.ring.ring_id)
            .field("memb", &self.memb)
            .finish()
    }
}

impl Srp {
    /// A node that starts alone and looks for the others (Gather).
    pub fn new(cfg: SrpConfig, rng: Box<dyn Rng>, now: Timestamp) -> Srp {
        let me = cfg.node_id;
        let ring_id = RingId {
            rep: me,
            seq: cfg.stored_ring_seq,
        };
        let mut srp = Srp {
            max_ring_seq: cfg.stored_ring_seq,
            attempted_seq: cfg.stored_ring_seq,
            cfg,
            rng,
            state: MembState::Left,
            memb: vec![me],
            ring: RingBuf::new(ring_id),
            token_seq_seen: 0,
            last_token: None,
            packer: Packer::default(),
            assembler: Assembler::default(),
            my_trc: 0,
            my_pbl: 0,
            last_aru: 0,
            last_seq: 0,
            seq_unchanged: 0,
            held: None,
            hold_cancel_sent: false,
            timers: Timers::default(),
            loopback: VecDeque::new(),
            output: Vec::new(),
            stats: Stats::default(),
        };
        let proc_set = BTreeSet::from([me]);
        srp.gather_enter(now, proc_set, BTreeSet::new(), "startup");
        srp.drain_loopback(now);
        srp
    }

    /// Handles one input at time `now`.
    pub fn handle(&mut self, now: Timestamp, input: Input) {
        if matches!(self.state, MembState::Left) {
            return;
        }
        match input {
            Input::Packet { from, msg } => self.on_message(now, from, msg),
            Input::Tick => self.on_tick(now),
            Input::Submit(data) => self.on_submit(now, data),
            Input::Leave => self.on_leave(),
        }
        self.drain_loopback(now);
    }

    /// The effects requested so far, oldest first.
    pub fn take_output(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.output)
    }

    /// When [`Input::Tick`] is next due.
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        let t = &self.timers;
        [
            t.token_loss,
            t.token_retransmit,
            t.join,
            t.consensus,
            t.merge,
            t.hold,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// This node's id.
    pub fn node_id(&self) -> NodeId {
        self.cfg.node_id
    }

    /// The current membership state.
    pub fn state_name(&self) -> StateName {
        match self.state {
            MembState::Operational => StateName::Operational,
            MembState::Gather(_) => StateName::Gather,
            MembState::Commit(_) => StateName::Commit,
            MembState::Recovery(_) => StateName::Recovery,
            MembState::Left => StateName::Left,
        }
    }

    /// The installed ring.
    pub fn ring_id(&self) -> RingId {
        self.ring.ring_id
    }

    /// Members of the installed configuration, sorted.
    pub fn members(&self) -> &[NodeId] {
        &self.memb
    }

    /// Counters for cmap.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Application bytes waiting to be sent.
    pub fn queued_bytes(&self) -> usize {
        self.packer.queued_bytes()
    }

    /// Application messages waiting to be sent.
    pub fn queued_messages(&self) -> usize {
        self.packer.len()
    }

    fn on_message(&mut self, now: Timestamp, from: NodeId, msg: Message) {
        match msg {
            Message::Mcast(m) => self.on_mcast(now, from, m),
            Message::Token(t) => {
                self.stats.orf_token_rx += 1;
                self.on_token(now, t);
            }
            Message::Join(j) => {
                self.stats.memb_join_rx += 1;
                self.on_join(now, from, j);
            }
            Message::Commit(c) => {
                self.stats.memb_commit_token_rx += 1;
                self.on_commit_token(now, c);
            }
            Message::MergeDetect { ring_id } => {
                self.stats.memb_merge_detect_rx += 1;
                self.on_merge_detect(now, from, ring_id);
            }
            Message::HoldCancel { ring_id } => {
                self.stats.token_hold_cancel_rx += 1;
                if ring_id == self.ring.ring_id {
                    self.release_held(now);
                }
            }
        }
    }

    fn on_tick(&mut self, now: Timestamp) {
        let due = |t: Option<Timestamp>| t.is_some_and(|t| t <= now);
        if due(self.timers.hold) {
            self.timers.hold = None;
            self.release_held(now);
        }
        if due(self.timers.token_retransmit) {
            self.timers.token_retransmit = Some(now.plus_ms(self.cfg.timeouts.token_retransmit));
            if let Some((to, msg)) = self.last_token.clone() {
                self.send_token_msg(to, msg);
            }
        }
        if due(self.timers.merge) {
            self.timers.merge = Some(now.plus_ms(self.cfg.timeouts.merge));
            if matches!(self.state, MembState::Operational) && self.is_rep() {
                self.stats.memb_merge_detect_tx += 1;
                self.output.push(Command::Send {
                    to: Dest::All,
                    msg: Message::MergeDetect {
                        ring_id: self.ring.ring_id,
                    },
                });
            }
        }
        if due(self.timers.join) {
            self.timers.join = Some(now.plus_ms(self.cfg.timeouts.join));
            self.send_join();
        }
        if due(self.timers.token_loss) {
            self.timers.token_loss = None;
            self.token_lost(now);
        }
        if due(self.timers.consensus) {
            self.timers.consensus = None;
            self.consensus_timeout(now);
        }
    }

    fn on_submit(&mut self, now: Timestamp, data: Vec<u8>) {
        self.packer.push(data);
        if self.held.is_some() {
            self.release_held(now);
        } else if matches!(self.state, MembState::Operational)
            && !self.is_rep()
            && self.seq_unchanged >= self.cfg.timeouts.seqno_unchanged_const
            && !self.hold_cancel_sent
        {
            self.hold_cancel_sent = true;
            self.stats.token_hold_cancel_tx += 1;
            self.output.push(Command::Send {
                to: Dest::All,
                msg: Message::HoldCancel {
                    ring_id: self.ring.ring_id,
                },
            });
        }
    }

    fn on_leave(&mut self) {
        let me = self.cfg.node_id;
        let msg = Message::Join(super::message::Join {
            ring_seq: self.max_ring_seq,
            proc_list: self.memb.clone(),
            fail_list: vec![me],
        });
        self.stats.memb_join_tx += 1;
        self.output.push(Command::Send { to: Dest::All, msg });
        self.state = MembState::Left;
        self.timers = Timers::default();
        self.held = None;
    }

    /// Whether this node represents the installed ring.
    pub(super) fn is_rep(&self) -> bool {
        self.ring.ring_id.rep == self.cfg.node_id
    }

    /// The member after this one in `memb` (cyclic).
    pub(super) fn next_of(&self, memb: &[NodeId]) -> NodeId {
        let me = self.cfg.node_id;
        let i = memb.iter().position(|&n| n == me).unwrap_or(0);
        memb.get((i + 1) % memb.len().max(1)).copied().unwrap_or(me)
    }

    /// Sends a message to every node, looping it back to ourselves too.
    pub(super) fn broadcast(&mut self, msg: Message) {
        self.loopback.push_back(msg.clone());
        self.output.push(Command::Send { to: Dest::All, msg });
    }

    /// Sends the token or commit token to `to` (possibly ourselves).
    pub(super) fn send_token_msg(&mut self, to: NodeId, msg: Message) {
        match &msg {
            Message::Token(_) => self.stats.orf_token_tx += 1,
            Message::Commit(_) => self.stats.memb_commit_token_tx += 1,
            _ => {}
        }
        if to == self.cfg.node_id {
            self.loopback.push_back(msg);
        } else {
            self.output.push(Command::Send {
                to: Dest::Node(to),
                msg,
            });
        }
    }

    /// Sends a token onwards and arms its retransmission.
    pub(super) fn forward_token(&mut self, now: Timestamp, to: NodeId, msg: Message) {
        self.last_token = Some((to, msg.clone()));
        self.send_token_msg(to, msg);
        self.timers.token_retransmit = Some(now.plus_ms(self.cfg.timeouts.token_retransmit));
    }

    fn drain_loopback(&mut self, now: Timestamp) {
        let me = self.cfg.node_id;
        let mut budget = 10_000;
        while let Some(msg) = self.loopback.pop_front() {
            if matches!(self.state, MembState::Left) || budget == 0 {
                self.loopback.clear();
                break;
            }
            budget -= 1;
            self.on_message(now, me, msg);
        }
    }

    fn release_held(&mut self, now: Timestamp) {
        if let Some(tok) = self.held.take() {
            self.timers.hold = None;
            let next = self.next_of(&self.memb.clone());
            self.forward_token(now, next, Message::Token(tok));
        }
    }
}
