//! Token and multicast handling on a ring (Operational and Recovery).

use super::codec::MAX_RTR;
use super::command::{Command, Dest};
use super::message::{Mcast, McastBody, Message, Token};
use super::srp::{MembState, Srp};
use super::{NodeId, Timestamp};

impl Srp {
    pub(super) fn on_mcast(&mut self, now: Timestamp, from: NodeId, m: Mcast) {
        self.stats.mcast_rx += 1;
        let me = self.cfg.node_id;
        if m.ring_id == self.ring.ring_id {
            if m.sender != me && matches!(self.state, MembState::Operational) {
                // Someone after us sends: the token got through.
                self.timers.token_retransmit = None;
            }
            self.ring.insert(m);
            if matches!(self.state, MembState::Operational) {
                self.deliver_ring(false);
            }
            return;
        }
        if let MembState::Recovery(r) = &mut self.state
            && m.ring_id == r.buf.ring_id
        {
            if m.sender != me {
                self.timers.token_retransmit = None;
            }
            if let McastBody::Encapsulated(inner) = &m.body
                && inner.ring_id == self.ring.ring_id
            {
                self.ring.insert((**inner).clone());
            }
            r.buf.insert(m);
            return;
        }
        // A message of another ring from a node outside ours: it is alive, merge.
        let outside = match &self.state {
            MembState::Operational => !self.memb.contains(&from),
            MembState::Gather(g) => !g.proc_set.contains(&from),
            _ => false,
        };
        if outside && m.sender == from {
            self.foreign_message(now, from);
        }
    }

    pub(super) fn on_token(&mut self, now: Timestamp, mut tok: Token) {
        let me = self.cfg.node_id;
        let on_ring = match &self.state {
            MembState::Operational => tok.ring_id == self.ring.ring_id,
            MembState::Recovery(r) => tok.ring_id == r.buf.ring_id,
            _ => false,
        };
        if !on_ring || tok.token_seq <= self.token_seq_seen {
            return;
        }
        let my_aru = match &self.state {
            MembState::Recovery(r) => r.buf.aru,
            _ => self.ring.aru,
        };
        if tok.seq > my_aru.saturating_add(super::ringbuf::MAX_AHEAD) || tok.token_seq == u64::MAX {
            // No real ring gets this far ahead of us: a corrupt token.
            return;
        }
        self.timers.token_retransmit = None;
        self.timers.token_loss = Some(now.plus_ms(self.cfg.timeouts.token));
        self.hold_cancel_sent = false;
        let recovering = matches!(self.state, MembState::Recovery(_));

        // Idle detection: the representative holds the token of an idle ring.
        if tok.seq == self.last_seq {
            self.seq_unchanged = self.seq_unchanged.saturating_add(1);
        } else {
            self.seq_unchanged = 0;
        }
        self.last_seq = tok.seq;

        let t = self.cfg.timeouts;
        let room = self.cfg.packet_room;
        let mut state = std::mem::replace(&mut self.state, MembState::Left);
        let mut rec: Option<&mut super::srp::Recovery> = match &mut state {
            MembState::Recovery(r) => Some(r),
            _ => None,
        };

        if !recovering {
            let free_to = tok.aru.min(self.last_aru);
            self.ring.release(free_to);
        }
        self.last_aru = tok.aru;

        // Flow control (totemsrp's fcc_calculate).
        let mut allowed = t.max_messages.min(t.window_size.saturating_sub(tok.fcc));
        let my_cbl = match &rec {
            Some(r) => r.retrans.len(),
            None => self.packer.packets_pending(room),
        } as u32;
        let ring_backlog = (tok.backlog + my_cbl).saturating_sub(self.my_pbl);
        if let Some(share) = t
            .window_size
            .saturating_mul(self.my_pbl)
            .checked_div(ring_backlog)
            && share > 0
            && allowed > share
        {
            allowed = share;
        }

        // Retransmit what others miss.
        let mut sent: u32 = 0;
        let mut still_missing = Vec::new();
        for &s in &tok.rtr {
            let found = match &rec {
                Some(r) => r.buf.get(s).cloned(),
                None => self.ring.get(s).cloned(),
            };
            match found {
                Some(m) if sent < allowed.max(1) => {
                    sent += 1;
                    self.stats.mcast_retx += 1;
                    self.output.push(Command::Send {
                        to: Dest::All,
                        msg: Message::Mcast(m),
                    });
                }
                _ => still_missing.push(s),
            }
        }
        tok.rtr = still_missing;

        // New messages.
        let regular_allowed = allowed.saturating_sub(sent);
        let mut originated = 0;
        while originated < regular_allowed {
            let body = match &mut rec {
                Some(r) => match r.retrans.pop_front() {
                    Some(old) => McastBody::Encapsulated(Box::new(old)),
                    None => break,
                },
                None => match self.packer.next_packet(room) {
                    Some(p) => McastBody::Regular(p),
                    None => break,
                },
            };
            tok.seq += 1;
            let m = Mcast {
                ring_id: tok.ring_id,
                seq: tok.seq,
                sender: me,
                body,
            };
            match &mut rec {
                Some(r) => {
                    r.buf.insert(m.clone());
                }
                None => {
                    self.ring.insert(m.clone());
                }
            }
            originated += 1;
            self.stats.mcast_tx += 1;
            self.output.push(Command::Send {
                to: Dest::All,
                msg: Message::Mcast(m),
            });
        }
        if originated > 0 {
            self.seq_unchanged = 0;
            self.last_seq = tok.seq;
        }

        // Ask for what we miss.
        let (my_aru, missing) = match &rec {
            Some(r) => (r.buf.aru, r.buf.missing(tok.seq, MAX_RTR)),
            None => (self.ring.aru, self.ring.missing(tok.seq, MAX_RTR)),
        };
        for s in missing {
            if tok.rtr.len() >= MAX_RTR {
                break;
            }
            if !tok.rtr.contains(&s) {
                tok.rtr.push(s);
            }
        }

        // Flow control bookkeeping (fcc_token_update).
        let total = sent + originated;
        tok.fcc = (tok.fcc + total).saturating_sub(self.my_trc);
        self.my_trc = total;
        tok.backlog = (tok.backlog + my_cbl).saturating_sub(self.my_pbl);
        self.my_pbl = my_cbl;

        // All-received-up-to.
        if my_aru < tok.aru || tok.aru_addr == me || tok.aru_addr == 0 {
            tok.aru = my_aru;
            tok.aru_addr = if tok.aru == tok.seq { 0 } else { me };
        }

        self.token_seq_seen = tok.token_seq;
        tok.token_seq += 1;

        let install = match &mut rec {
            Some(r) => Self::recovery_token_visit(r, &mut tok),
            None => false,
        };
        self.state = state;

        let memb = match &self.state {
            MembState::Recovery(r) => r.commit.memb.clone(),
            _ => self.memb.clone(),
        };
        let next = self.next_of(&memb);

        if install && let MembState::Recovery(_) = self.state {
            let MembState::Recovery(r) = std::mem::replace(&mut self.state, MembState::Operational)
            else {
                return;
            };
            self.operational_enter(now, r);
        }

        let hold = matches!(self.state, MembState::Operational)
            && self.is_rep()
            && self.seq_unchanged > t.seqno_unchanged_const
            && self.packer.is_empty()
            && tok.rtr.is_empty()
            && tok.aru == tok.seq;
        if hold {
            self.held = Some(tok);
            self.timers.hold = Some(now.plus_ms(t.hold));
            // The token is with us: no one needs to retransmit it.
            self.last_token = None;
        } else {
            self.forward_token(now, next, Message::Token(tok));
        }
        if matches!(self.state, MembState::Operational) {
            self.deliver_ring(false);
        }
    }
}
