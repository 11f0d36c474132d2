//! `crm_shadow`: work on a shadow copy of the CIB.

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let (printed, exit) = pcmk_cli::crm_shadow::run(&argv);
    printed.print();
    exit.into()
}
