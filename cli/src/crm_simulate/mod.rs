//! crm_simulate: run the scheduler on a CIB, show what it would do, and
//! optionally simulate the transition.

pub mod args;
mod in_place;
mod time;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::{self, Element};
use pcmk_schedulerd::inject::Injections;
use pcmk_schedulerd::output::TextOut;
use pcmk_schedulerd::simulate::{OpFail, simulate_transition};
use pcmk_schedulerd::{ScheduleOptions, Scheduler, schedule_shared};

pub use in_place::store as store_in_place;
pub use time::{format_epoch, parse_datetime};

/// What crm_simulate was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// CIB file to read.
    pub xml_file: Option<PathBuf>,
    /// Simulate the transition (-S).
    pub simulate: bool,
    /// Run the scheduler (-R, or implied by -D/-G/-s/-S).
    pub process: bool,
    /// Show scores (-s).
    pub show_scores: bool,
    /// Show utilization (-U).
    pub show_utilization: bool,
    /// Dot file to write (-D).
    pub dot_file: Option<PathBuf>,
    /// Graph file to write (-G).
    pub graph_file: Option<PathBuf>,
    /// Quiet (-Q).
    pub quiet: bool,
    /// Effective date (-t).
    pub use_date: Option<String>,
    /// Save the input (-I).
    pub input_file: Option<PathBuf>,
    /// Save the output (-O).
    pub output_file: Option<PathBuf>,
    /// Operation failures to inject (-F).
    pub op_fail: Vec<String>,
    /// Synthetic events: nodes up, down or failed, operation results,
    /// tickets, quorum and watchdog (-u, -d, -f, -i, -g, -r, -b, -e, -q, -w).
    pub injections: Injections,
    /// The wall-clock time injected history records (Pacemaker uses the
    /// real time there, not the effective date).
    pub wall_clock: i64,
    /// Show all actions in the dot file (-a).
    pub all_actions: bool,
    /// Show node attributes in the cluster status (-A).
    pub show_attrs: bool,
    /// Show fail counts and failed actions in the cluster status (-c).
    pub show_failcounts: bool,
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Standard error, written before standard output (what Pacemaker
    /// prints while reading the input).
    pub stderr_first: String,
    /// Standard error.
    pub stderr: String,
    /// Files to write.
    pub files: Vec<(PathBuf, String)>,
    /// Exit status.
    pub exit: Option<CrmExit>,
    /// The CIB after the requested modifications and, with `-S`, the
    /// simulated transition (what `--in-place` stores).
    pub cib_after: Option<Element>,
}

/// Errors from crm_simulate.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// The input could not be read.
    #[error("Could not read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The input is not valid XML.
    #[error("Could not parse the input: {0}")]
    Parse(#[from] xml::XmlError),
}

impl SimulateError {
    /// Pacemaker's exit code for this error.
    pub fn exit_code(&self) -> CrmExit {
        match self {
            SimulateError::Read { .. } => CrmExit::NoInput,
            SimulateError::Parse(_) => CrmExit::DataErr,
        }
    }
}

fn effective_now(cib: &Element, use_date: Option<&str>) -> (i64, Option<String>) {
    if let Some(d) = use_date {
        if let Ok(t) = pcmk_common::iso8601::DateTime::parse(d) {
            return (t.epoch_seconds(), None);
        }
        if let Some(t) = parse_datetime(d) {
            return (t, None);
        }
    }
    if let Some(t) = cib
        .attr("execution-date")
        .and_then(|v| v.trim().parse::<i64>().ok())
    {
        if t != 0 {
            return (t, Some(format_epoch(t)));
        }
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    (now, None)
}

/// Runs crm_simulate on a CIB text.
pub fn run_on_text(text: &str, opts: &Options) -> Result<Output, SimulateError> {
    Ok(run_on_cib(xml::parse(text)?, opts))
}

/// Runs crm_simulate on a parsed CIB. One copy of the tree is shared by
/// every step (status, scheduling, simulation): large CIBs are not cloned.
pub fn run_on_cib(mut cib: Element, opts: &Options) -> Output {
    if cib.child("status").is_none() {
        cib.push(Element::new("status"));
    }
    let mut out = Output::default();
    if cib
        .attr("validate-with")
        .is_some_and(|v| v.eq_ignore_ascii_case("none"))
    {
        out.stderr_first.push_str(
            "Schema validation of configuration is disabled (support for validate-with set to \"none\" is deprecated and will be removed in a future release)\n",
        );
    }
    let mut cib = Arc::new(cib);
    let quiet = opts.quiet;
    let (now, original) = effective_now(&cib, opts.use_date.as_deref());
    let mut text = TextOut::new();
    if let Some(d) = &opts.use_date {
        if !quiet {
            text.line(&format!("Setting effective cluster time: {d}"));
        }
    } else if let Some(o) = &original {
        if !quiet {
            text.line(&format!("Using the original execution date of: {o}"));
        }
    }
    let mut printed = false;
    if !quiet {
        let s = Scheduler::unpack(Arc::clone(&cib), now);
        if s.has(pcmk_schedulerd::model::SchedFlags::MAINTENANCE) {
            text.line("");
            text.line("              *** Resource management is DISABLED ***");
            text.line("  The cluster will not attempt to start, stop or recover services");
            text.line("");
            printed = true;
        }
        if s.disabled_resources > 0 || s.blocked_resources > 0 {
            if printed {
                text.spacer();
            }
            text.line(&format!(
                "{} of {} resource instances DISABLED and {} BLOCKED from further action due to failure",
                s.disabled_resources, s.ninstances, s.blocked_resources
            ));
            printed = true;
        }
        if printed {
            text.spacer();
        }
        cluster_status(&mut text, s, "Current cluster status", true, opts);
        printed = true;
    }
    if opts.injections.any() {
        if printed {
            text.spacer();
        }
        let agents = if opts.injections.op_inject.is_empty() {
            Default::default()
        } else {
            opts.injections
                .agents(&Scheduler::unpack(Arc::clone(&cib), now))
        };
        let done = opts
            .injections
            .apply(Arc::make_mut(&mut cib), &agents, opts.wall_clock);
        if !quiet {
            text.begin_list("Performing Requested Modifications");
            for l in &done.lines {
                text.item(None, l);
            }
            text.end_list();
        }
        for e in &done.errors {
            let _ = writeln!(out.stderr, "{e}");
        }
        printed = true;
    }
    if let Some(f) = &opts.input_file {
        out.files.push((f.clone(), cib.to_pretty()));
    }
    let process = opts.process
        || opts.simulate
        || opts.show_scores
        || opts.dot_file.is_some()
        || opts.graph_file.is_some();
    let mut graph = None;
    let mut known_rscs = std::collections::HashSet::new();
    if process {
        let sched_opts = ScheduleOptions {
            now,
            show_scores: opts.show_scores,
            show_utilization: opts.show_utilization,
            sanitized: true,
        };
        let mut result = schedule_shared(Arc::clone(&cib), &sched_opts);
        if opts.show_scores {
            if printed {
                text.spacer();
            }
            if !quiet {
                text.begin_list("Assignment Scores");
            }
            for l in &result.scheduler.score_lines {
                if quiet {
                    text.line(l);
                } else {
                    text.item(None, l);
                }
            }
            if !quiet {
                text.end_list();
            }
            printed = true;
        }
        let dot = opts
            .dot_file
            .as_ref()
            .map(|_| result.scheduler.dot_graph(opts.all_actions, false));
        if !quiet {
            if printed {
                text.spacer();
            }
            text.begin_list("Transition Summary");
            result.scheduler.transition_summary(&mut text);
            text.end_list();
            printed = true;
        }
        known_rscs = result.scheduler.resource_names();
        // The scheduler goes before the graph is written out (less memory
        // at the peak), and with it its reference to the CIB, so that the
        // simulation below can take the tree over without copying it
        drop(result.scheduler);
        if let Some(f) = &opts.graph_file {
            out.files.push((f.clone(), result.graph.to_pretty()));
        }
        if let (Some(f), Some(dot)) = (&opts.dot_file, dot) {
            out.files.push((f.clone(), dot));
        }
        graph = Some(result.graph);
    }
    if opts.simulate {
        if printed {
            text.spacer();
        }
        let graph = graph.unwrap_or_else(|| Element::new("transition_graph"));
        let fails: Vec<OpFail> = opts
            .op_fail
            .iter()
            .map(|s| OpFail { spec: s.clone() })
            .collect();
        let owned = Arc::try_unwrap(cib).unwrap_or_else(|shared| (*shared).clone());
        let sim = simulate_transition(&graph, owned, &fails, now, &known_rscs);
        drop(graph);
        if !quiet {
            text.begin_list("Executing Cluster Transition");
            for l in &sim.lines {
                text.item(None, l);
            }
            text.end_list();
            if let Some(d) = &opts.use_date {
                text.line(&format!("Setting effective cluster time: {d}"));
            } else if let Some(o) = &original {
                text.line(&format!("Using the original execution date of: {o}"));
            }
        }
        let after = Arc::new(sim.cib);
        if !quiet {
            let s = Scheduler::unpack(Arc::clone(&after), now);
            text.spacer();
            cluster_status(&mut text, s, "Revised Cluster Status", false, opts);
        }
        if let Some(f) = &opts.output_file {
            out.files.push((f.clone(), after.to_pretty()));
        }
        if !sim.complete {
            let _ = writeln!(out.stderr, "Transition failed: terminated");
            let _ = writeln!(out.stderr, "An invalid transition was produced");
        }
        cib = after;
    }
    out.cib_after = Some(Arc::try_unwrap(cib).unwrap_or_else(|shared| (*shared).clone()));
    out.stdout = text.buf;
    out
}

/// A cluster status list: nodes and resources, and the node attribute
/// and fail count sections when asked for (`print_cluster_status`).
fn cluster_status(
    text: &mut TextOut,
    mut s: Scheduler,
    title: &str,
    show_pending: bool,
    opts: &Options,
) {
    text.begin_list(title);
    s.cluster_status_text(text, show_pending);
    if opts.show_attrs || opts.show_failcounts {
        text.buf.push_str(&crate::crm_mon::simulate_sections_text(
            &mut s,
            opts.show_attrs,
            opts.show_failcounts,
        ));
    }
    text.end_list();
}

/// The CPU time this process has used, in seconds (what `clock()`
/// measures for Pacemaker's profiling).
fn cpu_seconds() -> f64 {
    use nix::time::{ClockId, clock_gettime};
    clock_gettime(ClockId::CLOCK_PROCESS_CPUTIME_ID)
        .map_or(0.0, |t| t.tv_sec() as f64 + t.tv_nsec() as f64 / 1e9)
}

/// `crm_simulate --profile DIR`: schedules every `*.xml` file of the
/// folder (not hidden, regular files, in name order) `repeat` times and
/// lists the CPU time each took. Files that cannot be read or parsed are
/// skipped, as Pacemaker skips inputs that do not validate.
pub fn profile_dir(dir: &std::path::Path, repeat: u32, opts: &Options) -> std::io::Result<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.')
                && name.ends_with(".xml")
                && std::fs::metadata(e.path()).is_ok_and(|m| m.is_file())
        })
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut text = TextOut::new();
    if files.is_empty() {
        return Ok(String::new());
    }
    text.begin_list("Timings");
    for f in files {
        let start = cpu_seconds();
        let parsed = std::fs::read_to_string(&f)
            .ok()
            .and_then(|t| xml::parse(&t).ok());
        let Some(mut cib) = parsed else {
            continue;
        };
        if cib.child("status").is_none() {
            cib.push(Element::new("status"));
        }
        let cib = Arc::new(cib);
        let (now, _) = effective_now(&cib, opts.use_date.as_deref());
        let sched_opts = ScheduleOptions {
            now,
            show_scores: opts.show_scores,
            show_utilization: opts.show_utilization,
            sanitized: false,
        };
        for _ in 0..repeat {
            drop(schedule_shared(Arc::clone(&cib), &sched_opts));
        }
        let secs = cpu_seconds() - start;
        text.item(None, &format!("Testing {} ... {secs:.2} secs", f.display()));
    }
    text.end_list();
    Ok(text.buf)
}
