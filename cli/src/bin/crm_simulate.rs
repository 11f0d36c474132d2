//! crm_simulate: simulate the cluster's response to events.

use std::path::Path;
use std::process::ExitCode;

/// Large CIBs mean millions of small allocations (attribute strings, tree
/// nodes, actions): mimalloc serves them faster and with less overhead per
/// allocation than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use pcmk_cli::args::{Start, start};
use pcmk_cli::cib_session::CibSession;
use pcmk_cli::crm_simulate::args::{PROG, Source, command, help, parsed};
use pcmk_cli::crm_simulate::{SimulateError, profile_dir, run_on_cib, run_on_text, store_in_place};
use pcmk_common::exit::CrmExit;

fn exit(code: CrmExit) -> ExitCode {
    ExitCode::from(code as u8)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let matches = match start(PROG, &argv, &help(), command(), CrmExit::Error) {
        Start::Done(printed, code) => {
            printed.print();
            return exit(code);
        }
        Start::Run(m, _) => m,
    };
    if pcmk_cli::args::output_as(&argv).as_deref() == Some("xml") {
        eprintln!("{PROG}: XML output is not supported yet: use --output-as=text");
        return exit(CrmExit::Error);
    }
    let args = match parsed(&matches) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return exit(CrmExit::Usage);
        }
    };
    let mut opts = args.options.clone();
    opts.wall_clock = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    if let Some(dir) = &args.profile {
        return match profile_dir(dir, args.repeat, &opts) {
            Ok(text) => {
                print!("{text}");
                exit(CrmExit::OK)
            }
            Err(e) => {
                eprintln!("{PROG}: Could not profile {}: {e}", dir.display());
                exit(CrmExit::NoInput)
            }
        };
    }
    let mut session = None;
    let mut text = match &args.source {
        Source::File(p) => match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("Could not read {}: {e}", p.display());
                return exit(CrmExit::NoInput);
            }
        },
        Source::Stdin => match std::io::read_to_string(std::io::stdin()) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{PROG}: Could not read the standard input: {e}");
                return exit(CrmExit::NoInput);
            }
        },
        // The CIB the environment designates (CIB_file, CIB_shadow, or
        // the CIB manager)
        Source::Live => {
            let mut s = match CibSession::open(PROG) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("{PROG}: Could not connect to the CIB: {e}");
                    return exit(e.exit_code());
                }
            };
            match s.whole() {
                Ok(cib) => {
                    session = Some(s);
                    cib.to_pretty()
                }
                Err(f) => {
                    eprintln!("{PROG}: Could not get the CIB: {f}");
                    return exit(f.exit);
                }
            }
        }
    };
    // Without --in-place the text is not needed again: parse it and let it
    // go before scheduling (it is as large as the CIB)
    let result = if args.in_place {
        run_on_text(&text, &opts)
    } else {
        let parsed = pcmk_common::xml::parse(&text);
        text = String::new();
        parsed
            .map(|cib| run_on_cib(cib, &opts))
            .map_err(SimulateError::from)
    };
    match result {
        Ok(out) => {
            if args.in_place {
                let stored = match (&mut session, &out.cib_after, pcmk_common::xml::parse(&text)) {
                    (Some(s), Some(after), Ok(before)) => {
                        store_in_place(s, &before, after, &opts).map_err(|f| f.to_string())
                    }
                    (None, Some(after), _) => match &args.source {
                        Source::File(p) => write_back(p, after),
                        _ => Err("--in-place needs a file or the CIB, not standard input".into()),
                    },
                    _ => Ok(()),
                };
                if let Err(e) = stored {
                    eprintln!("crm_simulate: Could not update the CIB: {e}");
                    return exit(CrmExit::Error);
                }
            }
            if let Some(s) = session.take() {
                if let Err(e) = s.close() {
                    eprintln!("crm_simulate: Could not update the CIB: {e}");
                    return exit(CrmExit::Error);
                }
            }
            eprint!("{}", out.stderr_first);
            print!("{}", out.stdout);
            eprint!("{}", out.stderr);
            for (path, content) in &out.files {
                if let Err(e) = std::fs::write(path, content) {
                    eprintln!("Could not write {}: {e}", path.display());
                    return exit(CrmExit::CantCreat);
                }
            }
            let code = out.exit.map_or(0, |e| e as u8);
            // The result holds the whole CIB: the process ends here, and
            // freeing it piece by piece would only cost time
            std::mem::forget(out);
            ExitCode::from(code)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// Stores the simulation's result into the input file (`-X -x FILE`).
fn write_back(path: &Path, cib: &pcmk_common::xml::Element) -> Result<(), String> {
    std::fs::write(path, cib.to_pretty()).map_err(|e| format!("{}: {e}", path.display()))
}
