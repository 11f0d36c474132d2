//! `pacemaker-attrd`: the node attribute manager.

use std::process::ExitCode;

use clap::Parser;
use pcmk_attrd::daemon::{Config, run};
use pcmk_common::daemon::logging::{self, LogRequest};
use pcmk_common::daemon::options::Options;
use pcmk_common::exit::CrmExit;
use pcmk_common::paths::{Paths, ProcessEnv};

/// Daemon for aggregating and atomically storing node attribute updates
/// into the CIB
#[derive(Parser, Debug)]
#[command(name = "pacemaker-attrd", disable_version_flag = true)]
struct Args {
    /// (Advanced use only) Run in stand-alone mode
    #[arg(short = 's', long = "stand-alone")]
    stand_alone: bool,
    /// Send logs to the additional named logfile
    #[arg(short = 'l', long = "logfile", value_name = "FILE")]
    logfile: Option<String>,
    /// Increase debug output (may be specified multiple times)
    #[arg(short = 'V', long = "verbose", action = clap::ArgAction::Count)]
    verbose: u8,
    /// Display software version and exit
    #[arg(short = '$', long = "version")]
    version: bool,
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        std::future::pending::<()>().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                CrmExit::Usage.code()
            } else {
                0
            });
        }
    };
    if args.version {
        println!(
            "Pacemaker 3.0.2 (pacemaker-rs {})",
            env!("CARGO_PKG_VERSION")
        );
        return ExitCode::SUCCESS;
    }
    let mut opts = Options::from_system(&ProcessEnv);
    if let Some(f) = &args.logfile {
        opts.set("logfile", f);
    }
    logging::init(
        &opts,
        &LogRequest {
            daemon: "pacemaker-attrd".into(),
            verbose: args.verbose,
        },
    );
    let cfg = Config {
        stand_alone: args.stand_alone,
        node: opts.get("node_name").map(str::to_string),
        paths: Paths::from_process(),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pacemaker-attrd: cannot start the runtime: {e}");
            return ExitCode::from(CrmExit::OsErr.code());
        }
    };
    match runtime.block_on(run(cfg, shutdown_signal())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
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
