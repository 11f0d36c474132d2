//! `corosync-keygen`: writes a new authkey.

use std::path::PathBuf;

use clap::Parser;
use pcmk_cli::corosync::keygen::{DEFAULT_KEYFILE, run};

/// Corosync Cluster Engine Authentication key generator.
#[derive(Parser)]
#[command(name = "corosync-keygen")]
struct Args {
    /// Write to this file instead of the default.
    #[arg(short = 'k', long = "key-file", default_value = DEFAULT_KEYFILE)]
    key_file: PathBuf,
    /// Length of the key in bytes.
    #[arg(short = 's', long = "size", default_value_t = 256)]
    size: usize,
    /// Random number source.
    #[arg(
        short = 'r',
        short_alias = 'm',
        long = "random-file",
        default_value = "/dev/urandom"
    )]
    random: PathBuf,
    /// Not used; kept for compatibility.
    #[arg(short = 'l', long = "less-secure")]
    less_secure: bool,
}

fn main() -> std::process::ExitCode {
    let a = Args::parse();
    let _ = a.less_secure;
    std::process::ExitCode::from(run(&a.key_file, a.size, &a.random))
}
