//! Shared by the three-node cluster tests: a lab of the whole stack that
//! is stopped (every process) when it goes out of scope, and polling
//! helpers over the real tools.

#![allow(clippy::unwrap_used, dead_code)]

use std::future::Future;
use std::time::{Duration, Instant};

use pcmk_integration::lab::{self, Lab, LabSpec};
use pcmk_integration::mon::MonView;
use pcmk_proto::pacemakerd as pb;
use pcmk_proto::pacemakerd::pacemakerd_client::PacemakerdClient;

/// The binaries the cluster tests run.
pub const BINARIES: [&str; 15] = [
    "corosync",
    "pacemakerd",
    "pacemaker-based",
    "pacemaker-execd",
    "pacemaker-attrd",
    "pacemaker-schedulerd",
    "pacemaker-controld",
    "cibadmin",
    "crm_mon",
    "crm_resource",
    "crm_attribute",
    "crm_failcount",
    "crm_standby",
    "crmadmin",
    "corosync-quorumtool",
];

/// Whether every binary is built (says which are missing when not).
pub fn have_binaries() -> bool {
    let missing: Vec<&str> = BINARIES
        .iter()
        .copied()
        .filter(|b| !lab::bin_dir().join(b).exists())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "skipped: build the binaries first (cargo build --workspace --bins); missing {}",
            missing.join(" ")
        );
    }
    missing.is_empty()
}

/// A running lab, brought down (every process of every node) when dropped,
/// also when a test panics.
pub struct Running {
    pub lab: Lab,
    dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Where to look: the end of every node's controller log (the
            // whole logs stay in the lab folder with PCMK_LAB_KEEP set).
            for k in 1..=self.lab.nodes {
                let log = self.lab.node_dir(k).join("pacemaker.log");
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                let lines: Vec<&str> = text
                    .lines()
                    .filter(|l| l.contains("pacemaker-controld"))
                    .collect();
                eprintln!("---- node{k}: the controller's last lines ----");
                for l in &lines[lines.len().saturating_sub(40)..] {
                    eprintln!("{l}");
                }
            }
        }
        let _ = self.lab.down();
        if std::env::var_os("PCMK_LAB_KEEP").is_some() {
            let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
            eprintln!("lab kept in {}", dir.keep().display());
        }
    }
}

/// Creates a 3-node lab (in network namespaces when `netns`), with the
/// stack less the fencer (fencing is disabled), and brings it up.
pub async fn three_nodes(port: u16, subnet: u8, netns: bool) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let spec = LabSpec {
        nodes: 3,
        port,
        token: Some(1000),
        crypto: true,
        subnet,
    };
    let lab = if netns {
        Lab::create_netns(dir.path(), &spec).unwrap()
    } else {
        Lab::create(dir.path(), &spec).unwrap()
    };
    let r = Running { lab, dir };
    r.lab.link_daemons(&[]).unwrap();
    let t = r.lab.up_all(Duration::from_secs(40)).await.unwrap();
    eprintln!(
        "up: ring {} ms, CIBs {} ms, DC {:?}",
        t.ring.as_millis(),
        t.cib.as_millis(),
        t.dc.as_ref().map(|(n, d)| (n, d.as_millis()))
    );
    r
}

/// Runs `tool args` on node `k`, which must succeed; returns its output.
pub fn ok(lab: &Lab, k: u32, tool: &str, args: &[&str]) -> String {
    let (code, out, err) = lab.exec(k, tool, args).unwrap();
    assert_eq!(code, 0, "{tool} {args:?} on node{k}: {out}{err}");
    format!("{out}{err}")
}

/// Polls `check` until it answers `Ok`; panics with its last complaint.
pub async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let end = Instant::now() + within;
    loop {
        match check().await {
            Ok(v) => return v,
            Err(e) if Instant::now() > end => panic!("{what} within {within:?}: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// The DC `crmadmin -D` names on node `k`.
pub fn crmadmin_dc(lab: &Lab, k: u32) -> Option<String> {
    let (code, out, _) = lab.exec(k, "crmadmin", &["-D"]).ok()?;
    if code != 0 {
        return None;
    }
    out.trim()
        .strip_prefix("Designated Controller is: ")
        .filter(|n| !n.starts_with("not yet"))
        .map(str::to_string)
}

/// Waits until every node of `nodes` names the same DC through
/// `crmadmin -D`, that DC's controller is `S_IDLE` (`crmadmin -S`), and
/// stays so for a moment (no transition pending); returns the DC's number.
pub async fn settled(lab: &Lab, nodes: &[u32], within: Duration) -> u32 {
    eventually("one DC, idle", within, || async {
        let mut dcs = Vec::new();
        for &k in nodes {
            dcs.push(crmadmin_dc(lab, k));
        }
        let first = dcs[0].clone().ok_or(format!("no DC: {dcs:?}"))?;
        if dcs.iter().any(|d| d.as_deref() != Some(first.as_str())) {
            return Err(format!("the nodes disagree: {dcs:?}"));
        }
        let dc: u32 = first
            .strip_prefix("node")
            .and_then(|n| n.parse().ok())
            .ok_or(format!("odd DC name {first}"))?;
        for _ in 0..3 {
            let (_, out, err) = lab.exec(dc, "crmadmin", &["-S", &first]).unwrap();
            if !out.contains("in state S_IDLE") {
                return Err(format!("the DC is busy: {out}{err}"));
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Ok(dc)
    })
    .await
}

/// Waits until resource `rsc` runs on node `k` only: the agent's state
/// file there and nowhere else, and `crm_mon` on `observer` says so.
pub async fn runs_on(lab: &Lab, rsc: &str, k: u32, observer: u32, within: Duration) {
    let want = format!("node{k}");
    eventually(&format!("{rsc} runs on node{k} only"), within, || async {
        let agents = lab.dummy_running(rsc);
        if agents != [k] {
            return Err(format!("the agent runs on {agents:?}"));
        }
        let mon = lab.mon(observer);
        if mon.started_on(rsc) != [want.as_str()] {
            return Err(format!("crm_mon on node{observer}:\n{}", mon.text));
        }
        Ok(())
    })
    .await;
}

/// The single node resource `rsc` runs on (waits until there is one).
pub async fn where_runs(lab: &Lab, rsc: &str, nodes: &[u32], within: Duration) -> u32 {
    eventually(&format!("{rsc} runs on one node"), within, || async {
        match lab.dummy_running(rsc)[..] {
            [k] if nodes.contains(&k) => Ok(k),
            ref other => Err(format!("the agent runs on {other:?}")),
        }
    })
    .await
}

/// `crm_mon -1` on node `k`.
pub fn mon(lab: &Lab, k: u32) -> MonView {
    lab.mon(k)
}

/// pacemakerd's view of node `k`'s subdaemons.
pub async fn subdaemons(lab: &Lab, k: u32) -> Result<pb::StatusReply, String> {
    let sock = lab.node_dir(k).join("run").join("pacemakerd.sock");
    let ch = pcmk_proto::uds::connect(&sock)
        .await
        .map_err(|e| e.to_string())?;
    PacemakerdClient::new(ch)
        .status(pb::StatusRequest {})
        .await
        .map(tonic::Response::into_inner)
        .map_err(|e| e.to_string())
}

/// The pid and respawn count of subdaemon `name` on node `k`.
pub async fn subdaemon(lab: &Lab, k: u32, name: &str) -> Result<(u32, u32), String> {
    let s = subdaemons(lab, k).await?;
    s.subdaemons
        .iter()
        .find(|d| d.name == name)
        .map(|d| (d.pid, d.respawn_count))
        .ok_or(format!("pacemakerd of node{k} does not list {name}"))
}
