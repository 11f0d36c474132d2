//! crm_verify: check a Pacemaker configuration for errors.

use std::process::ExitCode;

use pcmk_cli::crm_verify::{ProcessEnvironment, run};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let (printed, exit) = run(&argv, &ProcessEnvironment);
    printed.print();
    exit.into()
}
