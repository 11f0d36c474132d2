//! `pacemaker-controld`: the cluster controller daemon. It runs in the
//! foreground; pacemakerd starts it, or an admin runs it by hand for
//! debugging, with `PCMK_debug`, `PCMK_logfile` and `PCMK_stderr` read
//! from the environment or the sysconfig file.

use std::process::ExitCode;

use clap::Parser;
use pcmk_common::daemon::logging::{self, LogRequest};
use pcmk_common::daemon::options::Options;
use pcmk_common::exit::CrmExit;
use pcmk_common::paths::ProcessEnv;
use pcmk_controld::shell::{ShellConfig, run};

/// The daemon's name, as `PCMK_debug` lists it.
const NAME: &str = "pacemaker-controld";

/// Pacemaker's cluster controller.
#[derive(Parser, Debug)]
#[command(name = NAME, disable_version_flag = true)]
struct Args {
    /// Increase debug output (may be repeated)
    #[arg(short = 'V', long = "verbose", action = clap::ArgAction::Count)]
    verbose: u8,
    /// Display software version and exit
    #[arg(short = '$', long)]
    version: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.version {
        println!("Pacemaker {} (pacemaker-rs)", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    // Into the node's detail log (PCMK_logfile) and syslog as Pacemaker's
    // options say, each line naming the daemon and the node, like every
    // other daemon.
    let opts = Options::from_system(&ProcessEnv);
    if let Some(node) = opts.get("node_name") {
        logging::set_node(node);
    }
    logging::init(
        &opts,
        &LogRequest {
            daemon: NAME.into(),
            verbose: args.verbose,
        },
    );
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(daemon = NAME, "cannot start the runtime: {e}");
            return ExitCode::from(CrmExit::OsErr.code());
        }
    };
    let code = rt.block_on(run(ShellConfig::from_process()));
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    ExitCode::from(code.code())
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_is_consistent() {
        use clap::CommandFactory;
        super::Args::command().debug_assert();
    }
}
