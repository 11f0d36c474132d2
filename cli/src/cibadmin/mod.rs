//! `cibadmin`: query and edit the CIB (`tools/cibadmin.c`).
//!
//! The CIB is the CIB manager's unless `CIB_shadow` or `CIB_file` names a
//! file, which is then worked on in this process with the same core as the
//! daemon (`pcmk_based`). Options, messages, output (text or
//! `--output-as=xml`) and exit codes are Pacemaker 3.0.2's.

mod cdata;
pub mod help;
mod render;

use std::time::Duration;

use clap::ArgMatches;
use pcmk_based::client::{Connection, Reply};
use pcmk_based::file::notes_to_print;
use pcmk_based::request::{CallOptions, Operation, Request, Target};
use pcmk_based::section;
use pcmk_based::store::empty_cib;
use pcmk_common::cib::{digest_for_disk, digest_xml};
use pcmk_common::exit::CrmExit;
use pcmk_common::xml::{Element, parse};

use crate::args::{Start, start};
use crate::output::{Output, Printed};

pub use cdata::Cdata;
use help::{COMMANDS, PROG, command, help};

const DEFAULT_TIMEOUT: u64 = 30;

const DANGER: &str = "The supplied command is considered dangerous. To prevent accidental \
                      destruction of the cluster, the --force flag is required in order to proceed.";

/// What `cibadmin` was asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Cib(Operation),
    DeleteAll,
    Empty,
    Md5Sum,
    Md5SumVersioned,
}

impl Command {
    fn from_id(id: &str) -> Option<Command> {
        Some(match id {
            "upgrade" => Command::Cib(Operation::Upgrade),
            "query" => Command::Cib(Operation::Query),
            "erase" => Command::Cib(Operation::Erase),
            "bump" => Command::Cib(Operation::Bump),
            "create" => Command::Cib(Operation::Create),
            "modify" => Command::Cib(Operation::Modify),
            "patch" => Command::Cib(Operation::ApplyPatch),
            "replace" => Command::Cib(Operation::Replace),
            "delete" => Command::Cib(Operation::Delete),
            "delete-all" => Command::DeleteAll,
            "empty" => Command::Empty,
            "md5-sum" => Command::Md5Sum,
            "md5-sum-versioned" => Command::Md5SumVersioned,
            _ => return None,
        })
    }

    fn unsafe_without_force(self) -> bool {
        matches!(
            self,
            Command::DeleteAll | Command::Cib(Operation::Erase | Operation::Upgrade)
        )
    }

    fn requires_input(self) -> bool {
        matches!(
            self,
            Command::DeleteAll
                | Command::Md5Sum
                | Command::Md5SumVersioned
                | Command::Cib(
                    Operation::Create
                        | Operation::Delete
                        | Operation::Modify
                        | Operation::ApplyPatch
                        | Operation::Replace
                )
        )
    }

    fn accepts_xpath(self) -> bool {
        matches!(self, Command::DeleteAll | Command::Cib(Operation::Delete))
    }
}

/// The last-given value of an option (by position on the command line).
fn last(m: &ArgMatches, id: &str) -> Option<(usize, String)> {
    let idx = last_index(m, id)?;
    let v = m.get_many::<String>(id)?.next_back()?.clone();
    Some((idx, v))
}

fn last_index(m: &ArgMatches, id: &str) -> Option<usize> {
    if m.value_source(id) != Some(clap::parser::ValueSource::CommandLine) {
        return None;
    }
    m.indices_of(id).and_then(|mut i| i.next_back())
}

fn flag(m: &ArgMatches, id: &str) -> bool {
    m.get_count(id) > 0
}

/// The command given last (query by default).
fn chosen_command(m: &ArgMatches) -> Command {
    let mut best: Option<(usize, Command)> = None;
    let ids = COMMANDS.iter().map(|(id, _, _)| *id).chain(["empty"]);
    for id in ids {
        if let (Some(i), Some(c)) = (last_index(m, id), Command::from_id(id)) {
            if best.is_none_or(|(b, _)| i > b) {
                best = Some((i, c));
            }
        }
    }
    best.map_or(Command::Cib(Operation::Query), |(_, c)| c)
}

/// The section or XPath given last.
fn chosen_target(m: &ArgMatches) -> Target {
    match (last(m, "scope"), last(m, "xpath")) {
        (Some((i, s)), Some((j, x))) => {
            if i > j {
                Target::Section(s)
            } else {
                Target::XPath(x)
            }
        }
        (Some((_, s)), None) => Target::Section(s),
        (None, Some((_, x))) => Target::XPath(x),
        (None, None) => Target::All,
    }
}

/// Reads the input XML: a file first, then a string, then standard input.
fn read_input(m: &ArgMatches) -> Result<Option<Element>, String> {
    let (source, text) = if let Some((_, file)) = last(m, "xml-file") {
        let text = if file == "-" {
            std::io::read_to_string(std::io::stdin()).unwrap_or_default()
        } else {
            std::fs::read_to_string(&file).unwrap_or_default()
        };
        (file, text)
    } else if let Some((_, s)) = last(m, "xml-text") {
        ("input string".to_string(), s)
    } else if flag(m, "xml-pipe") {
        (
            "stdin".to_string(),
            std::io::read_to_string(std::io::stdin()).unwrap_or_default(),
        )
    } else {
        return Ok(None);
    };
    parse(&text)
        .map(Some)
        .map_err(|_| format!("Couldn't parse input from {source}"))
}

/// Prints the XML `xml` as Pacemaker's tools do (`out->output_xml`): as
/// text, or in an `<output>` element as CDATA.
fn output_basic_xml(out: &mut Output, cdata: &mut Cdata, xml: &str) {
    if out.is_xml() {
        out.xml(cdata.element("output", xml));
    } else {
        let text = xml.strip_suffix('\n').unwrap_or(xml);
        out.info(text);
    }
}

/// Runs `cibadmin` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    // `--help` lists every option, as pcs and crmsh look for them there.
    let argv: Vec<String> = {
        let mut past_dashes = false;
        argv.iter()
            .map(|a| {
                let a = a.as_ref();
                if a == "--" {
                    past_dashes = true;
                }
                if !past_dashes && matches!(a, "-h" | "--help" | "-?") {
                    "--help-all".to_string()
                } else {
                    a.to_string()
                }
            })
            .collect()
    };
    let (m, mut out) = match start(PROG, &argv, &help(), command(), CrmExit::Error) {
        Start::Done(printed, exit) => return (printed, exit),
        Start::Run(m, out) => (m, out),
    };
    let mut cdata = Cdata::default();
    let exit = match execute(&m, &mut out, &mut cdata) {
        Ok(exit) => exit,
        Err((exit, msg)) => {
            out.err(&format!("{PROG}: {msg}"));
            exit
        }
    };
    let mut printed = out.finish(exit);
    cdata.fill(&mut printed.stdout);
    (printed, exit)
}

type Failed = (CrmExit, String);

fn execute(m: &ArgMatches, out: &mut Output, cdata: &mut Cdata) -> Result<CrmExit, Failed> {
    if let Some(extra) = m.get_many::<String>("extra") {
        let extra: Vec<&str> = extra.map(String::as_str).collect();
        if !extra.is_empty() {
            return Err((
                CrmExit::Usage,
                format!(
                    "non-option ARGV-elements: {}\n\n{}",
                    extra.join(" "),
                    help().render(crate::output::help::Which::Main)
                ),
            ));
        }
    }
    let cmd = chosen_command(m);
    let force = flag(m, "force");
    if cmd.unsafe_without_force() && !force {
        return Err((CrmExit::Unsafe, DANGER.to_string()));
    }
    // Only a query's output can be rendered with a user's access;
    // --show-access is ignored for other commands.
    let mut render_for = None;
    if let Some((_, value)) = last(m, "show-access") {
        use std::io::IsTerminal as _;
        let how = render::How::parse(&value, std::io::stdout().is_terminal()).ok_or_else(|| {
            (
                CrmExit::Usage,
                format!("Invalid value '{value}' for option '--show-access'"),
            )
        })?;
        if cmd == Command::Cib(Operation::Query) {
            let Some((_, user)) = last(m, "user") else {
                return Err((
                    CrmExit::Usage,
                    "-U/--user is required with -S/--show-access".to_string(),
                ));
            };
            let me = pcmk_based::file::effective_user().ok_or_else(|| {
                (
                    CrmExit::NoSuch,
                    "Failed to get username from password database for effective user ID"
                        .to_string(),
                )
            })?;
            if pcmk_based::acl::required(Some(&me)) {
                out.err(&format!(
                    "Warning: cibadmin is being run as user {me}, which is subject to ACLs. As a result, ACLs for user {user} may be incorrect or incomplete in the output. In a future release, running as a privileged user (root or hacluster) will be required for -S/--show-access."
                ));
            }
            render_for = Some((user, how));
        }
    }
    let target = chosen_target(m);
    let as_xpath = cmd.accepts_xpath() && matches!(target, Target::XPath(_));
    let mut input = None;
    if cmd.requires_input() && !as_xpath {
        match read_input(m) {
            Ok(Some(i)) => input = Some(i),
            Ok(None) => {
                return Err((
                    CrmExit::Usage,
                    format!(
                        "The supplied command requires {}input via --xml-file, --xml-text, or --xml-pipe",
                        if cmd.accepts_xpath() {
                            "either --xpath or "
                        } else {
                            ""
                        }
                    ),
                ));
            }
            Err(msg) => return Err((CrmExit::DataErr, msg)),
        }
    }
    let op = match cmd {
        Command::Empty => {
            let mut cib = empty_cib(1);
            if let Some((_, schema)) = last(m, "empty").filter(|(_, v)| !v.is_empty()) {
                cib.set_attr("validate-with", schema);
            }
            output_basic_xml(out, cdata, &cib.to_pretty());
            return Ok(CrmExit::OK);
        }
        Command::Md5Sum | Command::Md5SumVersioned => {
            let input = input.unwrap_or_else(|| Element::new("cib"));
            let digest = if cmd == Command::Md5Sum {
                digest_for_disk(&input)
            } else {
                digest_xml(&input, true)
            };
            out.info(&digest);
            out.xml(Element::new("md5-sum").with_attr("digest", digest));
            return Ok(CrmExit::OK);
        }
        Command::DeleteAll => Operation::Delete,
        Command::Cib(op) => op,
    };
    if let Target::Section(s) = &target {
        if !section::SCOPES.contains(&s.as_str()) {
            out.err(&format!(
                "Invalid value '{s}' for '--scope'. Operation will apply to the entire CIB"
            ));
        }
    }
    let verbosity = m.get_count("verbose");
    let mut options = CallOptions {
        multiple: cmd == Command::DeleteAll,
        verbose: verbosity > 0,
        ..CallOptions::default()
    };
    match op {
        Operation::Modify => {
            options.score_update = true;
            options.allow_create = flag(m, "allow-create");
        }
        Operation::Query => {
            options.xpath_address = flag(m, "node-path");
            options.no_children = flag(m, "no-children");
        }
        _ => {}
    }
    if op == Operation::Replace {
        if let Some(i) = &mut input {
            if i.name == "cib" && i.child("status").is_none() {
                i.push(Element::new("status"));
            }
        }
    }
    let mut req = Request::new(op, target);
    req.input = input;
    req.options = options;
    // With --show-access, the CIB is read as the user running cibadmin,
    // then annotated for the named user.
    req.user = last(m, "user")
        .map(|(_, u)| u)
        .filter(|_| render_for.is_none())
        .or_else(|| std::env::var("CIB_user").ok().filter(|u| !u.is_empty()));
    req.client_name = Some(PROG.to_string());

    let timeout = match last(m, "timeout").map(|(_, t)| t.trim().parse::<i64>().unwrap_or(0)) {
        None => DEFAULT_TIMEOUT,
        Some(t) if t >= 1 => u64::try_from(t).unwrap_or(DEFAULT_TIMEOUT),
        Some(_) => {
            out.err(&format!(
                "Timeout must be positive, defaulting to {DEFAULT_TIMEOUT}"
            ));
            DEFAULT_TIMEOUT
        }
    };
    let reply = call(&req, timeout)?;
    for line in notes_to_print(&reply.notes, verbosity) {
        out.log_line(&line);
    }
    let exit = post(op, &reply, out, verbosity);
    if let (Some((user, how)), CrmExit::OK) = (&render_for, exit) {
        if let Ok(doc) = parse(&reply.output) {
            if doc.name == "cib" {
                let text = render_access(&doc, user, *how)?;
                output_basic_xml(out, cdata, &text);
                return Ok(exit);
            }
        }
    }
    if !reply.output.is_empty() {
        output_result(&req, &reply.output, out, cdata);
    }
    Ok(exit)
}

/// The CIB rendered with `user`'s access (`pcmk__acl_annotate_permissions`
/// and `pcmk__acl_evaled_render`).
fn render_access(doc: &Element, user: &str, how: render::How) -> Result<String, Failed> {
    let fail = |why: &str| {
        (
            CrmExit::Config,
            format!("Could not evaluate ACLs for {user}: {why}"),
        )
    };
    if user.contains(['<', '>', '&']) {
        return Err(fail("Invalid argument"));
    }
    if !pcmk_based::acl::required(Some(user)) {
        return Err(fail("Already in requested state"));
    }
    let schema = doc.attr("validate-with");
    if pcmk_common::values::compare_versions(
        Some("2.0"),
        schema.and_then(|s| s.strip_prefix("pacemaker-")),
    ) == std::cmp::Ordering::Greater
    {
        return Err(fail("Update does not conform to the configured schema"));
    }
    let acls = pcmk_based::acl::unpack(doc, user, &pcmk_based::file::SystemGroups);
    let map = pcmk_based::acl::AccessMap::new(&acls, doc);
    Ok(render::render(doc, user, &map, how))
}

/// Connects, sends the request and closes, within `timeout` seconds.
fn call(req: &Request, timeout: u64) -> Result<Reply, Failed> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| (CrmExit::OsErr, format!("Could not start: {e}")))?;
    rt.block_on(async {
        let work = async {
            let mut conn = Connection::open(PROG).await.map_err(|e| {
                (
                    e.exit_code(),
                    format!("Could not connect to the CIB API: {e}"),
                )
            })?;
            let reply = conn
                .perform(req)
                .await
                .map_err(|e| (e.exit_code(), format!("CIB API call failed: {e}")))?;
            conn.close()
                .map_err(|e| (e.exit_code(), format!("Could not write the CIB: {e}")))?;
            Ok(reply)
        };
        match tokio::time::timeout(Duration::from_secs(timeout), work).await {
            Ok(r) => r,
            Err(_) => Err((
                CrmExit::Timeout,
                "CIB API call failed: Timer expired".to_string(),
            )),
        }
    })
}

/// Reports the result of the call; returns the exit code.
fn post(op: Operation, reply: &Reply, out: &mut Output, verbosity: u8) -> CrmExit {
    if op == Operation::Upgrade && reply.schema_unchanged {
        out.info(&format!("Upgrade unnecessary: {}", reply.error));
        return CrmExit::OK;
    }
    if reply.is_ok() {
        return CrmExit::OK;
    }
    out.err(&format!("{PROG}: CIB API call failed: {}", reply.error));
    // Validation errors go to standard error, as libxml2's would.
    let is_cib = reply.output.trim_start().starts_with("<cib");
    if reply.exit_code == CrmExit::Config && (is_cib || verbosity > 0 || op == Operation::Upgrade) {
        for d in &reply.details {
            out.log_line(d);
        }
    }
    reply.exit_code
}

/// Prints the output XML of the call.
fn output_result(req: &Request, output: &str, out: &mut Output, cdata: &mut Cdata) {
    if req.options.xpath_address {
        if let Ok(doc) = parse(output) {
            if doc.name == "xpath-query" {
                if out.is_xml() {
                    output_basic_xml(out, cdata, output);
                } else {
                    for p in doc.children_named("xpath-query-path") {
                        out.info(p.id().unwrap_or_default());
                    }
                }
                return;
            }
        }
    }
    output_basic_xml(out, cdata, output);
}

#[cfg(test)]
mod tests;
