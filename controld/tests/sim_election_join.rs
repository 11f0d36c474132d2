//! Deterministic multi-node simulation of the DC election and the join
//! protocol: scripted scenarios and seeded random faults (message loss as
//! the cluster layer shows it, delay and reordering, crashes and restarts,
//! partitions), with invariants checked after every step and once the
//! cluster settles. `PCMK_SIM_SEEDS=N` runs more seeds; `SIM_SEED=N` with
//! the ignored `replay_seed` test replays one with logs.

mod sim;

use pcmk_controld::core::fsa::State;
use sim::Sim;

fn start_all(sim: &mut Sim) {
    for i in 0..sim.names.len() {
        sim.start(i);
    }
}

fn assert_clean(sim: &Sim, what: &str) {
    assert!(sim.violations.is_empty(), "{what}: {:#?}", sim.violations);
}

#[test]
fn three_nodes_elect_one_dc_and_join() {
    let mut sim = Sim::new(3, 1);
    start_all(&mut sim);
    let took = sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_clean(&sim, "formation");
    let dc = sim.dc_of(0).unwrap();
    // All started together: the oldest (first started) node wins.
    assert_eq!(sim.names[dc], "node1");
    // dc-deadtime (2s in the simulation) is waited before the election.
    assert!(took >= 2_000, "settled in {took} ms");
    assert!(sim.exits.is_empty(), "{:?}", sim.exits);
}

#[test]
fn quick_formation_when_every_expected_node_is_present() {
    let mut sim = Sim::new(3, 2);
    sim.expected_nodes = Some(3);
    start_all(&mut sim);
    let took = sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    assert!(took < 2_000, "quick formation took {took} ms");
    assert_clean(&sim, "quick formation");
    // With a node missing, dc-deadtime is honoured.
    let mut sim = Sim::new(3, 2);
    sim.expected_nodes = Some(3);
    sim.start(0);
    sim.start(1);
    let took = sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    assert!(
        took >= 2_000,
        "formation with a missing node took {took} ms"
    );
}

#[test]
fn late_node_joins_existing_dc_without_election() {
    let mut sim = Sim::new(3, 3);
    sim.start(0);
    sim.start(1);
    sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    let dc = sim.dc_of(0).unwrap();
    sim.start(2);
    sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(sim.dc_of(2), Some(dc), "the existing DC stays");
    assert_clean(&sim, "late join");
}

#[test]
fn dc_death_triggers_reelection_and_restart_rejoins() {
    let mut sim = Sim::new(4, 4);
    start_all(&mut sim);
    sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    let old = sim.dc_of(0).unwrap();
    sim.crash(old);
    let took = sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    let new = sim.dc_of((old + 1) % 4).unwrap();
    assert_ne!(new, old);
    assert!(took < 10_000, "re-election took {took} ms");
    sim.start(old);
    sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(
        sim.dc_of(old),
        Some(new),
        "a restarted node does not take over"
    );
    assert_eq!(sim.state(old), Some(State::NotDc));
    assert_clean(&sim, "re-election");
}

#[test]
fn partition_elects_per_side_and_heal_merges() {
    let mut sim = Sim::new(5, 5);
    start_all(&mut sim);
    sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    sim.partition(&[&[0, 1], &[2, 3, 4]]);
    sim.run_for(2_000);
    sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    let a = sim.dc_of(0).unwrap();
    let b = sim.dc_of(2).unwrap();
    assert!([0, 1].contains(&a) && [2, 3, 4].contains(&b));
    sim.heal();
    sim.run_for(1_000);
    sim.settle(40_000).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(sim.partitions().len(), 1);
    assert_clean(&sim, "partition");
}

#[test]
fn dc_runs_graph_actions_on_other_nodes() {
    let mut sim = Sim::new(3, 6);
    sim.graphs.push(
        r#"<transition_graph cluster-delay="60s" transition_id="1">
          <synapse id="0"><action_set>
            <rsc_op id="3" operation="start" operation_key="d_start_0" on_node="node2" on_node_uuid="2">
              <primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/>
              <attributes CRM_meta_timeout="20000" crm_feature_set="3.20.5"/></rsc_op>
          </action_set><inputs/></synapse>
          <synapse id="1"><action_set>
            <rsc_op id="4" operation="monitor" operation_key="d_monitor_10000" on_node="node2" on_node_uuid="2">
              <primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/>
              <attributes CRM_meta_interval="10000" CRM_meta_timeout="20000" crm_feature_set="3.20.5"/></rsc_op>
          </action_set><inputs><trigger><rsc_op id="3" operation="start" operation_key="d_start_0"/></trigger></inputs></synapse>
        </transition_graph>"#
            .into(),
    );
    start_all(&mut sim);
    sim.settle(30_000).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(
        sim.executed,
        vec![
            (1, "d".to_string(), "start".to_string()),
            (1, "d".to_string(), "monitor".to_string())
        ]
    );
    let node2 = sim.ctl(1).unwrap();
    let h = node2.history().get("d").unwrap();
    assert_eq!(h.recurring.len(), 1);
    assert_clean(&sim, "remote actions");
}

/// One random run: a series of faults (crashes, restarts, partitions,
/// heals) under seeded loss, delay and reordering. After some faults the
/// cluster is left alone and must settle: one DC per partition, everyone
/// joined. At the end everything heals and restarts and it must settle
/// into a single cluster.
fn random_run(seed: u64) -> Result<(), String> {
    let mut rng = sim::Rng::new(seed);
    let n = 2 + (rng.next() % 6) as usize;
    let mut sim = Sim::new(n, seed);
    sim.net.delay_ms = (1, 1 + rng.range(0, 60));
    sim.net.reorder = rng.chance(0.5);
    let loss = if rng.chance(0.5) { 0.01 } else { 0.0 };
    sim.net.loss = loss;
    let mut problems = Vec::new();
    for i in 0..n {
        sim.start(i);
        let gap = rng.range(0, 1_500);
        sim.run_for(gap);
    }
    for round in 0..rng.range(3, 12) {
        let wait = rng.range(50, 4_000);
        sim.run_for(wait);
        let victim = (rng.next() % n as u64) as usize;
        match rng.next() % 5 {
            0 | 1 if sim.alive(victim) => sim.crash(victim),
            0..=2 if !sim.alive(victim) => sim.start(victim),
            3 => {
                let cut = 1 + (rng.next() % (n as u64 - 1).max(1)) as usize;
                let (left, right): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| i < cut);
                sim.partition(&[&left, &right]);
            }
            _ => sim.heal(),
        }
        if rng.chance(0.3) {
            // Leave it alone: each partition must settle on its own.
            sim.run_for(1_500);
            if let Err(p) = sim.settle(120_000) {
                problems.push(format!("round {round}: {p:?}"));
                break;
            }
        }
    }
    // Calm: no more loss, heal, bring everyone back.
    sim.net.loss = 0.0;
    sim.heal();
    for i in 0..n {
        if !sim.alive(i) {
            sim.start(i);
        }
    }
    sim.run_for(1_500);
    if let Err(p) = sim.settle(120_000) {
        problems.extend(p);
    }
    problems.extend(sim.violations.iter().cloned());
    if sim.partitions().len() != 1 {
        problems.push("partitions left after heal".into());
    }
    if std::env::var_os("SIM_STATS").is_some() {
        let dc = sim.dc_of(0).map(|d| sim.names[d].clone());
        eprintln!(
            "seed {seed}: {n} nodes, loss {loss}, {} steps, t={}, exits {:?}, dc {dc:?}",
            sim.steps, sim.now, sim.exits
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "seed {seed} ({n} nodes, {} steps): {problems:#?}",
            sim.steps
        ))
    }
}

#[test]
fn seeded_random_faults_settle_with_one_dc() {
    let seeds: u64 = std::env::var("PCMK_SIM_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let failures: Vec<String> = (0..seeds).filter_map(|s| random_run(s).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {seeds} seeds failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Replays one seed with logs: `SIM_SEED=N cargo test ... replay_seed -- --ignored`.
#[test]
#[ignore]
fn replay_seed() {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_ansi(false)
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()))
        .try_init();
    let seed = std::env::var("SIM_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if let Err(e) = random_run(seed) {
        panic!("{e}");
    }
}
