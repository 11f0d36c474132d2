//! `crm_mon`: the cluster status (Pacemaker's `tools/crm_mon.c`,
//! `lib/pengine/pe_output.c`, `lib/pacemaker/pcmk_output.c`).
//!
//! The options choose the sections shown ([`section`]) and how resources
//! are shown ([`rsc::show`]); the status comes from the scheduler
//! library's unpacking of the CIB (a file, standard input with
//! `CIB_file=-`, or the CIB manager) and is written in text ([`status`],
//! [`history`]) or as a `<pacemaker-result>`. One-shot runs print once;
//! otherwise the status is redrawn on the terminal every interval.

mod fencing;
mod history;
mod options;
pub mod rsc;
mod status;
#[cfg(test)]
mod tests;

use std::io::Read as _;

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;
use pcmk_schedulerd::Scheduler;

use crate::cib_session::CibSession;
use crate::goption::{Parsed, Start, extra_args_message, start};
use crate::output::{Format, Logger, Output, Printed};

pub use options::table;

const PROG: &str = "crm_mon";

/// The sections of the status (`enum pcmk_section_e`).
pub mod section {
    /// The cluster stack.
    pub const STACK: u32 = 1 << 0;
    /// The designated controller.
    pub const DC: u32 = 1 << 1;
    /// Last update and last change.
    pub const TIMES: u32 = 1 << 2;
    /// Node and resource counts.
    pub const COUNTS: u32 = 1 << 3;
    /// Cluster options.
    pub const OPTIONS: u32 = 1 << 4;
    /// The node list.
    pub const NODES: u32 = 1 << 5;
    /// The resources.
    pub const RESOURCES: u32 = 1 << 6;
    /// Node attributes.
    pub const ATTRIBUTES: u32 = 1 << 7;
    /// Fail counts.
    pub const FAILCOUNTS: u32 = 1 << 8;
    /// Operation history.
    pub const OPERATIONS: u32 = 1 << 9;
    /// Failed fencing actions.
    pub const FENCE_FAILED: u32 = 1 << 10;
    /// Pending fencing actions.
    pub const FENCE_PENDING: u32 = 1 << 11;
    /// Successful fencing actions.
    pub const FENCE_WORKED: u32 = 1 << 12;
    /// Tickets.
    pub const TICKETS: u32 = 1 << 13;
    /// Negative location constraints.
    pub const BANS: u32 = 1 << 14;
    /// Failed resource actions.
    pub const FAILURES: u32 = 1 << 15;
    /// The maintenance-mode banner.
    pub const MAINT_MODE: u32 = 1 << 16;
    /// Every fencing section.
    pub const FENCING_ALL: u32 = FENCE_FAILED | FENCE_PENDING | FENCE_WORKED;
    /// The cluster summary.
    pub const SUMMARY: u32 = STACK | DC | TIMES | COUNTS | MAINT_MODE;
    /// Everything.
    pub const ALL: u32 = (1 << 17) - 1;

    /// Section names as `--include`/`--exclude` take them.
    pub const NAMES: &[(&str, u32)] = &[
        ("attributes", ATTRIBUTES),
        ("bans", BANS),
        ("counts", COUNTS),
        ("dc", DC),
        ("failcounts", FAILCOUNTS),
        ("failures", FAILURES),
        ("fencing", FENCING_ALL),
        ("fencing-failed", FENCE_FAILED),
        ("fencing-pending", FENCE_PENDING),
        ("fencing-succeeded", FENCE_WORKED),
        ("maint-mode", MAINT_MODE),
        ("nodes", NODES),
        ("operations", OPERATIONS),
        ("options", OPTIONS),
        ("resources", RESOURCES),
        ("stack", STACK),
        ("summary", SUMMARY),
        ("tickets", TICKETS),
        ("times", TIMES),
    ];
}

/// What a run shows and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Sections shown.
    pub show: u32,
    /// Display options ([`rsc::show`]).
    pub show_opts: u32,
    /// `--node`.
    pub only_node: Option<String>,
    /// `--resource`.
    pub only_rsc: Option<String>,
    /// `--neg-locations=PREFIX` / `--include=bans:PREFIX`.
    pub neg_prefix: Option<String>,
    /// Print once and exit.
    pub one_shot: bool,
    /// Redraw interval in milliseconds.
    pub interval_ms: u64,
    /// `-x FILE`: the CIB file to read (as `CIB_file` would).
    pub xml_file: Option<String>,
    /// `--fence-history` level (0 to 3; 1 by default).
    pub fence_level: i32,
}

fn all_includes(xml: bool) -> u32 {
    if xml {
        section::ALL
    } else {
        section::ALL & !section::OPTIONS
    }
}

fn default_includes(xml: bool) -> u32 {
    if xml {
        all_includes(xml)
    } else {
        section::SUMMARY | section::NODES | section::RESOURCES | section::FAILURES
    }
}

fn find_section(name: &str) -> u32 {
    section::NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map_or(0, |(_, b)| *b)
}

const INCLUDE_ERR: &str = "--include options: all, attributes, bans[:PREFIX], counts, dc, default, failcounts, failures, fencing, fencing-failed, fencing-pending, fencing-succeeded, maint-mode, nodes, none, operations, options, resources, stack, summary, tickets, times";
const EXCLUDE_ERR: &str = "--exclude options: all, attributes, bans, counts, dc, failcounts, failures, fencing, fencing-failed, fencing-pending, fencing-succeeded, maint-mode, nodes, none, operations, options, resources, stack, summary, tickets, times";

/// Applies one `--include`/`--exclude` value.
fn apply(o: &mut Options, include: bool, list: &str, xml: bool) -> Result<(), String> {
    for s in list.split(',') {
        let bit = find_section(s);
        if include {
            if s == "all" {
                o.show = all_includes(xml);
            } else if let Some(rest) = s.strip_prefix("bans") {
                o.show |= section::BANS;
                o.neg_prefix = rest.strip_prefix(':').map(str::to_string);
            } else if s == "default" || s == "defaults" {
                o.show |= default_includes(xml);
            } else if s == "none" {
                o.show = 0;
            } else if bit != 0 {
                o.show |= bit;
            } else {
                return Err(INCLUDE_ERR.to_string());
            }
        } else if s == "all" {
            o.show = 0;
        } else if s == "none" {
            o.show = all_includes(xml);
        } else if bit != 0 {
            o.show &= !bit;
        } else {
            return Err(EXCLUDE_ERR.to_string());
        }
    }
    Ok(())
}

/// Parses a TIMESPEC into milliseconds (seconds by default).
fn parse_timespec(s: &str) -> Option<u64> {
    let s = s.trim();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let n: u64 = s[..digits].parse().ok()?;
    let factor = match s[digits..].trim() {
        "" | "s" | "sec" => 1000,
        "ms" | "msec" => 1,
        "us" | "usec" => return Some(n / 1000),
        "m" | "min" => 60_000,
        "h" | "hr" => 3_600_000,
        _ => return None,
    };
    n.checked_mul(factor)
}

/// Reads the options in the order given, as `crm_mon`'s callbacks do.
fn read_options(parsed: &Parsed, xml: bool) -> Result<Options, (CrmExit, String)> {
    let mut o = Options {
        interval_ms: 5000,
        fence_level: 1,
        ..Options::default()
    };
    // Internal includes first (fence history level 1 by default), then the
    // user's, so the user's win.
    let mut internal: Vec<(bool, String)> =
        vec![(true, "fencing-failed,fencing-pending".to_string())];
    let mut user: Vec<(bool, String)> = Vec::new();
    for g in &parsed.opts {
        let v = g.value.clone().unwrap_or_default();
        match g.name {
            "include" => user.push((true, v)),
            "exclude" => user.push((false, v)),
            "show-node-attributes" => user.push((true, "attributes".into())),
            "neg-locations" => match &g.value {
                Some(p) => user.push((true, format!("bans:{p}"))),
                None => user.push((true, "bans".into())),
            },
            "failcounts" => user.push((true, "failcounts".into())),
            "operations" => user.push((true, "failcounts,operations".into())),
            "timing-details" => {
                o.show_opts |= rsc::show::TIMING;
                user.push((true, "operations".into()));
            }
            "tickets" => user.push((true, "tickets".into())),
            "hide-headers" => user.push((false, "summary".into())),
            "fence-history" => {
                let level = match &g.value {
                    None => 2,
                    Some(v) => v.trim().parse::<i32>().unwrap_or(0),
                };
                o.fence_level = level;
                match level {
                    2 | 3 => internal.push((true, "fencing".into())),
                    1 => internal.push((true, "fencing-failed,fencing-pending".into())),
                    0 => internal.push((false, "fencing".into())),
                    _ => {
                        return Err((CrmExit::InvalidParam, "Fence history must be 0-3".into()));
                    }
                }
            }
            "group-by-node" => o.show_opts |= rsc::show::RSCS_BY_NODE,
            "inactive" => o.show_opts |= rsc::show::INACTIVE_RSCS,
            "brief" => o.show_opts |= rsc::show::BRIEF,
            "show-detail" => o.show_opts |= rsc::show::DETAILS,
            "show-description" => o.show_opts |= rsc::show::DESCRIPTION,
            "pending" => o.show_opts |= rsc::show::PENDING,
            "node" => o.only_node = g.value.clone(),
            "resource" => o.only_rsc = g.value.clone(),
            "one-shot" | "as-xml" => o.one_shot = true,
            "xml-file" => {
                o.xml_file = Some(v);
                o.one_shot = true;
            }
            "interval" => match parse_timespec(&v) {
                Some(ms) => o.interval_ms = ms,
                None => {
                    return Err((CrmExit::InvalidParam, format!("Invalid value for -i: {v}")));
                }
            },
            _ => {}
        }
    }
    if parsed.has("quiet") {
        internal.push((false, "times".into()));
    }
    o.show = default_includes(xml);
    for (inc, list) in &internal {
        apply(&mut o, *inc, list, xml).map_err(|e| (CrmExit::Usage, e))?;
    }
    for (inc, list) in &user {
        apply(&mut o, *inc, list, xml).map_err(|e| (CrmExit::Usage, e))?;
    }
    if xml {
        o.show_opts |= rsc::show::INACTIVE_RSCS | rsc::show::TIMING;
    }
    Ok(o)
}

/// Reads the CIB as the environment designates it: standard input for
/// `CIB_file=-`, else a file, shadow or the CIB manager.
fn read_cib(o: &Options) -> Result<Element, (CrmExit, String)> {
    if let Some(f) = &o.xml_file {
        let text = std::fs::read_to_string(f)
            .map_err(|e| (CrmExit::NoInput, format!("Could not read {f}: {e}")))?;
        return pcmk_common::xml::parse(&text)
            .map_err(|e| (CrmExit::Config, format!("Could not parse {f}: {e}")));
    }
    if std::env::var("CIB_file").as_deref() == Ok("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| (CrmExit::NoInput, format!("Could not read the CIB: {e}")))?;
        return pcmk_common::xml::parse(&text).map_err(|e| {
            (
                CrmExit::Config,
                format!("Could not parse the CIB from standard input: {e}"),
            )
        });
    }
    // As clean_up_on_connection_failure(): a cluster that is not running
    // is reported as such, other failures with their reason.
    let failed = |exit: CrmExit, text: String| {
        if exit == CrmExit::Disconnect {
            (
                exit,
                "Error: cluster is not available on this node".to_string(),
            )
        } else {
            (exit, format!("Connection to cluster failed: {text}"))
        }
    };
    let mut cib = CibSession::open(PROG).map_err(|e| failed(e.exit_code(), e.to_string()))?;
    let doc = cib.whole().map_err(|f| failed(f.exit, f.text))?;
    let _ = cib.close();
    Ok(doc)
}

/// Renders the status once into `out`.
fn render(o: &Options, out: &mut Output, logger: &Logger) -> Result<(), (CrmExit, String)> {
    let doc = read_cib(o)?;
    let mut sched = Scheduler::unpack(doc, crate::timefmt::now());
    crate::sched_log::log_messages(&sched, logger, out);
    let mut show = o.show;
    if show & (section::BANS | section::TICKETS) != 0 {
        sched.unpack_constraints();
    }
    if sched.dc_node.is_none() {
        show |= section::DC;
    }
    let failcounts = history::failcounts(&mut sched);
    let mut view = status::View::new(&sched, o, show, failcounts);
    let live = o.xml_file.is_none() && !crate::cib_session::cib_is_file();
    if live {
        // The live cluster: pacemakerd's state for the stack line, and the
        // local node's name for the update time (either may be absent).
        if show & section::STACK != 0 {
            view.pcmkd_state = crate::daemons::pacemakerd_state().ok().map(|(s, _)| s);
        }
        if show & section::TIMES != 0 {
            view.local_node = crate::daemons::node_info().ok().and_then(|i| i.name);
        }
        if o.fence_level > 0 && show & section::FENCING_ALL != 0 {
            let level = if o.fence_level < 3
                && show & section::FENCING_ALL != section::FENCING_ALL
                && !out.is_xml()
            {
                fencing::Level::Reduced
            } else {
                fencing::Level::Full
            };
            let history = crate::daemons::fence_history()
                .map(fencing::sort)
                .map(|h| {
                    if level == fencing::Level::Reduced {
                        fencing::reduce(h)
                    } else {
                        h
                    }
                })
                .map_err(|f| f.exit);
            view.fencing = Some(history);
        }
    }
    if out.is_xml() {
        for e in view.xml() {
            out.xml(e);
        }
    } else if out.format() == Format::Text {
        let text = view.text();
        for line in text.lines() {
            out.info(line);
        }
    }
    Ok(())
}

/// The status sections `crm_simulate` adds after the resource list on
/// request (`--show-attrs`: node attributes; `--show-failcounts`: the
/// migration summary and failed actions), as text nested one level deep
/// (they sit inside its "Current cluster status" list).
pub fn simulate_sections_text(s: &mut Scheduler, attrs: bool, failcounts: bool) -> String {
    let fc = history::failcounts(s);
    let mut show = 0;
    if attrs {
        show |= section::ATTRIBUTES;
    }
    if failcounts {
        show |= section::FAILCOUNTS | section::FAILURES;
    }
    let o = Options {
        show,
        show_opts: rsc::show::INACTIVE_RSCS | rsc::show::FAILED_DETAIL,
        ..Options::default()
    };
    let view = status::View::new(s, &o, show, fc);
    let mut t = crate::text_out::TextOut::fancy();
    t.begin_list(None, None);
    if attrs {
        view.attributes_text(&mut t, true);
    }
    if failcounts {
        view.node_summary_text(&mut t, true);
        if !s.failed_ops.is_empty() {
            view.failures_text(&mut t, true);
        }
    }
    t.end_list();
    t.buf
}

/// Runs `crm_mon` once (whatever the mode asked for): everything printed
/// and the exit status.
pub fn run<S: AsRef<str>>(argv: &[S]) -> (Printed, CrmExit) {
    let (argv, _) = console_to_text(argv);
    match prepare(&argv) {
        Err(done) => done,
        Ok((o, mut out, logger)) => once(&o, out.take(), &logger),
    }
}

fn once(o: &Options, mut out: Output, logger: &Logger) -> (Printed, CrmExit) {
    match render(o, &mut out, logger) {
        Ok(()) => (out.finish(CrmExit::OK), CrmExit::OK),
        Err((exit, msg)) => {
            out.err(&format!("{PROG}: {msg}"));
            (out.finish(exit), exit)
        }
    }
}

/// `--output-as=console` (the default on a terminal) is text redrawn
/// in place: returns the arguments with `text` instead, and whether the
/// console was asked for or is the default.
fn console_to_text<S: AsRef<str>>(argv: &[S]) -> (Vec<String>, bool) {
    let mut console = true;
    let mut out: Vec<String> = Vec::with_capacity(argv.len());
    let mut after_as = false;
    for a in argv.iter().map(AsRef::as_ref) {
        if after_as {
            after_as = false;
            console = a == "console";
            out.push(if console {
                "text".into()
            } else {
                a.to_string()
            });
            continue;
        }
        if a == "--output-as" {
            after_as = true;
        } else if let Some(v) = a.strip_prefix("--output-as=") {
            console = v == "console";
            if console {
                out.push("--output-as=text".into());
                continue;
            }
        }
        out.push(a.to_string());
    }
    (out, console)
}

/// A run's output and logger, or what to print right away.
type Prepared = (Options, OutputSlot, Logger);

/// The output of a run, taken once.
struct OutputSlot(Option<Output>);

impl OutputSlot {
    fn take(&mut self) -> Output {
        self.0
            .take()
            .unwrap_or_else(|| Output::new(Format::Text, &[PROG]))
    }
}

fn prepare(argv: &[String]) -> Result<Prepared, (Printed, CrmExit)> {
    let formats = [Format::Text, Format::Xml, Format::None];
    let (parsed, mut output) = match start(&table(), argv, "eimpxEILU", &formats, CrmExit::Error) {
        Start::Done(p, e) => return Err((p, e)),
        Start::Run(p, o) => (p, o),
    };
    if !parsed.rest.is_empty() {
        output.err(&format!("{PROG}: {}", extra_args_message(&parsed.rest)));
        return Err((output.finish(CrmExit::Usage), CrmExit::Usage));
    }
    let logger = Logger::from_env(PROG, parsed.count("verbose") as u8);
    let mut o = match read_options(&parsed, output.is_xml()) {
        Ok(o) => o,
        Err((exit, msg)) => {
            output.err(&format!("{PROG}: {msg}"));
            return Err((output.finish(exit), exit));
        }
    };
    if parsed.has("as-xml") && !output.is_xml() {
        output = Output::new(Format::Xml, argv);
        o.show = all_includes(true);
        o.show_opts |= rsc::show::INACTIVE_RSCS | rsc::show::TIMING;
    }
    if parsed.has("daemonize") {
        output.err(&format!(
            "{PROG}: --daemonize is not supported; run crm_mon from a service manager instead"
        ));
        return Err((
            output.finish(CrmExit::UnimplementFeature),
            CrmExit::UnimplementFeature,
        ));
    }
    Ok((o, OutputSlot(Some(output)), logger))
}

/// The tool's entry point: prints the status once, or redraws it on the
/// terminal every interval when run interactively on a live cluster.
pub fn main<S: AsRef<str>>(argv: &[S]) -> CrmExit {
    use std::io::IsTerminal as _;
    let (argv, console) = console_to_text(argv);
    let (o, mut slot, logger) = match prepare(&argv) {
        Ok(p) => p,
        Err((printed, exit)) => {
            printed.print();
            return exit;
        }
    };
    let file = std::env::var_os("CIB_file").is_some() || o.xml_file.is_some();
    let interactive = console
        && !o.one_shot
        && !file
        && !argv.iter().any(|a| a.starts_with("--output-to"))
        && std::io::stdout().is_terminal();
    if !interactive {
        let (printed, exit) = once(&o, slot.take(), &logger);
        printed.print();
        return exit;
    }
    loop {
        let (printed, exit) = once(&o, Output::new(Format::Text, &argv), &logger);
        // Clear the screen and redraw from the top.
        print!("\x1b[H\x1b[2J");
        printed.print();
        if exit != CrmExit::OK && exit != CrmExit::Error {
            return exit;
        }
        std::thread::sleep(std::time::Duration::from_millis(o.interval_ms.max(100)));
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn includes_apply_in_order() {
        let mut o = Options {
            show: default_includes(false),
            ..Options::default()
        };
        apply(&mut o, false, "all", false).unwrap();
        apply(&mut o, true, "nodes", false).unwrap();
        assert_eq!(o.show, section::NODES);
        apply(&mut o, true, "bans:cli-", false).unwrap();
        assert_eq!(o.neg_prefix.as_deref(), Some("cli-"));
        assert!(apply(&mut o, true, "bogus", false).is_err());
        assert!(apply(&mut o, false, "bans:x", false).is_err());
        apply(&mut o, true, "all", true).unwrap();
        assert_eq!(o.show, section::ALL);
        apply(&mut o, true, "all", false).unwrap();
        assert_eq!(o.show & section::OPTIONS, 0);
    }

    #[test]
    fn timespecs() {
        assert_eq!(parse_timespec("5"), Some(5000));
        assert_eq!(parse_timespec("250ms"), Some(250));
        assert_eq!(parse_timespec("2min"), Some(120_000));
        assert_eq!(parse_timespec("x"), None);
        assert_eq!(parse_timespec("3 parsecs"), None);
    }

    #[test]
    fn console_becomes_text() {
        let (a, c) = console_to_text(&["crm_mon", "--output-as=console"]);
        assert!(c);
        assert_eq!(a[1], "--output-as=text");
        let (_, c) = console_to_text(&["crm_mon", "--output-as", "xml"]);
        assert!(!c);
        let (_, c) = console_to_text(&["crm_mon", "-1"]);
        assert!(c);
    }
}
