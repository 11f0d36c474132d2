//! The core under a simulated CPG: one total order of deliveries and
//! membership changes, seen by every member of the moment.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use pcmk_common::xml::parse;

use super::*;
use crate::acl::NoGroups;
use crate::request::{Operation, Request, Target};

fn cib_text(admin_epoch: i32, epoch: i32, resources: &[&str]) -> String {
    let rsc: String = resources
        .iter()
        .map(|id| {
            format!(r#"<primitive id="{id}" class="ocf" provider="pacemaker" type="Dummy"/>"#)
        })
        .collect();
    format!(
        r#"<cib validate-with="pacemaker-4.0" admin_epoch="{admin_epoch}" epoch="{epoch}" num_updates="0"><configuration><crm_config/><nodes/><resources>{rsc}</resources><constraints/></configuration><status/></cib>"#
    )
}

struct Node {
    cluster: Cluster,
    cib: Cib,
    refused: Option<CibError>,
    name: String,
    /// Replies received by our clients: call id -> success.
    replies: BTreeMap<u64, bool>,
    /// Versions seen while in sync, to check they never go back.
    last_synced: Option<CibVersion>,
}

enum Queued {
    Msg(Member, Box<PeerMsg>),
    Join(Member),
    Leave(Member),
}

struct Sim {
    nodes: BTreeMap<Member, Node>,
    /// The group, as of the last delivered membership change.
    group: BTreeSet<Member>,
    /// The agreed order: what is still to be delivered.
    queue: VecDeque<Queued>,
    next_call: u64,
    /// Writes answered OK: the resource id they created.
    created: BTreeSet<String>,
    rng: u64,
}

impl Sim {
    fn new(seed: u64) -> Self {
        Sim {
            nodes: BTreeMap::new(),
            group: BTreeSet::new(),
            queue: VecDeque::new(),
            next_call: 1,
            created: BTreeSet::new(),
            rng: seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407)
                | 1,
        }
    }

    fn rand(&mut self, n: u64) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng % n.max(1)
    }

    /// Starts a process on node `nodeid` with `cib`; its join is queued.
    fn start(&mut self, nodeid: u32, pid: u32, cib: &str) -> Member {
        let me = Member { nodeid, pid };
        let mut c = Cib::new(parse(cib).unwrap());
        let refused = c.validate().err().map(|_| CibError::CibCorrupt);
        self.nodes.insert(
            me,
            Node {
                cluster: Cluster::new(me),
                cib: c,
                refused,
                name: format!("node{nodeid}"),
                replies: BTreeMap::new(),
                last_synced: None,
            },
        );
        self.queue.push_back(Queued::Join(me));
        me
    }

    /// The process dies: it leaves the group (what it sent stays queued).
    fn kill(&mut self, m: Member) {
        self.nodes.remove(&m);
        self.queue.push_back(Queued::Leave(m));
    }

    fn feed(&mut self, m: Member, input: Input) {
        let Some(node) = self.nodes.get_mut(&m) else {
            return;
        };
        let mut replica = Replica {
            cib: &mut node.cib,
            refused: &mut node.refused,
            groups: &NoGroups,
        };
        let fx = node.cluster.handle(&mut replica, input);
        for e in fx {
            match e {
                Effect::Mcast(bytes) => {
                    let msg = wire::decode(&bytes).unwrap();
                    self.queue.push_back(Queued::Msg(m, Box::new(msg)));
                }
                Effect::Applied {
                    ours: Some(id),
                    request,
                    result,
                } => {
                    let ok = result.is_ok();
                    assert!(node.replies.insert(id, ok).is_none(), "two replies to {id}");
                    if ok {
                        if let Some(i) = request.input.as_ref().and_then(|i| i.attr("id")) {
                            self.created.insert(i.to_string());
                        }
                    }
                }
                Effect::Replaced { .. } if node.last_synced.is_some() => {
                    // A member's CIB lost to a better one: what was
                    // written before may be gone (the higher version wins).
                    self.created.clear();
                }
                Effect::Applied { ours: None, .. }
                | Effect::Replaced { .. }
                | Effect::Synced { .. } => {}
            }
        }
    }

    /// A client of `m` creates resource `id`.
    fn write(&mut self, m: Member, id: &str) -> u64 {
        let call_id = self.next_call;
        self.next_call += 1;
        let mut request = Request::new(Operation::Create, Target::Section("resources".into()))
            .with_input(
                parse(&format!(
                    r#"<primitive id="{id}" class="ocf" provider="pacemaker" type="Dummy"/>"#
                ))
                .unwrap(),
            );
        request.origin = Some(self.nodes[&m].name.clone());
        request.client_name = Some("cibadmin".into());
        self.feed(
            m,
            Input::Local(Write {
                call_id,
                request,
                last_written: format!("t{call_id}"),
            }),
        );
        call_id
    }

    /// A client of `m` writes a status update (a node_state).
    fn status_write(&mut self, m: Member) {
        let call_id = self.next_call;
        self.next_call += 1;
        let mut request = Request::new(Operation::Modify, Target::Section("status".into()))
            .with_input(
                parse(&format!(
                    r#"<status><node_state id="{}" uname="node{}" crmd="online" join="member" expected="member" in_ccm="true"/></status>"#,
                    m.nodeid, m.nodeid
                ))
                .unwrap(),
            );
        request.options.allow_create = true;
        request.origin = Some(self.nodes[&m].name.clone());
        self.feed(
            m,
            Input::Local(Write {
                call_id,
                request,
                last_written: format!("t{call_id}"),
            }),
        );
    }

    /// Delivers the next event of the order; false when none is left.
    fn step(&mut self) -> bool {
        let Some(ev) = self.queue.pop_front() else {
            return false;
        };
        match ev {
            Queued::Join(m) => {
                if !self.nodes.contains_key(&m) {
                    return true;
                }
                self.group.insert(m);
                self.confchg(vec![m]);
            }
            Queued::Leave(m) => {
                if self.group.remove(&m) {
                    self.confchg(Vec::new());
                }
                let history_kept = self
                    .group
                    .iter()
                    .any(|g| self.nodes.get(g).is_some_and(|n| n.last_synced.is_some()));
                if !history_kept {
                    // Nobody that was in sync is left: the next CIB is
                    // whatever the newcomers bring.
                    self.created.clear();
                }
            }
            Queued::Msg(from, msg) => {
                for m in self.group.clone() {
                    self.feed(
                        m,
                        Input::Delivered {
                            from,
                            msg: (*msg).clone(),
                        },
                    );
                }
            }
        }
        self.check_invariants();
        true
    }

    fn confchg(&mut self, joined: Vec<Member>) {
        let members: Vec<Member> = self.group.iter().copied().collect();
        for m in members.clone() {
            self.feed(
                m,
                Input::Membership {
                    members: members.clone(),
                    joined: joined.clone(),
                },
            );
        }
    }

    /// Members in sync agree at every point of the order, and their
    /// version never goes back.
    fn check_invariants(&mut self) {
        let mut digest: Option<String> = None;
        for (m, n) in self.nodes.iter_mut() {
            if !self.group.contains(m) || !n.cluster.is_synced() {
                continue;
            }
            let d = agreement_digest(n.cib.doc());
            if let Some(x) = &digest {
                assert_eq!(*x, d, "members in sync disagree");
            }
            digest = Some(d);
            let v = n.cib.version();
            if let Some(last) = n.last_synced {
                assert!(v >= last, "version went back on {m:?}: {last} -> {v}");
            }
            n.last_synced = Some(v);
        }
    }

    fn drain(&mut self) {
        let mut steps = 0;
        while self.step() {
            steps += 1;
            assert!(steps < 100_000, "no quiescence");
        }
    }

    /// After quiescence: all in sync, same CIB, every write answered,
    /// and exactly the writes answered OK are in the CIB.
    fn check_final(&self) {
        let live: Vec<&Node> = self
            .nodes
            .iter()
            .filter(|(m, _)| self.group.contains(m))
            .map(|(_, n)| n)
            .collect();
        let Some(first) = live.first() else {
            return;
        };
        for n in &live {
            assert!(n.cluster.is_synced(), "{} not in sync", n.name);
            assert_eq!(n.cluster.pending(), 0, "{} has unanswered writes", n.name);
            assert_eq!(n.cib.doc(), first.cib.doc(), "{} differs", n.name);
        }
        for id in &self.created {
            let path = format!("//primitive[@id='{id}']");
            let found = pcmk_common::xpath::XPath::parse(&path)
                .unwrap()
                .select(first.cib.doc())
                .unwrap()
                .len();
            assert_eq!(found, 1, "{id} answered OK but not in the CIB once");
        }
    }
}

fn m(n: &Sim, nodeid: u32) -> Member {
    *n.nodes.keys().find(|m| m.nodeid == nodeid).unwrap()
}

#[test]
fn three_nodes_agree_on_writes_from_all() {
    let mut sim = Sim::new(1);
    for k in 1..=3 {
        sim.start(k, 100 + k, &cib_text(0, 1, &[]));
    }
    sim.drain();
    for k in 1..=3 {
        assert!(sim.nodes[&m(&sim, k)].cluster.is_synced());
    }
    let a = m(&sim, 1);
    let c = m(&sim, 3);
    sim.write(a, "r1");
    sim.write(c, "r2");
    sim.status_write(c);
    sim.drain();
    sim.check_final();
    let n3 = &sim.nodes[&c];
    assert_eq!(n3.cib.version(), CibVersion::new(0, 3, 1));
    assert_eq!(n3.replies.values().filter(|ok| **ok).count(), 2);
    assert_eq!(sim.nodes[&a].replies.get(&1), Some(&true));
}

#[test]
fn conflicting_write_fails_everywhere_alike() {
    let mut sim = Sim::new(2);
    for k in 1..=2 {
        sim.start(k, k, &cib_text(0, 1, &[]));
    }
    sim.drain();
    let (a, b) = (m(&sim, 1), m(&sim, 2));
    // Both create the same id: the first delivered wins, the second fails.
    let x = sim.write(a, "dup");
    let y = sim.write(b, "dup");
    sim.drain();
    sim.check_final();
    assert!(sim.nodes[&a].replies[&x]);
    assert!(!sim.nodes[&b].replies[&y]);
}

#[test]
fn a_joiner_gets_the_best_cib_and_higher_version_wins() {
    let mut sim = Sim::new(3);
    sim.start(1, 1, &cib_text(0, 5, &["old"]));
    sim.start(2, 2, &cib_text(0, 5, &["old"]));
    sim.drain();
    sim.write(m(&sim, 1), "a1");
    sim.drain();
    // A node with a higher admin_epoch joins: its CIB wins.
    let j = sim.start(3, 3, &cib_text(1, 0, &["forced"]));
    sim.drain();
    sim.check_final();
    let doc = sim.nodes[&m(&sim, 1)].cib.doc().to_compact();
    assert!(doc.contains("forced") && !doc.contains("a1"), "{doc}");
    assert_eq!(sim.nodes[&j].cib.version(), CibVersion::new(1, 0, 0));
    // An older joiner takes the group's CIB.
    let k = sim.start(4, 4, &cib_text(0, 9, &["stale"]));
    sim.drain();
    sim.check_final();
    assert!(!sim.nodes[&k].cib.doc().to_compact().contains("stale"));
}

#[test]
fn equal_versions_go_to_the_lowest_node_id() {
    let mut sim = Sim::new(4);
    sim.start(2, 20, &cib_text(0, 3, &["two"]));
    sim.start(1, 10, &cib_text(0, 3, &["one"]));
    sim.drain();
    sim.check_final();
    assert!(
        sim.nodes[&m(&sim, 2)]
            .cib
            .doc()
            .to_compact()
            .contains("\"one\"")
    );
}

#[test]
fn invalid_cib_never_wins() {
    let mut sim = Sim::new(5);
    sim.start(1, 1, &cib_text(0, 2, &["good"]));
    let bad = cib_text(5, 0, &[]).replace("<resources>", "<resources><bogus/>");
    sim.start(2, 2, &bad);
    sim.drain();
    sim.check_final();
    assert!(sim.nodes[&m(&sim, 2)].refused.is_none());
    assert!(
        sim.nodes[&m(&sim, 2)]
            .cib
            .doc()
            .to_compact()
            .contains("good")
    );
}

#[test]
fn writes_during_a_round_are_resent_and_applied_once() {
    let mut sim = Sim::new(6);
    sim.start(1, 1, &cib_text(0, 1, &[]));
    sim.start(2, 2, &cib_text(0, 1, &[]));
    sim.drain();
    let a = m(&sim, 1);
    // The write is sent, then a join is ordered before its delivery.
    sim.write(a, "w1");
    sim.start(3, 3, &cib_text(0, 7, &["x"]));
    // Re-order: the join first.
    let w = sim.queue.pop_front().unwrap();
    sim.queue.push_back(w);
    sim.step();
    sim.write(a, "w2"); // made during the round: held
    sim.drain();
    sim.check_final();
    let doc = sim.nodes[&a].cib.doc().to_compact();
    assert!(
        doc.contains("w1") && doc.contains("w2") && doc.contains("\"x\""),
        "{doc}"
    );
    // w1 before w2 (the sender's order is kept).
    assert!(doc.find("w1") < doc.find("w2"));
}

#[test]
fn winner_dying_before_its_sync_hands_over() {
    let mut sim = Sim::new(7);
    sim.start(1, 1, &cib_text(0, 1, &[]));
    sim.start(2, 2, &cib_text(0, 1, &[]));
    sim.drain();
    // Node 3 brings the best CIB, node 4 the second best.
    let three = sim.start(3, 3, &cib_text(0, 9, &["three"]));
    sim.start(4, 4, &cib_text(0, 8, &["four"]));
    // Deliver until node 3 has queued its sync, then kill it first.
    while !sim
        .queue
        .iter()
        .any(|q| matches!(q, Queued::Msg(f, msg) if *f == three && matches!(**msg, PeerMsg::Sync { .. })))
    {
        assert!(sim.step());
    }
    sim.queue
        .retain(|q| !matches!(q, Queued::Msg(f, msg) if *f == three && matches!(**msg, PeerMsg::Sync { .. })));
    sim.kill(three);
    sim.drain();
    sim.check_final();
    let doc = sim.nodes[&m(&sim, 1)].cib.doc().to_compact();
    assert!(doc.contains("four"), "{doc}");
}

#[test]
fn restarted_process_converges() {
    let mut sim = Sim::new(8);
    for k in 1..=3 {
        sim.start(k, k, &cib_text(0, 1, &[]));
    }
    sim.drain();
    sim.write(m(&sim, 1), "before");
    sim.drain();
    let old = m(&sim, 2);
    sim.kill(old);
    sim.write(m(&sim, 3), "while-away");
    sim.drain();
    // It comes back with the CIB it had on disk (before "while-away").
    sim.start(2, 22, &cib_text(0, 2, &["before"]));
    sim.drain();
    sim.check_final();
    assert!(
        sim.nodes[&m(&sim, 2)]
            .cib
            .doc()
            .to_compact()
            .contains("while-away")
    );
}

/// Random histories: writes anywhere, joins with random CIBs, deaths,
/// membership changes at any point of the order.
#[test]
fn random_histories_keep_the_invariants() {
    for seed in 1..=60u64 {
        let mut sim = Sim::new(seed);
        let mut pid = 1000;
        let mut names = 0;
        for k in 1..=3 {
            pid += 1;
            sim.start(k, pid, &cib_text(0, 1, &[]));
        }
        for _ in 0..120 {
            let live: Vec<Member> = sim.nodes.keys().copied().collect();
            match sim.rand(20) {
                0..=5 if !live.is_empty() => {
                    let who = live[sim.rand(live.len() as u64) as usize];
                    names += 1;
                    // Sometimes the same id twice: one of them fails.
                    let id = format!("r{}", names - (sim.rand(4) == 0) as u32);
                    sim.write(who, &id);
                }
                6 if !live.is_empty() => {
                    let who = live[sim.rand(live.len() as u64) as usize];
                    sim.status_write(who);
                }
                7 if live.len() > 1 => {
                    let who = live[sim.rand(live.len() as u64) as usize];
                    sim.kill(who);
                }
                8 if live.len() < 5 => {
                    let nodeid = (1..=5u32)
                        .find(|n| !live.iter().any(|m| m.nodeid == *n))
                        .unwrap_or(9);
                    pid += 1;
                    let epoch = sim.rand(6) as i32;
                    let rsc = format!("disk{pid}");
                    sim.start(nodeid, pid, &cib_text(0, epoch, &[&rsc]));
                }
                _ => {
                    sim.step();
                }
            }
        }
        sim.drain();
        sim.check_final();
    }
}

#[test]
fn writes_waiting_too_long_fail_and_are_not_sent_later() {
    let mut sim = Sim::new(9);
    let a = sim.start(1, 1, &cib_text(0, 1, &[]));
    sim.start(2, 2, &cib_text(0, 1, &[]));
    // Only the joins are delivered: the round cannot end.
    sim.step();
    sim.step();
    sim.queue.clear();
    let id = sim.write(a, "late");
    sim.feed(a, Input::Tick(Duration::from_secs(1)));
    assert!(sim.nodes[&a].replies.is_empty());
    sim.feed(a, Input::Tick(Duration::from_secs(1) + WRITE_TIMEOUT));
    assert_eq!(sim.nodes[&a].replies.get(&id), Some(&false));
    assert_eq!(sim.nodes[&a].cluster.pending(), 0);
}

#[test]
fn writes_too_large_for_the_group_are_refused_at_once() {
    let mut sim = Sim::new(10);
    let a = sim.start(1, 1, &cib_text(0, 1, &[]));
    sim.drain();
    // Incompressible text, so that compression cannot bring it under the limit.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let big: String = (0..MAX_PEER_MESSAGE * 2)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            char::from(b'a' + (seed % 26) as u8)
        })
        .collect();
    let id = sim.write(a, &big);
    assert_eq!(sim.nodes[&a].replies.get(&id), Some(&false));
    assert!(sim.queue.is_empty());
}
