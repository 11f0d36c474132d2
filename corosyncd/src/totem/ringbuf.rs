//! The messages one node holds for one ring, by sequence number.

use std::collections::BTreeMap;

use super::RingId;
use super::message::Mcast;

/// How far past its all-received point a ring may be: flow control keeps
/// real rings far below this; anything beyond is garbage.
pub const MAX_AHEAD: u64 = 1 << 20;

/// Received messages of one ring and how far they are contiguous and delivered.
#[derive(Debug, Clone)]
pub struct RingBuf {
    /// The ring.
    pub ring_id: RingId,
    msgs: BTreeMap<u64, Mcast>,
    /// All messages up to here have been received.
    pub aru: u64,
    /// Highest sequence number received.
    pub high_received: u64,
    /// Highest sequence number delivered (or skipped) locally.
    pub high_delivered: u64,
    /// Messages up to here were freed (everyone had them).
    pub released: u64,
}

impl RingBuf {
    /// An empty buffer for `ring_id`.
    pub fn new(ring_id: RingId) -> Self {
        RingBuf {
            ring_id,
            msgs: BTreeMap::new(),
            aru: 0,
            high_received: 0,
            high_delivered: 0,
            released: 0,
        }
    }

    /// Stores a message unless it is a duplicate, already freed, or
    /// impossibly far ahead (more than [`MAX_AHEAD`] past what we hold);
    /// true when new.
    pub fn insert(&mut self, m: Mcast) -> bool {
        let seq = m.seq;
        if seq == 0
            || seq <= self.released
            || seq > self.aru.saturating_add(MAX_AHEAD)
            || self.msgs.contains_key(&seq)
        {
            return false;
        }
        self.msgs.insert(seq, m);
        self.high_received = self.high_received.max(seq);
        while self.aru < self.released || self.msgs.contains_key(&(self.aru + 1)) {
            self.aru += 1;
        }
        true
    }

    /// The message with sequence number `seq`, if held.
    pub fn get(&self, seq: u64) -> Option<&Mcast> {
        self.msgs.get(&seq)
    }

    /// Whether `seq` is held or was already freed.
    pub fn has(&self, seq: u64) -> bool {
        seq <= self.released || self.msgs.contains_key(&seq)
    }

    /// Sequence numbers in `aru+1..=upto` that are missing, at most `max` of them.
    pub fn missing(&self, upto: u64, max: usize) -> Vec<u64> {
        (self.aru + 1..=upto)
            .filter(|s| !self.msgs.contains_key(s))
            .take(max)
            .collect()
    }

    /// Frees messages up to `upto` that were delivered locally.
    pub fn release(&mut self, upto: u64) {
        let upto = upto.min(self.high_delivered).min(self.aru);
        if upto <= self.released {
            return;
        }
        let keep = self.msgs.split_off(&(upto + 1));
        self.msgs = keep;
        self.released = upto;
    }

    /// Messages held in `from..=to`, in order.
    pub fn range(&self, from: u64, to: u64) -> impl Iterator<Item = &Mcast> {
        self.msgs
            .range(from..=to.max(from))
            .map(|(_, m)| m)
            .filter(move |m| m.seq <= to)
    }

    /// Number of messages held.
    pub fn len(&self) -> usize {
        self.msgs.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.msgs.is_empty()
    }
}
