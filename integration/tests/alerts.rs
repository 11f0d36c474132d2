//! Alerts in a 3-node lab (fencing disabled): an alert agent written by
//! the test appends its `CRM_alert_*` environment to a file of the node
//! that ran it. A resource starts, its monitor fails (restart in place),
//! it is moved; a node is killed, its fencing confirmed by hand, and it
//! comes back. Each node's file must hold the resource alerts of its own
//! operations (no probe that found what it expected), the node alerts
//! (lost, member) and the fencing alerts, and only what each alert
//! selects; a disabled alert never runs. A node attribute set at the end
//! is alerted once, by the attribute writer, to the alert selecting it.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{eventually, ok, runs_on, settled};
use pcmk_integration::lab::{self, Lab};

const RSC: &str = "rsc1";
const STEP: Duration = Duration::from_secs(30);

/// The alert agent: one line per alert, `key=value` fields separated by
/// tabs, in the run directory of the node that runs it (which the cluster
/// user, whom alert agents run as under root, owns).
const AGENT: &str = r#"#!/bin/sh
printf 'who=%s\tkind=%s\tnode=%s\tnodeid=%s\trsc=%s\ttask=%s\tinterval=%s\trc=%s\ttarget_rc=%s\tstatus=%s\trecipient=%s\tseq=%s\tts=%s\tepoch=%s\tversion=%s\tattr=%s\tvalue=%s\tdesc=%s\n' \
  "$LAB_ALERT" "$CRM_alert_kind" "$CRM_alert_node" "$CRM_alert_nodeid" \
  "$CRM_alert_rsc" "$CRM_alert_task" "$CRM_alert_interval" "$CRM_alert_rc" \
  "$CRM_alert_target_rc" "$CRM_alert_status" "$CRM_alert_recipient" \
  "$CRM_alert_node_sequence" "$CRM_alert_timestamp" "$CRM_alert_timestamp_epoch" \
  "$CRM_alert_version" "$CRM_alert_attribute_name" "$CRM_alert_attribute_value" \
  "$CRM_alert_desc" >> "$PCMK_run_dir/alerts.log"
"#;

fn alerts_xml(agent: &Path) -> String {
    let p = agent.display();
    format!(
        r#"<alerts>
  <alert id="all" path="{p}">
    <meta_attributes id="all-meta"><nvpair id="all-ts" name="timestamp-format" value="%Y-%m-%dT%H:%M:%S.%3N"/></meta_attributes>
    <instance_attributes id="all-ia"><nvpair id="all-who" name="LAB_ALERT" value="all"/></instance_attributes>
    <recipient id="all-ops" value="ops@example.com"/>
  </alert>
  <alert id="nodes" path="{p}">
    <select><select_nodes/></select>
    <instance_attributes id="nodes-ia"><nvpair id="nodes-who" name="LAB_ALERT" value="nodes"/></instance_attributes>
  </alert>
  <alert id="attrs" path="{p}">
    <select><select_attributes><attribute id="attrs-lab" name="lab-attr"/></select_attributes></select>
    <instance_attributes id="attrs-ia"><nvpair id="attrs-who" name="LAB_ALERT" value="attrs"/></instance_attributes>
  </alert>
  <alert id="off" path="{p}">
    <meta_attributes id="off-meta"><nvpair id="off-enabled" name="enabled" value="false"/></meta_attributes>
    <instance_attributes id="off-ia"><nvpair id="off-who" name="LAB_ALERT" value="off"/></instance_attributes>
  </alert>
</alerts>"#
    )
}

type Line = BTreeMap<String, String>;

fn log_of(lab: &Lab, k: u32) -> PathBuf {
    lab.node_dir(k).join("run").join("alerts.log")
}

/// The alerts node `k` ran so far.
fn lines(lab: &Lab, k: u32) -> Vec<Line> {
    std::fs::read_to_string(log_of(lab, k))
        .unwrap_or_default()
        .lines()
        .map(|l| {
            l.split('\t')
                .filter_map(|f| f.split_once('='))
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        })
        .collect()
}

fn has(l: &Line, want: &[(&str, &str)]) -> bool {
    want.iter()
        .all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v))
}

/// Waits until node `k` ran an alert matching every field of `want`.
async fn alerted(lab: &Lab, k: u32, want: &[(&str, &str)]) -> Line {
    eventually(&format!("node{k} alerted {want:?}"), STEP, || async {
        let all = lines(lab, k);
        all.iter()
            .find(|l| has(l, want))
            .cloned()
            .ok_or_else(|| format!("its alerts: {all:#?}"))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t60_alerts_for_resources_nodes_and_fencing() {
    if !common::have_binaries() {
        return;
    }
    for b in ["pacemaker-fenced", "stonith_admin"] {
        if !lab::bin_dir().join(b).exists() {
            eprintln!("skipped: {b} not built (cargo build --workspace --bins)");
            return;
        }
    }
    let started = Instant::now();
    let r = common::three_nodes(16_486, 86, false).await;
    let lab = &r.lab;
    let agent = lab.dir.join("alert-agent.sh");
    std::fs::write(&agent, AGENT).unwrap();
    std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755)).unwrap();
    settled(lab, &[1, 2, 3], STEP).await;

    // The alerts first: every controller reads them before the resource
    // exists.
    ok(
        lab,
        2,
        "crm_attribute",
        &["-t", "crm_config", "-n", "fencing-enabled", "-v", "false"],
    );
    ok(
        lab,
        1,
        "cibadmin",
        &["-C", "-o", "configuration", "-X", &alerts_xml(&agent)],
    );
    for k in 1..=3 {
        eventually(&format!("node{k} read the alerts"), STEP, || async {
            let log =
                std::fs::read_to_string(lab.node_dir(k).join("pacemaker.log")).unwrap_or_default();
            let read = |daemon: &str| {
                log.lines()
                    .any(|l| l.contains(daemon) && l.contains("Read 3 alert(s) from the"))
            };
            if read("pacemaker-controld") && read("pacemaker-attrd") {
                Ok(())
            } else {
                Err("not yet".to_string())
            }
        })
        .await;
    }

    // A resource starts on node1 and is monitored there.
    ok(
        lab,
        3,
        "cibadmin",
        &[
            "-C",
            "-o",
            "resources",
            "-X",
            &format!(
                r#"<primitive id="{RSC}" class="ocf" provider="pcmk-lab" type="Dummy"><operations><op id="{RSC}-monitor-2s" name="monitor" interval="2s"/></operations></primitive>"#
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
                r#"<rsc_location id="{RSC}-prefers-node1" rsc="{RSC}" node="node1" score="100"/>"#
            ),
        ],
    );
    runs_on(lab, RSC, 1, 2, STEP).await;
    let start = alerted(
        lab,
        1,
        &[
            ("who", "all"),
            ("kind", "resource"),
            ("rsc", RSC),
            ("task", "start"),
            ("node", "node1"),
            ("rc", "0"),
            ("target_rc", "0"),
            ("status", "0"),
            ("interval", "0"),
            ("desc", "OK"),
            ("recipient", "ops@example.com"),
            ("version", "3.0.2"),
        ],
    )
    .await;
    // timestamp-format %Y-%m-%dT%H:%M:%S.%3N, e.g. 2026-01-02T03:04:05.678.
    let ts = &start["ts"];
    assert!(
        ts.len() == 23 && ts.as_bytes()[10] == b'T' && ts.as_bytes()[19] == b'.',
        "{start:?}"
    );
    assert!(start["epoch"].parse::<i64>().unwrap() > 1_600_000_000);
    alerted(
        lab,
        1,
        &[
            ("who", "all"),
            ("kind", "resource"),
            ("task", "monitor"),
            ("interval", "2000"),
            ("rc", "0"),
        ],
    )
    .await;
    settled(lab, &[1, 2, 3], STEP).await;

    // The monitor fails: the failure, then the recovery in place.
    std::fs::remove_file(lab.dummy_state(1, RSC)).unwrap();
    alerted(
        lab,
        1,
        &[
            ("kind", "resource"),
            ("task", "monitor"),
            ("interval", "2000"),
            ("rc", "7"),
            ("target_rc", "0"),
            ("desc", "Not running"),
        ],
    )
    .await;
    alerted(
        lab,
        1,
        &[("kind", "resource"), ("task", "stop"), ("rc", "0")],
    )
    .await;
    runs_on(lab, RSC, 1, 2, STEP).await;
    settled(lab, &[1, 2, 3], STEP).await;

    // Moved to node2: node2 alerts its start.
    ok(
        lab,
        3,
        "crm_resource",
        &["--move", "-r", RSC, "-N", "node2"],
    );
    runs_on(lab, RSC, 2, 1, STEP).await;
    alerted(
        lab,
        2,
        &[
            ("kind", "resource"),
            ("task", "start"),
            ("node", "node2"),
            ("rc", "0"),
        ],
    )
    .await;
    settled(lab, &[1, 2, 3], STEP).await;

    // node3 dies: both survivors alert its loss, through both alerts.
    lab.kill_node(3).unwrap();
    for k in [1, 2] {
        for who in ["all", "nodes"] {
            alerted(
                lab,
                k,
                &[
                    ("who", who),
                    ("kind", "node"),
                    ("node", "node3"),
                    ("nodeid", "3"),
                    ("desc", "lost"),
                ],
            )
            .await;
        }
    }

    // Its fencing is confirmed by hand: a fencing alert on both.
    ok(lab, 1, "stonith_admin", &["--confirm", "node3"]);
    for k in [1, 2] {
        let l = alerted(
            lab,
            k,
            &[
                ("who", "all"),
                ("kind", "fencing"),
                ("node", "node3"),
                ("task", "st_notify_fence"),
                ("rc", "0"),
            ],
        )
        .await;
        assert!(
            l["desc"].contains(" of node3 ") && l["desc"].contains(": OK (ref="),
            "{l:?}"
        );
    }

    // It comes back: both alert its membership.
    lab.start(3).unwrap();
    lab.up_pacemaker(3, STEP).await.unwrap();
    for k in [1, 2] {
        alerted(
            lab,
            k,
            &[
                ("who", "nodes"),
                ("kind", "node"),
                ("node", "node3"),
                ("desc", "member"),
            ],
        )
        .await;
    }
    settled(lab, &[1, 2, 3], STEP).await;

    // A node attribute: the attribute manager that writes it alerts it
    // (again whenever it writes it again, e.g. a new writer), to the
    // alert that selects that name only.
    ok(
        lab,
        3,
        "crm_attribute",
        &["-N", "node2", "-n", "lab-attr", "-v", "42", "-l", "reboot"],
    );
    eventually("an attribute alert", STEP, || async {
        let found: Vec<Line> = (1..=3)
            .flat_map(|k| lines(lab, k))
            .filter(|l| l["kind"] == "attribute")
            .collect();
        let want = [
            ("who", "attrs"),
            ("node", "node2"),
            ("nodeid", "2"),
            ("attr", "lab-attr"),
            ("value", "42"),
        ];
        if found.iter().any(|l| has(l, &want)) {
            Ok(())
        } else {
            Err(format!("{found:#?}"))
        }
    })
    .await;

    // What must not be there.
    let mut sequences: BTreeMap<u32, Vec<u64>> = BTreeMap::new();
    for k in 1..=3 {
        for l in lines(lab, k) {
            assert_ne!(l["who"], "off", "node{k}: a disabled alert ran: {l:?}");
            // Fail counts and the like are written too, but selected by
            // no alert.
            if l["who"] == "attrs" || l["kind"] == "attribute" {
                assert!(
                    has(
                        &l,
                        &[
                            ("who", "attrs"),
                            ("kind", "attribute"),
                            ("attr", "lab-attr")
                        ]
                    ),
                    "node{k}: {l:?}"
                );
            }
            if l["who"] == "nodes" {
                assert_eq!(l["kind"], "node", "node{k}: {l:?}");
                assert_eq!(l["recipient"], "", "node{k}: {l:?}");
            }
            if l["kind"] == "resource" {
                // Each node alerts its own operations only.
                assert_eq!(l["node"], format!("node{k}"), "{l:?}");
                let probe_as_expected =
                    l["task"] == "monitor" && l["interval"] == "0" && l["rc"] == l["target_rc"];
                assert!(!probe_as_expected, "node{k}: {l:?}");
            }
            sequences
                .entry(k)
                .or_default()
                .push(l["seq"].parse().unwrap());
        }
    }
    // Each executor numbers its alerts (node3's restarted with it).
    for k in [1, 2] {
        let mut seqs = sequences.remove(&k).unwrap_or_default();
        seqs.sort_unstable();
        let before = seqs.len();
        seqs.dedup();
        assert_eq!(seqs.len(), before, "node{k}: alert sequence repeats");
    }
    // Under root, alert agents run as the cluster user (who created the
    // files).
    if let (true, Ok(Some(user))) = (lab::is_root(), nix::unistd::User::from_name("hacluster")) {
        use std::os::unix::fs::MetadataExt;
        // node3 may have alerted nothing since it came back.
        for k in [1, 2] {
            let owner = std::fs::metadata(log_of(lab, k)).unwrap().uid();
            assert_eq!(owner, user.uid.as_raw(), "node{k}");
        }
    }
    eprintln!("whole test: {} ms", started.elapsed().as_millis());
}
