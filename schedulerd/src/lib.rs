//! pacemaker-schedulerd: the policy engine.
//!
//! A pure function from a CIB (configuration and status) and a time to a
//! transition graph: [`schedule`] unpacks the CIB, assigns resources to
//! nodes, plans the actions and orders them. Nothing here does I/O; the
//! daemon, `crm_simulate` and `crm_verify` all call the same code.
//!
//! The structure follows Pacemaker's scheduler (`lib/pengine` for
//! unpacking, `lib/pacemaker/pcmk_sched_*.c` for scheduling), rewritten
//! around index-based arenas and hash-map look-ups.

#![allow(clippy::too_many_lines)]

pub mod actions;
pub mod graph;
pub mod inject;
pub mod model;
pub mod nvset;
pub mod output;
pub mod rules_input;
pub mod sched;
pub mod series;
pub mod server;
pub mod simulate;
pub mod strcmp;
pub mod unpack;
pub mod values;

use std::sync::Arc;

use pcmk_common::xml::Element;

pub use model::{Message, Scheduler, Severity};

/// Options for one scheduling run.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScheduleOptions {
    /// Effective time (epoch seconds).
    pub now: i64,
    /// Record allocation score lines (`crm_simulate -s`).
    pub show_scores: bool,
    /// Record utilization lines (`crm_simulate -U`).
    pub show_utilization: bool,
    /// The CIB was sanitized (private parameters replaced), as simulations
    /// assume: ignore changes only the private parameters show.
    pub sanitized: bool,
}

/// The result of scheduling a CIB.
#[derive(Debug)]
pub struct Schedule {
    /// The working set after scheduling (for status output).
    pub scheduler: Scheduler,
    /// The transition graph.
    pub graph: Element,
}

/// What the daemon returns for one request: the graph and the messages,
/// and the series the input is saved in.
#[derive(Debug)]
pub struct Computed {
    /// The transition graph XML.
    pub graph_xml: String,
    /// Configuration and scheduling messages.
    pub messages: Vec<Message>,
    /// The series the input belongs to.
    pub series: series::Series,
    /// How many inputs of that series to keep (`None`: no limit).
    pub series_limit: Option<u64>,
}

/// Computes a transition as the daemon does, with a given transition id.
pub fn compute(cib: &Element, now: i64, transition_id: u64) -> Computed {
    let opts = ScheduleOptions {
        now,
        ..ScheduleOptions::default()
    };
    let mut s = unpack(Arc::new(cib.clone()), &opts);
    s.schedule();
    let graph = s.create_graph(u32::try_from(transition_id).unwrap_or(u32::MAX));
    let series = series::Series::of(&s);
    Computed {
        graph_xml: graph.to_pretty(),
        series_limit: series.limit(&s),
        series,
        messages: s.messages,
    }
}

fn unpack(cib: Arc<Element>, opts: &ScheduleOptions) -> Scheduler {
    let mut flags = model::SchedFlags::default();
    flags.put(model::SchedFlags::OUTPUT_SCORES, opts.show_scores);
    flags.put(model::SchedFlags::SHOW_UTILIZATION, opts.show_utilization);
    flags.put(model::SchedFlags::SANITIZED, opts.sanitized);
    Scheduler::unpack_with(cib, opts.now, flags)
}

/// Computes the transition for a CIB.
pub fn schedule(cib: &Element, opts: &ScheduleOptions) -> Schedule {
    schedule_shared(Arc::new(cib.clone()), opts)
}

/// Computes the transition for a CIB the caller shares with the scheduler
/// (no copy of the tree is made).
pub fn schedule_shared(cib: Arc<Element>, opts: &ScheduleOptions) -> Schedule {
    let mut s = unpack(cib, opts);
    s.schedule();
    let graph = s.create_graph(1);
    Schedule {
        scheduler: s,
        graph,
    }
}
