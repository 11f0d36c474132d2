//! Three nodes of the whole stack, each in a network namespace of its own
//! (root and iproute2; skipped otherwise), with no-quorum-policy=stop: the
//! node cut off from the others loses quorum and stops its resources, the
//! majority recovers them, and after the network heals every node holds
//! the same CIB (same version, same digest) and each resource runs once.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{eventually, ok, runs_on, settled};
use pcmk_integration::lab::Lab;
use pcmk_integration::netns::Netns;

const ALL: [u32; 3] = [1, 2, 3];
const STEP: Duration = Duration::from_secs(30);

/// A Dummy resource `id` monitored every 2 s, preferring `node` by 100.
fn resource(lab: &Lab, id: &str, node: u32) {
    ok(
        lab,
        1,
        "cibadmin",
        &[
            "-C",
            "-o",
            "resources",
            "-X",
            &format!(
                r#"<primitive id="{id}" class="ocf" provider="pcmk-lab" type="Dummy"><operations><op id="{id}-monitor-2s" name="monitor" interval="2s"/></operations></primitive>"#
            ),
        ],
    );
    ok(
        lab,
        1,
        "cibadmin",
        &[
            "-C",
            "-o",
            "constraints",
            "-X",
            &format!(
                r#"<rsc_location id="{id}-prefers-node{node}" rsc="{id}" node="node{node}" score="100"/>"#
            ),
        ],
    );
}

/// Node `k`'s CIB: its version (`admin_epoch`, `epoch`, `num_updates`),
/// its versioned digest (`cibadmin --md5-sum-versioned`) and its text.
fn cib(lab: &Lab, k: u32, scratch: &std::path::Path) -> ((String, String, String), String, String) {
    let xml = ok(lab, k, "cibadmin", &["-Q"]);
    let doc = pcmk_common::xml::parse(&xml).unwrap();
    let attr = |n: &str| doc.attr(n).unwrap_or("").to_string();
    let version = (attr("admin_epoch"), attr("epoch"), attr("num_updates"));
    let file = scratch.join(format!("cib-node{k}.xml"));
    std::fs::write(&file, &xml).unwrap();
    let digest = ok(
        lab,
        k,
        "cibadmin",
        &["--md5-sum-versioned", "-x", file.to_str().unwrap()],
    );
    (version, digest.trim().to_string(), xml)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t61_a_partition_stops_the_minority_and_heals_to_one_cib() {
    if !common::have_binaries() {
        return;
    }
    if let Some(why) = Netns::unavailable() {
        eprintln!("skipped: {why}");
        return;
    }
    let started = Instant::now();
    let r = common::three_nodes(16_484, 84, true).await;
    let lab = &r.lab;
    settled(lab, &ALL, STEP).await;
    ok(
        lab,
        1,
        "crm_attribute",
        &["-t", "crm_config", "-n", "fencing-enabled", "-v", "false"],
    );
    ok(
        lab,
        1,
        "crm_attribute",
        &["-t", "crm_config", "-n", "no-quorum-policy", "-v", "stop"],
    );
    resource(lab, "lonely", 3);
    resource(lab, "steady", 1);
    runs_on(lab, "lonely", 3, 1, STEP).await;
    runs_on(lab, "steady", 1, 3, STEP).await;
    settled(lab, &ALL, STEP).await;
    eprintln!("configured: {} ms", started.elapsed().as_millis());

    // node3 alone: no quorum there, so it stops what it runs; the
    // majority starts it.
    let cut = Instant::now();
    lab.partition(&[vec![1, 2], vec![3]]).unwrap();
    let stopped = eventually("the minority stops its resource", STEP, || async {
        if lab.dummy_state(3, "lonely").exists() {
            Err("still running on node3".to_string())
        } else {
            Ok(cut.elapsed())
        }
    })
    .await;
    let moved = common::where_runs(lab, "lonely", &[1, 2], STEP).await;
    eprintln!(
        "minority stopped after {} ms; lonely on node{moved} after {} ms",
        stopped.as_millis(),
        cut.elapsed().as_millis()
    );
    runs_on(lab, "lonely", moved, 1, STEP).await;
    runs_on(lab, "steady", 1, 2, STEP).await;
    let q = lab.quorum(3).await.unwrap();
    assert!(!q.quorate, "{q:?}");
    let out = lab.exec(3, "corosync-quorumtool", &["-s"]).unwrap();
    assert_eq!(out.0, 2, "{}", out.1);
    let mon = lab.mon(3);
    assert_eq!(mon.quorum, Some(false), "{}", mon.text);
    assert!(mon.started_on("lonely").is_empty(), "{}", mon.text);
    let majority = settled(lab, &[1, 2], STEP).await;
    let mon = lab.mon(majority);
    assert_eq!(mon.quorum, Some(true), "{}", mon.text);
    assert_eq!(mon.offline, ["node3"], "{}", mon.text);

    // Healed: one cluster again, one CIB everywhere.
    let healed = Instant::now();
    lab.heal().unwrap();
    lab.wait_members(&ALL, STEP).await.unwrap();
    settled(lab, &ALL, STEP).await;
    runs_on(lab, "steady", 1, 3, STEP).await;
    // "lonely" prefers node3 again.
    runs_on(lab, "lonely", 3, 2, STEP).await;
    let dc = settled(lab, &ALL, STEP).await;
    eprintln!("healed and settled: {} ms", healed.elapsed().as_millis());
    let scratch = tempfile::tempdir().unwrap();
    let cibs = eventually("the same CIB on every node", STEP, || async {
        let cibs: Vec<_> = ALL.iter().map(|&k| cib(lab, k, scratch.path())).collect();
        if cibs
            .iter()
            .all(|c| (&c.0, &c.1) == (&cibs[0].0, &cibs[0].1))
        {
            Ok(cibs)
        } else {
            Err(format!(
                "{:?}",
                cibs.iter().map(|c| (&c.0, &c.1)).collect::<Vec<_>>()
            ))
        }
    })
    .await;
    let (version, digest, _) = &cibs[0];
    eprintln!("every node: CIB {version:?}, digest {digest}, DC node{dc}");
    for k in ALL {
        let mon = lab.mon(k);
        assert_eq!(mon.quorum, Some(true), "{}", mon.text);
        assert_eq!(mon.online, ["node1", "node2", "node3"], "{}", mon.text);
    }
    eprintln!("whole test: {} ms", started.elapsed().as_millis());
}
