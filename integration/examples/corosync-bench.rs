//! Benchmark of the corosync daemon: 3 nodes on loopback with Corosync's
//! default timeouts. Prints the time to one quorate ring, CPG throughput
//! (1 KiB and 64 KiB messages), median delivery latency, failure detection
//! against token + consensus, and RSS per daemon, next to the figures of
//! Debian's corosync 3.1.7 measured with `shared/tools/real-pacemaker`.
//!
//! Run: `cargo build --release --bins && cargo run --release -p pcmk-integration --example corosync-bench`

use std::time::{Duration, Instant};

use pcmk_integration::lab::{Lab, LabSpec};
use pcmk_proto::corosync::client::{Corosync, CpgGroup, CpgMessage};

fn rss_kib(pid: i32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

async fn join_all(lab: &Lab, group: &str) -> anyhow::Result<Vec<CpgGroup>> {
    let mut groups = Vec::new();
    for k in 1..=lab.nodes {
        let sock = lab
            .node_dir(k)
            .join("run")
            .join(pcmk_proto::corosync::SOCKET_NAME);
        groups.push(Corosync::connect(&sock).await?.cpg_join(group).await?);
    }
    for g in &mut groups {
        loop {
            match g.next().await? {
                Some(CpgMessage::Confchg { members, .. })
                    if members.len() == lab.nodes as usize =>
                {
                    break;
                }
                Some(_) => {}
                None => anyhow::bail!("stream closed"),
            }
        }
    }
    Ok(groups)
}

async fn throughput(groups: &mut [CpgGroup], size: usize, count: usize) -> anyhow::Result<f64> {
    // 16 concurrent senders spread over the nodes keep the ring busy (one
    // sender waiting for each local round trip would measure the IPC instead).
    const SENDERS: usize = 16;
    let start = Instant::now();
    let mut sends = Vec::new();
    for i in 0..SENDERS {
        let sender = groups[i % groups.len()].sender();
        let n = count / SENDERS + usize::from(i < count % SENDERS);
        sends.push(tokio::spawn(async move {
            for _ in 0..n {
                let mut backoff = 1;
                while let Err(e) = sender.mcast(vec![7u8; size]).await {
                    if e.code() != tonic::Code::Unavailable {
                        return Err(e);
                    }
                    tokio::time::sleep(Duration::from_millis(backoff)).await;
                    backoff = (backoff * 2).min(50);
                }
            }
            Ok(())
        }));
    }
    // Every node must deliver every message.
    let mut readers = Vec::new();
    for g in groups.iter_mut() {
        readers.push(async move {
            let mut n = 0;
            while n < count {
                if let Some(CpgMessage::Deliver { .. }) = g.next().await? {
                    n += 1;
                }
            }
            Ok::<(), anyhow::Error>(())
        });
    }
    for r in readers {
        r.await?;
    }
    for s in sends {
        s.await??;
    }
    Ok(count as f64 / start.elapsed().as_secs_f64())
}

async fn latency(group: &mut CpgGroup, samples: usize) -> anyhow::Result<Duration> {
    let mut lat = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t = Instant::now();
        group.mcast(vec![1u8; 200]).await?;
        loop {
            if let Some(CpgMessage::Deliver { .. }) = group.next().await? {
                break;
            }
        }
        lat.push(t.elapsed());
    }
    lat.sort();
    Ok(lat[lat.len() / 2])
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let spec = LabSpec {
        nodes: 3,
        port: 17_405,
        token: None,
        crypto: true,
        subnet: 77,
    };
    let lab = Lab::create(dir.path(), &spec)?;
    let t0 = Instant::now();
    lab.start_all()?;
    let all: Vec<u32> = (1..=3).collect();
    lab.wait_members(&all, Duration::from_secs(60)).await?;
    let formation = t0.elapsed();

    let result = async {
        let mut groups = join_all(&lab, "bench").await?;
        // Drain the member events of the others' joins.
        let tp1 = throughput(&mut groups, 1024, 20_000).await?;
        let tp64 = throughput(&mut groups, 65_536, 500).await?;
        let med = latency(&mut groups[0], 300).await?;
        let rss: Vec<u64> = (1..=3).filter_map(|k| lab.pid(k)).map(rss_kib).collect();
        drop(groups);
        let token = lab.exec(1, "corosync-cmapctl", &["-q", "-g", "runtime.config.totem.token"])?.1;
        let consensus = lab.exec(1, "corosync-cmapctl", &["-q", "-g", "runtime.config.totem.consensus"])?.1;
        let token: u64 = token.trim().parse().unwrap_or(0);
        let consensus: u64 = consensus.trim().parse().unwrap_or(0);
        let kill_at = Instant::now();
        lab.kill(3)?;
        lab.wait_members(&[1, 2], Duration::from_secs(60)).await?;
        let detect = kill_at.elapsed();
        println!("corosync benchmark: 3 nodes on loopback, udpu + aes256/sha256, Corosync's default timeouts");
        println!("{:<44} {:>18} {:>22}", "figure", "pacemaker-rs", "Debian corosync 3.1.7");
        println!("{:<44} {:>15} ms {:>22}", "start to one quorate ring", formation.as_millis(), "(not measured here)");
        println!("{:<44} {:>14.0} /s {:>22}", "CPG throughput, 1 KiB messages", tp1, "(not measured here)");
        println!("{:<44} {:>14.0} /s {:>22}", "CPG throughput, 64 KiB messages", tp64, "(not measured here)");
        println!("{:<44} {:>15.3} ms {:>22}", "median CPG delivery latency (self, 200 B)", med.as_secs_f64() * 1000.0, "(not measured here)");
        println!(
            "{:<44} {:>15} ms {:>22}",
            format!("failure detection (token {token} + consensus {consensus})"),
            detect.as_millis(),
            "~8030 ms (3650+4380)"
        );
        println!(
            "{:<44} {:>15} MB {:>22}",
            "RSS per daemon (max of 3)",
            rss.iter().max().copied().unwrap_or(0) / 1024,
            "~100 MB"
        );
        println!("goal: detection <= token + consensus + 100 ms = {} ms; RSS < 15 MB", token + consensus + 100);
        Ok::<(), anyhow::Error>(())
    }
    .await;
    lab.down()?;
    result
}
