//! Commit and Recovery: turning an agreed membership into an installed ring
//! with extended virtual synchrony.

use std::collections::VecDeque;

use super::command::{Command, ConfChange, ConfKind};
use super::message::{CommitToken, McastBody, Message, Token};
use super::ringbuf::RingBuf;
use super::srp::{MembState, Recovery, Srp};
use super::{NodeId, Timestamp};

impl Srp {
    /// Fills our entry of a first-rotation commit token, forwards it and enters Commit.
    pub(super) fn commit_enter(&mut self, now: Timestamp, mut token: CommitToken) {
        let me = self.cfg.node_id;
        let Some(idx) = token.memb.iter().position(|&n| n == me) else {
            return;
        };
        if let Some(slot) = token.entries.get_mut(idx) {
            *slot = Some(self.my_memb_entry());
        }
        self.stats.commit_entered += 1;
        self.attempted_seq = token.ring_id.seq;
        self.max_ring_seq = self.max_ring_seq.max(token.ring_id.seq);
        self.output.push(Command::PersistRingSeq(self.max_ring_seq));
        self.timers.join = None;
        self.timers.consensus = None;
        self.timers.token_loss = Some(now.plus_ms(self.cfg.timeouts.token));
        self.my_trc = 0;
        self.my_pbl = 0;
        tracing::debug!(node = me, ring = %token.ring_id, "entering COMMIT state");
        let next = self.next_of(&token.memb);
        token.hops += 1;
        self.state = MembState::Commit(token.clone());
        self.forward_token(now, next, Message::Commit(token));
    }

    pub(super) fn on_commit_token(&mut self, now: Timestamp, token: CommitToken) {
        let complete = token.entries.iter().all(Option::is_some)
            && token.entries.len() == token.memb.len()
            && !token.memb.is_empty();
        match &self.state {
            MembState::Gather(g) => {
                let wanted: Vec<NodeId> = g.proc_set.difference(&g.fail_set).copied().collect();
                let me = self.cfg.node_id;
                let mine_empty = token
                    .memb
                    .iter()
                    .position(|&n| n == me)
                    .and_then(|i| token.entries.get(i))
                    .is_some_and(Option::is_none);
                if token.memb == wanted
                    && mine_empty
                    && token.ring_id.seq > self.ring.ring_id.seq
                    && token.ring_id.seq > self.attempted_seq
                {
                    self.commit_enter(now, token);
                }
            }
            MembState::Commit(mine) => {
                if token.ring_id == mine.ring_id && complete {
                    self.recovery_enter(now, token);
                }
            }
            MembState::Recovery(r) => {
                let n = u32::try_from(token.memb.len()).unwrap_or(u32::MAX);
                if token.ring_id == r.commit.ring_id
                    && complete
                    && !r.originated
                    && token.memb.first() == Some(&self.cfg.node_id)
                    && token.hops >= 2 * n
                {
                    if let MembState::Recovery(r) = &mut self.state {
                        r.originated = true;
                    }
                    self.token_seq_seen = 0;
                    let tok = Token {
                        ring_id: token.ring_id,
                        token_seq: 1,
                        seq: 0,
                        aru: 0,
                        aru_addr: 0,
                        fcc: 0,
                        backlog: 0,
                        retrans_flg: false,
                        rtr: Vec::new(),
                    };
                    self.last_token = None;
                    self.send_token_msg(self.cfg.node_id, Message::Token(tok));
                }
            }
            MembState::Operational | MembState::Left => {}
        }
    }

    /// The commit token came back with every entry: start recovering old messages.
    fn recovery_enter(&mut self, now: Timestamp, mut token: CommitToken) {
        let old = self.ring.ring_id;
        let mut trans = Vec::new();
        let mut low_aru = u64::MAX;
        let mut high = 0;
        for (n, e) in token.memb.iter().zip(&token.entries) {
            if let Some(e) = e
                && e.old_ring == old
            {
                trans.push(*n);
                low_aru = low_aru.min(e.aru);
                high = high.max(e.high_received);
            }
        }
        if low_aru == u64::MAX {
            low_aru = self.ring.aru;
        }
        let retrans: VecDeque<_> = self
            .ring
            .range(low_aru + 1, high.min(self.ring.high_received))
            .filter(|m| matches!(m.body, McastBody::Regular(_)))
            .cloned()
            .collect();
        self.stats.recovery_entered += 1;
        tracing::debug!(
            node = self.cfg.node_id,
            ring = %token.ring_id,
            to_retransmit = retrans.len(),
            low_aru,
            high,
            "entering RECOVERY state"
        );
        self.token_seq_seen = 0;
        self.my_trc = 0;
        self.my_pbl = 0;
        self.last_aru = 0;
        self.last_seq = 0;
        self.seq_unchanged = 0;
        self.timers.token_loss = Some(now.plus_ms(self.cfg.timeouts.token));
        let next = self.next_of(&token.memb);
        token.hops += 1;
        let buf = RingBuf::new(token.ring_id);
        self.state = MembState::Recovery(Box::new(Recovery {
            commit: token.clone(),
            buf,
            trans,
            retrans,
            originated: false,
            set_retrans_flg: false,
            retrans_flg_count: 0,
            install_seq: 0,
            rotation_counter: 0,
        }));
        self.forward_token(now, next, Message::Commit(token));
    }

    /// Installs the new ring: old messages, transitional and regular configurations.
    pub(super) fn operational_enter(&mut self, now: Timestamp, r: Box<Recovery>) {
        let old_memb = std::mem::take(&mut self.memb);
        // Old-ring messages deliverable in order, then the transitional configuration.
        self.deliver_ring(false);
        let left: Vec<NodeId> = old_memb
            .iter()
            .copied()
            .filter(|n| !r.trans.contains(n))
            .collect();
        self.output.push(Command::ConfChange(ConfChange {
            kind: ConfKind::Transitional,
            ring_id: r.commit.ring_id,
            members: r.trans.clone(),
            left: left.clone(),
            joined: Vec::new(),
        }));
        // What is left of the old ring, holes skipped.
        self.deliver_ring(true);
        self.assembler.reset();
        self.packer.restart_partial();
        let joined: Vec<NodeId> = r
            .commit
            .memb
            .iter()
            .copied()
            .filter(|n| !r.trans.contains(n))
            .collect();
        let mut buf = r.buf;
        // Everything up to the install point was recovery traffic that everyone has.
        buf.high_delivered = buf.high_delivered.max(r.install_seq.min(buf.aru));
        buf.release(r.install_seq);
        self.ring = buf;
        self.memb = r.commit.memb.clone();
        self.state = MembState::Operational;
        self.stats.operational_entered += 1;
        self.timers.merge = Some(now.plus_ms(self.cfg.timeouts.merge));
        tracing::info!(
            node = self.cfg.node_id,
            t = now.0 / 1000,
            ring = %self.ring.ring_id,
            members = ?self.memb,
            ?joined,
            ?left,
            "A new membership ({}) was formed",
            self.ring.ring_id
        );
        self.output.push(Command::ConfChange(ConfChange {
            kind: ConfKind::Regular,
            ring_id: r.commit.ring_id,
            members: self.memb.clone(),
            left: Vec::new(),
            joined,
        }));
        // New-ring messages that arrived while we were still recovering.
        self.deliver_ring(false);
    }

    /// Delivers messages of the installed ring in order: up to the first gap,
    /// or (`skip_holes`) everything received.
    pub(super) fn deliver_ring(&mut self, skip_holes: bool) {
        let upto = if skip_holes {
            self.ring.high_received
        } else {
            self.ring.aru
        };
        let mut done = Vec::new();
        if self.ring.high_delivered < upto {
            // Only held messages are visited, so holes cost nothing.
            for m in self.ring.range(self.ring.high_delivered + 1, upto) {
                if let McastBody::Regular(p) = &m.body {
                    let mut out = Vec::new();
                    self.assembler.feed(m.sender, p, &mut out);
                    done.extend(out.into_iter().map(|d| (m.sender, d)));
                }
            }
            self.ring.high_delivered = upto;
        }
        for (sender, data) in done {
            self.stats.delivered += 1;
            self.output.push(Command::Deliver { sender, data });
        }
    }

    /// Recovery bookkeeping at each token visit; true when it is time to install.
    pub(super) fn recovery_token_visit(r: &mut Recovery, tok: &mut Token) -> bool {
        if !r.retrans.is_empty() {
            if !tok.retrans_flg {
                tok.retrans_flg = true;
                r.set_retrans_flg = true;
            }
        } else if tok.retrans_flg && r.set_retrans_flg {
            tok.retrans_flg = false;
            r.set_retrans_flg = false;
        }
        if tok.retrans_flg {
            r.retrans_flg_count = 0;
        } else {
            r.retrans_flg_count += 1;
        }
        if r.retrans_flg_count == 2 {
            r.install_seq = tok.seq;
        }
        if r.retrans_flg_count >= 3 && tok.aru >= r.install_seq && r.buf.aru >= r.install_seq {
            r.rotation_counter += 1;
        } else {
            r.rotation_counter = 0;
        }
        r.rotation_counter >= 2
    }
}
