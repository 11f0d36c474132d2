//! `pcmk-lab`: a cluster of real daemons on this machine, for people and tests.
//!
//! `pcmk-lab up [--nodes N] [--dir DIR]` (corosync and pacemakerd on every
//! node), `exec NODE -- TOOL ARGS...`, `kill NODE`, `stop NODE`,
//! `start NODE`, `partition 1,2 3`, `heal`, `down`, and `demo` (a floating
//! resource failing over when its node is killed). Without `--dir` every command uses one folder under the system's
//! temp directory, so a second command finds the cluster the first started.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use pcmk_integration::lab::{self, Lab, LabSpec};

/// A lab cluster of pacemaker-rs daemons on 127.0.0.x.
#[derive(Parser)]
#[command(name = "pcmk-lab")]
struct Args {
    /// The lab folder (default: pcmk-lab under the system temp directory).
    #[arg(long, global = true)]
    dir: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Writes each node's configuration, starts the nodes and waits for one quorate ring.
    Up {
        /// Number of nodes.
        #[arg(long, default_value_t = 3)]
        nodes: u32,
        /// Put each node in its own network namespace on a bridge (root and
        /// iproute2; needed for `partition`).
        #[arg(long)]
        netns: bool,
        /// UDP port of the ring.
        #[arg(long, default_value_t = lab::DEFAULT_PORT)]
        port: u16,
        /// totem.token in ms (default: Corosync's).
        #[arg(long)]
        token: Option<u32>,
        /// How long to wait for each stage (seconds).
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        /// Subdaemons to leave out (comma-separated; none by default).
        #[arg(long, value_delimiter = ',')]
        without: Vec<String>,
        /// Start corosync only, not pacemakerd.
        #[arg(long)]
        corosync_only: bool,
    },
    /// Three nodes, a floating Dummy resource, crm_mon, then the node
    /// running it is killed and the resource moves.
    Demo {
        /// UDP port of the ring.
        #[arg(long, default_value_t = lab::DEFAULT_PORT)]
        port: u16,
    },
    /// Runs a tool against a node's sockets.
    Exec {
        /// The node number.
        node: u32,
        /// The tool and its arguments (after --).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<String>,
    },
    /// Kills a node with SIGKILL (corosync, pacemakerd and every daemon).
    Kill {
        /// The node number.
        node: u32,
    },
    /// Stops a node cleanly (pacemakerd, then corosync).
    Stop {
        /// The node number.
        node: u32,
    },
    /// Starts a stopped node (corosync, then pacemakerd).
    Start {
        /// The node number.
        node: u32,
    },
    /// Cuts the network between groups of nodes, e.g. `partition 1,2 3` (root only).
    Partition {
        /// Groups of node numbers, comma-separated.
        #[arg(required = true)]
        groups: Vec<String>,
    },
    /// Removes every partition.
    Heal,
    /// Stops everything the lab started (files stay).
    Down,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let dir = args.dir.clone().unwrap_or_else(lab::default_dir);
    match run(args.cmd, &dir) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("pcmk-lab: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cmd: Cmd, dir: &std::path::Path) -> anyhow::Result<u8> {
    match cmd {
        Cmd::Up {
            nodes,
            netns,
            port,
            token,
            timeout,
            without,
            corosync_only,
        } => {
            if netns && let Some(why) = pcmk_integration::netns::Netns::unavailable() {
                anyhow::bail!("--netns: {why}");
            }
            if let Ok(old) = Lab::open(dir) {
                old.down()?;
            }
            let spec = LabSpec {
                nodes,
                port,
                token,
                crypto: true,
                subnet: 0,
            };
            let lab = if netns {
                Lab::create_netns(dir, &spec)?
            } else {
                Lab::create(dir, &spec)?
            };
            let rt = runtime()?;
            let within = Duration::from_secs(timeout);
            if corosync_only {
                lab.start_all()?;
                let all: Vec<u32> = (1..=nodes).collect();
                let took = rt.block_on(lab.wait_members(&all, within))?;
                println!(
                    "{nodes} nodes up in {} ({} ms to one quorate ring)",
                    dir.display(),
                    took.as_millis()
                );
                return Ok(0);
            }
            let linked = lab.link_daemons(&without)?;
            println!("Daemons: {}", linked.join(" "));
            let t = rt.block_on(lab.up_all(within))?;
            println!(
                "{nodes} nodes up in {} ({} ms to one quorate ring, {} ms to every CIB)",
                dir.display(),
                t.ring.as_millis(),
                t.cib.as_millis()
            );
            match t.dc {
                Some((dc, at)) => println!("DC: {dc} (after {} ms)", at.as_millis()),
                None => println!("No controller in the stack: no DC"),
            }
            Ok(0)
        }
        Cmd::Demo { port } => pcmk_integration::demo::run(dir, port),
        Cmd::Exec { node, command } => {
            let lab = Lab::open(dir)?;
            let Some((tool, rest)) = command.split_first() else {
                anyhow::bail!("exec needs a tool to run");
            };
            let path = if tool.contains('/') {
                PathBuf::from(tool)
            } else {
                lab.bin_dir.join(tool)
            };
            let path = if path.exists() {
                path
            } else {
                PathBuf::from(tool)
            };
            let mut c = std::process::Command::new(path);
            c.args(rest);
            for (k, v) in lab.daemon_env(node) {
                c.env(k, v);
            }
            let st = c.status()?;
            Ok(st.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1))
        }
        Cmd::Kill { node } => {
            Lab::open(dir)?.kill_node(node)?;
            Ok(0)
        }
        Cmd::Stop { node } => {
            let lab = Lab::open(dir)?;
            lab.stop_pacemaker(node)?;
            lab.stop(node)?;
            Ok(0)
        }
        Cmd::Start { node } => {
            let lab = Lab::open(dir)?;
            lab.start(node)?;
            if lab.daemon_dir().exists() {
                runtime()?.block_on(lab.up_pacemaker(node, Duration::from_secs(60)))?;
            }
            Ok(0)
        }
        Cmd::Partition { groups } => {
            let groups: Vec<Vec<u32>> = groups
                .iter()
                .map(|g| {
                    g.split(',')
                        .map(|x| x.trim().parse::<u32>())
                        .collect::<Result<_, _>>()
                })
                .collect::<Result<_, _>>()?;
            Lab::open(dir)?.partition(&groups)?;
            Ok(0)
        }
        Cmd::Heal => {
            Lab::open(dir)?.heal()?;
            Ok(0)
        }
        Cmd::Down => {
            Lab::open(dir)?.down()?;
            Ok(0)
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}
