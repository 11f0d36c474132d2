//! Real resource agents through the running daemon: `pacemaker-execd`
//! started as a process and driven through its socket, as the controller
//! drives it (the other agent tests run the executor in-process).

#![allow(clippy::unwrap_used)]

#[path = "support/daemon.rs"]
mod daemon;
#[path = "support/fake_systemd.rs"]
mod fake_systemd;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use daemon::{bin, start_execd_with};

const SYSTEM_OCF: &str = "/usr/lib/ocf";

/// An OCF root with the system's heartbeat and pacemaker agents and a
/// hanging one.
fn ocf_root(dir: &Path) -> Option<std::path::PathBuf> {
    let sys = Path::new(SYSTEM_OCF);
    for need in ["resource.d/heartbeat/Dummy", "resource.d/pacemaker/Dummy"] {
        if !sys.join(need).exists() {
            eprintln!("skipping: {need} is not installed (scripts/install-deps)");
            return None;
        }
    }
    let root = dir.join("ocf");
    std::fs::create_dir_all(root.join("resource.d/test")).unwrap();
    std::os::unix::fs::symlink(sys.join("lib"), root.join("lib")).unwrap();
    for p in ["heartbeat", "pacemaker"] {
        std::os::unix::fs::symlink(
            sys.join("resource.d").join(p),
            root.join("resource.d").join(p),
        )
        .unwrap();
    }
    let hang = root.join("resource.d/test/hang");
    std::fs::write(&hang, "#!/bin/sh\ntrap '' TERM\nsleep 100 &\nsleep 100\n").unwrap();
    std::fs::set_permissions(&hang, std::fs::Permissions::from_mode(0o755)).unwrap();
    Some(root)
}

/// Live (non-zombie) members of process group `pgid`, after a moment.
fn group_members(pgid: i32) -> Vec<i32> {
    let scan = || {
        let mut out = Vec::new();
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
                continue;
            };
            let Some(rest) = stat.rsplit_once(')').map(|x| x.1) else {
                continue;
            };
            let f: Vec<&str> = rest.split_whitespace().collect();
            if f.first() != Some(&"Z") && f.get(2).and_then(|p| p.parse().ok()) == Some(pgid) {
                out.push(pid);
            }
        }
        out
    };
    for _ in 0..100 {
        if scan().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    scan()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dummy_and_misbehaving_agents_through_the_socket() {
    if !bin("pacemaker-execd").exists() {
        eprintln!("skipping: pacemaker-execd not built (run ./scripts/test)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some(root) = ocf_root(dir.path()) else {
        return;
    };
    let nobus = format!("unix:path={}", dir.path().join("no-bus").display());
    let mut x = start_execd_with(dir.path(), &nobus, &root).await;
    let state = dir.path().join("d.state");
    let st = state.display().to_string();
    let p = [("state", st.as_str())];
    let dummy = ("d", "ocf", "heartbeat", "Dummy");

    // ocf:heartbeat:Dummy: probe, start, monitor, recurring, failure, stop.
    let c = x.exec_full(dummy, "monitor", 0, 5000, &p).await;
    let r = x.result_of(c).await;
    assert_eq!((r.rc, r.op_status), (7, 0), "probe: {r:?}");
    let c = x.exec_full(dummy, "start", 0, 5000, &p).await;
    let r = x.result_of(c).await;
    assert_eq!((r.rc, r.op_status), (0, 0), "{r:?}");
    assert!(state.exists());
    let m = x.exec_full(dummy, "monitor", 200, 5000, &p).await;
    for _ in 0..2 {
        let r = x.result_of(m).await;
        assert_eq!((r.rc, r.op_status, r.interval_ms), (0, 0, 200));
    }
    std::fs::remove_file(&state).unwrap();
    let r = x.result_of(m).await;
    assert_eq!((r.rc, r.op_status), (7, 0), "failed monitor");
    std::fs::write(&state, "").unwrap();
    let c = x.exec_full(dummy, "stop", 0, 5000, &p).await;
    let r = x.result_of(c).await;
    assert_eq!((r.rc, r.op_status), (0, 0));
    assert!(!state.exists());

    // ocf:pacemaker:Dummy sleeping past its timeout: killed, reported.
    let t = Instant::now();
    let ps = dir.path().join("p.state").display().to_string();
    let c = x
        .exec_full(
            ("slow", "ocf", "pacemaker", "Dummy"),
            "monitor",
            0,
            500,
            &[("state", ps.as_str()), ("op_sleep", "30")],
        )
        .await;
    let r = x.result_of(c).await;
    assert_eq!((r.rc, r.op_status), (1, 2), "{r:?}");
    assert_eq!(
        r.exit_reason,
        "Resource agent did not complete within 500ms"
    );
    assert!(t.elapsed() < Duration::from_secs(10));
    assert!(group_members(r.pid).is_empty(), "agent left processes");

    // An agent ignoring SIGTERM, with a child: the whole group is killed.
    let c = x
        .exec_full(("h", "ocf", "test", "hang"), "start", 0, 300, &[])
        .await;
    let r = x.result_of(c).await;
    assert_eq!((r.rc, r.op_status), (1, 2), "{r:?}");
    assert!(group_members(r.pid).is_empty(), "hung agent left processes");

    // Missing agents: not installed, with the reason.
    let c = x
        .exec_full(("m", "ocf", "test", "missing"), "start", 0, 5000, &[])
        .await;
    let r = x.result_of(c).await;
    assert_eq!((r.rc, r.op_status), (5, 7));
    assert!(
        r.exit_reason.ends_with("No such file or directory"),
        "{}",
        r.exit_reason
    );
}
