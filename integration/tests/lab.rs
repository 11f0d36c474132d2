//! The lab's Pacemaker layer: `up_all` brings three nodes up (corosync,
//! pacemakerd and its daemons), a killed node leaves no process behind and
//! comes back, and `down` stops everything.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use pcmk_integration::lab::{self, Lab, LabSpec};

struct Running {
    lab: Lab,
    _dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.lab.down();
    }
}

fn have_binaries() -> bool {
    let ok = ["corosync", "pacemakerd", "pacemaker-based"]
        .iter()
        .all(|b| lab::bin_dir().join(b).exists());
    if !ok {
        eprintln!("skipped: build the binaries first (cargo build --workspace --bins)");
    }
    ok
}

/// Processes of node `k` (by its run directory in their environment).
fn processes_of(lab: &Lab, k: u32) -> usize {
    let marker = format!("PCMK_run_dir={}", lab.node_dir(k).join("run").display());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != std::process::id())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|&b| b == 0).any(|kv| kv == marker.as_bytes()))
        })
        .filter(|pid| {
            !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.split_whitespace().nth(2) == Some("Z"))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t40_lab_up_kill_start_down() {
    if !have_binaries() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = LabSpec {
        nodes: 3,
        port: 16_460,
        token: Some(1000),
        crypto: true,
        subnet: 46,
    };
    let lab = Lab::create(dir.path(), &spec).unwrap();
    let r = Running { lab, _dir: dir };
    let lab = &r.lab;
    let linked = lab.link_daemons(&[]).unwrap();
    assert!(linked.contains(&"pacemaker-based".to_string()));
    assert!(linked.contains(&"pacemaker-fenced".to_string()));
    let t = lab.up_all(Duration::from_secs(30)).await.unwrap();
    eprintln!(
        "ring after {} ms, every CIB after {} ms, DC {:?}",
        t.ring.as_millis(),
        t.cib.as_millis(),
        t.dc
    );
    // corosync and pacemakerd are started with the node's environment;
    // pacemakerd's daemons inherit it.
    for k in 1..=3 {
        let want = 2 + linked.len();
        let end = std::time::Instant::now() + Duration::from_secs(10);
        while processes_of(lab, k) < want && std::time::Instant::now() < end {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            processes_of(lab, k) >= want,
            "node{k}: {} of {want} processes; log:\n{}",
            processes_of(lab, k),
            std::fs::read_to_string(lab.node_dir(k).join("pacemaker.log")).unwrap_or_default()
        );
    }

    lab.kill_node(2).unwrap();
    assert_eq!(processes_of(lab, 2), 0, "nothing of node2 survives");
    lab.wait_members(&[1, 3], Duration::from_secs(20))
        .await
        .unwrap();
    lab.start(2).unwrap();
    lab.wait_members(&[1, 2, 3], Duration::from_secs(20))
        .await
        .unwrap();
    lab.up_pacemaker(2, Duration::from_secs(30)).await.unwrap();

    lab.down().unwrap();
    for k in 1..=3 {
        assert_eq!(processes_of(lab, k), 0, "node{k} stopped");
    }
}

#[test]
fn t41_a_new_lab_starts_empty() {
    let dir = tempfile::tempdir().unwrap();
    let spec = LabSpec {
        nodes: 3,
        ..LabSpec::default()
    };
    let lab = Lab::create(dir.path(), &spec).unwrap();
    let stale = lab
        .node_dir(1)
        .join("run")
        .join("pcmk-lab-Dummy-dummy.state");
    std::fs::write(&stale, "").unwrap();
    std::fs::write(lab.node_dir(3).join("state").join("cib.xml"), "<cib/>").unwrap();
    let other = dir.path().join("notes");
    std::fs::write(&other, "kept").unwrap();
    let lab = Lab::create(
        dir.path(),
        &LabSpec {
            nodes: 2,
            ..LabSpec::default()
        },
    )
    .unwrap();
    assert!(!stale.exists(), "an agent's state file carried over");
    assert!(!lab.node_dir(3).exists(), "a node of the old lab is left");
    assert!(lab.node_dir(1).join("corosync.conf").exists());
    assert!(other.exists(), "only node folders are cleared");
}
