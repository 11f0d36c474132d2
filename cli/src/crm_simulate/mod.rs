//! crm_simulate: run the scheduler on a CIB, show what it would do, and
//! optionally simulate the transition.

mod in_place;
mod time;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use pcmk_common::exit::CrmExit;
use pcmk_common::xml::{self, Element};
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
    /// Nodes to bring online (-u).
    pub node_up: Vec<String>,
    /// Nodes to take offline (-d).
    pub node_down: Vec<String>,
    /// Nodes to fail (-f).
    pub node_fail: Vec<String>,
    /// Show all actions in the dot file (-a).
    pub all_actions: bool,
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
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
    let mut cib = Arc::new(cib);
    let mut out = Output::default();
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
        text.begin_list("Current cluster status");
        s.cluster_status_text(&mut text, true);
        text.end_list();
        printed = true;
    }
    if !opts.node_up.is_empty() || !opts.node_down.is_empty() || !opts.node_fail.is_empty() {
        if printed {
            text.spacer();
        }
        let cib = Arc::make_mut(&mut cib);
        text.begin_list("Performing Requested Modifications");
        if !opts.node_up.is_empty() {
            // As Pacemaker's --node-up: injected nodes get a configuration
            // entry (named by their name) when they have none.
            for n in opts
                .node_up
                .iter()
                .chain(&opts.node_down)
                .chain(&opts.node_fail)
            {
                add_node_config(cib, n);
            }
        }
        for n in &opts.node_up {
            text.item(None, &format!("Bringing node {n} online"));
            inject_node_state(cib, n, true);
        }
        for n in &opts.node_down {
            text.item(None, &format!("Taking node {n} offline"));
            inject_node_state(cib, n, false);
        }
        for n in &opts.node_fail {
            text.item(None, &format!("Failing node {n}"));
            inject_node_state(cib, n, true);
            if let Some(ns) = cib.child_mut("status").and_then(|s| {
                s.elements_mut()
                    .find(|e| e.name == "node_state" && e.attr("uname") == Some(n.as_str()))
            }) {
                ns.set_attr("in_ccm", "false");
            }
        }
        text.end_list();
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
            if printed && !quiet {
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
        if printed && !quiet {
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
            text.begin_list("Revised Cluster Status");
            s.cluster_status_text(&mut text, false);
            text.end_list();
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

fn add_node_config(cib: &mut Element, node: &str) {
    let nodes = cib
        .child_or_insert("configuration")
        .child_or_insert("nodes");
    if !nodes
        .children_named("node")
        .any(|e| e.attr("uname") == Some(node))
    {
        nodes.push(
            Element::new("node")
                .with_attr("id", node.to_string())
                .with_attr("uname", node.to_string()),
        );
    }
}

fn inject_node_state(cib: &mut Element, node: &str, up: bool) {
    let uuid = cib
        .child("configuration")
        .and_then(|c| c.child("nodes"))
        .and_then(|n| n.elements().find(|e| e.attr("uname") == Some(node)))
        .and_then(|e| e.id())
        .unwrap_or(node)
        .to_string();
    let status = cib.child_or_insert("status");
    let pos = status
        .elements()
        .position(|e| e.name == "node_state" && e.attr("uname") == Some(node));
    let ns = match pos {
        Some(p) => status
            .elements_mut()
            .nth(p)
            .expect("position from same list"),
        None => {
            status.push(
                Element::new("node_state")
                    .with_attr("id", uuid)
                    .with_attr("uname", node.to_string()),
            );
            status.elements_mut().last().expect("just pushed")
        }
    };
    let vals = if up {
        [
            ("in_ccm", "true"),
            ("crmd", "online"),
            ("join", "member"),
            ("expected", "member"),
        ]
    } else {
        [
            ("in_ccm", "false"),
            ("crmd", "offline"),
            ("join", "down"),
            ("expected", "down"),
        ]
    };
    for (k, v) in vals {
        ns.set_attr(k, v);
    }
    ns.set_attr("crm-debug-origin", "crm_simulate");
}
