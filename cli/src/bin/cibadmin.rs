//! `cibadmin`: query and edit the Pacemaker configuration.

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let (printed, exit) = pcmk_cli::cibadmin::run(&argv);
    printed.print();
    exit.into()
}
