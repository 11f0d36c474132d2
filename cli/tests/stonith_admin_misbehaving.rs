//! Misbehaving fence agents behind a running `pacemaker-fenced
//! --stand-alone`, driven with `stonith_admin`: one that hangs (killed at
//! its timeout, nothing left behind, the next level still tried), one that
//! exits with garbage, one that floods its output.

#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join(name)
}

/// Behaves by its `mode` parameter; writes its process group id to `pgid`.
const AGENT: &str = r#"#!/bin/sh
args=$(cat)
get() { printf '%s\n' "$args" | sed -n "s/^$1=//p" | tail -n 1; }
action=$(get action)
case "$action" in
metadata) cat <<'XML'
<?xml version="1.0" ?>
<resource-agent name="fence_misbehave" shortdesc="Misbehaves">
<parameters>
<parameter name="port"><content type="string"/></parameter>
<parameter name="mode"><content type="string"/></parameter>
<parameter name="pgid"><content type="string"/></parameter>
</parameters>
<actions><action name="off"/><action name="reboot"/><action name="monitor"/><action name="metadata"/></actions>
</resource-agent>
XML
exit 0;;
monitor|status|list) exit 0;;
esac
[ -n "$(get pgid)" ] && ps -o pgid= -p $$ | tr -d ' ' > "$(get pgid)"
case "$(get mode)" in
hang) trap '' TERM; sleep 100 & sleep 100; exit 0;;
garbage) printf '\377\376 not a fence agent\n'; exit 213;;
flood) head -c 4194304 /dev/zero | tr '\0' x; exit 1;;
esac
exit 0
"#;

struct Daemon {
    child: Child,
    dir: tempfile::TempDir,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Daemon {
    fn start() -> Option<Daemon> {
        if !bin("pacemaker-fenced").exists() || !bin("stonith_admin").exists() {
            eprintln!("skipping: binaries not built (run ./scripts/test)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let sbin = dir.path().join("sbin");
        std::fs::create_dir_all(&sbin).unwrap();
        let agent = sbin.join("fence_misbehave");
        std::fs::write(&agent, AGENT).unwrap();
        std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755)).unwrap();
        let child = Command::new(bin("pacemaker-fenced"))
            .arg("--stand-alone")
            .env("PCMK_run_dir", dir.path().join("run"))
            .env("PCMK_fence_agent_dir", &sbin)
            .env("PCMK_node_name", "local")
            .stderr(std::fs::File::create(dir.path().join("fenced.log")).unwrap())
            .spawn()
            .unwrap();
        let d = Daemon { child, dir };
        let sock = d.dir.path().join("run/fenced.sock");
        let t = Instant::now();
        while !sock.exists() {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "fenced did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(d)
    }

    fn admin(&self, args: &[&str]) -> Output {
        Command::new(bin("stonith_admin"))
            .args(args)
            .env("PCMK_run_dir", self.dir.path().join("run"))
            .env("PCMK_fence_agent_dir", self.dir.path().join("sbin"))
            .output()
            .unwrap()
    }

    /// Registers a device of `mode` for `target`.
    fn register(&self, id: &str, mode: &str, target: &str, extra: &[&str]) {
        let pgid = format!("pgid={}", self.pgid_file(id).display());
        let hosts = format!("pcmk_host_list={target}");
        let m = format!("mode={mode}");
        let mut args = vec![
            "-R",
            id,
            "-a",
            "fence_misbehave",
            "-o",
            &hosts,
            "-o",
            &m,
            "-o",
            &pgid,
        ];
        for e in extra {
            args.extend(["-o", e]);
        }
        let o = self.admin(&args);
        assert!(o.status.success(), "{o:?}");
    }

    fn pgid_file(&self, id: &str) -> PathBuf {
        self.dir.path().join(format!("{id}.pgid"))
    }
}

/// Live (non-zombie) processes of group `pgid`, after a moment to go.
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

fn pgid_of(path: &Path) -> i32 {
    std::fs::read_to_string(path)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn hanging_agent_is_killed_at_its_timeout_and_the_next_level_runs() {
    let Some(d) = Daemon::start() else { return };
    d.register(
        "stuck",
        "hang",
        "node1",
        &["pcmk_off_timeout=1", "pcmk_off_retries=1"],
    );
    d.register("ok", "fine", "node1", &[]);
    assert!(
        d.admin(&["-r", "node1", "-i", "1", "-v", "stuck"])
            .status
            .success()
    );
    assert!(
        d.admin(&["-r", "node1", "-i", "2", "-v", "ok"])
            .status
            .success()
    );
    let t = Instant::now();
    let o = d.admin(&["-F", "node1", "-t", "30"]);
    assert!(o.status.success(), "{o:?}");
    // One second of timeout plus the grace before SIGKILL, not 100s.
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
    let pgid = pgid_of(&d.pgid_file("stuck"));
    assert!(
        group_members(pgid).is_empty(),
        "the hung agent left processes in group {pgid}"
    );
    assert!(d.pgid_file("ok").exists(), "level 2 did not run");
    let h = String::from_utf8_lossy(&d.admin(&["-H", "node1"]).stdout).into_owned();
    assert!(h.starts_with("turning off of node1 successful"), "{h}");
}

#[test]
fn garbage_and_flooding_agents_fail_cleanly() {
    let Some(d) = Daemon::start() else { return };
    d.register("junk", "garbage", "node1", &["pcmk_off_retries=1"]);
    d.register("loud", "flood", "node2", &["pcmk_off_retries=1"]);
    let o = d.admin(&["-F", "node1", "-t", "10"]);
    assert!(!o.status.success(), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with("stonith_admin: Couldn't fence node1"),
        "{o:?}"
    );
    let t = Instant::now();
    let o = d.admin(&["-F", "node2", "-t", "10"]);
    assert!(!o.status.success(), "{o:?}");
    assert!(t.elapsed() < Duration::from_secs(10));
    // The fencer is still there and remembers both failures.
    let h = String::from_utf8_lossy(&d.admin(&["-H", "*", "-V"]).stdout).into_owned();
    assert!(h.contains("turning off of node1 failed"), "{h}");
    assert!(h.contains("turning off of node2 failed"), "{h}");
    assert!(d.admin(&["-L"]).status.success());
}
