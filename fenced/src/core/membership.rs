//! The cluster around the fencer: which peers run a fencer, what happens
//! to operations when one leaves, and the fencing history shared with
//! nodes that join (Pacemaker's `fenced_history.c` sync).

use std::collections::BTreeSet;

use super::{Command, Fencer, Now, PeerMsg};
use crate::history::{FenceResult, HistoryEntry, OpState};

impl Fencer {
    /// The fencers in the cluster changed: `members` run one now (this
    /// node included). A peer that left while executing one of this
    /// node's operations counts as failed (the next peer, device or level
    /// is tried); operations waiting for query replies stop waiting for
    /// it; pending operations it owned can no longer finish and are
    /// recorded as failed. When a fencer joined, this node shares its
    /// history.
    pub fn membership(&mut self, now: Now, members: &[String]) {
        self.clock = now;
        let mut new: BTreeSet<String> = members.iter().map(|m| m.to_ascii_lowercase()).collect();
        new.insert(self.local.to_ascii_lowercase());
        let lost: Vec<String> = self.members.difference(&new).cloned().collect();
        let joined: Vec<String> = new.difference(&self.members).cloned().collect();
        if lost.is_empty() && joined.is_empty() {
            return;
        }
        tracing::info!(
            peers = new.len(),
            "fencer membership changed: lost {lost:?}, joined {joined:?}"
        );
        self.members = new;
        for (op_id, host) in self.executing_peers() {
            if !self.is_member(&host) {
                tracing::warn!("peer {host} left while fencing for operation {op_id}");
                self.peer_failed(now, &op_id, &format!("Peer {host} left the cluster"));
            }
        }
        for op_id in self.forget_replies_of_lost() {
            self.queries_complete(now, &op_id);
        }
        for name in &lost {
            self.orphan_ops_of(now, name);
        }
        if !joined.is_empty() {
            let entries = self.history.list(None);
            if !entries.is_empty() {
                self.output.push(Command::Send {
                    to: None,
                    msg: PeerMsg::History(entries),
                });
            }
        }
    }

    /// Records an operation another node owns, seen through its query, so
    /// that every node's history shows it while it is pending.
    pub(crate) fn record_peer_op(
        &mut self,
        op_id: &str,
        target: &str,
        action: &str,
        origin: &str,
        client: &str,
    ) {
        if self.history.get(op_id).is_some() {
            return;
        }
        self.history.record(HistoryEntry {
            id: op_id.to_string(),
            target: target.to_string(),
            action: action.to_string(),
            origin: origin.to_string(),
            delegate: None,
            client: client.to_string(),
            state: OpState::Query,
            completed: (0, 0),
            result: FenceResult::ok(),
        });
    }

    /// Pending operations owned by `origin`, which left: nobody will
    /// finish them.
    fn orphan_ops_of(&mut self, now: Now, origin: &str) {
        let orphans: Vec<HistoryEntry> = self
            .history
            .list(None)
            .into_iter()
            .filter(|e| e.state.pending() && e.origin.eq_ignore_ascii_case(origin))
            .collect();
        for mut e in orphans {
            tracing::info!(target = %e.target, "operation {} of {origin}, which left, is failed", e.id);
            e.state = OpState::Failed;
            e.completed = now.epoch;
            e.result = FenceResult::error(
                super::local_exec::ERROR,
                format!("Originator {origin} left the cluster"),
            );
            self.history.record(e);
        }
    }

    /// Merges a peer's history: unknown operations are added, and a
    /// completed one replaces what this node still has as pending.
    /// Operations this node owns are its own to finish.
    pub(crate) fn merge_history(&mut self, entries: Vec<HistoryEntry>) {
        let mut added = 0;
        for e in entries {
            if self.ops.contains_key(&e.id) {
                continue;
            }
            let take = match self.history.get(&e.id) {
                None => true,
                Some(mine) => mine.state.pending() && !e.state.pending(),
            };
            if take {
                added += 1;
                self.history.record(e);
            }
        }
        if added > 0 {
            tracing::info!("merged {added} fencing history entries from a peer");
        }
    }
}
