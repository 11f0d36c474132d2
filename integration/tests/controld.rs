//! The controller with real daemons: `corosync`, `pacemaker-based`
//! (stand-alone, shared, or replicating in cluster mode), `pacemaker-schedulerd`, `pacemaker-execd` and
//! `pacemaker-controld` per node, each node's sockets and state in its
//! own lab folder.
//!
//! One node: the controller wins the election, becomes DC, reaches
//! S_IDLE, and a resource added with `cibadmin` is probed, started and
//! monitored through the executor, with the results in the CIB status.
//! Three nodes: one DC, the others join it.

#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pcmk_common::xml::{Element, parse};
use pcmk_integration::lab::{self, Lab, LabSpec};
use pcmk_proto::controld as pb;
use pcmk_proto::controld::controller_client::ControllerClient;

/// The daemons of one node, started in this order.
const DAEMONS: &[&str] = &[
    "pacemaker-based",
    "pacemaker-schedulerd",
    "pacemaker-execd",
    "pacemaker-controld",
];

/// A minimal OCF agent whose state is a file next to the agents.
const AGENT: &str = r#"#!/bin/sh
state="${OCF_ROOT}/${OCF_RESOURCE_INSTANCE}.state"
case "$1" in
meta-data)
cat <<'XML'
<?xml version="1.0"?>
<resource-agent name="Dummy" version="1.0">
  <version>1.1</version>
  <shortdesc lang="en">Test agent</shortdesc>
  <longdesc lang="en">A resource whose state is a file.</longdesc>
  <parameters>
    <parameter name="fake"><shortdesc lang="en">Unused</shortdesc><content type="string"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s" depth="0"/>
    <action name="meta-data" timeout="5s"/>
    <action name="validate-all" timeout="20s"/>
  </actions>
</resource-agent>
XML
exit 0;;
start) touch "$state"; exit 0;;
stop) rm -f "$state"; exit 0;;
monitor) [ -f "$state" ] && exit 0; exit 7;;
validate-all) exit 0;;
*) exit 3;;
esac
"#;

fn have_binaries() -> bool {
    let dir = lab::bin_dir();
    let missing: Vec<&str> = ["corosync", "cibadmin"]
        .iter()
        .chain(DAEMONS)
        .copied()
        .filter(|b| !dir.join(b).exists())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "skipped: {} not built (cargo build --workspace --bins)",
            missing.join(", ")
        );
    }
    missing.is_empty()
}

/// How the nodes' CIB managers are set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cib {
    /// One stand-alone CIB manager per node (each node's own CIB).
    StandAlone,
    /// Node 1's stand-alone CIB manager serves every node.
    Shared,
    /// One CIB manager per node in cluster mode, replicating over CPG.
    Replicated,
}

/// A lab whose daemons are stopped when it goes out of scope.
struct Cluster {
    lab: Lab,
    cib: Cib,
    ocf_root: PathBuf,
    daemons: Vec<(u32, &'static str, Child)>,
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn new(nodes: u32, subnet: u8, port: u16) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let spec = LabSpec {
            nodes,
            port,
            token: Some(1000),
            crypto: true,
            subnet,
        };
        let lab = Lab::create(&dir.path().join("lab"), &spec).unwrap();
        let ocf_root = dir.path().join("ocf");
        let agents = ocf_root.join("resource.d").join("test");
        std::fs::create_dir_all(&agents).unwrap();
        let agent = agents.join("Dummy");
        std::fs::write(&agent, AGENT).unwrap();
        std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755)).unwrap();
        Cluster {
            lab,
            cib: Cib::StandAlone,
            ocf_root,
            daemons: Vec::new(),
            _dir: dir,
        }
    }

    /// Starts corosync on every node, waits for the ring, then starts the
    /// Pacemaker daemons of every node, each with its own stand-alone CIB.
    async fn start(&mut self) {
        self.start_with(Cib::StandAlone).await;
    }

    /// As [`Cluster::start`], with the CIB managers set up as `cib` says.
    async fn start_with(&mut self, cib: Cib) {
        self.cib = cib;
        let shared_cib = cib == Cib::Shared;
        self.lab.start_all().unwrap();
        let all: Vec<u32> = (1..=self.lab.nodes).collect();
        self.lab
            .wait_members(&all, Duration::from_secs(20))
            .await
            .unwrap();
        for k in all {
            for &d in DAEMONS {
                if shared_cib && k > 1 && d == "pacemaker-based" {
                    std::os::unix::fs::symlink(self.socket(1, "based"), self.socket(k, "based"))
                        .unwrap();
                    continue;
                }
                self.spawn(k, d);
            }
        }
    }

    fn spawn(&mut self, k: u32, daemon: &'static str) {
        let nd = self.lab.node_dir(k);
        let log = std::fs::File::create(nd.join(format!("{daemon}.log"))).unwrap();
        let mut cmd = Command::new(self.lab.bin_dir.join(daemon));
        if daemon == "pacemaker-based" && self.cib != Cib::Replicated {
            cmd.arg("--stand-alone");
        }
        for (key, v) in self.lab.env(k) {
            cmd.env(key, v);
        }
        let child = cmd
            .env("OCF_ROOT", &self.ocf_root)
            .env("PCMK_logfile", "none")
            .env("PCMK_stderr", "1")
            .env("PCMK_debug", "no")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        self.daemons.push((k, daemon, child));
    }

    fn socket(&self, k: u32, daemon: &str) -> PathBuf {
        self.lab
            .node_dir(k)
            .join("run")
            .join(format!("{daemon}.sock"))
    }

    /// Runs `cibadmin args` against node `k`'s CIB manager.
    fn cibadmin(&self, k: u32, args: &[&str]) -> (i32, String, String) {
        self.lab.exec(k, "cibadmin", args).unwrap()
    }

    /// Node `k`'s CIB status section.
    fn status(&self, k: u32) -> Element {
        let (code, out, err) = self.cibadmin(k, &["-Q", "-o", "status"]);
        assert_eq!(code, 0, "cibadmin -Q -o status: {err}");
        parse(&out).unwrap()
    }

    /// The controller log of node `k` (for failure messages).
    fn log(&self, k: u32, daemon: &str) -> String {
        std::fs::read_to_string(self.lab.node_dir(k).join(format!("{daemon}.log")))
            .unwrap_or_default()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // The controller first (it would otherwise see its links drop).
        for (_, _, child) in self.daemons.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = self.lab.down();
    }
}

async fn client(socket: &Path) -> Option<ControllerClient<tonic::transport::Channel>> {
    let ch = pcmk_proto::uds::connect(socket).await.ok()?;
    Some(ControllerClient::new(ch))
}

/// Node `k`'s controller state as `crmadmin -S` reads it.
async fn ping(c: &Cluster, k: u32) -> Option<pb::PingReply> {
    let mut cl = client(&c.socket(k, "controld")).await?;
    Some(cl.ping(pb::PingRequest {}).await.ok()?.into_inner())
}

/// Waits until node `k`'s controller is in `state`; returns the last reply.
async fn wait_state(c: &Cluster, k: u32, state: &str, within: Duration) -> pb::PingReply {
    let end = Instant::now() + within;
    let mut last = None;
    while Instant::now() < end {
        if let Some(r) = ping(c, k).await {
            if r.state == state {
                return r;
            }
            last = Some(r);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "node {k} did not reach {state} within {within:?} (last: {last:?})\n{}",
        c.log(k, "pacemaker-controld")
    );
}

/// Every `lrm_rsc_op` of resource `rsc` on node `node` in `status`.
fn ops<'a>(status: &'a Element, node: &str, rsc: &str) -> Vec<&'a Element> {
    let mut out = Vec::new();
    for ns in status.children_named("node_state") {
        if ns.attr("uname") != Some(node) {
            continue;
        }
        for lrm in ns.children_named("lrm") {
            for rs in lrm.children_named("lrm_resources") {
                for r in rs.children_named("lrm_resource") {
                    if r.id() == Some(rsc) {
                        out.extend(r.children_named("lrm_rsc_op"));
                    }
                }
            }
        }
    }
    out
}

fn op_with<'a>(ops: &[&'a Element], operation: &str, interval: &str) -> Option<&'a Element> {
    ops.iter()
        .copied()
        .find(|o| o.attr("operation") == Some(operation) && o.attr("interval") == Some(interval))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_node_becomes_dc_and_starts_a_resource() {
    if !have_binaries() {
        return;
    }
    let mut c = Cluster::new(1, 51, 16_451);
    c.start().await;

    // Elected, joined and idle, with nothing to do.
    let r = wait_state(&c, 1, "S_IDLE", Duration::from_secs(20)).await;
    assert_eq!((r.node.as_str(), r.dc.as_str()), ("node1", "node1"));
    let mut cl = client(&c.socket(1, "controld")).await.unwrap();
    let dc = cl.designated_controller(pb::DcRequest {}).await.unwrap();
    assert_eq!(dc.into_inner().dc, "node1");
    let info = cl.node_info(pb::NodeInfoRequest {}).await.unwrap();
    let info = info.into_inner();
    assert!(info.is_dc && info.have_quorum && info.id == 1, "{info:?}");
    let status = c.status(1);
    let ns = status
        .children_named("node_state")
        .find(|n| n.attr("uname") == Some("node1"))
        .expect("the DC wrote its node_state");
    assert_eq!(ns.attr("join"), Some("member"));
    assert_eq!(ns.attr("expected"), Some("member"));

    // A resource: probed, started and monitored by the executor.
    let (code, _, err) = c.cibadmin(
        1,
        &[
            "-M",
            "-o",
            "crm_config",
            "-X",
            r#"<crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="opt-stonith" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>"#,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = c.cibadmin(
        1,
        &[
            "-C",
            "-o",
            "resources",
            "-X",
            r#"<primitive id="d1" class="ocf" provider="test" type="Dummy"><operations><op id="d1-mon" name="monitor" interval="10s"/></operations></primitive>"#,
        ],
    );
    assert_eq!(code, 0, "{err}");

    let end = Instant::now() + Duration::from_secs(20);
    let status = loop {
        let status = c.status(1);
        let found = ops(&status, "node1", "d1");
        if op_with(&found, "monitor", "10000").is_some() {
            break status;
        }
        assert!(
            Instant::now() < end,
            "d1 was not started and monitored: {}\n{}",
            status.to_pretty(),
            c.log(1, "pacemaker-controld")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let found = ops(&status, "node1", "d1");
    let start = op_with(&found, "start", "0").expect("a start result");
    assert_eq!(start.attr("rc-code"), Some("0"), "{}", status.to_pretty());
    assert_eq!(start.attr("op-status"), Some("0"));
    assert_eq!(start.attr("id"), Some("d1_last_0"));
    assert!(start.attr("op-digest").is_some_and(|d| d.len() == 32));
    let monitor = op_with(&found, "monitor", "10000").unwrap();
    assert_eq!(monitor.attr("rc-code"), Some("0"));
    assert!(
        c.ocf_root.join("d1.state").exists(),
        "the agent really ran the start"
    );

    // The transition completed: idle again.
    let r = wait_state(&c, 1, "S_IDLE", Duration::from_secs(10)).await;
    assert_eq!(r.dc, "node1");

    // A cleanup (crm_resource --cleanup): the history is forgotten and
    // the resource probed again, found running, and monitored again.
    let reply = cl
        .delete_resource_history(pb::ResourceRequest {
            resource: "d1".into(),
            class: "ocf".into(),
            provider: "test".into(),
            r#type: "Dummy".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(reply.exit_code, 0, "{reply:?}");
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let status = c.status(1);
        let found = ops(&status, "node1", "d1");
        let probed =
            op_with(&found, "monitor", "0").is_some_and(|o| o.attr("rc-code") == Some("0"));
        if probed && op_with(&found, "monitor", "10000").is_some() {
            break;
        }
        assert!(
            Instant::now() < end,
            "d1 was not probed again after the cleanup: {}\n{}",
            status.to_pretty(),
            c.log(1, "pacemaker-controld")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_state(&c, 1, "S_IDLE", Duration::from_secs(10)).await;
}

/// Waits until one node of three is the idle DC and the two others have
/// joined it; returns the DC's number and every node's state.
async fn wait_single_dc(c: &Cluster, within: Duration) -> (u32, Vec<Option<pb::PingReply>>) {
    let end = Instant::now() + within;
    loop {
        let mut states = Vec::new();
        for k in 1..=3 {
            states.push(ping(c, k).await);
        }
        let dcs: Vec<u32> = (1..=3u32)
            .filter(|&k| {
                states[k as usize - 1]
                    .as_ref()
                    .is_some_and(|s| s.state == "S_IDLE")
            })
            .collect();
        let not_dc = (1..=3u32)
            .filter(|&k| {
                states[k as usize - 1]
                    .as_ref()
                    .is_some_and(|s| s.state == "S_NOT_DC")
            })
            .count();
        if dcs.len() == 1 && not_dc == 2 {
            return (dcs[0], states);
        }
        assert!(
            Instant::now() < end,
            "no single DC with two joined nodes: {states:?}\n{}",
            (1..=3)
                .map(|k| c.log(k, "pacemaker-controld"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_elect_one_dc_that_the_others_join() {
    if !have_binaries() {
        return;
    }
    let mut c = Cluster::new(3, 52, 16_452);
    c.start().await;

    let (dc, others) = wait_single_dc(&c, Duration::from_secs(30)).await;
    let dc_name = format!("node{dc}");
    for s in others.iter().flatten() {
        assert_eq!(s.dc, dc_name, "every node knows the DC: {s:?}");
    }

    // The DC confirmed every node's join and recorded them as members.
    let mut cl = client(&c.socket(dc, "controld")).await.unwrap();
    let joins = cl
        .join_states(pb::JoinStatesRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(joins.nodes.len(), 3, "{joins:?}");
    for j in &joins.nodes {
        assert_eq!(
            (j.phase.as_str(), j.expected.as_str()),
            ("confirmed", "member"),
            "{joins:?}"
        );
    }
    let status = c.status(dc);
    for k in 1..=3 {
        let name = format!("node{k}");
        let ns = status
            .children_named("node_state")
            .find(|n| n.attr("uname") == Some(name.as_str()))
            .unwrap_or_else(|| panic!("no node_state for {name}: {}", status.to_pretty()));
        assert_eq!(ns.attr("join"), Some("member"), "{}", status.to_pretty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_run_actions_on_the_target_node() {
    if !have_binaries() {
        return;
    }
    // One CIB for all nodes: results recorded by a node reach the DC's view.
    let mut c = Cluster::new(3, 53, 16_453);
    c.start_with(Cib::Shared).await;
    actions_run_on_the_target_node(&c).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_with_replicated_cibs_run_actions_on_the_target_node() {
    if !have_binaries() {
        return;
    }
    let mut c = Cluster::new(3, 56, 16_456);
    c.start_with(Cib::Replicated).await;
    actions_run_on_the_target_node(&c).await;
    // Every node's CIB has every node's results.
    let results = |k: u32| {
        let status = c.status(k);
        (1..=3)
            .map(|n| {
                ops(&status, &format!("node{n}"), "d1")
                    .iter()
                    .map(|o| o.to_compact())
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let want = results(1);
    assert!(want.iter().all(|r| !r.is_empty()), "{want:?}");
    let end = Instant::now() + Duration::from_secs(5);
    for k in 2..=3 {
        while results(k) != want {
            assert!(
                Instant::now() < end,
                "node{k}'s CIB differs: {:?}",
                results(k)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// With 3 nodes whose controllers share one view of the CIB: a resource
/// bound to a node that is not the DC is probed everywhere and started
/// there, each action run by its node's controller at the DC's request.
async fn actions_run_on_the_target_node(c: &Cluster) {
    let (dc, _) = wait_single_dc(c, Duration::from_secs(30)).await;
    // The resource must run on a node that is not the DC, so its start is
    // sent over the cluster to that node's controller.
    let target = dc % 3 + 1;
    let target_name = format!("node{target}");
    let (code, _, err) = c.cibadmin(
        1,
        &[
            "-M",
            "-o",
            "crm_config",
            "-X",
            r#"<crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="opt-stonith" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>"#,
        ],
    );
    assert_eq!(code, 0, "{err}");
    // The resource and its constraint in one change (a constraint must
    // name an existing resource).
    let config = format!(
        r#"<configuration><resources><primitive id="d1" class="ocf" provider="test" type="Dummy"/></resources><constraints><rsc_location id="d1-on-target" rsc="d1" node="{target_name}" score="INFINITY"/></constraints></configuration>"#
    );
    let (code, _, err) = c.cibadmin(1, &["-M", "-o", "configuration", "-X", &config]);
    assert_eq!(code, 0, "{err}");

    let end = Instant::now() + Duration::from_secs(30);
    loop {
        let status = c.status(1);
        // Recorded by the controller that ran it.
        let started = op_with(&ops(&status, &target_name, "d1"), "start", "0").is_some_and(|o| {
            o.attr("rc-code") == Some("0") && o.attr("on_node") == Some(target_name.as_str())
        });
        let probed = (1..=3).filter(|&k| k != target).all(|k| {
            op_with(&ops(&status, &format!("node{k}"), "d1"), "monitor", "0")
                .is_some_and(|o| o.attr("rc-code") == Some("7"))
        });
        if started && probed {
            break;
        }
        assert!(
            Instant::now() < end,
            "d1 was not probed everywhere and started on {target_name}: {}\n{}",
            status.to_pretty(),
            (1..=3)
                .map(|k| c.log(k, "pacemaker-controld"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The DC saw every result and is idle again; the others still follow it.
    let r = wait_state(c, dc, "S_IDLE", Duration::from_secs(10)).await;
    assert_eq!(r.dc, format!("node{dc}"));
    for k in (1..=3).filter(|&k| k != dc) {
        let r = wait_state(c, k, "S_NOT_DC", Duration::from_secs(5)).await;
        assert_eq!(r.dc, format!("node{dc}"));
    }
    // The target's controller ran the start (the agent's state file).
    assert!(c.ocf_root.join("d1.state").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_others_elect_a_new_dc_when_the_dc_controller_dies() {
    if !have_binaries() {
        return;
    }
    let mut c = Cluster::new(3, 54, 16_454);
    c.start().await;
    let (dc, _) = wait_single_dc(&c, Duration::from_secs(30)).await;
    let child = c
        .daemons
        .iter_mut()
        .find(|(k, d, _)| *k == dc && *d == "pacemaker-controld")
        .map(|(_, _, child)| child)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();

    let rest: Vec<u32> = (1..=3).filter(|&k| k != dc).collect();
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        let mut states = Vec::new();
        for &k in &rest {
            states.push(ping(&c, k).await);
        }
        let idle: Vec<&pb::PingReply> = states
            .iter()
            .flatten()
            .filter(|s| s.state == "S_IDLE")
            .collect();
        let follower = states.iter().flatten().find(|s| s.state == "S_NOT_DC");
        if let (&[new_dc], Some(f)) = (idle.as_slice(), follower) {
            assert_eq!(new_dc.dc, new_dc.node);
            assert_eq!(f.dc, new_dc.node, "{states:?}");
            assert_ne!(new_dc.node, format!("node{dc}"));
            break;
        }
        assert!(
            Instant::now() < end,
            "no new DC after node{dc}'s controller died: {states:?}\n{}",
            rest.iter()
                .map(|&k| c.log(k, "pacemaker-controld"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dc_records_a_lost_node_and_goes_on() {
    if !have_binaries() {
        return;
    }
    let mut c = Cluster::new(3, 55, 16_455);
    c.start_with(Cib::Shared).await;
    let (dc, _) = wait_single_dc(&c, Duration::from_secs(30)).await;
    let (code, _, err) = c.cibadmin(
        1,
        &[
            "-M",
            "-o",
            "crm_config",
            "-X",
            r#"<crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="opt-stonith" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>"#,
        ],
    );
    assert_eq!(code, 0, "{err}");
    // A node that neither is the DC nor serves the shared CIB goes away:
    // its daemons, then its corosync.
    let lost = (2..=3).find(|&k| k != dc).unwrap();
    for (k, _, child) in c.daemons.iter_mut().filter(|(k, _, _)| *k == lost) {
        assert_eq!(*k, lost);
        child.kill().unwrap();
        child.wait().unwrap();
    }
    c.lab.kill(lost).unwrap();

    let lost_name = format!("node{lost}");
    let end = Instant::now() + Duration::from_secs(30);
    let mut cl = client(&c.socket(dc, "controld")).await.unwrap();
    loop {
        let nodes = cl
            .list_nodes(pb::ListNodesRequest {
                partition_only: false,
            })
            .await
            .unwrap()
            .into_inner()
            .nodes;
        let gone = nodes
            .iter()
            .any(|n| n.name == lost_name && n.state == "lost" && !n.controller);
        let status = c.status(1);
        let recorded = status
            .children_named("node_state")
            .find(|n| n.attr("uname") == Some(lost_name.as_str()))
            .is_some_and(|n| n.attr("join") == Some("down") && n.attr("crmd") == Some("0"));
        let idle = ping(&c, dc).await.is_some_and(|p| p.state == "S_IDLE");
        if gone && recorded && idle {
            break;
        }
        assert!(
            Instant::now() < end,
            "the DC did not record the loss of {lost_name}: {nodes:?}\n{}\n{}",
            status.to_pretty(),
            c.log(dc, "pacemaker-controld")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The survivors keep quorum (2 of 3) and the same DC.
    let info = cl
        .node_info(pb::NodeInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(info.have_quorum && info.is_dc, "{info:?}");
}
