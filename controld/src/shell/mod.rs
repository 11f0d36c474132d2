//! `pacemaker-controld`'s tokio shell: one task owns the
//! [`Controller`], feeds it events with the time, and hands each command
//! it returns to the worker that carries it out.
//!
//! ```text
//!   corosync (CPG crmd, quorum) ─┐                      ┌─▶ cluster: CPG multicast (in order)
//!   based (patchset stream) ─────┤                      ├─▶ cib: queries, changes, options (in order)
//!   execd (result stream) ───────┼─▶ Input ─▶ main ─────┼─▶ scheduler: CIB + schedulerd Compute
//!   timers, signals ─────────────┤    loop  Controller  ├─▶ executor: exec, cancel, meta-data (in order)
//!   controld.sock API ───────────┘                      ├─▶ attrd: attribute updates (in order)
//!                                                       ├─▶ fencer: fencing requests
//!                                                       └─▶ alerts: execd ExecAlert (one task each)
//! ```
//!
//! Every worker reports back through the same [`Input`] channel, so the
//! core sees one ordered stream of events. The scheduler runs in
//! `pacemaker-schedulerd` (as in Pacemaker), reached over its socket: a
//! scheduler crash or hang costs a retry, never the controller.

mod alerts;
mod api;
mod attrd;
mod cib;
mod cluster;
mod executor;
mod fencer;
mod scheduler;
mod timers;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pcmk_common::exit::CrmExit;
use pcmk_common::paths::Paths;
use tokio::sync::mpsc;
use tracing::Instrument;

use crate::core::controller::{Command, Controller, ControllerConfig, Daemon, Event};
use crate::core::time::Timestamp;

pub use api::{NodeStatus, Snapshot};

/// How the shell runs.
#[derive(Debug, Clone)]
pub struct ShellConfig {
    /// The run and state directories (sockets of the other daemons).
    pub paths: Paths,
    /// corosync's socket.
    pub corosync_socket: PathBuf,
    /// How long to wait for corosync at start-up.
    pub corosync_wait: Duration,
}

impl ShellConfig {
    /// The settings from the process environment.
    pub fn from_process() -> ShellConfig {
        ShellConfig {
            paths: Paths::from_process(),
            corosync_socket: pcmk_proto::corosync::socket_path(),
            corosync_wait: Duration::from_secs(30),
        }
    }
}

/// What the main loop is told by workers, timers and the API.
#[derive(Debug)]
pub(crate) enum Input {
    /// An event for the core.
    Event(Event),
    /// A timer fired (stale generations are ignored).
    Timer(timers::Fired),
    /// A request of the controller's API that needs the core.
    Api(api::ApiRequest),
    /// The quorum state seen by the cluster link (for the scheduler's
    /// input and the API).
    Quorate(bool),
    /// A worker cannot go on; exit with this code.
    Fatal(CrmExit, String),
}

/// The sending half of the main loop's channel.
pub(crate) type InputTx = mpsc::UnboundedSender<Input>;

/// Sends an event to the main loop (a closed loop means we are exiting).
pub(crate) fn send_event(tx: &InputTx, event: Event) {
    let _ = tx.send(Input::Event(event));
}

/// A UUID for this controller's transition engine, from the kernel's
/// generator when there is one.
fn new_uuid() -> String {
    if let Ok(s) = std::fs::read_to_string("/proc/sys/kernel/random/uuid") {
        let s = s.trim();
        if s.len() == 36 {
            return s.to_string();
        }
    }
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let pid = u128::from(std::process::id());
    let x = nanos ^ (pid << 64) ^ 0x5bd1_e995_0000_0000_9e37_79b9_7f4a_7c15;
    let h = format!("{x:032x}");
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

fn epoch_now() -> i64 {
    epoch_now_us().0
}

/// Wall-clock time now: seconds since the epoch and microseconds.
fn epoch_now_us() -> (i64, u32) {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or((0, 0), |d| {
            (
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                d.subsec_micros(),
            )
        })
}

/// The per-transition span: one per transition id, entered while its
/// graph runs.
struct TransitionSpan {
    id: i32,
    span: tracing::Span,
}

struct Shell {
    ctl: Controller,
    started: Instant,
    tx: InputTx,
    timers: timers::Timers,
    cluster: cluster::ClusterLink,
    cib: cib::CibLink,
    executor: executor::ExecutorLink,
    scheduler: scheduler::SchedulerLink,
    attrd: attrd::AttrdLink,
    fencer: fencer::FencerLink,
    alerts: alerts::AlertLink,
    snapshot: Arc<RwLock<Snapshot>>,
    quorate: bool,
    transition: Option<TransitionSpan>,
    exit: Option<CrmExit>,
}

impl Shell {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(
            u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
        )
    }

    /// The span of the running transition, if any (created on its first
    /// sight, so every line about it carries its id).
    fn transition_span(&mut self) -> Option<tracing::Span> {
        let graph = self.ctl.transition_engine().graph()?;
        if graph.complete {
            return None;
        }
        let id = graph.id;
        if self.transition.as_ref().is_none_or(|t| t.id != id) {
            let span = tracing::info_span!("transition", id, source = %graph.source);
            self.transition = Some(TransitionSpan { id, span });
        }
        self.transition.as_ref().map(|t| t.span.clone())
    }

    /// Hands one event to the core and carries out what it asks.
    fn feed(&mut self, event: Event) {
        let now = self.now();
        let before = self.transition_span();
        match &before {
            Some(span) => span.in_scope(|| self.ctl.handle(now, event)),
            None => self.ctl.handle(now, event),
        }
        // A transition the event started gets its span from now on.
        let after = self.transition_span().or(before);
        let commands = self.ctl.take_commands();
        match after {
            Some(span) => span.in_scope(|| self.carry_out(commands)),
            None => self.carry_out(commands),
        }
        self.publish();
    }

    fn carry_out(&mut self, commands: Vec<Command>) {
        for c in commands {
            self.command(c);
        }
    }

    fn command(&mut self, c: Command) {
        match c {
            Command::Send { to, message } => self.cluster.send(self.ctl.node_name(), to, message),
            Command::StartTimer { timer, after } => self.timers.start(timer, after, &self.tx),
            Command::StopTimer { timer } => self.timers.stop(timer),
            Command::Connect(d) => match d {
                Daemon::Cluster => self.cluster.connect(),
                Daemon::Cib => self.cib.connect(),
                Daemon::Executor => self.executor.connect(),
                // The scheduler is reached on demand.
                Daemon::Scheduler => send_event(&self.tx, Event::Connected(Daemon::Scheduler)),
            },
            Command::Disconnect(d) => match d {
                Daemon::Cluster => self.cluster.disconnect(),
                Daemon::Cib => self.cib.disconnect(),
                Daemon::Executor => self.executor.disconnect(),
                Daemon::Scheduler => {}
            },
            Command::ReadConfig => self.cib.read_config(),
            Command::Cib { call_id, op } => self.cib.perform(call_id, op),
            Command::InvokeScheduler { reference } => {
                self.cib
                    .scheduler_input(reference, self.quorate, self.scheduler.sender())
            }
            Command::Exec(req) => self.executor.exec(req, epoch_now()),
            Command::Fence {
                action_id,
                target,
                op,
                timeout,
            } => self.fencer.fence(action_id, target, op, timeout),
            Command::UpdateAttribute { node, name, value } => self.attrd.update(node, name, value),
            Command::Alert(run) => self.alerts.send(run),
            Command::Exit(code) => {
                tracing::info!(code = code.code(), "Exiting ({})", code.name());
                if self.exit.is_none() {
                    self.exit = Some(code);
                }
            }
        }
    }

    fn publish(&self) {
        let snap = api::snapshot(&self.ctl, self.quorate);
        if let Ok(mut s) = self.snapshot.write() {
            *s = snap;
        }
    }

    fn input(&mut self, input: Input) {
        match input {
            Input::Event(e) => self.feed(e),
            Input::Timer(fired) => {
                if let Some(timer) = self.timers.fired(fired) {
                    self.feed(Event::Timer(timer));
                }
            }
            Input::Api(req) => api::handle(self, req),
            Input::Quorate(q) => {
                self.quorate = q;
                self.feed(Event::Quorum { quorate: q });
            }
            Input::Fatal(code, why) => {
                tracing::error!("{why}");
                self.exit = Some(code);
            }
        }
    }
}

/// Runs the controller until it exits; returns its exit code
/// (100, [`CrmExit::Fatal`], tells pacemakerd not to respawn it).
pub async fn run(cfg: ShellConfig) -> CrmExit {
    let span = tracing::info_span!("pacemaker-controld", node = tracing::field::Empty);
    run_in(cfg, span.clone()).instrument(span).await
}

async fn run_in(cfg: ShellConfig, span: tracing::Span) -> CrmExit {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let identity = match cluster::identify(&cfg.corosync_socket, cfg.corosync_wait).await {
        Ok(id) => id,
        Err(e) => {
            tracing::error!("Could not connect to the cluster layer: {e}");
            return CrmExit::Error;
        }
    };
    span.record("node", identity.local.name.as_str());
    pcmk_common::daemon::logging::set_node(&identity.local.name);
    tracing::info!(
        id = identity.local.id,
        configured = identity.nodes.len(),
        "Starting controller on node {} (id {})",
        identity.local.name,
        identity.local.id
    );
    let mut ccfg =
        ControllerConfig::new(identity.local.name.clone(), identity.local.id, new_uuid());
    (ccfg.epoch_base, ccfg.epoch_base_us) = epoch_now_us();
    ccfg.expected_nodes = (!identity.nodes.is_empty()).then_some(identity.nodes.len());
    let snapshot = Arc::new(RwLock::new(Snapshot::default()));
    let api_server = match api::serve(&cfg.paths, snapshot.clone(), tx.clone()) {
        Ok(h) => h,
        Err(e) => {
            tracing::error!("Could not serve the controller API: {e}");
            return CrmExit::Error;
        }
    };
    let local_id = identity.local.id;
    let mut shell = Shell {
        ctl: Controller::new(ccfg),
        started: Instant::now(),
        timers: timers::Timers::default(),
        cluster: cluster::ClusterLink::new(identity, tx.clone()),
        cib: cib::CibLink::new(&cfg.paths, local_id, tx.clone()),
        executor: executor::ExecutorLink::new(&cfg.paths, tx.clone()),
        scheduler: scheduler::SchedulerLink::new(&cfg.paths, tx.clone()),
        attrd: attrd::AttrdLink::new(&cfg.paths),
        fencer: fencer::FencerLink::new(&cfg.paths, tx.clone()),
        alerts: alerts::AlertLink::new(&cfg.paths),
        tx,
        snapshot,
        quorate: false,
        transition: None,
        exit: None,
    };
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    shell.feed(Event::Start);
    while shell.exit.is_none() {
        tokio::select! {
            input = rx.recv() => match input {
                Some(i) => shell.input(i),
                None => break,
            },
            Some(()) = async { match term.as_mut() { Some(t) => t.recv().await, None => std::future::pending().await } } => {
                tracing::info!("Shutting down on SIGTERM");
                shell.feed(Event::Shutdown);
            }
            Some(()) = async { match int.as_mut() { Some(t) => t.recv().await, None => std::future::pending().await } } => {
                tracing::info!("Shutting down on SIGINT");
                shell.feed(Event::Shutdown);
            }
        }
    }
    api_server.abort();
    let _ = std::fs::remove_file(cfg.paths.socket("controld"));
    shell.cluster.leave().await;
    shell.exit.unwrap_or(CrmExit::Error)
}
