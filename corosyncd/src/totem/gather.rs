//! Gather: agreeing on who is in the next membership.
//!
//! A node multicasts its `proc` set (nodes it wants) and `fail` set (nodes
//! it gave up on) and merges what others send. When every node of
//! `proc - fail` has sent exactly our sets, there is consensus and the
//! lowest of them creates the commit token. Nodes that stay silent for the
//! consensus timeout are moved to `fail`.

use std::collections::BTreeSet;

use super::message::{CommitToken, Join, MembEntry, Message};
use super::srp::{Gather, MembState, Srp};
use super::{NodeId, RingId, Timestamp};

impl Srp {
    /// Enters Gather with the given sets, multicasting our join.
    pub(super) fn gather_enter(
        &mut self,
        now: Timestamp,
        mut proc_set: BTreeSet<NodeId>,
        mut fail_set: BTreeSet<NodeId>,
        why: &str,
    ) {
        let me = self.cfg.node_id;
        proc_set.insert(me);
        fail_set.remove(&me);
        tracing::debug!(
            node = me,
            t = now.0 / 1000,
            why,
            ?proc_set,
            ?fail_set,
            "entering GATHER state"
        );
        self.stats.gather_entered += 1;
        self.held = None;
        self.last_token = None;
        let t = self.cfg.timeouts;
        self.timers.token_loss = None;
        self.timers.token_retransmit = None;
        self.timers.merge = None;
        self.timers.hold = None;
        // A little jitter keeps nodes that started together from sending in lockstep.
        let jitter = self.rng.below(u64::from(t.join / 4 + 1)) as u32;
        self.timers.join = Some(now.plus_ms(t.join + jitter));
        self.timers.consensus = Some(now.plus_ms(t.consensus));
        self.state = MembState::Gather(Gather {
            proc_set,
            fail_set,
            consensus: BTreeSet::from([me]),
        });
        self.send_join();
    }

    /// Multicasts our current join message (Gather only).
    pub(super) fn send_join(&mut self) {
        let MembState::Gather(g) = &self.state else {
            return;
        };
        let msg = Message::Join(Join {
            ring_seq: self.max_ring_seq,
            proc_list: g.proc_set.iter().copied().collect(),
            fail_list: g.fail_set.iter().copied().collect(),
        });
        self.stats.memb_join_tx += 1;
        self.broadcast(msg);
    }

    pub(super) fn on_join(&mut self, now: Timestamp, from: NodeId, j: Join) {
        self.max_ring_seq = self.max_ring_seq.max(j.ring_seq);
        let me = self.cfg.node_id;
        let jp: BTreeSet<NodeId> = j.proc_list.iter().copied().collect();
        let jf: BTreeSet<NodeId> = j.fail_list.iter().copied().collect();
        match &mut self.state {
            MembState::Left => {}
            MembState::Gather(g) => {
                if jp == g.proc_set && jf == g.fail_set {
                    g.consensus.insert(from);
                    self.check_consensus(now);
                    return;
                }
                if jp.is_subset(&g.proc_set) && jf.is_subset(&g.fail_set) {
                    return;
                }
                if g.fail_set.contains(&from) {
                    return;
                }
                let mut proc_set = g.proc_set.clone();
                let mut fail_set = g.fail_set.clone();
                merge_sets(me, from, &self.memb, &jp, &jf, &mut proc_set, &mut fail_set);
                if proc_set == g.proc_set && fail_set == g.fail_set {
                    // Nothing new for us: keep the timers running.
                    return;
                }
                self.gather_enter(now, proc_set, fail_set, "merge during join");
            }
            MembState::Operational => {
                // Joins from before this ring was formed are stale.
                if self.memb.contains(&from) && j.ring_seq < self.ring.ring_id.seq {
                    return;
                }
                let proc_set: BTreeSet<NodeId> = self.memb.iter().copied().collect();
                if jp.is_subset(&proc_set) && jf.is_empty() {
                    return;
                }
                let mut proc_set = proc_set;
                let mut fail_set = BTreeSet::new();
                merge_sets(me, from, &self.memb, &jp, &jf, &mut proc_set, &mut fail_set);
                self.gather_enter(now, proc_set, fail_set, "join while operational");
            }
            MembState::Commit(c) => {
                if c.memb.contains(&from) && j.ring_seq >= c.ring_id.seq {
                    let proc_set = c.memb.iter().copied().collect();
                    self.gather_enter(now, proc_set, BTreeSet::new(), "join during commit");
                    self.on_join(now, from, j);
                }
            }
            MembState::Recovery(r) => {
                if r.commit.memb.contains(&from) && j.ring_seq >= r.commit.ring_id.seq {
                    let proc_set = r.commit.memb.iter().copied().collect();
                    self.gather_enter(now, proc_set, BTreeSet::new(), "join during recovery");
                    self.on_join(now, from, j);
                }
            }
        }
    }

    /// Creates the commit token when consensus is reached and we are the lowest node.
    fn check_consensus(&mut self, now: Timestamp) {
        let MembState::Gather(g) = &self.state else {
            return;
        };
        let wanted: Vec<NodeId> = g.proc_set.difference(&g.fail_set).copied().collect();
        if !wanted.iter().all(|n| g.consensus.contains(n)) {
            return;
        }
        if wanted.first() != Some(&self.cfg.node_id) {
            return;
        }
        let seq = self
            .max_ring_seq
            .max(self.ring.ring_id.seq)
            .max(self.attempted_seq)
            + 4;
        let n = wanted.len();
        let token = CommitToken {
            ring_id: RingId {
                rep: self.cfg.node_id,
                seq,
            },
            memb: wanted,
            entries: vec![None; n],
            hops: 0,
        };
        self.commit_enter(now, token);
    }

    /// The consensus timeout: silent nodes are failed, or we wait again.
    pub(super) fn consensus_timeout(&mut self, now: Timestamp) {
        let MembState::Gather(g) = &mut self.state else {
            return;
        };
        self.stats.consensus_timeouts += 1;
        let wanted: Vec<NodeId> = g.proc_set.difference(&g.fail_set).copied().collect();
        if wanted.iter().all(|n| g.consensus.contains(n)) {
            // Agreed but no commit token came: start counting again.
            g.consensus = BTreeSet::from([self.cfg.node_id]);
            self.timers.consensus = Some(now.plus_ms(self.cfg.timeouts.consensus));
            return;
        }
        let silent: Vec<NodeId> = wanted
            .into_iter()
            .filter(|n| !g.consensus.contains(n))
            .collect();
        let proc_set = g.proc_set.clone();
        let mut fail_set = g.fail_set.clone();
        fail_set.extend(silent);
        self.gather_enter(now, proc_set, fail_set, "consensus timeout");
    }

    /// The token did not come back in time.
    pub(super) fn token_lost(&mut self, now: Timestamp) {
        let proc_set: BTreeSet<NodeId> = match &self.state {
            MembState::Operational => self.memb.iter().copied().collect(),
            MembState::Commit(c) => c.memb.iter().copied().collect(),
            MembState::Recovery(r) => r.commit.memb.iter().copied().collect(),
            MembState::Gather(_) | MembState::Left => return,
        };
        self.stats.token_lost += 1;
        tracing::info!(
            node = self.cfg.node_id,
            ring = %self.ring.ring_id,
            "A processor failed, forming new configuration: token timed out ({}ms)",
            self.cfg.timeouts.token
        );
        self.gather_enter(now, proc_set, BTreeSet::new(), "token lost");
    }

    pub(super) fn on_merge_detect(&mut self, now: Timestamp, from: NodeId, ring_id: RingId) {
        if ring_id == self.ring.ring_id {
            return;
        }
        match &self.state {
            MembState::Operational => {
                if self.memb.contains(&from) {
                    return;
                }
                let mut proc_set: BTreeSet<NodeId> = self.memb.iter().copied().collect();
                proc_set.insert(from);
                self.gather_enter(now, proc_set, BTreeSet::new(), "merge detected");
            }
            MembState::Gather(g) => {
                if g.proc_set.contains(&from) {
                    return;
                }
                let mut proc_set = g.proc_set.clone();
                proc_set.insert(from);
                let fail_set = g.fail_set.clone();
                self.gather_enter(now, proc_set, fail_set, "merge detected during gather");
            }
            _ => {}
        }
    }

    /// A foreign node speaks on another ring: bring it into the next membership.
    pub(super) fn foreign_message(&mut self, now: Timestamp, from: NodeId) {
        self.on_merge_detect(
            now,
            from,
            RingId {
                rep: 0,
                seq: u64::MAX,
            },
        );
    }

    /// Our entry in the commit token: where we stand on our old ring.
    pub(super) fn my_memb_entry(&self) -> MembEntry {
        MembEntry {
            old_ring: self.ring.ring_id,
            aru: self.ring.aru,
            high_delivered: self.ring.high_delivered,
            high_received: self.ring.high_received,
        }
    }
}

/// Merges a join into our sets.
///
/// Only a member of our installed ring can make us split from it: if it
/// considers us failed, it is failed for us, and otherwise we adopt its
/// failures. From a node of another ring we adopt only failures of nodes
/// outside our ring (it may know they are gone; it cannot know about ours),
/// and, unlike totemsrp, not its claim that we failed: it would otherwise
/// fail us back at every merge attempt and the two sides could keep
/// excluding each other.
fn merge_sets(
    me: NodeId,
    from: NodeId,
    memb: &[NodeId],
    jp: &BTreeSet<NodeId>,
    jf: &BTreeSet<NodeId>,
    proc_set: &mut BTreeSet<NodeId>,
    fail_set: &mut BTreeSet<NodeId>,
) {
    proc_set.extend(jp.iter().copied());
    proc_set.insert(from);
    if memb.contains(&from) {
        if jf.contains(&me) {
            fail_set.insert(from);
        } else {
            fail_set.extend(jf.iter().copied());
        }
    } else {
        fail_set.extend(
            jf.iter()
                .copied()
                .filter(|n| !memb.contains(n) && *n != from),
        );
    }
    fail_set.remove(&me);
}
