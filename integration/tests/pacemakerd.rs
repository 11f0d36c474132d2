//! pacemakerd on a one-node lab: it waits for corosync, starts the
//! installed subdaemons in Pacemaker's order, respawns one that is
//! killed, and stops them all on SIGTERM.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use pcmk_integration::lab::{self, Lab, LabSpec};
use pcmk_proto::pacemakerd as pb;
use pcmk_proto::pacemakerd::pacemakerd_client::PacemakerdClient;

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
    let ok = [
        "corosync",
        "pacemakerd",
        "pacemaker-based",
        "pacemaker-attrd",
    ]
    .iter()
    .all(|b| lab::bin_dir().join(b).exists());
    if !ok {
        eprintln!("skipped: build the binaries first (cargo build --workspace --bins)");
    }
    ok
}

async fn status(lab: &Lab, k: u32) -> Result<pb::StatusReply, String> {
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

fn pid_of(s: &pb::StatusReply, name: &str) -> u32 {
    s.subdaemons
        .iter()
        .find(|d| d.name == name)
        .map_or(0, |d| d.pid)
}

async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let end = Instant::now() + within;
    loop {
        match check().await {
            Ok(v) => return v,
            Err(e) if Instant::now() > end => panic!("{what} within {within:?}: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

fn alive(pid: u32) -> bool {
    let pid = i32::try_from(pid).unwrap();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|s| s.split_whitespace().nth(2) == Some("Z"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t30_pacemakerd_starts_respawns_and_stops_the_daemons() {
    if !have_binaries() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = LabSpec {
        nodes: 1,
        port: 16_440,
        token: Some(1000),
        crypto: true,
        subnet: 44,
    };
    let lab = Lab::create(dir.path(), &spec).unwrap();
    let r = Running { lab, _dir: dir };
    let lab = &r.lab;
    lab.link_daemons(&[]).unwrap();

    // pacemakerd first: it waits for corosync.
    lab.start_pacemaker(1).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let s = status(lab, 1).await.unwrap();
    assert!(
        s.subdaemons.iter().all(|d| d.pid == 0),
        "nothing starts before corosync: {s:?}"
    );
    lab.start(1).unwrap();
    lab.wait_members(&[1], Duration::from_secs(20))
        .await
        .unwrap();
    for ipc in ["based", "attrd"] {
        lab.wait_socket(1, ipc, Duration::from_secs(30))
            .await
            .unwrap();
    }
    let s = status(lab, 1).await.unwrap();
    assert_eq!(s.state, "running");
    let names: Vec<&str> = s.subdaemons.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "pacemaker-based",
            "pacemaker-fenced",
            "pacemaker-execd",
            "pacemaker-attrd",
            "pacemaker-schedulerd",
            "pacemaker-controld"
        ]
    );
    // Every installed daemon runs; a missing one is left alone.
    for d in &s.subdaemons {
        let installed = lab.has_daemon(&d.name);
        assert_eq!(d.pid != 0, installed, "{d:?}");
    }
    let pids: Vec<u32> = s
        .subdaemons
        .iter()
        .map(|d| d.pid)
        .filter(|&p| p != 0)
        .collect();

    // A killed daemon is respawned.
    let attrd = pid_of(&s, "pacemaker-attrd");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(attrd).unwrap()),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let s = eventually("attrd is respawned", Duration::from_secs(10), || async {
        let s = status(lab, 1).await?;
        let d = s
            .subdaemons
            .iter()
            .find(|d| d.name == "pacemaker-attrd")
            .ok_or("no attrd")?;
        if d.pid != 0 && d.pid != attrd && d.respawn_count == 1 {
            Ok(s)
        } else {
            Err(format!("{d:?}"))
        }
    })
    .await;
    lab.wait_socket(1, "attrd", Duration::from_secs(20))
        .await
        .unwrap();
    let pids: Vec<u32> = pids
        .into_iter()
        .filter(|&p| p != attrd)
        .chain([pid_of(&s, "pacemaker-attrd")])
        .collect();

    // SIGTERM stops everything, then pacemakerd itself.
    lab.stop_daemon(1, "pacemakerd").unwrap();
    assert!(lab.daemon_pid(1, "pacemakerd").is_none());
    for p in pids {
        assert!(!alive(p), "subdaemon {p} still runs");
    }
    let log = std::fs::read_to_string(lab.node_dir(1).join("pacemaker.log")).unwrap();
    let stops: Vec<&str> = log
        .lines()
        .filter_map(|l| l.split("Stopping subdaemon ").nth(1))
        .collect();
    let mut expect: Vec<&str> = s
        .subdaemons
        .iter()
        .filter(|d| d.pid != 0)
        .map(|d| d.name.as_str())
        .collect();
    expect.reverse();
    assert_eq!(stops, expect, "stopped in reverse order");
    assert!(log.contains("Shutdown complete"), "{log}");
}
