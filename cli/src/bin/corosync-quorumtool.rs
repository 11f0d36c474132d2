//! `corosync-quorumtool`: shows and changes quorum settings.

use clap::Parser;
use pcmk_cli::corosync::quorumtool::{Opts, run};

/// Display the current state of quorum in the cluster and set vote quorum options.
#[derive(Parser)]
#[command(name = "corosync-quorumtool")]
struct Args {
    /// Show quorum status.
    #[arg(short = 's')]
    status: bool,
    /// Constantly monitor quorum status.
    #[arg(short = 'm')]
    monitor: bool,
    /// List nodes.
    #[arg(short = 'l')]
    list: bool,
    /// Show all names or addresses for each node.
    #[arg(short = 'a')]
    all: bool,
    /// Machine parsable output (with -s or -l).
    #[arg(short = 'p')]
    parsable: bool,
    /// Change the number of votes for a node.
    #[arg(short = 'v')]
    votes: Option<u32>,
    /// Node id for -v.
    #[arg(short = 'n')]
    nodeid: Option<u32>,
    /// Change expected votes for the cluster.
    #[arg(short = 'e')]
    expected: Option<u32>,
    /// Show node ids in hexadecimal.
    #[arg(short = 'H')]
    hex: bool,
    /// Show node IP addresses instead of names.
    #[arg(short = 'i')]
    ips: bool,
    /// Order by [a] IP address, [n] name, [i] node id.
    #[arg(short = 'o')]
    order: Option<char>,
    /// Forcefully unregister a quorum device (no quorum device here).
    #[arg(short = 'f')]
    force: bool,
    /// Show version and exit.
    #[arg(short = 'V')]
    version: bool,
}

fn main() -> std::process::ExitCode {
    let a = Args::parse();
    if a.version {
        println!("corosync-quorumtool version: 3.1.7");
        return std::process::ExitCode::SUCCESS;
    }
    if a.force {
        eprintln!("Unable to unregister quorum device: CS_ERR_NOT_EXIST");
        return std::process::ExitCode::from(1);
    }
    let o = Opts {
        status: a.status,
        list: a.list,
        monitor: a.monitor,
        parsable: a.parsable,
        ips: a.ips,
        hex: a.hex,
        all: a.all,
        order: a.order,
        votes: a.votes,
        nodeid: a.nodeid,
        expected: a.expected,
    };
    let Ok(rt) = pcmk_cli::corosync::runtime() else {
        return std::process::ExitCode::from(1);
    };
    std::process::ExitCode::from(rt.block_on(run(&o)))
}
