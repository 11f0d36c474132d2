//! Deterministic simulation of totem: hundreds of seeded scenarios per run.
//!
//! `TOTEM_SIM_SEEDS=N` runs N seeds (soak mode; default 300),
//! `TOTEM_SIM_BASE=B` starts at seed B, and `TOTEM_SIM_SEED=S` replays seed
//! S alone with a trace of what happens (also `cargo run --example
//! totem-sim -- --reproduce S`).

use pcmk_corosyncd::totem::sim::scenario::{Options, run};
use pcmk_corosyncd::totem::sim::{NetFaults, Sim, invariants, sim_timeouts};
use pcmk_corosyncd::totem::{ConfKind, StateName};

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn seeded_scenarios_keep_the_invariants() {
    if let Some(seed) = env_u64("TOTEM_SIM_SEED") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                std::env::var("RUST_LOG").unwrap_or_else(|_| "pcmk_corosyncd=debug".into()),
            )
            .with_test_writer()
            .try_init();
        let opts = Options {
            verbose: true,
            ..Options::default()
        };
        let r = run(seed, &opts).unwrap_or_else(|e| panic!("{e}"));
        println!("seed {seed}: {r:?}");
        return;
    }
    let seeds = env_u64("TOTEM_SIM_SEEDS").unwrap_or(300);
    let base = env_u64("TOTEM_SIM_BASE").unwrap_or(0);
    let opts = Options::default();
    // Two workers: seeds are independent.
    let results: Vec<(u64, u64, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2u64)
            .map(|w| {
                s.spawn(move || {
                    let mut steps = 0;
                    let mut worst = 0;
                    let mut failures = Vec::new();
                    for seed in (base..base + seeds).filter(|x| x % 2 == w) {
                        match run(seed, &opts) {
                            Ok(r) => {
                                steps += r.steps;
                                worst = worst.max(r.max_settle_ms);
                            }
                            Err(e) => failures.push(e),
                        }
                    }
                    (steps, worst, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let steps: u64 = results.iter().map(|r| r.0).sum();
    let worst = results.iter().map(|r| r.1).max().unwrap_or(0);
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.2).collect();
    println!("{seeds} seeds from {base}, {steps} events, slowest settle {worst} ms");
    assert!(
        failures.is_empty(),
        "{} of {seeds} seeds failed (replay with TOTEM_SIM_SEED=<seed>):\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn crash_is_detected_within_token_plus_consensus() {
    for n in [3usize, 5] {
        let mut sim = Sim::new(n, 7, sim_timeouts());
        assert!(sim.run_until_settled(5000).is_some());
        for i in 0..20 {
            sim.submit(1 + (i % n as u64) as u32, 100);
        }
        sim.run_for(500);
        let t = sim.timeouts;
        let crashed_at = sim.now;
        sim.crash(n as u32);
        let took = sim.run_until_settled(20_000).expect("survivors settle");
        let bound = u64::from(t.token + t.consensus) + 100;
        assert!(took <= bound, "{n} nodes: took {took} ms, bound {bound} ms");
        assert!(
            took >= u64::from(t.token),
            "{n} nodes: {took} ms is faster than a token loss"
        );
        // Every survivor saw the node leave in a transitional configuration.
        for node in sim.nodes.iter().filter(|x| x.srp.is_some()) {
            let left = node.history.iter().rev().find_map(|e| match e {
                pcmk_corosyncd::totem::sim::Event::Conf(c) if c.kind == ConfKind::Transitional => {
                    Some(c.left.clone())
                }
                _ => None,
            });
            assert_eq!(left, Some(vec![n as u32]), "node {}", node.id);
        }
        let _ = crashed_at;
        invariants::check_safety(&sim).unwrap();
    }
}

#[test]
fn lossy_network_still_orders_everything() {
    let mut sim = Sim::new(4, 99, sim_timeouts());
    assert!(sim.run_until_settled(5000).is_some());
    sim.faults = NetFaults {
        loss_permille: 100,
        dup_permille: 50,
        min_delay_us: 10,
        max_delay_us: 2000,
    };
    for i in 0..200u64 {
        sim.submit(1 + (i % 4) as u32, if i % 25 == 0 { 30_000 } else { 200 });
        sim.run_for(5);
    }
    sim.faults = NetFaults::default();
    sim.run_for(5000);
    assert!(sim.settled());
    invariants::check_safety(&sim).unwrap();
    invariants::self_delivery(&sim).unwrap();
    // Nodes that never left the ring delivered the same 200 messages.
    for node in &sim.nodes {
        let n = node
            .history
            .iter()
            .filter(|e| matches!(e, pcmk_corosyncd::totem::sim::Event::Deliver { .. }))
            .count();
        assert!(n > 0);
    }
    let s = sim.nodes[0].srp.as_ref().unwrap();
    assert_eq!(s.state_name(), StateName::Operational);
}

/// Corrupted but well-formed messages (bit flips of real traffic) never
/// panic a node or keep the cluster from settling.
#[test]
fn corrupted_messages_do_not_wedge() {
    use pcmk_corosyncd::totem::rng::{Rng, SplitMix64};
    use pcmk_corosyncd::totem::{Input, codec};
    let mut sim = Sim::new(3, 5, sim_timeouts());
    assert!(sim.run_until_settled(5000).is_some());
    let mut rng = SplitMix64::new(1);
    // Real messages to mutate: a token, a join, an mcast.
    let ring = sim.nodes[0].srp.as_ref().unwrap().ring_id();
    let samples = [
        codec::encode(&pcmk_corosyncd::totem::Message::MergeDetect { ring_id: ring }),
        codec::encode(&pcmk_corosyncd::totem::Message::Join(
            pcmk_corosyncd::totem::message::Join {
                ring_seq: ring.seq,
                proc_list: vec![1, 2, 3],
                fail_list: vec![],
            },
        )),
        codec::encode(&pcmk_corosyncd::totem::Message::Token(
            pcmk_corosyncd::totem::message::Token {
                ring_id: ring,
                token_seq: 5,
                seq: 3,
                aru: 3,
                aru_addr: 0,
                fcc: 0,
                backlog: 0,
                retrans_flg: false,
                rtr: vec![1, 2],
            },
        )),
    ];
    let mut fed = 0;
    for i in 0..3000 {
        let mut b = samples[i % samples.len()].clone();
        let flips = 1 + rng.below(4);
        for _ in 0..flips {
            let at = rng.below(b.len() as u64) as usize;
            b[at] ^= 1 << rng.below(8);
        }
        if let Ok(msg) = codec::decode(&b) {
            fed += 1;
            let now = sim.now;
            let target = 1 + rng.below(3) as usize;
            let from = 1 + rng.below(3) as u32;
            if let Some(srp) = sim.nodes[target - 1].srp.as_mut() {
                srp.handle(now, Input::Packet { from, msg });
                let _ = srp.take_output();
            }
        }
        if i % 100 == 0 {
            sim.run_for(20);
        }
    }
    assert!(fed > 1000);
    assert!(
        sim.run_until_settled(30_000).is_some(),
        "{}",
        sim.describe()
    );
}

/// Nodes restarting with different stored ring ids, one after the other,
/// form one ring quickly (no token loss or consensus timeout on the way).
#[test]
fn staggered_start_with_stored_ring_ids_forms_fast() {
    let mut sim = Sim::new(3, 11, sim_timeouts());
    for (i, seq) in [20u64, 24, 28].into_iter().enumerate() {
        sim.crash(i as u32 + 1);
        sim.nodes[i].stored_ring_seq = seq;
    }
    for id in 1..=3u32 {
        sim.start(id);
        sim.run_for(10);
    }
    let took = sim.run_until_settled(20_000).expect("settles");
    let t = sim.timeouts;
    assert!(
        took < u64::from(t.token),
        "took {took} ms: {}",
        sim.describe()
    );
}
