//! Starting `pacemaker-execd` as a daemon for a test and talking to it
//! through its socket.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use pcmk_proto::execd as pb;
use pcmk_proto::execd::executor_client::ExecutorClient;
use tokio_stream::StreamExt;
use tonic::transport::Channel;

use super::fake_systemd::{Reaped, wait_for};

pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join(name)
}

/// A running executor and a client of it.
pub struct Execd {
    _child: Reaped,
    pub client: ExecutorClient<Channel>,
    results: tonic::Streaming<pb::OpResult>,
}

/// Starts `pacemaker-execd` with its directories below `dir` (OCF agents
/// under `ocf_root`), finding the system bus at `bus_address`.
pub async fn start_execd(dir: &Path, bus_address: &str) -> Execd {
    start_execd_with(dir, bus_address, &dir.join("ocf")).await
}

/// [`start_execd`] with the OCF root given.
pub async fn start_execd_with(dir: &Path, bus_address: &str, ocf_root: &Path) -> Execd {
    let run = dir.join("run");
    // A short grace between SIGTERM and SIGKILL keeps the tests quick.
    let child = Command::new(bin("pacemaker-execd"))
        .args(["--kill-grace", "1"])
        .env("PCMK_run_dir", &run)
        .env("PCMK_logfile", dir.join("execd.log"))
        .env("PCMK_logfacility", "none")
        .env("PCMK_debug", "yes")
        .env("DBUS_SYSTEM_BUS_ADDRESS", bus_address)
        .env("PCMK_systemd_run_dir", dir.join("systemd"))
        .env("OCF_ROOT", ocf_root)
        .env("PCMK_lsb_dir", dir.join("init.d"))
        .env("PCMK_fence_agent_dir", dir.join("sbin"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("execd.stderr")).unwrap())
        .spawn()
        .unwrap();
    let child = Reaped(child);
    let sock = run.join("execd.sock");
    wait_for(&sock, "pacemaker-execd");
    let mut client = ExecutorClient::new(pcmk_proto::uds::connect(&sock).await.unwrap());
    let results = client
        .subscribe(pb::SubscribeRequest {})
        .await
        .unwrap()
        .into_inner();
    Execd {
        _child: child,
        client,
        results,
    }
}

impl Execd {
    /// Requests `action` of a class:agent resource; its call id.
    pub async fn exec(
        &mut self,
        id: &str,
        class: &str,
        agent: &str,
        action: &str,
        interval: u32,
        timeout: u32,
    ) -> i32 {
        self.exec_full((id, class, "", agent), action, interval, timeout, &[])
            .await
    }

    /// Requests an operation of (id, class, provider, agent) with parameters.
    pub async fn exec_full(
        &mut self,
        rsc: (&str, &str, &str, &str),
        action: &str,
        interval: u32,
        timeout: u32,
        params: &[(&str, &str)],
    ) -> i32 {
        let (id, class, provider, agent) = rsc;
        let r = self
            .client
            .exec(pb::ExecRequest {
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
                meta: HashMap::new(),
                user_data: String::new(),
                notify_changes_only: false,
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.rc, 0, "{}", r.message);
        r.call_id
    }

    /// The next result of call `call_id` (others are skipped).
    pub async fn result_of(&mut self, call_id: i32) -> pb::OpResult {
        loop {
            let r = tokio::time::timeout(Duration::from_secs(15), self.results.next())
                .await
                .expect("no result within 15s")
                .expect("stream ended")
                .expect("stream error");
            if r.call_id == call_id {
                return r;
            }
        }
    }

    /// Runs an operation and waits for its result.
    pub async fn run(
        &mut self,
        id: &str,
        class: &str,
        agent: &str,
        action: &str,
        timeout: u32,
    ) -> pb::OpResult {
        let c = self.exec(id, class, agent, action, 0, timeout).await;
        self.result_of(c).await
    }
}
