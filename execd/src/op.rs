//! What an operation is: the resource, the action and its parameters, and
//! the raw outcome of running its agent.

use std::collections::BTreeMap;

use crate::output::Captured;

/// A resource as the executor knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceDef {
    /// Resource id (`OCF_RESOURCE_INSTANCE`).
    pub id: String,
    /// Class as given (`ocf`, `lsb`, `service`, `systemd`, `stonith`).
    pub class: String,
    /// Provider (OCF only).
    pub provider: Option<String>,
    /// Agent name.
    pub agent: String,
}

impl ResourceDef {
    /// `class[:provider]:agent`, for messages.
    pub fn spec(&self) -> String {
        match &self.provider {
            Some(p) => format!("{}:{}:{}", self.class, p, self.agent),
            None => format!("{}:{}", self.class, self.agent),
        }
    }

    /// Whether two definitions name the same agent (ids aside).
    pub fn same_agent(&self, other: &ResourceDef) -> bool {
        self.class.eq_ignore_ascii_case(&other.class)
            && self.agent.eq_ignore_ascii_case(&other.agent)
            && match (&self.provider, &other.provider) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// One operation to run: what the agent is called with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpSpec {
    /// The resource.
    pub rsc: ResourceDef,
    /// Action as requested (`monitor`, not `status`).
    pub action: String,
    /// Recurrence interval, 0 for one-shot.
    pub interval_ms: u32,
    /// Timeout of one execution.
    pub timeout_ms: u32,
    /// Instance attributes.
    pub params: BTreeMap<String, String>,
    /// Meta attributes (`timeout`, `interval`, `notify_*`, clone variables...).
    pub meta: BTreeMap<String, String>,
}

/// How an agent's process ended, before any mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Termination {
    /// Exited with this status.
    Exited(i32),
    /// Killed by this signal.
    Signaled(i32),
    /// Could not be started at all.
    NotStarted(StartFailure),
    /// Answered without a process (synthesised meta-data, not installed
    /// classes): final OCF rc, status and reason.
    Synthetic {
        /// OCF rc.
        rc: i32,
        /// Execution status.
        status: crate::result::ExecStatus,
        /// Exit reason.
        reason: Option<String>,
    },
}

/// Why an agent could not be started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartFailure {
    /// The agent is missing, a directory, or not an executable format.
    NotInstalled(String),
    /// The agent exists but may not be run.
    Permission(String),
    /// Anything else (fork failure, resource exhaustion).
    Other(String),
}

/// The raw outcome of running an agent once.
#[derive(Debug, Clone)]
pub struct RawOutcome {
    /// How it ended.
    pub termination: Termination,
    /// Captured standard output.
    pub stdout: Captured,
    /// Captured standard error.
    pub stderr: Captured,
    /// The process id, if one was started.
    pub pid: Option<i32>,
}

impl RawOutcome {
    /// An outcome with no process and no output.
    pub fn without_process(termination: Termination) -> Self {
        RawOutcome {
            termination,
            stdout: Captured::new(0),
            stderr: Captured::new(0),
            pid: None,
        }
    }
}
