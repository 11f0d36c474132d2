//! The systemd class: units started, stopped and watched through
//! systemd's D-Bus API, as Pacemaker's services library drives them.
//!
//! The decisions (unit names, the order of calls, what systemd's answers
//! mean, which job an operation waits for) are plain code in [`unit`],
//! [`op`] and [`jobs`]; [`bus`] is the thin layer that makes the calls.
//! Where no system bus or no systemd is reachable, operations answer 'not
//! installed' with the reason at once.

pub mod bus;
pub mod jobs;
pub mod op;
pub mod unit;

use std::path::Path;

pub use bus::SystemdBus;
pub use op::Outcome;

use crate::dirs::AgentDirs;
use crate::invocation::SystemdTarget;
use crate::op::{OpSpec, RawOutcome, StartFailure, Termination};

/// Directory that exists only when systemd is the running init
/// (`sd_booted()`).
pub const SYSTEMD_RUN_DIR: &str = "/run/systemd/system";

/// Whether systemd is this machine's init (operations do not depend on
/// it: they ask the bus).
pub fn is_running() -> bool {
    Path::new(SYSTEMD_RUN_DIR).is_dir()
}

/// The reason given for systemd operations where systemd does not run.
pub const NOT_RUNNING_REASON: &str = "systemd is not running on this node";

/// An operation result in the executor's raw form (no process ran).
pub fn raw_outcome(o: Outcome) -> RawOutcome {
    let mut raw = RawOutcome::without_process(Termination::Synthetic {
        rc: o.rc,
        status: o.status,
        reason: o.reason,
    });
    if let Some(text) = o.stdout {
        raw.stdout = crate::output::Captured::new(text.len());
        raw.stdout.push(text.as_bytes());
    }
    raw
}

/// Runs `spec` through systemd to its end (within its timeout). A
/// `service` that systemd does not know either is the init script
/// Pacemaker would assume, which is missing.
pub async fn run(
    bus: &SystemdBus,
    dirs: &AgentDirs,
    spec: &OpSpec,
    target: SystemdTarget,
) -> RawOutcome {
    let agent = &spec.rsc.agent;
    if target == SystemdTarget::ServiceAlias && !bus.unit_exists(agent).await {
        tracing::info!(rsc = %spec.rsc.id, "Assuming resource class lsb for agent {agent}");
        return RawOutcome::without_process(Termination::NotStarted(StartFailure::NotInstalled(
            format!(
                "{}: No such file or directory",
                dirs.lsb_agent(agent).display()
            ),
        )));
    }
    let o = bus
        .execute(agent, &spec.action, spec.interval_ms, spec.timeout_ms)
        .await;
    raw_outcome(o)
}
