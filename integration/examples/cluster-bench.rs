//! Benchmark of the whole stack on 3 nodes, side by side with Debian's
//! Pacemaker 2.1.5 + Corosync 3.1.7 measured by
//! `../shared/tools/real-pacemaker/b_three_nodes.py` (run by this program,
//! or read from its JSON with `--debian-json`), with the same totem timings
//! (token 3000 ms: 3650 ms effective with 3 nodes, consensus 4380 ms) and
//! the same scenarios:
//!
//! - formation: every node started at once, until `crm_mon -1` on node1
//!   shows a DC, quorum and the 3 nodes online;
//! - idle RSS of the whole stack per node (corosync, pacemakerd and its
//!   daemons);
//! - failover: a Dummy resource (monitor 10 s) placed on a node that is
//!   not the DC by a location constraint of 100; that node is killed
//!   (SIGKILL of every process), or its link is cut; time until a
//!   survivor's `crm_mon -1` (polled every 50 ms) shows it started
//!   elsewhere; median of the trials;
//! - with the link cut (no-quorum-policy=stop, the default), time until
//!   the isolated node's agent has stopped the resource.
//!
//! Ours runs in network namespaces (10.214.90.1-3, udpu + aes256/sha256;
//! Debian's uses knet on 10.213.0.1-3): root and iproute2 are needed.
//! Both stacks run their fencer; fencing is disabled in both.
//!
//! Run: `cargo build --profile dist --workspace --bins &&
//! cargo run --profile dist -p pcmk-integration --example cluster-bench
//! [-- --trials 5] [--no-debian | --debian-json FILE]`
//! (`scripts/bench-cluster` does both).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use pcmk_integration::lab::{Lab, LabSpec};
use pcmk_integration::netns::Netns;
use pcmk_proto::pacemakerd as pb;
use pcmk_proto::pacemakerd::pacemakerd_client::PacemakerdClient;

/// The resource, as b_three_nodes.py names it.
const RSC: &str = "dummy";
/// Time allowed for each stage.
const STAGE: Duration = Duration::from_secs(120);
/// How often `crm_mon -1` is polled, as b_three_nodes.py does.
const POLL: Duration = Duration::from_millis(50);

#[derive(Parser)]
struct Args {
    /// Failover trials of each kind.
    #[arg(long, default_value_t = 5)]
    trials: usize,
    /// Only measure pacemaker-rs.
    #[arg(long)]
    no_debian: bool,
    /// Read Debian's figures from this JSON (b_three_nodes.py --out) instead
    /// of running it.
    #[arg(long)]
    debian_json: Option<PathBuf>,
    /// b_three_nodes.py (default: ../shared/tools/real-pacemaker/ from the
    /// repository, or $PCMK_REAL_PACEMAKER_TOOLS).
    #[arg(long)]
    debian_script: Option<PathBuf>,
    /// totem.token of our lab (Debian's default, as b_three_nodes.py runs it).
    #[arg(long, default_value_t = 3000)]
    token: u32,
}

/// What one implementation measured (seconds, and KiB for memory).
#[derive(Debug, Default, Clone)]
struct Figures {
    formation: Vec<f64>,
    kill: Vec<f64>,
    link: Vec<f64>,
    minority_stop: Vec<f64>,
    rss_kib: Vec<u64>,
    token_ms: u64,
    consensus_ms: u64,
}

fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    Some(if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    })
}

// ---------------------------------------------------------------- ours

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// RSS of each process of node `k`'s stack: corosync, pacemakerd and its
/// subdaemons.
async fn stack_rss(lab: &Lab, k: u32) -> Result<Vec<(String, u64)>> {
    let mut out = Vec::new();
    for (name, p) in [
        ("corosync", lab.pid(k)),
        ("pacemakerd", lab.daemon_pid(k, "pacemakerd")),
    ] {
        if let Some(p) = p {
            out.push((name.to_string(), rss_kib(u32::try_from(p)?)));
        }
    }
    let sock = lab.node_dir(k).join("run").join("pacemakerd.sock");
    let ch = pcmk_proto::uds::connect(&sock).await?;
    let status = PacemakerdClient::new(ch)
        .status(pb::StatusRequest {})
        .await?
        .into_inner();
    for d in status.subdaemons.iter().filter(|d| d.pid != 0) {
        out.push((d.name.clone(), rss_kib(d.pid)));
    }
    Ok(out)
}

fn cmap_u64(lab: &Lab, k: u32, key: &str) -> Result<u64> {
    let (code, out, err) = lab.exec(k, "corosync-cmapctl", &["-g", key])?;
    if code != 0 {
        bail!("corosync-cmapctl -g {key}: {err}");
    }
    out.rsplit('=')
        .next()
        .and_then(|v| v.trim().parse().ok())
        .context("no value")
}

/// Polls `crm_mon -1` on `node` until `done` holds; returns the time from `t0`.
async fn poll_mon(
    lab: &Lab,
    node: u32,
    t0: Instant,
    done: impl Fn(&pcmk_integration::mon::MonView) -> bool,
) -> Result<f64> {
    loop {
        let v = lab.mon(node);
        if done(&v) {
            return Ok(t0.elapsed().as_secs_f64());
        }
        if t0.elapsed() > STAGE {
            bail!("timed out; crm_mon on node{node}:\n{}", v.text);
        }
        tokio::time::sleep(POLL).await;
    }
}

fn exec_ok(lab: &Lab, k: u32, tool: &str, args: &[&str]) -> Result<String> {
    let (code, out, err) = lab.exec(k, tool, args)?;
    if code != 0 {
        bail!("{tool} {args:?} on node{k} exited {code}: {out}{err}");
    }
    Ok(out)
}

/// Waits until the DC's controller has been idle for a second.
async fn wait_settled(lab: &Lab, observer: u32) -> Result<u32> {
    let end = Instant::now() + STAGE;
    let mut idle_since: Option<Instant> = None;
    loop {
        let dc = lab
            .mon(observer)
            .dc
            .and_then(|d| d.strip_prefix("node").and_then(|n| n.parse::<u32>().ok()));
        let idle = match dc {
            Some(dc) => lab
                .exec(dc, "crmadmin", &["-S", &format!("node{dc}")])
                .is_ok_and(|(_, out, _)| out.contains("S_IDLE")),
            None => false,
        };
        match (idle, idle_since, dc) {
            (true, Some(t), Some(dc)) if t.elapsed() >= Duration::from_secs(1) => return Ok(dc),
            (true, None, _) => idle_since = Some(Instant::now()),
            (true, Some(_), _) => {}
            _ => idle_since = None,
        }
        if Instant::now() > end {
            bail!("the cluster did not settle");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Places the resource on node `x` (location 100) and waits until every
/// node sees it started there and the DC is idle.
async fn place_on(lab: &Lab, x: u32) -> Result<u32> {
    let observer = if x == 1 { 2 } else { 1 };
    exec_ok(
        lab,
        observer,
        "cibadmin",
        &[
            "-R",
            "-o",
            "constraints",
            "-X",
            &format!(
                r#"<constraints><rsc_location id="loc-{RSC}" rsc="{RSC}" node="node{x}" score="100"/></constraints>"#
            ),
        ],
    )?;
    let want = format!("node{x}");
    for k in 1..=3 {
        poll_mon(lab, k, Instant::now(), |v| {
            v.online.len() == 3 && v.quorum == Some(true) && v.started_on(RSC) == [want.as_str()]
        })
        .await?;
    }
    wait_settled(lab, observer).await
}

async fn ours(dir: &Path, token: u32, trials: usize) -> Result<Figures> {
    let spec = LabSpec {
        nodes: 3,
        port: 16_490,
        token: Some(token),
        crypto: true,
        subnet: 90,
    };
    let lab = Lab::create_netns(dir, &spec)?;
    let guard = Down(lab.clone());
    lab.link_daemons(&[])?;
    let mut f = Figures::default();

    eprintln!("ours: simultaneous start");
    let t0 = Instant::now();
    for k in 1..=3 {
        lab.start(k)?;
        lab.start_pacemaker(k)?;
    }
    let ready = poll_mon(&lab, 1, t0, |v| {
        v.dc.is_some() && v.quorum == Some(true) && v.online.len() == 3
    })
    .await?;
    eprintln!("ours: ready after {ready:.3} s");
    f.formation.push(ready);
    f.token_ms = cmap_u64(&lab, 1, "runtime.config.totem.token")?;
    f.consensus_ms = cmap_u64(&lab, 1, "runtime.config.totem.consensus")?;
    wait_settled(&lab, 1).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    for k in 1..=3 {
        let each = stack_rss(&lab, k).await?;
        if k == 1 {
            let text: Vec<String> = each
                .iter()
                .map(|(n, kib)| format!("{n} {:.1}", *kib as f64 / 1024.0))
                .collect();
            eprintln!("ours: idle RSS of node1 (MB): {}", text.join(", "));
        }
        f.rss_kib.push(each.iter().map(|(_, kib)| kib).sum());
    }

    exec_ok(
        &lab,
        1,
        "crm_attribute",
        &["-n", "stonith-enabled", "-v", "false"],
    )?;
    exec_ok(
        &lab,
        1,
        "cibadmin",
        &[
            "-C",
            "-o",
            "resources",
            "-X",
            &format!(
                r#"<primitive id="{RSC}" class="ocf" provider="pcmk-lab" type="Dummy"><meta_attributes id="{RSC}-meta"><nvpair id="{RSC}-meta-target-role" name="target-role" value="Started"/></meta_attributes><operations><op id="{RSC}-monitor-10s" name="monitor" interval="10s"/></operations></primitive>"#
            ),
        ],
    )?;

    for mode in ["kill", "link"] {
        for i in 0..trials {
            let dc = wait_settled(&lab, 1).await?;
            let x = (1..=3).rev().find(|&k| k != dc).context("no node")?;
            let dc = place_on(&lab, x).await?;
            let survivors: Vec<u32> = (1..=3).filter(|&k| k != x).collect();
            let observer = if survivors.contains(&dc) {
                dc
            } else {
                survivors[0]
            };
            if !lab.dummy_state(x, RSC).exists() {
                bail!("the Dummy state file is not on node{x}");
            }
            let t0 = Instant::now();
            let xname = format!("node{x}");
            let minority = if mode == "kill" {
                lab.kill_node(x)?;
                None
            } else {
                lab.partition(&[survivors.clone(), vec![x]])?;
                // The isolated node's agent state file, polled every 10 ms.
                let state = lab.dummy_state(x, RSC);
                Some(tokio::spawn(async move {
                    while state.exists() {
                        if t0.elapsed() > STAGE {
                            return None;
                        }
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                    Some(t0.elapsed().as_secs_f64())
                }))
            };
            let failover = poll_mon(&lab, observer, t0, |v| {
                v.started_on(RSC)
                    .first()
                    .is_some_and(|n| *n != xname && v.started_on(RSC).len() == 1)
            })
            .await?;
            let stopped = match minority {
                Some(h) => h.await?,
                None => None,
            };
            eprintln!(
                "ours: {mode} trial {}: node{x} (DC node{dc}), started elsewhere after {failover:.3} s{}",
                i + 1,
                stopped.map_or(String::new(), |s| format!(
                    ", the isolated node stopped it after {s:.3} s"
                ))
            );
            if mode == "kill" {
                f.kill.push(failover);
                lab.start(x)?;
                lab.start_pacemaker(x)?;
            } else {
                f.link.push(failover);
                f.minority_stop.extend(stopped);
                lab.heal()?;
            }
            // Back to 3 nodes with the resource on x again.
            let want = format!("node{x}");
            poll_mon(&lab, observer, Instant::now(), |v| {
                v.online.len() == 3
                    && v.quorum == Some(true)
                    && v.started_on(RSC) == [want.as_str()]
            })
            .await?;
        }
    }
    drop(guard);
    Ok(f)
}

/// Brings a lab down when dropped (also on errors).
struct Down(Lab);

impl Drop for Down {
    fn drop(&mut self) {
        let _ = self.0.down();
    }
}

// ---------------------------------------------------------------- Debian

/// Reads the figures from b_three_nodes.py's JSON (with python3, which the
/// script needs anyway).
fn read_debian(json: &Path) -> Result<Figures> {
    const PICK: &str = r#"
import json, sys
d = json.load(open(sys.argv[1]))
for s in d.get("startup", []):
    r = s.get("events_s", {}).get("ready")
    if r is not None: print("formation", r)
for t in d.get("trials", []):
    if t.get("failover_s") is not None: print(t["mode"], t["failover_s"])
    s = t.get("isolated", {}).get("x_agent_stopped_s")
    if s is not None: print("minority", s)
for node, daemons in d.get("rss_idle", {}).items():
    print("rss", sum((v.get("VmRSS_kB") or 0) for v in daemons.values()))
for l in d.get("totem_runtime", []):
    k, _, v = l.partition("=")
    k = k.split()[0]
    if k in ("runtime.config.totem.token", "runtime.config.totem.consensus"):
        print(k.rsplit(".", 1)[1], v.strip())
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(PICK)
        .arg(json)
        .output()
        .context("cannot run python3")?;
    if !out.status.success() {
        bail!(
            "cannot read {}: {}",
            json.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut f = Figures::default();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((k, v)) = line.split_once(' ') else {
            continue;
        };
        let x: f64 = v.trim().parse().unwrap_or(f64::NAN);
        match k {
            "formation" => f.formation.push(x),
            "kill" => f.kill.push(x),
            "link" => f.link.push(x),
            "minority" => f.minority_stop.push(x),
            "rss" => f.rss_kib.push(x as u64),
            "token" => f.token_ms = x as u64,
            "consensus" => f.consensus_ms = x as u64,
            _ => {}
        }
    }
    Ok(f)
}

fn debian_script(args: &Args) -> PathBuf {
    if let Some(p) = &args.debian_script {
        return p.clone();
    }
    let tools = std::env::var_os("PCMK_REAL_PACEMAKER_TOOLS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/tools/real-pacemaker"),
        PathBuf::from,
    );
    tools.join("b_three_nodes.py")
}

fn run_debian(script: &Path, trials: usize, out: &Path) -> Result<Figures> {
    if !script.exists() {
        bail!("{} not found", script.display());
    }
    eprintln!("Debian: running {} (takes minutes)", script.display());
    let status = Command::new("python3")
        .arg(script)
        .arg("--trials")
        .arg(trials.to_string())
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot run python3")?;
    if !status.success() {
        bail!("{} failed ({status})", script.display());
    }
    read_debian(out)
}

// ---------------------------------------------------------------- report

fn print(ours: &Figures, deb: Option<&Figures>) {
    println!(
        "Cluster benchmark: 3 nodes, token {} ms, consensus {} ms (effective, ours); fencing disabled",
        ours.token_ms, ours.consensus_ms
    );
    if let Some(d) = deb {
        println!(
            "Debian's Pacemaker 2.1.5 + Corosync 3.1.7: token {} ms, consensus {} ms",
            d.token_ms, d.consensus_ms
        );
    }
    println!(
        "{:<60} {:>13} {:>13} {:>9}",
        "figure (median)", "pacemaker-rs", "Debian", "ours/deb"
    );
    let row = |name: &str, o: Option<f64>, d: Option<f64>, unit: &str, prec: usize| {
        let show =
            |x: Option<f64>| x.map_or_else(|| "-".to_string(), |x| format!("{x:.prec$} {unit}"));
        let ratio = match (o, d) {
            (Some(o), Some(d)) if d > 0.0 => format!("{:.2}x", o / d),
            _ => "-".to_string(),
        };
        println!("{name:<60} {:>13} {:>13} {ratio:>9}", show(o), show(d));
    };
    let get =
        |f: Option<&Figures>, pick: fn(&Figures) -> &Vec<f64>| f.and_then(|f| median(pick(f)));
    row(
        "simultaneous start to DC + quorum + 3 online",
        get(Some(ours), |f| &f.formation),
        get(deb, |f| &f.formation),
        "s",
        2,
    );
    row(
        &format!(
            "kill -9 of the resource's node to started elsewhere (n={})",
            ours.kill.len()
        ),
        get(Some(ours), |f| &f.kill),
        get(deb, |f| &f.kill),
        "s",
        2,
    );
    row(
        &format!("link cut to started elsewhere (n={})", ours.link.len()),
        get(Some(ours), |f| &f.link),
        get(deb, |f| &f.link),
        "s",
        2,
    );
    row(
        "link cut to the isolated node's agent stopped",
        get(Some(ours), |f| &f.minority_stop),
        get(deb, |f| &f.minority_stop),
        "s",
        2,
    );
    let rss = |f: &Figures| {
        (!f.rss_kib.is_empty())
            .then(|| f.rss_kib.iter().sum::<u64>() as f64 / f.rss_kib.len() as f64 / 1024.0)
    };
    row(
        "idle RSS of the whole stack per node (mean)",
        rss(ours),
        deb.and_then(rss),
        "MB",
        1,
    );
    let budget = (ours.token_ms + ours.consensus_ms + 300) as f64 / 1000.0;
    let max = |v: &[f64]| v.iter().copied().fold(f64::NAN, f64::max);
    println!(
        "all trials (s): kill {:?}; link {:?}; minority {:?}",
        ours.kill, ours.link, ours.minority_stop
    );
    println!(
        "goals: formation < 2 s: {}; failover <= token + consensus + 300 ms = {budget:.2} s: {} (worst {:.2} s); RSS < 1/4 of Debian's: {}",
        yes(median(&ours.formation).is_some_and(|x| x < 2.0)),
        yes(median(&ours.kill).is_some_and(|x| x <= budget)
            && median(&ours.link).is_some_and(|x| x <= budget)),
        max(&ours.kill).max(max(&ours.link)),
        match (rss(ours), deb.and_then(rss)) {
            (Some(o), Some(d)) => yes(o < d / 4.0),
            _ => "-",
        }
    );
}

fn yes(b: bool) -> &'static str {
    if b { "met" } else { "NOT met" }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(why) = Netns::unavailable() {
        bail!("the benchmark runs the nodes in network namespaces: {why}");
    }
    let dir = tempfile::tempdir()?;
    let ours = ours(&dir.path().join("ours"), args.token, args.trials).await?;
    let deb = if let Some(json) = &args.debian_json {
        Some(read_debian(json)?)
    } else if args.no_debian {
        None
    } else {
        let script = debian_script(&args);
        let out = dir.path().join("debian.json");
        let trials = args.trials;
        match tokio::task::spawn_blocking(move || run_debian(&script, trials, &out)).await? {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("Debian's stack not measured: {e:#}");
                None
            }
        }
    };
    print(&ours, deb.as_ref());
    Ok(())
}
