//! `crm_rule`: check whether rules of the configuration are in effect at a
//! given date (`tools/crm_rule.c`, `lib/pacemaker/pcmk_rule.c`).
//!
//! Only rules with exactly one `date_expression` can be checked, and a
//! `date_spec` must give `years`, as upstream. The CIB comes from `-X`
//! (text, or `-` for standard input), else from `CIB_file` or `CIB_shadow`.

mod check;

use clap::{Arg, ArgAction, Command};
use pcmk_common::exit::CrmExit;
use pcmk_common::iso8601::{DateTime, LocalTime};
use pcmk_common::results::rc_to_exit;
use pcmk_common::xml::{Element, parse};

use crate::args::{Start, common_args, start};
use crate::output::help::{Entry, Group, Help, REPORT_BUGS, common_entries, output_group};
use crate::output::{Logger, Output, Printed, xmllib_error_lines};

pub use check::{RuleCheck, check_rule};

const PROG: &str = "crm_rule";

fn help() -> Help {
    Help {
        prog: PROG,
        params: None,
        summary: "evaluate rules from the Pacemaker configuration",
        description: REPORT_BUGS,
        groups: vec![
            output_group("text (default), xml"),
            Group {
                name: "modes",
                title: "Modes (mutually exclusive):",
                help_desc: "Show modes of operation",
                entries: vec![Entry::flag(
                    Some('c'),
                    "check",
                    "Check whether a rule is in effect",
                )],
            },
            Group {
                name: "data",
                title: "Data:",
                help_desc: "Show data options",
                entries: vec![Entry::flag(
                    Some('X'),
                    "xml-text",
                    "Use argument for XML (or stdin if '-')",
                )],
            },
            Group {
                name: "additional",
                title: "Additional Options:",
                help_desc: "Show additional options",
                entries: vec![
                    Entry::flag(
                        Some('d'),
                        "date",
                        "Whether the rule is in effect on a given date",
                    ),
                    Entry::flag(
                        Some('r'),
                        "rule",
                        "The ID of the rule to check (may be specified multiple times)",
                    ),
                ],
            },
        ],
        main: common_entries(),
    }
}

fn command() -> Command {
    let value = |name: &'static str, short: char| {
        Arg::new(name)
            .short(short)
            .long(name)
            .num_args(1)
            .allow_hyphen_values(true)
            .action(ArgAction::Append)
    };
    common_args(Command::new(PROG))
        .arg(
            Arg::new("check")
                .short('c')
                .long("check")
                .action(ArgAction::SetTrue),
        )
        .arg(value("xml-text", 'X'))
        .arg(value("date", 'd'))
        .arg(value("rule", 'r'))
}

/// Where `crm_rule` reads the CIB from when `-X` is not given, and what
/// the environment provides.
pub trait Environment {
    /// An environment variable.
    fn var(&self, name: &str) -> Option<String>;
    /// The contents of a file.
    fn read_file(&self, path: &str) -> std::io::Result<String>;
    /// All of standard input.
    fn read_stdin(&self) -> std::io::Result<String>;
    /// The current time and local offset.
    fn local_time(&self) -> LocalTime;
}

/// The real process environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
    fn read_file(&self, path: &str) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }
    fn read_stdin(&self) -> std::io::Result<String> {
        std::io::read_to_string(std::io::stdin())
    }
    fn local_time(&self) -> LocalTime {
        LocalTime::system()
    }
}

/// The path of the CIB file the environment points at (`CIB_file`, or the
/// shadow CIB named by `CIB_shadow`).
fn cib_path(env: &dyn Environment) -> Option<String> {
    if let Some(f) = env.var("CIB_file").filter(|f| !f.is_empty()) {
        return Some(f);
    }
    let name = env.var("CIB_shadow").filter(|s| !s.is_empty())?;
    let dir = env
        .var("CIB_shadow_dir")
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| {
            let home = env.var("HOME").unwrap_or_default();
            format!("{home}/.cib")
        });
    Some(format!("{dir}/shadow.{name}"))
}

struct Run {
    out: Output,
    log: Logger,
}

impl Run {
    fn fail(mut self, exit: CrmExit, message: &str) -> (Printed, CrmExit) {
        self.out.err(&format!("{PROG}: {message}"));
        (self.out.finish(exit), exit)
    }

    fn parse_xml(&mut self, text: &str) -> Option<Element> {
        match parse(text) {
            Ok(e) => Some(e),
            Err(err) => {
                for line in xmllib_error_lines(text, &err) {
                    self.log.error(
                        &mut self.out,
                        "pcmk__log_xmllib_err",
                        &format!("XML Error: {line}"),
                    );
                }
                None
            }
        }
    }
}

/// Runs `crm_rule` with `argv` (program name first) in `env`.
pub fn run<S: AsRef<str>>(argv: &[S], env: &dyn Environment) -> (Printed, CrmExit) {
    let (matches, out) = match start(PROG, argv, &help(), command(), CrmExit::Error) {
        Start::Done(printed, exit) => return (printed, exit),
        Start::Run(matches, out) => (matches, out),
    };
    let log = Logger::from_env(PROG, matches.get_count("verbose"));
    let mut run = Run { out, log };
    if !matches.get_flag("check") {
        return run.fail(CrmExit::Usage, "No mode operation given");
    }
    let rules: Vec<String> = matches
        .get_many::<String>("rule")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    if rules.is_empty() {
        return run.fail(CrmExit::Usage, "--check requires use of --rule=");
    }

    let local = env.local_time();
    let date = matches
        .get_many::<String>("date")
        .and_then(|mut v| v.next_back().cloned());
    let now = match &date {
        None => DateTime::now(&local),
        Some(d) => match DateTime::parse_at(d, &local) {
            Ok(t) => t,
            Err(e) => {
                run.log.error(&mut run.out, e.function, &e.message);
                return run.fail(CrmExit::DataErr, &format!("Invalid date specified: '{d}'"));
            }
        },
    };

    let xml_text = matches
        .get_many::<String>("xml-text")
        .and_then(|mut v| v.next_back().cloned());
    let cib = match xml_text.as_deref() {
        Some("-") => {
            let text = env.read_stdin().unwrap_or_default();
            match run.parse_xml(&text) {
                Some(e) => e,
                None => return run.fail(CrmExit::DataErr, "Couldn't parse input from STDIN"),
            }
        }
        Some(text) => match run.parse_xml(text) {
            Some(e) => e,
            None => {
                return run.fail(
                    CrmExit::DataErr,
                    &format!("Couldn't parse input string: {text}"),
                );
            }
        },
        None => {
            let Some(path) = cib_path(env) else {
                run.out
                    .err("Could not connect to the CIB: Transport endpoint is not connected");
                let exit = CrmExit::Disconnect;
                return (run.out.finish(exit), exit);
            };
            let text = match env.read_file(&path) {
                Ok(t) => t,
                Err(e) => {
                    run.out.err(&format!("Could not connect to the CIB: {e}"));
                    let exit = CrmExit::NoInput;
                    return (run.out.finish(exit), exit);
                }
            };
            match run.parse_xml(&text) {
                Some(e) => e,
                None => {
                    run.out
                        .err("Could not connect to the CIB: Unable to parse CIB XML");
                    let exit = CrmExit::Config;
                    return (run.out.finish(exit), exit);
                }
            }
        }
    };

    let mut overall = 0;
    for rule_id in &rules {
        let result = check_rule(&cib, rule_id, &now, &local);
        report(&mut run.out, rule_id, &result);
        if result.rc != 0 {
            overall = result.rc;
        }
    }
    let exit = rc_to_exit(overall);
    (run.out.finish(exit), exit)
}

/// The `rule-check` message.
fn report(out: &mut Output, rule_id: &str, result: &RuleCheck) {
    use pcmk_common::results::PcmkRc;
    let text = match PcmkRc::from_code(result.rc) {
        _ if result.rc == 0 => Some(format!("Rule {rule_id} satisfies conditions")),
        Some(PcmkRc::WithinRange) => Some(format!("Rule {rule_id} is still in effect")),
        Some(PcmkRc::AfterRange) => Some(format!("Rule {rule_id} is expired")),
        Some(PcmkRc::BeforeRange) => Some(format!("Rule {rule_id} has not yet taken effect")),
        Some(PcmkRc::OpUnsatisfied) => Some(format!("Rule {rule_id} does not satisfy conditions")),
        _ => None,
    };
    out.xml(
        Element::new("rule-check")
            .with_attr("rule-id", rule_id)
            .with_attr("rc", rc_to_exit(result.rc).code().to_string()),
    );
    match text {
        Some(t) => out.info(&t),
        None => out.err(&format!(
            "Could not determine whether rule {rule_id} is in effect: {}",
            result.error.as_deref().unwrap_or("unexpected error")
        )),
    }
}

#[cfg(test)]
mod tests;
