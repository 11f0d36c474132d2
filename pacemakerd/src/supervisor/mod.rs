//! pacemakerd's supervision logic, sans-IO (after `pcmkd_subdaemons.c`).
//!
//! Primer: pacemakerd starts the subdaemons in order, watches them (a
//! process exit, or an IPC endpoint that stops answering), and respawns a
//! subdaemon that exits, up to [`MAX_RESPAWN`] times. A subdaemon that
//! exits with 100 (`CRM_EX_FATAL`) must not be respawned: the whole node
//! shuts down and leaves the cluster (corosync is stopped too). A
//! subdaemon that needs the cluster layer is not respawned while the
//! cluster is down, and is started again when it returns. On shutdown
//! (SIGTERM, or a request), the subdaemons stop one at a time in reverse
//! order; those before the controller are forced after 3 minutes.
//! A subdaemon that exhausts its respawns is left down, as in Pacemaker.
//!
//! Deviation: a subdaemon whose executable is not installed
//! ([`SupervisorConfig::absent`]) is not started and the others run
//! without it, where Pacemaker's exec failure is fatal (this lets a node
//! run while parts of pacemaker-rs are still being written).

mod children;

use std::time::Duration;

use pcmk_common::exit::CrmExit;

pub use children::{CHILDREN, CONTROLD, ChildSpec, MAX_RESPAWN, PcmkdState};

/// How often one subdaemon's IPC endpoint is checked (each in turn).
pub const CHECK_INTERVAL: Duration = Duration::from_secs(1);
/// Failed checks of a live process before it is killed.
pub const CHECK_RETRIES: u32 = 5;
/// How long a stopping subdaemon may take before it is forced.
pub const SHUTDOWN_ESCALATION: Duration = Duration::from_secs(180);

/// How a subdaemon ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// It exited with this code.
    Code(i32),
    /// It was killed by this signal.
    Signal {
        /// The signal number.
        signal: i32,
        /// It dumped core.
        core: bool,
    },
}

/// What an IPC liveness check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// The endpoint answers.
    Ok,
    /// The process lives but its endpoint does not answer.
    PidOnly,
    /// Neither process nor endpoint.
    Gone,
}

/// Signals pacemakerd sends subdaemons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Ask to stop.
    Term,
    /// Kill at once.
    Kill,
    /// Kill with a core dump (shutdown escalation).
    Segv,
}

/// pacemakerd's timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimerId {
    /// The periodic liveness check.
    Check,
    /// Shutdown escalation of subdaemon `n`.
    Escalate(usize),
}

/// An event for the supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Start every subdaemon; says whether the cluster layer is up.
    Start {
        /// The cluster layer (corosync) is connected.
        cluster_connected: bool,
    },
    /// Subdaemon `child` was forked with process id `pid`.
    Spawned {
        /// Index in [`CHILDREN`].
        child: usize,
        /// Its process id.
        pid: u32,
    },
    /// Subdaemon `child` could not be started.
    SpawnFailed {
        /// Index in [`CHILDREN`].
        child: usize,
        /// Why.
        reason: String,
    },
    /// A subdaemon's process ended.
    Exited {
        /// Index in [`CHILDREN`].
        child: usize,
        /// The process id that ended.
        pid: u32,
        /// How.
        status: ExitStatus,
    },
    /// The result of [`Command::CheckLiveness`].
    Liveness {
        /// Index in [`CHILDREN`].
        child: usize,
        /// What was found.
        result: Liveness,
    },
    /// A timer fired.
    Timer(TimerId),
    /// The cluster layer connection came back or went away.
    Cluster {
        /// Whether it is connected now.
        connected: bool,
    },
    /// Shut everything down (SIGTERM, SIGINT or `pacemakerd --shutdown`).
    Shutdown,
}

/// A command from the supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Fork and exec subdaemon `child` (as root or as `hacluster`).
    Spawn {
        /// Index in [`CHILDREN`].
        child: usize,
    },
    /// Send a signal to a subdaemon's process.
    Signal {
        /// Index in [`CHILDREN`].
        child: usize,
        /// Its process id.
        pid: u32,
        /// The signal.
        signal: Signal,
    },
    /// Check whether a subdaemon's IPC endpoint answers.
    CheckLiveness {
        /// Index in [`CHILDREN`].
        child: usize,
        /// Its process id, if one is known.
        pid: Option<u32>,
    },
    /// Arm a timer.
    StartTimer {
        /// Which timer.
        timer: TimerId,
        /// Delay before it fires.
        after: Duration,
    },
    /// Stop the cluster layer so the node leaves the cluster.
    StopCorosync,
    /// Reboot the node at once (a subdaemon asked for a panic, or
    /// `PCMK_fail_fast` is set).
    Panic {
        /// Why.
        reason: String,
    },
    /// Exit pacemakerd with this code.
    Exit(CrmExit),
}

/// One subdaemon's run-time state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// What it is.
    pub spec: ChildSpec,
    /// Its process id, while running.
    pub pid: Option<u32>,
    /// It will be respawned when it exits.
    pub respawn: bool,
    /// Waiting for the cluster layer to be respawned.
    pub needs_retry: bool,
    /// It is being stopped.
    pub shutting_down: bool,
    /// How often it was respawned.
    pub respawn_count: u32,
    /// Consecutive failed liveness checks.
    pub check_count: u32,
    /// It is installed (see [`SupervisorConfig::absent`]).
    pub present: bool,
}

/// Settings of the supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisorConfig {
    /// Most respawns per subdaemon.
    pub max_respawn: u32,
    /// Panic instead of respawning (`PCMK_fail_fast`).
    pub fail_fast: bool,
    /// Subdaemons (by executable name) that are not installed: they are
    /// never started nor checked, and the others run without them.
    pub absent: Vec<String>,
}

impl Default for SupervisorConfig {
    fn default() -> Self {
        SupervisorConfig {
            max_respawn: MAX_RESPAWN,
            fail_fast: false,
            absent: Vec::new(),
        }
    }
}

/// The supervisor of the subdaemons.
#[derive(Debug)]
pub struct Supervisor {
    cfg: SupervisorConfig,
    state: PcmkdState,
    children: Vec<Child>,
    cluster_connected: bool,
    shutting_down: bool,
    fatal: bool,
    next_check: usize,
    out: Vec<Command>,
}

impl Supervisor {
    /// A supervisor with nothing started.
    pub fn new(cfg: SupervisorConfig) -> Supervisor {
        Supervisor {
            state: PcmkdState::Init,
            children: CHILDREN
                .iter()
                .map(|spec| {
                    let present = !cfg.absent.iter().any(|a| a == spec.name);
                    Child {
                        spec: *spec,
                        pid: None,
                        respawn: spec.respawn && present,
                        needs_retry: false,
                        shutting_down: false,
                        respawn_count: 0,
                        check_count: 0,
                        present,
                    }
                })
                .collect(),
            cfg,
            cluster_connected: false,
            shutting_down: false,
            fatal: false,
            next_check: 0,
            out: Vec::new(),
        }
    }

    /// pacemakerd's state.
    pub fn state(&self) -> PcmkdState {
        self.state
    }

    /// Every subdaemon's state, in [`CHILDREN`] order.
    pub fn children(&self) -> &[Child] {
        &self.children
    }

    /// Whether a fatal failure is shutting the node down.
    pub fn fatal(&self) -> bool {
        self.fatal
    }

    /// Commands produced since the last call.
    pub fn take_commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.out)
    }

    /// Handles one event.
    pub fn handle(&mut self, event: Event) {
        match event {
            Event::Start { cluster_connected } => {
                self.cluster_connected = cluster_connected;
                self.state = PcmkdState::StartingDaemons;
                for i in 0..self.children.len() {
                    if self.children[i].present {
                        self.start_child(i);
                    } else {
                        tracing::warn!(
                            "Subdaemon {} is not installed; running without it",
                            self.children[i].spec.name
                        );
                    }
                }
                self.state = PcmkdState::Running;
                self.out.push(Command::StartTimer {
                    timer: TimerId::Check,
                    after: CHECK_INTERVAL,
                });
            }
            Event::Spawned { child, pid } => {
                if let Some(c) = self.children.get_mut(child) {
                    c.pid = Some(pid);
                    tracing::info!("Forked process {pid} for subdaemon {}", c.spec.name);
                }
            }
            Event::SpawnFailed { child, reason } => {
                if let Some(c) = self.children.get(child) {
                    tracing::error!("Could not start subdaemon {}: {reason}", c.spec.name);
                }
                self.process_exit(child);
            }
            Event::Exited { child, pid, status } => self.child_exit(child, pid, status),
            Event::Liveness { child, result } => self.liveness(child, result),
            Event::Timer(TimerId::Check) => {
                if self.state != PcmkdState::ShutdownComplete {
                    let n = self.children.len();
                    let next = (0..n)
                        .map(|k| (self.next_check + k) % n)
                        .find(|&i| self.children[i].present);
                    if let Some(child) = next {
                        self.next_check = (child + 1) % n;
                        let pid = self.children[child].pid;
                        self.out.push(Command::CheckLiveness { child, pid });
                    }
                    self.out.push(Command::StartTimer {
                        timer: TimerId::Check,
                        after: CHECK_INTERVAL,
                    });
                }
            }
            Event::Timer(TimerId::Escalate(child)) => {
                if let Some(pid) = self.children.get(child).and_then(|c| c.pid) {
                    tracing::error!(
                        "Subdaemon {} not terminating in a timely manner, forcing",
                        self.children[child].spec.name
                    );
                    self.out.push(Command::Signal {
                        child,
                        pid,
                        signal: Signal::Segv,
                    });
                }
            }
            Event::Cluster { connected } => {
                self.cluster_connected = connected;
                if connected && !self.shutting_down {
                    for i in 0..self.children.len() {
                        if self.children[i].needs_retry && self.children[i].present {
                            tracing::info!(
                                "Restarting subdaemon {} now that the cluster is back",
                                self.children[i].spec.name
                            );
                            self.start_child(i);
                        }
                    }
                }
            }
            Event::Shutdown => self.shutdown(),
        }
    }

    fn start_child(&mut self, i: usize) {
        let c = &mut self.children[i];
        c.shutting_down = false;
        c.needs_retry = false;
        c.check_count = 0;
        self.out.push(Command::Spawn { child: i });
    }

    /// `pcmk_child_exit()`.
    fn child_exit(&mut self, i: usize, pid: u32, status: ExitStatus) {
        let Some(c) = self.children.get(i) else {
            return;
        };
        if c.pid.is_some_and(|p| p != pid) {
            return;
        }
        let name = c.spec.name;
        match status {
            ExitStatus::Signal { signal, core } => {
                let line = format!(
                    "{name}[{pid}] terminated with signal {signal}{}",
                    if core { " and dumped core" } else { "" }
                );
                if signal == 9 {
                    tracing::warn!("{line}");
                } else {
                    tracing::error!("{line}");
                }
            }
            ExitStatus::Code(0) => tracing::info!("{name}[{pid}] exited with status 0 (OK)"),
            ExitStatus::Code(100) => {
                tracing::warn!("Shutting cluster down because {name}[{pid}] had fatal failure");
                self.children[i].respawn = false;
                self.fatal = true;
                self.children[i].pid = None;
                self.shutdown();
            }
            ExitStatus::Code(101) => {
                self.children[i].respawn = false;
                self.fatal = true;
                self.out.push(Command::Panic {
                    reason: format!("Subdaemon {name}[{pid}] requested panic"),
                });
                self.children[i].pid = None;
                self.shutdown();
            }
            ExitStatus::Code(code) => {
                let text = u8::try_from(code)
                    .ok()
                    .and_then(|c| CrmExit::from_code(i64::from(c)))
                    .map_or("Unknown exit status", CrmExit::description);
                tracing::error!("{name}[{pid}] exited with status {code} ({text})");
            }
        }
        self.process_exit(i);
    }

    /// `pcmk_process_exit()`: respawn, or go on shutting down.
    fn process_exit(&mut self, i: usize) {
        let max = self.cfg.max_respawn;
        let c = &mut self.children[i];
        c.pid = None;
        c.check_count = 0;
        c.respawn_count += 1;
        let name = c.spec.name;
        if c.respawn_count > max && c.respawn {
            // Pacemaker leaves it down; the rest of the node goes on.
            tracing::error!("Subdaemon {name} exceeded maximum respawn count");
            c.respawn = false;
        }
        let c = &mut self.children[i];
        if self.shutting_down {
            self.shutdown_step();
        } else if !c.respawn {
        } else if self.cfg.fail_fast {
            self.out.push(Command::Panic {
                reason: "Subdaemon failed".into(),
            });
        } else if c.spec.needs_cluster && !self.cluster_connected {
            tracing::info!("Not respawning subdaemon {name} until cluster returns");
            c.needs_retry = true;
        } else {
            tracing::info!("Respawning subdaemon {name} after unexpected exit");
            self.start_child(i);
        }
    }

    /// A liveness check result (`check_next_subdaemon()`).
    fn liveness(&mut self, i: usize, result: Liveness) {
        let Some(c) = self.children.get_mut(i) else {
            return;
        };
        let name = c.spec.name;
        match result {
            Liveness::Ok => c.check_count = 0,
            Liveness::PidOnly => {
                let Some(pid) = c.pid else {
                    return;
                };
                if c.shutting_down {
                    tracing::info!(
                        "Subdaemon {name}[{pid}] has stopped accepting IPC connections during shutdown"
                    );
                    return;
                }
                c.check_count += 1;
                if c.check_count >= CHECK_RETRIES {
                    tracing::error!(
                        "Subdaemon {name}[{pid}] is unresponsive to IPC after {} attempts and will now be killed",
                        c.check_count
                    );
                    c.check_count = 0;
                    self.out.push(Command::Signal {
                        child: i,
                        pid,
                        signal: Signal::Kill,
                    });
                } else {
                    tracing::info!(
                        "Subdaemon {name}[{pid}] is unresponsive to IPC after {} attempts (will recheck later)",
                        c.check_count
                    );
                }
            }
            Liveness::Gone => {
                // Exits are reported by the process watcher; a process we
                // never saw exit (started before us) is handled here.
                if let Some(pid) = c.pid {
                    tracing::error!("Subdaemon {name}[{pid}] terminated");
                    self.process_exit(i);
                }
            }
        }
    }

    fn shutdown(&mut self) {
        if !self.shutting_down {
            tracing::info!("Shutting down Pacemaker");
            self.shutting_down = true;
            self.state = PcmkdState::ShuttingDown;
        }
        self.shutdown_step();
    }

    /// `pcmk_shutdown_worker()`: stop the last running subdaemon, or finish.
    fn shutdown_step(&mut self) {
        for i in (0..self.children.len()).rev() {
            let c = &mut self.children[i];
            let Some(pid) = c.pid else {
                continue;
            };
            if c.respawn || !c.shutting_down {
                c.respawn = false;
                c.shutting_down = true;
                tracing::info!("Stopping subdaemon {}", c.spec.name);
                self.out.push(Command::Signal {
                    child: i,
                    pid,
                    signal: Signal::Term,
                });
                if i < CONTROLD {
                    self.out.push(Command::StartTimer {
                        timer: TimerId::Escalate(i),
                        after: SHUTDOWN_ESCALATION,
                    });
                }
            }
            return;
        }
        if self.state == PcmkdState::ShutdownComplete {
            return;
        }
        tracing::info!("Shutdown complete");
        self.state = PcmkdState::ShutdownComplete;
        if self.fatal {
            tracing::info!("Shutting down and staying down after fatal error");
            self.out.push(Command::StopCorosync);
            self.out.push(Command::Exit(CrmExit::Fatal));
        } else {
            self.out.push(Command::Exit(CrmExit::OK));
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
