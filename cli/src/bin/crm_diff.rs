//! `crm_diff`: compares two Pacemaker configurations into a patchset, or
//! applies a patchset to a configuration.

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let code = pcmk_cli::crm_diff::run(
        &argv,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    code.into()
}
