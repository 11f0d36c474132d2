//! Deterministic simulation of totem: hundreds of seeded scenarios per run.
//!
//! `TOTEM_SIM_SEEDS=N` runs N seeds (soak mode; default 300),
//! `TOTEM_SIM_SEED=S` replays seed S alone with a trace of what happens.

use pcmk_corosyncd::totem::sim::scenario::{Options, run};

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
    let mut failures = Vec::new();
    let mut steps = 0;
    let mut worst = 0;
    for seed in base..base + seeds {
        match run(seed, &opts) {
            Ok(r) => {
                steps += r.steps;
                worst = worst.max(r.max_settle_ms);
            }
            Err(e) => failures.push(e),
        }
    }
    println!("{seeds} seeds, {steps} events, slowest settle {worst} ms");
    assert!(
        failures.is_empty(),
        "{} of {seeds} seeds failed (replay with TOTEM_SIM_SEED=<seed>):\n{}",
        failures.len(),
        failures.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
}
