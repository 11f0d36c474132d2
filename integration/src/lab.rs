//! A cluster of real daemons on one machine, one folder per node.
//!
//! Layout of a lab folder: `lab.conf` (node count and port), then per node
//! `nodeK/` with `corosync.conf`, `run/` (sockets, `COROSYNC_RUN_DIR` and
//! `PCMK_run_dir`), `state/`, `corosync.log` and `corosync.pid`, and with
//! the Pacemaker layer ([`crate::stack`]) `pacemaker.log` (every daemon's
//! log) and `pacemakerd.pid`; one `authkey` shared by all, and `daemons/`
//! (the subdaemons pacemakerd runs) and `ocf/` (the lab's OCF agents).
//! Node K has nodeid K, name `nodeK` and address 127.0.0.K, or with
//! `--netns` 10.214.S.K in a network namespace of its own (see
//! [`crate::netns`]), where partitions can be made (root and iproute2).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::netns::Netns;

/// Default UDP port of lab clusters (away from a real corosync's 5405).
pub const DEFAULT_PORT: u16 = 15405;

/// How to build a lab cluster.
#[derive(Debug, Clone)]
pub struct LabSpec {
    /// Number of nodes (1 to 32).
    pub nodes: u32,
    /// UDP port.
    pub port: u16,
    /// `totem.token` (ms), or Corosync's default.
    pub token: Option<u32>,
    /// Encrypt with the authkey.
    pub crypto: bool,
    /// Node K gets 127.0.SUBNET.K (0 by default), so labs can run side by side.
    pub subnet: u8,
}

impl Default for LabSpec {
    fn default() -> Self {
        LabSpec {
            nodes: 3,
            port: DEFAULT_PORT,
            token: None,
            crypto: true,
            subnet: 0,
        }
    }
}

/// A lab folder and the cluster in it.
#[derive(Debug, Clone)]
pub struct Lab {
    /// The folder.
    pub dir: PathBuf,
    /// Number of nodes.
    pub nodes: u32,
    /// UDP port.
    pub port: u16,
    /// Folder with the binaries.
    pub bin_dir: PathBuf,
    /// Third byte of the nodes' loopback addresses.
    pub subnet: u8,
    /// Each node runs in its own network namespace.
    pub netns: bool,
}

/// The well-known lab folder under the system's temp directory.
pub fn default_dir() -> PathBuf {
    std::env::temp_dir().join("pcmk-lab")
}

/// The folder holding the project's binaries, found from the running executable
/// (`target/<profile>/` for binaries, `target/<profile>/deps/` for tests).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    let nested = dir
        .file_name()
        .is_some_and(|n| n == "deps" || n == "examples");
    if dir.join("corosync").exists() || !nested {
        return dir;
    }
    dir.parent().map(Path::to_path_buf).unwrap_or(dir)
}

impl Lab {
    /// Opens an existing lab folder.
    pub fn open(dir: &Path) -> Result<Lab> {
        let conf = std::fs::read_to_string(dir.join("lab.conf"))
            .with_context(|| format!("no lab in {} (run pcmk-lab up first)", dir.display()))?;
        let mut nodes = 0;
        let mut port = DEFAULT_PORT;
        let mut subnet = 0;
        let mut netns = false;
        for line in conf.lines() {
            if let Some(v) = line.strip_prefix("netns=") {
                netns = v.trim() == "1";
            }
            if let Some(v) = line.strip_prefix("subnet=") {
                subnet = v.trim().parse()?;
            }
            if let Some(v) = line.strip_prefix("nodes=") {
                nodes = v.trim().parse()?;
            }
            if let Some(v) = line.strip_prefix("port=") {
                port = v.trim().parse()?;
            }
        }
        Ok(Lab {
            dir: dir.to_path_buf(),
            nodes,
            port,
            bin_dir: bin_dir(),
            subnet,
            netns,
        })
    }

    /// Writes the configuration of a new cluster into `dir`.
    pub fn create(dir: &Path, spec: &LabSpec) -> Result<Lab> {
        Self::create_with(dir, spec, false)
    }

    /// Writes the configuration of a new cluster whose nodes each run in a
    /// network namespace of their own (made when the nodes start).
    pub fn create_netns(dir: &Path, spec: &LabSpec) -> Result<Lab> {
        Self::create_with(dir, spec, true)
    }

    fn create_with(dir: &Path, spec: &LabSpec, netns: bool) -> Result<Lab> {
        if !(1..=32).contains(&spec.nodes) {
            bail!("a lab has 1 to 32 nodes");
        }
        std::fs::create_dir_all(dir)?;
        if dir.join("lab.conf").exists() {
            // A new lab starts empty: an earlier lab's CIBs, logs and agent
            // state files (left by a killed node) would otherwise carry over.
            clear_nodes(dir)?;
        }
        std::fs::write(
            dir.join("lab.conf"),
            format!(
                "nodes={}\nport={}\nsubnet={}\nnetns={}\n",
                spec.nodes,
                spec.port,
                spec.subnet,
                u8::from(netns)
            ),
        )?;
        let key = dir.join("authkey");
        write_key(&key)?;
        let lab = Lab {
            dir: dir.to_path_buf(),
            nodes: spec.nodes,
            port: spec.port,
            bin_dir: bin_dir(),
            subnet: spec.subnet,
            netns,
        };
        if netns {
            // Namespaces left behind by an earlier lab on this port go first.
            lab.namespaces().teardown()?;
        }
        for k in 1..=spec.nodes {
            let nd = lab.node_dir(k);
            std::fs::create_dir_all(nd.join("run"))?;
            std::fs::create_dir_all(nd.join("state"))?;
            std::fs::write(nd.join("corosync.conf"), lab.config_text(k, spec, &key))?;
        }
        Ok(lab)
    }

    /// The corosync.conf of node `k`.
    pub fn config_text(&self, k: u32, spec: &LabSpec, key: &Path) -> String {
        let mut s = String::from(
            "totem {\n    version: 2\n    cluster_name: pcmklab\n    transport: udpu\n",
        );
        s.push_str(&format!("    nodeid: {k}\n"));
        if let Some(t) = spec.token {
            s.push_str(&format!("    token: {t}\n"));
        }
        if spec.crypto {
            s.push_str(&format!(
                "    crypto_cipher: aes256\n    crypto_hash: sha256\n    keyfile: {}\n",
                key.display()
            ));
        }
        s.push_str(&format!("    interface {{\n        linknumber: 0\n        mcastport: {}\n    }}\n}}\n\nnodelist {{\n", self.port));
        for n in 1..=spec.nodes {
            s.push_str(&format!(
                "    node {{\n        ring0_addr: {}\n        name: node{n}\n        nodeid: {n}\n    }}\n",
                self.addr(n)
            ));
        }
        s.push_str("}\n\nquorum {\n    provider: corosync_votequorum\n}\n\n# The Pacemaker daemons run as hacluster:haclient when started by root.\nuidgid {\n    gid: haclient\n}\n\nlogging {\n    to_stderr: yes\n    timestamp: on\n}\n");
        s
    }

    /// The address of node `k`.
    pub fn addr(&self, k: u32) -> String {
        if self.netns {
            self.namespaces().addr(k)
        } else {
            format!("127.0.{}.{k}", self.subnet)
        }
    }

    /// The lab's network namespaces (used when [`Lab::netns`] is set).
    pub fn namespaces(&self) -> Netns {
        Netns::new(self.port, self.subnet, self.nodes)
    }

    /// Folder of node `k`.
    pub fn node_dir(&self, k: u32) -> PathBuf {
        self.dir.join(format!("node{k}"))
    }

    /// Environment that points tools at node `k`.
    pub fn env(&self, k: u32) -> Vec<(String, PathBuf)> {
        let nd = self.node_dir(k);
        vec![
            ("COROSYNC_RUN_DIR".into(), nd.join("run")),
            ("COROSYNC_STATE_DIR".into(), nd.join("state")),
            ("PCMK_run_dir".into(), nd.join("run")),
            ("PCMK_state_dir".into(), nd.join("state")),
        ]
    }

    /// Environment for the Pacemaker daemons of node `k`: the tools'
    /// environment, the node's name, and logging into the node's folder
    /// (never the host's syslog or log files).
    pub fn daemon_env(&self, k: u32) -> Vec<(String, PathBuf)> {
        let nd = self.node_dir(k);
        let mut env = self.env(k);
        env.push(("PCMK_node_name".into(), PathBuf::from(format!("node{k}"))));
        env.push(("PCMK_logfile".into(), nd.join("pacemaker.log")));
        env.push(("PCMK_logfacility".into(), PathBuf::from("none")));
        let daemons = self.daemon_dir();
        env.push((
            "PCMK_daemon_dir".into(),
            if daemons.exists() {
                daemons
            } else {
                self.bin_dir.clone()
            },
        ));
        env.push(("OCF_ROOT".into(), self.ocf_root()));
        env.push(("PCMK_fence_agent_dir".into(), self.fence_agent_dir()));
        env
    }

    fn daemon_pid_file(&self, k: u32, daemon: &str) -> PathBuf {
        self.node_dir(k).join(format!("{daemon}.pid"))
    }

    /// The pid of daemon `daemon` (a binary name) on node `k`, if it runs.
    pub fn daemon_pid(&self, k: u32, daemon: &str) -> Option<i32> {
        let pid: i32 = std::fs::read_to_string(self.daemon_pid_file(k, daemon))
            .ok()?
            .trim()
            .parse()
            .ok()?;
        process_alive(pid).then_some(pid)
    }

    /// Starts the project's binary `daemon` with `args` on node `k`, in
    /// the background, its output appended to `<daemon>.log` in the
    /// node's folder.
    pub fn start_daemon(&self, k: u32, daemon: &str, args: &[&str]) -> Result<()> {
        if self.daemon_pid(k, daemon).is_some() {
            return Ok(());
        }
        let nd = self.node_dir(k);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(nd.join(format!("{daemon}.log")))?;
        let path = self.bin_dir.join(daemon);
        let mut cmd = Command::new(&path);
        cmd.args(args);
        for (k, v) in self.daemon_env(k) {
            cmd.env(k, v);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", path.display()))?;
        std::fs::write(self.daemon_pid_file(k, daemon), format!("{}\n", child.id()))?;
        std::mem::forget(child);
        Ok(())
    }

    /// Sends `sig` to daemon `daemon` of node `k`.
    pub fn signal_daemon(&self, k: u32, daemon: &str, sig: nix::sys::signal::Signal) -> Result<()> {
        let pid = self
            .daemon_pid(k, daemon)
            .ok_or_else(|| anyhow!("{daemon} is not running on node {k}"))?;
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig)?;
        Ok(())
    }

    /// Stops daemon `daemon` of node `k` (SIGTERM, SIGKILL after 10 s).
    pub fn stop_daemon(&self, k: u32, daemon: &str) -> Result<()> {
        if self.daemon_pid(k, daemon).is_none() {
            return Ok(());
        }
        self.signal_daemon(k, daemon, nix::sys::signal::Signal::SIGTERM)?;
        if !self.wait_daemon_gone(k, daemon, Duration::from_secs(10)) {
            let _ = self.signal_daemon(k, daemon, nix::sys::signal::Signal::SIGKILL);
            self.wait_daemon_gone(k, daemon, Duration::from_secs(5));
        }
        Ok(())
    }

    /// Kills daemon `daemon` of node `k` with SIGKILL.
    pub fn kill_daemon(&self, k: u32, daemon: &str) -> Result<()> {
        self.signal_daemon(k, daemon, nix::sys::signal::Signal::SIGKILL)?;
        self.wait_daemon_gone(k, daemon, Duration::from_secs(5));
        Ok(())
    }

    /// Waits until daemon `daemon` of node `k` has exited.
    pub fn wait_daemon_gone(&self, k: u32, daemon: &str, within: Duration) -> bool {
        let end = Instant::now() + within;
        let file = self.daemon_pid_file(k, daemon);
        while Instant::now() < end {
            reap_from(&file);
            if self.daemon_pid(k, daemon).is_none() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Every daemon of node `k` the lab started (by its pid files), in
    /// start order.
    pub fn daemons(&self, k: u32) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(self.node_dir(k)) else {
            return Vec::new();
        };
        let mut out: Vec<String> = rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".pid")
                    .filter(|n| *n != "corosync")
                    .map(str::to_string)
            })
            .collect();
        // In start order (Pacemaker's, pacemakerd last), so that stopping
        // in reverse stops a daemon before those it uses.
        let rank = |d: &str| {
            crate::stack::DAEMONS
                .iter()
                .position(|x| *x == d)
                .unwrap_or(crate::stack::DAEMONS.len())
        };
        out.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
        out
    }

    /// Waits until the socket of daemon `ipc` (`based`, `attrd`) on node
    /// `k` accepts connections.
    pub async fn wait_socket(&self, k: u32, ipc: &str, within: Duration) -> Result<()> {
        let sock = self.node_dir(k).join("run").join(format!("{ipc}.sock"));
        let end = Instant::now() + within;
        loop {
            if tokio::net::UnixStream::connect(&sock).await.is_ok() {
                return Ok(());
            }
            if Instant::now() > end {
                bail!("{} did not answer within {within:?}", sock.display());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn pid_file(&self, k: u32) -> PathBuf {
        self.node_dir(k).join("corosync.pid")
    }

    /// The pid of node `k`'s corosync, if it runs.
    pub fn pid(&self, k: u32) -> Option<i32> {
        let pid: i32 = std::fs::read_to_string(self.pid_file(k))
            .ok()?
            .trim()
            .parse()
            .ok()?;
        process_alive(pid).then_some(pid)
    }

    /// Starts node `k` in the background.
    pub fn start(&self, k: u32) -> Result<()> {
        if self.pid(k).is_some() {
            return Ok(());
        }
        let nd = self.node_dir(k);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(nd.join("corosync.log"))?;
        let program = self.bin_dir.join("corosync");
        let mut cmd = if self.netns {
            let ns = self.namespaces();
            ns.setup()?;
            ns.command(k, &program)
        } else {
            Command::new(&program)
        };
        cmd.arg("-f").arg("-c").arg(nd.join("corosync.conf"));
        for (k, v) in self.env(k) {
            cmd.env(k, v);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", self.bin_dir.join("corosync").display()))?;
        std::fs::write(self.pid_file(k), format!("{}\n", child.id()))?;
        // The child is reaped by whoever outlives it; the lab tracks it by pid.
        std::mem::forget(child);
        Ok(())
    }

    /// Sends `sig` to node `k`.
    pub fn signal(&self, k: u32, sig: nix::sys::signal::Signal) -> Result<()> {
        let pid = self
            .pid(k)
            .ok_or_else(|| anyhow!("node {k} is not running"))?;
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig)?;
        Ok(())
    }

    /// Kills node `k` with SIGKILL.
    pub fn kill(&self, k: u32) -> Result<()> {
        self.signal(k, nix::sys::signal::Signal::SIGKILL)?;
        self.wait_gone(k, Duration::from_secs(5));
        Ok(())
    }

    /// Stops node `k` cleanly (SIGTERM, then SIGKILL after 10 s).
    pub fn stop(&self, k: u32) -> Result<()> {
        if self.pid(k).is_none() {
            return Ok(());
        }
        self.signal(k, nix::sys::signal::Signal::SIGTERM)?;
        if !self.wait_gone(k, Duration::from_secs(10)) {
            let _ = self.signal(k, nix::sys::signal::Signal::SIGKILL);
            self.wait_gone(k, Duration::from_secs(5));
        }
        Ok(())
    }

    fn wait_gone(&self, k: u32, within: Duration) -> bool {
        let end = Instant::now() + within;
        let file = self.pid_file(k);
        while Instant::now() < end {
            // Reap our own child so it does not linger as a zombie.
            reap_from(&file);
            if self.pid(k).is_none() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Starts every node.
    pub fn start_all(&self) -> Result<()> {
        for k in 1..=self.nodes {
            self.start(k)?;
        }
        Ok(())
    }

    /// Stops everything the lab started and removes its network namespaces.
    pub fn down(&self) -> Result<()> {
        for k in 1..=self.nodes {
            for d in self.daemons(k).into_iter().rev() {
                self.stop_daemon(k, &d)?;
            }
            self.sweep(k);
            self.stop(k)?;
        }
        if self.netns {
            self.namespaces().teardown()?;
        }
        Ok(())
    }

    /// Runs `tool args` against node `k`; returns its exit code, stdout and stderr.
    pub fn exec(&self, k: u32, tool: &str, args: &[&str]) -> Result<(i32, String, String)> {
        let path = if tool.contains('/') {
            PathBuf::from(tool)
        } else {
            self.bin_dir.join(tool)
        };
        let mut cmd = Command::new(path);
        cmd.args(args);
        for (k, v) in self.env(k) {
            cmd.env(k, v);
        }
        let out = cmd.output().with_context(|| format!("cannot run {tool}"))?;
        Ok((
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ))
    }

    /// The quorum state node `k` reports.
    pub async fn quorum(&self, k: u32) -> Result<pcmk_proto::corosync::QuorumState> {
        let sock = self
            .node_dir(k)
            .join("run")
            .join(pcmk_proto::corosync::SOCKET_NAME);
        let cs = pcmk_proto::corosync::client::Corosync::connect(&sock).await?;
        Ok(cs.quorum_get().await?)
    }

    /// Waits until each node of `nodes` is quorate with exactly `nodes` as members.
    pub async fn wait_members(&self, nodes: &[u32], within: Duration) -> Result<Duration> {
        let start = Instant::now();
        let mut last = String::new();
        loop {
            let mut ok = true;
            for &k in nodes {
                match self.quorum(k).await {
                    Ok(q) if q.quorate && q.members == nodes => {}
                    Ok(q) => {
                        ok = false;
                        last = format!("node {k}: quorate={} members={:?}", q.quorate, q.members);
                    }
                    Err(e) => {
                        ok = false;
                        last = format!("node {k}: {e}");
                    }
                }
            }
            if ok {
                return Ok(start.elapsed());
            }
            if start.elapsed() > within {
                bail!(
                    "nodes {nodes:?} did not form one quorate ring within {within:?}; last seen: {last}"
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Cuts the network between the groups (each a list of node numbers).
    pub fn partition(&self, groups: &[Vec<u32>]) -> Result<()> {
        if !self.netns {
            bail!(
                "partitions need a lab in network namespaces (pcmk-lab up --netns; root and iproute2)"
            );
        }
        self.namespaces().partition(groups)
    }

    /// Joins the network again.
    pub fn heal(&self) -> Result<()> {
        if self.netns {
            self.namespaces().heal()?;
        }
        Ok(())
    }
}

/// Removes the node folders (`nodeK`) of an earlier lab in `dir`.
fn clear_nodes(dir: &Path) -> Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name();
        let is_node = name
            .to_str()
            .and_then(|n| n.strip_prefix("node"))
            .is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()));
        if is_node && e.file_type()?.is_dir() {
            std::fs::remove_dir_all(e.path())
                .with_context(|| format!("cannot clear {}", e.path().display()))?;
        }
    }
    Ok(())
}

/// Reaps process `pid` if it is a child of this process that has exited.
/// Only that process: tests run in parallel threads of one process, and
/// reaping any child would steal another test's exit status.
pub fn reap(pid: i32) {
    let _ = nix::sys::wait::waitpid(
        nix::unistd::Pid::from_raw(pid),
        Some(nix::sys::wait::WaitPidFlag::WNOHANG),
    );
}

/// Reaps the process whose pid is in `pid_file` (see [`reap`]).
fn reap_from(pid_file: &Path) {
    if let Some(pid) = std::fs::read_to_string(pid_file)
        .ok()
        .and_then(|t| t.trim().parse::<i32>().ok())
    {
        reap(pid);
    }
}

/// Whether process `pid` exists and is not a zombie.
fn process_alive(pid: i32) -> bool {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|s| s.split_whitespace().nth(2) == Some("Z"))
}

/// Whether we run as root.
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

fn write_key(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut key = vec![0u8; 256];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut key)?;
    let _ = std::fs::remove_file(path);
    std::fs::write(path, &key)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o400))?;
    Ok(())
}

/// Replaces node `k`'s key with a different one (for tests of wrong keys).
pub fn write_other_key(lab: &Lab, k: u32) -> Result<()> {
    let key = lab.node_dir(k).join("authkey");
    write_key(&key)?;
    let conf = lab.node_dir(k).join("corosync.conf");
    let text = std::fs::read_to_string(&conf)?;
    let shared = lab.dir.join("authkey").display().to_string();
    std::fs::write(&conf, text.replace(&shared, &key.display().to_string()))?;
    Ok(())
}
