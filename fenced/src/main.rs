//! pacemaker-fenced: serves the fencer API on the run directory's socket.

use std::process::ExitCode;

use clap::Parser;
use pcmk_common::exit::CrmExit;
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
    /// Read fence devices and topology from this CIB file.
    #[arg(long = "cib-file", env = pcmk_fenced::cib::ENV_CIB_FILE)]
    cib_file: Option<std::path::PathBuf>,
    /// Node name (default: the host name).
    #[arg(long = "node-name", env = "PCMK_node_name")]
    node_name: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let level = match args.verbose {
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PCMK_debug")
                .unwrap_or_else(|_| level.into()),
        )
        .with_writer(std::io::stderr)
        .try_init();
    if !args.stand_alone {
        tracing::error!(
            daemon = "pacemaker-fenced",
            "cluster mode needs the CPG transport, not available yet; use --stand-alone"
        );
        return ExitCode::from(CrmExit::Fatal.code());
    }
    let node = args.node_name.unwrap_or_else(|| {
        nix::unistd::gethostname()
            .ok()
            .and_then(|h| h.into_string().ok())
            .unwrap_or_else(|| "localhost".into())
    });
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start runtime: {e}");
            return ExitCode::from(CrmExit::OsErr.code());
        }
    };
    let paths = pcmk_common::paths::Paths::from_process();
    let cfg = FencedConfig {
        node,
        dirs: pcmk_execd::dirs::AgentDirs::from_process(),
        cib_file: args.cib_file,
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
            ExitCode::from(CrmExit::Fatal.code())
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
