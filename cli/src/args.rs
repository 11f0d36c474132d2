//! Command-line handling shared by the tools: GLib-style errors and help
//! requests on top of clap.

use clap::error::ErrorKind;

use crate::output::help::{Help, Which};

/// What the command line asked for besides the tool's own options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Run the tool.
    Run,
    /// Print this help text and exit successfully.
    Help(String),
    /// Print this usage error (already prefixed with the program name) and
    /// exit with `CRM_EX_USAGE`.
    Usage(String),
}

/// Turns a clap error into the message GLib would give
/// (`crm_error: Unknown option -x`).
pub fn usage_error(prog: &str, err: &clap::Error) -> String {
    let detail = match err.kind() {
        ErrorKind::UnknownArgument => {
            let arg = err
                .get(clap::error::ContextKind::InvalidArg)
                .map(|v| v.to_string())
                .unwrap_or_default();
            let arg = arg.split('=').next().unwrap_or(&arg).to_string();
            format!("Unknown option {arg}")
        }
        ErrorKind::InvalidValue | ErrorKind::NoEquals => {
            let arg = err
                .get(clap::error::ContextKind::InvalidArg)
                .map(|v| v.to_string())
                .unwrap_or_default();
            let arg = arg.split_whitespace().next().unwrap_or("").to_string();
            format!("Missing argument for {arg}")
        }
        _ => err
            .to_string()
            .lines()
            .next()
            .unwrap_or("invalid command line")
            .trim_start_matches("error: ")
            .to_string(),
    };
    format!("{prog}: {detail}")
}

/// Which help text the `--help*` options ask for, given the names of the
/// tool's option groups (`--help-<name>`), scanning `argv` before the
/// first `--`.
pub fn help_request<'a, S: AsRef<str>>(argv: &'a [S], groups: &[&'a str]) -> Option<Which<'a>> {
    for a in argv.iter().skip(1) {
        let a = a.as_ref();
        if a == "--" {
            break;
        }
        if a == "-h" || a == "--help" || a == "-?" {
            return Some(Which::Main);
        }
        if a == "--help-all" {
            return Some(Which::All);
        }
        if let Some(g) = a.strip_prefix("--help-") {
            if let Some(name) = groups.iter().find(|n| **n == g) {
                return Some(Which::Group(name));
            }
        }
    }
    None
}

/// Help text for `argv` if it asks for help.
pub fn help_text<S: AsRef<str>>(argv: &[S], help: &Help) -> Option<String> {
    let names: Vec<&str> = help.groups.iter().map(|g| g.name).collect();
    help_request(argv, &names).map(|w| help.render(w))
}

/// The value of `--output-as` in `argv` (either `--output-as=X` or
/// `--output-as X`), looked up before full parsing so that early errors
/// can be reported in the requested format.
pub fn output_as<S: AsRef<str>>(argv: &[S]) -> Option<String> {
    let mut iter = argv.iter().skip(1).map(AsRef::as_ref);
    while let Some(a) = iter.next() {
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--output-as=") {
            return Some(v.to_string());
        }
        if a == "--output-as" {
            return iter.next().map(str::to_string);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_and_output_as() {
        let argv = ["iso8601", "--help-commands"];
        assert_eq!(
            help_request(&argv, &["output", "commands"]),
            Some(Which::Group("commands"))
        );
        assert_eq!(help_request(&["x", "--", "--help"], &[]), None);
        assert_eq!(help_request(&["x", "-h"], &[]), Some(Which::Main));
        assert_eq!(
            output_as(&["x", "--output-as", "xml"]).as_deref(),
            Some("xml")
        );
        assert_eq!(
            output_as(&["x", "--output-as=text"]).as_deref(),
            Some("text")
        );
        assert_eq!(output_as(&["x", "--", "--output-as=xml"]), None);
    }
}

/// How a tool's run starts: either it is already over (help, usage error,
/// bad output format, `--version`), or it goes on with the parsed options
/// and its output.
#[derive(Debug)]
pub enum Start {
    /// Print this and exit with this status.
    Done(crate::output::Printed, pcmk_common::exit::CrmExit),
    /// Carry on.
    Run(Box<clap::ArgMatches>, crate::output::Output),
}

/// The steps every tool takes first: `--help*`, parsing `argv` with
/// `command` (a usage error exits with `CRM_EX_USAGE`), creating the output
/// for `--output-as`/`--output-to` (an unknown format exits with
/// `bad_format`), and `--version`. `command` must define the `version`,
/// `output-to` flags (see [`common_args`]).
pub fn start<S: AsRef<str>>(
    prog: &str,
    argv: &[S],
    help: &Help,
    command: clap::Command,
    bad_format: pcmk_common::exit::CrmExit,
) -> Start {
    use crate::output::{Format, Output, Printed, version};
    use pcmk_common::exit::CrmExit;

    if let Some(text) = help_text(argv, help) {
        return Start::Done(
            Printed {
                stdout: text,
                ..Printed::default()
            },
            CrmExit::OK,
        );
    }
    let matches = match command.try_get_matches_from(argv.iter().map(AsRef::as_ref)) {
        Ok(m) => m,
        Err(e) => {
            let stderr = format!("{}\n", usage_error(prog, &e));
            return Start::Done(
                Printed {
                    stderr,
                    ..Printed::default()
                },
                CrmExit::Usage,
            );
        }
    };
    let format_name = output_as(argv).unwrap_or_else(|| "text".to_string());
    let Some(format) = Format::parse(&format_name, &[Format::Text, Format::Xml, Format::None])
    else {
        let stderr =
            format!("{prog}: Error creating output format {format_name}: Unknown output format\n");
        return Start::Done(
            Printed {
                stderr,
                ..Printed::default()
            },
            bad_format,
        );
    };
    let mut out = Output::new(format, argv);
    out.set_destination(matches.get_one::<String>("output-to").map(String::as_str));
    if matches.get_flag("version") {
        version(&mut out);
        return Start::Done(out.finish(CrmExit::OK), CrmExit::OK);
    }
    Start::Run(Box::new(matches), out)
}

/// Adds the options every tool has (`--version`, `--verbose`,
/// `--output-as`, `--output-to`) to `command`, with clap's own help and
/// version handling off.
pub fn common_args(command: clap::Command) -> clap::Command {
    use clap::{Arg, ArgAction};
    command
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('$')
                .long("version")
                .action(ArgAction::SetTrue),
        )
        .arg(
            Arg::new("verbose")
                .short('V')
                .long("verbose")
                .action(ArgAction::Count),
        )
        .arg(Arg::new("output-as").long("output-as").num_args(1))
        .arg(Arg::new("output-to").long("output-to").num_args(1))
}
