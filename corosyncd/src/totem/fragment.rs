//! Packing application messages into totem packets, and back.
//!
//! Small messages share a packet; large ones (CIBs of several MB) are cut
//! into fragments across consecutive packets of their sender. A fragment
//! is `msg_id u64, offset u32, total u32, len u32, bytes`. Totem delivers a
//! sender's packets in order, so a receiver appends fragments of one
//! message until it has `total` bytes. A fragment that does not continue
//! what the receiver holds is dropped along with the partial message: that
//! is what happens to a message cut by a configuration change, and the
//! sender then sends it again whole in the new configuration (see
//! [`Packer::restart_partial`]), so every member of a configuration
//! delivers the same whole messages.

use std::collections::{BTreeMap, VecDeque};

use super::NodeId;

const FRAG_HEADER: usize = 20;

/// Messages waiting to be sent, and how far the first one has gone.
#[derive(Debug, Default)]
pub struct Packer {
    queue: VecDeque<(u64, Vec<u8>)>,
    /// Bytes of the first queued message already sent.
    offset: usize,
    next_id: u64,
    queued_bytes: usize,
}

impl Packer {
    /// Queues one application message.
    pub fn push(&mut self, data: Vec<u8>) {
        self.next_id += 1;
        self.queued_bytes += data.len();
        self.queue.push_back((self.next_id, data));
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Messages waiting.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Bytes waiting.
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// Packets needed to send everything queued, with `room` bytes per packet (for flow control).
    pub fn packets_pending(&self, room: usize) -> usize {
        let per = room.saturating_sub(FRAG_HEADER).max(1);
        self.queue
            .iter()
            .map(|(_, d)| d.len().div_ceil(per).max(1))
            .sum::<usize>()
            .saturating_sub(self.offset / per)
    }

    /// Fills one packet of at most `room` bytes; `None` when nothing waits.
    pub fn next_packet(&mut self, room: usize) -> Option<Vec<u8>> {
        if self.queue.is_empty() || room <= FRAG_HEADER {
            return None;
        }
        let mut out = Vec::with_capacity(room);
        while let Some((id, data)) = self.queue.front() {
            let space = room.saturating_sub(out.len());
            if space <= FRAG_HEADER {
                break;
            }
            let rest = data.len() - self.offset;
            // Do not start a small message in a sliver of space: keep it whole.
            if self.offset == 0 && rest + FRAG_HEADER > space && !out.is_empty() && rest < room / 2
            {
                break;
            }
            let n = rest.min(space - FRAG_HEADER);
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&(self.offset as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(n as u32).to_le_bytes());
            out.extend_from_slice(&data[self.offset..self.offset + n]);
            self.offset += n;
            if self.offset == data.len() {
                self.queued_bytes -= data.len();
                self.queue.pop_front();
                self.offset = 0;
            } else {
                break;
            }
        }
        Some(out)
    }

    /// Starts the partly sent message again from its beginning, under a new id.
    pub fn restart_partial(&mut self) {
        if self.offset > 0
            && let Some(front) = self.queue.front_mut()
        {
            self.next_id += 1;
            front.0 = self.next_id;
            self.offset = 0;
        }
    }
}

#[derive(Debug)]
struct Partial {
    id: u64,
    total: usize,
    data: Vec<u8>,
}

/// Per-sender reassembly of fragments into whole messages.
#[derive(Debug, Default)]
pub struct Assembler {
    partial: BTreeMap<NodeId, Partial>,
    /// Fragments dropped because they continued nothing.
    pub dropped: u64,
}

/// Largest message accepted for reassembly.
pub const MAX_MESSAGE: usize = 1 << 30;

impl Assembler {
    /// Feeds one packet of `sender`, appending every completed message to `out`.
    pub fn feed(&mut self, sender: NodeId, mut pkt: &[u8], out: &mut Vec<Vec<u8>>) {
        while pkt.len() >= FRAG_HEADER {
            let id = u64::from_le_bytes(pkt[0..8].try_into().unwrap_or_default());
            let offset = u32::from_le_bytes(pkt[8..12].try_into().unwrap_or_default()) as usize;
            let total = u32::from_le_bytes(pkt[12..16].try_into().unwrap_or_default()) as usize;
            let len = u32::from_le_bytes(pkt[16..20].try_into().unwrap_or_default()) as usize;
            let Some(bytes) = pkt.get(FRAG_HEADER..FRAG_HEADER + len) else {
                self.dropped += 1;
                return;
            };
            pkt = &pkt[FRAG_HEADER + len..];
            if total > MAX_MESSAGE || offset + len > total {
                self.dropped += 1;
                self.partial.remove(&sender);
                continue;
            }
            if offset == 0 {
                if self.partial.remove(&sender).is_some() {
                    self.dropped += 1;
                }
                if len == total {
                    out.push(bytes.to_vec());
                } else {
                    let mut data = Vec::with_capacity(total.min(1 << 24));
                    data.extend_from_slice(bytes);
                    self.partial.insert(sender, Partial { id, total, data });
                }
                continue;
            }
            match self.partial.get_mut(&sender) {
                Some(p) if p.id == id && p.data.len() == offset && p.total == total => {
                    p.data.extend_from_slice(bytes);
                    if p.data.len() == p.total
                        && let Some(done) = self.partial.remove(&sender)
                    {
                        out.push(done.data);
                    }
                }
                _ => {
                    self.dropped += 1;
                    self.partial.remove(&sender);
                }
            }
        }
    }

    /// Forgets every partial message (at a configuration change).
    pub fn reset(&mut self) {
        self.partial.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_all(p: &mut Packer, room: usize) -> Vec<Vec<u8>> {
        std::iter::from_fn(|| p.next_packet(room)).collect()
    }

    #[test]
    fn small_messages_share_packets_and_large_ones_split() {
        let mut p = Packer::default();
        for i in 0..10u8 {
            p.push(vec![i; 30]);
        }
        let big: Vec<u8> = (0..5000u32).map(|i| i as u8).collect();
        p.push(big.clone());
        p.push(vec![7; 3]);
        assert_eq!(p.len(), 12);
        let pkts = send_all(&mut p, 1000);
        assert!(pkts.iter().all(|k| k.len() <= 1000));
        assert!(pkts.len() >= 6 && pkts.len() <= 8, "{}", pkts.len());
        let mut a = Assembler::default();
        let mut out = Vec::new();
        for k in &pkts {
            a.feed(4, k, &mut out);
        }
        assert_eq!(out.len(), 12);
        assert_eq!(out[10], big);
        assert_eq!(out[11], vec![7; 3]);
        assert_eq!(p.queued_bytes(), 0);
    }

    #[test]
    fn cut_messages_are_dropped_and_resent_whole() {
        let mut p = Packer::default();
        let big = vec![9u8; 3000];
        p.push(big.clone());
        let first = p.next_packet(1000).unwrap();
        let mut a = Assembler::default();
        let mut out = Vec::new();
        a.feed(1, &first, &mut out);
        // Configuration change: receivers reset, the sender restarts.
        a.reset();
        p.restart_partial();
        for k in send_all(&mut p, 1000) {
            a.feed(1, &k, &mut out);
        }
        assert_eq!(out, vec![big.clone()]);
        // A receiver that saw only the tail drops it.
        let mut p = Packer::default();
        p.push(big);
        let pkts = send_all(&mut p, 1000);
        let mut b = Assembler::default();
        let mut out = Vec::new();
        for k in &pkts[1..] {
            b.feed(1, k, &mut out);
        }
        assert!(out.is_empty());
        assert!(b.dropped > 0);
    }

    proptest::proptest! {
        #[test]
        fn feed_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let mut a = Assembler::default();
            let mut out = Vec::new();
            a.feed(1, &bytes, &mut out);
        }

        #[test]
        fn any_sizes_round_trip(sizes in proptest::collection::vec(0usize..4000, 1..20), room in 100usize..1500) {
            let mut p = Packer::default();
            let msgs: Vec<Vec<u8>> = sizes.iter().enumerate().map(|(i, &n)| vec![i as u8; n]).collect();
            for m in &msgs { p.push(m.clone()); }
            let mut a = Assembler::default();
            let mut out = Vec::new();
            while let Some(k) = p.next_packet(room) {
                proptest::prop_assert!(k.len() <= room);
                a.feed(2, &k, &mut out);
            }
            proptest::prop_assert_eq!(out, msgs);
        }
    }
}
