//! `pcmk-lab demo`: three nodes, a floating `ocf:pcmk-lab:Dummy`
//! resource, `crm_mon`, then the node running the resource is killed and
//! the resource starts elsewhere. Where the resource runs is read from the
//! agent's own state file in each node's run directory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use pcmk_based::client::CibClient;
use pcmk_based::request::{CallOptions, Operation, Request, Target};

use crate::lab::{Lab, LabSpec};

/// The demo's resource.
pub const RESOURCE: &str = "dummy";
/// The binaries the whole demo runs: the stack and `crm_mon`.
pub const BINARIES: [&str; 9] = [
    "corosync",
    "pacemakerd",
    "pacemaker-based",
    "pacemaker-fenced",
    "pacemaker-execd",
    "pacemaker-attrd",
    "pacemaker-schedulerd",
    "pacemaker-controld",
    "crm_mon",
];
/// Those without which nothing runs at all.
const REQUIRED: [&str; 3] = ["corosync", "pacemakerd", "pacemaker-based"];
/// How long each stage may take.
const STAGE: Duration = Duration::from_secs(90);

/// The configuration the demo loads: no fencing (the lab has no fence
/// devices), and one Dummy resource monitored every 5 s.
pub fn configuration() -> String {
    format!(
        r#"<configuration>
  <crm_config>
    <cluster_property_set id="cib-bootstrap-options">
      <nvpair id="cib-bootstrap-options-fencing-enabled" name="fencing-enabled" value="false"/>
      <nvpair id="cib-bootstrap-options-cluster-recheck-interval" name="cluster-recheck-interval" value="1min"/>
    </cluster_property_set>
  </crm_config>
  <resources>
    <primitive id="{RESOURCE}" class="ocf" provider="pcmk-lab" type="Dummy">
      <operations>
        <op id="{RESOURCE}-monitor-5s" name="monitor" interval="5s"/>
      </operations>
    </primitive>
  </resources>
</configuration>"#
    )
}

/// The node whose agent state file says the resource runs there.
pub fn running_on(lab: &Lab, nodes: &[u32]) -> Vec<u32> {
    nodes
        .iter()
        .copied()
        .filter(|&k| state_file(lab, k).exists())
        .collect()
}

fn state_file(lab: &Lab, k: u32) -> PathBuf {
    lab.node_dir(k)
        .join("run")
        .join(format!("pcmk-lab-Dummy-{RESOURCE}.state"))
}

/// Loads [`configuration`] into node `k`'s CIB.
pub async fn configure(lab: &Lab, k: u32) -> Result<()> {
    let sock = lab.node_dir(k).join("run").join("based.sock");
    let mut c = CibClient::connect(&sock).await?.with_name("pcmk-lab");
    let xml = pcmk_common::xml::parse(&configuration())?;
    let mut r =
        Request::new(Operation::Modify, Target::Section("configuration".into())).with_input(xml);
    r.options = CallOptions {
        allow_create: true,
        ..CallOptions::default()
    };
    let reply = c.perform(&r).await?;
    if reply.exit_code != pcmk_common::exit::CrmExit::OK {
        bail!("could not configure node {k}'s CIB: {}", reply.error);
    }
    Ok(())
}

/// Whether node `k`'s CIB holds the demo's resource within `within`.
async fn has_resource(lab: &Lab, k: u32, within: Duration) -> bool {
    let sock = lab.node_dir(k).join("run").join("based.sock");
    let end = Instant::now() + within;
    loop {
        if let Ok(mut c) = CibClient::connect(&sock).await {
            if let Ok(doc) = c.query_xml(Target::All).await {
                if doc
                    .descendants()
                    .any(|e| e.name == "primitive" && e.id() == Some(RESOURCE))
                {
                    return true;
                }
            }
        }
        if Instant::now() > end {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Prints `crm_mon -1` as node `k` sees it; returns what it printed.
fn show(lab: &Lab, k: u32, title: &str) -> String {
    println!("\n=== {title} (crm_mon -1 on node{k}) ===");
    let text = if !lab.bin_dir.join("crm_mon").exists() {
        if lab.bin_dir.join("cibadmin").exists() {
            let mut t =
                "(crm_mon is not built yet; the resources as cibadmin shows them)\n".to_string();
            if let Ok((_, out, err)) = lab.exec(k, "cibadmin", &["--query", "--scope", "resources"])
            {
                t.push_str(&out);
                t.push_str(&err);
            }
            t
        } else {
            "(crm_mon is not built yet)\n".to_string()
        }
    } else {
        match lab.exec(k, "crm_mon", &["-1"]) {
            Ok((_, out, err)) => format!("{out}{err}"),
            Err(e) => format!("(crm_mon failed: {e:#})\n"),
        }
    };
    print!("{text}");
    text
}

async fn wait_running(lab: &Lab, nodes: &[u32]) -> Result<u32> {
    let end = Instant::now() + STAGE;
    loop {
        if let [k] = running_on(lab, nodes)[..] {
            return Ok(k);
        }
        if Instant::now() > end {
            bail!(
                "{RESOURCE} did not start on exactly one of {nodes:?} within {STAGE:?} (on {:?})",
                running_on(lab, nodes)
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What a demo run saw.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The DC once every node was up (none without a controller).
    pub dc: Option<String>,
    /// The node the resource first started on.
    pub first: Option<u32>,
    /// The node it recovered on after `first` was killed.
    pub second: Option<u32>,
    /// From the kill to the resource running on `second`.
    pub failover: Option<Duration>,
    /// `crm_mon -1` before the kill.
    pub before: String,
    /// `crm_mon -1` after the recovery.
    pub after: String,
}

async fn demo(lab: &Lab) -> Result<Outcome> {
    let mut outcome = Outcome::default();
    let linked = lab.link_daemons(&[])?;
    println!("Daemons on each node: {}", linked.join(" "));
    let t = lab.up_all(STAGE).await?;
    println!(
        "3 nodes up: one quorate ring after {} ms, every CIB manager after {} ms",
        t.ring.as_millis(),
        t.cib.as_millis()
    );
    let all = [1, 2, 3];
    configure(lab, 1).await?;
    // The CIB managers replicate it; one that does not get it gets it
    // directly.
    for k in [2, 3] {
        if !has_resource(lab, k, Duration::from_secs(5)).await {
            println!("node{k}'s CIB did not receive the change: configuring it directly");
            configure(lab, k).await?;
        }
    }
    println!("Configured resource {RESOURCE} (ocf:pcmk-lab:Dummy), fencing-enabled=false");
    let Some((dc, at)) = t.dc else {
        outcome.before = show(lab, 1, "Cluster");
        println!(
            "\npacemaker-controld is not built yet: no DC, so nothing is placed. The demo stops here."
        );
        return Ok(outcome);
    };
    println!("DC: {dc} (after {} ms)", at.as_millis());
    outcome.dc = Some(dc);
    let started = Instant::now();
    let first = wait_running(lab, &all).await?;
    println!(
        "{RESOURCE} started on node{first} after {} ms",
        started.elapsed().as_millis()
    );
    outcome.first = Some(first);
    outcome.before = show(lab, first, "Before");
    println!("\nKilling node{first} (corosync, pacemakerd and every daemon)");
    let killed = Instant::now();
    lab.kill_node(first)?;
    let rest: Vec<u32> = all.iter().copied().filter(|&k| k != first).collect();
    let second = wait_running(lab, &rest).await?;
    let failover = killed.elapsed();
    println!(
        "{RESOURCE} recovered on node{second} {} ms after the kill",
        failover.as_millis()
    );
    outcome.second = Some(second);
    outcome.failover = Some(failover);
    outcome.after = show(lab, second, "After");
    Ok(outcome)
}

/// Runs the demo in lab folder `dir` (replacing any lab there), then
/// stops the lab; returns the exit code.
pub fn run(dir: &Path, port: u16) -> Result<u8> {
    run_in(dir, port, 0).map(|_| 0)
}

/// Runs the demo in lab folder `dir` with the ring on `port` and the
/// nodes on 127.0.`subnet`.K, then stops the lab; returns what it saw.
pub fn run_in(dir: &Path, port: u16, subnet: u8) -> Result<Outcome> {
    let bin_dir = crate::lab::bin_dir();
    let missing: Vec<&str> = BINARIES
        .iter()
        .copied()
        .filter(|b| !bin_dir.join(b).exists())
        .collect();
    if missing.iter().any(|b| REQUIRED.contains(b)) {
        bail!(
            "{} not found in {}: build the binaries first (cargo build --release, or cargo build for a debug lab)",
            missing.join(", "),
            bin_dir.display()
        );
    }
    if !missing.is_empty() {
        println!(
            "Not built, so left out: {} (build every binary for the whole demo)",
            missing.join(", ")
        );
    }
    if let Ok(old) = Lab::open(dir) {
        old.down()?;
    }
    let lab = Lab::create(
        dir,
        &LabSpec {
            nodes: 3,
            port,
            token: Some(1000),
            crypto: true,
            subnet,
        },
    )?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    let result = rt.block_on(demo(&lab));
    // Closes the runtime's connections to the daemons, which would
    // otherwise hold up their graceful shutdown.
    drop(rt);
    println!("\nStopping the lab (files stay in {})", dir.display());
    lab.down()?;
    result
}
