//! Executing a transition graph (after Pacemaker's `pcmk__execute_graph()`
//! and the controller's `controld_te_*.c`), as a pure state machine.
//!
//! A pass walks the synapses in order: a synapse whose inputs are all
//! confirmed fires, unless the batch limit is reached, a node is at its job
//! limit or migration limit, or the graph is being aborted with a higher
//! priority than the synapse. Firing a synapse initiates its actions:
//! pseudo actions are confirmed at once; resource and cluster actions become
//! commands and arm a timer of their timeout plus `cluster-delay`; fencing
//! becomes a fencing request. Results come back as [`ActionEvent`]s; a
//! result that differs from the expected rc fails the action and aborts the
//! graph above the synapse's priority; an event from another transition or
//! DC aborts with INFINITY priority. A pass that fires nothing with nothing
//! pending completes the graph: *Complete*, *Stopped* (synapses skipped by
//! an abort) or *Terminated* (synapses that could never fire).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub use super::command::{GraphStatus, PassCounts, TeCommand};
use super::graph::{ActionKind, Graph, GraphNext, SCORE_INFINITY};
use crate::core::keys::TransitionKey;

/// Settings of the transition engine.
#[derive(Debug, Clone)]
pub struct TeConfig {
    /// Name of the local node (the DC).
    pub local_node: String,
    /// This engine's id, part of every transition key it issues.
    pub te_uuid: String,
    /// Most actions in flight per node (`node-action-limit`); 0: no limit.
    pub node_job_limit: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Jobs {
    jobs: u32,
    migrate: u32,
}

/// The transition engine of the DC.
#[derive(Debug)]
pub struct TransitionEngine {
    pub(super) cfg: TeConfig,
    pub(super) graph: Option<Graph>,
    jobs: BTreeMap<String, Jobs>,
    pub(super) outside_events: BTreeSet<i32>,
    pub(super) timers: BTreeSet<i32>,
    pub(super) counts: PassCounts,
    pub(super) out: Vec<TeCommand>,
    /// An abort raised while no graph was running (its reason): the
    /// driver must compute a new transition (`abort_transition()` on a
    /// complete graph).
    pub(super) idle_abort: Option<String>,
}

impl TransitionEngine {
    /// An engine with no graph.
    pub fn new(cfg: TeConfig) -> TransitionEngine {
        TransitionEngine {
            cfg,
            graph: None,
            jobs: BTreeMap::new(),
            outside_events: BTreeSet::new(),
            timers: BTreeSet::new(),
            counts: PassCounts::default(),
            out: Vec::new(),
            idle_abort: None,
        }
    }

    /// This engine's id.
    pub fn te_uuid(&self) -> &str {
        &self.cfg.te_uuid
    }

    /// The current graph, if any.
    pub fn graph(&self) -> Option<&Graph> {
        self.graph.as_ref()
    }

    /// Whether there is no graph, or the graph has completed.
    pub fn is_idle(&self) -> bool {
        self.graph.as_ref().is_none_or(|g| g.complete)
    }

    /// Counters of the last pass.
    pub fn counts(&self) -> PassCounts {
        self.counts
    }

    /// The reason of an abort raised while no graph was running, if any
    /// since the last call: the driver computes a new transition then.
    pub fn take_idle_abort(&mut self) -> Option<String> {
        self.idle_abort.take()
    }

    /// Commands produced since the last call.
    pub fn take_commands(&mut self) -> Vec<TeCommand> {
        std::mem::take(&mut self.out)
    }

    /// Installs a new graph (replacing any previous one, whose timers are
    /// stopped) and resets the job counts.
    pub fn start(&mut self, graph: Graph) {
        for id in std::mem::take(&mut self.timers) {
            self.out.push(TeCommand::StopActionTimer { action_id: id });
        }
        self.jobs.clear();
        tracing::info!(
            transition = graph.id,
            "Processing graph {} derived from {}",
            graph.id,
            graph.source
        );
        self.graph = Some(graph);
    }

    /// Runs one execution pass. Returns the completion action when this
    /// pass finished the graph (Pacemaker's `notify_crmd()` follows), and
    /// resets it to [`GraphNext::Done`].
    pub fn run(&mut self) -> Option<(GraphStatus, GraphNext)> {
        let graph = self.graph.as_mut()?;
        if graph.complete {
            return None;
        }
        let status = self.execute();
        let graph = self.graph.as_mut()?;
        match status {
            GraphStatus::Active | GraphStatus::Pending => None,
            done => {
                graph.complete = true;
                let next = graph.completion_action;
                tracing::debug!(
                    "Transition {} status: {:?} - {}",
                    graph.id,
                    next,
                    graph
                        .abort_reason
                        .as_deref()
                        .unwrap_or("unspecified reason")
                );
                graph.completion_action = GraphNext::Done;
                graph.abort_reason = None;
                Some((done, next))
            }
        }
    }

    fn execute(&mut self) -> GraphStatus {
        let Some(graph) = self.graph.as_ref() else {
            return GraphStatus::Complete;
        };
        let mut c = PassCounts::default();
        for s in &graph.synapses {
            if s.confirmed {
                c.completed += 1;
            } else if !s.failed && s.executed {
                c.pending += 1;
            }
        }
        let total_limit = self.total_limit();
        let n = graph.synapses.len();
        for si in 0..n {
            let Some(graph) = self.graph.as_ref() else {
                break;
            };
            let s = &graph.synapses[si];
            if total_limit > 0 && c.pending >= total_limit {
                tracing::debug!("Throttling graph execution: batch limit ({total_limit}) reached");
                break;
            } else if s.failed {
                c.skipped += 1;
                continue;
            } else if s.confirmed || s.executed {
                continue;
            }
            match self.should_fire(si) {
                Fire::Yes => {
                    c.fired += 1;
                    if !self.fire(si) {
                        tracing::error!("Synapse {} failed to fire", si);
                        if let Some(g) = self.graph.as_mut() {
                            g.abort_priority = SCORE_INFINITY;
                        }
                        c.incomplete += 1;
                        c.fired -= 1;
                    }
                    let confirmed = self
                        .graph
                        .as_ref()
                        .is_some_and(|g| g.synapses[si].confirmed);
                    if !confirmed {
                        c.pending += 1;
                    }
                }
                Fire::Skipped => {
                    // Upstream counts a skipped synapse as incomplete too.
                    c.skipped += 1;
                    c.incomplete += 1;
                }
                Fire::No => c.incomplete += 1,
            }
        }
        let graph = match self.graph.as_ref() {
            Some(g) => g,
            None => return GraphStatus::Complete,
        };
        let (status, text) = if c.pending == 0 && c.fired == 0 {
            if c.incomplete != 0 && graph.abort_priority <= 0 {
                (GraphStatus::Terminated, "Terminated")
            } else if c.skipped != 0 {
                (GraphStatus::Complete, "Stopped")
            } else {
                (GraphStatus::Complete, "Complete")
            }
        } else if c.fired == 0 {
            (GraphStatus::Pending, "In progress")
        } else {
            (GraphStatus::Active, "In progress")
        };
        let line = format!(
            "Transition {} (Complete={}, Pending={}, Fired={}, Skipped={}, Incomplete={}, Source={}): {}",
            graph.id, c.completed, c.pending, c.fired, c.skipped, c.incomplete, graph.source, text
        );
        if matches!(status, GraphStatus::Complete | GraphStatus::Terminated) {
            tracing::info!("{line}");
        } else {
            tracing::debug!("{line}");
        }
        self.counts = c;
        status
    }

    fn total_limit(&self) -> u32 {
        let Some(g) = self.graph.as_ref() else {
            return 0;
        };
        if g.batch_limit > 0 {
            g.batch_limit as u32
        } else {
            0
        }
    }

    fn should_fire(&mut self, si: usize) -> Fire {
        let Some(graph) = self.graph.as_mut() else {
            return Fire::No;
        };
        let s = &mut graph.synapses[si];
        s.ready = s.inputs.iter().all(|i| i.confirmed);
        if !s.ready {
            return Fire::No;
        }
        let priority = s.priority;
        let abort_priority = graph.abort_priority;
        let actions = graph.synapses[si].actions.clone();
        for a in actions {
            let Some(graph) = self.graph.as_ref() else {
                return Fire::No;
            };
            let action = &graph.actions[a];
            if action.kind == ActionKind::Pseudo {
                continue;
            }
            if priority < abort_priority {
                tracing::trace!(
                    "Skipping synapse {}: priority {} is less than abort priority {}",
                    si,
                    priority,
                    abort_priority
                );
                return Fire::Skipped;
            }
            if !self.allowed(a) {
                return Fire::No;
            }
        }
        Fire::Yes
    }

    /// The nodes an action counts against for job limits, and whether it
    /// is a migration.
    fn job_targets(&self, a: usize) -> (Vec<String>, bool) {
        let Some(graph) = self.graph.as_ref() else {
            return (Vec::new(), false);
        };
        let action = &graph.actions[a];
        if action.kind != ActionKind::Resource {
            return (Vec::new(), false);
        }
        if let Some(router) = action.router_node() {
            return (vec![router.to_string()], false);
        }
        if matches!(action.task(), "migrate_to" | "migrate_from") {
            let t: Vec<String> = [action.meta("migrate_source"), action.meta("migrate_target")]
                .into_iter()
                .flatten()
                .map(str::to_string)
                .collect();
            return (t, true);
        }
        (
            action.on_node().map(str::to_string).into_iter().collect(),
            false,
        )
    }

    fn allowed(&self, a: usize) -> bool {
        let (targets, migrate) = self.job_targets(a);
        let migration_limit = self.graph.as_ref().map_or(-1, |g| g.migration_limit);
        targets.iter().all(|t| {
            let j = self.jobs.get(t).copied().unwrap_or_default();
            if self.cfg.node_job_limit > 0 && j.jobs >= self.cfg.node_job_limit {
                return false;
            }
            !(migrate && migration_limit > 0 && j.migrate >= migration_limit as u32)
        })
    }

    pub(super) fn update_jobs(&mut self, a: usize, up: bool) {
        let (targets, migrate) = self.job_targets(a);
        for t in targets {
            let j = self.jobs.entry(t).or_default();
            if up {
                j.jobs += 1;
                j.migrate += u32::from(migrate);
            } else {
                j.jobs = j.jobs.saturating_sub(1);
                if migrate {
                    j.migrate = j.migrate.saturating_sub(1);
                }
            }
        }
    }

    fn fire(&mut self, si: usize) -> bool {
        let Some(graph) = self.graph.as_mut() else {
            return false;
        };
        graph.synapses[si].executed = true;
        let actions = graph.synapses[si].actions.clone();
        for a in actions {
            if !self.initiate(a) {
                if let Some(g) = self.graph.as_mut() {
                    g.synapses[si].confirmed = true;
                    g.actions[a].confirmed = true;
                    g.actions[a].failed = true;
                }
                return false;
            }
        }
        true
    }

    pub(super) fn transition_key(&self, a: usize) -> String {
        let Some(g) = self.graph.as_ref() else {
            return String::new();
        };
        TransitionKey {
            action: g.actions[a].id,
            transition: g.id,
            target_rc: g.actions[a].target_rc(),
            te_uuid: self.cfg.te_uuid.clone(),
        }
        .to_string()
    }

    fn initiate(&mut self, a: usize) -> bool {
        let key = self.transition_key(a);
        let Some(graph) = self.graph.as_mut() else {
            return false;
        };
        let network_delay = graph.network_delay;
        let fencing_timeout = graph.fencing_timeout;
        let action = &mut graph.actions[a];
        if action.executed {
            return false;
        }
        action.executed = true;
        let id = action.id;
        match action.kind {
            ActionKind::Pseudo => {
                tracing::debug!(
                    "Pseudo-action {} ({}) fired and confirmed",
                    id,
                    action.key()
                );
                self.confirm(a);
                true
            }
            ActionKind::Cluster if action.is_fencing() => {
                let Some(target) = action.on_node().map(str::to_string) else {
                    return false;
                };
                let op = action
                    .meta("stonith_action")
                    .unwrap_or("reboot")
                    .to_string();
                tracing::info!(
                    "Requesting fencing ({op}) targeting node {target} | action={id} timeout={}",
                    fencing_timeout.as_secs()
                );
                self.out.push(TeCommand::Fence {
                    action_id: id,
                    target,
                    target_uuid: action.on_node_uuid().map(str::to_string),
                    op,
                    timeout: fencing_timeout,
                });
                true
            }
            ActionKind::Cluster => {
                let task = action.task().to_string();
                let Some(on_node) = action.on_node().map(str::to_string) else {
                    return false;
                };
                if task.is_empty() {
                    return false;
                }
                let router = action.router_node().unwrap_or(&on_node).to_string();
                let no_wait = action.no_wait();
                let local = router.eq_ignore_ascii_case(&self.cfg.local_node);
                tracing::info!(
                    "Handling controller request '{id}' ({task} on {on_node}){}{}",
                    if local { " locally" } else { "" },
                    if no_wait { " without waiting" } else { "" }
                );
                if local && task == "do_shutdown" {
                    graph.completion_action = GraphNext::Shutdown;
                    graph.abort_reason = Some("local shutdown".into());
                    self.confirm(a);
                    return true;
                }
                let xml = action.xml.clone();
                let mut timeout = action.timeout;
                self.out.push(TeCommand::ClusterAction {
                    action_id: id,
                    router,
                    task,
                    action: xml,
                    transition_key: key,
                });
                if no_wait {
                    self.confirm(a);
                } else {
                    if timeout.is_zero() {
                        timeout = network_delay;
                    }
                    self.arm(id, timeout + network_delay);
                }
                true
            }
            ActionKind::Resource => {
                let Some(on_node) = action.on_node().map(str::to_string) else {
                    return false;
                };
                let router = action.router_node().unwrap_or(&on_node).to_string();
                action.xml.set_attr("transition-key", key.clone());
                let no_wait = action.no_wait();
                let mut timeout = action.timeout;
                let xml = action.xml.clone();
                tracing::info!(
                    "Initiating {} operation {}{} on {} | action {}",
                    action.task(),
                    action.key(),
                    if router.eq_ignore_ascii_case(&self.cfg.local_node) {
                        " locally"
                    } else {
                        ""
                    },
                    on_node,
                    id
                );
                self.out.push(TeCommand::ExecResource {
                    action_id: id,
                    router,
                    action: xml,
                });
                if no_wait {
                    if let Some(g) = self.graph.as_mut() {
                        g.actions[a].confirmed = true;
                        g.update(a);
                    }
                } else {
                    if timeout.is_zero() {
                        timeout = network_delay;
                    }
                    self.update_jobs(a, true);
                    self.arm(id, timeout + network_delay);
                }
                true
            }
        }
    }

    fn arm(&mut self, action_id: i32, after: Duration) {
        self.timers.insert(action_id);
        self.out
            .push(TeCommand::StartActionTimer { action_id, after });
    }

    pub(super) fn disarm(&mut self, action_id: i32) {
        if self.timers.remove(&action_id) {
            self.out.push(TeCommand::StopActionTimer { action_id });
        }
    }

    /// Confirms action `a` (`te_action_confirmed()`): releases its job slot
    /// and propagates the confirmation through the graph.
    pub(super) fn confirm(&mut self, a: usize) {
        let Some(graph) = self.graph.as_ref() else {
            return;
        };
        if !graph.actions[a].confirmed {
            if graph.actions[a].kind == ActionKind::Resource && graph.actions[a].on_node().is_some()
            {
                self.update_jobs(a, false);
            }
            if let Some(g) = self.graph.as_mut() {
                g.actions[a].confirmed = true;
            }
        }
        if let Some(g) = self.graph.as_mut() {
            g.update(a);
        }
    }
}

enum Fire {
    Yes,
    No,
    Skipped,
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
