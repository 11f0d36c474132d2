//! `crm_rule`: check whether configuration rules are in effect.

use std::process::ExitCode;

use pcmk_cli::crm_rule::{ProcessEnvironment, run};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let (printed, exit) = run(&argv, &ProcessEnvironment);
    printed.print();
    exit.into()
}
