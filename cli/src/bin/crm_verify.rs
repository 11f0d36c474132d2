//! crm_verify: check a Pacemaker configuration for errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use pcmk_cli::crm_verify::verify_text;
use pcmk_common::exit::CrmExit;

/// Command-line options, named as Pacemaker's.
#[derive(Parser, Debug)]
#[command(
    name = "crm_verify",
    about = "Check a Pacemaker configuration for errors"
)]
struct Args {
    /// Check the configuration used by the running cluster
    #[arg(short = 'L', long = "live-check")]
    live_check: bool,
    /// Check the configuration in the named file
    #[arg(short = 'x', long = "xml-file")]
    xml_file: Option<PathBuf>,
    /// Check the configuration in the supplied string
    #[arg(short = 'X', long = "xml-text")]
    xml_text: Option<String>,
    /// Check the configuration piped in via the standard input
    #[arg(short = 'p', long = "xml-pipe")]
    xml_pipe: bool,
    /// Increase debug output
    #[arg(short = 'V', long = "verbose", action = clap::ArgAction::Count)]
    verbose: u8,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let text = if let Some(t) = args.xml_text {
        Ok(t)
    } else if args.xml_pipe {
        std::io::read_to_string(std::io::stdin())
    } else {
        let path = match (args.xml_file, args.live_check) {
            (Some(p), _) => p,
            (None, _) => match std::env::var_os("CIB_file") {
                Some(f) => PathBuf::from(f),
                None => {
                    eprintln!("crm_verify: live cluster connection is not available; use -x");
                    return ExitCode::from(CrmExit::Unavailable as u8);
                }
            },
        };
        std::fs::read_to_string(&path)
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            eprintln!("crm_verify: Verification failed: {e}");
            return ExitCode::from(CrmExit::NoInput as u8);
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let report = verify_text(&text, args.verbose, now);
    eprint!("{}", report.stderr);
    ExitCode::from(report.exit)
}
