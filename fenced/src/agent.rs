//! Running fence agents (the shell side): arguments on standard input,
//! a timeout that terminates then kills the agent's process group, output
//! kept bounded; and their meta-data, cached per agent.

use std::collections::HashMap;
use std::time::Duration;

use pcmk_execd::dirs::AgentDirs;
use pcmk_execd::invocation::Invocation;
use pcmk_execd::op::{StartFailure, Termination};
use pcmk_execd::result::readable_interval;

use crate::args::stdin_text;
use crate::core::local_exec as exec;
use crate::history::FenceResult;
use crate::metadata::{AgentInfo, agent_info, fudge};

/// Most bytes kept of an agent's output.
pub const OUTPUT_LIMIT: usize = 1024 * 1024;

/// Time between SIGTERM and SIGKILL of a timed-out agent.
pub const KILL_GRACE: Duration = Duration::from_secs(2);

/// Runs `agent` with `args` on standard input.
pub async fn run(
    dirs: &AgentDirs,
    agent: &str,
    args: &[(String, String)],
    timeout_s: u32,
) -> FenceResult {
    if !pcmk_execd::dirs::is_plain_name(agent) {
        return FenceResult {
            exit_status: 5,
            exec_status: exec::NOT_INSTALLED,
            exit_reason: Some(format!("{agent}: invalid agent name")),
            output: None,
        };
    }
    let inv = Invocation {
        program: dirs.fence_agent(agent),
        args: Vec::new(),
        env: Vec::new(),
        stdin: Some(stdin_text(args).into_bytes()),
        reads_exit_reason: false,
    };
    let timeout = Duration::from_secs(u64::from(timeout_s.max(1)));
    let (o, timed_out) =
        pcmk_execd::runner::run_with_timeout(&inv, timeout, KILL_GRACE, OUTPUT_LIMIT).await;
    let stdout = (!o.stdout.is_empty()).then(|| o.stdout.text());
    let stderr = o.stderr.text();
    if !stderr.is_empty() {
        tracing::warn!(
            agent,
            "{agent}[{}] stderr: {}",
            o.pid.unwrap_or(0),
            stderr.trim_end()
        );
    }
    let fail = |exec_status, reason: String| FenceResult {
        exit_status: 1,
        exec_status,
        exit_reason: Some(reason),
        output: stdout.clone(),
    };
    match o.termination {
        _ if timed_out => fail(
            exec::TIMEOUT,
            format!(
                "Fence agent did not complete within {}",
                readable_interval(u64::from(timeout_s) * 1000)
            ),
        ),
        Termination::Exited(code) => FenceResult {
            exit_status: code,
            exec_status: exec::DONE,
            exit_reason: None,
            output: stdout,
        },
        Termination::Signaled(sig) => fail(
            exec::ERROR,
            format!("Fence agent interrupted by signal {sig}"),
        ),
        Termination::NotStarted(StartFailure::NotInstalled(r)) => FenceResult {
            exit_status: 5,
            exec_status: exec::NOT_INSTALLED,
            exit_reason: Some(r),
            output: None,
        },
        Termination::NotStarted(StartFailure::Permission(r) | StartFailure::Other(r)) => {
            fail(exec::ERROR, r)
        }
        Termination::Synthetic { rc, status, reason } => FenceResult {
            exit_status: rc,
            exec_status: status.code(),
            exit_reason: reason,
            output: stdout,
        },
    }
}

/// An agent's meta-data as Pacemaker shows it (start/stop added, host
/// arguments not required).
pub async fn metadata(dirs: &AgentDirs, agent: &str, timeout_s: u32) -> Result<String, String> {
    let r = run(
        dirs,
        agent,
        &[("action".into(), "metadata".into())],
        timeout_s,
    )
    .await;
    if !r.is_ok() {
        return Err(r
            .exit_reason
            .unwrap_or_else(|| format!("metadata action of {agent} returned {}", r.exit_status)));
    }
    let text = r
        .output
        .ok_or_else(|| format!("metadata action for {agent} returned no data"))?;
    let mut doc = pcmk_common::xml::parse(&text)
        .map_err(|e| format!("metadata for {agent} is invalid: {e}"))?;
    fudge(&mut doc);
    Ok(doc.to_pretty())
}

/// Meta-data cache: what the fencer knows of each agent.
#[derive(Debug, Default)]
pub struct MetadataCache {
    infos: HashMap<String, AgentInfo>,
}

impl MetadataCache {
    /// The agent's info, reading its meta-data the first time.
    pub async fn info(&mut self, dirs: &AgentDirs, agent: &str) -> AgentInfo {
        if let Some(i) = self.infos.get(agent) {
            return i.clone();
        }
        let r = run(dirs, agent, &[("action".into(), "metadata".into())], 10).await;
        let info = r
            .output
            .filter(|_| r.exit_status == 0 && r.exec_status == 0)
            .and_then(|t| pcmk_common::xml::parse(&t).ok())
            .map(|d| agent_info(&d));
        match info {
            Some(i) => {
                self.infos.insert(agent.to_string(), i.clone());
                i
            }
            None => {
                tracing::error!(
                    agent,
                    "could not retrieve metadata for fencing agent {agent}"
                );
                AgentInfo::default()
            }
        }
    }
}
