//! `crm_shadow`: work on a copy of the CIB (`tools/crm_shadow.c`).
//!
//! A shadow instance `NAME` is the file `shadow.NAME` (see
//! [`pcmk_based::file::shadow_path`]); tools use it instead of the live CIB
//! when `CIB_shadow=NAME`. Messages, output and exit codes are Pacemaker
//! 3.0.2's.

mod patchset_text;

use clap::{Arg, ArgAction, ArgMatches, Command};
use pcmk_based::client::Connection;
use pcmk_based::request::{Operation, Request, Target};
use pcmk_based::store::empty_cib;
use pcmk_common::exit::CrmExit;
use pcmk_common::patchset::{DiffOptions, create_patchset};
use pcmk_common::xml::{Element, parse};

use crate::args::{Start, common_args, start};
use crate::cibadmin::Cdata;
use crate::output::help::{Entry, Group, Help, common_entries, output_group};
use crate::output::{Output, Printed, text_element};

const PROG: &str = "crm_shadow";

const SUMMARY: &str = "crm_shadow - perform Pacemaker configuration changes in a sandbox

This command sets up an environment in which configuration tools (cibadmin,
crm_resource, etc.) work offline instead of against a live cluster, allowing
changes to be previewed and tested for side effects.";

const DESCRIPTION: &str = "Examples:

Create a blank shadow configuration:

\t# crm_shadow --create-empty myShadow

Create a shadow configuration from the running cluster

\t# crm_shadow --create myShadow

Display the current shadow configuration:

\t# crm_shadow --display

Discard the current shadow configuration (named myShadow):

\t# crm_shadow --delete myShadow --force

Upload current shadow configuration (named myShadow) to running cluster:

\t# crm_shadow --commit myShadow

";

fn help() -> Help {
    Help {
        prog: PROG,
        params: Some("<query>|<command>"),
        summary: SUMMARY,
        description: DESCRIPTION,
        groups: vec![
            output_group("text (default), xml"),
            Group {
                name: "queries",
                title: "Queries:",
                help_desc: "Show query help",
                entries: vec![
                    Entry::flag(Some('w'), "which", "Indicate the active shadow copy"),
                    Entry::flag(
                        Some('p'),
                        "display",
                        "Display the contents of the active shadow copy",
                    ),
                    Entry::flag(
                        Some('d'),
                        "diff",
                        "Display the changes in the active shadow copy",
                    ),
                    Entry::flag(
                        Some('F'),
                        "file",
                        "Display the location of the active shadow copy file",
                    ),
                ],
            },
            Group {
                name: "commands",
                title: "Commands:",
                help_desc: "Show command help",
                entries: vec![
                    Entry::with_arg(
                        Some('c'),
                        "create",
                        "name",
                        "Create the named shadow copy of the active cluster configuration",
                    ),
                    Entry::with_arg(
                        Some('e'),
                        "create-empty",
                        "name",
                        "Create the named shadow copy with an empty cluster configuration.\n                              Optional: --validate-with",
                    ),
                    Entry::with_arg(
                        Some('C'),
                        "commit",
                        "name",
                        "Upload the contents of the named shadow copy to the cluster",
                    ),
                    Entry::with_arg(
                        Some('D'),
                        "delete",
                        "name",
                        "Delete the contents of the named shadow copy",
                    ),
                    Entry::flag(
                        Some('E'),
                        "edit",
                        "Edit the contents of the active shadow copy with your favorite $EDITOR",
                    ),
                    Entry::with_arg(
                        Some('r'),
                        "reset",
                        "name. Required: --force.",
                        "Recreate named shadow copy from the active cluster configuration",
                    ),
                    Entry::with_arg(
                        Some('s'),
                        "switch",
                        "name",
                        "(Advanced) Switch to the named shadow copy",
                    ),
                ],
            },
            Group {
                name: "additional",
                title: "Additional Options:",
                help_desc: "Show additional options",
                entries: vec![
                    Entry::flag(
                        Some('f'),
                        "force",
                        "(Advanced) Force the action to be performed",
                    ),
                    Entry::flag(Some('b'), "batch", "(Advanced) Don't spawn a new shell"),
                    Entry::flag(
                        Some('a'),
                        "all",
                        "(Advanced) Upload entire CIB, including status, with --commit",
                    ),
                    Entry::with_arg(
                        Some('v'),
                        "validate-with",
                        "value",
                        "(Advanced) Create an older configuration version",
                    ),
                ],
            },
        ],
        main: common_entries(),
    }
}

/// The commands and queries, as `(id, short, long, takes a name)`.
const COMMANDS: &[(&str, char, &str, bool)] = &[
    ("which", 'w', "which", false),
    ("display", 'p', "display", false),
    ("diff", 'd', "diff", false),
    ("file", 'F', "file", false),
    ("create", 'c', "create", true),
    ("create-empty", 'e', "create-empty", true),
    ("commit", 'C', "commit", true),
    ("delete", 'D', "delete", true),
    ("edit", 'E', "edit", false),
    ("reset", 'r', "reset", true),
    ("switch", 's', "switch", true),
];

fn command() -> Command {
    let mut cmd = common_args(Command::new(PROG));
    for (id, short, long, named) in COMMANDS {
        let a = Arg::new(*id).short(*short).long(*long);
        cmd = cmd.arg(if *named {
            a.action(ArgAction::Append).num_args(1)
        } else {
            a.action(ArgAction::Count)
        });
    }
    let flag =
        |id: &'static str, short: char| Arg::new(id).short(short).long(id).action(ArgAction::Count);
    cmd.arg(flag("force", 'f'))
        .arg(flag("batch", 'b'))
        .arg(flag("all", 'a'))
        .arg(
            Arg::new("validate-with")
                .short('v')
                .long("validate-with")
                .num_args(1),
        )
        .arg(Arg::new("extra").num_args(0..))
}

/// The command given last, with its instance name if it takes one.
fn chosen(m: &ArgMatches) -> Option<(&'static str, Option<String>)> {
    let mut best: Option<(usize, &'static str, Option<String>)> = None;
    for (id, _, _, named) in COMMANDS {
        if m.value_source(id) != Some(clap::parser::ValueSource::CommandLine) {
            continue;
        }
        let Some(i) = m.indices_of(id).and_then(|mut i| i.next_back()) else {
            continue;
        };
        if best.as_ref().is_none_or(|(b, _, _)| i > *b) {
            let name = if *named {
                m.get_many::<String>(id)
                    .and_then(|mut v| v.next_back().cloned())
            } else {
                None
            };
            best = Some((i, id, name));
        }
    }
    best.map(|(_, id, name)| (id, name))
}

type Failed = (CrmExit, String);

struct Shadow<'a> {
    out: &'a mut Output,
    cdata: Cdata,
    instance: Option<String>,
    force: bool,
    batch: bool,
    all: bool,
    validate_with: Option<String>,
    diff_found: bool,
}

fn active() -> Option<String> {
    std::env::var("CIB_shadow").ok().filter(|s| !s.is_empty())
}

fn danger(reason: Option<&str>, for_shadow: bool, mismatch_of: Option<&str>) -> String {
    let mut reason = reason.map(str::to_string);
    if let (Some(r), Some(instance)) = (&reason, mismatch_of) {
        if let Some(a) = active().filter(|a| a != instance) {
            reason = Some(format!(
                "{r}.\nAdditionally, the supplied shadow instance ({instance}) is not the same as the active one ({a})"
            ));
        }
    }
    format!(
        "{}{}To prevent accidental destruction of the {}, the --force flag is required in order to proceed.",
        reason.as_deref().unwrap_or(""),
        if reason.is_some() { ".\n" } else { "" },
        if for_shadow { "shadow file" } else { "cluster" }
    )
}

fn prompt(instance: &str) -> String {
    let short: String = instance.chars().take(40).collect();
    format!("shadow[{short}] # ")
}

/// Runs a request on the real CIB (ignoring `CIB_shadow`).
fn real_cib(req: &Request) -> Result<pcmk_based::client::Reply, Failed> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| (CrmExit::OsErr, e.to_string()))?;
    rt.block_on(async {
        let mut conn = Connection::open_real(PROG)
            .await
            .map_err(|e| (e.exit_code(), format!("Could not connect to CIB: {e}")))?;
        let reply = conn
            .perform(req)
            .await
            .map_err(|e| (e.exit_code(), format!("Could not connect to CIB: {e}")))?;
        conn.close().map_err(|e| (e.exit_code(), e.to_string()))?;
        Ok(reply)
    })
}

impl Shadow<'_> {
    fn instance(&self) -> &str {
        self.instance.as_deref().unwrap_or_default()
    }

    fn take_active(&mut self) -> Result<(), Failed> {
        self.instance = active();
        if self.instance.is_none() {
            return Err((
                CrmExit::NoSuch,
                "No active shadow configuration defined".to_string(),
            ));
        }
        Ok(())
    }

    fn path(&self) -> std::path::PathBuf {
        pcmk_based::file::shadow_path(self.instance())
    }

    fn check_exists(&self, should_exist: bool) -> Result<(), Failed> {
        let exists = self.path().exists();
        if !should_exist && exists {
            let reason = format!("A shadow instance '{}' already exists", self.instance());
            return Err((CrmExit::CantCreat, danger(Some(&reason), true, None)));
        }
        if should_exist && !exists {
            return Err((
                CrmExit::NoSuch,
                format!(
                    "Could not access shadow instance '{}': No such file or directory",
                    self.instance()
                ),
            ));
        }
        Ok(())
    }

    fn read(&self) -> Result<Element, Failed> {
        let path = self.path();
        std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| parse(&t).ok())
            .ok_or((
                CrmExit::NoInput,
                format!("Could not parse XML from input file '{}'", path.display()),
            ))
    }

    fn query_real(&self) -> Result<Element, Failed> {
        let reply = real_cib(&Request::new(Operation::Query, Target::All))?;
        if !reply.is_ok() {
            return Err((
                reply.exit_code,
                format!("Could not query the non-shadow CIB: {}", reply.error),
            ));
        }
        parse(&reply.output).map_err(|e| (CrmExit::Protocol, e.to_string()))
    }

    fn write(&self, xml: &Element, reset: bool) -> Result<(), Failed> {
        std::fs::write(self.path(), xml.to_pretty()).map_err(|e| {
            (
                CrmExit::CantCreat,
                format!(
                    "Could not {} the shadow instance '{}': {e}",
                    if reset { "reset" } else { "create" },
                    self.instance()
                ),
            )
        })
    }

    fn instruction(&mut self, text: &str) {
        self.out.info(text);
        self.out.xml(text_element("instruction", text));
    }

    fn setup(&mut self, switching: bool) -> Result<(), Failed> {
        let instance = self.instance().to_string();
        let new_prompt = prompt(&instance);
        if active().as_deref() == Some(instance.as_str())
            && std::env::var("PS1").ok().as_deref() == Some(new_prompt.as_str())
        {
            return Ok(());
        }
        let shell = std::env::var("SHELL").ok().filter(|s| !s.is_empty());
        match shell {
            Some(shell) if !self.batch => {
                use std::os::unix::process::CommandExt;
                self.out.info("Setting up shadow instance");
                self.instruction("Press Ctrl+D to exit the crm_shadow shell");
                let mut cmd = std::process::Command::new(&shell);
                if shell == "bash" || shell.ends_with("/bash") {
                    cmd.args(["--norc", "--noprofile"]);
                }
                let err = cmd
                    .env("PS1", &new_prompt)
                    .env("CIB_shadow", &instance)
                    .exec();
                Err((
                    CrmExit::OsErr,
                    format!("Failed to launch shell '{shell}': {err}"),
                ))
            }
            _ => {
                let prefix = if switching {
                    "To switch to the named shadow instance"
                } else {
                    "A new shadow instance was created. To begin using it"
                };
                self.instruction(&format!(
                    "{prefix}, enter the following into your shell:\n\texport CIB_shadow={instance}"
                ));
                Ok(())
            }
        }
    }

    fn shadow_element(&self, file: Option<&str>) -> Element {
        let mut e = Element::new("shadow").with_attr("instance", self.instance());
        if let Some(f) = file {
            e.set_attr("file", f);
        }
        e
    }

    fn commit(&mut self) -> Result<(), Failed> {
        if !self.force {
            let reason = "The commit command overwrites the active cluster configuration";
            return Err((
                CrmExit::Usage,
                danger(Some(reason), false, Some(self.instance())),
            ));
        }
        self.check_exists(true)?;
        // Connect first, as Pacemaker does, so a missing CIB is reported
        // before the shadow file is read.
        real_cib(&Request::new(
            Operation::Query,
            Target::Section("status".into()),
        ))?;
        let input = self.read()?;
        let (target, data) = if self.all {
            (Target::All, input)
        } else {
            let config = input
                .child("configuration")
                .cloned()
                .unwrap_or_else(|| Element::new("configuration"));
            (Target::Section("configuration".to_string()), config)
        };
        let mut req = Request::new(Operation::Replace, target).with_input(data);
        req.user = std::env::var("CIB_user").ok().filter(|u| !u.is_empty());
        let reply = real_cib(&req)?;
        if !reply.is_ok() {
            return Err((
                reply.exit_code,
                format!(
                    "Could not commit shadow instance '{}' to the CIB: {}",
                    self.instance(),
                    reply.error
                ),
            ));
        }
        Ok(())
    }

    fn create_empty(&mut self) -> Result<(), Failed> {
        if !self.force {
            self.check_exists(false)?;
        }
        let mut cib = empty_cib(0);
        if let Some(v) = &self.validate_with {
            cib.set_attr("validate-with", v.clone());
        }
        self.out.info(&format!(
            "Created new {} configuration",
            cib.attr("validate-with").unwrap_or_default()
        ));
        self.write(&cib, false)?;
        self.setup(false)
    }

    fn create_from_cib(&mut self, reset: bool) -> Result<(), Failed> {
        if !self.force {
            if reset {
                let reason = "The reset command overwrites the active shadow configuration";
                return Err((
                    CrmExit::Usage,
                    danger(Some(reason), true, Some(self.instance())),
                ));
            }
            self.check_exists(false)?;
        }
        let cib = self.query_real()?;
        self.write(&cib, reset)?;
        self.setup(false)
    }

    fn delete(&mut self) -> Result<(), Failed> {
        if !self.force {
            let reason = "The delete command removes the specified shadow file";
            return Err((
                CrmExit::Usage,
                danger(Some(reason), true, Some(self.instance())),
            ));
        }
        match std::fs::remove_file(self.path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err((
                    CrmExit::Error,
                    format!(
                        "Could not remove shadow instance '{}': {e}",
                        self.instance()
                    ),
                ));
            }
            _ => {}
        }
        if active().as_deref() == Some(self.instance()) {
            let ours =
                std::env::var("PS1").ok().as_deref() == Some(prompt(self.instance()).as_str());
            if ours {
                self.instruction("Press Ctrl+D to exit the crm_shadow shell");
            } else {
                self.instruction(
                    "Remember to unset the CIB_shadow variable by entering the following into your shell:\n\tunset CIB_shadow",
                );
            }
        }
        Ok(())
    }

    fn edit(&mut self) -> Result<(), Failed> {
        use std::os::unix::process::CommandExt;
        self.take_active()?;
        self.check_exists(true)?;
        let Some(editor) = std::env::var("EDITOR").ok().filter(|e| !e.is_empty()) else {
            return Err((
                CrmExit::NotConfigured,
                "No value for EDITOR defined".to_string(),
            ));
        };
        let path = self.path();
        let err = std::process::Command::new(&editor).arg(&path).exec();
        Err((
            CrmExit::OsFile,
            format!(
                "Could not invoke EDITOR ({editor} {}): {err}",
                path.display()
            ),
        ))
    }

    fn display(&mut self) -> Result<(), Failed> {
        self.take_active()?;
        self.check_exists(true)?;
        let content = self.read()?;
        let text = content.to_pretty();
        self.out.info(text.trim_end());
        let mut e = self.shadow_element(None);
        e.push(self.cdata.element("content", &text));
        self.out.xml(e);
        Ok(())
    }

    fn diff(&mut self) -> Result<(), Failed> {
        self.take_active()?;
        self.check_exists(true)?;
        let old = self.query_real()?;
        let new = self.read()?;
        let diff = create_patchset(&old, &new, DiffOptions::default());
        let mut e = self.shadow_element(None);
        if let Some(d) = diff {
            for line in patchset_text::lines(&d.patchset) {
                self.out.info(&line);
            }
            e.push(self.cdata.element("xml-patchset", &d.patchset.to_pretty()));
            self.diff_found = true;
        }
        self.out.xml(e);
        Ok(())
    }

    fn run(&mut self, cmd: &str) -> Result<(), Failed> {
        match cmd {
            "commit" => self.commit(),
            "create" => self.create_from_cib(false),
            "create-empty" => self.create_empty(),
            "reset" => self.create_from_cib(true),
            "delete" => self.delete(),
            "diff" => self.diff(),
            "display" => self.display(),
            "edit" => self.edit(),
            "file" => {
                self.take_active()?;
                let path = self.path().display().to_string();
                self.out.info(&path);
                let e = self.shadow_element(Some(&path));
                self.out.xml(e);
                Ok(())
            }
            "switch" => {
                self.check_exists(true)?;
                self.setup(true)
            }
            _ => {
                self.take_active()?;
                let instance = self.instance().to_string();
                self.out.info(&instance);
                let e = self.shadow_element(None);
                self.out.xml(e);
                Ok(())
            }
        }
    }
}

/// Runs `crm_shadow` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let (m, mut out) = match start(PROG, argv, &help(), command(), CrmExit::Error) {
        Start::Done(printed, exit) => return (printed, exit),
        Start::Run(m, out) => (m, out),
    };
    let extra: Vec<String> = m
        .get_many::<String>("extra")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let all_help = || help().render(crate::output::help::Which::Main);
    let failed: Option<Failed> = if !extra.is_empty() {
        Some((
            CrmExit::Usage,
            format!(
                "non-option ARGV-elements: {}\n\n{}",
                extra.join(" "),
                all_help()
            ),
        ))
    } else if let Some((cmd, instance)) = chosen(&m) {
        let mut shadow = Shadow {
            out: &mut out,
            cdata: Cdata::default(),
            instance,
            force: m.get_count("force") > 0,
            batch: m.get_count("batch") > 0,
            all: m.get_count("all") > 0,
            validate_with: m.get_one::<String>("validate-with").cloned(),
            diff_found: false,
        };
        let r = shadow.run(cmd);
        let diff_found = shadow.diff_found;
        let cdata = std::mem::take(&mut shadow.cdata);
        let exit = match r {
            Ok(()) if diff_found => CrmExit::Error,
            Ok(()) => CrmExit::OK,
            Err((exit, msg)) => {
                out.err(&format!("{PROG}: {msg}"));
                exit
            }
        };
        let mut printed = out.finish(exit);
        cdata.fill(&mut printed.stdout);
        return (printed, exit);
    } else {
        Some((
            CrmExit::Usage,
            format!("Must specify a query or command option\n\n{}", all_help()),
        ))
    };
    let exit = match failed {
        Some((exit, msg)) => {
            out.err(&format!("{PROG}: {msg}"));
            exit
        }
        None => CrmExit::OK,
    };
    (out.finish(exit), exit)
}
