//! Random scenarios generated from a seed: traffic, partitions and heals,
//! crashes and restarts, changing network faults, then a final heal after
//! which the cluster must settle within the configured timeouts.

use super::{NetFaults, Sim, invariants, sim_timeouts};
use crate::totem::NodeId;

/// How big a run is.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Fault and traffic phases per run.
    pub phases: usize,
    /// Largest cluster (at least 2, at most 7).
    pub max_nodes: usize,
    /// Print what happens (for replaying one seed).
    pub verbose: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            phases: 10,
            max_nodes: 7,
            verbose: false,
        }
    }
}

/// What a successful run measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Cluster size.
    pub nodes: usize,
    /// Events processed.
    pub steps: u64,
    /// Messages delivered, summed over nodes.
    pub deliveries: usize,
    /// Longest time to settle after a heal (ms).
    pub max_settle_ms: u64,
}

/// The time within which a healed cluster must settle: a token loss and two
/// consensus rounds (a node that crashed unseen), plus merge detection and join rounds.
pub fn settle_bound_ms(sim: &Sim) -> u64 {
    let t = sim.timeouts;
    u64::from(2 * (t.token + t.consensus) + t.merge + 20 * t.join)
}

fn log(opts: &Options, sim: &Sim, what: impl FnOnce() -> String) {
    if opts.verbose {
        println!("[{:>8} ms] {}", sim.now.0 / 1000, what());
    }
}

/// Runs the scenario of `seed`, checking the invariants after every phase.
pub fn run(seed: u64, opts: &Options) -> Result<Report, String> {
    let max_nodes = opts.max_nodes.clamp(2, 7);
    let mut pick = crate::totem::rng::SplitMix64::new(seed ^ 0x5eed);
    use crate::totem::rng::Rng;
    let n = 2 + pick.below((max_nodes - 1) as u64) as usize;
    let mut sim = Sim::new(n, seed, sim_timeouts());
    let bound = settle_bound_ms(&sim);
    let mut report = Report {
        nodes: n,
        ..Report::default()
    };
    let fail = |sim: &Sim, what: String| {
        format!("seed {seed} ({n} nodes) at {} ms: {what}", sim.now.0 / 1000)
    };
    log(opts, &sim, || format!("{n} nodes start"));
    match sim.run_until_settled(bound) {
        Some(ms) => report.max_settle_ms = ms,
        None => {
            return Err(fail(
                &sim,
                format!(
                    "startup did not settle within {bound} ms: {}",
                    sim.describe()
                ),
            ));
        }
    }
    invariants::check_safety(&sim).map_err(|e| fail(&sim, e))?;
    for _ in 0..opts.phases {
        let action = pick.below(10);
        match action {
            0..=3 => {
                let k = 1 + pick.below(30);
                for _ in 0..k {
                    let node = 1 + pick.below(n as u64) as NodeId;
                    let size = if pick.below(10) == 0 {
                        2000 + pick.below(40_000) as usize
                    } else {
                        16 + pick.below(1000) as usize
                    };
                    sim.submit(node, size);
                }
                log(opts, &sim, || format!("{k} messages submitted"));
                sim.run_for(50 + pick.below(500));
            }
            4 => {
                let groups: Vec<u8> = (0..n).map(|_| pick.below(2) as u8).collect();
                log(opts, &sim, || format!("partition {groups:?}"));
                sim.partition(groups);
                sim.run_for(200 + pick.below(3000));
            }
            5 => {
                log(opts, &sim, || "heal".into());
                sim.heal();
                match sim.run_until_settled(bound) {
                    Some(ms) => report.max_settle_ms = report.max_settle_ms.max(ms),
                    None => {
                        return Err(fail(
                            &sim,
                            format!("heal did not settle within {bound} ms: {}", sim.describe()),
                        ));
                    }
                }
            }
            6 => {
                let alive: Vec<NodeId> = (1..=n as NodeId).filter(|&i| sim.alive(i)).collect();
                if alive.len() > 1 {
                    let v = alive[pick.below(alive.len() as u64) as usize];
                    log(opts, &sim, || format!("crash {v}"));
                    sim.crash(v);
                }
                sim.run_for(pick.below(2000));
            }
            7 => {
                let dead: Vec<NodeId> = (1..=n as NodeId).filter(|&i| !sim.alive(i)).collect();
                if let Some(&v) = dead.first() {
                    log(opts, &sim, || format!("restart {v}"));
                    sim.start(v);
                }
                sim.run_for(pick.below(1000));
            }
            _ => {
                let f = NetFaults {
                    loss_permille: if pick.below(2) == 0 {
                        0
                    } else {
                        pick.below(60) as u32
                    },
                    dup_permille: pick.below(40) as u32,
                    min_delay_us: 30,
                    max_delay_us: 100 + pick.below(3000),
                };
                log(opts, &sim, || format!("faults {f:?}"));
                sim.faults = f;
                sim.run_for(100 + pick.below(1000));
            }
        }
        invariants::check_safety(&sim).map_err(|e| fail(&sim, e))?;
    }
    // The end: a clean network, every node back, and everything must settle.
    sim.heal();
    sim.faults = NetFaults::default();
    for v in 1..=n as NodeId {
        if !sim.alive(v) {
            log(opts, &sim, || format!("final restart {v}"));
            sim.start(v);
        }
    }
    match sim.run_until_settled(bound) {
        Some(ms) => report.max_settle_ms = report.max_settle_ms.max(ms),
        None => {
            return Err(fail(
                &sim,
                format!(
                    "final heal did not settle within {bound} ms: {}",
                    sim.describe()
                ),
            ));
        }
    }
    sim.run_for(3000);
    if !sim.settled() {
        return Err(fail(
            &sim,
            "membership changed on a quiet, healthy network".into(),
        ));
    }
    invariants::check_safety(&sim).map_err(|e| fail(&sim, e))?;
    invariants::self_delivery(&sim).map_err(|e| fail(&sim, e))?;
    report.steps = sim.steps;
    report.deliveries = sim
        .nodes
        .iter()
        .map(|x| x.history.len() + x.past.iter().map(Vec::len).sum::<usize>())
        .sum();
    log(opts, &sim, || format!("done: {report:?}"));
    Ok(report)
}
