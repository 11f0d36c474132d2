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

use pcmk_common::xml::Element;

use super::event::ActionEvent;
use super::graph::{ActionKind, Graph, GraphNext, SCORE_INFINITY};
use crate::core::keys::{ExecStatus, TransitionKey, parse_op_key};

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

/// What the transition engine asks its driver to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeCommand {
    /// Run a resource action on `router`'s executor (locally if `router` is
    /// the local node, else through that node's controller).
    ExecResource {
        /// Graph action number.
        action_id: i32,
        /// Node whose controller routes the action.
        router: String,
        /// The `rsc_op` XML, with its `transition-key` set.
        action: Element,
    },
    /// Send a cluster action (`crm_event`) to `router`'s controller.
    ClusterAction {
        /// Graph action number.
        action_id: i32,
        /// Node whose controller receives it.
        router: String,
        /// The task (`do_shutdown`, `clear_failcount`, ...).
        task: String,
        /// The `crm_event` XML.
        action: Element,
        /// The transition key of the action.
        transition_key: String,
    },
    /// Fence a node; answer with [`TransitionEngine::fence_result`].
    Fence {
        /// Graph action number.
        action_id: i32,
        /// Name of the node to fence.
        target: String,
        /// Its node id.
        target_uuid: Option<String>,
        /// `reboot`, `off` or `on`.
        op: String,
        /// How long fencing may take.
        timeout: Duration,
    },
    /// Arm the timer of an action; when it fires, call
    /// [`TransitionEngine::action_timeout`].
    StartActionTimer {
        /// Graph action number.
        action_id: i32,
        /// Delay before firing.
        after: Duration,
    },
    /// Disarm the timer of an action.
    StopActionTimer {
        /// Graph action number.
        action_id: i32,
    },
    /// Record that an action timed out without a result (a synthesised
    /// `lrm_rsc_op` with a timeout status, see `history`).
    RecordTimeout {
        /// The `rsc_op` XML of the lost action.
        action: Element,
        /// Its transition key.
        transition_key: String,
        /// Node it was meant for.
        node: String,
    },
    /// Update the fail count and last failure of a resource through attrd.
    UpdateFailcount {
        /// Node the failure happened on.
        node_uuid: String,
        /// Resource id.
        rsc: String,
        /// Failed task.
        task: String,
        /// Interval of the failed operation, in milliseconds.
        interval_ms: u64,
        /// New fail count value (`value++` or `INFINITY`).
        value: String,
        /// Only record the last failure (the op has on-fail=ignore).
        last_failure_only: bool,
    },
}

/// Result of one execution pass (`enum pcmk__graph_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphStatus {
    /// Some actions fired.
    Active,
    /// Nothing fired; waiting on actions in flight.
    Pending,
    /// Finished (all done, or stopped after an abort).
    Complete,
    /// Finished with synapses that could never run.
    Terminated,
}

/// Counters of the last pass, as Pacemaker logs them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassCounts {
    /// Synapses confirmed.
    pub completed: u32,
    /// Synapses executed but not yet confirmed.
    pub pending: u32,
    /// Synapses fired in this pass.
    pub fired: u32,
    /// Synapses skipped (failed, or below the abort priority).
    pub skipped: u32,
    /// Synapses that could not fire.
    pub incomplete: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Jobs {
    jobs: u32,
    migrate: u32,
}

/// The transition engine of the DC.
#[derive(Debug)]
pub struct TransitionEngine {
    cfg: TeConfig,
    graph: Option<Graph>,
    jobs: BTreeMap<String, Jobs>,
    outside_events: BTreeSet<i32>,
    timers: BTreeSet<i32>,
    counts: PassCounts,
    out: Vec<TeCommand>,
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

    fn update_jobs(&mut self, a: usize, up: bool) {
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

    fn transition_key(&self, a: usize) -> String {
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

    fn disarm(&mut self, action_id: i32) {
        if self.timers.remove(&action_id) {
            self.out.push(TeCommand::StopActionTimer { action_id });
        }
    }

    /// Confirms action `a` (`te_action_confirmed()`): releases its job slot
    /// and propagates the confirmation through the graph.
    fn confirm(&mut self, a: usize) {
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

    /// Aborts the graph (`abort_transition()`): synapses below `priority`
    /// no longer fire, and on completion `next` applies (if it outranks the
    /// current completion action).
    pub fn abort(&mut self, priority: i32, next: GraphNext, reason: &str) {
        let Some(g) = self.graph.as_mut() else {
            return;
        };
        let changed = !g.complete && g.raise_abort(priority, next, reason);
        let line = format!("Transition {} aborted: {reason}", g.id);
        if changed {
            tracing::info!("{line}");
        } else {
            tracing::debug!("{line}");
        }
    }

    /// Handles an operation result (`process_graph_event()`).
    pub fn action_event(&mut self, ev: &ActionEvent) {
        let Some(magic) = ev.transition_key.as_deref() else {
            return;
        };
        if ev.op_status == ExecStatus::Pending.code() {
            return;
        }
        let Some(key) = TransitionKey::parse(magic) else {
            tracing::error!(
                "Can't process action {} result: Incompatible versions? | call-id={}",
                ev.op_key,
                ev.call_id
            );
            self.abort(SCORE_INFINITY, GraphNext::Restart, "Bad event");
            return;
        };
        let (graph_id, graph_complete) = match self.graph.as_ref() {
            Some(g) => (g.id, g.complete),
            None => (-1, true),
        };
        let mut desc = None;
        let mut ignore_failures = false;
        if key.transition == -1 {
            if !self.outside_events.insert(key.action) {
                return;
            }
            desc = Some("initiated outside of the cluster");
            self.abort(SCORE_INFINITY, GraphNext::Restart, "Unexpected event");
        } else if key.action < 0 || key.te_uuid != self.cfg.te_uuid {
            desc = Some("initiated by a different DC");
            self.abort(SCORE_INFINITY, GraphNext::Restart, "Foreign event");
        } else if graph_id != key.transition || graph_complete {
            let recurring = parse_op_key(&ev.op_key).is_some_and(|k| k.interval_ms != 0);
            if recurring {
                if ev.op_status == ExecStatus::Cancelled.code() {
                    self.confirm_cancel(&ev.op_key, &ev.node_uuid);
                    return;
                }
                desc = Some("arrived after initial scheduling");
                self.abort(
                    SCORE_INFINITY,
                    GraphNext::Restart,
                    "Change in recurring result",
                );
            } else if graph_id != key.transition {
                desc = Some("arrived really late");
                self.abort(SCORE_INFINITY, GraphNext::Restart, "Old event");
            } else {
                desc = Some("arrived late");
                self.abort(SCORE_INFINITY, GraphNext::Restart, "Inactive graph");
            }
        } else {
            let Some(a) = self.graph.as_ref().and_then(|g| g.action_index(key.action)) else {
                self.abort(SCORE_INFINITY, GraphNext::Restart, "Unknown event");
                self.log_event(&key, ev, Some("unknown"));
                return;
            };
            let Some(graph) = self.graph.as_mut() else {
                return;
            };
            if graph.actions[a].confirmed {
                return;
            }
            let action = &mut graph.actions[a];
            if action
                .meta("on_fail")
                .is_some_and(|v| v.eq_ignore_ascii_case("ignore"))
            {
                ignore_failures = true;
            } else if ev.rc != key.target_rc {
                action.failed = true;
            }
            let failed = action.failed;
            let id = action.id;
            let synapse_priority = graph
                .synapses
                .iter()
                .find(|s| s.actions.contains(&a))
                .map_or(0, |s| s.priority);
            self.disarm(id);
            self.confirm(a);
            if failed {
                self.abort(
                    synapse_priority.saturating_add(1),
                    GraphNext::Restart,
                    "Event failed",
                );
            }
        }
        if ev.op_status == ExecStatus::Invalid.code() {
            self.log_event(&key, ev, desc);
            return;
        }
        if ev.rc != key.target_rc || desc.is_some() {
            self.update_failcount(&key, ev, desc.is_some(), ignore_failures);
        }
        self.log_event(&key, ev, desc);
    }

    fn log_event(&self, key: &TransitionKey, ev: &ActionEvent, desc: Option<&str>) {
        let node = ev.on_node.as_deref().unwrap_or("unknown node");
        match desc {
            Some(d) => tracing::info!(
                "Transition {} action {} ({} on {}): {} | rc={} target-rc={} call-id={}",
                key.transition,
                key.action,
                ev.op_key,
                node,
                d,
                ev.rc,
                key.target_rc,
                ev.call_id
            ),
            None if ev.rc == key.target_rc => tracing::info!(
                "Transition {} action {} ({} on {}) confirmed | rc={} call-id={}",
                key.transition,
                key.action,
                ev.op_key,
                node,
                ev.rc,
                ev.call_id
            ),
            None => tracing::warn!(
                "Transition {} action {} ({} on {}): expected rc {} but got {} | call-id={}",
                key.transition,
                key.action,
                ev.op_key,
                node,
                key.target_rc,
                ev.rc,
                ev.call_id
            ),
        }
    }

    /// `update_failcount()`: a failed result bumps the fail count.
    fn update_failcount(
        &mut self,
        key: &TransitionKey,
        ev: &ActionEvent,
        outside: bool,
        ignore: bool,
    ) {
        if ev.rc == key.target_rc {
            return;
        }
        if ev.origin.as_deref() == Some("build_active_RAs") {
            return;
        }
        let Some(op) = parse_op_key(&ev.op_key) else {
            return;
        };
        let graph = self.graph.as_ref();
        let value = if op.interval_ms > 0 || op.task == "promote" || op.task == "demote" {
            Some("value++".to_string())
        } else if op.task == "start" {
            Some(
                graph
                    .and_then(|g| g.failed_start_offset.clone())
                    .unwrap_or_else(|| "INFINITY".into()),
            )
        } else if op.task == "stop" {
            Some(
                graph
                    .and_then(|g| g.failed_stop_offset.clone())
                    .unwrap_or_else(|| "INFINITY".into()),
            )
        } else if outside {
            Some("value++".to_string())
        } else {
            None
        };
        let Some(mut value) = value else {
            return;
        };
        if !value.eq_ignore_ascii_case("INFINITY") && !value.eq_ignore_ascii_case("+INFINITY") {
            value = "value++".into();
        }
        self.out.push(TeCommand::UpdateFailcount {
            node_uuid: ev.node_uuid.clone(),
            rsc: op.rsc,
            task: op.task,
            interval_ms: op.interval_ms,
            value,
            last_failure_only: ignore,
        });
    }

    fn confirm_cancel(&mut self, op_key: &str, node_uuid: &str) {
        let Some(graph) = self.graph.as_ref() else {
            return;
        };
        let found = graph.actions.iter().position(|a| {
            a.task() == "cancel"
                && a.key().eq_ignore_ascii_case(op_key)
                && a.on_node_uuid()
                    .is_none_or(|u| u.eq_ignore_ascii_case(node_uuid))
        });
        if let Some(a) = found {
            let id = graph.actions[a].id;
            self.disarm(id);
            self.confirm(a);
            tracing::info!("Cancellation of {op_key} confirmed (action {id})");
        }
    }

    /// The timer of action `action_id` fired without a result.
    pub fn action_timeout(&mut self, action_id: i32) {
        self.timers.remove(&action_id);
        let Some(graph) = self.graph.as_ref() else {
            return;
        };
        let Some(a) = graph.action_index(action_id) else {
            return;
        };
        let action = &graph.actions[a];
        let node = action.on_node().unwrap_or("").to_string();
        if graph.complete || action.confirmed {
            tracing::info!(
                "Node {} did not send {} result within {}ms (ignoring because transition not in progress)",
                node,
                action.task(),
                action.timeout.as_millis()
            );
            return;
        }
        tracing::error!(
            "Node {} did not send {} result (via controller) within {}ms (action timeout plus cluster-delay)",
            node,
            action.task(),
            (action.timeout + graph.network_delay).as_millis()
        );
        let recordable = action.kind == ActionKind::Resource
            && !matches!(action.task(), "cancel" | "delete" | "notify" | "meta-data");
        let xml = action.xml.clone();
        let key = self.transition_key(a);
        if let Some(g) = self.graph.as_mut() {
            g.actions[a].failed = true;
        }
        self.confirm(a);
        self.abort(SCORE_INFINITY, GraphNext::Restart, "Action lost");
        if recordable {
            self.out.push(TeCommand::RecordTimeout {
                action: xml,
                transition_key: key,
                node,
            });
        }
    }

    /// The result of fencing action `action_id`.
    pub fn fence_result(&mut self, action_id: i32, ok: bool) {
        let Some(a) = self.graph.as_ref().and_then(|g| g.action_index(action_id)) else {
            return;
        };
        if let Some(g) = self.graph.as_mut() {
            if g.actions[a].confirmed {
                return;
            }
            if !ok {
                g.actions[a].failed = true;
            }
        }
        self.disarm(action_id);
        self.confirm(a);
        if !ok {
            self.abort(SCORE_INFINITY, GraphNext::Restart, "Stonith failed");
        }
    }

    /// Confirms a cluster action whose reply arrived (or a resource action
    /// that will never report, such as one sent with no-wait semantics).
    pub fn confirm_action(&mut self, action_id: i32, failed: bool) {
        let Some(a) = self.graph.as_ref().and_then(|g| g.action_index(action_id)) else {
            return;
        };
        if failed {
            if let Some(g) = self.graph.as_mut() {
                g.actions[a].failed = true;
            }
        }
        self.disarm(action_id);
        self.confirm(a);
    }

    /// Node `uuid` left: its unconfirmed actions can never complete
    /// (`fail_incompletable_actions()`); true if any did, which aborts.
    pub fn node_down(&mut self, uuid: &str, router_uuids: &BTreeMap<String, String>) -> bool {
        let Some(graph) = self.graph.as_ref() else {
            return false;
        };
        if graph.complete {
            return false;
        }
        let mut hit = Vec::new();
        for s in &graph.synapses {
            if s.confirmed || s.failed {
                continue;
            }
            for &a in &s.actions {
                let action = &graph.actions[a];
                if action.kind == ActionKind::Pseudo || action.confirmed || action.is_fencing() {
                    continue;
                }
                let target = action.on_node_uuid();
                let router = action
                    .router_node()
                    .and_then(|r| router_uuids.get(r))
                    .map(String::as_str);
                if target.is_some_and(|t| t.eq_ignore_ascii_case(uuid))
                    || router.is_some_and(|r| r.eq_ignore_ascii_case(uuid))
                {
                    hit.push(a);
                }
            }
        }
        if hit.is_empty() {
            return false;
        }
        for a in hit {
            let id = match self.graph.as_mut() {
                Some(g) => {
                    g.actions[a].failed = true;
                    if let Some(s) = g.synapses.iter_mut().find(|s| s.actions.contains(&a)) {
                        s.failed = true;
                    }
                    g.actions[a].id
                }
                None => continue,
            };
            self.disarm(id);
            if let Some(g) = self.graph.as_mut() {
                g.update(a);
            }
        }
        tracing::info!("Node {uuid} shutdown resulted in un-runnable actions");
        self.abort(SCORE_INFINITY, GraphNext::Restart, "Node failure");
        true
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
