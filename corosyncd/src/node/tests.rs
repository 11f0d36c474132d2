//! Several nodes in one thread, wired by an in-memory network.

use super::*;
use crate::config::ParsedFiles;
use crate::totem::rng::SplitMix64;

fn conf(n: u32) -> ParsedFiles {
    let mut text = String::from(
        "totem {\n version: 2\n token: 1000\n}\nquorum {\n provider: corosync_votequorum\n}\nnodelist {\n",
    );
    for i in 1..=n {
        text.push_str(&format!(
            " node {{\n  ring0_addr: 10.9.0.{i}\n  nodeid: {i}\n  name: node{i}\n }}\n"
        ));
    }
    text.push_str("}\n");
    ParsedFiles::parse(&[("c".into(), text)]).unwrap()
}

struct Net {
    nodes: Vec<Option<Node>>,
    now: Timestamp,
    events: BTreeMap<u64, Vec<CpgEvent>>,
    inflight: Vec<(u32, u32, Message)>,
}

impl Net {
    fn new(n: u32) -> Net {
        let files = conf(n);
        let cfg = files.config().unwrap();
        let now = Timestamp(1_000_000);
        let nodes = (1..=n)
            .map(|i| {
                Some(Node::new(
                    cfg.clone(),
                    &files,
                    i,
                    now,
                    Box::new(SplitMix64::new(u64::from(i))),
                    0,
                ))
            })
            .collect();
        Net {
            nodes,
            now,
            events: BTreeMap::new(),
            inflight: Vec::new(),
        }
    }

    fn restart(&mut self, id: u32) {
        let files = conf(self.nodes.len() as u32);
        let cfg = files.config().unwrap();
        self.nodes[id as usize - 1] = Some(Node::new(
            cfg,
            &files,
            id,
            self.now,
            Box::new(SplitMix64::new(99)),
            100,
        ));
    }

    /// Runs `ms` of virtual time, 1 ms per round, packets arriving next round.
    fn run(&mut self, ms: u64) {
        let mut inflight = std::mem::take(&mut self.inflight);
        for _ in 0..ms {
            self.now = Timestamp(self.now.0 + 1000);
            let now = self.now;
            for (to, from, msg) in std::mem::take(&mut inflight) {
                if let Some(n) = self.nodes[to as usize - 1].as_mut() {
                    n.packet(now, from, msg);
                }
            }
            for n in self.nodes.iter_mut().flatten() {
                if n.poll_timeout().is_some_and(|t| t <= now) {
                    n.tick(now);
                }
            }
            let count = self.nodes.len() as u32;
            for n in self.nodes.iter_mut().flatten() {
                let me = n.node_id();
                for e in n.take_effects() {
                    match e {
                        Effect::Send { to: Dest::All, msg } => {
                            for t in (1..=count).filter(|&t| t != me) {
                                inflight.push((t, me, msg.clone()));
                            }
                        }
                        Effect::Send {
                            to: Dest::Node(t),
                            msg,
                        } => inflight.push((t, me, msg)),
                        Effect::Cpg { handle, event } => self
                            .events
                            .entry(u64::from(me) << 32 | handle)
                            .or_default()
                            .push(event),
                        _ => {}
                    }
                }
            }
        }
        self.inflight = inflight;
    }

    fn node(&mut self, id: u32) -> &mut Node {
        self.nodes[id as usize - 1].as_mut().unwrap()
    }

    fn delivered(&self, id: u32, handle: u64) -> Vec<Vec<u8>> {
        self.events
            .get(&(u64::from(id) << 32 | handle))
            .into_iter()
            .flatten()
            .filter_map(|e| match &e.event {
                Some(cpg_event::Event::Deliver(d)) => Some(d.data.clone()),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn cpg_groups_deliver_in_the_same_order_and_track_members() {
    let mut net = Net::new(3);
    net.run(300);
    assert!(net.node(1).quorum().quorate());
    assert_eq!(net.node(2).members(), &[1, 2, 3]);
    let now = net.now;
    let h: Vec<u64> = (1..=3)
        .map(|i| net.node(i).cpg_join(now, "crmd", 100 + i).unwrap())
        .collect();
    assert_eq!(
        net.node(1).cpg_join(now, "crmd", 101),
        Err(RequestError::Exist)
    );
    net.run(100);
    for i in 1..=3u32 {
        assert_eq!(net.node(i).cpg_members("crmd").len(), 3);
    }
    for round in 0..10u8 {
        for i in 1..=3u32 {
            let now = net.now;
            net.node(i)
                .cpg_mcast(now, h[i as usize - 1], vec![i as u8, round])
                .unwrap();
        }
        net.run(3);
    }
    net.run(200);
    let d1 = net.delivered(1, h[0]);
    assert_eq!(d1.len(), 30);
    assert_eq!(net.delivered(2, h[1]), d1);
    assert_eq!(net.delivered(3, h[2]), d1);
    // A leave is seen everywhere.
    let now = net.now;
    net.node(2).cpg_leave(now, h[1], reason::LEAVE).unwrap();
    net.run(100);
    assert_eq!(
        net.node(3)
            .cpg_members("crmd")
            .iter()
            .map(|a| a.nodeid)
            .collect::<Vec<_>>(),
        vec![1, 3]
    );
    assert_eq!(net.node(2).local_sessions(), 0);
}

#[test]
fn processes_of_a_node_that_restarted_unseen_are_dropped() {
    let mut net = Net::new(3);
    net.run(300);
    let now = net.now;
    net.node(3).cpg_join(now, "cib", 7).unwrap();
    net.run(100);
    assert_eq!(net.node(1).cpg_members("cib").len(), 1);
    // Node 3 restarts before anyone notices it died.
    net.restart(3);
    net.run(3000);
    assert_eq!(net.node(1).members(), &[1, 2, 3]);
    assert!(
        net.node(1).cpg_members("cib").is_empty(),
        "{:?}",
        net.node(1).cpg_members("cib")
    );
}

#[test]
fn set_expected_votes_applies_everywhere() {
    let mut net = Net::new(3);
    net.run(300);
    let now = net.now;
    assert_eq!(
        net.node(1).set_expected(now, 1),
        Err(RequestError::InvalidParam)
    );
    net.node(1).set_expected(now, 4).unwrap();
    net.run(50);
    for i in 1..=3 {
        assert_eq!(net.node(i).quorum().status().expected_votes, 4);
    }
    assert_eq!(
        net.node(1).cmap_set("runtime.x", CmapValue::U8(1)),
        Err(RequestError::Access)
    );
    net.node(1).cmap_set("my.key", CmapValue::U8(1)).unwrap();
    assert_eq!(net.node(1).cmap().get("my.key"), Some(&CmapValue::U8(1)));
    assert_eq!(
        net.node(1).cmap().get("runtime.votequorum.this_node_id"),
        Some(&CmapValue::U32(1))
    );
}
