//! crm_simulate: simulate the cluster's response to events.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Large CIBs mean millions of small allocations (attribute strings, tree
/// nodes, actions): mimalloc serves them faster and with less overhead per
/// allocation than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use pcmk_cli::cib_session::CibSession;
use pcmk_cli::crm_simulate::{Options, SimulateError, run_on_cib, run_on_text, store_in_place};

/// Command-line options, named as Pacemaker's.
#[derive(Parser, Debug)]
#[command(
    name = "crm_simulate",
    about = "Simulate the cluster's response to events"
)]
struct Args {
    /// Connect to the CIB manager and use the current CIB contents as input
    #[arg(short = 'L', long = "live-check")]
    live_check: bool,
    /// Update the CIB with the results of the simulation
    #[arg(short = 'X', long = "in-place")]
    in_place: bool,
    /// Retrieve XML from the named file
    #[arg(short = 'x', long = "xml-file")]
    xml_file: Option<PathBuf>,
    /// Process the supplied input and show what actions the cluster will take
    #[arg(short = 'R', long = "run")]
    run: bool,
    /// Simulate transition's execution and display resulting cluster status
    #[arg(short = 'S', long = "simulate")]
    simulate: bool,
    /// Show allocation scores
    #[arg(short = 's', long = "show-scores")]
    show_scores: bool,
    /// Show utilization information
    #[arg(short = 'U', long = "show-utilization")]
    show_utilization: bool,
    /// Save the transition graph (XML format) to the named file
    #[arg(short = 'G', long = "save-graph")]
    save_graph: Option<PathBuf>,
    /// Save the transition graph (DOT format) to the named file
    #[arg(short = 'D', long = "save-dotfile")]
    save_dotfile: Option<PathBuf>,
    /// Display all possible actions in DOT graph
    #[arg(short = 'a', long = "all-actions")]
    all_actions: bool,
    /// Display only essential output
    #[arg(short = 'Q', long = "quiet")]
    quiet: bool,
    /// Set date/time (ISO 8601 format)
    #[arg(short = 't', long = "set-datetime")]
    set_datetime: Option<String>,
    /// Save the input configuration to the named file
    #[arg(short = 'I', long = "save-input")]
    save_input: Option<PathBuf>,
    /// Save the output configuration to the named file
    #[arg(short = 'O', long = "save-output")]
    save_output: Option<PathBuf>,
    /// If the specified task occurs during the simulation, have it fail
    #[arg(short = 'F', long = "op-fail")]
    op_fail: Vec<String>,
    /// Simulate bringing a node online
    #[arg(short = 'u', long = "node-up")]
    node_up: Vec<String>,
    /// Simulate taking a node offline
    #[arg(short = 'd', long = "node-down")]
    node_down: Vec<String>,
    /// Simulate a node failing
    #[arg(short = 'f', long = "node-fail")]
    node_fail: Vec<String>,
    /// Increase debug output
    #[arg(short = 'V', long = "verbose", action = clap::ArgAction::Count)]
    verbose: u8,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // With -x the file is read; otherwise the CIB the environment
    // designates (CIB_file, CIB_shadow, or the CIB manager).
    let mut session = None;
    let (path, mut text) = match &args.xml_file {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => (p.clone(), t),
            Err(e) => {
                eprintln!("Could not read {}: {e}", p.display());
                return ExitCode::from(pcmk_common::exit::CrmExit::NoInput as u8);
            }
        },
        None => {
            let mut s = match CibSession::open("crm_simulate") {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("crm_simulate: Could not connect to the CIB: {e}");
                    return ExitCode::from(e.exit_code() as u8);
                }
            };
            match s.whole() {
                Ok(cib) => {
                    session = Some(s);
                    (PathBuf::from("-"), cib.to_pretty())
                }
                Err(f) => {
                    eprintln!("crm_simulate: Could not get the CIB: {f}");
                    return ExitCode::from(f.exit as u8);
                }
            }
        }
    };
    let opts = Options {
        xml_file: Some(path),
        simulate: args.simulate || args.in_place,
        process: args.run || args.in_place,
        show_scores: args.show_scores,
        show_utilization: args.show_utilization,
        dot_file: args.save_dotfile,
        graph_file: args.save_graph,
        quiet: args.quiet,
        use_date: args.set_datetime,
        input_file: args.save_input,
        output_file: args.save_output,
        op_fail: args.op_fail,
        node_up: args.node_up,
        node_down: args.node_down,
        node_fail: args.node_fail,
        all_actions: args.all_actions,
    };
    let _ = args.verbose;
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
                    (None, _, _) => {
                        Err("--in-place needs the CIB, not a file given with -x".into())
                    }
                    _ => Ok(()),
                };
                if let Err(e) = stored {
                    eprintln!("crm_simulate: Could not update the CIB: {e}");
                    return ExitCode::from(pcmk_common::exit::CrmExit::Error as u8);
                }
            }
            if let Some(s) = session.take() {
                if let Err(e) = s.close() {
                    eprintln!("crm_simulate: Could not update the CIB: {e}");
                    return ExitCode::from(pcmk_common::exit::CrmExit::Error as u8);
                }
            }
            print!("{}", out.stdout);
            eprint!("{}", out.stderr);
            for (path, content) in &out.files {
                if let Err(e) = std::fs::write(path, content) {
                    eprintln!("Could not write {}: {e}", path.display());
                    return ExitCode::from(pcmk_common::exit::CrmExit::CantCreat as u8);
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
