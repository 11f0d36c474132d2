//! Benchmark of the corosync daemon: 3 nodes with Corosync's default
//! timeouts. Prints the time from start to one quorate ring, CPG throughput
//! (1 KiB and 64 KiB messages), median delivery latency, failure detection
//! against token + consensus, and RSS per daemon (idle and after the load),
//! side by side with Debian's corosync 3.1.7 started by the benchmark
//! itself with the same totem timings and ratios of the two.
//!
//! Ours runs on loopback (127.0.77.1-3, udpu + aes256/sha256). Debian's
//! runs as root in network namespaces on a bridge (10.214.78.1-3, knet +
//! aes256/sha256: Corosync 3 refuses crypto on udpu), each node in a mount
//! namespace with its own /run and /var/lib/corosync; its CPG figures come
//! from `integration/bench/debian_cpg.py` (Python over Debian's libcpg).
//! The whole Pacemaker stack of Debian is measured by
//! `../shared/tools/real-pacemaker/b_three_nodes.py`.
//!
//! Run: `cargo build --release -p pcmk-corosyncd -p pcmk-cli --bins &&
//! cargo run --release -p pcmk-integration --example corosync-bench [-- --no-debian]`

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use pcmk_integration::lab::{Lab, LabSpec};
use pcmk_integration::netns::Netns;
use pcmk_proto::corosync::client::{Corosync, CpgGroup, CpgMessage};

/// Messages per throughput run.
const COUNT_1K: usize = 20_000;
const COUNT_64K: usize = 500;
const LATENCY_SAMPLES: usize = 300;

#[derive(Parser)]
struct Args {
    /// Only measure pacemaker-rs.
    #[arg(long)]
    no_debian: bool,
    /// Folder of Debian's corosync binaries.
    #[arg(long, default_value = "/usr/sbin")]
    debian_sbin: PathBuf,
}

/// What one implementation measured.
#[derive(Default)]
struct Figures {
    formation: Duration,
    tp1: f64,
    tp64: f64,
    latency: Duration,
    detection: Duration,
    token: u64,
    consensus: u64,
    rss_idle: u64,
    rss_load: u64,
}

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

fn max_rss(pids: &[i32]) -> u64 {
    pids.iter().map(|p| rss_kib(*p)).max().unwrap_or(0)
}

// ---------------------------------------------------------------- ours

async fn join_all(lab: &Lab, group: &str) -> Result<Vec<CpgGroup>> {
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
                None => bail!("stream closed"),
            }
        }
    }
    Ok(groups)
}

async fn throughput(groups: &mut [CpgGroup], size: usize, count: usize) -> Result<f64> {
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
    // Every node must deliver every message; the readers run side by side
    // (a stream left unread makes its node refuse that session's sends).
    async fn read(g: &mut CpgGroup, count: usize) -> Result<()> {
        let mut n = 0;
        while n < count {
            match g.next().await? {
                Some(CpgMessage::Deliver { .. }) => n += 1,
                Some(_) => {}
                None => bail!("stream closed"),
            }
        }
        Ok(())
    }
    let [a, b, c] = groups else {
        bail!("the benchmark runs 3 nodes");
    };
    tokio::try_join!(read(a, count), read(b, count), read(c, count))?;
    for s in sends {
        s.await??;
    }
    Ok(count as f64 / start.elapsed().as_secs_f64())
}

async fn latency(group: &mut CpgGroup, samples: usize) -> Result<Duration> {
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

async fn ours(dir: &Path) -> Result<Figures> {
    let spec = LabSpec {
        nodes: 3,
        port: 17_405,
        token: None,
        crypto: true,
        subnet: 77,
    };
    let lab = Lab::create(dir, &spec)?;
    let t0 = Instant::now();
    lab.start_all()?;
    let all: Vec<u32> = (1..=3).collect();
    let result = async {
        lab.wait_members(&all, Duration::from_secs(60)).await?;
        let mut f = Figures {
            formation: t0.elapsed(),
            ..Figures::default()
        };
        let pids: Vec<i32> = (1..=3).filter_map(|k| lab.pid(k)).collect();
        tokio::time::sleep(Duration::from_secs(2)).await;
        f.rss_idle = max_rss(&pids);
        let mut groups = join_all(&lab, "bench").await?;
        f.tp1 = throughput(&mut groups, 1024, COUNT_1K).await?;
        f.tp64 = throughput(&mut groups, 65_536, COUNT_64K).await?;
        f.latency = latency(&mut groups[0], LATENCY_SAMPLES).await?;
        drop(groups);
        tokio::time::sleep(Duration::from_secs(1)).await;
        f.rss_load = max_rss(&pids);
        let get = |key: &str| -> Result<u64> {
            let out = lab.exec(1, "corosync-cmapctl", &["-q", "-g", key])?.1;
            out.trim().parse().with_context(|| format!("{key}: {out}"))
        };
        f.token = get("runtime.config.totem.token")?;
        f.consensus = get("runtime.config.totem.consensus")?;
        let kill_at = Instant::now();
        lab.kill(3)?;
        lab.wait_members(&[1, 2], Duration::from_secs(60)).await?;
        f.detection = kill_at.elapsed();
        Ok(f)
    }
    .await;
    lab.down()?;
    result
}

// ---------------------------------------------------------------- Debian

/// Debian's corosync on three network namespaces.
struct Debian {
    sbin: PathBuf,
    dir: PathBuf,
    ns: Netns,
    pids: Vec<i32>,
}

impl Debian {
    fn config(&self) -> String {
        let mut s = format!(
            "totem {{\n    version: 2\n    cluster_name: debbench\n    transport: knet\n    crypto_cipher: aes256\n    crypto_hash: sha256\n    keyfile: {}\n}}\n\nnodelist {{\n",
            self.dir.join("authkey").display()
        );
        for k in 1..=3 {
            s.push_str(&format!(
                "    node {{\n        ring0_addr: {}\n        name: node{k}\n        nodeid: {k}\n    }}\n",
                self.ns.addr(k)
            ));
        }
        s.push_str("}\n\nquorum {\n    provider: corosync_votequorum\n}\n\nlogging {\n    to_stderr: yes\n    to_syslog: no\n}\n");
        s
    }

    /// Starts node `k`: its own /run and /var/lib/corosync, in its namespace.
    fn start(&mut self, k: u32) -> Result<()> {
        let nd = self.dir.join(format!("node{k}"));
        std::fs::create_dir_all(nd.join("state"))?;
        let log = std::fs::File::create(nd.join("corosync.log"))?;
        let script = "mount -t tmpfs -o mode=755 bench-run /run && mount --bind \"$1\" /var/lib/corosync && exec \"$2\" -f -c \"$3\"";
        let child = self
            .ns
            .command(k, Path::new("unshare"))
            .args([
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                script,
                "sh",
            ])
            .arg(nd.join("state"))
            .arg(self.sbin.join("corosync"))
            .arg(self.dir.join("corosync.conf"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("cannot start Debian's corosync")?;
        self.pids.push(child.id() as i32);
        std::mem::forget(child);
        Ok(())
    }

    fn in_ns(&self, k: u32, program: &Path) -> Command {
        let mut c = Command::new("nsenter");
        c.arg(format!("--net=/run/netns/{}", self.ns.node(k)))
            .arg(program);
        c
    }

    /// (quorate, node count) as `corosync-quorumtool -s` on node `k` says.
    fn quorum(&self, k: u32) -> Option<(bool, u32)> {
        let out = self
            .in_ns(k, &self.sbin.join("corosync-quorumtool"))
            .arg("-s")
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
        };
        Some((field("Quorate:")? == "Yes", field("Nodes:")?.parse().ok()?))
    }

    fn wait_quorate(&self, nodes: &[u32], within: Duration) -> Result<()> {
        let end = Instant::now() + within;
        loop {
            if nodes
                .iter()
                .all(|&k| self.quorum(k) == Some((true, nodes.len() as u32)))
            {
                return Ok(());
            }
            if Instant::now() > end {
                bail!("Debian's corosync: nodes {nodes:?} not quorate within {within:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn cmap_u64(&self, key: &str) -> Result<u64> {
        let out = self
            .in_ns(1, &self.sbin.join("corosync-cmapctl"))
            .args(["-g", key])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        text.rsplit('=')
            .next()
            .and_then(|v| v.trim().parse().ok())
            .with_context(|| format!("{key}: {text}"))
    }

    fn stop(&mut self) {
        for pid in self.pids.drain(..) {
            let pid = nix::unistd::Pid::from_raw(pid);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            for _ in 0..250 {
                if let Ok(nix::sys::wait::WaitStatus::StillAlive) =
                    nix::sys::wait::waitpid(pid, Some(nix::sys::wait::WaitPidFlag::WNOHANG))
                {
                    std::thread::sleep(Duration::from_millis(20));
                } else {
                    break;
                }
            }
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            let _ = nix::sys::wait::waitpid(pid, None);
        }
    }
}

/// A Python CPG client in a node's namespace.
struct Client {
    child: Child,
    tx: ChildStdin,
    rx: BufReader<ChildStdout>,
}

impl Client {
    fn start(deb: &Debian, k: u32, script: &Path) -> Result<Client> {
        let mut child = deb
            .in_ns(k, Path::new("python3"))
            .arg(script)
            .args(["bench", "3"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot run python3")?;
        let tx = child.stdin.take().context("no stdin")?;
        let rx = BufReader::new(child.stdout.take().context("no stdout")?);
        Ok(Client { child, tx, rx })
    }

    fn line(&mut self) -> Result<String> {
        let mut l = String::new();
        if self.rx.read_line(&mut l)? == 0 {
            bail!("the CPG client ended");
        }
        Ok(l.trim().to_string())
    }

    fn send(&mut self, cmd: &str) -> Result<()> {
        writeln!(self.tx, "{cmd}")?;
        Ok(self.tx.flush()?)
    }
}

fn debian_tp(clients: &mut [Client], size: usize, count: usize) -> Result<f64> {
    let n = clients.len();
    let start = Instant::now();
    for (i, c) in clients.iter_mut().enumerate() {
        let mine = count / n + usize::from(i < count % n);
        c.send(&format!("tp {size} {mine} {count}"))?;
    }
    let mut try_again = 0u64;
    for c in clients.iter_mut() {
        let l = c.line()?;
        let Some(rest) = l.strip_prefix("done ") else {
            bail!("CPG client: {l}");
        };
        try_again += rest
            .split_whitespace()
            .nth(1)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
    }
    let rate = count as f64 / start.elapsed().as_secs_f64();
    eprintln!(
        "Debian, {size} B messages: {rate:.0}/s, corosync said \"try again\" {try_again} times"
    );
    Ok(rate)
}

fn debian(sbin: &Path, dir: &Path) -> Result<Figures> {
    if let Some(why) = Netns::unavailable() {
        bail!("{why}");
    }
    if !sbin.join("corosync").exists() {
        bail!("no {}", sbin.join("corosync").display());
    }
    let mut deb = Debian {
        sbin: sbin.to_path_buf(),
        dir: dir.to_path_buf(),
        ns: Netns::new(17_406, 78, 3),
        pids: Vec::new(),
    };
    std::fs::create_dir_all(dir)?;
    let mut key = vec![0u8; 256];
    std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut key)?;
    std::fs::write(dir.join("authkey"), &key)?;
    std::fs::write(dir.join("corosync.conf"), deb.config())?;
    let script = dir.join("debian_cpg.py");
    std::fs::write(&script, include_str!("../bench/debian_cpg.py"))?;
    deb.ns.teardown()?;
    deb.ns.setup()?;
    let result = (|| {
        let t0 = Instant::now();
        for k in 1..=3 {
            deb.start(k)?;
        }
        deb.wait_quorate(&[1, 2, 3], Duration::from_secs(60))?;
        let mut f = Figures {
            formation: t0.elapsed(),
            ..Figures::default()
        };
        std::thread::sleep(Duration::from_secs(2));
        f.rss_idle = max_rss(&deb.pids);
        let mut clients = Vec::new();
        for k in 1..=3 {
            clients.push(Client::start(&deb, k, &script)?);
        }
        for c in &mut clients {
            let l = c.line()?;
            if l != "ready" {
                bail!("CPG client: {l}");
            }
        }
        f.tp1 = debian_tp(&mut clients, 1024, COUNT_1K)?;
        f.tp64 = debian_tp(&mut clients, 65_536, COUNT_64K)?;
        clients[0].send(&format!("lat {LATENCY_SAMPLES}"))?;
        let l = clients[0].line()?;
        let secs: f64 = l
            .strip_prefix("lat ")
            .and_then(|v| v.parse().ok())
            .with_context(|| format!("CPG client: {l}"))?;
        f.latency = Duration::from_secs_f64(secs);
        for mut c in clients {
            let _ = c.send("quit");
            let _ = c.child.wait();
        }
        std::thread::sleep(Duration::from_secs(1));
        f.rss_load = max_rss(&deb.pids);
        f.token = deb.cmap_u64("runtime.config.totem.token")?;
        f.consensus = deb.cmap_u64("runtime.config.totem.consensus")?;
        let victim = nix::unistd::Pid::from_raw(deb.pids[2]);
        let kill_at = Instant::now();
        nix::sys::signal::kill(victim, nix::sys::signal::Signal::SIGKILL)?;
        let _ = nix::sys::wait::waitpid(victim, None);
        deb.wait_quorate(&[1, 2], Duration::from_secs(60))?;
        f.detection = kill_at.elapsed();
        Ok(f)
    })();
    deb.stop();
    deb.ns.teardown()?;
    result
}

// ---------------------------------------------------------------- report

fn ratio(ours: f64, theirs: Option<f64>) -> String {
    match theirs {
        Some(t) if t > 0.0 => format!("{:.2}x", ours / t),
        _ => "-".into(),
    }
}

fn print(ours: &Figures, deb: Option<&Figures>) {
    println!(
        "corosync benchmark: 3 nodes, Corosync's default timeouts, aes256/sha256 (ours: udpu on loopback; Debian 3.1.7: knet in network namespaces)"
    );
    println!(
        "{:<46} {:>14} {:>14} {:>9}",
        "figure", "pacemaker-rs", "Debian", "ours/deb"
    );
    let row = |name: &str, unit: &str, o: f64, d: Option<f64>, prec: usize| {
        let d_text = d.map_or_else(|| "-".to_string(), |d| format!("{d:.prec$} {unit}"));
        println!(
            "{name:<46} {:>14} {d_text:>14} {:>9}",
            format!("{o:.prec$} {unit}"),
            ratio(o, d)
        );
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    row(
        "start to one quorate ring",
        "ms",
        ms(ours.formation),
        deb.map(|d| ms(d.formation)),
        0,
    );
    row(
        "CPG throughput, 1 KiB messages",
        "/s",
        ours.tp1,
        deb.map(|d| d.tp1),
        0,
    );
    row(
        "CPG throughput, 64 KiB messages",
        "/s",
        ours.tp64,
        deb.map(|d| d.tp64),
        0,
    );
    row(
        "median CPG delivery latency (own 200 B msg)",
        "ms",
        ms(ours.latency),
        deb.map(|d| ms(d.latency)),
        3,
    );
    row(
        &format!(
            "failure detection (token {} + consensus {})",
            ours.token, ours.consensus
        ),
        "ms",
        ms(ours.detection),
        deb.map(|d| ms(d.detection)),
        0,
    );
    if let Some(d) = deb {
        println!(
            "{:<46} {:>14} {:>14}",
            "  Debian's token + consensus",
            "",
            format!("{} + {}", d.token, d.consensus)
        );
    }
    let mb = |kib: u64| kib as f64 / 1024.0;
    row(
        "RSS per daemon, idle (max of 3)",
        "MB",
        mb(ours.rss_idle),
        deb.map(|d| mb(d.rss_idle)),
        1,
    );
    row(
        "RSS per daemon, after the CPG load (max of 3)",
        "MB",
        mb(ours.rss_load),
        deb.map(|d| mb(d.rss_load)),
        1,
    );
    println!(
        "goal: detection <= token + consensus + 100 ms = {} ms; RSS < 15 MB; formation faster than Debian's",
        ours.token + ours.consensus + 100
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let ours = ours(&dir.path().join("ours")).await?;
    let deb = if args.no_debian {
        None
    } else {
        let d = dir.path().join("debian");
        let sbin = args.debian_sbin.clone();
        match tokio::task::spawn_blocking(move || debian(&sbin, &d)).await? {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("Debian's corosync not measured: {e:#}");
                None
            }
        }
    };
    print(&ours, deb.as_ref());
    Ok(())
}
