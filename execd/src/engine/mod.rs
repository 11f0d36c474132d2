//! The executor's operation engine: sans-IO.
//!
//! Follows Pacemaker's `daemons/execd/execd_commands.c` and the services
//! library: each resource runs one operation at a time, from a FIFO queue;
//! an operation with a start-delay waits at the head of the queue; a stop
//! first cancels the resource's recurring operations; a recurring
//! operation runs again an interval after each completion until
//! cancelled; a second request for the same recurring operation is merged
//! into the first. An agent that reaches its timeout has its process group
//! sent SIGTERM, then SIGKILL after a grace period (Pacemaker sends SIGKILL
//! at once), and the result is reported when the process has gone.
//!
//! Time is passed in ([`Now`]); effects come out as [`Command`]s.

mod command;
mod outcome;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

pub use command::{CallId, Command, KillSignal, TimerId, TimerKind};
pub use outcome::map_outcome;

use crate::op::{OpSpec, RawOutcome, ResourceDef};
use crate::result::{ExecStatus, ocf, readable_interval};
use crate::standard::Standard;

/// The current time, as the runtime sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Monotonic milliseconds (for durations).
    pub mono_ms: u64,
    /// Wall-clock seconds since the epoch (for recorded times).
    pub epoch_s: i64,
}

/// Engine settings.
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    /// Time between SIGTERM and SIGKILL of a timed-out agent.
    pub kill_grace_ms: u64,
    /// Timeout of operations that give none (Pacemaker's 20s).
    pub default_timeout_ms: u32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            kill_grace_ms: 5000,
            default_timeout_ms: 20_000,
        }
    }
}

/// A request to run an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRequest {
    /// What to run.
    pub spec: OpSpec,
    /// Delay before the first run.
    pub start_delay_ms: u32,
    /// Opaque caller data echoed in results.
    pub user_data: String,
    /// Notify a recurring operation's results only when they change.
    pub notify_changes_only: bool,
}

/// The result of one execution, as sent to subscribers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpResult {
    /// The resource.
    pub rsc: ResourceDef,
    /// Action as requested.
    pub action: String,
    /// Interval.
    pub interval_ms: u32,
    /// Call id.
    pub call_id: CallId,
    /// OCF rc.
    pub rc: i32,
    /// Execution status.
    pub status: ExecStatus,
    /// Exit reason.
    pub exit_reason: Option<String>,
    /// Captured standard output.
    pub stdout: String,
    /// Captured standard error.
    pub stderr: String,
    /// Timeout.
    pub timeout_ms: u32,
    /// Start delay.
    pub start_delay_ms: u32,
    /// Epoch seconds of the last run.
    pub run_time: i64,
    /// Epoch seconds of the last rc change.
    pub rc_change_time: i64,
    /// Time spent running.
    pub exec_time_ms: u32,
    /// Time spent queued.
    pub queue_time_ms: u32,
    /// Parameters of the operation.
    pub params: BTreeMap<String, String>,
    /// Meta attributes of the operation.
    pub meta: BTreeMap<String, String>,
    /// Caller data.
    pub user_data: String,
    /// The resource was unregistered meanwhile.
    pub rsc_deleted: bool,
    /// Process id of the agent (0 if none ran).
    pub pid: i32,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The request lacks a resource id, class, agent or action.
    #[error("{0}")]
    Invalid(String),
    /// No such resource is registered.
    #[error("resource '{0}' not found")]
    NoSuchResource(String),
    /// No such operation to cancel.
    #[error("no such operation to cancel")]
    NoSuchOperation,
}

impl EngineError {
    /// The Pacemaker exit code for this refusal.
    pub fn exit_code(&self) -> pcmk_common::exit::CrmExit {
        use pcmk_common::exit::CrmExit;
        match self {
            EngineError::Invalid(_) => CrmExit::InvalidParam,
            EngineError::NoSuchResource(_) => CrmExit::NoSuch,
            EngineError::NoSuchOperation => CrmExit::UnimplementFeature,
        }
    }
}

/// Where an operation is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// In its resource's queue.
    Queued,
    /// Its agent is running.
    Running,
    /// Recurring, between two runs.
    Waiting,
}

#[derive(Debug, Clone)]
struct Cmd {
    /// Call id reported to clients (a merged duplicate's newer id).
    call_id: CallId,
    req: ExecRequest,
    phase: Phase,
    delay_pending: bool,
    cancel_requested: bool,
    timed_out: bool,
    t_queue: Option<u64>,
    t_run: Option<u64>,
    epoch_last_run: i64,
    epoch_rc_change: i64,
    last_rc: Option<i32>,
    last_notified: Option<(i32, ExecStatus)>,
}

#[derive(Debug, Clone)]
struct Rsc {
    def: ResourceDef,
    pending: VecDeque<CallId>,
    active: Option<CallId>,
    recurring: BTreeSet<CallId>,
}

/// A recurring operation of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurringOp {
    /// Action.
    pub action: String,
    /// Interval.
    pub interval_ms: u32,
    /// Timeout.
    pub timeout_ms: u32,
}

/// The executor's state.
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    rscs: BTreeMap<String, Rsc>,
    cmds: HashMap<CallId, Cmd>,
    next_call_id: CallId,
    history: BTreeMap<String, BTreeMap<(String, u32), OpResult>>,
    output: Vec<Command>,
}

impl Engine {
    /// A new engine with no resources.
    pub fn new(config: EngineConfig) -> Self {
        Engine {
            config,
            rscs: BTreeMap::new(),
            cmds: HashMap::new(),
            next_call_id: 1,
            history: BTreeMap::new(),
            output: Vec::new(),
        }
    }

    /// Takes the commands produced so far.
    pub fn take_output(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.output)
    }

    /// Registers (or re-registers with a different agent) a resource.
    pub fn register(&mut self, def: ResourceDef) -> Result<(), EngineError> {
        if def.id.is_empty() || def.class.is_empty() || def.agent.is_empty() {
            return Err(EngineError::Invalid(
                "resource id, class and type are required".into(),
            ));
        }
        match self.rscs.get_mut(&def.id) {
            Some(r) if r.def.same_agent(&def) => {}
            Some(r) => r.def = def,
            None => {
                self.rscs.insert(
                    def.id.clone(),
                    Rsc {
                        def,
                        pending: VecDeque::new(),
                        active: None,
                        recurring: BTreeSet::new(),
                    },
                );
            }
        }
        Ok(())
    }

    /// The registration of a resource.
    pub fn resource(&self, id: &str) -> Option<&ResourceDef> {
        self.rscs.get(id).map(|r| &r.def)
    }

    /// Unregisters a resource: queued operations are cancelled, recurring
    /// ones stopped. Returns whether an operation is still running (its
    /// result will be flagged `rsc_deleted`).
    pub fn unregister(&mut self, now: Now, id: &str) -> bool {
        let Some(rsc) = self.rscs.get(id) else {
            return false;
        };
        let queued: Vec<CallId> = rsc.pending.iter().copied().collect();
        let recurring: Vec<CallId> = rsc.recurring.iter().copied().collect();
        let active = rsc.active;
        for cid in queued.into_iter().chain(recurring) {
            self.cancel_cmd(now, cid);
        }
        self.rscs.remove(id);
        self.history.remove(id);
        active.is_some()
    }

    /// Queues an operation. Returns its call id (that of the merged
    /// operation when it duplicates a recurring one).
    pub fn exec(&mut self, now: Now, mut req: ExecRequest) -> Result<CallId, EngineError> {
        if req.spec.action.is_empty() {
            return Err(EngineError::Invalid("action is required".into()));
        }
        if req.spec.timeout_ms == 0 {
            req.spec.timeout_ms = self.config.default_timeout_ms;
        }
        self.register(req.spec.rsc.clone())?;
        let rsc_id = req.spec.rsc.id.clone();
        let call_id = self.next_call_id;
        self.next_call_id = self.next_call_id.checked_add(1).unwrap_or(1);

        if req.spec.interval_ms > 0 && self.merge_recurring(now, &rsc_id, call_id, &req) {
            return Ok(call_id);
        }
        if req.spec.action.eq_ignore_ascii_case("stop") {
            self.cancel_all_recurring(now, &rsc_id);
        }
        let delay = req.start_delay_ms;
        let cmd = Cmd {
            call_id,
            req,
            phase: Phase::Queued,
            delay_pending: delay > 0,
            cancel_requested: false,
            timed_out: false,
            t_queue: Some(now.mono_ms),
            t_run: None,
            epoch_last_run: 0,
            epoch_rc_change: 0,
            last_rc: None,
            last_notified: None,
        };
        self.cmds.insert(call_id, cmd);
        if let Some(rsc) = self.rscs.get_mut(&rsc_id) {
            rsc.pending.push_back(call_id);
        }
        if delay > 0 {
            self.output.push(Command::SetTimer {
                id: TimerId {
                    call_id,
                    kind: TimerKind::StartDelay,
                },
                after_ms: u64::from(delay),
            });
        }
        self.kick(now, &rsc_id);
        Ok(call_id)
    }

    /// Merges a repeated request for a recurring operation into the
    /// existing one, which takes the new call id and user data; one waiting
    /// for its next run is run at once. (Internally the operation keeps
    /// its first id, which its timers and process are known by.)
    fn merge_recurring(
        &mut self,
        now: Now,
        rsc_id: &str,
        call_id: CallId,
        req: &ExecRequest,
    ) -> bool {
        let Some(rsc) = self.rscs.get(rsc_id) else {
            return false;
        };
        let dup = rsc
            .pending
            .iter()
            .chain(rsc.recurring.iter())
            .copied()
            .find(|c| {
                self.cmds.get(c).is_some_and(|cmd| {
                    cmd.req.spec.interval_ms == req.spec.interval_ms
                        && cmd.req.spec.action.eq_ignore_ascii_case(&req.spec.action)
                        && !cmd.cancel_requested
                })
            });
        let Some(key) = dup else {
            return false;
        };
        tracing::warn!(rsc = rsc_id, action = %req.spec.action, interval = req.spec.interval_ms,
            "duplicate recurring op entry detected, merging with previous op entry");
        let Some(cmd) = self.cmds.get_mut(&key) else {
            return false;
        };
        cmd.call_id = call_id;
        cmd.req.user_data = req.user_data.clone();
        cmd.last_notified = None;
        if cmd.phase == Phase::Waiting {
            self.output.push(Command::CancelTimer {
                id: TimerId {
                    call_id: key,
                    kind: TimerKind::Recur,
                },
            });
            self.requeue(now, rsc_id, key);
        }
        true
    }

    /// Puts a waiting recurring operation back in its resource's queue.
    fn requeue(&mut self, now: Now, rsc_id: &str, key: CallId) {
        if let Some(cmd) = self.cmds.get_mut(&key) {
            cmd.phase = Phase::Queued;
            cmd.t_queue = Some(now.mono_ms);
            cmd.t_run = None;
        }
        if let Some(rsc) = self.rscs.get_mut(rsc_id) {
            rsc.pending.push_back(key);
        }
        self.kick(now, rsc_id);
    }

    /// Starts the next queued operation of a resource if none is running.
    fn kick(&mut self, now: Now, rsc_id: &str) {
        let Some(rsc) = self.rscs.get_mut(rsc_id) else {
            return;
        };
        if rsc.active.is_some() {
            return;
        }
        let Some(&key) = rsc.pending.front() else {
            return;
        };
        let Some(cmd) = self.cmds.get_mut(&key) else {
            rsc.pending.pop_front();
            return;
        };
        if cmd.delay_pending {
            return;
        }
        rsc.pending.pop_front();
        rsc.active = Some(key);
        if cmd.req.spec.interval_ms > 0 {
            rsc.recurring.insert(key);
        }
        cmd.phase = Phase::Running;
        cmd.timed_out = false;
        cmd.t_run = Some(now.mono_ms);
        cmd.epoch_last_run = now.epoch_s;
        let mut spec = cmd.req.spec.clone();
        // The registered definition is authoritative.
        spec.rsc = rsc.def.clone();
        tracing::debug!(rsc = rsc_id, action = %spec.action, call_id = cmd.call_id, "executing");
        self.output.push(Command::Spawn { call_id: key, spec });
        self.output.push(Command::SetTimer {
            id: TimerId {
                call_id: key,
                kind: TimerKind::Timeout,
            },
            after_ms: u64::from(cmd.req.spec.timeout_ms),
        });
    }

    /// A timer fired.
    pub fn timer(&mut self, now: Now, id: TimerId) {
        let Some(cmd) = self.cmds.get_mut(&id.call_id) else {
            return;
        };
        let rsc_id = cmd.req.spec.rsc.id.clone();
        match (id.kind, cmd.phase) {
            (TimerKind::StartDelay, Phase::Queued) => {
                cmd.delay_pending = false;
                self.kick(now, &rsc_id);
            }
            (TimerKind::Timeout, Phase::Running) => {
                cmd.timed_out = true;
                tracing::info!(rsc = %rsc_id, action = %cmd.req.spec.action, call_id = cmd.call_id,
                    "agent timed out after {}, terminating its process group",
                    readable_interval(u64::from(cmd.req.spec.timeout_ms)));
                self.output.push(Command::Signal {
                    call_id: id.call_id,
                    signal: KillSignal::Term,
                });
                self.output.push(Command::SetTimer {
                    id: TimerId {
                        call_id: id.call_id,
                        kind: TimerKind::Kill,
                    },
                    after_ms: self.config.kill_grace_ms,
                });
            }
            (TimerKind::Kill, Phase::Running) => {
                self.output.push(Command::Signal {
                    call_id: id.call_id,
                    signal: KillSignal::Kill,
                });
            }
            (TimerKind::Recur, Phase::Waiting) => self.requeue(now, &rsc_id, id.call_id),
            _ => {}
        }
    }

    /// The agent of operation `key` has finished (or could not start).
    pub fn agent_done(&mut self, now: Now, key: CallId, outcome: RawOutcome) {
        let Some(cmd) = self.cmds.get(&key) else {
            return;
        };
        if cmd.phase != Phase::Running {
            return;
        }
        for kind in [TimerKind::Timeout, TimerKind::Kill] {
            self.output.push(Command::CancelTimer {
                id: TimerId { call_id: key, kind },
            });
        }
        let standard = Standard::parse(&cmd.req.spec.rsc.class);
        let (rc, status, reason) = map_outcome(
            &cmd.req.spec,
            standard,
            &outcome,
            cmd.timed_out,
            cmd.cancel_requested,
        );
        let pid = outcome.pid.unwrap_or(0);
        self.finish(
            now,
            key,
            rc,
            status,
            reason,
            outcome.stdout.text(),
            outcome.stderr.text(),
            pid,
        );
    }

    /// Records and reports a result, then reschedules or forgets the operation.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        now: Now,
        key: CallId,
        rc: i32,
        status: ExecStatus,
        reason: Option<String>,
        stdout: String,
        stderr: String,
        pid: i32,
    ) {
        let Some(cmd) = self.cmds.get_mut(&key) else {
            return;
        };
        let rsc_id = cmd.req.spec.rsc.id.clone();
        if cmd.last_rc != Some(rc) {
            cmd.epoch_rc_change = now.epoch_s;
            cmd.last_rc = Some(rc);
        }
        let exec_time = cmd.t_run.map_or(0, |t| now.mono_ms.saturating_sub(t));
        let queue_time = match (cmd.t_queue, cmd.t_run) {
            (Some(q), Some(r)) => r.saturating_sub(q),
            _ => 0,
        };
        let rsc = self.rscs.get_mut(&rsc_id);
        let rsc_deleted = rsc.is_none();
        let def = rsc
            .as_ref()
            .map_or_else(|| cmd.req.spec.rsc.clone(), |r| r.def.clone());
        if let Some(r) = rsc
            && r.active == Some(key)
        {
            r.active = None;
        }
        let result = OpResult {
            rsc: def,
            action: cmd.req.spec.action.clone(),
            interval_ms: cmd.req.spec.interval_ms,
            call_id: cmd.call_id,
            rc,
            status,
            exit_reason: reason,
            stdout,
            stderr,
            timeout_ms: cmd.req.spec.timeout_ms,
            start_delay_ms: cmd.req.start_delay_ms,
            run_time: cmd.epoch_last_run,
            rc_change_time: cmd.epoch_rc_change,
            exec_time_ms: u32::try_from(exec_time).unwrap_or(u32::MAX),
            queue_time_ms: u32::try_from(queue_time).unwrap_or(u32::MAX),
            params: cmd.req.spec.params.clone(),
            meta: cmd.req.spec.meta.clone(),
            user_data: cmd.req.user_data.clone(),
            rsc_deleted,
            pid,
        };
        log_finished(&result);
        let changed = cmd.last_notified != Some((rc, status));
        if !cmd.req.notify_changes_only || changed {
            cmd.last_notified = Some((rc, status));
            self.output.push(Command::Notify(Box::new(result.clone())));
        }
        if !rsc_deleted {
            self.history
                .entry(rsc_id.clone())
                .or_default()
                .insert((result.action.clone(), result.interval_ms), result);
        }
        let again = cmd.req.spec.interval_ms > 0
            && status != ExecStatus::Cancelled
            && !cmd.cancel_requested
            && !rsc_deleted;
        if again {
            cmd.phase = Phase::Waiting;
            cmd.t_queue = None;
            cmd.t_run = None;
            self.output.push(Command::SetTimer {
                id: TimerId {
                    call_id: key,
                    kind: TimerKind::Recur,
                },
                after_ms: u64::from(cmd.req.spec.interval_ms),
            });
        } else {
            self.cmds.remove(&key);
            if let Some(r) = self.rscs.get_mut(&rsc_id) {
                r.recurring.remove(&key);
                r.pending.retain(|c| *c != key);
            }
        }
        self.kick(now, &rsc_id);
    }

    /// Cancels one operation by its internal key: a queued or waiting one
    /// is reported cancelled at once; a running recurring one has its agent
    /// killed and is reported cancelled when it has gone.
    fn cancel_cmd(&mut self, now: Now, key: CallId) {
        let Some(cmd) = self.cmds.get_mut(&key) else {
            return;
        };
        match cmd.phase {
            Phase::Running => {
                if cmd.req.spec.interval_ms > 0 {
                    cmd.cancel_requested = true;
                    tracing::info!(rsc = %cmd.req.spec.rsc.id, action = %cmd.req.spec.action,
                        "terminating in-flight operation early because it was cancelled");
                    self.output.push(Command::Signal {
                        call_id: key,
                        signal: KillSignal::Kill,
                    });
                }
            }
            Phase::Queued | Phase::Waiting => {
                cmd.cancel_requested = true;
                let rsc_id = cmd.req.spec.rsc.id.clone();
                for kind in [TimerKind::StartDelay, TimerKind::Recur] {
                    self.output.push(Command::CancelTimer {
                        id: TimerId { call_id: key, kind },
                    });
                }
                if let Some(r) = self.rscs.get_mut(&rsc_id) {
                    r.pending.retain(|c| *c != key);
                }
                cmd.t_run = None;
                self.finish(
                    now,
                    key,
                    ocf::OK,
                    ExecStatus::Cancelled,
                    None,
                    String::new(),
                    String::new(),
                    0,
                );
            }
        }
    }

    /// Cancels an operation of a resource by action and interval.
    pub fn cancel(
        &mut self,
        now: Now,
        rsc_id: &str,
        action: &str,
        interval_ms: u32,
    ) -> Result<(), EngineError> {
        let rsc = self
            .rscs
            .get(rsc_id)
            .ok_or_else(|| EngineError::NoSuchResource(rsc_id.to_string()))?;
        let matches = |c: &CallId| {
            self.cmds.get(c).is_some_and(|cmd| {
                cmd.req.spec.interval_ms == interval_ms
                    && cmd.req.spec.action.eq_ignore_ascii_case(action)
                    && !cmd.cancel_requested
            })
        };
        let found = rsc
            .pending
            .iter()
            .copied()
            .find(|c| matches(c))
            .or_else(|| rsc.recurring.iter().copied().find(|c| matches(c)));
        match found {
            Some(key) => {
                self.cancel_cmd(now, key);
                Ok(())
            }
            None => Err(EngineError::NoSuchOperation),
        }
    }

    /// Cancels every recurring operation of a resource (done before a stop).
    fn cancel_all_recurring(&mut self, now: Now, rsc_id: &str) {
        let Some(rsc) = self.rscs.get(rsc_id) else {
            return;
        };
        let keys: Vec<CallId> = rsc
            .recurring
            .iter()
            .chain(rsc.pending.iter())
            .copied()
            .filter(|c| {
                self.cmds
                    .get(c)
                    .is_some_and(|cmd| cmd.req.spec.interval_ms > 0)
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for key in keys {
            self.cancel_cmd(now, key);
        }
    }

    /// The recurring operations of a resource, or of all.
    pub fn recurring(&self, rsc_id: Option<&str>) -> BTreeMap<String, Vec<RecurringOp>> {
        self.rscs
            .iter()
            .filter(|(id, _)| rsc_id.is_none_or(|r| r == id.as_str()))
            .map(|(id, r)| {
                let ops = r
                    .recurring
                    .iter()
                    .chain(r.pending.iter())
                    .filter_map(|c| self.cmds.get(c))
                    .filter(|c| c.req.spec.interval_ms > 0)
                    .map(|c| RecurringOp {
                        action: c.req.spec.action.clone(),
                        interval_ms: c.req.spec.interval_ms,
                        timeout_ms: c.req.spec.timeout_ms,
                    })
                    .collect();
                (id.clone(), ops)
            })
            .collect()
    }

    /// Last results per operation of a resource, or of all.
    pub fn history(&self, rsc_id: Option<&str>) -> Vec<OpResult> {
        self.history
            .iter()
            .filter(|(id, _)| rsc_id.is_none_or(|r| r == id.as_str()))
            .flat_map(|(_, ops)| ops.values().cloned())
            .collect()
    }

    /// Number of operations known (queued, running or recurring).
    pub fn live_operations(&self) -> usize {
        self.cmds.len()
    }
}

fn log_finished(r: &OpResult) {
    let outcome = match r.status {
        ExecStatus::Done => format!("exited with status {}", r.rc),
        ExecStatus::Cancelled => "cancelled".to_string(),
        s => format!("could not be executed: {}", s.description()),
    };
    let reason = r
        .exit_reason
        .as_deref()
        .map(|x| format!(" ({x})"))
        .unwrap_or_default();
    if r.action == "monitor" {
        tracing::debug!(rsc = %r.rsc.id, call_id = r.call_id, pid = r.pid,
            "{} {} (call {}) {}{} (execution time {})", r.rsc.id, r.action, r.call_id, outcome, reason,
            readable_interval(u64::from(r.exec_time_ms)));
    } else {
        tracing::info!(rsc = %r.rsc.id, call_id = r.call_id, pid = r.pid,
            "{} {} (call {}) {}{} (execution time {})", r.rsc.id, r.action, r.call_id, outcome, reason,
            readable_interval(u64::from(r.exec_time_ms)));
    }
}
