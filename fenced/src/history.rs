//! Fencing history: every fencing operation this fencer knows of, pending
//! or completed, kept in memory (Pacemaker keeps at most 500, trimming the
//! oldest completed half beyond that).

use std::collections::BTreeMap;

/// Most operations kept.
pub const MAX_HISTORY: usize = 500;

/// State of a fencing operation (Pacemaker's `enum op_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpState {
    /// Asking which devices can fence the target.
    Query,
    /// An agent is running.
    Exec,
    /// Succeeded.
    Done,
    /// Merged into an identical operation.
    Duplicate,
    /// Failed.
    Failed,
}

impl OpState {
    /// Pacemaker's numeric value.
    pub fn code(self) -> i32 {
        match self {
            OpState::Query => 0,
            OpState::Exec => 1,
            OpState::Done => 2,
            OpState::Duplicate => 3,
            OpState::Failed => 4,
        }
    }

    /// Whether the operation is still in progress.
    pub fn pending(self) -> bool {
        !matches!(self, OpState::Done | OpState::Failed)
    }
}

/// A full result of a fencing action.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FenceResult {
    /// Exit status (CrmExit code).
    pub exit_status: i32,
    /// Execution status (pcmk_exec_status code).
    pub exec_status: i32,
    /// Exit reason.
    pub exit_reason: Option<String>,
    /// Agent output.
    pub output: Option<String>,
}

impl FenceResult {
    /// Success.
    pub fn ok() -> Self {
        FenceResult::default()
    }

    /// A failure with an execution status and reason.
    pub fn error(exec_status: i32, reason: impl Into<String>) -> Self {
        FenceResult {
            exit_status: 1,
            exec_status,
            exit_reason: Some(reason.into()),
            output: None,
        }
    }

    /// Whether this is a success.
    pub fn is_ok(&self) -> bool {
        self.exit_status == 0 && self.exec_status == 0
    }
}

/// One fencing operation as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Operation id.
    pub id: String,
    /// Target node.
    pub target: String,
    /// Requested action.
    pub action: String,
    /// Node that asked.
    pub origin: String,
    /// Node that executed (once known).
    pub delegate: Option<String>,
    /// Client that asked.
    pub client: String,
    /// State.
    pub state: OpState,
    /// Completion time (epoch seconds, nanoseconds).
    pub completed: (i64, i64),
    /// Result.
    pub result: FenceResult,
}

/// The history.
#[derive(Debug, Clone, Default)]
pub struct History {
    ops: BTreeMap<String, HistoryEntry>,
}

impl History {
    /// Records or updates an operation, trimming if too long.
    pub fn record(&mut self, e: HistoryEntry) {
        self.ops.insert(e.id.clone(), e);
        if self.ops.len() > MAX_HISTORY {
            let mut done: Vec<(i64, i64, String)> = self
                .ops
                .values()
                .filter(|o| !o.state.pending())
                .map(|o| (o.completed.0, o.completed.1, o.id.clone()))
                .collect();
            done.sort();
            let excess = done.len().saturating_sub(MAX_HISTORY / 2);
            for (_, _, id) in done.into_iter().take(excess) {
                self.ops.remove(&id);
            }
        }
    }

    /// The entry of operation `id`.
    pub fn get(&self, id: &str) -> Option<&HistoryEntry> {
        self.ops.get(id)
    }

    /// Entries for `target` (all when `None`): pending first, then the most
    /// recently completed first (`stonith__sort_history()`).
    pub fn list(&self, target: Option<&str>) -> Vec<HistoryEntry> {
        let mut v: Vec<HistoryEntry> = self
            .ops
            .values()
            .filter(|o| target.is_none_or(|t| o.target.eq_ignore_ascii_case(t)))
            .cloned()
            .collect();
        v.sort_by(|a, b| match (a.state.pending(), b.state.pending()) {
            (true, false) => std::cmp::Ordering::Less,
            (false, true) => std::cmp::Ordering::Greater,
            _ => b.completed.cmp(&a.completed),
        });
        v
    }

    /// Removes completed entries for `target` (all when `None`).
    pub fn cleanup(&mut self, target: Option<&str>) {
        self.ops.retain(|_, o| {
            o.state.pending() || target.is_some_and(|t| !o.target.eq_ignore_ascii_case(t))
        });
    }

    /// The last successful `action` against `target` completed at or after
    /// `since` (epoch seconds), for `--tolerance`.
    pub fn recent_success(&self, target: &str, action: &str, since: i64) -> Option<&HistoryEntry> {
        self.ops.values().find(|o| {
            o.state == OpState::Done
                && o.target.eq_ignore_ascii_case(target)
                && o.action == action
                && o.completed.0 >= since
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(id: &str, target: &str, state: OpState, t: i64) -> HistoryEntry {
        HistoryEntry {
            id: id.into(),
            target: target.into(),
            action: "reboot".into(),
            origin: "n0".into(),
            delegate: None,
            client: "c".into(),
            state,
            completed: (t, 0),
            result: FenceResult::ok(),
        }
    }

    #[test]
    fn sort_cleanup_trim() {
        let mut h = History::default();
        h.record(e("a", "n1", OpState::Done, 10));
        h.record(e("b", "n1", OpState::Failed, 20));
        h.record(e("c", "n2", OpState::Exec, 0));
        let ids: Vec<_> = h.list(None).into_iter().map(|x| x.id).collect();
        assert_eq!(ids, ["c", "b", "a"]);
        assert_eq!(h.list(Some("N2")).len(), 1);
        assert!(h.recent_success("n1", "reboot", 5).is_some());
        assert!(h.recent_success("n1", "reboot", 11).is_none());
        h.cleanup(Some("n1"));
        assert_eq!(h.list(None).len(), 1);
        for i in 0..600 {
            h.record(e(&format!("x{i:03}"), "n", OpState::Done, i));
        }
        assert!(h.list(None).len() <= MAX_HISTORY);
        assert!(h.list(None).iter().any(|x| x.id == "c"));
        assert!(h.list(None).iter().any(|x| x.id == "x599"));
    }
}
