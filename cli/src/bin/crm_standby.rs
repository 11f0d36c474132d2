//! `crm_standby`: query, enable or disable standby mode for a node.

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let (printed, exit) = pcmk_cli::crm_standby::run(&argv);
    printed.print();
    exit.into()
}
