//! crm_simulate: simulate the cluster's response to events.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use pcmk_cli::crm_simulate::{Options, run_on_text};

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
    let path = match (&args.xml_file, args.live_check) {
        (Some(p), _) => p.clone(),
        (None, _) => match std::env::var_os("CIB_file") {
            Some(f) => PathBuf::from(f),
            None => {
                eprintln!("crm_simulate: live cluster connection is not available; use -x");
                return ExitCode::from(pcmk_common::exit::CrmExit::Unavailable as u8);
            }
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("Could not read {}: {e}", path.display());
            return ExitCode::from(pcmk_common::exit::CrmExit::NoInput as u8);
        }
    };
    let opts = Options {
        xml_file: Some(path),
        simulate: args.simulate,
        process: args.run,
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
    match run_on_text(&text, &opts) {
        Ok(out) => {
            print!("{}", out.stdout);
            eprint!("{}", out.stderr);
            for (path, content) in &out.files {
                if let Err(e) = std::fs::write(path, content) {
                    eprintln!("Could not write {}: {e}", path.display());
                    return ExitCode::from(pcmk_common::exit::CrmExit::CantCreat as u8);
                }
            }
            ExitCode::from(out.exit.map_or(0, |e| e as u8))
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
