//! `crm_diff`'s command line: Pacemaker's options (GLib option groups),
//! parsed with clap, and its help text laid out as GLib lays it out.

use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::output::help::{Entry, Group, Help, Which, common_entries, output_group};

/// What the command line asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `-o/--original FILE`.
    pub source_file: Option<String>,
    /// `-O/--original-string STRING`.
    pub source_string: Option<String>,
    /// `-n/--new FILE` or `-p/--patch FILE`, whichever came last.
    pub target_file: Option<String>,
    /// `-N/--new-string STRING`.
    pub target_string: Option<String>,
    /// Whether `-p/--patch` was given (the target is then a patch, even if
    /// another option overrode where it comes from).
    pub patch: bool,
    /// `-c/--cib`.
    pub as_cib: bool,
    /// `-u/--no-version`.
    pub no_version: bool,
    /// `-s/--stdin` (deprecated, hidden).
    pub use_stdin: bool,
    /// `-$/--version`.
    pub version: bool,
    /// Number of `-V/--verbose`.
    pub verbosity: u8,
    /// `--output-as`.
    pub output_as: Option<String>,
    /// `--output-to`.
    pub output_to: Option<String>,
}

/// What to do after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Run with these options.
    Run(Options),
    /// Print this help text and exit successfully.
    Help(String),
    /// The command line is wrong: GLib's message (`Unknown option --x`).
    Error(String),
}

/// Continuation indent of multi-line option descriptions (GLib's column).
macro_rules! indent {
    () => {
        "\n                                   "
    };
}

const SUMMARY: &str = "Compare two Pacemaker configurations (in XML format) to produce a custom diff-like output, or apply such an output as a patch";

const EXAMPLES: &str = "Examples:

Obtain the two different configuration files by running cibadmin on the two cluster setups to compare:

\t# cibadmin --query > cib-old.xml

\t# cibadmin --query > cib-new.xml

Calculate and save the difference between the two files:

\t# crm_diff --original cib-old.xml --new cib-new.xml > patch.xml

Apply the patch to the original file:

\t# crm_diff --original cib-old.xml --patch patch.xml > updated.xml

Apply the patch to the running cluster:

\t# cibadmin --patch -x patch.xml
";

/// `crm_diff`'s options as `--help` lists them.
pub fn help_spec() -> Help {
    Help {
        prog: "crm_diff",
        params: None,
        summary: SUMMARY,
        description: EXAMPLES,
        groups: vec![
            output_group("text (default), xml"),
            Group {
                name: "xml",
                title: "Original XML:",
                help_desc: "Show original XML options",
                entries: vec![
                    Entry::with_arg(
                        Some('o'),
                        "original",
                        "FILE",
                        concat!(
                            "XML is contained in the named file. Currently --original-string",
                            indent!(),
                            "overrides this. In a future release, the last one specified",
                            indent!(),
                            "will be used."
                        ),
                    ),
                    Entry::with_arg(
                        Some('O'),
                        "original-string",
                        "STRING",
                        concat!(
                            "XML is contained in the supplied string. Currently this takes",
                            indent!(),
                            "precedence over --original. In a future release, the last one",
                            indent!(),
                            "specified will be used."
                        ),
                    ),
                ],
            },
            Group {
                name: "operation",
                title: "Operation:",
                help_desc: "Show operation options",
                entries: vec![
                    Entry::with_arg(
                        Some('n'),
                        "new",
                        "FILE",
                        concat!(
                            "Compare the original XML to the contents of the named file. Currently",
                            indent!(),
                            "--new-string overrides this. In a future release, the last one",
                            indent!(),
                            "specified will be used."
                        ),
                    ),
                    Entry::with_arg(
                        Some('N'),
                        "new-string",
                        "STRING",
                        concat!(
                            "Compare the original XML with the contents of the supplied string.",
                            indent!(),
                            "Currently this takes precedence over --patch and --new. In a",
                            indent!(),
                            "future release, the last one specified will be used."
                        ),
                    ),
                    Entry::with_arg(
                        Some('p'),
                        "patch",
                        "FILE",
                        concat!(
                            "Patch the original XML with the contents of the named file. Currently",
                            indent!(),
                            "--new-string and (if specified later) --new override the input",
                            indent!(),
                            "source specified here. In a future release, the last one",
                            indent!(),
                            "specified will be used. Note: even if this input source is",
                            indent!(),
                            "overridden, the input source will be applied as a patch to the",
                            indent!(),
                            "original XML."
                        ),
                    ),
                ],
            },
            Group {
                name: "additional",
                title: "Additional Options:",
                help_desc: "Show additional options",
                entries: vec![
                    Entry::flag(
                        Some('c'),
                        "cib",
                        "Compare/patch the inputs as a CIB (includes version details)",
                    ),
                    Entry::flag(
                        Some('u'),
                        "no-version",
                        "Generate the difference without version details",
                    ),
                ],
            },
        ],
        main: common_entries(),
    }
}

/// The help text for `--help` (`None`), `--help-all` (`Some("all")`) or
/// `--help-GROUP`.
pub fn help(which: Option<&str>) -> String {
    let which = match which {
        None => Which::Main,
        Some("all") => Which::All,
        Some(g) => Which::Group(g),
    };
    help_spec().render(which)
}

fn value(name: &'static str, short: Option<char>, long: &'static str) -> Arg {
    let a = Arg::new(name)
        .long(long)
        .action(ArgAction::Set)
        .allow_hyphen_values(true)
        .num_args(1);
    match short {
        Some(s) => a.short(s),
        None => a,
    }
}

fn flag(name: &'static str, short: Option<char>, long: &'static str) -> Arg {
    let a = Arg::new(name).long(long).action(ArgAction::SetTrue);
    match short {
        Some(s) => a.short(s),
        None => a,
    }
}

fn command() -> Command {
    Command::new("crm_diff")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .args_override_self(true)
        .arg(flag("help", Some('h'), "help"))
        .arg(flag("help-all", None, "help-all"))
        .arg(flag("help-output", None, "help-output"))
        .arg(flag("help-xml", None, "help-xml"))
        .arg(flag("help-operation", None, "help-operation"))
        .arg(flag("help-additional", None, "help-additional"))
        .arg(flag("version", Some('$'), "version"))
        .arg(
            Arg::new("verbose")
                .short('V')
                .long("verbose")
                .action(ArgAction::Count),
        )
        .arg(value("output-as", None, "output-as"))
        .arg(value("output-to", None, "output-to"))
        .arg(value("original", Some('o'), "original"))
        .arg(value("original-string", Some('O'), "original-string"))
        .arg(value("new", Some('n'), "new"))
        .arg(value("new-string", Some('N'), "new-string"))
        .arg(value("patch", Some('p'), "patch"))
        .arg(flag("cib", Some('c'), "cib"))
        .arg(flag("no-version", Some('u'), "no-version"))
        .arg(flag("stdin", Some('s'), "stdin"))
        // GLib leaves operands alone and crm_diff ignores them.
        .arg(Arg::new("operands").num_args(0..).action(ArgAction::Append))
}

/// GLib's message for a command-line error.
fn glib_message(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.split_whitespace().next().unwrap_or("").to_string(),
        Some(ContextValue::Strings(v)) => v.first().cloned().unwrap_or_default(),
        _ => String::new(),
    };
    match e.kind() {
        ErrorKind::UnknownArgument => format!("Unknown option {arg}"),
        _ => e.kind().to_string(),
    }
}

/// The last value of a string option.
fn last(m: &ArgMatches, name: &str) -> Option<String> {
    m.get_many::<String>(name)
        .and_then(|mut v| v.next_back().cloned())
}

fn last_index(m: &ArgMatches, name: &str) -> Option<usize> {
    m.indices_of(name).and_then(|mut i| i.next_back())
}

/// Options that take a value, as GLib would name them in a message.
const VALUE_OPTIONS: &[&str] = &[
    "-o",
    "-O",
    "-n",
    "-N",
    "-p",
    "--original",
    "--original-string",
    "--new",
    "--new-string",
    "--patch",
    "--output-as",
    "--output-to",
];

/// The option missing its value, when the arguments end with one (GLib
/// takes whatever follows as the value, so that is the only way to miss it).
fn missing_value(args: &[String]) -> Option<String> {
    let last = args.last()?;
    if VALUE_OPTIONS.contains(&last.as_str()) {
        return Some(last.clone());
    }
    // A cluster of short flags ending with one taking a value (`-co`).
    let cluster = last.strip_prefix('-').filter(|c| !c.starts_with('-'))?;
    let end = cluster.chars().last()?;
    (cluster.len() > 1 && "oOnNp".contains(end)).then(|| format!("-{end}"))
}

/// Parses the arguments (without the program name).
pub fn parse(args: &[String]) -> Parsed {
    let argv: Vec<&str> = std::iter::once("crm_diff")
        .chain(args.iter().map(String::as_str))
        .collect();
    if let Some(text) = crate::args::help_text(&argv, &help_spec()) {
        return Parsed::Help(text);
    }
    if let Some(opt) = missing_value(args) {
        return Parsed::Error(format!("Missing argument for {opt}"));
    }
    let argv = std::iter::once("crm_diff".to_string()).chain(args.iter().cloned());
    let m = match command().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) => return Parsed::Error(glib_message(&e)),
    };
    // -n and -p write the same setting: the later one wins.
    let target_file = match (last_index(&m, "new"), last_index(&m, "patch")) {
        (Some(n), Some(p)) if n > p => last(&m, "new"),
        (_, Some(_)) => last(&m, "patch"),
        (Some(_), None) => last(&m, "new"),
        (None, None) => None,
    };
    Parsed::Run(Options {
        source_file: last(&m, "original"),
        source_string: last(&m, "original-string"),
        target_file,
        target_string: last(&m, "new-string"),
        patch: m.contains_id("patch"),
        as_cib: m.get_flag("cib"),
        no_version: m.get_flag("no-version"),
        use_stdin: m.get_flag("stdin"),
        version: m.get_flag("version"),
        verbosity: m.get_count("verbose"),
        output_as: last(&m, "output-as"),
        output_to: last(&m, "output-to"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Parsed {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn options_and_precedence() {
        let Parsed::Run(o) = run(&["-o", "a", "-n", "b", "-p", "c", "--cib", "-VV", "x"]) else {
            panic!()
        };
        assert_eq!(o.source_file.as_deref(), Some("a"));
        assert_eq!(o.target_file.as_deref(), Some("c"));
        assert!(o.patch && o.as_cib && !o.no_version);
        assert_eq!(o.verbosity, 2);
        let Parsed::Run(o) = run(&["-pc", "-n", "b", "-oa", "-o", "z", "--output-as=xml", "-u"])
        else {
            panic!()
        };
        assert_eq!(o.target_file.as_deref(), Some("b"));
        assert_eq!(o.source_file.as_deref(), Some("z"));
        assert!(o.patch && o.no_version);
        assert_eq!(o.output_as.as_deref(), Some("xml"));
        let Parsed::Run(o) = run(&["-o", "-", "-N", "-x", "-$"]) else {
            panic!()
        };
        assert_eq!(o.source_file.as_deref(), Some("-"));
        assert_eq!(o.target_string.as_deref(), Some("-x"));
        assert!(o.version);
    }

    #[test]
    fn errors_and_help() {
        assert_eq!(
            run(&["--bogus"]),
            Parsed::Error("Unknown option --bogus".into())
        );
        assert_eq!(
            run(&["-o"]),
            Parsed::Error("Missing argument for -o".into())
        );
        let Parsed::Help(h) = run(&["--help-all"]) else {
            panic!()
        };
        for opt in [
            "--original=FILE",
            "--original-string=STRING",
            "--new=FILE",
            "--new-string=STRING",
            "--patch=FILE",
            "--cib",
            "--no-version",
            "--output-as=FORMAT",
            "--output-to=DEST",
            "--version",
            "--verbose",
        ] {
            assert!(h.contains(opt), "{opt} missing from --help-all");
        }
        assert!(h.contains(
            "  -O, --original-string=STRING     XML is contained in the supplied string."
        ));
        let Parsed::Help(h) = run(&["--help"]) else {
            panic!()
        };
        assert!(h.contains("--help-operation") && !h.contains("--new=FILE"));
        let Parsed::Help(h) = run(&["--help-xml"]) else {
            panic!()
        };
        assert!(h.contains("--original=FILE") && !h.contains("Help Options"));
    }
}
