//! Alerts: which alert agents to run, with which environment, for the
//! events the controller sees (Pacemaker's `controld_alerts.c` and
//! `lrmd_send_*_alert()` in `lib/lrmd/lrmd_alerts.c`).
//!
//! The controller keeps the alert list unpacked from the CIB's `alerts`
//! section (read again whenever that section changes) and, on every node,
//! has its local executor run the selected agents for:
//!
//! - node events: a node's cluster membership changes (`member`, `lost`);
//! - fencing events: every completed fencing operation the local fencer
//!   reports, whoever asked for it;
//! - resource events: every operation result of the local executor,
//!   except probes that found what was expected and repeats of an
//!   unchanged recurring result.
//!
//! Attribute alerts are attrd's. Everything here is pure: the events and
//! the wall-clock time come in, [`AlertRun`]s come out; the shell hands
//! each run to the executor (`ExecAlert`), which adds
//! `CRM_alert_node_sequence`. The environment itself is built by
//! [`pcmk_execd::alerts::environment`], shared with the other senders.
//!
//! Deviations: alert agents run in the order of the configuration (upstream
//! runs them in reverse, an artefact of its list building); the executor
//! runs them at once, so the order is not observable either way.

use pcmk_common::exit::CrmExit;
pub use pcmk_execd::alerts::{Alert, Event as AlertEvent, Kind, unpack};

use crate::core::history::OpResult;
use crate::core::keys::{ExecStatus, TransitionKey};

/// One alert agent to run: what the shell asks the executor for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRun {
    /// The alert's id (for logs).
    pub id: String,
    /// Path of the alert agent.
    pub path: String,
    /// The recipient, if the alert has any (for logs; the agent finds it
    /// in its environment).
    pub recipient: Option<String>,
    /// Time allowed, in milliseconds.
    pub timeout_ms: u32,
    /// The agent's environment: `CRM_alert_*` and the alert's instance
    /// attributes.
    pub env: Vec<(String, String)>,
}

/// Wall-clock time: seconds since the epoch and microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct WallTime {
    /// Seconds since the epoch.
    pub secs: i64,
    /// Microseconds past `secs`.
    pub usec: u32,
}

impl WallTime {
    /// This time plus `ms` milliseconds (a core's elapsed time added to
    /// the wall-clock time it started at).
    pub fn plus_millis(self, ms: u64) -> WallTime {
        let us = i128::from(self.secs) * 1_000_000 + i128::from(self.usec) + i128::from(ms) * 1000;
        WallTime {
            secs: i64::try_from(us.div_euclid(1_000_000)).unwrap_or(i64::MAX),
            usec: u32::try_from(us.rem_euclid(1_000_000)).unwrap_or(0),
        }
    }
}

/// The configured alerts (one entry per recipient).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertList {
    alerts: Vec<Alert>,
}

impl AlertList {
    /// The list unpacked from the CIB's `alerts` section.
    pub fn new(alerts: Vec<Alert>) -> AlertList {
        AlertList { alerts }
    }

    /// Whether no alert is configured (nothing to do for any event).
    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
    }

    /// How many alert entries (recipients) are configured.
    pub fn len(&self) -> usize {
        self.alerts.len()
    }

    /// The agents to run for `event` at `now`: every alert that selects
    /// the event's kind (and, for attributes, its name), with its
    /// environment (`exec_alert_list()`).
    pub fn runs(&self, event: &AlertEvent, now: WallTime) -> Vec<AlertRun> {
        self.alerts
            .iter()
            .filter_map(|a| {
                let env = pcmk_execd::alerts::environment(a, event, (now.secs, now.usec))?;
                Some(AlertRun {
                    id: a.id.clone(),
                    path: a.path.clone(),
                    recipient: a.recipient.clone(),
                    timeout_ms: a.timeout_ms,
                    env,
                })
            })
            .collect()
    }
}

/// The node event for node `name` (id `id`) becoming a cluster member
/// (`member`) or leaving the membership (`lost`).
pub fn node_event(name: &str, id: u32, member: bool) -> AlertEvent {
    AlertEvent::Node {
        node: name.to_string(),
        nodeid: id,
        state: if member { "member" } else { "lost" }.to_string(),
    }
}

/// What the fencer reports of a completed fencing operation, as far as
/// alerts need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FenceReport {
    /// The operation's id (`ref=` in the description).
    pub id: String,
    /// The fenced node.
    pub target: String,
    /// The fencing action (`reboot`, `off`, `on`).
    pub action: String,
    /// The node whose fencer owned the operation.
    pub origin: String,
    /// The client that asked for it.
    pub client: String,
    /// The node that executed it.
    pub delegate: String,
    /// Its exit status (a `CrmExit` code).
    pub exit_status: i32,
    /// Its execution status (an `ExecStatus` code).
    pub exec_status: i32,
    /// Why it failed, if it did and the fencer said.
    pub exit_reason: Option<String>,
    /// The fence agent's output, if any.
    pub output: Option<String>,
}

/// `CRM_alert_task` of fencing alerts: the fencer's notification type.
pub const FENCE_NOTIFY_TASK: &str = "st_notify_fence";

impl FenceReport {
    fn exec_status(&self) -> ExecStatus {
        ExecStatus::from_code(self.exec_status).unwrap_or(ExecStatus::Error)
    }

    fn succeeded(&self) -> bool {
        self.exit_status == 0 && self.exec_status() == ExecStatus::Done
    }

    /// The readable description (`stonith__event_description()`).
    pub fn description(&self) -> String {
        let or = |s: &str, default: &str| {
            if s.is_empty() {
                default.to_string()
            } else {
                s.to_string()
            }
        };
        let status = if self.exec_status() != ExecStatus::Done {
            self.exec_status().description()
        } else if self.exit_status != 0 {
            ExecStatus::Error.description()
        } else {
            "OK"
        };
        let reason = match self.exit_reason.as_deref().filter(|r| !r.is_empty()) {
            Some(r) => format!(" ({r})"),
            None => String::new(),
        };
        format!(
            "Operation {} of {} by {} for {}@{}: {status}{reason} (ref={})",
            or(&self.action, "(unknown)"),
            or(&self.target, "no node"),
            or(&self.delegate, "the cluster"),
            or(&self.client, "a client"),
            or(&self.origin, "a node"),
            or(&self.id, "(none)"),
        )
    }

    /// The legacy (negative errno) result code fencing alerts carry in
    /// `CRM_alert_rc` (`stonith__result2rc()` then `pcmk_rc2legacy()`).
    pub fn legacy_rc(&self) -> i32 {
        const EACCES: i32 = 13;
        const EINVAL: i32 = 22;
        const ENODATA: i32 = 61;
        const ETIME: i32 = 62;
        const EPROTO: i32 = 71;
        const EOPNOTSUPP: i32 = 95;
        const ENOTCONN: i32 = 107;
        const EHOSTUNREACH: i32 = 113;
        const EINPROGRESS: i32 = 115;
        const ECANCELED: i32 = 125;
        const ENODEV: i32 = 19;
        const ENOENT: i32 = 2;
        // pcmk_rc_error becomes -pcmk_err_generic.
        const GENERIC: i32 = 201;
        if self.succeeded() {
            return 0;
        }
        let errno = match self.exec_status() {
            ExecStatus::Pending => Some(EINPROGRESS),
            ExecStatus::Cancelled => Some(ECANCELED),
            ExecStatus::Timeout => Some(ETIME),
            ExecStatus::NotInstalled => Some(ENOENT),
            ExecStatus::NotSupported => Some(EOPNOTSUPP),
            ExecStatus::NotConnected => Some(ENOTCONN),
            ExecStatus::NoFenceDevice => Some(ENODEV),
            ExecStatus::NoSecrets => Some(EACCES),
            ExecStatus::Invalid => match CrmExit::from_code(i64::from(self.exit_status)) {
                Some(CrmExit::InvalidParam) => Some(EINVAL),
                Some(CrmExit::InsufficientPriv) => Some(EACCES),
                Some(CrmExit::Protocol) => Some(EPROTO),
                Some(CrmExit::Expired) => Some(EHOSTUNREACH),
                _ => None,
            },
            _ => None,
        };
        if let Some(e) = errno {
            return -e;
        }
        let Some(out) = self.output.as_deref().filter(|o| !o.is_empty()) else {
            return -ENODATA;
        };
        let out = out.to_ascii_lowercase();
        if out.contains("timed out") || out.contains("timeout") {
            -ETIME
        } else if [
            "unrecognised action",
            "unrecognized action",
            "unsupported action",
        ]
        .iter()
        .any(|p| out.contains(p))
        {
            -EOPNOTSUPP
        } else {
            -GENERIC
        }
    }
}

/// The fencing event for a completed fencing operation
/// (`crmd_alert_fencing_op()`).
pub fn fencing_event(report: &FenceReport) -> AlertEvent {
    AlertEvent::Fencing {
        target: report.target.clone(),
        task: FENCE_NOTIFY_TASK.to_string(),
        desc: report.description(),
        rc: report.legacy_rc(),
    }
}

/// The resource event for an operation result of node `node`, or `None`
/// when Pacemaker sends none: meta-data calls, pending results, and
/// probes that found what they expected (`lrmd_send_resource_alert()`).
pub fn resource_event(node: &str, op: &OpResult) -> Option<AlertEvent> {
    if op.status == ExecStatus::Pending || op.task.eq_ignore_ascii_case("meta-data") {
        return None;
    }
    // The expected rc comes with the transition key; none means 0.
    let target_rc = op
        .transition_key
        .as_deref()
        .and_then(TransitionKey::parse)
        .map_or(0, |k| k.target_rc);
    if op.interval_ms == 0 && op.rc == target_rc && op.task.eq_ignore_ascii_case("monitor") {
        return None;
    }
    // Recurring operations report no execution time: on a timeout, the
    // timeout is the better figure.
    let exec_time_ms = if op.status == ExecStatus::Timeout && op.exec_time == 0 {
        op.params
            .get("CRM_meta_timeout")
            .and_then(|t| t.trim().parse::<u32>().ok())
            .unwrap_or(0)
    } else {
        op.exec_time
    };
    Some(AlertEvent::Resource {
        node: node.to_string(),
        rsc: op.rsc_id.clone(),
        task: op.task.clone(),
        interval_ms: u32::try_from(op.interval_ms).unwrap_or(u32::MAX),
        target_rc,
        status: op.status,
        rc: op.rc,
        exec_time_ms,
    })
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
