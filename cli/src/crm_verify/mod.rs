//! crm_verify: check a CIB for configuration errors and warnings by running
//! the scheduler over it, with Pacemaker 3.0's options, text and XML
//! output and exit codes.

use clap::{Arg, ArgAction, Command};
use pcmk_common::exit::CrmExit;
use pcmk_common::xml::{self, Element};
use pcmk_schedulerd::{ScheduleOptions, Severity, schedule};

use crate::args::{Start, common_args, start};
use crate::output::help::{Entry, Group, Help, common_entries, output_group};
use crate::output::{Output, Printed};

const PROG: &str = "crm_verify";

const SUMMARY: &str = "Check a Pacemaker configuration for errors

Check the well-formedness of a complete Pacemaker XML configuration,
its conformance to the configured schema, and the presence of common
misconfigurations. Problems reported as errors must be fixed before the
cluster will work properly. It is left to the administrator to decide
whether to fix problems reported as warnings.";

const DESCRIPTION: &str = "Examples:

Check the configuration the running cluster uses:

\tcrm_verify --live-check

Check the configuration in a file, printing nothing but the exit status:

\tcrm_verify --xml-file file.xml --quiet

Check the configuration in a file and list every problem found:

\tcrm_verify --xml-file file.xml --verbose

";

fn help() -> Help {
    let mut main = common_entries();
    main.push(Entry::flag(
        Some('q'),
        "quiet",
        "Don't print verify information",
    ));
    Help {
        prog: PROG,
        params: None,
        summary: SUMMARY,
        description: DESCRIPTION,
        groups: vec![
            output_group("text (default), xml"),
            Group {
                name: "data",
                title: "Data sources:",
                help_desc: "Show data options",
                entries: vec![
                    Entry::flag(
                        Some('L'),
                        "live-check",
                        "Check the configuration used by the running cluster",
                    ),
                    Entry::with_arg(
                        Some('x'),
                        "xml-file",
                        "FILE",
                        "Check the configuration in the named file",
                    ),
                    Entry::flag(
                        Some('p'),
                        "xml-pipe",
                        "Check the configuration piped in via stdin",
                    ),
                    Entry::with_arg(
                        Some('X'),
                        "xml-text",
                        "XML",
                        "Check the configuration in the supplied string",
                    ),
                ],
            },
            Group {
                name: "additional",
                title: "Additional options:",
                help_desc: "Show additional options",
                entries: vec![Entry::with_arg(
                    Some('S'),
                    "save-xml",
                    "FILE",
                    "Save verified XML to named file (most useful with -L)",
                )],
            },
        ],
        main,
    }
}

fn command() -> Command {
    let value = |name: &'static str, short: char| {
        Arg::new(name)
            .short(short)
            .long(name)
            .num_args(1)
            .allow_hyphen_values(true)
            .action(ArgAction::Set)
    };
    let flag = |name: &'static str, short: char| {
        Arg::new(name)
            .short(short)
            .long(name)
            .action(ArgAction::SetTrue)
    };
    common_args(Command::new(PROG))
        .arg(flag("quiet", 'q'))
        .arg(flag("live-check", 'L'))
        .arg(flag("xml-pipe", 'p'))
        .arg(value("xml-file", 'x'))
        .arg(value("xml-text", 'X'))
        .arg(value("save-xml", 'S'))
}

/// Where crm_verify gets what it checks, and where it saves it.
pub trait Environment {
    /// All of standard input.
    fn read_stdin(&self) -> std::io::Result<String>;
    /// The contents of a file.
    fn read_file(&self, path: &str) -> std::io::Result<String>;
    /// The running cluster's CIB, or why it could not be had.
    fn live_cib(&self) -> Result<String, (String, CrmExit)>;
    /// Writes a file.
    fn write_file(&self, path: &str, text: &str) -> std::io::Result<()>;
    /// The current time (epoch seconds).
    fn now(&self) -> i64;
}

/// The process's own environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn read_stdin(&self) -> std::io::Result<String> {
        std::io::read_to_string(std::io::stdin())
    }
    fn read_file(&self, path: &str) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }
    fn live_cib(&self) -> Result<String, (String, CrmExit)> {
        crate::live_cib::read_live_cib(PROG).map_err(|e| (e.message, e.exit))
    }
    fn write_file(&self, path: &str, text: &str) -> std::io::Result<()> {
        std::fs::write(path, text)
    }
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
    }
}

/// What a check of one CIB found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Findings {
    /// `error: ...` and `warning: ...` lines, in the order found.
    pub lines: Vec<String>,
    /// Whether any configuration error was found.
    pub errors: bool,
    /// Whether any configuration warning was found.
    pub warnings: bool,
}

impl Findings {
    /// Whether the configuration needs attention (Pacemaker's
    /// `pcmk_rc_schema_validation` result).
    pub fn failed(&self) -> bool {
        self.errors || self.warnings
    }
}

/// Checks a parsed CIB: that it is a CIB, then what the scheduler finds
/// wrong with its configuration.
pub fn check(mut cib: Element, now: i64) -> Findings {
    let mut found = Findings::default();
    if cib.name != "cib" {
        found.lines.push(format!(
            "Input is not a CIB (outermost element is {} not cib)",
            cib.name
        ));
        // Not a configuration problem as such: no flag is set, but the
        // check fails (see `run`), as Pacemaker's does
        return found;
    }
    cib.child_or_insert("status");
    let opts = ScheduleOptions {
        now,
        ..ScheduleOptions::default()
    };
    let result = schedule(&cib, &opts);
    for m in result.scheduler.messages.iter().filter(|m| m.config) {
        match m.severity {
            Severity::Error => {
                found.errors = true;
                found.lines.push(format!("error: {}", m.text));
            }
            Severity::Warning => {
                found.warnings = true;
                found.lines.push(format!("warning: {}", m.text));
            }
            Severity::Notice => {}
        }
    }
    if found.errors {
        found
            .lines
            .push("error: CIB did not pass schema validation".to_string());
    }
    found
}

/// Runs crm_verify with the command line `argv` (program name first):
/// what it prints and its exit status.
pub fn run<S: AsRef<str>>(argv: &[S], env: &dyn Environment) -> (Printed, CrmExit) {
    let (m, mut out) = match start(PROG, argv, &help(), command(), CrmExit::Error) {
        Start::Done(printed, code) => return (printed, code),
        Start::Run(m, out) => (m, out),
    };
    let quiet = m.get_flag("quiet");
    let mut verbosity = i32::from(m.get_count("verbose"));
    if verbosity > 0 {
        verbosity -= i32::from(quiet);
    }
    if out.is_xml() {
        verbosity = 1;
    }
    let fail = |mut out: Output, msg: String, code: CrmExit| {
        out.err(&format!("{PROG}: {msg}"));
        (out.finish(code), code)
    };
    let text = if let Some(f) = m.get_one::<String>("xml-file") {
        env.read_file(f).ok()
    } else if let Some(t) = m.get_one::<String>("xml-text") {
        Some(t.clone())
    } else if m.get_flag("xml-pipe") {
        env.read_stdin().ok()
    } else if m.get_flag("live-check") {
        match env.live_cib() {
            Ok(t) => Some(t),
            Err((msg, code)) => return fail(out, msg, code),
        }
    } else {
        return fail(out, "No input specified".to_string(), CrmExit::Error);
    };
    let Some(cib) = text.and_then(|t| xml::parse(&t).ok()) else {
        return fail(
            out,
            "Verification failed: Unable to parse CIB XML".to_string(),
            CrmExit::Config,
        );
    };
    if let Some(path) = m.get_one::<String>("save-xml") {
        // As Pacemaker, a file that cannot be written does not stop the check
        let _ = env.write_file(path, &cib.to_pretty());
    }
    let is_cib = cib.name == "cib";
    let found = check(cib, env.now());
    for l in &found.lines {
        if !is_cib || verbosity > 0 {
            out.err(l);
        }
    }
    let failed = found.failed() || !is_cib;
    if failed && !quiet {
        let kind = if found.errors {
            "invalid"
        } else if found.warnings {
            "may need attention"
        } else {
            ""
        };
        let hint = if verbosity == 0 {
            " (-V may provide more detail)"
        } else {
            ""
        };
        out.err(&format!("Configuration {kind}{hint}"));
    }
    let code = if failed { CrmExit::Config } else { CrmExit::OK };
    (out.finish(code), code)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Env {
        stdin: &'static str,
    }

    impl Environment for Env {
        fn read_stdin(&self) -> std::io::Result<String> {
            Ok(self.stdin.to_string())
        }
        fn read_file(&self, _: &str) -> std::io::Result<String> {
            Err(std::io::ErrorKind::NotFound.into())
        }
        fn live_cib(&self) -> Result<String, (String, CrmExit)> {
            Err((
                "Could not connect to the CIB manager".into(),
                CrmExit::Disconnect,
            ))
        }
        fn write_file(&self, _: &str, _: &str) -> std::io::Result<()> {
            Ok(())
        }
        fn now(&self) -> i64 {
            0
        }
    }

    const CLEAN: &str = r#"<cib><configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config><nodes/><resources/><constraints/></configuration></cib>"#;
    const NO_FENCING: &str = r#"<cib><configuration><crm_config/><nodes/><resources><primitive id="r" class="ocf" provider="pacemaker" type="Dummy"/></resources><constraints/></configuration></cib>"#;

    fn go(args: &[&str], stdin: &'static str) -> (Printed, CrmExit) {
        let mut argv = vec![PROG];
        argv.extend_from_slice(args);
        run(&argv, &Env { stdin })
    }

    #[test]
    fn clean_configuration_passes() {
        let (p, code) = go(&["-p"], CLEAN);
        assert_eq!(
            (code, p.stderr.as_str(), p.stdout.as_str()),
            (CrmExit::OK, "", "")
        );
    }

    #[test]
    fn errors_are_listed_only_when_verbose() {
        let (p, code) = go(&["-p"], NO_FENCING);
        assert_eq!(code, CrmExit::Config);
        assert_eq!(
            p.stderr,
            "Configuration invalid (-V may provide more detail)\n"
        );
        let (p, _) = go(&["-p", "-V"], NO_FENCING);
        let lines: Vec<&str> = p.stderr.lines().collect();
        assert!(lines[0].starts_with("error: Resource start-up disabled"));
        assert_eq!(
            &lines[1..],
            [
                "error: CIB did not pass schema validation",
                "Configuration invalid"
            ]
        );
        let (p, code) = go(&["-p", "-q"], NO_FENCING);
        assert_eq!((code, p.stderr.as_str()), (CrmExit::Config, ""));
    }

    #[test]
    fn xml_output_lists_the_errors() {
        let (p, code) = go(&["-p", "--output-as=xml", "-q"], NO_FENCING);
        assert_eq!(code, CrmExit::Config);
        assert!(
            p.stdout
                .contains(r#"<status code="78" message="Invalid configuration">"#)
        );
        assert!(
            p.stdout
                .contains("<error>error: CIB did not pass schema validation</error>")
        );
        assert!(!p.stdout.contains("Configuration invalid"));
    }

    #[test]
    fn input_problems() {
        let (p, code) = go(&[], CLEAN);
        assert_eq!(
            (code, p.stderr.as_str()),
            (CrmExit::Error, "crm_verify: No input specified\n")
        );
        let (p, code) = go(&["-X", "<cib"], CLEAN);
        assert_eq!(code, CrmExit::Config);
        assert_eq!(
            p.stderr,
            "crm_verify: Verification failed: Unable to parse CIB XML\n"
        );
        let (p, code) = go(&["-X", "<nodes/>"], CLEAN);
        assert_eq!(code, CrmExit::Config);
        assert!(
            p.stderr
                .starts_with("Input is not a CIB (outermost element is nodes not cib)\n")
        );
        let (_, code) = go(&["-L"], CLEAN);
        assert_eq!(code, CrmExit::Disconnect);
        let (p, code) = go(&["--bogus"], CLEAN);
        assert_eq!(
            (code, p.stderr.as_str()),
            (CrmExit::Usage, "crm_verify: Unknown option --bogus\n")
        );
        let (p, code) = go(&["--help-all"], CLEAN);
        assert_eq!(code, CrmExit::OK);
        assert!(p.stdout.contains("-S, --save-xml=FILE"));
    }
}
