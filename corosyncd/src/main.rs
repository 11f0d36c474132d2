//! `corosync`: the cluster engine daemon.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use pcmk_corosyncd::daemon::{self, Options};

/// Corosync Cluster Engine.
#[derive(Parser, Debug)]
#[command(name = "corosync", disable_version_flag = true)]
struct Args {
    /// Start in foreground.
    #[arg(short = 'f')]
    foreground: bool,
    /// Configuration file.
    #[arg(short = 'c', default_value = "/etc/corosync/corosync.conf")]
    config: PathBuf,
    /// Print version and exit.
    #[arg(short = 'v')]
    version: bool,
    /// Test the configuration and exit.
    #[arg(short = 't')]
    test: bool,
    /// Do not set process priority (accepted for compatibility).
    #[arg(short = 'p')]
    no_priority: bool,
    /// Set round robin realtime scheduling (accepted for compatibility).
    #[arg(short = 'r')]
    realtime: bool,
}

fn init_logging(cfg: &pcmk_corosyncd::config::Config, foreground: bool) -> anyhow::Result<()> {
    use tracing_subscriber::EnvFilter;
    let level = if cfg.logging.debug { "debug" } else { "info" };
    let filter = EnvFilter::try_from_env("COROSYNC_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("pcmk_corosyncd={level},warn")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if cfg.logging.to_logfile
        && let Some(path) = &cfg.logging.logfile
        && !(foreground && cfg.logging.to_stderr)
    {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        builder
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file))
            .try_init()
            .map_err(|e| anyhow::anyhow!(e))?;
    } else {
        builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr)
            .try_init()
            .map_err(|e| anyhow::anyhow!(e))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.version {
        println!("Corosync Cluster Engine, version '3.1.7'");
        println!("pacemaker-rs corosync {}", env!("CARGO_PKG_VERSION"));
        println!();
        println!("Built-in features: udpu knet-over-udp aes-gcm");
        println!("Available crypto models: rustcrypto");
        println!("Available compression models:");
        return ExitCode::SUCCESS;
    }
    let _ = (args.no_priority, args.realtime);
    let (cfg, files) = match daemon::load_config(&args.config) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("Corosync Cluster Engine exiting with status 8: {e}");
            return ExitCode::from(8);
        }
    };
    if args.test {
        for w in &cfg.warnings {
            eprintln!("warning: {w}");
        }
        println!("Config is valid");
        return ExitCode::SUCCESS;
    }
    if !args.foreground
        && let Err(e) = nix::unistd::daemon(true, false)
    {
        eprintln!("cannot daemonize: {e}");
        return ExitCode::from(1);
    }
    if let Err(e) = init_logging(&cfg, args.foreground) {
        eprintln!("cannot set up logging: {e}");
        return ExitCode::from(8);
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let opts = Options {
        config: args.config,
        foreground: args.foreground,
    };
    match rt.block_on(daemon::run(opts, cfg, files)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("Corosync Cluster Engine exiting with status 8: {e}");
            eprintln!("Corosync Cluster Engine exiting with status 8: {e}");
            ExitCode::from(8)
        }
    }
}
