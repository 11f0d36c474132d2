//! `pcmk-lab demo` end to end: three nodes come up through pacemakerd and
//! elect a DC, the Dummy resource starts on one node, that node is killed
//! (SIGKILL of all its processes), and the resource is recovered on
//! another, as `crm_mon -1` there shows.

#![allow(clippy::unwrap_used)]

use pcmk_integration::lab;

#[test]
fn t50_demo_fails_over() {
    let missing: Vec<&str> = pcmk_integration::demo::BINARIES
        .iter()
        .copied()
        .filter(|b| !lab::bin_dir().join(b).exists())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "skipped: build the binaries first (cargo build --workspace --bins); missing {}",
            missing.join(" ")
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let o = pcmk_integration::demo::run_in(dir.path(), 16_470, 70).unwrap();
    assert!(o.dc.is_some(), "no DC");
    let first = o.first.unwrap();
    let second = o.second.unwrap();
    assert_ne!(first, second);
    assert!(
        o.before.contains(&format!("Started node{first}")),
        "{}",
        o.before
    );
    assert!(
        o.after.contains(&format!("Started node{second}")),
        "{}",
        o.after
    );
    assert!(
        o.after.contains(&format!("OFFLINE: [ node{first} ]")),
        "{}",
        o.after
    );
    eprintln!(
        "failover from node{first} to node{second} took {} ms",
        o.failover.unwrap().as_millis()
    );
}
