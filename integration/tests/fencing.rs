//! Fencing in a 3-node lab: every node runs pacemaker-fenced in the
//! cluster, the fence device is a stonith primitive whose agent (written
//! here) records every request in a file and succeeds or fails as a
//! control file says.
//!
//! The node running a Dummy resource is killed. While the device fails,
//! the agent is asked again and again to fence that node and the resource
//! stays down; once the device works, the node is fenced and only then
//! does the resource start on a survivor. `stonith_admin` on a survivor
//! shows the cluster's devices and history. The device is banned from the
//! DC, whose fencer therefore owns each fencing operation while another
//! node's fencer runs the agent.

#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pcmk_based::client::CibClient;
use pcmk_based::request::{CallOptions, Operation, Request, Target};
use pcmk_integration::demo::running_on;
use pcmk_integration::lab::{self, Lab, LabSpec};

/// A fence agent speaking the standard-input protocol. Parameters:
/// `record` (file to append each request to) and `mode_file` (a file
/// holding `ok` or `fail`, read at each fencing action).
const AGENT: &str = r#"#!/bin/sh
args=$(cat)
get() { printf '%s\n' "$args" | sed -n "s/^$1=//p" | tail -n 1; }
action=$(get action)
target=$(get port)
[ -n "$target" ] || target=$(get plug)
[ -n "$target" ] || target=$(get nodename)
record=$(get record)
case "$action" in
metadata) cat <<'XML'
<?xml version="1.0" ?>
<resource-agent name="fence_lab" shortdesc="Lab fence agent that records what it is asked">
<longdesc>Test fence agent of the lab</longdesc>
<parameters>
<parameter name="action" required="1"><content type="string"/></parameter>
<parameter name="port" required="1"><content type="string"/></parameter>
<parameter name="record"><content type="string"/></parameter>
<parameter name="mode_file"><content type="string"/></parameter>
</parameters>
<actions>
<action name="on"/><action name="off"/><action name="reboot"/><action name="list"/>
<action name="status"/><action name="monitor"/><action name="metadata"/>
</actions>
</resource-agent>
XML
exit 0;;
list) echo node1; echo node2; echo node3; exit 0;;
monitor|status|validate-all) exit 0;;
off|reboot|on)
  mode=$(cat "$(get mode_file)" 2>/dev/null)
  if [ "$mode" = ok ]; then rc=0; else rc=1; fi
  [ -n "$record" ] && echo "$(date +%s%N) $action $target $rc $(get nodename)" >> "$record"
  exit $rc;;
esac
exit 1
"#;

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
    let missing: Vec<&str> = pcmk_integration::demo::BINARIES
        .iter()
        .chain(&["stonith_admin"])
        .copied()
        .filter(|b| !lab::bin_dir().join(b).exists())
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "skipped: {} not built (cargo build --workspace --bins)",
            missing.join(", ")
        );
    }
    missing.is_empty()
}

fn configuration(record: &Path, mode: &Path, home: u32, dc: u32) -> String {
    format!(
        r#"<configuration>
  <crm_config>
    <cluster_property_set id="cib-bootstrap-options">
      <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="true"/>
      <nvpair id="opt-stonith-timeout" name="stonith-timeout" value="20s"/>
    </cluster_property_set>
  </crm_config>
  <resources>
    <primitive id="fence-lab" class="stonith" type="fence_lab">
      <instance_attributes id="fence-lab-ia">
        <nvpair id="fence-lab-hosts" name="pcmk_host_list" value="node1 node2 node3"/>
        <nvpair id="fence-lab-record" name="record" value="{}"/>
        <nvpair id="fence-lab-mode" name="mode_file" value="{}"/>
      </instance_attributes>
    </primitive>
    <primitive id="dummy" class="ocf" provider="pcmk-lab" type="Dummy">
      <operations>
        <op id="dummy-monitor-5s" name="monitor" interval="5s"/>
      </operations>
    </primitive>
  </resources>
  <constraints>
    <rsc_location id="dummy-prefers" rsc="dummy" node="node{home}" score="100"/>
    <rsc_location id="fence-lab-not-on-dc" rsc="fence-lab" node="node{dc}" score="-INFINITY"/>
  </constraints>
</configuration>"#,
        record.display(),
        mode.display()
    )
}

async fn configure(lab: &Lab, k: u32, xml: &str) {
    let sock = lab.node_dir(k).join("run").join("based.sock");
    let mut c = CibClient::connect(&sock)
        .await
        .unwrap()
        .with_name("fencing-test");
    let mut r = Request::new(Operation::Modify, Target::Section("configuration".into()))
        .with_input(pcmk_common::xml::parse(xml).unwrap());
    r.options = CallOptions {
        allow_create: true,
        ..CallOptions::default()
    };
    let reply = c.perform(&r).await.unwrap();
    assert_eq!(
        reply.exit_code,
        pcmk_common::exit::CrmExit::OK,
        "{}",
        reply.error
    );
}

/// One fencing request the agent saw: when (ns), action, target, rc.
#[derive(Debug, Clone)]
struct Fenced {
    at_ns: u128,
    action: String,
    target: String,
    rc: i32,
}

fn records(path: &Path) -> Vec<Fenced> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some(Fenced {
                at_ns: f.first()?.parse().ok()?,
                action: f.get(1)?.to_string(),
                target: f.get(2)?.to_string(),
                rc: f.get(3)?.parse().ok()?,
            })
        })
        .collect()
}

fn state_file(lab: &Lab, k: u32) -> PathBuf {
    lab.node_dir(k)
        .join("run")
        .join("pcmk-lab-Dummy-dummy.state")
}

fn logs(lab: &Lab, nodes: &[u32]) -> String {
    nodes
        .iter()
        .map(|&k| {
            let log =
                std::fs::read_to_string(lab.node_dir(k).join("pacemaker.log")).unwrap_or_default();
            let tail: Vec<&str> = log
                .lines()
                .filter(|l| l.contains("fence") || l.contains("stonith") || l.contains("Fenc"))
                .collect();
            format!(
                "--- node{k} ---\n{}",
                tail[tail.len().saturating_sub(60)..].join("\n")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn stonith_admin(lab: &Lab, k: u32, args: &[&str]) -> String {
    let (code, out, err) = lab.exec(k, "stonith_admin", args).unwrap();
    assert_eq!(code, 0, "stonith_admin {args:?} on node{k}: {out}{err}");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t65_a_lost_node_is_fenced_before_its_resource_moves() {
    if !have_binaries() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = LabSpec {
        nodes: 3,
        port: 16_494,
        token: Some(1000),
        crypto: true,
        subnet: 94,
    };
    let lab = Lab::create(&dir.path().join("lab"), &spec).unwrap();
    let r = Running { lab, _dir: dir };
    let lab = &r.lab;
    let linked = lab.link_daemons(&[]).unwrap();
    assert!(linked.contains(&"pacemaker-fenced".to_string()));
    let agent = lab.fence_agent_dir().join("fence_lab");
    std::fs::write(&agent, AGENT).unwrap();
    std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755)).unwrap();
    let record = lab.node_dir(1).parent().unwrap().join("fence-record");
    let mode = lab.node_dir(1).parent().unwrap().join("fence-mode");
    std::fs::write(&mode, "fail\n").unwrap();

    let up = lab.up_all(Duration::from_secs(30)).await.unwrap();
    let dc: u32 = up.dc.unwrap().0.trim_start_matches("node").parse().unwrap();
    // The resource lives on a node that is not the DC, which is the one
    // killed.
    let victim = dc % 3 + 1;
    let victim_name = format!("node{victim}");
    let rest: Vec<u32> = (1..=3).filter(|&k| k != victim).collect();
    // The third node: the only one whose fencer can run the agent.
    let executor = 6 - dc - victim;
    configure(lab, dc, &configuration(&record, &mode, victim, dc)).await;

    let end = Instant::now() + Duration::from_secs(20);
    while running_on(lab, &[1, 2, 3]) != [victim] {
        assert!(
            Instant::now() < end,
            "dummy did not start on {victim_name}: {:?}\n{}",
            running_on(lab, &[1, 2, 3]),
            logs(lab, &[1, 2, 3])
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The fencers know the device from the CIB, except the DC's, from
    // which it is banned.
    for k in 1..=3 {
        let out = stonith_admin(lab, k, &["-L"]);
        assert_eq!(out.contains("fence-lab"), k != dc, "node{k}: {out}");
    }
    let out = stonith_admin(lab, executor, &["-l", &victim_name]);
    assert!(out.contains("fence-lab"), "node{executor}: {out}");
    assert!(records(&record).is_empty(), "{:?}", records(&record));

    // Power loss of the victim, with a device that fails.
    lab.kill_node(victim).unwrap();
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let tries = records(&record)
            .iter()
            .filter(|f| f.target == victim_name && f.rc != 0)
            .count();
        if tries >= 2 {
            break;
        }
        assert!(
            Instant::now() < end,
            "the agent was not asked to fence {victim_name}: {:?}\n{}",
            records(&record),
            logs(lab, &rest)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Fencing keeps failing: the resource must stay stopped (a few more
    // seconds, during which the controller retries).
    let end = Instant::now() + Duration::from_secs(3);
    while Instant::now() < end {
        assert!(
            running_on(lab, &rest).is_empty(),
            "dummy started although {victim_name} was never fenced: {:?}",
            records(&record)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let failed_tries = records(&record).len();
    assert!(records(&record).iter().all(|f| f.rc != 0));
    // The failures are in every survivor's fencing history.
    for &k in &rest {
        let out = stonith_admin(lab, k, &["--history", &victim_name, "--verbose"]);
        assert!(out.contains("failed"), "node{k}: {out}");
    }

    // The device works again: the next attempt fences, then the resource
    // starts on a survivor.
    std::fs::write(&mode, "ok\n").unwrap();
    let end = Instant::now() + Duration::from_secs(25);
    let new_home = loop {
        if let [k] = running_on(lab, &rest)[..] {
            break k;
        }
        assert!(
            Instant::now() < end,
            "dummy did not recover after fencing worked: {:?}\n{}",
            records(&record),
            logs(lab, &rest)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let recs = records(&record);
    assert!(recs.len() > failed_tries, "{recs:?}");
    eprintln!("the agent was asked: {recs:?}");
    let fenced = recs
        .iter()
        .find(|f| f.rc == 0)
        .unwrap_or_else(|| panic!("no successful fencing: {recs:?}"));
    assert_eq!(fenced.target, victim_name);
    assert!(
        matches!(fenced.action.as_str(), "reboot" | "off"),
        "{fenced:?}"
    );
    assert!(
        recs.iter().all(|f| f.target == victim_name),
        "only the lost node is fenced: {recs:?}"
    );
    // The start came after the successful fencing.
    let started = std::fs::metadata(state_file(lab, new_home))
        .unwrap()
        .modified()
        .unwrap()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    assert!(
        started > fenced.at_ns,
        "dummy started at {started}, before the fencing at {}",
        fenced.at_ns
    );
    assert!(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            > started
    );

    // The DC recorded the fencing: the victim is down, its resource
    // history cleared; the start is in the new node's history.
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let mut c = CibClient::connect(&lab.node_dir(dc).join("run").join("based.sock"))
            .await
            .unwrap();
        let cib = c.query_xml(Target::All).await.unwrap();
        let status = cib.child("status").unwrap();
        let victim_state = status
            .children_named("node_state")
            .find(|n| n.attr("uname") == Some(victim_name.as_str()));
        let down = victim_state.is_some_and(|n| {
            n.attr("join") == Some("down")
                && n.attr("crmd") != Some("online")
                && !n.descendants().any(|e| e.name == "lrm_rsc_op")
        });
        let started_there = status
            .children_named("node_state")
            .find(|n| n.attr("uname") == Some(format!("node{new_home}").as_str()))
            .is_some_and(|n| {
                n.descendants().any(|e| {
                    e.name == "lrm_rsc_op"
                        && e.attr("operation") == Some("start")
                        && e.attr("rc-code") == Some("0")
                        && e.attr("id").is_some_and(|i| i.starts_with("dummy_"))
                })
            });
        if down && started_there {
            break;
        }
        assert!(
            Instant::now() < end,
            "the CIB does not show the fencing and the recovery: {}",
            status.to_pretty()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every survivor's fencer shows the cluster's history: the failures
    // and the success, executed by a fencer of the cluster.
    for &k in &rest {
        let out = stonith_admin(lab, k, &["--history", &victim_name, "--verbose"]);
        assert!(
            out.contains(&format!("of {victim_name} successful")),
            "node{k}: {out}"
        );
        assert!(
            out.contains(&format!(
                "delegate=node{executor}, client=pacemaker-controld, origin=node{dc}"
            )),
            "node{k}: {out}"
        );
        eprintln!("node{k}: stonith_admin --history {victim_name} --verbose\n{out}");
        assert!(out.contains("failed"), "node{k}: {out}");
    }
    let (_, mon, _) = lab.exec(new_home, "crm_mon", &["-1"]).unwrap();
    assert!(mon.contains("dummy"), "{mon}");
}
