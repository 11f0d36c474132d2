//! The cluster-wide CIB, sans IO: the instances of `pacemaker-based` in
//! the CPG group `cib` agree on one CIB.
//!
//! Every write is multicast in the group and applied by every member when
//! it is delivered, in the agreed order; the member that sent it replies
//! to its client then. Starting from the same CIB, all members reach the
//! same CIB (the request carries everything that would differ between
//! nodes: origin, user, the `cib-last-written` time).
//!
//! Members start from the same CIB thanks to sync rounds. A membership
//! change that brings a member starts a round: every member stops applying
//! writes (those delivered meanwhile are dropped everywhere, and their
//! senders send them again after the round) and announces its version and
//! digest. When every member has announced, all know the same thing at
//! the same point of the order: if the digests agree the round ends there;
//! otherwise the member with the best version (`admin_epoch`, `epoch`,
//! `num_updates`; valid CIBs before invalid ones; ties go to the lowest
//! node id) multicasts its whole CIB, which the others take when it is
//! delivered. As in Pacemaker, the higher version wins a conflict.
//!
//! Deviations from Pacemaker: there the controller on the DC asks for the
//! sync when a node joins (`cib_sync`); here the CIB managers do it by
//! themselves, so that the CIB is replicated with or without a controller.
//! Writes are accepted without quorum, as in Pacemaker 3 (its CIB manager
//! no longer checks quorum; `cib_quorum_override` has no effect).

pub mod wire;

use std::collections::BTreeMap;
use std::time::Duration;

use pcmk_common::cib::CibVersion;
use pcmk_common::cib::digest_xml;
use pcmk_common::patchset::{DiffOptions, create_patchset};
use pcmk_common::xml::Element;

use crate::acl::GroupLookup;
use crate::cib::{Change, Cib, Context};
use crate::error::{CibError, Failure};
use crate::notes::Note;
use crate::request::Request;

/// A process in the CPG group (Corosync node id and process id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Member {
    /// The Corosync node id.
    pub nodeid: u32,
    /// The process id.
    pub pid: u32,
}

/// A write as it travels between members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// The sender's number for it.
    pub call_id: u64,
    /// The request (user resolved, origin set to the sender's node name).
    pub request: Request,
    /// `cib-last-written` if the configuration changes.
    pub last_written: String,
}

/// A message between members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerMsg {
    /// A write to apply.
    Write(Write),
    /// A member's CIB at the start of a round.
    Announce {
        /// The round (the members when it started).
        round: Vec<Member>,
        /// The member's version.
        version: CibVersion,
        /// Whether the member's CIB validates.
        valid: bool,
        /// The digest of its whole CIB.
        digest: String,
    },
    /// The whole CIB of the round's winner.
    Sync {
        /// The round.
        round: Vec<Member>,
        /// The CIB.
        cib: Element,
    },
}

/// What happens to the core.
#[derive(Debug)]
pub enum Input {
    /// The group's membership changed (in agreed order).
    Membership {
        /// Members now.
        members: Vec<Member>,
        /// Members that came.
        joined: Vec<Member>,
    },
    /// A message was delivered (in agreed order).
    Delivered {
        /// Its sender.
        from: Member,
        /// The message.
        msg: PeerMsg,
    },
    /// A local client asks for a write.
    Local(Write),
    /// Time passed: `now` on a monotonic clock of the shell's choice.
    Tick(Duration),
}

/// Largest message sent to the group: corosync's API takes messages of
/// up to 4 MiB; some room is left for the envelope.
pub const MAX_PEER_MESSAGE: usize = (4 << 20) - 4096;

/// How long a write of ours may wait for its delivery before its client
/// is told it failed.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// The result of applying a write.
#[derive(Debug)]
pub struct Applied {
    /// Output (rarely any for writes).
    pub output: Option<Element>,
    /// The change, if the CIB changed.
    pub change: Option<Change>,
    /// Log records.
    pub notes: Vec<Note>,
}

/// What the shell must do.
#[derive(Debug)]
pub enum Effect {
    /// Multicast these bytes (an encoded [`PeerMsg`]) to the group.
    Mcast(Vec<u8>),
    /// A write was applied (or failed) here.
    Applied {
        /// Our call id when we sent it (reply to the client then).
        ours: Option<u64>,
        /// The request.
        request: Box<Request>,
        /// What happened.
        result: Result<Applied, Failure>,
    },
    /// The CIB was replaced by the round's winner's.
    Replaced {
        /// The difference, as a v2 patchset (for subscribers).
        patchset: Option<Element>,
        /// The version now.
        version: CibVersion,
    },
    /// The CIB agrees with the group again.
    Synced {
        /// The version agreed on.
        version: CibVersion,
    },
}

/// What a member announced in the current round.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Announced {
    version: CibVersion,
    valid: bool,
    digest: String,
}

/// Where this member stands with the group.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SyncState {
    /// Not in the group yet (our own join was not delivered).
    Outside,
    /// A sync round runs: writes are not applied.
    Round {
        /// The members when it started.
        tag: Vec<Member>,
        /// Who announced what.
        announced: BTreeMap<Member, Announced>,
        /// Whether we sent our CIB as the winner.
        sent: bool,
    },
    /// In agreement with the group.
    Synced,
}

/// Where a write of ours stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    /// Multicast, waiting for its delivery.
    InFlight,
    /// To send when the round ends (made during a round, or delivered
    /// during one and dropped).
    Held,
}

/// A write of ours not answered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pending {
    write: Box<Write>,
    sent: Sent,
    /// When it was asked for.
    since: Duration,
}

/// The replica state of one member.
#[derive(Debug)]
pub struct Cluster {
    me: Member,
    members: Vec<Member>,
    state: SyncState,
    pending: BTreeMap<u64, Pending>,
    /// The last time given by [`Input::Tick`].
    now: Duration,
}

/// The local CIB and whether it may be changed.
pub struct Replica<'a> {
    /// The CIB.
    pub cib: &'a mut Cib,
    /// Why writes are refused (the CIB does not validate).
    pub refused: &'a mut Option<CibError>,
    /// Unix groups, for ACLs.
    pub groups: &'a dyn GroupLookup,
}

/// The digest members compare: over the whole document, unfiltered.
pub fn agreement_digest(doc: &Element) -> String {
    digest_xml(doc, false)
}

impl Cluster {
    /// A member that has not joined yet.
    pub fn new(me: Member) -> Self {
        Cluster {
            me,
            members: Vec::new(),
            state: SyncState::Outside,
            pending: BTreeMap::new(),
            now: Duration::ZERO,
        }
    }

    /// This member.
    pub fn me(&self) -> Member {
        self.me
    }

    /// The current members.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// Whether writes are applied now (no round running).
    pub fn is_synced(&self) -> bool {
        self.state == SyncState::Synced
    }

    /// How many of our writes wait for their delivery.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Handles one input; returns what to do, in order.
    pub fn handle(&mut self, replica: &mut Replica<'_>, input: Input) -> Vec<Effect> {
        let mut fx = Vec::new();
        match input {
            Input::Membership { members, joined } => {
                self.membership(replica, members, &joined, &mut fx);
            }
            Input::Delivered { from, msg } => match msg {
                PeerMsg::Write(w) => self.deliver_write(replica, from, w, &mut fx),
                PeerMsg::Announce {
                    round,
                    version,
                    valid,
                    digest,
                } => {
                    if let SyncState::Round { tag, announced, .. } = &mut self.state {
                        if *tag == round && self.members.contains(&from) {
                            announced.insert(
                                from,
                                Announced {
                                    version,
                                    valid,
                                    digest,
                                },
                            );
                        }
                    }
                    self.evaluate(replica, &mut fx);
                }
                PeerMsg::Sync { round, cib } => {
                    self.deliver_sync(replica, from, &round, cib, &mut fx)
                }
            },
            Input::Local(w) => self.local(w, &mut fx),
            Input::Tick(now) => self.tick(now, &mut fx),
        }
        fx
    }

    fn local(&mut self, w: Write, fx: &mut Vec<Effect>) {
        let id = w.call_id;
        let bytes = wire::encode_write(&w);
        if bytes.len() > MAX_PEER_MESSAGE {
            tracing::error!(
                size = bytes.len(),
                "Refusing a write too large to send to the other nodes"
            );
            fx.push(Effect::Applied {
                ours: Some(id),
                request: Box::new(w.request),
                result: Err(Failure::new(CibError::MessageTooLong)),
            });
            return;
        }
        let sent = if self.is_synced() {
            fx.push(Effect::Mcast(bytes));
            Sent::InFlight
        } else {
            Sent::Held
        };
        self.pending.insert(
            id,
            Pending {
                write: Box::new(w),
                sent,
                since: self.now,
            },
        );
    }

    /// Fails the writes that waited too long. One already sent may still
    /// be applied later (its client cannot know, as with any timeout).
    fn tick(&mut self, now: Duration, fx: &mut Vec<Effect>) {
        self.now = now;
        let late: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, p)| now.saturating_sub(p.since) >= WRITE_TIMEOUT)
            .map(|(id, _)| *id)
            .collect();
        for id in late {
            if let Some(p) = self.pending.remove(&id) {
                tracing::warn!(call_id = id, sent = ?p.sent, "A write timed out waiting for the group");
                fx.push(Effect::Applied {
                    ours: Some(id),
                    request: Box::new(p.write.request),
                    result: Err(Failure::new(CibError::Timeout)),
                });
            }
        }
    }

    fn membership(
        &mut self,
        replica: &mut Replica<'_>,
        mut members: Vec<Member>,
        joined: &[Member],
        fx: &mut Vec<Effect>,
    ) {
        members.sort();
        members.dedup();
        self.members = members;
        if !self.members.contains(&self.me) {
            // We left (or were not let in): wait for our own join.
            self.state = SyncState::Outside;
            return;
        }
        let outside = self.state == SyncState::Outside;
        if joined.is_empty() && !outside {
            // Only departures: a running round goes on with fewer members.
            self.evaluate(replica, fx);
            return;
        }
        let tag = self.members.clone();
        tracing::info!(members = ?tag, "CIB sync round started");
        fx.push(Effect::Mcast(wire::encode(&PeerMsg::Announce {
            round: tag.clone(),
            version: replica.cib.version(),
            valid: replica.refused.is_none(),
            digest: agreement_digest(replica.cib.doc()),
        })));
        self.state = SyncState::Round {
            tag,
            announced: BTreeMap::new(),
            sent: false,
        };
    }

    /// The member whose CIB wins the round, when everyone has announced;
    /// `None` while announcements are missing. Also says whether all
    /// announced the same digest.
    fn round_result(&self) -> Option<(Member, bool)> {
        let SyncState::Round { announced, .. } = &self.state else {
            return None;
        };
        let mut best: Option<(Member, &Announced)> = None;
        for m in &self.members {
            let a = announced.get(m)?;
            let better = match best {
                None => true,
                Some((bm, b)) => {
                    (a.valid, a.version) > (b.valid, b.version) || {
                        (a.valid, a.version) == (b.valid, b.version) && *m < bm
                    }
                }
            };
            if better {
                best = Some((*m, a));
            }
        }
        let (winner, w) = best?;
        let agree = self
            .members
            .iter()
            .all(|m| announced.get(m).is_some_and(|a| a.digest == w.digest));
        Some((winner, agree))
    }

    fn evaluate(&mut self, replica: &mut Replica<'_>, fx: &mut Vec<Effect>) {
        let Some((winner, agree)) = self.round_result() else {
            return;
        };
        if agree {
            self.finish_round(replica, fx);
            return;
        }
        if let SyncState::Round { tag, sent, .. } = &mut self.state {
            if winner == self.me && !*sent {
                tracing::info!(version = %replica.cib.version(), "Sending our CIB to the group");
                *sent = true;
                let bytes = wire::encode(&PeerMsg::Sync {
                    round: tag.clone(),
                    cib: replica.cib.doc().clone(),
                });
                if bytes.len() > MAX_PEER_MESSAGE {
                    tracing::error!(
                        size = bytes.len(),
                        "The CIB is too large to send to the other nodes; they stay out of sync"
                    );
                }
                fx.push(Effect::Mcast(bytes));
            }
        }
    }

    fn deliver_sync(
        &mut self,
        replica: &mut Replica<'_>,
        from: Member,
        round: &[Member],
        cib: Element,
        fx: &mut Vec<Effect>,
    ) {
        let expected = match &self.state {
            SyncState::Round { tag, .. } if tag.as_slice() == round => self.round_result(),
            _ => None,
        };
        if expected.map(|(w, _)| w) != Some(from) {
            tracing::debug!(from = from.nodeid, "Ignoring a CIB sync outside its round");
            return;
        }
        if agreement_digest(&cib) != agreement_digest(replica.cib.doc()) {
            let patchset = create_patchset(replica.cib.doc(), &cib, DiffOptions::default())
                .map(|d| d.patchset);
            let mut new = Cib::new(cib);
            *replica.refused = new.validate().err().map(|e| {
                CibError::SchemaValidation(match e {
                    crate::schema::SchemaError::Invalid(v) => v,
                    _ => Vec::new(),
                })
            });
            *replica.cib = new;
            let version = replica.cib.version();
            tracing::info!(%version, from = from.nodeid, "Replaced our CIB with the group's");
            fx.push(Effect::Replaced { patchset, version });
        }
        self.finish_round(replica, fx);
    }

    fn finish_round(&mut self, replica: &mut Replica<'_>, fx: &mut Vec<Effect>) {
        self.state = SyncState::Synced;
        let version = replica.cib.version();
        tracing::info!(%version, "CIB in sync with the group");
        fx.push(Effect::Synced { version });
        for p in self.pending.values_mut() {
            if p.sent == Sent::Held {
                fx.push(Effect::Mcast(wire::encode_write(&p.write)));
                p.sent = Sent::InFlight;
            }
        }
    }

    fn deliver_write(
        &mut self,
        replica: &mut Replica<'_>,
        from: Member,
        w: Write,
        fx: &mut Vec<Effect>,
    ) {
        let ours = from == self.me;
        if !self.is_synced() {
            if ours {
                if let Some(p) = self.pending.get_mut(&w.call_id) {
                    p.sent = Sent::Held;
                }
            }
            return;
        }
        let ours = if ours && self.pending.remove(&w.call_id).is_some() {
            Some(w.call_id)
        } else {
            None
        };
        let result = apply_write(replica, &w);
        fx.push(Effect::Applied {
            ours,
            request: Box::new(w.request),
            result,
        });
    }
}

/// Applies a delivered write to the replica.
fn apply_write(replica: &mut Replica<'_>, w: &Write) -> Result<Applied, Failure> {
    if let Some(e) = replica.refused.as_ref() {
        return Err(Failure::new(e.clone()));
    }
    let ctx = Context {
        last_written: Some(w.last_written.clone()),
        groups: replica.groups,
        check_feature_set: true,
        return_rejected: true,
    };
    replica.cib.perform(&w.request, &ctx).map(|o| Applied {
        output: o.output.map(std::borrow::Cow::into_owned),
        change: o.change,
        notes: o.notes,
    })
}

#[cfg(test)]
mod tests;
