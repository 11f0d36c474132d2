//! Several fencers on a simulated CPG: messages are delivered in one
//! agreed order to every live member, agents answer from a script (or
//! never, for a node that dies while running one), timers fire when
//! nothing else is left to do.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::*;
use crate::device::Device;
use crate::history::{FenceResult, OpState};
use crate::metadata::AgentInfo;
use crate::topology::TargetSpec;

const EPOCH: i64 = 1_700_000_000;

/// What an agent run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agent {
    Ok,
    Fail,
    /// Never answers (the node running it is about to die).
    Hang,
}

/// How a node's agent answers: (node, device ident, action).
type Script = dyn Fn(&str, &str, &str) -> Agent;

struct Net {
    nodes: BTreeMap<String, Fencer>,
    alive: BTreeSet<String>,
    /// Agreed order: (from, to, message).
    wire: VecDeque<(String, Option<String>, PeerMsg)>,
    /// (due, node, timer), armed and not cancelled.
    timers: Vec<(u64, String, Timer)>,
    mono_ms: u64,
    /// Every agent run: node, device (`ident` parameter), action, target.
    runs: Vec<(String, String, String, String)>,
    /// Per node and device ident: how its agent behaves.
    script: Box<Script>,
    replies: Vec<(String, RequestId, Reply)>,
    notified: Vec<(String, HistoryEntry)>,
    hanging: Vec<(String, CmdId)>,
}

fn info() -> AgentInfo {
    AgentInfo {
        supports_list: true,
        supports_status: true,
        supports_reboot: true,
        supports_on: true,
        default_host_arg: Some("port".into()),
        ..AgentInfo::default()
    }
}

fn dev(ident: &str, hosts: &str) -> Device {
    Device::new(
        ident,
        "fence_test",
        [
            ("pcmk_host_list".to_string(), hosts.to_string()),
            ("ident".to_string(), ident.to_string()),
            ("pcmk_reboot_retries".to_string(), "1".to_string()),
        ]
        .into_iter()
        .collect(),
        info(),
    )
}

fn request(target: &str) -> FenceRequest {
    FenceRequest {
        target: target.into(),
        action: "reboot".into(),
        timeout_s: 30,
        delay_s: 0,
        tolerance_s: 0,
        client: "pacemaker-controld".into(),
        manual_ack: false,
    }
}

impl Net {
    fn new(names: &[&str], script: impl Fn(&str, &str, &str) -> Agent + 'static) -> Net {
        let mut net = Net {
            nodes: BTreeMap::new(),
            alive: BTreeSet::new(),
            wire: VecDeque::new(),
            timers: Vec::new(),
            mono_ms: 0,
            runs: Vec::new(),
            script: Box::new(script),
            replies: Vec::new(),
            notified: Vec::new(),
            hanging: Vec::new(),
        };
        for (i, n) in names.iter().enumerate() {
            net.nodes
                .insert(n.to_string(), Fencer::new(n, 11 + i as u64));
            net.alive.insert(n.to_string());
        }
        net.confchg();
        net
    }

    fn now(&self) -> Now {
        Now {
            mono_ms: self.mono_ms,
            epoch: (EPOCH + i64::try_from(self.mono_ms / 1000).unwrap(), 0),
        }
    }

    fn node(&mut self, n: &str) -> &mut Fencer {
        self.nodes.get_mut(n).unwrap()
    }

    /// Every live node learns the membership.
    fn confchg(&mut self) {
        let members: Vec<String> = self.alive.iter().cloned().collect();
        let now = self.now();
        for n in members.clone() {
            self.node(&n).membership(now, &members);
        }
    }

    /// `n` dies: its fencer stops, the others see it leave.
    fn kill(&mut self, n: &str) {
        self.alive.remove(n);
        self.timers.retain(|(_, node, _)| node != n);
        self.confchg();
    }

    fn collect(&mut self, n: &str) {
        loop {
            let out = self.node(n).take_output();
            if out.is_empty() {
                return;
            }
            self.carry_out(n, out);
        }
    }

    fn carry_out(&mut self, n: &str, out: Vec<Command>) {
        for c in out {
            match c {
                Command::Send { to, msg } => self.wire.push_back((n.to_string(), to, msg)),
                Command::SetTimer { id, after_ms } => {
                    self.timers.retain(|(_, node, t)| !(node == n && *t == id));
                    self.timers
                        .push((self.mono_ms + after_ms, n.to_string(), id));
                }
                Command::CancelTimer { id } => {
                    self.timers.retain(|(_, node, t)| !(node == n && *t == id));
                }
                Command::RunAgent { cmd, args, .. } => {
                    let a: BTreeMap<String, String> = args.into_iter().collect();
                    let ident = a.get("ident").cloned().unwrap_or_default();
                    let action = a.get("action").cloned().unwrap_or_default();
                    let target = a.get("port").cloned().unwrap_or_default();
                    self.runs
                        .push((n.to_string(), ident.clone(), action.clone(), target));
                    let now = self.now();
                    match (self.script)(n, &ident, &action) {
                        Agent::Ok => self.node(n).agent_done(now, cmd, FenceResult::ok()),
                        Agent::Fail => self.node(n).agent_done(
                            now,
                            cmd,
                            FenceResult {
                                exit_status: 1,
                                ..FenceResult::ok()
                            },
                        ),
                        Agent::Hang => self.hanging.push((n.to_string(), cmd)),
                    }
                }
                Command::Reply { request, reply } => {
                    self.replies.push((n.to_string(), request, reply));
                }
                Command::Notify(e) => self.notified.push((n.to_string(), e)),
            }
        }
    }

    /// Delivers and fires timers until nothing is left; `on_hang` runs
    /// once when an agent hangs (e.g. to kill its node).
    fn settle(&mut self, mut on_hang: impl FnMut(&mut Net, &str)) {
        for _ in 0..10_000 {
            let names: Vec<String> = self.alive.iter().cloned().collect();
            for n in &names {
                self.collect(n);
            }
            if let Some((n, _)) = self.hanging.pop() {
                on_hang(self, &n);
                continue;
            }
            if let Some((from, to, msg)) = self.wire.pop_front() {
                if !self.alive.contains(&from) {
                    continue;
                }
                let now = self.now();
                for n in names {
                    if to.as_deref().is_none_or(|t| t == n) {
                        self.node(&n).peer_message(now, &from, msg.clone());
                    }
                }
                continue;
            }
            let Some(i) = (0..self.timers.len()).min_by_key(|&i| self.timers[i].0) else {
                return;
            };
            let (due, n, id) = self.timers.remove(i);
            self.mono_ms = self.mono_ms.max(due);
            let now = self.now();
            if self.alive.contains(&n) {
                self.node(&n).timer(now, id);
            }
        }
        panic!("the cluster never settled");
    }

    fn fence_reply(&self, node: &str, request: RequestId) -> (FenceResult, HistoryEntry) {
        self.replies
            .iter()
            .find_map(|(n, r, reply)| match reply {
                Reply::Fence(res, e) if n == node && *r == request => {
                    Some((res.clone(), (**e).clone()))
                }
                _ => None,
            })
            .unwrap_or_else(|| {
                panic!(
                    "{node} did not answer request {request}: {:?}",
                    self.replies
                )
            })
    }

    fn fencing_runs(&self) -> Vec<(String, String, String)> {
        self.runs
            .iter()
            .filter(|r| matches!(r.2.as_str(), "off" | "reboot" | "on"))
            .map(|(n, d, a, _)| (n.clone(), d.clone(), a.clone()))
            .collect()
    }
}

fn run(node: &str, device: &str, action: &str) -> (String, String, String) {
    (node.into(), device.into(), action.into())
}

#[test]
fn a_peer_with_the_device_fences_and_every_node_records_it() {
    let mut net = Net::new(&["n1", "n2", "n3"], |_, _, _| Agent::Ok);
    net.node("n2")
        .register_device(dev("fd", "n3"), true)
        .unwrap();
    net.kill("n3");
    let now = net.now();
    net.node("n1").fence(now, 1, request("n3"));
    net.settle(|_, _| {});
    assert_eq!(net.fencing_runs(), [run("n2", "fd", "reboot")]);
    assert_eq!(net.runs[0].3, "n3");
    let (r, e) = net.fence_reply("n1", 1);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(
        (e.state, e.delegate.as_deref()),
        (OpState::Done, Some("n2"))
    );
    for n in ["n1", "n2"] {
        let h = net.node(n).history(Some("n3"));
        assert_eq!(h.len(), 1, "{n}: {h:?}");
        assert_eq!((h[0].state, h[0].origin.as_str()), (OpState::Done, "n1"));
        assert!(
            net.notified
                .iter()
                .any(|(m, x)| m == n && x.id == e.id && x.state == OpState::Done),
            "{n} told no subscriber"
        );
    }
}

#[test]
fn a_node_does_not_fence_itself_when_another_can_and_prefers_itself_otherwise() {
    let mut net = Net::new(&["n1", "n2", "n3"], |_, _, _| Agent::Ok);
    for n in ["n1", "n2", "n3"] {
        net.node(n)
            .register_device(dev(&format!("fd-{n}"), "n1 n2 n3"), true)
            .unwrap();
    }
    let now = net.now();
    // n1 asked to fence itself: a peer does it.
    net.node("n1").fence(now, 1, request("n1"));
    net.settle(|_, _| {});
    let runs = net.fencing_runs();
    assert_eq!(runs.len(), 1);
    assert_ne!(runs[0].0, "n1", "{runs:?}");
    assert!(net.fence_reply("n1", 1).0.is_ok());
    // n1 fencing n3: every peer has one device, n1 uses its own.
    net.runs.clear();
    let now = net.now();
    net.node("n1").fence(now, 2, request("n3"));
    net.settle(|_, _| {});
    assert_eq!(net.fencing_runs(), [run("n1", "fd-n1", "reboot")]);
}

#[test]
fn a_failing_device_on_one_peer_is_followed_by_another_peer() {
    let mut net = Net::new(&["n1", "n2", "n3"], |n, _, action| {
        if n == "n2" && action == "reboot" {
            Agent::Fail
        } else {
            Agent::Ok
        }
    });
    for n in ["n2", "n3"] {
        net.node(n)
            .register_device(dev(&format!("fd-{n}"), "n1"), true)
            .unwrap();
    }
    let now = net.now();
    net.node("n3").fence(now, 1, request("n1"));
    net.settle(|_, _| {});
    // n3 is the owner and prefers itself among equals, so make sure both
    // were consulted in the right order: n3 first, done.
    assert_eq!(net.fencing_runs(), [run("n3", "fd-n3", "reboot")]);
    net.runs.clear();
    let now = net.now();
    net.node("n1").fence(now, 2, request("n1"));
    net.settle(|_, _| {});
    let runs = net.fencing_runs();
    assert_eq!(
        runs,
        [run("n2", "fd-n2", "reboot"), run("n3", "fd-n3", "reboot")],
        "n2 answers first (lower name, same device count), fails, n3 follows"
    );
    let (r, e) = net.fence_reply("n1", 2);
    assert!(r.is_ok(), "{r:?} {e:?} {:?}", net.replies);
    assert_eq!(e.delegate.as_deref(), Some("n3"));
}

#[test]
fn a_peer_lost_while_fencing_is_replaced_by_the_next() {
    let mut net = Net::new(&["n1", "n2", "n3", "n4"], |n, _, action| {
        if n == "n2" && action == "reboot" {
            Agent::Hang
        } else {
            Agent::Ok
        }
    });
    for n in ["n2", "n3"] {
        net.node(n)
            .register_device(dev(&format!("fd-{n}"), "n4"), true)
            .unwrap();
    }
    net.kill("n4");
    let now = net.now();
    net.node("n1").fence(now, 1, request("n4"));
    // n2 starts the agent and dies.
    net.settle(|net, n| net.kill(n));
    assert_eq!(
        net.fencing_runs(),
        [run("n2", "fd-n2", "reboot"), run("n3", "fd-n3", "reboot")]
    );
    let (r, e) = net.fence_reply("n1", 1);
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(e.delegate.as_deref(), Some("n3"));
    // No timer was needed: the loss was seen at once.
    assert!(net.mono_ms < 1000, "took {} ms", net.mono_ms);
}

#[test]
fn a_silent_peer_times_out_and_then_the_operation_fails() {
    // n2 never answers (its agent hangs, the node stays), nobody else can.
    let mut net = Net::new(&["n1", "n2", "n3"], |_, _, _| Agent::Hang);
    net.node("n2")
        .register_device(dev("fd", "n3"), true)
        .unwrap();
    net.kill("n3");
    let now = net.now();
    net.node("n1").fence(now, 1, request("n3"));
    net.settle(|_, _| {});
    let (r, e) = net.fence_reply("n1", 1);
    assert_eq!(e.state, OpState::Failed);
    assert_eq!(r.exec_status, local::exec::TIMEOUT, "{r:?}");
    // The peer's timer (device timeout stretched by 1.2) fired.
    assert!(net.mono_ms >= 36_000, "gave up after {} ms", net.mono_ms);
    // Every live node's history says failed.
    for n in ["n1", "n2"] {
        let h = net.node(n).history(Some("n3"));
        assert_eq!(h[0].state, OpState::Failed, "{n}");
    }
}

#[test]
fn topology_second_level_on_another_peer_after_the_first_fails() {
    let mut net = Net::new(&["n1", "n2", "n3"], |_, ident, action| {
        if ident == "ipmi" && action == "reboot" {
            Agent::Fail
        } else {
            Agent::Ok
        }
    });
    // Level 1: ipmi on n2. Level 2: pdu on n1 (the owner is n3, so the
    // levels run on two different peers).
    net.node("n2")
        .register_device(dev("ipmi", "n4"), true)
        .unwrap();
    net.node("n1")
        .register_device(dev("pdu", "n4"), true)
        .unwrap();
    for n in ["n1", "n2", "n3"] {
        let f = net.node(n);
        f.register_level(TargetSpec::Name("n4".into()), 1, &["ipmi".into()])
            .unwrap();
        f.register_level(TargetSpec::Name("n4".into()), 2, &["pdu".into()])
            .unwrap();
    }
    let now = net.now();
    net.node("n3").fence(now, 7, request("n4"));
    net.settle(|_, _| {});
    assert_eq!(
        net.fencing_runs(),
        [run("n2", "ipmi", "reboot"), run("n1", "pdu", "reboot")]
    );
    let (r, e) = net.fence_reply("n3", 7);
    assert!(r.is_ok());
    assert_eq!(e.delegate.as_deref(), Some("n1"));
}

#[test]
fn topology_all_levels_fail_and_the_failure_is_everywhere() {
    let mut net = Net::new(&["n1", "n2"], |_, _, _| Agent::Fail);
    net.node("n2")
        .register_device(dev("ipmi", "n9"), true)
        .unwrap();
    net.node("n2")
        .register_device(dev("pdu", "n9"), true)
        .unwrap();
    for n in ["n1", "n2"] {
        let f = net.node(n);
        f.register_level(TargetSpec::Name("n9".into()), 1, &["ipmi".into()])
            .unwrap();
        f.register_level(TargetSpec::Name("n9".into()), 2, &["pdu".into()])
            .unwrap();
    }
    let now = net.now();
    net.node("n1").fence(now, 1, request("n9"));
    net.settle(|_, _| {});
    assert_eq!(
        net.fencing_runs(),
        [run("n2", "ipmi", "reboot"), run("n2", "pdu", "reboot")]
    );
    let (r, e) = net.fence_reply("n1", 1);
    assert!(!r.is_ok());
    assert_eq!(e.state, OpState::Failed);
    assert_eq!(net.node("n2").history(None)[0].state, OpState::Failed);
    assert!(
        net.notified
            .iter()
            .any(|(n, x)| n == "n2" && x.state == OpState::Failed)
    );
}

#[test]
fn a_joining_node_receives_the_history() {
    let mut net = Net::new(&["n1", "n2"], |_, _, _| Agent::Ok);
    net.node("n2")
        .register_device(dev("fd", "n3"), true)
        .unwrap();
    let now = net.now();
    net.node("n1").fence(now, 1, request("n3"));
    net.settle(|_, _| {});
    assert_eq!(net.node("n1").history(None).len(), 1);
    // n3 comes (back) with an empty history.
    net.nodes.insert("n3".into(), Fencer::new("n3", 99));
    net.alive.insert("n3".into());
    net.confchg();
    net.settle(|_, _| {});
    let h = net.node("n3").history(None);
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(
        (h[0].state, h[0].delegate.as_deref()),
        (OpState::Done, Some("n2"))
    );
    // Merging the same history again changes nothing.
    net.node("n1").membership(now, &["n1".into()]);
    net.node("n1")
        .membership(now, &["n1".into(), "n2".into(), "n3".into()]);
    net.settle(|_, _| {});
    assert_eq!(net.node("n3").history(None).len(), 1);
    // A cleanup asked on one node empties every node's history.
    net.node("n2").cleanup_history(Some("n3"));
    net.settle(|_, _| {});
    for n in ["n1", "n2", "n3"] {
        assert!(net.node(n).history(None).is_empty(), "{n}");
    }
}

#[test]
fn no_device_anywhere_fails_once_every_peer_answered() {
    let mut net = Net::new(&["n1", "n2", "n3"], |_, _, _| Agent::Ok);
    let now = net.now();
    net.node("n1").fence(now, 1, request("n2"));
    net.settle(|_, _| {});
    let (r, _) = net.fence_reply("n1", 1);
    assert_eq!(r.exec_status, local::exec::NO_FENCE_DEVICE);
    // Decided on the answers, not on the query timeout.
    assert_eq!(net.mono_ms, 0);
}

#[test]
fn peers_show_a_pending_operation_and_fail_it_when_its_owner_leaves() {
    let mut net = Net::new(&["n1", "n2", "n3", "n4"], |_, _, _| Agent::Hang);
    net.node("n3")
        .register_device(dev("fd", "n4"), true)
        .unwrap();
    net.kill("n4");
    let now = net.now();
    net.node("n1").fence(now, 1, request("n4"));
    // n3's agent hangs: the operation is pending everywhere.
    net.settle(|net, _| {
        for n in ["n2", "n3"] {
            let h = net.node(n).history(Some("n4"));
            assert_eq!(h.len(), 1, "{n}: {h:?}");
            assert!(h[0].state.pending(), "{n}: {h:?}");
            assert_eq!(h[0].origin, "n1");
        }
        // The owner dies before any result.
        net.kill("n1");
    });
    for n in ["n2", "n3"] {
        let h = net.node(n).history(Some("n4"));
        assert_eq!(h[0].state, OpState::Failed, "{n}: {h:?}");
        assert!(
            h[0].result
                .exit_reason
                .as_deref()
                .is_some_and(|r| r.contains("n1 left")),
            "{h:?}"
        );
    }
}
