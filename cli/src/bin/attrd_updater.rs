//! `attrd_updater`: query and update node attributes in the attribute
//! manager.

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let (printed, exit) = pcmk_cli::attrd_updater::run(&argv);
    printed.print();
    exit.into()
}
