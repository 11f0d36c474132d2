//! `iso8601`: parse and display ISO 8601 dates, durations and periods.

use std::process::ExitCode;

use pcmk_common::iso8601::LocalTime;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let (printed, exit) = pcmk_cli::iso8601::run(&argv, &LocalTime::system());
    printed.print();
    exit.into()
}
