//! `crm_resource`: manage resources (Pacemaker's `tools/crm_resource*.c`).
//!
//! Commands are chosen as Pacemaker chooses them (the last command option
//! given wins), checked against what each needs (a resource, a node, the
//! CIB, the unpacked cluster status, the controller), then dispatched from
//! [`Command`]. Agent commands ([`agents`]) need no cluster; configuration
//! commands ([`params`], [`location`]) change the CIB (file or CIB
//! manager); queries ([`show`]) read the status unpacked by the scheduler
//! library; clean-up and failure commands ([`cluster`]) go through the
//! controller and the attribute manager.

mod agents;
mod cluster;
mod location;
mod options;
mod out;
mod params;
mod show;
mod why;

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;
use pcmk_schedulerd::Scheduler;
use pcmk_schedulerd::model::{NodeIdx, RscFlags, RscIdx, Variant};

use crate::cib_session::CibSession;
use crate::goption::{Start, extra_args_message, start};
use crate::output::{Format as OutFormat, Logger, Printed};

pub use options::table;
pub use out::{Format, Out};

const PROG: &str = "crm_resource";

/// Which kind of attribute `-p`/`-g`/`-d` work on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SetType {
    /// `instance_attributes` (the default).
    #[default]
    Instance,
    /// `meta_attributes` (`--meta`).
    Meta,
    /// `utilization` (`--utilization`).
    Utilization,
    /// An XML attribute of the resource element (`--element`).
    Element,
}

impl SetType {
    /// The element name of the attribute set.
    pub fn element(self) -> &'static str {
        match self {
            SetType::Instance => "instance_attributes",
            SetType::Meta => "meta_attributes",
            SetType::Utilization => "utilization",
            SetType::Element => "attr_set_element",
        }
    }
}

/// The command chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `--list-standards`.
    ListStandards,
    /// `--list-ocf-providers`.
    ListProviders,
    /// `--list-agents SPEC`.
    ListAgents(String),
    /// `--list-ocf-alternatives AGENT`.
    ListAlternatives(String),
    /// `--show-metadata SPEC`.
    Metadata(String),
    /// `--validate` / `--force-*`: operation name and OCF check level.
    ExecuteAgent(String, Option<i32>),
    /// `-B`.
    Ban,
    /// `-C`.
    Cleanup,
    /// `-U`.
    Clear,
    /// `-a` / `-A`.
    Colocations,
    /// `-c` (hidden).
    Cts,
    /// `-D`.
    Delete,
    /// `-d NAME`.
    DeleteParam,
    /// `--digests`.
    Digests,
    /// `-F`.
    Fail,
    /// `-g NAME`.
    GetParam,
    /// `-O`.
    ListActiveOps,
    /// `-o`.
    ListAllOps,
    /// `-l`.
    ListInstances,
    /// `--list-options TYPE`.
    ListOptions,
    /// `-L` (the default).
    ListResources,
    /// `-W`.
    Locate,
    /// `-M`.
    Move,
    /// `-q`.
    QueryXml,
    /// `-w`.
    QueryXmlRaw,
    /// `-R`.
    Refresh,
    /// `--restart`.
    Restart,
    /// `-p NAME`.
    SetParam,
    /// `--wait`.
    Wait,
    /// `-Y`.
    Why,
}

/// What a command needs before it runs (`enum crm_rsc_flags`).
#[derive(Debug, Clone, Copy, Default)]
struct Needs {
    /// How `-r` is looked up (0: not looked up).
    find: u32,
    rejects_clone_instance: bool,
    cib: bool,
    controller: bool,
    node: bool,
    resource: bool,
    scheduler: bool,
}

/// Look up resources by id or history id.
const FIND_HISTORY: u32 = 1 << 0;
/// Look up anonymous clone instances by their base name.
const FIND_ANON_BASENAME: u32 = 1 << 1;
/// Look up any clone instance by its base name.
const FIND_BASENAME: u32 = 1 << 2;

impl Command {
    fn needs(&self) -> Needs {
        let n = Needs::default();
        let sched = Needs {
            cib: true,
            scheduler: true,
            ..n
        };
        let anon = FIND_ANON_BASENAME | FIND_HISTORY;
        let base = FIND_BASENAME | FIND_HISTORY;
        match self {
            Command::Ban | Command::Move | Command::Restart => Needs {
                find: anon,
                rejects_clone_instance: true,
                resource: true,
                ..sched
            },
            Command::Clear => Needs {
                find: anon,
                rejects_clone_instance: true,
                resource: true,
                ..sched
            },
            Command::Cleanup | Command::Refresh => Needs {
                find: anon,
                controller: true,
                ..sched
            },
            Command::Colocations | Command::Locate => Needs {
                find: anon,
                resource: true,
                ..sched
            },
            Command::Cts | Command::ListActiveOps | Command::ListAllOps => sched,
            Command::ListInstances | Command::ListResources => sched,
            Command::Delete => Needs {
                rejects_clone_instance: true,
                cib: true,
                resource: true,
                ..n
            },
            Command::DeleteParam
            | Command::GetParam
            | Command::QueryXml
            | Command::QueryXmlRaw
            | Command::SetParam => Needs {
                find: base,
                resource: true,
                ..sched
            },
            Command::Digests => Needs {
                find: anon,
                node: true,
                resource: true,
                ..sched
            },
            Command::ExecuteAgent(..) => Needs {
                find: anon,
                resource: true,
                ..sched
            },
            Command::Fail => Needs {
                find: FIND_HISTORY,
                controller: true,
                node: true,
                resource: true,
                ..sched
            },
            Command::Wait => Needs { cib: true, ..n },
            Command::Why => Needs {
                find: anon,
                ..sched
            },
            Command::ListStandards
            | Command::ListProviders
            | Command::ListAgents(_)
            | Command::ListAlternatives(_)
            | Command::Metadata(_)
            | Command::ListOptions => n,
        }
    }
}

/// Command-line options (Pacemaker's names), once read in order.
#[derive(Debug, Default)]
pub struct Args {
    /// `-r`.
    pub resource: Option<String>,
    /// `--class`.
    pub class: Option<String>,
    /// `--provider`.
    pub provider: Option<String>,
    /// `--agent`.
    pub agent: Option<String>,
    /// `--option NAME=VALUE`.
    pub option: Vec<String>,
    /// `-T`.
    pub timeout: Option<String>,
    /// `-V` count.
    pub verbose: u8,
    /// `-f`.
    pub force: bool,
    /// `-Q`.
    pub quiet: bool,
    /// `-N`.
    pub node: Option<String>,
    /// `--recursive` (or `-A`).
    pub recursive: bool,
    /// `-t`.
    pub rsc_type: Option<String>,
    /// `-v`.
    pub prop_value: Option<String>,
    /// Attribute kind for `-p`/`-g`/`-d`.
    pub set_type: SetType,
    /// Name given to `-p`/`-g`/`-d`.
    pub prop_name: Option<String>,
    /// `-s`.
    pub prop_set: Option<String>,
    /// `-i`.
    pub prop_id: Option<String>,
    /// `-n`.
    pub operation: Option<String>,
    /// `-I`.
    pub interval: Option<String>,
    /// `--all`.
    pub all: bool,
    /// `--expired`.
    pub clear_expired: bool,
    /// `-u`.
    pub lifetime: Option<String>,
    /// `--promoted`.
    pub promoted: bool,
    /// `--list-options` type: `primitive` or `fencing`.
    pub opt_list: Option<String>,
    /// `NAME=VALUE` words overriding the configuration.
    pub overrides: Vec<(String, String)>,
}

/// Splits `NAME=VALUE` (`pcmk__scan_nvpair`).
fn scan_nvpair(s: &str) -> Option<(String, String)> {
    let (n, v) = s.split_once('=')?;
    (!n.is_empty() && !v.is_empty()).then(|| (n.to_string(), v.to_string()))
}

/// Reads the options in order; the error is GLib's parse error message.
fn read_options(parsed: &crate::goption::Parsed) -> Result<(Args, Command, bool), String> {
    let mut a = Args::default();
    let mut cmd = Command::ListResources;
    let mut overrides_allowed = false;
    for g in &parsed.opts {
        let v = g.value.clone();
        match g.name {
            "list" => cmd = Command::ListResources,
            "list-raw" => cmd = Command::ListInstances,
            "list-cts" => cmd = Command::Cts,
            "list-operations" => cmd = Command::ListActiveOps,
            "list-all-operations" => cmd = Command::ListAllOps,
            "list-options" => {
                cmd = Command::ListOptions;
                match v.as_deref() {
                    Some("fencing" | "primitive") => a.opt_list = v,
                    _ => return Err(format!("Error parsing option {}", g.written)),
                }
            }
            "list-standards" => cmd = Command::ListStandards,
            "list-ocf-providers" => cmd = Command::ListProviders,
            "list-agents" => cmd = Command::ListAgents(v.unwrap_or_default()),
            "list-ocf-alternatives" => cmd = Command::ListAlternatives(v.unwrap_or_default()),
            "show-metadata" => cmd = Command::Metadata(v.unwrap_or_default()),
            "query-xml" => cmd = Command::QueryXml,
            "query-xml-raw" => cmd = Command::QueryXmlRaw,
            "get-parameter" => {
                cmd = Command::GetParam;
                a.prop_name = v;
            }
            "locate" => cmd = Command::Locate,
            "constraints" => cmd = Command::Colocations,
            "stack" => {
                cmd = Command::Colocations;
                a.recursive = true;
            }
            "why" => cmd = Command::Why,
            "validate" | "force-demote" | "force-promote" | "force-start" | "force-stop"
            | "force-check" => {
                overrides_allowed = true;
                let level = match v.as_deref() {
                    Some(l) if !l.is_empty() => match l.parse::<i32>() {
                        Ok(n) if n >= 0 => Some(n),
                        _ => return Err(format!("Invalid check level setting: {l}")),
                    },
                    _ => None,
                };
                cmd = Command::ExecuteAgent(g.name.to_string(), level);
            }
            "cleanup" => cmd = Command::Cleanup,
            "refresh" => cmd = Command::Refresh,
            "set-parameter" => {
                cmd = Command::SetParam;
                a.prop_name = v;
            }
            "delete-parameter" => {
                cmd = Command::DeleteParam;
                a.prop_name = v;
            }
            "move" => cmd = Command::Move,
            "ban" => cmd = Command::Ban,
            "clear" => cmd = Command::Clear,
            "expired" => a.clear_expired = true,
            "lifetime" => a.lifetime = v,
            "promoted" | "master" => a.promoted = true,
            "delete" => cmd = Command::Delete,
            "fail" => cmd = Command::Fail,
            "restart" => cmd = Command::Restart,
            "wait" => cmd = Command::Wait,
            "digests" => {
                cmd = Command::Digests;
                overrides_allowed = true;
            }
            "node" | "host-uname" => a.node = v,
            "recursive" => a.recursive = true,
            "resource-type" => a.rsc_type = v,
            "parameter-value" => a.prop_value = v,
            "meta" => a.set_type = SetType::Meta,
            "utilization" => a.set_type = SetType::Utilization,
            "element" => a.set_type = SetType::Element,
            "operation" => a.operation = v,
            "interval" => a.interval = v,
            "class" => a.class = v,
            "agent" => a.agent = v,
            "provider" => a.provider = v,
            "option" => {
                let s = v.unwrap_or_default();
                if scan_nvpair(&s).is_none() {
                    return Err(format!("Error parsing option {}", g.written));
                }
                a.option.push(s);
            }
            "set-name" => a.prop_set = v,
            "nvpair" => a.prop_id = v,
            "timeout" => {
                let t = v.unwrap_or_default();
                match pcmk_common::values::parse_ms(&t) {
                    Ok(ms) if ms >= 0 => a.timeout = Some(t),
                    _ => return Err(format!("Error parsing option {}", g.written)),
                }
            }
            "all" => a.all = true,
            "force" => a.force = true,
            "quiet" => a.quiet = true,
            "verbose" => a.verbose = a.verbose.saturating_add(1),
            "resource" => a.resource = v,
            _ => {}
        }
    }
    Ok((a, cmd, overrides_allowed))
}

/// Runs `crm_resource` with `argv` (program name first).
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let formats = [OutFormat::None, OutFormat::Text, OutFormat::Xml];
    let (parsed, output) = match start(&table(), argv, "GHINSTdginpstuvx", &formats, CrmExit::Error)
    {
        Start::Done(p, e) => return (p, e),
        Start::Run(p, o) => (p, o),
    };
    let (mut args, cmd, overrides_allowed) = match read_options(&parsed) {
        Ok(r) => r,
        Err(e) => {
            return (
                Printed {
                    stderr: format!("{PROG}: {e}\n"),
                    ..Printed::default()
                },
                CrmExit::Usage,
            );
        }
    };
    let mut out = Out::new(output, args.quiet);
    let logger = Logger::from_env(PROG, args.verbose);
    if args.clear_expired && cmd != Command::Clear {
        out.err("--expired requires --clear or -U");
        let exit = CrmExit::Usage;
        return (out.finish(exit), exit);
    }
    if !parsed.rest.is_empty() {
        if !overrides_allowed {
            let msg = extra_args_message(&parsed.rest);
            out.err(msg.trim_end_matches('\n'));
            let exit = CrmExit::Usage;
            return (out.finish(exit), exit);
        }
        for w in &parsed.rest {
            match scan_nvpair(w) {
                Some(p) => args.overrides.push(p),
                None => {
                    out.err(&format!("Error parsing '{w}' as a name=value pair"));
                    let exit = CrmExit::Usage;
                    return (out.finish(exit), exit);
                }
            }
        }
    }
    if out.is_xml()
        && matches!(
            cmd,
            Command::GetParam | Command::ListInstances | Command::ListStandards
        )
    {
        out.xml_out.list_element = true;
    }
    if !out.is_xml() && matches!(cmd, Command::Colocations | Command::ListResources) {
        out.text.fancy = true;
    }
    let exit = match execute(&args, &cmd, &mut out, &logger) {
        Ok(e) => e,
        Err((e, msg)) => {
            if let Some(m) = msg {
                let m = if e != CrmExit::OK && e != CrmExit::Usage {
                    format!("{m}\nError performing operation: {}", e.description())
                } else {
                    m
                };
                out.err(&m);
            } else if e != CrmExit::OK && e != CrmExit::Usage {
                out.err(&format!("Error performing operation: {}", e.description()));
            }
            e
        }
    };
    (out.finish(exit), exit)
}

/// Runs `crm_resource` and prints its output; returns the exit status.
pub fn main(argv: Vec<String>) -> CrmExit {
    let (printed, exit) = run(&argv);
    printed.print();
    exit
}

/// A failure: the exit code and, when the tool reports it, its message
/// (shown as `crm_resource: message`).
pub(crate) type Failed = (CrmExit, Option<String>);

/// What the commands work with.
pub(crate) struct Ctx<'a> {
    pub args: &'a Args,
    pub out: &'a mut Out,
    pub logger: &'a Logger,
    pub cib: Option<CibSession>,
    pub cib_xml: Option<Element>,
    pub sched: Option<Scheduler>,
    pub controller: bool,
}

impl Ctx<'_> {
    /// The open CIB.
    pub fn cib(&mut self) -> Result<&mut CibSession, Failed> {
        self.cib.as_mut().ok_or((
            CrmExit::Disconnect,
            Some("Could not connect to the CIB".into()),
        ))
    }

    /// The unpacked status.
    pub fn sched(&self) -> Result<&Scheduler, Failed> {
        self.sched
            .as_ref()
            .ok_or((CrmExit::Software, Some("Bug: no cluster status".into())))
    }

    /// Moves the CIB calls' log lines to standard error.
    pub fn drain_log(&mut self) {
        if let Some(c) = self.cib.as_mut() {
            c.drain_log(&mut self.out.output);
        }
    }
}

fn has_cmdline_config(a: &Args) -> bool {
    a.class.is_some() || a.provider.is_some() || a.agent.is_some()
}

fn validate_cmdline_config(a: &Args, cmd: &Command) -> Result<(), Failed> {
    let usage = |m: &str| Err((CrmExit::Usage, Some(m.to_string())));
    if a.resource.is_some() {
        return usage("--class, --agent, and --provider cannot be used with -r/--resource");
    }
    if !matches!(cmd, Command::ExecuteAgent(..)) {
        return usage(
            "--class, --agent, and --provider can only be used with --validate and --force-*",
        );
    }
    Ok(())
}

/// Loads the CIB into a working set (`initialize_scheduler_data`).
pub(crate) fn unpack(ctx: &mut Ctx<'_>) -> Result<(), Failed> {
    let doc = match ctx.cib()?.whole() {
        Ok(d) => d,
        Err(f) => {
            ctx.drain_log();
            ctx.out
                .err_raw(&format!("Could not obtain the current CIB: {}", f.text));
            return Err((f.exit, None));
        }
    };
    ctx.drain_log();
    let sched = Scheduler::unpack(doc.clone(), crate::timefmt::now());
    crate::sched_log::log_messages(&sched, ctx.logger, &mut ctx.out.output);
    ctx.cib_xml = Some(doc);
    ctx.sched = Some(sched);
    Ok(())
}

fn execute(args: &Args, cmd: &Command, out: &mut Out, logger: &Logger) -> Result<CrmExit, Failed> {
    let needs = cmd.needs();
    let cmdline = has_cmdline_config(args);
    if cmdline {
        validate_cmdline_config(args, cmd)?;
    } else if !args.option.is_empty() {
        return Err((
            CrmExit::Usage,
            Some("--option must be used with --validate and without -r".into()),
        ));
    }
    if needs.resource && !cmdline && !args.clear_expired && args.resource.is_none() {
        return Err((
            CrmExit::Usage,
            Some("Must supply a resource ID with -r/--resource".into()),
        ));
    }
    if needs.node && args.node.is_none() {
        return Err((
            CrmExit::Usage,
            Some("Must supply a node name with -N/--node".into()),
        ));
    }
    let mut ctx = Ctx {
        args,
        out,
        logger,
        cib: None,
        cib_xml: None,
        sched: None,
        controller: false,
    };
    if needs.cib && !cmdline {
        let mut cib = CibSession::open(PROG).map_err(|e| {
            (
                e.exit_code(),
                Some(format!("Could not connect to the CIB: {e}")),
            )
        })?;
        cib.set_verbosity(args.verbose);
        ctx.cib = Some(cib);
    }
    if needs.scheduler && !cmdline {
        unpack(&mut ctx)?;
    }
    if needs.controller && std::env::var_os("CIB_file").is_none() {
        if let Err(f) = crate::daemons::node_info() {
            return Err((
                f.exit,
                Some(format!("Error connecting to controller: {}", f.text)),
            ));
        }
        ctx.controller = true;
    }
    let mut node: Option<NodeIdx> = None;
    if let Some(name) = &args.node {
        if needs.scheduler && !cmdline {
            node = ctx.sched()?.find_node(name);
            if node.is_none() {
                return Err((CrmExit::NoSuch, Some(format!("Node '{name}' not found"))));
            }
        }
    }
    let mut rsc: Option<RscIdx> = None;
    if needs.find != 0 {
        if let Some(id) = &args.resource {
            let s = ctx.sched()?;
            rsc = find_resource(s, id, needs.find);
            let Some(r) = rsc else {
                return Err((CrmExit::NoSuch, Some(format!("Resource '{id}' not found"))));
            };
            if needs.rejects_clone_instance
                && s.rscs[r]
                    .parent
                    .is_some_and(|p| s.rscs[p].variant == Variant::Clone)
                && id.contains(':')
            {
                return Err((
                    CrmExit::InvalidParam,
                    Some(format!("Cannot operate on clone resource instance '{id}'")),
                ));
            }
        }
    }
    let exit = dispatch(&mut ctx, cmd, rsc, node)?;
    ctx.drain_log();
    if let Some(cib) = ctx.cib.take() {
        cib.close().map_err(|f| (f.exit, Some(f.text)))?;
    }
    Ok(exit)
}

fn dispatch(
    ctx: &mut Ctx<'_>,
    cmd: &Command,
    rsc: Option<RscIdx>,
    node: Option<NodeIdx>,
) -> Result<CrmExit, Failed> {
    match cmd {
        Command::ListStandards
        | Command::ListProviders
        | Command::ListAgents(_)
        | Command::ListAlternatives(_)
        | Command::Metadata(_) => run_agents(ctx, cmd),
        Command::ExecuteAgent(..) if has_cmdline_config(ctx.args) => run_agents(ctx, cmd),
        Command::ExecuteAgent(..) => Err((
            CrmExit::UnimplementFeature,
            Some("--force-* and --validate with -r are not supported by this version".into()),
        )),
        Command::ListOptions => show::list_options(ctx),
        Command::SetParam => params::set(ctx, rsc),
        Command::GetParam => params::get(ctx, rsc),
        Command::DeleteParam => params::delete(ctx, rsc),
        Command::Ban => location::ban(ctx, rsc, node),
        Command::Move => location::do_move(ctx, rsc, node),
        Command::Clear => location::clear(ctx, node),
        Command::Locate => show::locate(ctx, rsc),
        Command::Colocations => why::constraints(ctx, rsc),
        Command::Why => why::why(ctx, rsc, node),
        Command::ListInstances => show::list_instances(ctx),
        Command::ListResources => show::list_resources(ctx),
        Command::QueryXml => show::query_xml(ctx, rsc, true),
        Command::QueryXmlRaw => show::query_xml(ctx, rsc, false),
        Command::ListActiveOps => show::operations(ctx, true, node),
        Command::ListAllOps => show::operations(ctx, false, node),
        Command::Cts => show::cts(ctx),
        Command::Delete => cluster::delete(ctx),
        Command::Cleanup => cluster::cleanup(ctx, rsc, node),
        Command::Refresh => cluster::refresh(ctx, rsc, node),
        Command::Fail => cluster::fail(ctx, rsc, node),
        Command::Digests => show::digests(ctx, rsc, node),
        Command::Restart => cluster::restart(ctx, rsc, node),
        Command::Wait => cluster::wait(ctx),
    }
}

fn run_agents(ctx: &mut Ctx<'_>, cmd: &Command) -> Result<CrmExit, Failed> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| (CrmExit::OsErr, Some(format!("cannot start runtime: {e}"))))?;
    Ok(rt.block_on(agents::run(ctx.args, cmd.clone(), ctx.out)))
}

/// The id a clone instance shares with its siblings (`clone_strip`).
pub fn clone_strip(id: &str) -> &str {
    pcmk_schedulerd::unpack::failcount::clone_strip(id)
}

/// Finds a resource as `pe_find_resource_with_flags` does: by id, by
/// history id with `FIND_HISTORY`, and clone instances by their base name
/// (all of them with `FIND_BASENAME`, anonymous ones with
/// `FIND_ANON_BASENAME`), searching top-level resources in order.
pub fn find_resource(s: &Scheduler, id: &str, flags: u32) -> Option<RscIdx> {
    fn walk(s: &Scheduler, r: RscIdx, id: &str, flags: u32) -> Option<RscIdx> {
        let rsc = &s.rscs[r];
        let matches = rsc.id == id
            || (flags & FIND_HISTORY != 0 && rsc.history_id.as_deref() == Some(id))
            || (rsc
                .parent
                .is_some_and(|p| s.rscs[p].variant == Variant::Clone)
                && (flags & FIND_BASENAME != 0
                    || (flags & FIND_ANON_BASENAME != 0 && !rsc.has(RscFlags::UNIQUE)))
                && clone_strip(&rsc.id) == id);
        if matches {
            return Some(r);
        }
        rsc.children.iter().find_map(|&c| walk(s, c, id, flags))
    }
    s.top.iter().find_map(|&r| walk(s, r, id, flags))
}

/// The topmost ancestor of a resource (`uber_parent`).
pub fn uber_parent(s: &Scheduler, rsc: RscIdx) -> RscIdx {
    s.top_rsc(rsc, true)
}
