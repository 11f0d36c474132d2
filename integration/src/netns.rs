//! Network namespaces for lab nodes: each node in its own namespace with
//! one veth link to a bridge in a hub namespace, so a partition is made by
//! moving links between bridges and the host's own networking is never
//! touched. Needs root and iproute2 (`ip netns`, `ip link`).
//!
//! Names: the hub is `pcmk<port>-hub`, node K's namespace `pcmk<port>-K`
//! (the lab's UDP port keeps labs apart). In the hub, node K's link is
//! `nK`, the bridge of the healed network `br0`, and group G of a
//! partition gets the bridge `bpG`. Node K has the address 10.214.S.K/24
//! on its `eth0` (S is the lab's subnet byte).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The namespaces of one lab.
#[derive(Debug, Clone)]
pub struct Netns {
    prefix: String,
    subnet: u8,
    nodes: u32,
}

/// Most partition groups a lab can have (one bridge each).
const MAX_GROUPS: usize = 32;

impl Netns {
    /// The namespaces of the lab with this port, subnet byte and node count.
    pub fn new(port: u16, subnet: u8, nodes: u32) -> Netns {
        Netns {
            prefix: format!("pcmk{port}"),
            subnet,
            nodes,
        }
    }

    /// Why namespaces cannot be used here, or `None` when they can: needs
    /// root, iproute2, and the right to create a namespace (probed).
    pub fn unavailable() -> Option<String> {
        if !nix::unistd::geteuid().is_root() {
            return Some("network namespaces need root".into());
        }
        let probe = format!("pcmkprobe{}", std::process::id());
        match Command::new("ip").args(["netns", "add", &probe]).output() {
            Err(e) => Some(format!("cannot run ip (install iproute2): {e}")),
            Ok(o) if !o.status.success() => Some(format!(
                "cannot create a network namespace: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Ok(_) => {
                let _ = Command::new("ip").args(["netns", "del", &probe]).output();
                None
            }
        }
    }

    /// The namespace holding the bridges.
    pub fn hub(&self) -> String {
        format!("{}-hub", self.prefix)
    }

    /// The namespace of node `k`.
    pub fn node(&self, k: u32) -> String {
        format!("{}-{k}", self.prefix)
    }

    /// The address of node `k` inside its namespace.
    pub fn addr(&self, k: u32) -> String {
        format!("10.214.{}.{k}", self.subnet)
    }

    /// Whether the namespaces exist.
    pub fn exists(&self) -> bool {
        Path::new("/run/netns").join(self.hub()).exists()
    }

    /// Creates the hub, the bridge and every node's namespace and link
    /// (nothing happens when they exist already).
    pub fn setup(&self) -> Result<()> {
        if self.exists() {
            return Ok(());
        }
        let hub = self.hub();
        ip(&["netns", "add", &hub])?;
        ip(&["-n", &hub, "link", "add", "br0", "type", "bridge"])?;
        ip(&["-n", &hub, "link", "set", "br0", "up"])?;
        for k in 1..=self.nodes {
            let ns = self.node(k);
            let port = format!("n{k}");
            let _ = ip(&["netns", "del", &ns]);
            ip(&["netns", "add", &ns])?;
            ip(&[
                "link", "add", "name", &port, "netns", &hub, "type", "veth", "peer", "name",
                "eth0", "netns", &ns,
            ])?;
            ip(&["-n", &hub, "link", "set", &port, "master", "br0"])?;
            ip(&["-n", &hub, "link", "set", &port, "up"])?;
            ip(&[
                "-n",
                &ns,
                "addr",
                "add",
                &format!("{}/24", self.addr(k)),
                "dev",
                "eth0",
            ])?;
            ip(&["-n", &ns, "link", "set", "eth0", "up"])?;
            ip(&["-n", &ns, "link", "set", "lo", "up"])?;
        }
        Ok(())
    }

    /// A command that runs `program` inside node `k`'s namespace (same
    /// pid: `ip netns exec` replaces itself with the program).
    pub fn command(&self, k: u32, program: &Path) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.node(k)]).arg(program);
        c
    }

    /// Cuts the network between the groups: each group gets a bridge of its
    /// own; nodes in no group stay on `br0`.
    pub fn partition(&self, groups: &[Vec<u32>]) -> Result<()> {
        if groups.len() > MAX_GROUPS {
            bail!("at most {MAX_GROUPS} groups");
        }
        if !self.exists() {
            bail!("the lab's network namespaces do not exist (start the lab first)");
        }
        self.heal()?;
        let hub = self.hub();
        for (g, members) in groups.iter().enumerate() {
            let br = format!("bp{g}");
            ip(&["-n", &hub, "link", "add", &br, "type", "bridge"])?;
            ip(&["-n", &hub, "link", "set", &br, "up"])?;
            for k in members {
                if !(1..=self.nodes).contains(k) {
                    bail!("no node {k} in this lab");
                }
                ip(&["-n", &hub, "link", "set", &format!("n{k}"), "master", &br])?;
            }
        }
        Ok(())
    }

    /// Puts every link back on `br0` and removes the partition bridges.
    pub fn heal(&self) -> Result<()> {
        if !self.exists() {
            return Ok(());
        }
        let hub = self.hub();
        for k in 1..=self.nodes {
            ip(&["-n", &hub, "link", "set", &format!("n{k}"), "master", "br0"])?;
        }
        let links = Command::new("ip")
            .args(["-n", &hub, "-o", "link", "show", "type", "bridge"])
            .output()
            .context("cannot run ip (install iproute2)")?;
        for line in String::from_utf8_lossy(&links.stdout).lines() {
            // "7: bp0: <BROADCAST,...> ..."
            if let Some(name) = line.split(':').nth(1).map(str::trim)
                && name.starts_with("bp")
            {
                ip(&["-n", &hub, "link", "del", name])?;
            }
        }
        Ok(())
    }

    /// Removes every namespace of the lab (their links go with them).
    pub fn teardown(&self) -> Result<()> {
        for k in 1..=self.nodes {
            if Path::new("/run/netns").join(self.node(k)).exists() {
                ip(&["netns", "del", &self.node(k)])?;
            }
        }
        if self.exists() {
            ip(&["netns", "del", &self.hub()])?;
        }
        Ok(())
    }
}

fn ip(args: &[&str]) -> Result<()> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .context("cannot run ip (install iproute2)")?;
    if !out.status.success() {
        bail!(
            "ip {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}
