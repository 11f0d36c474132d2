//! Runs the real `pacemakerd` binary with small shell scripts standing in
//! for the subdaemons: start order, respawn after kill -9, shutdown in
//! reverse order on SIGTERM and on `pacemakerd --shutdown`, a fatal exit
//! (100) stopping everything, the API's status, and `--features`.

#![allow(clippy::unwrap_used)] // test helpers: a failure is a test failure

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NAMES: [&str; 6] = [
    "pacemaker-based",
    "pacemaker-fenced",
    "pacemaker-execd",
    "pacemaker-attrd",
    "pacemaker-schedulerd",
    "pacemaker-controld",
];

struct Lab {
    dir: tempfile::TempDir,
    pcmkd: Option<Child>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(mut p) = self.pcmkd.take() {
            let _ = p.kill();
            let _ = p.wait();
        }
        // Children run in their own process groups; kill what is left.
        for n in NAMES {
            if let Some(pid) = read_pid(&self.dir.path().join(format!("{n}.pid"))) {
                let _ = Command::new("kill")
                    .arg("-9")
                    .arg(pid.to_string())
                    .stderr(Stdio::null())
                    .status();
            }
        }
    }
}

fn read_pid(p: &Path) -> Option<u32> {
    std::fs::read_to_string(p).ok()?.trim().parse().ok()
}

/// Writes the stand-in subdaemons: each records its pid and start, logs
/// its name to `order` when asked to stop, and exits with `exit_with` (if
/// set for it) after a moment.
fn lab(fatal: Option<&str>) -> Lab {
    let dir = tempfile::tempdir().unwrap();
    // Run as root, pacemakerd starts most subdaemons as hacluster: let
    // them write their traces.
    Command::new("chmod")
        .arg("0777")
        .arg(dir.path())
        .status()
        .unwrap();
    for shared in ["started", "order"] {
        let p = dir.path().join(shared);
        std::fs::write(&p, "").unwrap();
        Command::new("chmod").arg("0666").arg(&p).status().unwrap();
    }
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    for n in NAMES {
        let d = dir.path().display();
        let exit = if Some(n) == fatal {
            "sleep 0.3; exit 100"
        } else {
            ""
        };
        let script = format!(
            "#!/bin/sh\necho $$ > {d}/{n}.pid\necho {n} >> {d}/started\ntrap 'echo {n} >> {d}/order; exit 0' TERM\n{exit}\nwhile :; do sleep 0.05; done\n"
        );
        let path = bin.join(n);
        std::fs::write(&path, script).unwrap();
        Command::new("chmod")
            .arg("0755")
            .arg(&path)
            .status()
            .unwrap();
    }
    Lab { dir, pcmkd: None }
}

fn pacemakerd() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pacemakerd"));
    c.env_remove("PCMK_debug");
    c
}

impl Lab {
    fn start(&mut self) {
        let d = self.dir.path();
        let child = pacemakerd()
            .env("PCMK_daemon_dir", d.join("bin"))
            .env("PCMK_run_dir", d.join("run"))
            .env("PCMK_state_dir", d.join("state"))
            .env("PCMK_ipc_check", "no")
            .env("PCMK_cluster_type", "none")
            .env("PCMK_logfile", d.join("pacemakerd.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.pcmkd = Some(child);
    }

    fn wait_for(&self, what: &str, mut f: impl FnMut() -> bool) {
        let start = Instant::now();
        while !f() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; started: {:?}; log: {}",
                self.lines("started"),
                std::fs::read_to_string(self.dir.path().join("pacemakerd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn lines(&self, file: &str) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join(file))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn pid(&self, n: &str) -> Option<u32> {
        read_pid(&self.dir.path().join(format!("{n}.pid")))
    }

    fn exit_code(&mut self) -> Option<i32> {
        let start = Instant::now();
        let p = self.pcmkd.as_mut().unwrap();
        loop {
            if let Some(s) = p.try_wait().unwrap() {
                self.pcmkd = None;
                return s.code();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "pacemakerd did not exit"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn run_dir(&self) -> PathBuf {
        self.dir.path().join("run")
    }
}

fn status(run_dir: &Path) -> pcmk_proto::pacemakerd::StatusReply {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ch = pcmk_proto::uds::connect(&run_dir.join("pacemakerd.sock"))
            .await
            .unwrap();
        let mut c = pcmk_proto::pacemakerd::pacemakerd_client::PacemakerdClient::new(ch);
        c.status(pcmk_proto::pacemakerd::StatusRequest {})
            .await
            .unwrap()
            .into_inner()
    })
}

#[test]
fn starts_in_order_respawns_and_stops_in_reverse() {
    let mut lab = lab(None);
    lab.start();
    lab.wait_for("all subdaemons", || lab.lines("started").len() >= 6);
    // They are forked in order but start in parallel (the supervisor's
    // unit tests check the order).
    let mut started = lab.lines("started");
    started.sort();
    let mut names = NAMES.to_vec();
    names.sort();
    assert_eq!(started, names);
    lab.wait_for("the API", || lab.run_dir().join("pacemakerd.sock").exists());
    let st = status(&lab.run_dir());
    assert_eq!(st.state, "running");
    assert_eq!(st.subdaemons.len(), 6);

    // kill -9 of attrd: it comes back with a new pid.
    let old = lab.pid("pacemaker-attrd").unwrap();
    Command::new("kill")
        .arg("-9")
        .arg(old.to_string())
        .status()
        .unwrap();
    lab.wait_for("respawn", || {
        lab.pid("pacemaker-attrd").is_some_and(|p| p != old)
    });
    lab.wait_for("respawn count", || {
        status(&lab.run_dir()).subdaemons[3].respawn_count == 1
    });

    // SIGTERM: stop in reverse order, exit 0.
    let pid = lab.pcmkd.as_ref().unwrap().id();
    Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert_eq!(lab.exit_code(), Some(0));
    let mut reversed = NAMES.to_vec();
    reversed.reverse();
    assert_eq!(lab.lines("order"), reversed);
    assert!(!lab.run_dir().join("pacemakerd.sock").exists());
}

#[test]
fn fatal_exit_stops_everything_and_stays_down() {
    let mut lab = lab(Some("pacemaker-fenced"));
    lab.start();
    assert_eq!(lab.exit_code(), Some(100));
    // fenced was not respawned; the others stopped in reverse order.
    let started = lab.lines("started");
    assert_eq!(
        started.iter().filter(|n| *n == "pacemaker-fenced").count(),
        1
    );
    let order = lab.lines("order");
    assert_eq!(
        order,
        [
            "pacemaker-controld",
            "pacemaker-schedulerd",
            "pacemaker-attrd",
            "pacemaker-execd",
            "pacemaker-based"
        ]
    );
}

#[test]
fn shutdown_request_from_the_command_line() {
    let mut lab = lab(None);
    lab.start();
    lab.wait_for("all subdaemons", || lab.lines("started").len() >= 6);
    lab.wait_for("the API", || lab.run_dir().join("pacemakerd.sock").exists());
    let out = pacemakerd()
        .arg("--shutdown")
        .env("PCMK_run_dir", lab.run_dir())
        .env("PCMK_logfile", "none")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lab.exit_code(), Some(0));
    assert_eq!(lab.lines("order").len(), 6);
}

#[test]
fn features_and_second_instance() {
    let out = pacemakerd().arg("--features").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Pacemaker 3.0.2 (Build: "), "{text}");
    assert!(text.contains(" Supporting v3.20.5: "));
    let out = pacemakerd()
        .args(["--features", "--output-as", "xml"])
        .output()
        .unwrap();
    let xml = pcmk_common::xml::parse(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(xml.name, "pacemaker-result");
    assert_eq!(
        xml.child("pacemakerd").unwrap().attr("feature_set"),
        Some("3.20.5")
    );

    let mut lab = lab(None);
    lab.start();
    lab.wait_for("the API", || lab.run_dir().join("pacemakerd.sock").exists());
    let second = pacemakerd()
        .env("PCMK_daemon_dir", lab.dir.path().join("bin"))
        .env("PCMK_cluster_type", "none")
        .env("PCMK_run_dir", lab.run_dir())
        .env("PCMK_logfile", "none")
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(
        second.code(),
        Some(100),
        "a second instance refuses to start"
    );
}
