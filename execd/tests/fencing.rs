//! The stonith class: the executor hands fence devices to a running
//! `pacemaker-fenced --stand-alone`.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use pcmk_execd::dirs::AgentDirs;
use pcmk_execd::engine::EngineConfig;
use pcmk_execd::server::{ExecdConfig, Executor};
use pcmk_proto::execd as pb;
use pcmk_proto::execd::executor_server::Executor as _;
use tokio_stream::StreamExt;
use tonic::Request;

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn fence_device_start_monitor_stop_through_the_fencer() {
    let exe = std::env::current_exe().unwrap();
    let fenced = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("pacemaker-fenced");
    if !fenced.exists() {
        eprintln!("skipping: pacemaker-fenced not built (run ./scripts/test)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sbin = dir.path().join("sbin");
    std::fs::create_dir_all(&sbin).unwrap();
    let agent = sbin.join("fence_ok");
    std::fs::write(
        &agent,
        "#!/bin/sh\nargs=$(cat)\ncase \"$args\" in *action=metadata*) echo '<resource-agent name=\"fence_ok\"><parameters><parameter name=\"port\"/></parameters><actions><action name=\"monitor\"/><action name=\"off\"/></actions></resource-agent>';; esac\nexit 0\n",
    )
    .unwrap();
    std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = dir.path().join("run");
    let _f = Kill(
        Command::new(fenced)
            .arg("--stand-alone")
            .env("PCMK_run_dir", &run)
            .env("PCMK_fence_agent_dir", &sbin)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let sock = run.join("fenced.sock");
    let t = Instant::now();
    while !sock.exists() {
        assert!(t.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let exec = Executor::start(ExecdConfig {
        dirs: AgentDirs {
            ocf_root: dir.path().join("ocf"),
            lsb_dir: dir.path().join("init.d"),
            fence_dir: sbin.clone(),
        },
        engine: EngineConfig::default(),
        output_limit: 1 << 20,
        fencer_socket: sock,
    });
    let mut results = exec
        .subscribe(Request::new(pb::SubscribeRequest {}))
        .await
        .unwrap()
        .into_inner();
    let mut run_op = async |action: &str, interval: u32| {
        exec.exec(Request::new(pb::ExecRequest {
            rsc: Some(pb::Resource {
                id: "fence1".into(),
                class: "stonith".into(),
                provider: String::new(),
                r#type: "fence_ok".into(),
            }),
            action: action.into(),
            interval_ms: interval,
            timeout_ms: 10_000,
            start_delay_ms: 0,
            params: HashMap::from([("pcmk_host_list".to_string(), "n1".to_string())]),
            meta: HashMap::new(),
            user_data: String::new(),
            notify_changes_only: false,
        }))
        .await
        .unwrap();
        loop {
            let r = tokio::time::timeout(Duration::from_secs(10), results.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            // Skip the cancellation of the recurring monitor before a stop.
            if r.action == action && r.interval_ms == interval {
                return (r.rc, r.op_status);
            }
        }
    };
    assert_eq!(run_op("monitor", 0).await, (7, 0), "probe before start");
    assert_eq!(run_op("start", 0).await, (0, 0));
    assert_eq!(run_op("monitor", 0).await, (0, 0), "probe after start");
    assert_eq!(run_op("monitor", 60_000).await, (0, 0));
    assert_eq!(run_op("stop", 0).await.0, 0);
    assert_eq!(run_op("monitor", 0).await, (7, 0), "probe after stop");
}
