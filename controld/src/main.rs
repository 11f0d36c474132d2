//! `pacemaker-controld`: the cluster controller daemon. It runs in the
//! foreground; pacemakerd starts it, or an admin runs it by hand for
//! debugging, with `PCMK_debug`, `PCMK_logfile` and `PCMK_stderr` read
//! from the environment or the sysconfig file.

use std::process::ExitCode;

use clap::Parser;
use pcmk_common::exit::CrmExit;
use pcmk_common::paths::ProcessEnv;
use pcmk_controld::shell::{ShellConfig, run};
use pcmk_pacemakerd::env::Options;

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

/// Logs to `PCMK_logfile` (unless `none` or not writable) and to standard
/// error when `PCMK_stderr` is set or there is no log file.
fn init_logging(opts: &Options, verbose: u8) {
    let log = opts.logging();
    let level = match verbose {
        0 => log.filter_for(NAME),
        1 => "debug",
        _ => "trace",
    };
    let file = log.logfile.as_ref().and_then(|p| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(p)
            .ok()
    });
    let filter = || tracing_subscriber::EnvFilter::new(level);
    match (file, log.stderr) {
        (Some(f), false) => {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter())
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(f))
                .try_init();
        }
        (Some(f), true) => {
            use tracing_subscriber::fmt::writer::MakeWriterExt;
            let both = std::io::stderr.and(std::sync::Mutex::new(f));
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter())
                .with_ansi(false)
                .with_writer(both)
                .try_init();
        }
        (None, _) => {
            use std::io::IsTerminal;
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter())
                .with_ansi(std::io::stderr().is_terminal())
                .with_writer(std::io::stderr)
                .try_init();
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.version {
        println!("Pacemaker {} (pacemaker-rs)", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let opts = Options::from_system(&ProcessEnv);
    init_logging(&opts, args.verbose);
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
