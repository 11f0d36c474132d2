//! `crm_mon`: display the cluster status.

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    pcmk_cli::crm_mon::main(&argv).into()
}
