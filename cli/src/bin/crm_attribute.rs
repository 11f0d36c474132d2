//! `crm_attribute`: query and update cluster options and node attributes.

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let (printed, exit) = pcmk_cli::crm_attribute::run(&argv);
    printed.print();
    exit.into()
}
