//! `crm_resource`: perform tasks related to Pacemaker cluster resources.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(pcmk_cli::crm_resource::main(std::env::args().collect()).code())
}
