//! Three nodes of the whole stack (corosync, pacemakerd and its daemons;
//! fencing disabled) driven with the real tools, scenarios in sequence on
//! one cluster: formation (one DC, quorum), a Dummy resource moved with
//! `crm_resource --move` and cleared (returning or staying as its
//! stickiness says), a failed monitor (restart in place, then a move past
//! migration-threshold, then `--cleanup`), `crm_standby`, and daemons
//! killed with SIGKILL (respawned by pacemakerd, the cluster settles).
//! A node killed whole is `demo.rs`; a partition is `partition.rs`.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{eventually, ok, runs_on, settled, subdaemon};
use pcmk_integration::lab::Lab;

const RSC: &str = "rsc1";
const ALL: [u32; 3] = [1, 2, 3];
const STEP: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t60_three_nodes_move_fail_standby_and_respawn() {
    if !common::have_binaries() {
        return;
    }
    let started = Instant::now();
    let r = common::three_nodes(16_480, 80, false).await;
    let lab = &r.lab;
    let mut t = Instant::now();
    let mut lap = |what: &str| {
        eprintln!("{what}: {} ms", t.elapsed().as_millis());
        t = Instant::now();
    };

    formation(lab).await;
    lap("formation");
    configure(lab).await;
    lap("configure and first start");
    move_and_clear(lab).await;
    lap("move and clear");
    failed_monitor(lab).await;
    lap("failed monitor");
    standby(lab).await;
    lap("standby");
    respawn(lab).await;
    lap("respawn");
    eprintln!("whole test: {} ms", started.elapsed().as_millis());
}

/// One DC that every node's `crmadmin -D` names, quorum in corosync and in
/// `crm_mon`, every node online.
async fn formation(lab: &Lab) {
    let dc = settled(lab, &ALL, STEP).await;
    for k in ALL {
        let out = ok(lab, k, "corosync-quorumtool", &["-s"]);
        assert!(out.contains("Quorate:          Yes"), "node{k}: {out}");
        assert!(out.contains("Total votes:      3"), "node{k}: {out}");
        let mon = lab.mon(k);
        assert_eq!(mon.dc, Some(format!("node{dc}")), "{}", mon.text);
        assert_eq!(mon.quorum, Some(true), "{}", mon.text);
        assert_eq!(mon.online, ["node1", "node2", "node3"], "{}", mon.text);
    }
    let out = ok(lab, dc, "crmadmin", &["-S", &format!("node{dc}")]);
    assert_eq!(
        out.trim(),
        format!("Controller on node{dc} in state S_IDLE: ok")
    );
}

/// Fencing off, and `rsc1` (monitored every 2 s) preferring node1 by 100.
async fn configure(lab: &Lab) {
    ok(
        lab,
        2,
        "crm_attribute",
        &["-t", "crm_config", "-n", "fencing-enabled", "-v", "false"],
    );
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
    settled(lab, &ALL, STEP).await;
}

fn constraints(lab: &Lab, k: u32) -> String {
    ok(lab, k, "cibadmin", &["-Q", "-o", "constraints"])
}

/// `--move` adds a cli-prefer constraint and the resource follows it;
/// `--clear` removes it: without stickiness the resource returns to
/// node1 (which it prefers by 100), with a stickiness of 200 it stays.
async fn move_and_clear(lab: &Lab) {
    let out = ok(
        lab,
        3,
        "crm_resource",
        &["--move", "-r", RSC, "-N", "node2"],
    );
    assert!(!out.contains("rror"), "{out}");
    let c = constraints(lab, 1);
    assert!(
        c.contains(&format!(r#"id="cli-prefer-{RSC}""#)) && c.contains(r#"node="node2""#),
        "{c}"
    );
    runs_on(lab, RSC, 2, 1, STEP).await;
    settled(lab, &ALL, STEP).await;

    ok(lab, 1, "crm_resource", &["--clear", "-r", RSC]);
    let c = constraints(lab, 2);
    assert!(!c.contains("cli-prefer"), "{c}");
    runs_on(lab, RSC, 1, 3, STEP).await;
    settled(lab, &ALL, STEP).await;

    ok(
        lab,
        1,
        "crm_resource",
        &[
            "-r",
            RSC,
            "--meta",
            "-p",
            "resource-stickiness",
            "-v",
            "200",
        ],
    );
    ok(
        lab,
        2,
        "crm_resource",
        &["--move", "-r", RSC, "-N", "node3"],
    );
    runs_on(lab, RSC, 3, 2, STEP).await;
    settled(lab, &ALL, STEP).await;
    ok(
        lab,
        2,
        "crm_resource",
        &["--clear", "-r", RSC, "-N", "node3"],
    );
    assert!(!constraints(lab, 3).contains("cli-prefer"));
    // The change is seen and computed, and the resource stays put.
    tokio::time::sleep(Duration::from_millis(500)).await;
    settled(lab, &ALL, STEP).await;
    runs_on(lab, RSC, 3, 1, STEP).await;
}

/// The fail count node `k` shows for `rsc1` on node `on`.
fn failcount(lab: &Lab, k: u32, on: u32) -> String {
    let out = ok(
        lab,
        k,
        "crm_failcount",
        &["-G", "-r", RSC, "-N", &format!("node{on}")],
    );
    out.trim().to_string()
}

/// A monitor that finds the resource stopped (its state file removed
/// behind the cluster's back) makes the resource restart in place with a
/// fail count of 1; the second failure reaches migration-threshold=2 and
/// moves it; `--cleanup` forgets the failures.
///
/// The failures happen on node1, the node the resource prefers: the fail
/// count reaches the CIB a moment after the failed result, and when the
/// recovery's stop has run before it lands the transition is aborted and
/// the resource, stopped by then, is placed afresh (as Pacemaker does),
/// which only keeps it in place on the node it prefers.
async fn failed_monitor(lab: &Lab) {
    ok(
        lab,
        1,
        "crm_resource",
        &["--move", "-r", RSC, "-N", "node1"],
    );
    runs_on(lab, RSC, 1, 2, STEP).await;
    settled(lab, &ALL, STEP).await;
    ok(lab, 1, "crm_resource", &["--clear", "-r", RSC]);
    ok(
        lab,
        1,
        "crm_resource",
        &["-r", RSC, "--meta", "-p", "migration-threshold", "-v", "2"],
    );
    settled(lab, &ALL, STEP).await;
    let on = common::where_runs(lab, RSC, &ALL, STEP).await;
    assert_eq!(on, 1);
    let name = format!("node{on}");
    assert_eq!(
        failcount(lab, 1, on),
        format!("scope=status  name=fail-count-{RSC} value=0")
    );

    std::fs::remove_file(lab.dummy_state(on, RSC)).unwrap();
    eventually("fail count 1", STEP, || async {
        let got = failcount(lab, 2, on);
        if got.ends_with("value=1") {
            Ok(())
        } else {
            Err(got)
        }
    })
    .await;
    // Recovered in place (stop, start on the same node).
    runs_on(lab, RSC, on, 1, STEP).await;
    settled(lab, &ALL, STEP).await;
    let mon = lab.mon(2);
    assert!(
        mon.text.contains("Failed Resource Actions")
            && mon.text.contains(&format!(
                "{RSC} 2s-interval monitor on {name} returned 'Not running'"
            )),
        "{}",
        mon.text
    );

    std::fs::remove_file(lab.dummy_state(on, RSC)).unwrap();
    eventually("fail count 2", STEP, || async {
        let got = failcount(lab, 3, on);
        if got.ends_with("value=2") {
            Ok(())
        } else {
            Err(got)
        }
    })
    .await;
    // Banned from node1 by the threshold: it moves to another node.
    let to = common::where_runs(lab, RSC, &[2, 3], STEP).await;
    runs_on(lab, RSC, to, 2, STEP).await;
    settled(lab, &ALL, STEP).await;
    let out = ok(lab, 1, "crm_mon", &["-1", "--failcounts"]);
    assert!(
        out.contains(&format!("{RSC}: migration-threshold=2 fail-count=2")),
        "{out}"
    );

    ok(lab, 2, "crm_resource", &["--cleanup", "-r", RSC]);
    eventually("fail count cleared", STEP, || async {
        let got = failcount(lab, 1, on);
        if got.ends_with("value=0") {
            Ok(())
        } else {
            Err(got)
        }
    })
    .await;
    settled(lab, &ALL, STEP).await;
    let mon = lab.mon(3);
    assert!(
        !mon.text.contains("Failed Resource Actions"),
        "{}",
        mon.text
    );
    // Stickiness (200) outweighs node1's preference (100): it stays.
    runs_on(lab, RSC, to, 3, STEP).await;
}

/// `crm_standby -v on` empties node1; `off` lets the resource come back
/// (no stickiness left, node1 preferred by 100).
async fn standby(lab: &Lab) {
    ok(
        lab,
        1,
        "crm_resource",
        &["-r", RSC, "--meta", "-d", "resource-stickiness"],
    );
    // Without stickiness it returns to node1.
    runs_on(lab, RSC, 1, 3, STEP).await;
    settled(lab, &ALL, STEP).await;
    ok(lab, 2, "crm_standby", &["-N", "node1", "-v", "on"]);
    let out = ok(lab, 3, "crm_standby", &["-N", "node1", "-G"]);
    assert!(out.contains("name=standby value=on"), "{out}");
    let to = common::where_runs(lab, RSC, &[2, 3], STEP).await;
    runs_on(lab, RSC, to, 1, STEP).await;
    settled(lab, &ALL, STEP).await;
    let mon = lab.mon(2);
    assert_eq!(mon.standby, ["node1"], "{}", mon.text);

    ok(lab, 3, "crm_standby", &["-N", "node1", "-v", "off"]);
    runs_on(lab, RSC, 1, 2, STEP).await;
    settled(lab, &ALL, STEP).await;
    assert!(lab.mon(1).standby.is_empty());
}

/// Kills `daemon` on node `k` with SIGKILL; waits until pacemakerd has
/// started a new one and the cluster settled with the resource running
/// once, on `rsc_on`.
async fn kill_and_settle(lab: &Lab, k: u32, daemon: &str) {
    let (pid, respawns) = subdaemon(lab, k, daemon).await.unwrap();
    assert_ne!(pid, 0, "{daemon} runs on node{k}");
    let before = lab.dummy_running(RSC);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    eventually(&format!("{daemon} respawned on node{k}"), STEP, || async {
        let (now, count) = subdaemon(lab, k, daemon).await?;
        if now != 0 && now != pid && count > respawns {
            Ok(())
        } else {
            Err(format!("pid {now}, respawned {count} times"))
        }
    })
    .await;
    // Give the others a moment to notice a lost peer before checking.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let dc = settled(lab, &ALL, STEP).await;
    let on = common::where_runs(lab, RSC, &ALL, STEP).await;
    assert_eq!([on], before[..], "the resource stayed where it was");
    runs_on(lab, RSC, on, dc, STEP).await;
    let mon = lab.mon(k);
    assert_eq!(mon.online, ["node1", "node2", "node3"], "{}", mon.text);
}

/// Daemons killed one after the other: attrd on a node that is not the
/// DC, the executor under the running resource, the controller of a node
/// that is not the DC, then the DC's controller.
async fn respawn(lab: &Lab) {
    let dc = settled(lab, &ALL, STEP).await;
    let other = ALL.into_iter().find(|&k| k != dc).unwrap();
    kill_and_settle(lab, other, "pacemaker-attrd").await;
    let on = common::where_runs(lab, RSC, &ALL, STEP).await;
    kill_and_settle(lab, on, "pacemaker-execd").await;
    let dc = settled(lab, &ALL, STEP).await;
    let other = ALL.into_iter().rev().find(|&k| k != dc).unwrap();
    kill_and_settle(lab, other, "pacemaker-controld").await;
    let dc = settled(lab, &ALL, STEP).await;
    kill_and_settle(lab, dc, "pacemaker-controld").await;
    // The resource's monitor still runs: a failure is still detected.
    let on = common::where_runs(lab, RSC, &ALL, STEP).await;
    std::fs::remove_file(lab.dummy_state(on, RSC)).unwrap();
    eventually("a failure after the respawns is noticed", STEP, || async {
        let got = failcount(lab, 1, on);
        if got.ends_with("value=1") {
            Ok(())
        } else {
            Err(got)
        }
    })
    .await;
    runs_on(lab, RSC, on, 2, STEP).await;
}
