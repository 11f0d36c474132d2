//! Tests of the attribute manager core: single node and a small cluster
//! wired in memory, with a CIB that applies the writer's transactions.

use std::collections::{BTreeMap, VecDeque};

use pcmk_controld::core::controller::CibOp;

use super::*;

/// A cluster of attribute managers in one process.
struct Cluster {
    nodes: Vec<Option<Attrd>>,
    now: u64,
    queue: VecDeque<(usize, String, AttrdMessage)>,
    timers: BTreeMap<(usize, TimerId), u64>,
    /// The CIB's transient attributes: (node id, attribute) -> value.
    cib: BTreeMap<(String, String), String>,
    cib_ops: Vec<CibOp>,
    fail_writes: bool,
    pending_cib: Vec<(usize, u64, bool)>,
    /// Alert agents run: by which node, what.
    alerts: Vec<(usize, pcmk_controld::core::alerts::AlertRun)>,
}

fn node_ref(i: usize) -> NodeRef {
    NodeRef::new(i as u32 + 1, format!("n{}", i + 1))
}

impl Cluster {
    fn new(n: usize) -> Cluster {
        let mut c = Cluster {
            nodes: (0..n)
                .map(|i| Some(Attrd::new(&format!("n{}", i + 1), i as u32 + 1)))
                .collect(),
            now: 0,
            queue: VecDeque::new(),
            timers: BTreeMap::new(),
            cib: BTreeMap::new(),
            cib_ops: Vec::new(),
            fail_writes: false,
            pending_cib: Vec::new(),
            alerts: Vec::new(),
        };
        for i in 0..n {
            c.handle(i, Event::Start);
        }
        c.membership();
        c.run();
        c
    }

    fn alive(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].is_some())
            .collect()
    }

    /// A membership change where the dead nodes left the cluster.
    fn membership(&mut self) {
        self.process_membership();
        let dead: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].is_none())
            .collect();
        for i in self.alive() {
            for &d in &dead {
                self.handle(
                    i,
                    Event::NodeLost {
                        name: format!("n{}", d + 1),
                    },
                );
            }
        }
    }

    /// A membership change of the attribute managers only (the dead ones
    /// crashed, their nodes stay).
    fn process_membership(&mut self) {
        let members: Vec<NodeRef> = self.alive().into_iter().map(node_ref).collect();
        for i in self.alive() {
            self.handle(
                i,
                Event::Peers {
                    members: members.clone(),
                },
            );
        }
    }

    fn node(&mut self, i: usize) -> &mut Attrd {
        self.nodes[i].as_mut().unwrap()
    }

    fn handle(&mut self, i: usize, e: Event) {
        let now = Timestamp::from_millis(self.now);
        let Some(n) = self.nodes[i].as_mut() else {
            return;
        };
        n.handle(now, e);
        self.collect(i);
    }

    fn collect(&mut self, i: usize) {
        let Some(n) = self.nodes[i].as_mut() else {
            return;
        };
        let name = n.node_name().to_string();
        for c in n.take_commands() {
            match c {
                Command::Send { to, message } => {
                    for j in self.alive() {
                        if to.as_deref().is_none_or(|t| t == format!("n{}", j + 1)) {
                            self.queue.push_back((j, name.clone(), message.clone()));
                        }
                    }
                }
                Command::StartTimer { timer, after } => {
                    self.timers
                        .insert((i, timer), self.now + after.as_millis() as u64);
                }
                Command::StopTimer { timer } => {
                    self.timers.remove(&(i, timer));
                }
                Command::Cib { call_id, op, .. } => {
                    let ok = !self.fail_writes;
                    if ok {
                        self.apply(&op);
                    }
                    self.cib_ops.push(op);
                    if let Some(call) = call_id {
                        self.pending_cib.push((i, call, ok));
                    }
                }
                Command::Alert(run) => self.alerts.push((i, run)),
            }
        }
    }

    fn apply(&mut self, op: &CibOp) {
        match op {
            CibOp::Transaction(ops) => ops.iter().for_each(|o| self.apply(o)),
            CibOp::Modify { xml, .. } => {
                let node = xml.id().unwrap().to_string();
                for nv in xml.descendants().filter(|e| e.name == "nvpair") {
                    self.cib.insert(
                        (node.clone(), nv.attr("name").unwrap().into()),
                        nv.attr("value").unwrap().into(),
                    );
                }
            }
            CibOp::Delete { xpath } => {
                if let Some(rest) = xpath.strip_prefix("//node_state[@uname='") {
                    let uname = rest.split('\'').next().unwrap();
                    let id = uname.trim_start_matches('n').to_string();
                    self.cib.retain(|(n, _), _| *n != id);
                } else {
                    let id = xpath
                        .split("node_state[@id='")
                        .nth(1)
                        .unwrap()
                        .split('\'')
                        .next()
                        .unwrap()
                        .to_string();
                    let name = xpath
                        .split("@name='")
                        .nth(1)
                        .unwrap()
                        .split('\'')
                        .next()
                        .unwrap()
                        .to_string();
                    self.cib.remove(&(id, name));
                }
            }
            CibOp::QueryGeneration | CibOp::SyncFrom { .. } => {}
        }
    }

    /// Delivers messages and CIB replies until nothing is left.
    fn run(&mut self) {
        for _ in 0..100_000 {
            if let Some((to, from, msg)) = self.queue.pop_front() {
                self.handle(to, Event::Message { from, message: msg });
            } else if !self.pending_cib.is_empty() {
                let (i, call_id, ok) = self.pending_cib.remove(0);
                self.handle(i, Event::CibReply { call_id, ok });
            } else {
                return;
            }
        }
        panic!("messages never settled");
    }

    /// Advances time by `ms`, firing due timers.
    fn advance(&mut self, ms: u64) {
        let end = self.now + ms;
        loop {
            let due = self
                .timers
                .iter()
                .filter(|(_, t)| **t <= end)
                .min_by_key(|(_, t)| **t)
                .map(|(k, t)| (k.clone(), *t));
            let Some(((i, timer), at)) = due else { break };
            self.timers.remove(&(i, timer.clone()));
            self.now = self.now.max(at);
            self.handle(i, Event::Timer(timer));
            self.run();
        }
        self.now = end;
    }

    fn writers(&self) -> Vec<usize> {
        self.alive()
            .into_iter()
            .filter(|&i| self.nodes[i].as_ref().unwrap().is_writer())
            .collect()
    }

    fn set(&mut self, on: usize, name: &str, value: Option<&str>, host: Option<&str>) {
        self.node(on)
            .update(UpdateRequest {
                name: Some(name.into()),
                value: value.map(str::to_string),
                host: host.map(str::to_string),
                ..Default::default()
            })
            .unwrap();
        self.collect(on);
        self.run();
    }

    fn cib_value(&self, node_id: &str, name: &str) -> Option<&str> {
        self.cib
            .get(&(node_id.to_string(), name.to_string()))
            .map(String::as_str)
    }
}

#[test]
fn single_node_elects_itself_and_writes() {
    let mut c = Cluster::new(1);
    // Start-up erases our stale values.
    assert!(matches!(&c.cib_ops[0], CibOp::Delete { xpath } if xpath.contains("n1")));
    c.set(0, "pingd", Some("100"), None);
    assert_eq!(c.writers(), vec![0]);
    assert_eq!(c.cib_value("1", "pingd"), Some("100"));
    assert_eq!(
        c.node(0).query("pingd", None).unwrap(),
        vec![("n1".into(), Some("100".into()))]
    );
    assert_eq!(
        c.node(0).query("nope", None),
        Err(AttrdError::NoSuchAttribute("nope".into()))
    );
    // The write is one transaction, with Pacemaker's ids.
    let last = c.cib_ops.last().unwrap();
    let CibOp::Transaction(ops) = last else {
        panic!("{last:?}")
    };
    let CibOp::Modify { xml, .. } = &ops[0] else {
        panic!()
    };
    let nv = xml.descendants().find(|e| e.name == "nvpair").unwrap();
    assert_eq!(nv.id(), Some("status-1-pingd"));
    let set = xml
        .descendants()
        .find(|e| e.name == "instance_attributes")
        .unwrap();
    assert_eq!(set.id(), Some("status-1"));
    // Deleting removes it from the CIB.
    c.set(0, "pingd", None, None);
    assert_eq!(c.cib_value("1", "pingd"), None);
    assert_eq!(
        c.node(0).query("pingd", None).unwrap(),
        vec![("n1".into(), None)]
    );
}

#[test]
fn three_nodes_agree_and_one_writes() {
    let mut c = Cluster::new(3);
    c.set(1, "pingd", Some("5"), None);
    c.set(2, "fail-count-d#start_0", Some("INFINITY"), Some("n1"));
    assert_eq!(c.writers().len(), 1);
    let w = c.writers()[0];
    for i in 0..3 {
        assert_eq!(c.node(i).writer(), Some(format!("n{}", w + 1).as_str()));
        assert_eq!(
            c.node(i).query("pingd", Some("n2")).unwrap(),
            vec![("n2".into(), Some("5".into()))]
        );
    }
    assert_eq!(c.cib_value("2", "pingd"), Some("5"));
    assert_eq!(c.cib_value("1", "fail-count-d#start_0"), Some("INFINITY"));
    // Increments are computed where the request arrives.
    c.set(0, "counter", Some("value++"), None);
    c.set(2, "counter", Some("value+=5"), Some("n1"));
    assert_eq!(c.cib_value("1", "counter"), Some("6"));
}

#[test]
fn dampening_delays_writes_until_quiet() {
    let mut c = Cluster::new(2);
    c.node(0)
        .update(UpdateRequest {
            name: Some("pingd".into()),
            value: Some("1".into()),
            dampen: Some(Duration::from_secs(5)),
            task: Some(UpdateTask::Both),
            ..Default::default()
        })
        .unwrap();
    c.collect(0);
    c.run();
    assert_eq!(c.cib_value("1", "pingd"), None, "dampened");
    c.advance(3_000);
    c.set(0, "pingd", Some("2"), None);
    c.advance(3_000);
    assert_eq!(
        c.cib_value("1", "pingd"),
        None,
        "the second change restarted the delay"
    );
    c.advance(3_000);
    assert_eq!(c.cib_value("1", "pingd"), Some("2"));
}

#[test]
fn private_attributes_stay_out_of_the_cib() {
    let mut c = Cluster::new(2);
    c.node(1)
        .update(UpdateRequest {
            name: Some("secret".into()),
            value: Some("x".into()),
            private: true,
            ..Default::default()
        })
        .unwrap();
    c.collect(1);
    c.run();
    assert_eq!(
        c.node(0).query("secret", Some("n2")).unwrap()[0]
            .1
            .as_deref(),
        Some("x")
    );
    assert_eq!(c.cib_value("2", "secret"), None);
}

#[test]
fn a_crashed_attribute_manager_keeps_its_values_until_it_returns() {
    let mut c = Cluster::new(3);
    c.set(2, "pingd", Some("5"), Some("n3"));
    c.set(0, "other", Some("1"), Some("n1"));
    c.run();
    let w = c.writers()[0];
    // The attribute manager of n3 crashes; the node stays, and so do its
    // values on the other nodes and in the CIB.
    c.nodes[2] = None;
    c.process_membership();
    c.run();
    for i in c.alive() {
        assert_eq!(
            c.node(i).query("pingd", Some("n3")).unwrap(),
            [("n3".to_string(), Some("5".to_string()))]
        );
    }
    assert_eq!(c.cib_value("3", "pingd"), Some("5"));
    assert_eq!(c.writers().len(), 1);
    if w != 2 {
        assert_eq!(c.writers(), [w]);
    }
    // It comes back: it is given the other nodes' values, and its own
    // (empty) state wins over what the others kept for it, as in
    // Pacemaker (a node's values for itself take priority).
    c.nodes[2] = Some(Attrd::new("n3", 3));
    c.handle(2, Event::Start);
    c.process_membership();
    c.run();
    c.advance(10_000);
    c.run();
    assert_eq!(
        c.node(2).query("other", None).unwrap(),
        [("n1".to_string(), Some("1".to_string()))]
    );
    for i in c.alive() {
        assert_eq!(
            c.node(i).query("pingd", Some("n3")).unwrap(),
            [("n3".to_string(), None)],
            "n{}",
            i + 1
        );
    }
    assert_eq!(c.writers().len(), 1);
    assert_eq!(c.cib_value("3", "pingd"), None);
    assert_eq!(c.cib_value("1", "other"), Some("1"));
}

#[test]
fn lost_nodes_are_forgotten_and_erased() {
    let mut c = Cluster::new(3);
    c.set(2, "pingd", Some("5"), None);
    c.set(1, "pingd", Some("7"), None);
    let w = c.writers()[0];
    let victim = if w == 2 { 1 } else { 2 };
    c.nodes[victim] = None;
    c.membership();
    c.run();
    let vname = format!("n{}", victim + 1);
    for i in c.alive() {
        assert!(c.node(i).query("pingd", Some(&vname)).unwrap().is_empty());
    }
    assert_eq!(c.cib_value(&(victim + 1).to_string(), "pingd"), None);
}

#[test]
fn writer_death_elects_a_new_writer_who_writes_everything() {
    let mut c = Cluster::new(3);
    for i in 0..3 {
        c.set(i, "a", Some(&format!("{i}")), None);
    }
    let w = c.writers()[0];
    c.nodes[w] = None;
    c.cib.clear();
    c.membership();
    c.run();
    assert_eq!(c.writers().len(), 1);
    assert_ne!(c.writers()[0], w);
    for i in c.alive() {
        let id = (i + 1).to_string();
        assert_eq!(
            c.cib_value(&id, "a"),
            Some(format!("{i}").as_str()),
            "the new writer wrote all values"
        );
    }
}

#[test]
fn joining_node_receives_every_value_and_shares_its_own() {
    let mut c = Cluster::new(3);
    c.set(0, "a", Some("1"), None);
    // n3 restarts with a value of its own the others never saw.
    c.nodes[2] = None;
    c.membership();
    c.run();
    c.nodes[2] = Some(Attrd::new("n3", 3));
    c.handle(2, Event::Start);
    // Its own value, set before it sees the others (applied locally only).
    let local = ValueUpdate {
        name: "local".into(),
        value: Some("z".into()),
        host: Some("n3".into()),
        ..Default::default()
    };
    c.handle(
        2,
        Event::Message {
            from: "n3".into(),
            message: AttrdMessage::Update {
                task: UpdateTask::Value,
                updates: vec![local],
            },
        },
    );
    c.queue.clear();
    c.membership();
    c.run();
    assert_eq!(
        c.node(2).query("a", Some("n1")).unwrap()[0].1.as_deref(),
        Some("1")
    );
    for i in 0..2 {
        assert_eq!(
            c.node(i).query("local", Some("n3")).unwrap()[0]
                .1
                .as_deref(),
            Some("z")
        );
    }
    assert_eq!(c.writers().len(), 1);
}

#[test]
fn clear_failure_removes_matching_counts() {
    let mut c = Cluster::new(2);
    c.set(0, "fail-count-d#monitor_10000", Some("3"), None);
    c.set(0, "last-failure-d#monitor_10000", Some("1700000000"), None);
    c.set(0, "fail-count-e#start_0", Some("1"), None);
    c.node(1).clear_failure(Some("d"), None, 0, None);
    c.collect(1);
    c.run();
    assert_eq!(c.cib_value("1", "fail-count-d#monitor_10000"), None);
    assert_eq!(c.cib_value("1", "last-failure-d#monitor_10000"), None);
    assert_eq!(c.cib_value("1", "fail-count-e#start_0"), Some("1"));
}

#[test]
fn failed_writes_are_retried() {
    let mut c = Cluster::new(1);
    c.fail_writes = true;
    c.set(0, "a", Some("1"), None);
    assert_eq!(c.cib_value("1", "a"), None);
    c.fail_writes = false;
    c.advance(2_500);
    assert_eq!(c.cib_value("1", "a"), Some("1"));
}

#[test]
fn bad_requests_are_refused() {
    let mut c = Cluster::new(1);
    let n = c.node(0);
    assert_eq!(n.update(UpdateRequest::default()), Err(AttrdError::NoName));
    let bad_set = UpdateRequest {
        name: Some("a".into()),
        set_type: Some("meta_attributes".into()),
        ..Default::default()
    };
    assert!(matches!(n.update(bad_set), Err(AttrdError::BadSetType(_))));
    let delay_only = UpdateRequest {
        name: Some("nope".into()),
        task: Some(UpdateTask::Delay),
        ..Default::default()
    };
    assert!(matches!(
        n.update(delay_only),
        Err(AttrdError::NoSuchAttribute(_))
    ));
    let pattern = UpdateRequest {
        pattern: Some("(".into()),
        ..Default::default()
    };
    assert!(matches!(n.update(pattern), Err(AttrdError::BadPattern(_))));
    let nomatch = UpdateRequest {
        pattern: Some("^zzz".into()),
        ..Default::default()
    };
    assert!(matches!(n.update(nomatch), Err(AttrdError::NoMatch(_))));
    assert_eq!(
        AttrdError::NoSuchAttribute("x".into()).exit_code(),
        pcmk_common::exit::CrmExit::NoSuch
    );
}

#[test]
fn patterns_update_every_matching_attribute() {
    let mut c = Cluster::new(1);
    c.set(0, "fail-count-a#start_0", Some("1"), None);
    c.set(0, "fail-count-b#start_0", Some("1"), None);
    c.node(0)
        .update(UpdateRequest {
            pattern: Some("^fail-count-".into()),
            value: None,
            ..Default::default()
        })
        .unwrap();
    c.collect(0);
    c.run();
    assert!(c.cib.is_empty(), "{:?}", c.cib);
}

/// A small deterministic generator for the random runs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Random updates and deletions from random nodes while nodes leave and
/// come back; once quiet, every live node holds the same values for the
/// live nodes, there is one writer, and the CIB holds exactly the
/// non-private values of the live nodes.
fn random_run(seed: u64) -> Result<(), String> {
    let mut rng = Rng(seed);
    let n = 2 + (rng.next() % 4) as usize;
    let mut c = Cluster::new(n);
    for _ in 0..30 {
        let i = (rng.next() % n as u64) as usize;
        match rng.next() % 8 {
            // Virtual synchrony: what was sent in a membership is
            // delivered before the change.
            0 if c.alive().len() > 1 && c.nodes[i].is_some() => {
                c.run();
                c.nodes[i] = None;
                c.membership();
            }
            1 if c.nodes[i].is_none() => {
                c.run();
                c.nodes[i] = Some(Attrd::new(&format!("n{}", i + 1), i as u32 + 1));
                c.handle(i, Event::Start);
                c.membership();
            }
            _ if c.nodes[i].is_some() => {
                let name = format!("a{}", rng.next() % 4);
                let value = (rng.next() % 3 != 0).then(|| (rng.next() % 100).to_string());
                let host = c.alive()[(rng.next() % c.alive().len() as u64) as usize];
                let private = name == "a3";
                c.node(i)
                    .update(UpdateRequest {
                        name: Some(name),
                        value,
                        host: Some(format!("n{}", host + 1)),
                        private,
                        ..Default::default()
                    })
                    .map_err(|e| e.to_string())?;
                c.collect(i);
            }
            _ => {}
        }
        // Deliver a random part of what is in flight.
        for _ in 0..(rng.next() % 20) {
            if let Some((to, from, msg)) = c.queue.pop_front() {
                c.handle(to, Event::Message { from, message: msg });
            }
        }
    }
    c.run();
    c.advance(10_000);
    c.run();
    let alive = c.alive();
    let writers = c.writers();
    if writers.len() != 1 {
        return Err(format!("seed {seed}: writers {writers:?}"));
    }
    let live_hosts: Vec<String> = alive.iter().map(|i| format!("n{}", i + 1)).collect();
    let view = |c: &Cluster, i: usize| -> Vec<(String, String, Option<String>)> {
        let node = c.nodes[i].as_ref().unwrap();
        let mut v = Vec::new();
        for a in node.attributes() {
            for val in a.values.values() {
                if live_hosts.contains(&val.node) {
                    v.push((a.name.clone(), val.node.clone(), val.current.clone()));
                }
            }
        }
        v.sort();
        v
    };
    let first = view(&c, alive[0]);
    for &i in &alive[1..] {
        if view(&c, i) != first {
            return Err(format!(
                "seed {seed}: n{} disagrees:\n{first:?}\n{:?}",
                i + 1,
                view(&c, i)
            ));
        }
    }
    let mut expected: Vec<(String, String, String)> = first
        .iter()
        .filter(|(name, _, v)| name != "a3" && v.is_some())
        .map(|(name, host, v)| {
            (
                host.trim_start_matches('n').to_string(),
                name.clone(),
                v.clone().unwrap_or_default(),
            )
        })
        .collect();
    expected.sort();
    let mut cib: Vec<(String, String, String)> = c
        .cib
        .iter()
        .filter(|((id, _), _)| live_hosts.contains(&format!("n{id}")))
        .map(|((id, name), v)| (id.clone(), name.clone(), v.clone()))
        .collect();
    cib.sort();
    if cib != expected {
        return Err(format!("seed {seed}: CIB differs:\n{cib:?}\n{expected:?}"));
    }
    Ok(())
}

#[test]
fn seeded_random_updates_and_membership_changes_converge() {
    let seeds: u64 = std::env::var("PCMK_SIM_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let failures: Vec<String> = (0..seeds).filter_map(|s| random_run(s).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {seeds} seeds failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Replays one seed with logs: `SIM_SEED=N cargo test -p pcmk-attrd replay -- --ignored`.
#[test]
#[ignore]
fn replay_seed() {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_ansi(false)
        .with_env_filter("debug")
        .try_init();
    let seed = std::env::var("SIM_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if let Err(e) = random_run(seed) {
        panic!("{e}");
    }
}

#[test]
fn the_writer_alerts_every_value_it_writes() {
    use pcmk_controld::core::alerts::AlertList;
    let mut c = Cluster::new(2);
    let xml = pcmk_common::xml::parse(
        r#"<alerts>
             <alert id="standby-only" path="/bin/a.sh"><select><select_attributes><attribute id="s" name="standby"/></select_attributes></select></alert>
             <alert id="everything" path="/bin/b.sh"><select><select_attributes/></select></alert>
             <alert id="default" path="/bin/c.sh"/>
           </alerts>"#,
    )
    .unwrap();
    for i in 0..2 {
        c.node(i).set_wall_clock(1_700_000_000, 500_000);
        c.handle(i, Event::Alerts(AlertList::new(pcmk_execd_alerts(&xml))));
    }
    c.set(1, "standby", Some("on"), None);
    let w = c.writers()[0];
    c.set(0, "pingd", Some("7"), None);
    // Only the writer sends them, only to alerts that select attributes
    // (and only the selected names): not by default.
    assert!(c.alerts.iter().all(|(i, _)| *i == w));
    let seen: Vec<(String, String, String, String)> = c
        .alerts
        .iter()
        .map(|(_, run)| {
            let env: BTreeMap<&str, &str> = run
                .env
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            assert_eq!(env["CRM_alert_kind"], "attribute");
            assert_eq!(env["CRM_alert_timestamp_epoch"], "1700000000");
            (
                run.id.clone(),
                env["CRM_alert_node"].to_string(),
                env["CRM_alert_attribute_name"].to_string(),
                env["CRM_alert_attribute_value"].to_string(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str, d: &str| {
        (a.to_string(), b.to_string(), c.to_string(), d.to_string())
    };
    assert_eq!(
        seen,
        [
            s("standby-only", "n2", "standby", "on"),
            s("everything", "n2", "standby", "on"),
            s("everything", "n1", "pingd", "7"),
        ]
    );
    let nodeid = c.alerts[0]
        .1
        .env
        .iter()
        .find(|(k, _)| k == "CRM_alert_nodeid")
        .map(|(_, v)| v.clone());
    assert_eq!(nodeid.as_deref(), Some("2"));
    // A deletion is alerted with an empty value; private values never.
    c.alerts.clear();
    c.set(1, "standby", None, None);
    assert_eq!(c.alerts.len(), 2);
    c.alerts.clear();
    c.node(1)
        .update(UpdateRequest {
            name: Some("secret".into()),
            value: Some("x".into()),
            private: true,
            ..Default::default()
        })
        .unwrap();
    c.collect(1);
    c.run();
    assert!(c.alerts.is_empty());
}

fn pcmk_execd_alerts(xml: &pcmk_common::xml::Element) -> Vec<pcmk_controld::core::alerts::Alert> {
    pcmk_controld::core::alerts::unpack(xml)
}
