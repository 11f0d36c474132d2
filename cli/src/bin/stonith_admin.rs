//! `stonith_admin`: access the Pacemaker fencing API.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(pcmk_cli::stonith_admin::main(std::env::args().collect()).code())
}
