//! The Pacemaker layer of a lab: each node runs `pacemakerd`, which starts
//! the daemons found in the lab's daemon folder (`daemons/`, links to the
//! project's binaries, leaving out those asked for), with the node's own
//! run, state and corosync directories, OCF root and log file.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use pcmk_based::client::CibClient;
use pcmk_based::request::Target;

use crate::lab::Lab;

/// The subdaemons pacemakerd knows, in its start order.
pub const DAEMONS: [&str; 6] = [
    "pacemaker-based",
    "pacemaker-fenced",
    "pacemaker-execd",
    "pacemaker-attrd",
    "pacemaker-schedulerd",
    "pacemaker-controld",
];

/// The OCF agent the lab ships (provider `pcmk-lab`, type `Dummy`).
pub const DUMMY_AGENT: &str = include_str!("../agents/Dummy");

/// How long bringing a lab up took, from the start.
#[derive(Debug, Clone)]
pub struct UpTimes {
    /// Until one quorate ring of every node.
    pub ring: Duration,
    /// Until every CIB manager answered.
    pub cib: Duration,
    /// The DC and when every node named it (with a controller).
    pub dc: Option<(String, Duration)>,
}

impl Lab {
    /// The folder pacemakerd takes its subdaemons from.
    pub fn daemon_dir(&self) -> PathBuf {
        self.dir.join("daemons")
    }

    /// The lab's OCF root (`resource.d/pcmk-lab/Dummy`).
    pub fn ocf_root(&self) -> PathBuf {
        self.dir.join("ocf")
    }

    /// Where the lab's fencers look for fence agents (empty unless a test
    /// puts one there).
    pub fn fence_agent_dir(&self) -> PathBuf {
        self.dir.join("fence")
    }

    /// Fills the daemon folder with links to every built subdaemon except
    /// those in `without`, and installs the lab's OCF agent; returns the
    /// subdaemons linked.
    pub fn link_daemons(&self, without: &[String]) -> Result<Vec<String>> {
        let dir = self.daemon_dir();
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        let mut linked = Vec::new();
        for d in DAEMONS {
            let src = self.bin_dir.join(d);
            if src.exists() && !without.iter().any(|w| w == d) {
                std::os::unix::fs::symlink(&src, dir.join(d))?;
                linked.push(d.to_string());
            }
        }
        let agents = self.ocf_root().join("resource.d").join("pcmk-lab");
        std::fs::create_dir_all(&agents)?;
        let agent = agents.join("Dummy");
        std::fs::write(&agent, DUMMY_AGENT)?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755))?;
        std::fs::create_dir_all(self.fence_agent_dir())?;
        open_up(&self.dir)?;
        Ok(linked)
    }

    /// Whether node `k`'s stack includes `daemon`.
    pub fn has_daemon(&self, daemon: &str) -> bool {
        self.daemon_dir().join(daemon).exists()
    }

    /// Starts node `k`'s pacemakerd (which waits for corosync).
    pub fn start_pacemaker(&self, k: u32) -> Result<()> {
        self.start_daemon(k, "pacemakerd", &[])
    }

    /// Stops node `k`'s pacemakerd, which stops its daemons first.
    pub fn stop_pacemaker(&self, k: u32) -> Result<()> {
        self.stop_daemon(k, "pacemakerd")?;
        self.sweep(k);
        Ok(())
    }

    /// Kills everything of node `k` at once (corosync, pacemakerd, every
    /// daemon and agent), as a power loss would.
    pub fn kill_node(&self, k: u32) -> Result<()> {
        let _ = self.kill(k);
        self.sweep(k);
        Ok(())
    }

    /// Kills every process left that belongs to node `k` (by its run
    /// directory in the process's environment), until none is left: a
    /// process may fork (pacemakerd respawning a daemon, the executor
    /// running an agent) between the listing and the kill.
    pub fn sweep(&self, k: u32) {
        let marker = format!("PCMK_run_dir={}", self.node_dir(k).join("run").display());
        let end = Instant::now() + Duration::from_secs(5);
        let mut killed = std::collections::BTreeSet::new();
        loop {
            for &pid in &killed {
                crate::lab::reap(pid);
            }
            let left = processes_with_env(&marker);
            if left.is_empty() || Instant::now() > end {
                break;
            }
            for pid in left {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
                killed.insert(pid);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.wait_daemon_gone(k, "pacemakerd", Duration::from_secs(2));
    }

    /// Waits until node `k`'s CIB manager answers a query.
    pub async fn wait_cib(&self, k: u32, within: Duration) -> Result<()> {
        let sock = self.node_dir(k).join("run").join("based.sock");
        let end = Instant::now() + within;
        loop {
            let last = match CibClient::connect(&sock).await {
                Ok(mut c) => match c.query_xml(Target::All).await {
                    Ok(_) => return Ok(()),
                    Err(e) => e.to_string(),
                },
                Err(e) => e.to_string(),
            };
            if Instant::now() > end {
                bail!("the CIB of node {k} did not answer within {within:?}: {last}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The DC as node `k`'s controller names it, if it has one.
    pub async fn dc(&self, k: u32) -> Option<String> {
        let sock = self.node_dir(k).join("run").join("controld.sock");
        let ch = pcmk_proto::uds::connect(&sock).await.ok()?;
        let r = pcmk_proto::controld::controller_client::ControllerClient::new(ch)
            .designated_controller(pcmk_proto::controld::DcRequest {})
            .await
            .ok()?
            .into_inner();
        (!r.dc.is_empty()).then_some(r.dc)
    }

    /// Waits until every node of `nodes` names the same DC; returns it.
    pub async fn wait_dc(&self, nodes: &[u32], within: Duration) -> Result<String> {
        let end = Instant::now() + within;
        loop {
            let mut seen = Vec::new();
            for &k in nodes {
                seen.push(self.dc(k).await);
            }
            if let Some(Some(first)) = seen.first() {
                if seen.iter().all(|d| d.as_deref() == Some(first.as_str())) {
                    return Ok(first.clone());
                }
            }
            if Instant::now() > end {
                bail!("no DC agreed within {within:?}: {seen:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Starts every node's corosync and pacemakerd and waits for one
    /// quorate ring, every CIB manager, and a DC when the controller is
    /// part of the stack; returns how long each stage took.
    pub async fn up_all(&self, within: Duration) -> Result<UpTimes> {
        let start = Instant::now();
        self.start_all()?;
        let all: Vec<u32> = (1..=self.nodes).collect();
        let ring = self.wait_members(&all, within).await?;
        for &k in &all {
            self.start_pacemaker(k)?;
        }
        for &k in &all {
            self.wait_cib(k, within).await?;
        }
        let cib = start.elapsed();
        let dc = if self.has_daemon("pacemaker-controld") {
            let name = self.wait_dc(&all, within).await?;
            Some((name, start.elapsed()))
        } else {
            None
        };
        Ok(UpTimes { ring, cib, dc })
    }

    /// Brings node `k`'s Pacemaker up after its corosync: pacemakerd, then
    /// waits for its CIB manager.
    pub async fn up_pacemaker(&self, k: u32, within: Duration) -> Result<()> {
        self.start_pacemaker(k)?;
        self.wait_cib(k, within).await
    }
}

/// As root, pacemakerd runs most daemons as `hacluster`: let them pass
/// through the lab folder (a private temporary folder is 0700).
fn open_up(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if nix::unistd::geteuid().is_root() {
        let mode = std::fs::metadata(dir)?.permissions().mode();
        if mode & 0o011 != 0o011 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode | 0o011))?;
        }
    }
    Ok(())
}

/// Processes (not zombies) whose environment holds `entry` (`NAME=value`).
fn processes_with_env(entry: &str) -> Vec<i32> {
    let Ok(rd) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let me = std::process::id();
    rd.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| u32::try_from(pid).is_ok_and(|p| p != me))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|&b| b == 0).any(|kv| kv == entry.as_bytes()))
        })
        .filter(|pid| {
            !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.split_whitespace().nth(2) == Some("Z"))
        })
        .collect()
}
