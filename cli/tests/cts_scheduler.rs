//! Pacemaker's scheduler regression suite (the shared copy beside the
//! repository) over our crm_simulate, through the shared `cts-scheduler`
//! tool, as a ratchet: the pass counts may only grow. When a change makes
//! more cases pass, raise the floors below.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;

/// Floors for (summary, dot, graph, scores, all) of core.txt and of the
/// whole suite.
const CORE: [u32; 5] = [272, 272, 272, 272, 272];
const SUITE: [u32; 5] = [607, 607, 605, 624, 601];

fn shared() -> PathBuf {
    std::env::var_os("PCMK_SHARED_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
        PathBuf::from,
    )
}

/// The counts the tool prints on its last line:
/// `summary A/N, dot B/N, exp C/N, scores D/N, all E/N`.
fn counts(out: &str) -> [u32; 5] {
    let line = out
        .lines()
        .rev()
        .find(|l| l.starts_with("summary "))
        .unwrap_or_else(|| panic!("no totals in:\n{out}"));
    let mut got = [0; 5];
    for (i, part) in line.split(", ").enumerate().take(5) {
        let frac = part.split_whitespace().nth(1).unwrap();
        got[i] = frac.split('/').next().unwrap().parse().unwrap();
    }
    got
}

fn run(extra: &[&str]) -> Option<[u32; 5]> {
    let shared = shared();
    let tool = shared.join("tools/cts-scheduler");
    let data = shared.join("pacemaker-cts/scheduler");
    if !tool.is_file() || !data.is_dir() {
        eprintln!(
            "skipping: {} or {} not found",
            tool.display(),
            data.display()
        );
        return None;
    }
    let out = match Command::new(&tool)
        .arg("--simulate")
        .arg(env!("CARGO_BIN_EXE_crm_simulate"))
        .arg("--data")
        .arg(&data)
        .arg("--quiet")
        .args(extra)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("skipping: {} cannot run here: {e}", tool.display());
            return None;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    Some(counts(&text))
}

#[test]
fn conformance_never_drops() {
    let core_list = shared().join("pacemaker-cts/scheduler/core.txt");
    let Some(core) = run(&["--cases", core_list.to_str().unwrap()]) else {
        return;
    };
    let suite = run(&[]).unwrap();
    eprintln!("core {core:?} (floors {CORE:?}); suite {suite:?} (floors {SUITE:?})");
    for (name, got, floor) in [("core.txt", core, CORE), ("whole suite", suite, SUITE)] {
        for (i, what) in ["summary", "dot", "graph", "scores", "all"]
            .iter()
            .enumerate()
        {
            assert!(
                got[i] >= floor[i],
                "{name}: {what} {} < {} (was reached before)",
                got[i],
                floor[i]
            );
        }
    }
}
