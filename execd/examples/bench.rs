//! Executor benchmark (not a test): 1,000 short monitors on 100 resources
//! through a real `pacemaker-execd` over its socket.
//!
//! Prints operations per second with everything in flight, the median
//! overhead per operation (end-to-end latency of one operation at a time,
//! minus the median time the same agent takes when the benchmark runs it
//! directly), and the daemon's resident memory under the load.
//!
//! Run: `cargo build --release --bins && cargo run --release -p pcmk-execd --example execd-bench`

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pcmk_proto::execd as pb;
use pcmk_proto::execd::executor_client::ExecutorClient;
use tokio_stream::StreamExt;

const RESOURCES: usize = 100;
const OPS: usize = 1000;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn rss_kb(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn request(i: usize) -> pb::ExecRequest {
    pb::ExecRequest {
        rsc: Some(pb::Resource {
            id: format!("rsc{}", i % RESOURCES),
            class: "ocf".into(),
            provider: "bench".into(),
            r#type: "Quick".into(),
        }),
        action: "monitor".into(),
        interval_ms: 0,
        timeout_ms: 20_000,
        start_delay_ms: 0,
        params: HashMap::from([("state".to_string(), format!("/tmp/bench{i}"))]),
        meta: HashMap::new(),
        user_data: String::new(),
        notify_changes_only: false,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let exe = std::env::current_exe()?;
    let daemon: PathBuf = exe
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("pacemaker-execd"))
        .ok_or("no target directory")?;
    if !daemon.exists() {
        return Err(format!(
            "{} not built (cargo build --release --bins)",
            daemon.display()
        )
        .into());
    }
    let dir = tempfile::tempdir()?;
    let agent_dir = dir.path().join("ocf/resource.d/bench");
    std::fs::create_dir_all(&agent_dir)?;
    let agent = agent_dir.join("Quick");
    std::fs::write(&agent, "#!/bin/sh\nexit 7\n")?;
    std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755))?;

    // The agent alone, run directly.
    let mut direct = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        Command::new(&agent)
            .arg("monitor")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()?;
        direct.push(t.elapsed());
    }
    let agent_time = median(direct);

    let run = dir.path().join("run");
    let mut child = Command::new(&daemon)
        .env("PCMK_run_dir", &run)
        .env("OCF_ROOT", dir.path().join("ocf"))
        .env("PCMK_debug", "warn")
        .spawn()?;
    let sock = run.join("execd.sock");
    let t = Instant::now();
    while !sock.exists() && t.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut client = ExecutorClient::new(pcmk_proto::uds::connect(&sock).await?);
    let mut results = client
        .subscribe(pb::SubscribeRequest {})
        .await?
        .into_inner();
    let (rss_idle, _) = rss_kb(child.id());

    // Latency: one operation at a time.
    let mut latency = Vec::new();
    for i in 0..200 {
        let t = Instant::now();
        client.exec(request(i)).await?;
        let r = results.next().await.ok_or("stream ended")??;
        latency.push(t.elapsed());
        assert_eq!(r.rc, 7);
    }
    let overhead = median(latency.clone()).saturating_sub(agent_time);

    // Throughput: everything in flight.
    let start = Instant::now();
    for i in 0..OPS {
        client.exec(request(i)).await?;
    }
    let mut peak = 0;
    for n in 0..OPS {
        results.next().await.ok_or("stream ended")??;
        if n % 50 == 0 {
            peak = peak.max(rss_kb(child.id()).0);
        }
    }
    let wall = start.elapsed();
    let (rss_end, hwm) = rss_kb(child.id());
    println!("operations:                {OPS} monitors on {RESOURCES} resources");
    println!(
        "throughput:                {:.0} ops/s ({:.3}s)",
        OPS as f64 / wall.as_secs_f64(),
        wall.as_secs_f64()
    );
    println!(
        "agent alone (median):      {:.3} ms",
        agent_time.as_secs_f64() * 1000.0
    );
    println!(
        "one op via execd (median): {:.3} ms",
        median(latency).as_secs_f64() * 1000.0
    );
    println!(
        "overhead per op (median):  {:.3} ms",
        overhead.as_secs_f64() * 1000.0
    );
    println!(
        "execd RSS: idle {rss_idle} kB, under load {peak} kB, after {rss_end} kB, peak (VmHWM) {hwm} kB"
    );
    let _ = child.kill();
    let _ = child.wait();
    Ok(())
}
