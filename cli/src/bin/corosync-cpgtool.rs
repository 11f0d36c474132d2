//! `corosync-cpgtool`: lists CPG groups and members.

use clap::Parser;
use pcmk_cli::corosync::cpgtool::{Opts, run};

/// A tool for displaying cpg groups and members.
#[derive(Parser)]
#[command(name = "corosync-cpgtool")]
struct Args {
    /// Delimiter between fields.
    #[arg(short = 'd')]
    delimiter: Option<String>,
    /// Don't escape unprintable characters in group names.
    #[arg(short = 'e')]
    no_escape: bool,
    /// Display only the group names.
    #[arg(short = 'n')]
    names: bool,
}

fn main() -> std::process::ExitCode {
    let a = Args::parse();
    let o = Opts {
        delimiter: a.delimiter,
        no_escape: a.no_escape,
        names_only: a.names,
    };
    let Ok(rt) = pcmk_cli::corosync::runtime() else {
        return std::process::ExitCode::from(1);
    };
    std::process::ExitCode::from(rt.block_on(run(&o)))
}
