//! pacemaker-fenced: serves the fencer API on the run directory's socket,
//! in the cluster (CPG `stonith-ng`, devices from the CIB manager) or
//! stand-alone.

use std::process::ExitCode;

use clap::Parser;
use pcmk_common::daemon::logging::{self, LogRequest};
use pcmk_common::daemon::options::Options;
use pcmk_common::paths::ProcessEnv;
use pcmk_fenced::server::{FencedConfig, serve};

/// Pacemaker's fencer.
#[derive(Parser, Debug)]
#[command(name = "pacemaker-fenced")]
struct Args {
    /// Increase debug output (may be repeated).
    #[arg(short = 'V', long = "verbose", action = clap::ArgAction::Count)]
    verbose: u8,
    /// Run without a cluster (the node is its own and only peer).
    #[arg(short = 's', long = "stand-alone")]
    stand_alone: bool,
    /// Send logs to the additional named logfile.
    #[arg(short = 'l', long = "logfile", value_name = "FILE")]
    logfile: Option<String>,
    /// Read fence devices and topology from this CIB file.
    #[arg(long = "cib-file", env = pcmk_fenced::cib::ENV_CIB_FILE)]
    cib_file: Option<std::path::PathBuf>,
    /// Node name when stand-alone (default: the host name; in a cluster
    /// the name comes from corosync).
    #[arg(long = "node-name", env = "PCMK_node_name")]
    node_name: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut opts = Options::from_system(&ProcessEnv);
    if let Some(f) = &args.logfile {
        opts.set("logfile", f);
    }
    logging::init(
        &opts,
        &LogRequest {
            daemon: "pacemaker-fenced".into(),
            verbose: args.verbose,
        },
    );
    let node = args
        .node_name
        .unwrap_or_else(pcmk_common::daemon::account::host_name);
    if args.stand_alone {
        logging::set_node(&node);
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start runtime: {e}");
            return ExitCode::from(pcmk_common::exit::CrmExit::OsErr.code());
        }
    };
    let paths = pcmk_common::paths::Paths::from_process();
    let cfg = FencedConfig {
        node,
        dirs: pcmk_execd::dirs::AgentDirs::from_process(),
        cib_file: args.cib_file,
        cluster: !args.stand_alone,
    };
    let result = rt.block_on(async {
        let shutdown = async {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(s) => s,
                    Err(_) => return std::future::pending().await,
                };
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        };
        serve(paths.socket("fenced"), cfg, shutdown).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(daemon = "pacemaker-fenced", "{e}");
            ExitCode::from(e.exit_code().code())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_is_consistent() {
        use clap::CommandFactory;
        super::Args::command().debug_assert();
    }
}
