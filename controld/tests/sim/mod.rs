//! A deterministic simulation of several controllers on virtual time.
//!
//! The simulator plays every daemon around the controllers: the cluster
//! layer (membership, quorum and the `crmd` process group), a CIB that
//! answers every request, an executor and a scheduler that produces empty
//! transitions. It injects crashes, restarts, partitions and heals.
//! Everything derives from one seed, so a failing run replays exactly.
//!
//! Messages follow CPG's contract, as the controllers rely on it: each
//! sender's messages arrive in order (messages of different senders may
//! overtake each other, which CPG's total order would not allow), and
//! nothing is lost within a membership. Message loss shows up the way the
//! cluster layer reports it: the node that missed a message drops out of
//! the membership for a while (a flap) and what was in flight to it is
//! lost.

#![allow(dead_code)]

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::time::Duration;

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;
use pcmk_controld::core::controller::{
    CibOp, Command, Controller, ControllerConfig, ControllerOptions, Event, TimerId,
};
use pcmk_controld::core::fsa::State;
use pcmk_controld::core::message::{CrmdMessage, Envelope};
use pcmk_controld::core::peers::{JoinPhase, NodeRef};
use pcmk_controld::core::time::Timestamp;

/// A small, seedable generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1_000_000) < (p * 1_000_000.0) as u64
    }
}

/// Network behaviour.
#[derive(Debug, Clone)]
pub struct NetConfig {
    /// Delivery delay range in milliseconds.
    pub delay_ms: (u64, u64),
    /// Probability that a message is lost, making its receiver flap.
    pub loss: f64,
    /// Let messages from different senders overtake each other.
    pub reorder: bool,
    /// How long the cluster layer takes to notice a membership change.
    pub detect_ms: u64,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            delay_ms: (1, 5),
            loss: 0.0,
            reorder: false,
            detect_ms: 1_000,
        }
    }
}

#[derive(Debug)]
enum Item {
    Deliver {
        to: usize,
        incarnation: u64,
        env: Envelope,
    },
    Timer {
        node: usize,
        incarnation: u64,
        timer: TimerId,
        generation: u64,
    },
    Local {
        node: usize,
        incarnation: u64,
        event: Event,
    },
    Membership {
        views: Vec<(usize, Vec<NodeRef>)>,
    },
    Restart {
        node: usize,
    },
    Rejoin {
        node: usize,
        partition: u32,
    },
}

pub struct SimNode {
    pub ctl: Controller,
    pub incarnation: u64,
    timers: BTreeMap<TimerId, u64>,
    pub epoch: i64,
}

pub struct Sim {
    pub now: Timestamp,
    pub rng: Rng,
    pub net: NetConfig,
    pub opts: ControllerOptions,
    pub names: Vec<String>,
    pub nodes: Vec<Option<SimNode>>,
    pub partition: Vec<u32>,
    queue: BinaryHeap<Reverse<(u64, u64, usize)>>,
    items: BTreeMap<usize, Item>,
    next_item: usize,
    seq: u64,
    incarnations: u64,
    membership_gen: u64,
    last_membership_at: u64,
    last_delivery: BTreeMap<(usize, usize), u64>,
    transition_ids: BTreeMap<usize, i32>,
    /// Exits seen: (node, code).
    pub exits: Vec<(usize, CrmExit)>,
    /// Respawn nodes that exit (as pacemakerd would), unless exit 100.
    pub respawn: bool,
    pub violations: Vec<String>,
    pub steps: u64,
    pub expected_nodes: Option<usize>,
    /// Graphs the scheduler returns, in order, before empty ones.
    pub graphs: Vec<String>,
    /// Operations executed: (node, resource, task).
    pub executed: Vec<(usize, String, String)>,
}

impl Sim {
    /// A cluster of `n` nodes named `node1`..`nodeN`, none started yet.
    pub fn new(n: usize, seed: u64) -> Sim {
        let opts = ControllerOptions {
            dc_deadtime: Duration::from_secs(2),
            election_timeout: Duration::from_secs(6),
            join_integration_timeout: Duration::from_secs(8),
            join_finalization_timeout: Duration::from_secs(12),
            cluster_recheck_interval: Duration::from_secs(60),
            ..ControllerOptions::default()
        };
        Sim {
            now: Timestamp::ZERO,
            rng: Rng::new(seed),
            net: NetConfig::default(),
            opts,
            names: (1..=n).map(|i| format!("node{i}")).collect(),
            nodes: (0..n).map(|_| None).collect(),
            partition: vec![0; n],
            queue: BinaryHeap::new(),
            items: BTreeMap::new(),
            next_item: 0,
            seq: 0,
            incarnations: 0,
            membership_gen: 0,
            last_membership_at: 0,
            last_delivery: BTreeMap::new(),
            transition_ids: BTreeMap::new(),
            exits: Vec::new(),
            respawn: true,
            violations: Vec::new(),
            steps: 0,
            expected_nodes: None,
            graphs: Vec::new(),
            executed: Vec::new(),
        }
    }

    fn schedule(&mut self, at: u64, item: Item) {
        self.seq += 1;
        let id = self.next_item;
        self.next_item += 1;
        self.items.insert(id, item);
        self.queue.push(Reverse((at, self.seq, id)));
    }

    fn node_ref(&self, i: usize) -> NodeRef {
        NodeRef::new(i as u32 + 1, self.names[i].clone())
    }

    pub fn alive(&self, i: usize) -> bool {
        self.nodes[i].is_some()
    }

    /// Starts (or restarts) node `i` now.
    pub fn start(&mut self, i: usize) {
        self.incarnations += 1;
        let mut cfg = ControllerConfig::new(
            self.names[i].clone(),
            i as u32 + 1,
            format!("{:08x}-0000-4000-8000-{:012x}", i + 1, self.incarnations),
        );
        cfg.epoch_base = 1_700_000_000;
        cfg.expected_nodes = self.expected_nodes;
        self.nodes[i] = Some(SimNode {
            ctl: Controller::new(cfg),
            incarnation: self.incarnations,
            timers: BTreeMap::new(),
            epoch: 0,
        });
        self.feed(i, Event::Start);
        self.membership_changed(0);
    }

    /// Kills node `i` at once (kill -9): in-flight messages to it are lost.
    pub fn crash(&mut self, i: usize) {
        self.nodes[i] = None;
        let detect = self.net.detect_ms;
        self.membership_changed(detect);
    }

    /// Splits the cluster: `groups[k]` lists the nodes of partition `k`.
    pub fn partition(&mut self, groups: &[&[usize]]) {
        for (k, g) in groups.iter().enumerate() {
            for &i in *g {
                self.partition[i] = k as u32;
            }
        }
        let detect = self.net.detect_ms;
        self.membership_changed(detect);
    }

    /// Node `i` missed a message: it leaves the membership for a while.
    fn flap(&mut self, i: usize) {
        let previous = self.partition[i];
        let isolated = 1_000 + i as u32;
        if previous == isolated {
            return;
        }
        self.partition[i] = isolated;
        let detect = self.net.detect_ms;
        self.membership_changed(detect);
        let at = self.now.as_millis() + 2 * detect;
        self.schedule(
            at,
            Item::Rejoin {
                node: i,
                partition: previous,
            },
        );
    }

    /// Joins every partition back.
    pub fn heal(&mut self) {
        self.partition.iter_mut().for_each(|p| *p = 0);
        self.membership_changed(self.net.detect_ms / 2);
    }

    /// The cluster layer notices the current topology after `after` ms:
    /// every view is delivered, in order (virtual synchrony: whoever lost
    /// messages also sees the membership change that explains it).
    fn membership_changed(&mut self, after: u64) {
        self.membership_gen += 1;
        let n = self.names.len();
        let views: Vec<(usize, Vec<NodeRef>)> = (0..n)
            .filter(|&i| self.alive(i))
            .map(|i| {
                let members = (0..n)
                    .filter(|&j| self.alive(j) && self.partition[j] == self.partition[i])
                    .map(|j| self.node_ref(j))
                    .collect();
                (i, members)
            })
            .collect();
        let at = (self.now.as_millis() + after).max(self.last_membership_at);
        self.last_membership_at = at;
        self.schedule(at, Item::Membership { views });
    }

    fn deliver_membership(&mut self, views: Vec<(usize, Vec<NodeRef>)>) {
        let n = self.names.len();
        for (i, members) in views {
            let quorate = members.len() * 2 > n;
            self.feed(
                i,
                Event::Membership {
                    seq: self.membership_gen,
                    members: members.clone(),
                },
            );
            self.feed(i, Event::ControllerPeers { members });
            self.feed(i, Event::Quorum { quorate });
        }
    }

    /// Hands one event to node `i` and carries out its commands.
    pub fn feed(&mut self, i: usize, event: Event) {
        let Some(node) = self.nodes[i].as_mut() else {
            return;
        };
        if std::env::var_os("SIM_TRACE").is_some() {
            eprintln!("t={} {} <- {:?}", self.now, self.names[i], event);
        }
        assert!(self.steps < 2_000_000, "runaway simulation");
        node.ctl.handle(self.now, event);
        let cmds = node.ctl.take_commands();
        self.steps += 1;
        for c in cmds {
            self.command(i, c);
        }
        self.check_step(i);
    }

    fn local(&mut self, i: usize, delay: u64, event: Event) {
        let Some(inc) = self.nodes[i].as_ref().map(|n| n.incarnation) else {
            return;
        };
        let at = self.now.as_millis() + delay;
        self.schedule(
            at,
            Item::Local {
                node: i,
                incarnation: inc,
                event,
            },
        );
    }

    fn command(&mut self, i: usize, c: Command) {
        match c {
            Command::Send { to, message } => self.send(i, to, message),
            Command::StartTimer { timer, after } => {
                let Some(node) = self.nodes[i].as_mut() else {
                    return;
                };
                let g = node.timers.entry(timer).or_insert(0);
                *g += 1;
                let (generation, inc) = (*g, node.incarnation);
                let at = self.now.as_millis() + after.as_millis() as u64;
                self.schedule(
                    at,
                    Item::Timer {
                        node: i,
                        incarnation: inc,
                        timer,
                        generation,
                    },
                );
            }
            Command::StopTimer { timer } => {
                if let Some(node) = self.nodes[i].as_mut() {
                    *node.timers.entry(timer).or_insert(0) += 1;
                }
            }
            Command::Connect(d) => self.local(i, 1, Event::Connected(d)),
            Command::Disconnect(_) => {}
            Command::ReadConfig => {
                let opts = self.opts.clone();
                self.local(i, 1, Event::Config(opts));
            }
            Command::Cib { call_id, op } => {
                if let Some(call_id) = call_id {
                    let result = match op {
                        CibOp::QueryGeneration => Ok(Some(
                            Element::new("cib")
                                .with_attr("admin_epoch", "0")
                                .with_attr("epoch", "5")
                                .with_attr("num_updates", (self.rng.next() % 4).to_string())
                                .with_attr("validate-with", "pacemaker-3.10"),
                        )),
                        _ => Ok(None),
                    };
                    let delay = self.rng.range(1, 5);
                    self.local(i, delay, Event::CibReply { call_id, result });
                } else if let CibOp::Modify { section, xml } = &op {
                    // Status updates with operation results reach every
                    // node of the partition as CIB notifications.
                    let ops = pcmk_controld::core::te::ActionEvent::collect(xml);
                    if section == "status" && !ops.is_empty() {
                        for j in 0..self.names.len() {
                            if self.alive(j) && self.partition[j] == self.partition[i] {
                                let event = Event::CibChanged {
                                    config: false,
                                    ops: ops.clone(),
                                    status_reason: None,
                                };
                                self.local(j, 3, event);
                            }
                        }
                    }
                }
            }
            Command::InvokeScheduler { reference } => {
                let slot = self.transition_ids.entry(i).or_insert(0);
                *slot += 1;
                let id = *slot;
                let graph = if self.graphs.is_empty() {
                    Element::new("transition_graph")
                        .with_attr("cluster-delay", "60s")
                        .with_attr("transition_id", id.to_string())
                } else {
                    let text = self.graphs.remove(0);
                    pcmk_common::xml::parse(&text).expect("test graphs parse")
                };
                let delay = self.rng.range(2, 10);
                self.local(
                    i,
                    delay,
                    Event::SchedulerReply {
                        reference,
                        graph,
                        source: format!("pe-input-{id}.bz2"),
                    },
                );
            }
            Command::Exec(req) => {
                self.executed
                    .push((i, req.rsc.id.clone(), req.task.clone()));
                let op = pcmk_controld::core::history::OpResult {
                    rsc_id: req.rsc.id.clone(),
                    task: req.task.clone(),
                    interval_ms: req.interval_ms,
                    call_id: self.executed.len() as i32,
                    rc: 0,
                    status: pcmk_controld::core::keys::ExecStatus::Done,
                    exit_reason: None,
                    t_run: 1_700_000_000,
                    t_rcchange: 1_700_000_000,
                    exec_time: 3,
                    queue_time: 0,
                    params: req.params.clone(),
                    transition_key: req.transition_key.clone(),
                };
                self.local(i, 5, Event::ExecResult { rsc: req.rsc, op });
            }
            Command::Fence { .. } | Command::UpdateAttribute { .. } | Command::Alert(_) => {}
            Command::Exit(code) => {
                self.exits.push((i, code));
                self.nodes[i] = None;
                let detect = self.net.detect_ms;
                self.membership_changed(detect);
                if self.respawn && code != CrmExit::Fatal {
                    let at = self.now.as_millis() + 3_000;
                    self.schedule(at, Item::Restart { node: i });
                }
            }
        }
    }

    fn send(&mut self, from: usize, to: Option<String>, message: CrmdMessage) {
        let env = Envelope {
            from: self.names[from].clone(),
            to: to.clone(),
            message,
        };
        let n = self.names.len();
        let targets: Vec<usize> = match &to {
            Some(name) => (0..n)
                .filter(|&j| self.names[j].eq_ignore_ascii_case(name))
                .collect(),
            None => (0..n).collect(),
        };
        for j in targets {
            if !self.alive(j) || self.partition[j] != self.partition[from] {
                continue;
            }
            if j != from && self.rng.chance(self.net.loss) {
                self.flap(j);
                continue;
            }
            let delay = if self.net.reorder {
                self.rng.range(self.net.delay_ms.0, self.net.delay_ms.1)
            } else {
                self.net.delay_ms.0
            };
            // Each sender's messages arrive in order.
            let last = self.last_delivery.entry((from, j)).or_insert(0);
            let at = (self.now.as_millis() + delay).max(*last);
            *last = at;
            let inc = self.nodes[j].as_ref().map_or(0, |n| n.incarnation);
            self.schedule(
                at,
                Item::Deliver {
                    to: j,
                    incarnation: inc,
                    env: env.clone(),
                },
            );
        }
    }

    /// Runs until virtual time `until_ms`.
    pub fn run_until(&mut self, until_ms: u64) {
        while let Some(Reverse((at, _, id))) = self.queue.peek().copied() {
            if at > until_ms {
                break;
            }
            self.queue.pop();
            self.now = Timestamp::from_millis(at);
            let Some(item) = self.items.remove(&id) else {
                continue;
            };
            self.process(item);
        }
        self.now = Timestamp::from_millis(until_ms.max(self.now.as_millis()));
    }

    /// Runs for `ms` more milliseconds.
    pub fn run_for(&mut self, ms: u64) {
        let until = self.now.as_millis() + ms;
        self.run_until(until);
    }

    fn current(&self, i: usize, inc: u64) -> bool {
        self.nodes[i].as_ref().is_some_and(|n| n.incarnation == inc)
    }

    fn process(&mut self, item: Item) {
        match item {
            Item::Deliver {
                to,
                incarnation,
                env,
            } => {
                let from = self.names.iter().position(|n| *n == env.from);
                let same = from.is_some_and(|f| self.partition[f] == self.partition[to]);
                if self.current(to, incarnation) && same {
                    // Exercise the wire form too.
                    let decoded = Envelope::decode(&env.encode()).expect("messages round-trip");
                    self.feed(to, Event::Message(decoded));
                }
            }
            Item::Timer {
                node,
                incarnation,
                timer,
                generation,
            } => {
                let live = self.nodes[node].as_ref().is_some_and(|n| {
                    n.incarnation == incarnation && n.timers.get(&timer) == Some(&generation)
                });
                if live {
                    self.feed(node, Event::Timer(timer));
                }
            }
            Item::Local {
                node,
                incarnation,
                event,
            } => {
                if self.current(node, incarnation) {
                    self.feed(node, event);
                }
            }
            Item::Membership { views } => self.deliver_membership(views),
            Item::Restart { node } => {
                if !self.alive(node) {
                    self.start(node);
                }
            }
            Item::Rejoin { node, partition } => {
                if self.partition[node] == 1_000 + node as u32 {
                    self.partition[node] = partition;
                    self.membership_changed(0);
                }
            }
        }
    }

    pub fn ctl(&self, i: usize) -> Option<&Controller> {
        self.nodes[i].as_ref().map(|n| &n.ctl)
    }

    pub fn state(&self, i: usize) -> Option<State> {
        self.ctl(i).map(Controller::state)
    }

    /// Invariants that must hold after every step of node `i`.
    fn check_step(&mut self, i: usize) {
        let Some(c) = self.ctl(i) else { return };
        let s = c.state();
        let mut v = Vec::new();
        if s.is_dc_state() && !c.is_dc() {
            v.push(format!("{} in {s} without the DC role", self.names[i]));
        }
        if matches!(s, State::NotDc | State::Pending) && c.is_dc() {
            v.push(format!("{} in {s} holds the DC role", self.names[i]));
        }
        if s == State::NotDc && c.dc().is_none() {
            v.push(format!("{} in S_NOT_DC knows no DC", self.names[i]));
        }
        for msg in v {
            self.violations.push(format!("t={} {msg}", self.now));
        }
    }

    /// The partitions of live nodes.
    pub fn partitions(&self) -> Vec<Vec<usize>> {
        let mut groups: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for i in 0..self.names.len() {
            if self.alive(i) {
                groups.entry(self.partition[i]).or_default().push(i);
            }
        }
        groups.into_values().collect()
    }

    /// Checks the settled invariants: in every partition exactly one DC in
    /// S_IDLE, every other live node in S_NOT_DC following it, and every
    /// live node of the partition confirmed in the DC's join. Returns the
    /// problems found.
    pub fn settled_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for group in self.partitions() {
            let dcs: Vec<usize> = group
                .iter()
                .copied()
                .filter(|&i| self.ctl(i).is_some_and(|c| c.is_dc()))
                .collect();
            let describe = || {
                group
                    .iter()
                    .map(|&i| {
                        format!(
                            "{}={:?}/dc={:?}",
                            self.names[i],
                            self.state(i),
                            self.ctl(i).and_then(|c| c.dc())
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            if dcs.len() != 1 {
                out.push(format!("partition has {} DCs: {}", dcs.len(), describe()));
                continue;
            }
            let dc = dcs[0];
            let dc_name = &self.names[dc];
            if self.state(dc) != Some(State::Idle) {
                out.push(format!("DC {dc_name} not idle: {}", describe()));
            }
            for &i in &group {
                if i == dc {
                    continue;
                }
                let c = self.ctl(i).expect("alive");
                if c.state() != State::NotDc || c.dc() != Some(dc_name.as_str()) {
                    out.push(format!(
                        "{} not joined to {dc_name}: {}",
                        self.names[i],
                        describe()
                    ));
                }
                let phase = self
                    .ctl(dc)
                    .and_then(|d| d.peers().get(&self.names[i]).map(|p| p.join));
                if phase != Some(JoinPhase::Confirmed) {
                    out.push(format!("{} join phase on DC is {phase:?}", self.names[i]));
                }
            }
        }
        out
    }

    /// Runs until the cluster is settled (checked every 100 ms) or
    /// `limit_ms` passes; returns the virtual time it took.
    pub fn settle(&mut self, limit_ms: u64) -> Result<u64, Vec<String>> {
        let start = self.now.as_millis();
        loop {
            if self.settled_problems().is_empty() {
                return Ok(self.now.as_millis() - start);
            }
            if self.now.as_millis() - start >= limit_ms {
                return Err(self.settled_problems());
            }
            self.run_for(100);
        }
    }

    /// The DC of the partition holding node `i`, if exactly one.
    pub fn dc_of(&self, i: usize) -> Option<usize> {
        let group = self.partitions().into_iter().find(|g| g.contains(&i))?;
        let dcs: Vec<usize> = group
            .into_iter()
            .filter(|&j| self.ctl(j).is_some_and(|c| c.is_dc()))
            .collect();
        (dcs.len() == 1).then(|| dcs[0])
    }
}
