//! The systemd class end to end: `pacemaker-execd` started as a daemon,
//! driven through its socket, finds "systemd" on the system bus named by
//! `DBUS_SYSTEM_BUS_ADDRESS`: a private `dbus-daemon` on which this test
//! serves a fake systemd manager that records calls and ends jobs with
//! `JobRemoved` signals.

#![allow(clippy::unwrap_used)]

#[path = "support/daemon.rs"]
mod daemon;
#[path = "support/fake_systemd.rs"]
mod fake_systemd;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use daemon::{Execd, bin, start_execd};
use fake_systemd::{FakeSystemd, FakeUnit, JobEnd, Reaped, find_dbus_daemon, start_bus};
use pcmk_proto::execd as pb;

fn units() -> BTreeMap<String, FakeUnit> {
    let mut u = BTreeMap::new();
    u.insert(
        "web.service".to_string(),
        FakeUnit::loaded("/lib/systemd/system/web.service", "Web <server> & friends"),
    );
    u.insert(
        "data.mount".to_string(),
        FakeUnit::loaded("/etc/systemd/system/data.mount", "Data"),
    );
    let mut bad = FakeUnit::loaded("/lib/systemd/system/bad.service", "Fails");
    bad.start = JobEnd::After(30, "failed");
    u.insert("bad.service".into(), bad);
    let mut stuck = FakeUnit::loaded("/lib/systemd/system/stuck.service", "Never starts");
    stuck.start = JobEnd::Never;
    u.insert("stuck.service".into(), stuck);
    let mut fast = FakeUnit::loaded("/lib/systemd/system/fast.service", "Instant");
    fast.start = JobEnd::After(0, "done");
    u.insert("fast.service".into(), fast);
    let mut slow = FakeUnit::loaded("/lib/systemd/system/slow.service", "Slow to settle");
    slow.active = "activating".into();
    u.insert("slow.service".into(), slow);
    // Not a type Pacemaker manages: not listed.
    u.insert(
        "multi-user.target".into(),
        FakeUnit::loaded("/lib/systemd/system/multi-user.target", "Target"),
    );
    u
}

/// Everything a systemd test needs, or `None` (with a message) where the
/// binaries or dbus-daemon are missing.
async fn lab() -> Option<(tempfile::TempDir, Reaped, FakeSystemd, Execd)> {
    if !bin("pacemaker-execd").exists() {
        eprintln!("skipping: pacemaker-execd not built (run ./scripts/test)");
        return None;
    }
    if find_dbus_daemon().is_none() {
        eprintln!("skipping: dbus-daemon is not installed (scripts/install-deps)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let (bus, address) = start_bus(dir.path());
    let fake = FakeSystemd::serve(&address, units()).await;
    let execd = start_execd(dir.path(), &address).await;
    Some((dir, bus, fake, execd))
}

fn position(calls: &[String], call: &str) -> usize {
    calls
        .iter()
        .position(|c| c == call)
        .unwrap_or_else(|| panic!("no call {call} in {calls:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unit_start_monitor_recurring_failure_stop() {
    let Some((dir, _bus, fake, mut x)) = lab().await else {
        return;
    };
    let dropin = dir.path().join("systemd/web.service.d/50-pacemaker.conf");
    // Probe: not running, with the state as reason.
    let r = x.run("web", "systemd", "web", "monitor", 5000).await;
    assert_eq!(
        (r.rc, r.op_status, r.exit_reason.as_str()),
        (7, 0, "inactive")
    );
    // Start: drop-in written, systemd reloaded, job queued and waited for.
    let r = x.run("web", "systemd", "web", "start", 5000).await;
    assert_eq!((r.rc, r.op_status), (0, 0), "{r:?}");
    let text = std::fs::read_to_string(&dropin).unwrap();
    assert!(
        text.contains("Description=Cluster Controlled web.service"),
        "{text}"
    );
    assert!(text.contains("Before=pacemaker.service pacemaker_remote.service"));
    assert!(text.contains("Restart=no"));
    let calls = fake.calls();
    assert_eq!(calls[0], "Subscribe");
    assert!(position(&calls, "LoadUnit web.service") < position(&calls, "Reload"));
    assert!(position(&calls, "Reload") < position(&calls, "StartUnit web.service replace"));
    // Monitor: active.
    let r = x.run("web", "systemd", "web", "monitor", 5000).await;
    assert_eq!((r.rc, r.op_status), (0, 0));
    // Recurring monitor, then the unit fails.
    let m = x.exec("web", "systemd", "web", "monitor", 100, 5000).await;
    for _ in 0..2 {
        let r = x.result_of(m).await;
        assert_eq!((r.rc, r.op_status, r.interval_ms), (0, 0, 100));
    }
    fake.set_active("web.service", "failed");
    let r = x.result_of(m).await;
    assert_eq!(
        (r.rc, r.op_status, r.exit_reason.as_str()),
        (7, 0, "failed")
    );
    // Stop: the recurring monitor is cancelled first, the drop-in removed.
    let s = x.exec("web", "systemd", "web", "stop", 0, 5000).await;
    let r = x.result_of(s).await;
    assert_eq!((r.rc, r.op_status), (0, 0), "{r:?}");
    assert!(!dropin.exists());
    let calls = fake.calls();
    assert!(calls.iter().any(|c| c == "StopUnit web.service replace"));
    assert_eq!(calls.iter().filter(|c| *c == "Reload").count(), 2);
    let r = x.run("web", "systemd", "web", "monitor", 5000).await;
    assert_eq!((r.rc, r.exit_reason.as_str()), (7, "inactive"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_unknown_stuck_and_instant_jobs() {
    let Some((_dir, _bus, fake, mut x)) = lab().await else {
        return;
    };
    // A unit systemd does not know.
    let r = x.run("n", "systemd", "nosuch", "start", 5000).await;
    assert_eq!((r.rc, r.op_status), (5, 7), "{r:?}");
    assert_eq!(r.exit_reason, "systemd unit nosuch not found");
    let r = x.run("n", "systemd", "nosuch", "stop", 5000).await;
    assert_eq!(
        (r.rc, r.op_status),
        (0, 0),
        "stopping an unknown unit succeeds"
    );
    // A name systemd refuses.
    let r = x.run("i", "systemd", "-bad", "monitor", 5000).await;
    assert_eq!((r.rc, r.op_status), (1, 4));
    assert_eq!(r.exit_reason, "No DBus object found for systemd unit -bad");
    // The start job fails.
    let r = x.run("b", "systemd", "bad.service", "start", 5000).await;
    assert_eq!((r.rc, r.op_status), (1, 4));
    assert_eq!(
        r.exit_reason,
        "systemd start job for bad.service failed with result 'failed'"
    );
    let r = x.run("b", "systemd", "bad.service", "monitor", 5000).await;
    assert_eq!((r.rc, r.exit_reason.as_str()), (7, "failed"));
    // The start job never ends: a timeout, in time.
    let t = Instant::now();
    let r = x.run("s", "systemd", "stuck", "start", 500).await;
    assert_eq!((r.rc, r.op_status), (1, 2), "{r:?}");
    assert_eq!(
        r.exit_reason,
        "start action for systemd unit stuck did not complete in time"
    );
    assert!(t.elapsed() < Duration::from_secs(5));
    // A job that ends before systemd's reply reaches us.
    let r = x.run("f", "systemd", "fast", "start", 5000).await;
    assert_eq!((r.rc, r.op_status), (0, 0), "{r:?}");
    // A probe of a unit still activating looks again until it settles.
    fake.state
        .lock()
        .unwrap()
        .units
        .get_mut("slow.service")
        .unwrap()
        .settles_at = Some(Instant::now() + Duration::from_millis(400));
    let r = x.run("sl", "systemd", "slow", "monitor", 3000).await;
    assert_eq!((r.rc, r.op_status), (0, 0), "{r:?}");
    let looks = fake
        .calls()
        .iter()
        .filter(|c| *c == "LoadUnit slow.service")
        .count();
    assert_eq!(looks, 1);
    // A recurring monitor of a unit changing state reports it pending.
    fake.state
        .lock()
        .unwrap()
        .units
        .get_mut("slow.service")
        .unwrap()
        .settles_at = Some(Instant::now() + Duration::from_secs(60));
    let m = x
        .exec("sl", "systemd", "slow", "monitor", 10_000, 3000)
        .await;
    let r = x.result_of(m).await;
    assert_eq!((r.rc, r.op_status), (193, -1), "{r:?}");
    // Actions units do not have.
    let r = x.run("w", "systemd", "web", "promote", 5000).await;
    assert_eq!((r.rc, r.op_status), (3, 4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_alias_listing_and_metadata() {
    let Some((dir, _bus, fake, mut x)) = lab().await else {
        return;
    };
    // service: resolves to the unit when no init script has the name.
    let r = x.run("sv", "service", "web", "start", 5000).await;
    assert_eq!((r.rc, r.op_status), (0, 0), "{r:?}");
    assert!(
        fake.calls()
            .iter()
            .any(|c| c == "StartUnit web.service replace")
    );
    // ... and to the missing init script when systemd has no such unit.
    let r = x.run("sv2", "service", "nothere", "start", 5000).await;
    assert_eq!((r.rc, r.op_status), (5, 7), "{r:?}");
    assert!(
        r.exit_reason
            .ends_with("init.d/nothere: No such file or directory"),
        "{}",
        r.exit_reason
    );
    assert!(
        !fake
            .calls()
            .iter()
            .any(|c| c.starts_with("StartUnit nothere"))
    );
    // An init script wins over a unit.
    let script = dir.path().join("init.d/data");
    std::fs::create_dir_all(script.parent().unwrap()).unwrap();
    std::fs::write(&script, "#!/bin/sh\nexit 0\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let r = x.run("sv3", "service", "data", "monitor", 5000).await;
    assert_eq!((r.rc, r.op_status), (0, 0), "{r:?}");
    assert!(!fake.calls().iter().any(|c| c.contains("data.service")));
    // Listings.
    let std = x
        .client
        .list_standards(pb::Empty {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(std.names, ["ocf", "service", "lsb", "systemd"]);
    let agents = x
        .client
        .list_agents(pb::ListAgentsRequest {
            standard: "systemd".into(),
            provider: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        agents.names,
        ["bad", "data.mount", "fast", "slow", "stuck", "web"]
    );
    let agents = x
        .client
        .list_agents(pb::ListAgentsRequest {
            standard: "service".into(),
            provider: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(agents.names[0], "data", "init scripts first");
    // Meta-data from the unit's description.
    let md = x
        .client
        .get_metadata(pb::MetadataRequest {
            standard: "systemd".into(),
            provider: String::new(),
            r#type: "web".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(md.rc, 0, "{}", md.message);
    let doc = pcmk_common::xml::parse(&md.metadata).unwrap();
    assert_eq!(doc.attr("name"), Some("web"));
    assert_eq!(
        doc.child("longdesc").unwrap().text().trim(),
        "Web <server> & friends"
    );
    assert_eq!(
        doc.child("shortdesc").unwrap().text(),
        "systemd unit file for web"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_systemd_units_are_not_installed_at_once() {
    if !bin("pacemaker-execd").exists() {
        eprintln!("skipping: pacemaker-execd not built (run ./scripts/test)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // No bus at all.
    let nowhere = format!("unix:path={}", dir.path().join("no-bus").display());
    let mut x = start_execd(dir.path(), &nowhere).await;
    for (action, interval) in [("start", 0), ("monitor", 0), ("monitor", 1000), ("stop", 0)] {
        let t = Instant::now();
        let c = x
            .exec("u", "systemd", "web", action, interval, 20_000)
            .await;
        let r = x.result_of(c).await;
        assert_eq!((r.rc, r.op_status), (5, 7), "{action}: {r:?}");
        assert!(
            r.exit_reason
                .starts_with("systemd is not running on this node"),
            "{}",
            r.exit_reason
        );
        assert!(
            t.elapsed() < Duration::from_secs(3),
            "{action} took {:?}",
            t.elapsed()
        );
        if interval > 0 {
            x.client
                .cancel(pb::CancelRequest {
                    rsc_id: "u".into(),
                    action: action.into(),
                    interval_ms: interval,
                })
                .await
                .unwrap();
        }
    }
    let std = x
        .client
        .list_standards(pb::Empty {})
        .await
        .unwrap()
        .into_inner();
    assert!(!std.names.iter().any(|n| n == "systemd"), "{:?}", std.names);
    drop(x);
    // A bus on which nobody is systemd.
    if find_dbus_daemon().is_none() {
        eprintln!("skipping the bus without systemd: dbus-daemon is not installed");
        return;
    }
    let sub = dir.path().join("b");
    std::fs::create_dir_all(&sub).unwrap();
    let (_bus, address) = start_bus(&sub);
    let mut x = start_execd(&sub, &address).await;
    let t = Instant::now();
    let r = x.run("u", "systemd", "web", "start", 20_000).await;
    assert_eq!((r.rc, r.op_status), (5, 7), "{r:?}");
    assert!(
        r.exit_reason
            .starts_with("systemd is not running on this node")
    );
    assert!(t.elapsed() < Duration::from_secs(3));
}
