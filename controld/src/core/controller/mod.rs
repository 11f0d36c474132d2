//! The controller core: Pacemaker's controller (`daemons/controld`) as one
//! sans-IO state machine.
//!
//! ```text
//!           Event (membership, CPG message, CIB reply, timer, op result, ...)
//!             |
//!             v
//!   +--------------------+   inputs   +---------+   actions in priority order
//!   | event translation  |----------->|   FSA   |---------------------------+
//!   +--------------------+   (queue)  +---------+                           |
//!                                        ^   state-entry hook               v
//!                                        |             election, join (DC and node),
//!                                        +-------------transition engine, history
//!                                                                            |
//!                                                Command (CPG send, CIB op,  |
//!                                                timer, exec, fence, exit) <-+
//! ```
//!
//! The shell calls [`Controller::handle`] with the current time and one
//! event, then drains [`Controller::take_commands`]. Log lines that CTS
//! greps (`State transition S_A -> S_B`) come from [`super::log_contract`].

mod actions;
mod command;
mod dispatch;
mod election;
mod event;
mod join_client;
mod join_dc;
mod lrm;
mod membership;
mod options;
mod register;
mod transition;

use std::collections::{BTreeMap, VecDeque};

use pcmk_common::xml::Element;

pub use command::{CibOp, Command, Daemon, ExecRequest, TimerId};
pub use event::Event;
pub use options::ControllerOptions;
pub use register::Register;

/// The client name the controller gives the fencer, by which it recognises
/// its own fencing operations in the fencer's notifications.
pub const FENCE_CLIENT: &str = "pacemaker-controld";

use super::alerts::{AlertEvent, AlertList, WallTime};
use super::election::Election;
use super::fsa::{Actions, Cause, Input, State, next_step, transition};
use super::history::HistoryCache;
use super::log_contract;
use super::message::Envelope;
use super::peers::{JoinPhase, Peers};
use super::te::{TeConfig, TransitionEngine};
use super::time::Timestamp;

/// Fixed settings of one controller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControllerConfig {
    /// This node's name.
    pub node_name: String,
    /// This node's cluster id.
    pub node_id: u32,
    /// Wall-clock time (seconds since the epoch) at `Timestamp::ZERO`.
    pub epoch_base: i64,
    /// Microseconds past `epoch_base` at `Timestamp::ZERO` (alert
    /// timestamps show fractions of a second).
    pub epoch_base_us: u32,
    /// The id of this controller's transition engine (a UUID the shell
    /// generates; the core has no randomness).
    pub te_uuid: String,
    /// Number of nodes configured; when that many controllers are up and
    /// no DC answers within `quick_formation`, the DC timer is cut short.
    pub expected_nodes: Option<usize>,
    /// The short DC timer used once every expected node is present.
    pub quick_formation: std::time::Duration,
}

impl ControllerConfig {
    /// Settings for node `name` with id `id`.
    pub fn new(name: impl Into<String>, id: u32, te_uuid: impl Into<String>) -> ControllerConfig {
        ControllerConfig {
            node_name: name.into(),
            node_id: id,
            epoch_base: 0,
            epoch_base_us: 0,
            te_uuid: te_uuid.into(),
            expected_nodes: None,
            quick_formation: std::time::Duration::from_millis(500),
        }
    }
}

/// Data attached to an FSA input.
#[derive(Debug, Clone)]
pub(crate) enum FsaData {
    None,
    Message(Envelope),
    Graph {
        reference: u64,
        graph: Element,
        source: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct FsaItem {
    input: Input,
    cause: Cause,
    data: FsaData,
    actions: Actions,
    origin: &'static str,
}

/// What a pending CIB call will do with its reply.
#[derive(Debug, Clone)]
enum CibCallback {
    JoinQuery { join_id: i32 },
    FinalizeSync { from: String },
    JoinAckCommit { node: String },
}

/// The controller of one node.
#[derive(Debug)]
pub struct Controller {
    cfg: ControllerConfig,
    opts: ControllerOptions,
    now: Timestamp,
    started: Timestamp,
    state: State,
    register: Register,
    actions: Actions,
    queue: VecDeque<FsaItem>,
    stalled: bool,
    dc_name: Option<String>,
    dc_version: Option<String>,
    peers: Peers,
    election: Election,
    join: join_dc::JoinDc,
    client: join_client::JoinClient,
    te: TransitionEngine,
    pe_ref: Option<u64>,
    next_ref: u64,
    next_call: u64,
    cib_calls: BTreeMap<u64, CibCallback>,
    history: HistoryCache,
    quorate: bool,
    transition_timer: bool,
    transitions: u64,
    /// Failed fencing attempts per target since its last success
    /// (`fencing-max-attempts` stops the retries).
    fence_failures: BTreeMap<String, u32>,
    /// The configured alerts.
    alerts: AlertList,
    out: Vec<Command>,
}

impl Controller {
    /// A controller in `S_STARTING`, waiting for [`Event::Start`].
    pub fn new(cfg: ControllerConfig) -> Controller {
        let te = TransitionEngine::new(TeConfig {
            local_node: cfg.node_name.clone(),
            te_uuid: cfg.te_uuid.clone(),
            node_job_limit: 0,
        });
        Controller {
            cfg,
            opts: ControllerOptions::default(),
            now: Timestamp::ZERO,
            started: Timestamp::ZERO,
            state: State::Starting,
            register: Register::default(),
            actions: Actions::NOTHING,
            queue: VecDeque::new(),
            stalled: false,
            dc_name: None,
            dc_version: None,
            peers: Peers::new(),
            election: Election::new(),
            join: join_dc::JoinDc::default(),
            client: join_client::JoinClient::default(),
            te,
            pe_ref: None,
            next_ref: 0,
            next_call: 0,
            cib_calls: BTreeMap::new(),
            history: HistoryCache::new(),
            quorate: false,
            transition_timer: false,
            transitions: 0,
            fence_failures: BTreeMap::new(),
            alerts: AlertList::default(),
            out: Vec::new(),
        }
    }

    /// The FSA state (`crmadmin -S` shows it).
    pub fn state(&self) -> State {
        self.state
    }

    /// The DC this node knows of, if any.
    pub fn dc(&self) -> Option<&str> {
        self.dc_name.as_deref()
    }

    /// Whether this node is the DC.
    pub fn is_dc(&self) -> bool {
        self.register.contains(Register::THE_DC)
    }

    /// The peer cache (membership, join phases).
    pub fn peers(&self) -> &Peers {
        &self.peers
    }

    /// The current join round (DC only meaningful).
    pub fn join_id(&self) -> i32 {
        self.join.id
    }

    /// The operation history of the local node.
    pub fn history(&self) -> &HistoryCache {
        &self.history
    }

    /// The transition engine.
    pub fn transition_engine(&self) -> &TransitionEngine {
        &self.te
    }

    /// The input register.
    pub fn register(&self) -> Register {
        self.register
    }

    /// This node's name.
    pub fn node_name(&self) -> &str {
        &self.cfg.node_name
    }

    /// Commands produced since the last call.
    pub fn take_commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.out)
    }

    /// Handles one event at time `now`.
    pub fn handle(&mut self, now: Timestamp, event: Event) {
        self.now = now;
        // Every invocation of the FSA clears a stall (`s_crmd_fsa()`).
        self.stalled = false;
        self.dispatch(event);
        self.pump();
    }

    /// Wall-clock seconds now.
    fn epoch(&self) -> i64 {
        self.cfg.epoch_base + i64::try_from(self.now.as_millis() / 1000).unwrap_or(0)
    }

    /// Wall-clock time now, to the microsecond.
    fn wall_time(&self) -> WallTime {
        WallTime {
            secs: self.cfg.epoch_base,
            usec: self.cfg.epoch_base_us,
        }
        .plus_millis(self.now.as_millis())
    }

    /// Sends `event` to every alert that selects it
    /// (`crmd_alert_*()` in controld_alerts.c).
    fn alert(&mut self, event: &AlertEvent) {
        if self.alerts.is_empty() {
            return;
        }
        let kind = event.kind().as_str();
        for run in self.alerts.runs(event, self.wall_time()) {
            tracing::info!(
                alert = %run.id,
                "Sending {kind} alert via {} to {}",
                run.id,
                run.recipient.as_deref().unwrap_or("(null)")
            );
            self.emit(Command::Alert(run));
        }
    }

    fn emit(&mut self, c: Command) {
        self.out.push(c);
    }

    fn send(&mut self, to: Option<&str>, message: super::message::CrmdMessage) {
        self.emit(Command::Send {
            to: to.map(str::to_string),
            message,
        });
    }

    fn cib(&mut self, op: CibOp, callback: Option<CibCallback>) -> Option<u64> {
        let call_id = callback.map(|cb| {
            self.next_call += 1;
            self.cib_calls.insert(self.next_call, cb);
            self.next_call
        });
        self.emit(Command::Cib { call_id, op });
        call_id
    }

    /// Queues an input at the back (`controld_fsa_append()`).
    fn append(&mut self, cause: Cause, input: Input, data: FsaData, origin: &'static str) {
        self.register_input(cause, input, data, Actions::NOTHING, false, origin);
    }

    /// Queues an input at the front (`controld_fsa_prepend()`).
    fn prepend(&mut self, cause: Cause, input: Input, origin: &'static str) {
        self.register_input(cause, input, FsaData::None, Actions::NOTHING, true, origin);
    }

    fn register_input(
        &mut self,
        cause: Cause,
        input: Input,
        data: FsaData,
        actions: Actions,
        front: bool,
        origin: &'static str,
    ) {
        if input == Input::Null && actions.is_empty() {
            return;
        }
        if input == Input::PeCalc && self.queue.back().is_some_and(|i| i.input == Input::PeCalc) {
            return;
        }
        let item = FsaItem {
            input,
            cause,
            data,
            actions,
            origin,
        };
        if front {
            self.queue.push_front(item);
        } else {
            self.queue.push_back(item);
        }
    }

    /// Stops processing until the next event, keeping `action` pending
    /// (`controld_fsa_stall()`).
    fn stall(&mut self, item: &FsaItem, action: Actions) {
        self.queue.push_front(FsaItem {
            input: Input::WaitForEvent,
            cause: item.cause,
            data: item.data.clone(),
            actions: action,
            origin: item.origin,
        });
        self.stalled = true;
    }

    /// Raises an error: pending actions are dropped and `input` goes first
    /// (`register_fsa_error()`).
    fn fsa_error(&mut self, input: Input, origin: &'static str) {
        self.actions = Actions::NOTHING;
        self.prepend(Cause::Internal, input, origin);
    }

    /// Runs the FSA and the transition engine until nothing moves. The
    /// engine runs even while the FSA is stalled (upstream drives it from
    /// its own main-loop trigger); when it moves, the FSA runs again, as a
    /// new invocation of the FSA clears the stall.
    fn pump(&mut self) {
        for _ in 0..10_000 {
            self.run_fsa();
            let te_moved = self.te_trigger();
            if te_moved {
                self.stalled = false;
                continue;
            }
            if self.stalled || self.queue.is_empty() {
                return;
            }
        }
        tracing::error!("Controller did not settle after 10000 rounds");
    }

    /// `s_crmd_fsa()`: processes queued inputs.
    fn run_fsa(&mut self) {
        if self.queue.is_empty() && !self.actions.is_empty() {
            self.queue.push_back(FsaItem {
                input: Input::Null,
                cause: Cause::Internal,
                data: FsaData::None,
                actions: Actions::NOTHING,
                origin: "s_crmd_fsa",
            });
        }
        while !self.stalled {
            let Some(item) = self.queue.pop_front() else {
                break;
            };
            self.actions.insert(item.actions);
            let (next, new) = transition(self.state, item.input);
            self.actions.insert(new);
            for level in [Actions::ERROR, Actions::WARN, Actions::LOG] {
                if self.actions.contains(level) {
                    self.actions.remove(level);
                    self.log_input(level, &item);
                }
            }
            let last = self.state;
            self.state = next;
            if self.state == State::Stopping || self.register.contains(Register::SHUTDOWN) {
                self.actions.remove(Actions::STARTUP_ACTIONS);
            }
            if last != next {
                self.state_transition(last, next, &item);
            }
            self.run_actions(&item);
        }
    }

    fn log_input(&self, level: Actions, item: &FsaItem) {
        let line = format!(
            "Input {} received in state {} from {}",
            item.input, self.state, item.origin
        );
        let node = self.cfg.node_name.as_str();
        if level == Actions::ERROR {
            tracing::error!(daemon = "controld", node, "{line}");
        } else if level == Actions::WARN {
            tracing::warn!(daemon = "controld", node, "{line}");
        } else {
            tracing::info!(daemon = "controld", node, "{line}");
        }
    }

    /// `s_crmd_fsa_actions()`: runs pending actions one by one, in priority
    /// order.
    fn run_actions(&mut self, item: &FsaItem) {
        while !self.actions.is_empty() && !self.stalled {
            let Some(step) = next_step(self.actions) else {
                tracing::error!("Action {} not supported", self.actions);
                self.actions = Actions::NOTHING;
                self.fsa_error(Input::Error, "s_crmd_fsa_actions");
                return;
            };
            self.actions.remove(step);
            self.do_action(step, item);
        }
    }

    /// The state-entry hook (`do_state_transition()`).
    fn state_transition(&mut self, from: State, to: State, item: &FsaItem) {
        let line = log_contract::state_transition(from, to);
        let node = self.cfg.node_name.as_str();
        tracing::info!(
            daemon = "controld",
            node,
            input = %item.input,
            cause = %item.cause,
            origin = item.origin,
            "{line}"
        );
        if to != State::Election && from != State::ReleaseDc {
            self.emit(Command::StopTimer {
                timer: TimerId::Election,
            });
        }
        self.actions.insert(if to == State::Integration {
            Actions::INTEGRATE_TIMER_START
        } else {
            Actions::INTEGRATE_TIMER_STOP
        });
        self.actions.insert(if to == State::FinalizeJoin {
            Actions::FINALIZE_TIMER_START
        } else {
            Actions::FINALIZE_TIMER_STOP
        });
        if to != State::Pending {
            self.actions.insert(Actions::DC_TIMER_STOP);
        } else if from == State::ReleaseDc {
            // Deviation: a DC that lost an election waits for the winner's
            // offer with the DC timer running. Upstream arms no timer here
            // and, the winner forgotten, waits forever if it vanishes.
            self.actions.insert(Actions::DC_TIMER_START);
        }
        if to != State::Idle {
            self.emit(Command::StopTimer {
                timer: TimerId::Recheck,
            });
        }
        if from == State::FinalizeJoin && to == State::PolicyEngine {
            self.populate_node_states();
        }
        let mut clear_recovery = true;
        match to {
            State::Pending | State::Election => {
                self.update_dc(None);
            }
            State::NotDc => {
                if self.register.contains(Register::SHUTDOWN) {
                    tracing::info!("(Re)Issuing shutdown request now that we have a new DC");
                    self.actions.insert(Actions::SHUTDOWN_REQ);
                }
                if self.dc_name.is_none() {
                    tracing::error!("Reached S_NOT_DC without a DC being recorded");
                }
            }
            State::Recovery => clear_recovery = false,
            State::FinalizeJoin => {
                let welcomed = self.peers.count_phase(JoinPhase::Welcomed);
                if welcomed > 0 {
                    tracing::warn!("{welcomed} cluster nodes failed to respond to join offer");
                }
            }
            State::PolicyEngine => self.check_join_counts(),
            State::Stopping | State::Terminate => self.register.insert(Register::SHUTDOWN),
            State::Idle => {
                if self.register.contains(Register::SHUTDOWN) {
                    tracing::info!("(Re)Issuing shutdown request now that we are the DC");
                    self.actions.insert(Actions::SHUTDOWN_REQ);
                }
                if !self.opts.cluster_recheck_interval.is_zero() {
                    self.emit(Command::StartTimer {
                        timer: TimerId::Recheck,
                        after: self.opts.cluster_recheck_interval,
                    });
                }
            }
            _ => {}
        }
        if clear_recovery && to != State::Pending {
            self.actions.remove(Actions::RECOVER);
        } else if !clear_recovery {
            self.actions.insert(Actions::RECOVER);
        }
    }

    /// Records the DC (`update_dc()`): `None` forgets it; a message from a
    /// would-be DC is accepted only if it does not contradict what we know.
    /// Returns false (and looks for the DC again) when it does.
    fn update_dc(&mut self, from: Option<(&str, &str)>) -> bool {
        let last = self.dc_name.clone();
        if let Some((welcome_from, version)) = from {
            let local = welcome_from.eq_ignore_ascii_case(&self.cfg.node_name);
            let invalid = (self.is_dc() && !local)
                || self
                    .dc_name
                    .as_deref()
                    .is_some_and(|dc| !dc.eq_ignore_ascii_case(welcome_from));
            if invalid {
                if self.is_dc() {
                    tracing::error!(
                        "Not updating DC to {welcome_from} ({version}): we are also a DC"
                    );
                } else {
                    tracing::warn!(
                        "New DC {welcome_from} is not {}",
                        self.dc_name.as_deref().unwrap_or("(none)")
                    );
                }
                self.actions
                    .insert(Actions::CL_JOIN_QUERY | Actions::DC_TIMER_START);
                return false;
            }
            self.dc_name = Some(welcome_from.to_string());
            self.dc_version = Some(version.to_string());
        } else {
            self.dc_name = None;
        }
        match (&last, &self.dc_name) {
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => {}
            (_, Some(dc)) => {
                tracing::info!(
                    "Set DC to {dc} ({})",
                    self.dc_version.as_deref().unwrap_or("unknown version")
                );
                let dc = dc.clone();
                if let Some(p) = self.peers.get_mut(&dc) {
                    p.expected = Some(super::peers::Expected::Member);
                }
            }
            (Some(old), None) => tracing::info!("Unset DC (was {old})"),
            (None, None) => {}
        }
        true
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
