//! Runs the totem simulator outside the test harness.
//!
//! `totem-sim --reproduce SEED` replays one seed with a trace;
//! `totem-sim --seeds N [--base B]` runs N seeds and prints failures.

use pcmk_corosyncd::totem::sim::scenario::{Options, run};

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    if let Some(seed) = arg("--reproduce") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                std::env::var("RUST_LOG").unwrap_or_else(|_| "pcmk_corosyncd=debug".into()),
            )
            .try_init();
        let opts = Options {
            verbose: true,
            ..Options::default()
        };
        return match run(seed, &opts) {
            Ok(r) => {
                println!("seed {seed} passed: {r:?}");
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                println!("{e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let seeds = arg("--seeds").unwrap_or(1000);
    let base = arg("--base").unwrap_or(0);
    let mut failed = 0;
    for seed in base..base + seeds {
        if let Err(e) = run(seed, &Options::default()) {
            failed += 1;
            println!("{e}");
        }
    }
    println!("{} passed, {failed} failed", seeds - failed);
    if failed == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
