//! Keys that name operations across the cluster, as Pacemaker formats them:
//! operation keys (`rsc_task_interval`), transition keys
//! (`action:transition:target-rc:te-uuid`) and transition magic
//! (`op-status:rc;transition-key`), and the executor's status codes.

use std::fmt;

/// The transition key of an action that no transition asked for.
pub const FAKE_TE_UUID: &str = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

pub use pcmk_common::results::ExecStatus;

/// OCF success.
pub const OCF_OK: i32 = 0;
/// OCF: the resource is safely stopped.
pub const OCF_NOT_RUNNING: i32 = 7;
/// OCF: active and promoted.
pub const OCF_RUNNING_PROMOTED: i32 = 8;
/// OCF: active but degraded.
pub const OCF_DEGRADED: i32 = 190;
/// OCF: promoted but degraded.
pub const OCF_DEGRADED_PROMOTED: i32 = 191;
/// The rc recorded for a pending operation.
pub const OCF_UNKNOWN: i32 = 193;

/// The rc that counts for success comparisons: degraded results count as
/// their healthy counterparts (`pcmk__effective_rc()`).
pub fn effective_rc(rc: i32) -> i32 {
    match rc {
        OCF_DEGRADED => OCF_OK,
        OCF_DEGRADED_PROMOTED => OCF_RUNNING_PROMOTED,
        other => other,
    }
}

/// The operation key `rsc_task_interval` (interval in milliseconds).
pub fn op_key(rsc: &str, task: &str, interval_ms: u64) -> String {
    format!("{rsc}_{task}_{interval_ms}")
}

/// An operation key taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpKey {
    /// The resource id.
    pub rsc: String,
    /// The task (start, monitor, migrate_to, ...).
    pub task: String,
    /// The interval in milliseconds.
    pub interval_ms: u64,
}

/// Parses an operation key; resource ids may contain underscores, and the
/// tasks `migrate_to`, `migrate_from` and notifications are recognised.
pub fn parse_op_key(key: &str) -> Option<OpKey> {
    let (rest, interval) = key.rsplit_once('_')?;
    let interval_ms: u64 = interval.parse().ok()?;
    for two_word in ["migrate_to", "migrate_from"] {
        if let Some(rsc) = rest
            .strip_suffix(two_word)
            .and_then(|r| r.strip_suffix('_'))
        {
            if !rsc.is_empty() {
                return Some(OpKey {
                    rsc: rsc.to_string(),
                    task: two_word.to_string(),
                    interval_ms,
                });
            }
        }
    }
    let (mut rsc, mut task) = rest.rsplit_once('_')?;
    // Notification keys: rsc_(pre|post)_notify_<task>_0
    for kind in ["_pre_notify", "_post_notify"] {
        if let Some(r) = rsc.strip_suffix(kind) {
            if !r.is_empty() {
                let start = rsc.len() - kind.len() + 1;
                task = &rest[start..];
                rsc = r;
            }
        }
    }
    if rsc.is_empty() || task.is_empty() {
        return None;
    }
    Some(OpKey {
        rsc: rsc.to_string(),
        task: task.to_string(),
        interval_ms,
    })
}

/// A transition key: which action of which transition, by which DC, with
/// which expected result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionKey {
    /// Action number in the graph (or the call id for outside actions).
    pub action: i32,
    /// Transition number (-1 for actions outside any transition).
    pub transition: i32,
    /// The expected rc.
    pub target_rc: i32,
    /// The transition engine's id (a UUID).
    pub te_uuid: String,
}

impl TransitionKey {
    /// Parses `action:transition:target-rc:uuid`.
    pub fn parse(s: &str) -> Option<TransitionKey> {
        let mut it = s.splitn(4, ':');
        let action = it.next()?.trim().parse().ok()?;
        let transition = it.next()?.trim().parse().ok()?;
        let target_rc = it.next()?.trim().parse().ok()?;
        let te_uuid = it.next()?.to_string();
        if te_uuid.is_empty() || te_uuid.len() > 36 {
            return None;
        }
        Some(TransitionKey {
            action,
            transition,
            target_rc,
            te_uuid,
        })
    }
}

impl fmt::Display for TransitionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}:{}",
            self.action, self.transition, self.target_rc, self.te_uuid
        )
    }
}

/// The transition magic `op-status:rc;transition-key`.
pub fn transition_magic(status: ExecStatus, rc: i32, key: &str) -> String {
    format!("{}:{};{}", status.code(), rc, key)
}

/// The name of the fail-count attribute of an operation.
pub fn failcount_name(rsc: &str, task: &str, interval_ms: u64) -> String {
    format!("fail-count-{rsc}#{task}_{interval_ms}")
}

/// The name of the last-failure attribute of an operation.
pub fn lastfailure_name(rsc: &str, task: &str, interval_ms: u64) -> String {
    format!("last-failure-{rsc}#{task}_{interval_ms}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_keys() {
        assert_eq!(op_key("rsc_a", "monitor", 10000), "rsc_a_monitor_10000");
        let k = parse_op_key("rsc_a_monitor_10000").unwrap();
        assert_eq!(
            (k.rsc.as_str(), k.task.as_str(), k.interval_ms),
            ("rsc_a", "monitor", 10000)
        );
        let k = parse_op_key("my_vm_migrate_from_0").unwrap();
        assert_eq!((k.rsc.as_str(), k.task.as_str()), ("my_vm", "migrate_from"));
        let k = parse_op_key("db:0_post_notify_start_0").unwrap();
        assert_eq!(
            (k.rsc.as_str(), k.task.as_str()),
            ("db:0", "post_notify_start")
        );
        assert!(parse_op_key("monitor").is_none());
        assert!(parse_op_key("rsc_start_x").is_none());
        assert!(parse_op_key("_start_0").is_none());
    }

    #[test]
    fn transition_keys_and_magic() {
        let k = TransitionKey::parse("9:2:7:be2e97d9-05e2-439d-863e-48f7aecab2aa").unwrap();
        assert_eq!((k.action, k.transition, k.target_rc), (9, 2, 7));
        assert_eq!(k.to_string(), "9:2:7:be2e97d9-05e2-439d-863e-48f7aecab2aa");
        assert_eq!(
            transition_magic(ExecStatus::Done, 7, &k.to_string()),
            "0:7;9:2:7:be2e97d9-05e2-439d-863e-48f7aecab2aa"
        );
        assert!(TransitionKey::parse("9:2:7").is_none());
        assert!(TransitionKey::parse("a:2:7:u").is_none());
        assert_eq!(effective_rc(OCF_DEGRADED), OCF_OK);
        assert_eq!(
            failcount_name("d", "monitor", 10000),
            "fail-count-d#monitor_10000"
        );
        for c in -1..=11 {
            assert_eq!(ExecStatus::from_code(c).unwrap().code(), c);
        }
    }
}
