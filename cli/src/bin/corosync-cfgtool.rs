//! `corosync-cfgtool`: link status and cluster-wide configuration actions.

use clap::Parser;
use pcmk_cli::corosync::cfgtool::{Action, run};

/// A tool for displaying and configuring active parameters within corosync.
#[derive(Parser)]
#[command(name = "corosync-cfgtool")]
struct Args {
    /// Display the status of the current links on this node.
    #[arg(short = 's')]
    status: bool,
    /// Only the specified interface address or link id (with -s).
    #[arg(short = 'i')]
    iface: Option<String>,
    /// Brief status (with -s).
    #[arg(short = 'b')]
    brief: bool,
    /// Display the status of the connected nodes.
    #[arg(short = 'n')]
    nodes: bool,
    /// Tell all instances of corosync in this cluster to reload corosync.conf.
    #[arg(short = 'R')]
    reload: bool,
    /// Reopen logging files.
    #[arg(short = 'L')]
    reopen: bool,
    /// Kill a node identified by node id.
    #[arg(short = 'k')]
    kill: Option<u32>,
    /// Display the IP address(es) of a node.
    #[arg(short = 'a')]
    addresses: Option<u32>,
    /// Shut down corosync cleanly on this node.
    #[arg(short = 'H')]
    shutdown: bool,
    /// With -H: shut down regardless of daemon vetoes.
    #[arg(long = "force")]
    force: bool,
}

fn main() -> std::process::ExitCode {
    let a = Args::parse();
    let action = if a.reload {
        Action::Reload
    } else if a.shutdown {
        Action::Shutdown { force: a.force }
    } else if let Some(n) = a.kill {
        Action::Kill(n)
    } else if let Some(n) = a.addresses {
        Action::Addresses(n)
    } else if a.reopen {
        return std::process::ExitCode::SUCCESS;
    } else {
        let _ = a.status || a.nodes;
        Action::Status {
            iface: a.iface,
            brief: a.brief,
        }
    };
    let Ok(rt) = pcmk_cli::corosync::runtime() else {
        return std::process::ExitCode::from(1);
    };
    std::process::ExitCode::from(rt.block_on(run(action)))
}
