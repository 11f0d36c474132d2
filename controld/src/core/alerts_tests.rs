//! Which alerts the controller sends, and with what environment.

use std::collections::BTreeMap;

use pcmk_common::xml::parse;

use super::*;

fn list(xml: &str) -> AlertList {
    AlertList::new(pcmk_execd::alerts::unpack(&parse(xml).unwrap()))
}

fn env_of(run: &AlertRun) -> BTreeMap<String, String> {
    run.env.iter().cloned().collect()
}

const NOW: WallTime = WallTime {
    secs: 1_700_000_000,
    usec: 123_456,
};

fn op(task: &str, interval_ms: u64, rc: i32, status: ExecStatus, key: Option<&str>) -> OpResult {
    OpResult {
        rsc_id: "rsc1".into(),
        task: task.into(),
        interval_ms,
        call_id: 12,
        rc,
        status,
        exit_reason: None,
        t_run: 0,
        t_rcchange: 0,
        exec_time: 40,
        queue_time: 0,
        params: [("CRM_meta_timeout".to_string(), "20000".to_string())]
            .into_iter()
            .collect(),
        transition_key: key.map(str::to_string),
    }
}

const KEY_OK: &str = "3:1:0:0a0b0c0d-0000-4000-8000-000000000001";
const KEY_NOT_RUNNING: &str = "3:1:7:0a0b0c0d-0000-4000-8000-000000000001";

#[test]
fn probes_with_the_expected_result_are_not_alerted() {
    // Probe expecting "not running" that finds it stopped: silent.
    assert_eq!(
        resource_event(
            "n1",
            &op("monitor", 0, 7, ExecStatus::Done, Some(KEY_NOT_RUNNING))
        ),
        None
    );
    // The same probe finding it running is alerted, expected rc 7.
    let ev = resource_event(
        "n1",
        &op("monitor", 0, 0, ExecStatus::Done, Some(KEY_NOT_RUNNING)),
    )
    .unwrap();
    assert!(matches!(
        ev,
        AlertEvent::Resource {
            target_rc: 7,
            rc: 0,
            ..
        }
    ));
    // Without a transition key the expected rc is 0: a probe finding it
    // running is silent, and the case is insensitive.
    assert_eq!(
        resource_event("n1", &op("MONITOR", 0, 0, ExecStatus::Done, None)),
        None
    );
    // Recurring monitors, starts and stops are alerted even when fine.
    for (task, interval) in [("monitor", 10_000), ("start", 0), ("stop", 0)] {
        assert!(
            resource_event("n1", &op(task, interval, 0, ExecStatus::Done, Some(KEY_OK))).is_some(),
            "{task}"
        );
    }
    // Meta-data calls and pending results never are.
    assert_eq!(
        resource_event("n1", &op("meta-data", 0, 0, ExecStatus::Done, None)),
        None
    );
    assert_eq!(
        resource_event("n1", &op("start", 0, 0, ExecStatus::Pending, Some(KEY_OK))),
        None
    );
}

#[test]
fn resource_alert_environment() {
    let alerts = list(
        r#"<alerts><alert id="a" path="/bin/a.sh">
             <instance_attributes id="a-i"><nvpair id="a-i-1" name="LOG" value="/tmp/x"/></instance_attributes>
           </alert></alerts>"#,
    );
    let ev = resource_event(
        "n2",
        &op("monitor", 10_000, 7, ExecStatus::Done, Some(KEY_OK)),
    )
    .unwrap();
    let runs = alerts.runs(&ev, NOW);
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].id.as_str(), runs[0].path.as_str()),
        ("a", "/bin/a.sh")
    );
    assert_eq!(runs[0].timeout_ms, pcmk_execd::alerts::DEFAULT_TIMEOUT_MS);
    let env = env_of(&runs[0]);
    let want = [
        ("CRM_alert_kind", "resource"),
        ("CRM_alert_node", "n2"),
        ("CRM_alert_rsc", "rsc1"),
        ("CRM_alert_task", "monitor"),
        ("CRM_alert_interval", "10000"),
        ("CRM_alert_target_rc", "0"),
        ("CRM_alert_status", "0"),
        ("CRM_alert_rc", "7"),
        ("CRM_alert_exec_time", "40"),
        ("CRM_alert_desc", "Not running"),
        ("CRM_alert_recipient", ""),
        ("CRM_alert_timestamp_epoch", "1700000000"),
        ("CRM_alert_timestamp_usec", "123456"),
        ("CRM_alert_timestamp", "22:13:20.123456"),
        ("CRM_alert_version", "3.0.2"),
        ("LOG", "/tmp/x"),
    ];
    for (k, v) in want {
        assert_eq!(env.get(k).map(String::as_str), Some(v), "{k}");
    }
    // A timed-out recurring monitor without an execution time reports
    // its timeout, and the status description.
    let mut timed_out = op("monitor", 10_000, 1, ExecStatus::Timeout, Some(KEY_OK));
    timed_out.exec_time = 0;
    let env = env_of(&alerts.runs(&resource_event("n2", &timed_out).unwrap(), NOW)[0]);
    assert_eq!(env["CRM_alert_exec_time"], "20000");
    assert_eq!(env["CRM_alert_status"], "2");
    assert_eq!(env["CRM_alert_desc"], "Timed out");
}

#[test]
fn selections_recipients_and_formats() {
    let alerts = list(
        r#"<alerts>
             <alert id="nodes" path="/bin/n.sh">
               <select><select_nodes/></select>
               <meta_attributes id="n-m"><nvpair id="n-m-1" name="timestamp-format" value="%Y-%m-%d %H:%M:%S.%3N"/>
                 <nvpair id="n-m-2" name="timeout" value="5s"/></meta_attributes>
               <recipient id="n-r1" value="ops@example.com"/>
               <recipient id="n-r2" value="/var/log/n.log"/>
             </alert>
             <alert id="fencing" path="/bin/f.sh"><select><select_fencing/></select></alert>
             <alert id="attrs" path="/bin/t.sh"><select><select_attributes/></select></alert>
             <alert id="off" path="/bin/o.sh">
               <meta_attributes id="o-m"><nvpair id="o-m-1" name="enabled" value="false"/></meta_attributes>
             </alert>
           </alerts>"#,
    );
    assert_eq!(alerts.len(), 4);
    let node = node_event("n3", 3, false);
    let runs = alerts.runs(&node, NOW);
    let who: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(who, ["nodes", "nodes"]);
    assert_eq!(runs[0].timeout_ms, 5000);
    let env = env_of(&runs[0]);
    assert_eq!(env["CRM_alert_kind"], "node");
    assert_eq!(env["CRM_alert_node"], "n3");
    assert_eq!(env["CRM_alert_nodeid"], "3");
    assert_eq!(env["CRM_alert_desc"], "lost");
    assert_eq!(env["CRM_alert_recipient"], "ops@example.com");
    assert_eq!(env["CRM_alert_timestamp"], "2023-11-14 22:13:20.123");
    assert_eq!(env_of(&runs[1])["CRM_alert_recipient"], "/var/log/n.log");
    assert_eq!(
        env_of(&alerts.runs(&node_event("n1", 1, true), NOW)[0])["CRM_alert_desc"],
        "member"
    );
    // Resource events go to no one here; fencing only to "fencing".
    let rsc = resource_event("n1", &op("start", 0, 1, ExecStatus::Done, Some(KEY_OK))).unwrap();
    assert!(alerts.runs(&rsc, NOW).is_empty());
    let fence = fencing_event(&FenceReport {
        target: "n3".into(),
        ..FenceReport::default()
    });
    let runs = alerts.runs(&fence, NOW);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].id, "fencing");
    // No alert at all: nothing to run.
    assert!(AlertList::default().runs(&node, NOW).is_empty());
}

#[test]
fn fencing_descriptions_and_codes() {
    let mut r = FenceReport {
        id: "6c2e".into(),
        target: "n3".into(),
        action: "reboot".into(),
        origin: "n1".into(),
        client: "pacemaker-controld.42".into(),
        delegate: "n2".into(),
        ..FenceReport::default()
    };
    assert_eq!(
        r.description(),
        "Operation reboot of n3 by n2 for pacemaker-controld.42@n1: OK (ref=6c2e)"
    );
    assert_eq!(r.legacy_rc(), 0);
    let ev = fencing_event(&r);
    assert_eq!(
        ev,
        AlertEvent::Fencing {
            target: "n3".into(),
            task: "st_notify_fence".into(),
            desc: r.description(),
            rc: 0,
        }
    );
    r.exit_status = 1;
    r.exec_status = ExecStatus::Timeout.code();
    r.exit_reason = Some("Fencing did not complete within 60s".into());
    assert_eq!(
        r.description(),
        "Operation reboot of n3 by n2 for pacemaker-controld.42@n1: Timed out (Fencing did not complete within 60s) (ref=6c2e)"
    );
    assert_eq!(r.legacy_rc(), -62);
    r.exec_status = ExecStatus::NoFenceDevice.code();
    assert_eq!(r.legacy_rc(), -19);
    // An agent error: the code comes from its output.
    r.exec_status = ExecStatus::Error.code();
    r.exit_reason = None;
    assert!(r.description().ends_with(": Error (ref=6c2e)"));
    assert_eq!(r.legacy_rc(), -61);
    r.output = Some("Connection timed out".into());
    assert_eq!(r.legacy_rc(), -62);
    r.output = Some("bad password".into());
    assert_eq!(r.legacy_rc(), -201);
    // Unknown parts get upstream's readable defaults.
    let empty = FenceReport::default();
    assert_eq!(
        empty.description(),
        "Operation (unknown) of no node by the cluster for a client@a node: OK (ref=(none))"
    );
}

#[test]
fn wall_time_adds_milliseconds() {
    let t = WallTime {
        secs: 1_700_000_000,
        usec: 999_500,
    };
    assert_eq!(
        t.plus_millis(1),
        WallTime {
            secs: 1_700_000_001,
            usec: 500
        }
    );
    assert_eq!(t.plus_millis(0), t);
    assert_eq!(
        t.plus_millis(2500),
        WallTime {
            secs: 1_700_000_003,
            usec: 499_500
        }
    );
}
