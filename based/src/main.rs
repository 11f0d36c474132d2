//! `pacemaker-based`: the CIB manager daemon.

use std::process::ExitCode;

use clap::Parser;
use pcmk_based::daemon::{self, DEFAULT_MAX_REQUEST_BYTES, Options};
use pcmk_common::exit::CrmExit;

/// The CIB manager: holds the cluster configuration and status.
#[derive(Parser, Debug)]
#[command(name = "pacemaker-based", disable_version_flag = true)]
struct Args {
    /// (Advanced use only) Run in stand-alone mode
    #[arg(short = 's', long = "stand-alone")]
    stand_alone: bool,
    /// (Advanced use only) Enable disk writes (enabled by default)
    #[arg(short = 'w', long = "disk-writes")]
    disk_writes: bool,
    /// Do not write the CIB to disk
    #[arg(long = "no-disk-writes", conflicts_with = "disk_writes")]
    no_disk_writes: bool,
    /// (Advanced use only) Directory where the CIB XML file should be located
    #[arg(short = 'r', long = "cib-root", value_name = "value")]
    cib_root: Option<std::path::PathBuf>,
    /// Largest request accepted, in bytes
    #[arg(long = "max-request-bytes", default_value_t = DEFAULT_MAX_REQUEST_BYTES)]
    max_request_bytes: usize,
    /// Increase debug output
    #[arg(short = 'V', long = "verbose", action = clap::ArgAction::Count)]
    verbose: u8,
    /// Display software version and exit
    #[arg(short = '$', long = "version")]
    version: bool,
}

fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let debug = std::env::var("PCMK_debug").is_ok_and(|v| {
        matches!(v.as_str(), "yes" | "true" | "1" | "on")
            || v.split(',').any(|d| d == "pacemaker-based")
    });
    let level = match (verbose, debug) {
        (0, false) => "info",
        (1, false) | (0, true) => "debug",
        _ => "trace",
    };
    let filter =
        EnvFilter::try_from_env("PCMK_log_filter").unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    match std::env::var("PCMK_logfile")
        .ok()
        .filter(|f| !f.is_empty() && f != "none")
    {
        Some(file) => match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&file)
        {
            Ok(f) => builder
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(f))
                .init(),
            Err(_) => builder.with_writer(std::io::stderr).init(),
        },
        None => builder.with_writer(std::io::stderr).init(),
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.version {
        println!(
            "Pacemaker 3.0.2 (pacemaker-rs {})",
            env!("CARGO_PKG_VERSION")
        );
        return CrmExit::OK.into();
    }
    init_logging(args.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pacemaker-based: cannot start the runtime: {e}");
            return CrmExit::OsErr.into();
        }
    };
    let node = if args.stand_alone {
        daemon::node_name(None)
    } else {
        runtime.block_on(daemon::cluster_node_name())
    };
    let root = tracing::info_span!("pacemaker-based", node = %node);
    let opts = Options {
        stand_alone: args.stand_alone,
        cib_root: args.cib_root,
        disk_writes: !args.no_disk_writes,
        max_request_bytes: args.max_request_bytes,
        node: Some(node),
    };
    match runtime.block_on(daemon::run(opts, root.clone())) {
        Ok(()) => CrmExit::OK.into(),
        Err(e) => {
            let _s = root.enter();
            tracing::error!("{e}");
            eprintln!("pacemaker-based: {e}");
            CrmExit::Fatal.into()
        }
    }
}
