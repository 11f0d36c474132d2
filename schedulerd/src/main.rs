//! pacemaker-schedulerd: computes transitions for the controller over the
//! run directory's socket.

use std::process::ExitCode;

use clap::Parser;
use pcmk_common::daemon::logging::{self, LogRequest};
use pcmk_common::daemon::options::Options;
use pcmk_common::exit::CrmExit;
use pcmk_common::paths::ProcessEnv;

/// Large CIBs mean millions of small allocations (attribute strings, tree
/// nodes, actions): mimalloc serves them faster and with less overhead per
/// allocation than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Pacemaker's scheduler (policy engine).
#[derive(Parser, Debug)]
#[command(name = "pacemaker-schedulerd")]
struct Args {
    /// Increase debug output (may be repeated).
    #[arg(short = 'V', long = "verbose", action = clap::ArgAction::Count)]
    verbose: u8,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // Into the node's detail log (PCMK_logfile) and syslog as Pacemaker's
    // options say, like every other daemon.
    let opts = Options::from_system(&ProcessEnv);
    if let Some(node) = opts.get("node_name") {
        logging::set_node(node);
    }
    logging::init(
        &opts,
        &LogRequest {
            daemon: "pacemaker-schedulerd".into(),
            verbose: args.verbose,
        },
    );
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
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
        pcmk_schedulerd::server::serve(paths.socket("schedulerd"), paths.pengine_dir(), shutdown)
            .await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(daemon = "pacemaker-schedulerd", "{e}");
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
