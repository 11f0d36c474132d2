//! `pcmk-lab demo` end to end: three nodes come up and take the demo's
//! configuration; with a controller in the stack, the Dummy resource
//! starts on one node and moves when that node is killed.

#![allow(clippy::unwrap_used)]

use pcmk_integration::lab;

#[test]
fn t50_demo_runs() {
    let ok = ["corosync", "pacemakerd", "pacemaker-based"]
        .iter()
        .all(|b| lab::bin_dir().join(b).exists());
    if !ok {
        eprintln!("skipped: build the binaries first (cargo build --workspace --bins)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let code = pcmk_integration::demo::run(dir.path(), 16_470).unwrap();
    assert_eq!(code, 0);
}
