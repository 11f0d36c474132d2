//! `corosync-cmapctl`: reads and changes cmap keys.

use clap::Parser;
use pcmk_cli::corosync::cmapctl::{Action, run};

/// Access the object database of corosync.
#[derive(Parser)]
#[command(name = "corosync-cmapctl")]
struct Args {
    /// Show binary values.
    #[arg(short = 'b')]
    binary: bool,
    /// Get keys.
    #[arg(short = 'g')]
    get: bool,
    /// Quiet: print only the values (with -g).
    #[arg(short = 'q')]
    quiet: bool,
    /// Set a key: KEY TYPE VALUE.
    #[arg(short = 's')]
    set: bool,
    /// Delete keys.
    #[arg(short = 'd')]
    delete: bool,
    /// Delete keys by prefix.
    #[arg(short = 'D')]
    delete_prefix: bool,
    /// Track changes of keys.
    #[arg(short = 't')]
    track: bool,
    /// Track changes of keys by prefix.
    #[arg(short = 'T')]
    track_prefix: bool,
    /// Load settings from a file.
    #[arg(short = 'p')]
    file: Option<String>,
    /// Map to use (icmap or stats).
    #[arg(short = 'm')]
    map: Option<String>,
    /// Keys, prefixes, or KEY TYPE VALUE.
    params: Vec<String>,
}

fn main() -> std::process::ExitCode {
    let a = Args::parse();
    let _ = (a.binary, a.map);
    let action = if let Some(f) = a.file {
        Action::Load(f)
    } else if a.set {
        match a.params.as_slice() {
            [k, t, v] => Action::Set(k.clone(), t.clone(), v.clone()),
            _ => {
                eprintln!("Set key:\n    corosync-cmapctl -s key_name type value");
                return std::process::ExitCode::from(1);
            }
        }
    } else if a.get {
        Action::Get(a.params)
    } else if a.delete {
        Action::Delete(a.params)
    } else if a.delete_prefix {
        Action::DeletePrefix(a.params)
    } else if a.track || a.track_prefix {
        Action::Track(a.params, a.track_prefix || a.track)
    } else {
        Action::List(a.params)
    };
    let Ok(rt) = pcmk_cli::corosync::runtime() else {
        return std::process::ExitCode::from(1);
    };
    std::process::ExitCode::from(rt.block_on(run(action, a.quiet)))
}
