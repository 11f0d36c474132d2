//! Running one agent action directly, outside the daemon: what
//! `crm_resource --force-*`/`--validate` and meta-data requests do
//! (Pacemaker's synchronous `services_action_sync()`).

use std::time::Duration;

use crate::dirs::AgentDirs;
use crate::engine::map_outcome;
use crate::invocation::{Prepared, effective_standard, prepare};
use crate::op::{OpSpec, RawOutcome};
use crate::output::{Captured, MAX_OUTPUT};
use crate::result::ExecStatus;
use crate::runner;
use crate::systemd::SystemdBus;

/// The result of a direct run.
#[derive(Debug, Clone)]
pub struct DirectResult {
    /// OCF rc.
    pub rc: i32,
    /// Execution status.
    pub status: ExecStatus,
    /// Exit reason.
    pub exit_reason: Option<String>,
    /// Standard output, if any was produced.
    pub stdout: Option<String>,
    /// Standard error, if any was produced.
    pub stderr: Option<String>,
}

fn opt_text(c: &Captured) -> Option<String> {
    (!c.is_empty()).then(|| c.text())
}

/// Runs `spec` once, waiting for the agent; at the timeout its process
/// group gets SIGTERM, then SIGKILL after `kill_grace`. systemd units are
/// driven over the system bus the environment names.
pub async fn run(dirs: &AgentDirs, spec: &OpSpec, kill_grace: Duration) -> DirectResult {
    run_with(dirs, &SystemdBus::from_process(), spec, kill_grace).await
}

/// [`run`], with systemd reached through `bus`.
pub async fn run_with(
    dirs: &AgentDirs,
    bus: &SystemdBus,
    spec: &OpSpec,
    kill_grace: Duration,
) -> DirectResult {
    let standard = effective_standard(dirs, spec);
    let inherited = |k: &str| std::env::var_os(k).is_some();
    let prepared = match crate::invocation::systemd_target(dirs, spec) {
        Some(target) => {
            let mut o = crate::systemd::run(bus, dirs, spec, target).await;
            let out = (!o.stdout.is_empty()).then(|| o.stdout.text());
            o.stdout = Captured::new(0);
            Prepared::Done(o.termination, out)
        }
        None => prepare(dirs, spec, &inherited),
    };
    let (outcome, timed_out, synthetic_out) = match prepared {
        Prepared::Done(t, out) => (RawOutcome::without_process(t), false, out),
        Prepared::Run(inv) => {
            let timeout = Duration::from_millis(u64::from(spec.timeout_ms.max(1)));
            let (o, timed_out) =
                runner::run_with_timeout(&inv, timeout, kill_grace, MAX_OUTPUT).await;
            (o, timed_out, None)
        }
    };
    let (rc, status, exit_reason) = map_outcome(spec, standard, &outcome, timed_out, false);
    DirectResult {
        rc,
        status,
        exit_reason,
        stdout: synthetic_out.or_else(|| opt_text(&outcome.stdout)),
        stderr: opt_text(&outcome.stderr),
    }
}

/// Fetches an agent's meta-data (Pacemaker's 20s default timeout).
pub async fn metadata(
    dirs: &AgentDirs,
    class: &str,
    provider: Option<&str>,
    agent: &str,
) -> Result<String, String> {
    metadata_with(dirs, &SystemdBus::from_process(), class, provider, agent).await
}

/// [`metadata`], with systemd reached through `bus`.
pub async fn metadata_with(
    dirs: &AgentDirs,
    bus: &SystemdBus,
    class: &str,
    provider: Option<&str>,
    agent: &str,
) -> Result<String, String> {
    let spec = OpSpec {
        rsc: crate::op::ResourceDef {
            id: agent.to_string(),
            class: class.to_string(),
            provider: provider.map(str::to_string),
            agent: agent.to_string(),
        },
        action: "meta-data".to_string(),
        interval_ms: 0,
        timeout_ms: 20_000,
        params: Default::default(),
        meta: Default::default(),
    };
    let r = run_with(dirs, bus, &spec, Duration::from_secs(5)).await;
    match (r.status, r.rc, r.stdout) {
        (ExecStatus::Done, 0, Some(out)) => Ok(out),
        (status, rc, _) => Err(r.exit_reason.unwrap_or_else(|| {
            format!(
                "meta-data failed: {} ({})",
                crate::result::rc_description(rc),
                status.description()
            )
        })),
    }
}
