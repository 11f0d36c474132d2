//! The executor against real agents: Debian's ocf:heartbeat:Dummy, an LSB
//! script, and misbehaving agents written here. Runs the engine and its
//! async shell in-process, through the gRPC service trait.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pcmk_execd::dirs::AgentDirs;
use pcmk_execd::engine::EngineConfig;
use pcmk_execd::server::{ExecdConfig, Executor};
use pcmk_proto::execd as pb;
use pcmk_proto::execd::executor_server::Executor as _;
use tokio_stream::StreamExt;
use tonic::Request;

const SYSTEM_OCF: &str = "/usr/lib/ocf";

fn have_dummy() -> bool {
    let ok = Path::new(SYSTEM_OCF)
        .join("resource.d/heartbeat/Dummy")
        .exists();
    if !ok {
        eprintln!("skipping: resource-agents (ocf:heartbeat:Dummy) is not installed");
    }
    ok
}

fn write_agent(path: &Path, body: &str, mode: u32) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// An OCF root with the system's heartbeat agents and our test agents.
struct Fixture {
    dir: tempfile::TempDir,
    exec: Executor,
    results: <Executor as pb::executor_server::Executor>::SubscribeStream,
}

impl Fixture {
    async fn new(output_limit: usize) -> Option<Fixture> {
        if !have_dummy() {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ocf");
        std::fs::create_dir_all(root.join("resource.d")).unwrap();
        std::os::unix::fs::symlink(Path::new(SYSTEM_OCF).join("lib"), root.join("lib")).unwrap();
        std::os::unix::fs::symlink(
            Path::new(SYSTEM_OCF).join("resource.d/heartbeat"),
            root.join("resource.d/heartbeat"),
        )
        .unwrap();
        let t = root.join("resource.d/test");
        write_agent(
            &t.join("hang"),
            "#!/bin/sh\ntrap '' TERM\nsleep 100\n",
            0o755,
        );
        write_agent(
            &t.join("garbage"),
            "#!/bin/sh\nprintf '\\377\\376garbage\\n'\nexit 77\n",
            0o755,
        );
        write_agent(
            &t.join("flood"),
            "#!/bin/sh\nhead -c 8388608 /dev/zero | tr '\\0' x\necho 'ocf-exitreason:flooded' >&2\nexit 0\n",
            0o755,
        );
        write_agent(&t.join("noexec"), "#!/bin/sh\nexit 0\n", 0o644);
        write_agent(
            &t.join("daemon"),
            "#!/bin/sh\nsleep 30 &\necho started\nexit 0\n",
            0o755,
        );
        write_agent(
            &t.join("reason"),
            "#!/bin/sh\necho 'ocf-exitreason:first' >&2\necho \"ocf-exitreason:bad param $OCF_RESKEY_p\" >&2\nexit 6\n",
            0o755,
        );
        write_agent(
            &t.join("envdump"),
            &format!(
                "#!/bin/sh\nenv | grep -E '^OCF_' | sort > {}\nexit 0\n",
                dir.path().join("env.txt").display()
            ),
            0o755,
        );
        let lsb = dir.path().join("init.d");
        write_agent(
            &lsb.join("svc"),
            &format!(
                "#!/bin/sh\nS={}\ncase \"$1\" in\nstart) touch $S;;\nstop) rm -f $S;;\nstatus) [ -e $S ] && exit 0 || exit 3;;\n*) exit 3;;\nesac\nexit 0\n",
                dir.path().join("svc.state").display()
            ),
            0o755,
        );
        let cfg = ExecdConfig {
            dirs: AgentDirs {
                ocf_root: root,
                lsb_dir: lsb,
                fence_dir: dir.path().join("sbin"),
            },
            engine: EngineConfig {
                kill_grace_ms: 300,
                default_timeout_ms: 20_000,
            },
            output_limit,
            fencer_socket: dir.path().join("no-fencer.sock"),
        };
        let exec = Executor::start(cfg);
        let results = exec
            .subscribe(Request::new(pb::SubscribeRequest {}))
            .await
            .unwrap()
            .into_inner();
        Some(Fixture { dir, exec, results })
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("dummy.state")
    }

    async fn exec(
        &self,
        rsc: (&str, &str, &str, &str),
        action: &str,
        interval: u32,
        timeout: u32,
        params: &[(&str, &str)],
    ) -> i32 {
        let (id, class, provider, agent) = rsc;
        let r = self
            .exec
            .exec(Request::new(pb::ExecRequest {
                rsc: Some(pb::Resource {
                    id: id.into(),
                    class: class.into(),
                    provider: provider.into(),
                    r#type: agent.into(),
                }),
                action: action.into(),
                interval_ms: interval,
                timeout_ms: timeout,
                start_delay_ms: 0,
                params: params
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                meta: HashMap::from([("timeout".to_string(), timeout.to_string())]),
                user_data: format!("{action}-{interval}"),
                notify_changes_only: false,
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.rc, 0, "{}", r.message);
        r.call_id
    }

    async fn next(&mut self) -> pb::OpResult {
        tokio::time::timeout(Duration::from_secs(20), self.results.next())
            .await
            .expect("no result within 20s")
            .expect("stream ended")
            .expect("stream error")
    }
}

/// Live (non-zombie) members of process group `pgid`, after giving killed
/// processes a moment to go.
fn group_members(pgid: i32) -> Vec<i32> {
    for _ in 0..50 {
        let m = group_members_now(pgid);
        if m.is_empty() {
            return m;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    group_members_now(pgid)
}

fn group_members_now(pgid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // Fields after the command (which is in parentheses).
        let Some(rest) = stat.rsplit_once(')').map(|x| x.1) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.first() != Some(&"Z")
            && fields.get(2).and_then(|p| p.parse::<i32>().ok()) == Some(pgid)
        {
            out.push(pid);
        }
    }
    out
}

const DUMMY: (&str, &str, &str, &str) = ("d1", "ocf", "heartbeat", "Dummy");

#[tokio::test]
async fn dummy_lifecycle_with_recurring_and_failed_monitor() {
    let Some(mut f) = Fixture::new(1 << 20).await else {
        return;
    };
    let state = f.state().display().to_string();
    let p = [("state", state.as_str())];
    // Probe: not running.
    f.exec(DUMMY, "monitor", 0, 5000, &p).await;
    let r = f.next().await;
    assert_eq!((r.action.as_str(), r.rc, r.op_status), ("monitor", 7, 0));
    let c = f.exec(DUMMY, "start", 0, 5000, &p).await;
    let r = f.next().await;
    assert_eq!((r.call_id, r.rc, r.op_status), (c, 0, 0), "{r:?}");
    assert!(f.state().exists());
    assert_eq!(r.params.get("state"), Some(&state));
    assert!(r.pid > 0);
    // Recurring monitor: two results, then make it fail.
    let m = f.exec(DUMMY, "monitor", 200, 5000, &p).await;
    for _ in 0..2 {
        let r = f.next().await;
        assert_eq!((r.call_id, r.interval_ms, r.rc), (m, 200, 0));
        assert_eq!(r.user_data, "monitor-200");
    }
    std::fs::remove_file(f.state()).unwrap();
    let r = f.next().await;
    assert_eq!((r.call_id, r.rc, r.op_status), (m, 7, 0), "failed monitor");
    // Stop cancels the recurring monitor first.
    std::fs::write(f.state(), "").unwrap();
    let s = f.exec(DUMMY, "stop", 0, 5000, &p).await;
    let mut saw_cancel = false;
    loop {
        let r = f.next().await;
        if r.call_id == m && r.op_status == 1 {
            saw_cancel = true;
            continue;
        }
        if r.call_id == s {
            assert_eq!(r.rc, 0);
            break;
        }
    }
    assert!(saw_cancel, "recurring monitor not cancelled before stop");
    assert!(!f.state().exists());
    let hist = f
        .exec
        .history(Request::new(pb::HistoryRequest {
            rsc_id: "d1".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(hist.results.iter().any(|r| r.action == "stop" && r.rc == 0));
}

#[tokio::test]
async fn dummy_timeout_kills_agent_and_leaves_nothing() {
    let Some(mut f) = Fixture::new(1 << 20).await else {
        return;
    };
    let state = f.state().display().to_string();
    let started = Instant::now();
    // Delay sleeps startdelay seconds in start.
    // Delay keeps a pseudo-resource file per instance: use a fresh one.
    let _ = state;
    let id = format!("delay-{}", std::process::id());
    f.exec(
        (&id, "ocf", "heartbeat", "Delay"),
        "start",
        0,
        500,
        &[("startdelay", "30")],
    )
    .await;
    let r = f.next().await;
    assert_eq!((r.rc, r.op_status), (1, 2), "{r:?}");
    assert_eq!(
        r.exit_reason,
        "Resource agent did not complete within 500ms"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        group_members(r.pid).is_empty(),
        "agent processes left behind"
    );
    let _ = std::fs::remove_file(format!("/run/resource-agents/Delay_{id}"));
}

#[tokio::test]
async fn hanging_agent_ignoring_term_is_killed() {
    let Some(mut f) = Fixture::new(1 << 20).await else {
        return;
    };
    f.exec(("h", "ocf", "test", "hang"), "start", 0, 300, &[])
        .await;
    let r = f.next().await;
    assert_eq!((r.rc, r.op_status), (1, 2));
    assert!(group_members(r.pid).is_empty(), "hung agent left processes");
    assert!(
        !Path::new(&format!("/proc/{}", r.pid)).exists(),
        "zombie left"
    );
}

#[tokio::test]
async fn misbehaving_agents() {
    let Some(mut f) = Fixture::new(1 << 20).await else {
        return;
    };
    // Garbage exit status and bytes.
    f.exec(("g", "ocf", "test", "garbage"), "start", 0, 5000, &[])
        .await;
    let r = f.next().await;
    assert_eq!((r.rc, r.op_status), (1, 0));
    assert!(r.stdout.contains("garbage"));
    // Megabytes of output: bounded, reason still found.
    f.exec(("fl", "ocf", "test", "flood"), "start", 0, 10_000, &[])
        .await;
    let r = f.next().await;
    assert_eq!((r.rc, r.op_status), (0, 0));
    assert_eq!(r.stdout.len(), 1 << 20);
    assert_eq!(r.exit_reason, "flooded");
    // Missing agent.
    f.exec(("m", "ocf", "test", "missing"), "start", 0, 5000, &[])
        .await;
    let r = f.next().await;
    assert_eq!((r.rc, r.op_status), (5, 7));
    assert!(
        r.exit_reason
            .ends_with("resource.d/test/missing: No such file or directory"),
        "{}",
        r.exit_reason
    );
    // Not executable.
    f.exec(("n", "ocf", "test", "noexec"), "start", 0, 5000, &[])
        .await;
    let r = f.next().await;
    assert_eq!((r.rc, r.op_status), (5, 7));
    assert!(
        r.exit_reason.ends_with("Permission denied"),
        "{}",
        r.exit_reason
    );
    // A daemon keeping stdout open does not hold the operation.
    let t = Instant::now();
    f.exec(("dm", "ocf", "test", "daemon"), "start", 0, 10_000, &[])
        .await;
    let r = f.next().await;
    assert_eq!((r.rc, r.op_status), (0, 0));
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "op waited for the daemon"
    );
    assert!(r.stdout.contains("started"));
    let left = group_members(r.pid);
    assert!(!left.is_empty(), "the daemon should still run");
    let _ = nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(r.pid),
        nix::sys::signal::Signal::SIGKILL,
    );
    // Exit reason: the last one.
    f.exec(
        ("re", "ocf", "test", "reason"),
        "validate-all",
        0,
        5000,
        &[("p", "x")],
    )
    .await;
    let r = f.next().await;
    assert_eq!((r.rc, r.exit_reason.as_str()), (6, "bad param x"));
}

#[tokio::test]
async fn ocf_environment_and_lsb() {
    let Some(mut f) = Fixture::new(1 << 20).await else {
        return;
    };
    f.exec(
        ("env1", "ocf", "test", "envdump"),
        "start",
        0,
        5000,
        &[("ip", "10.0.0.1")],
    )
    .await;
    assert_eq!(f.next().await.rc, 0);
    let env = std::fs::read_to_string(f.dir.path().join("env.txt")).unwrap();
    for want in [
        "OCF_RESKEY_ip=10.0.0.1",
        "OCF_RESKEY_CRM_meta_timeout=5000",
        "OCF_RESOURCE_INSTANCE=env1",
        "OCF_RESOURCE_TYPE=envdump",
        "OCF_RESOURCE_PROVIDER=test",
        "OCF_RA_VERSION_MAJOR=1",
        "OCF_EXIT_REASON_PREFIX=ocf-exitreason:",
    ] {
        assert!(env.lines().any(|l| l == want), "missing {want} in\n{env}");
    }
    let svc = ("s", "lsb", "", "svc");
    f.exec(svc, "monitor", 0, 5000, &[]).await;
    assert_eq!(f.next().await.rc, 7, "LSB status 3 is not running");
    f.exec(svc, "start", 0, 5000, &[]).await;
    assert_eq!(f.next().await.rc, 0);
    f.exec(svc, "monitor", 0, 5000, &[]).await;
    assert_eq!(f.next().await.rc, 0);
    // service: resolves to lsb.
    f.exec(("s2", "service", "", "svc"), "stop", 0, 5000, &[])
        .await;
    assert_eq!(f.next().await.rc, 0);
    f.exec(svc, "monitor", 0, 5000, &[]).await;
    assert_eq!(f.next().await.rc, 7);
    // systemd where none runs: not installed, at once.
    if !pcmk_execd::systemd::is_running() {
        f.exec(("u", "systemd", "", "foo.service"), "start", 0, 5000, &[])
            .await;
        let r = f.next().await;
        assert_eq!((r.rc, r.op_status), (5, 7));
    }
    let md = f
        .exec
        .get_metadata(Request::new(pb::MetadataRequest {
            standard: "ocf".into(),
            provider: "heartbeat".into(),
            r#type: "Dummy".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(md.rc, 0);
    assert!(pcmk_common::xml::parse(&md.metadata).unwrap().name == "resource-agent");
}

#[tokio::test]
async fn alert_agent_gets_its_environment() {
    let Some(f) = Fixture::new(1 << 20).await else {
        return;
    };
    // Under root the agent runs as the cluster user: a folder it can use.
    use std::os::unix::fs::PermissionsExt;
    let shared = f.dir.path().join("alerts");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(f.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = shared.join("alert.env");
    let agent = shared.join("alert.sh");
    write_agent(
        &agent,
        &format!(
            "#!/bin/sh\nenv | grep '^CRM_alert_' | sort > {}\nexit 0\n",
            out.display()
        ),
        0o755,
    );
    let alerts = pcmk_common::xml::parse(&format!(
        r#"<alerts><alert id="a" path="{}"><recipient id="r" value="ops@example.com"/></alert></alerts>"#,
        agent.display()
    ))
    .unwrap();
    let alert = &pcmk_execd::alerts::unpack(&alerts)[0];
    let ev = pcmk_execd::alerts::Event::Fencing {
        target: "node2".into(),
        task: "reboot".into(),
        desc: "OK".into(),
        rc: 0,
    };
    let env = pcmk_execd::alerts::environment(alert, &ev, (1_700_000_000, 42)).unwrap();
    let r = f
        .exec
        .exec_alert(Request::new(pb::AlertRequest {
            id: alert.id.clone(),
            path: alert.path.clone(),
            timeout_ms: alert.timeout_ms,
            env: env.into_iter().collect(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((r.rc, r.op_status), (0, 0));
    let got = std::fs::read_to_string(&out).unwrap();
    for want in [
        "CRM_alert_kind=fencing",
        "CRM_alert_node=node2",
        "CRM_alert_recipient=ops@example.com",
        "CRM_alert_task=reboot",
        "CRM_alert_timestamp_epoch=1700000000",
        "CRM_alert_node_sequence=1",
    ] {
        assert!(got.lines().any(|l| l == want), "missing {want} in\n{got}");
    }
}
