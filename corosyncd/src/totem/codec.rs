//! Binary encoding of totem messages (little endian, length-checked).
//!
//! The packet header, authentication and encryption are the `wire`
//! module's business; this only turns a [`Message`] into bytes and back,
//! refusing anything truncated, oversized or malformed.

use super::RingId;
use super::message::{CommitToken, Join, Mcast, McastBody, MembEntry, Message, Token};

/// Most members a ring can have (Corosync's PROCESSOR_COUNT_MAX).
pub const MAX_MEMBERS: usize = 384;
/// Most retransmit requests a token carries.
pub const MAX_RTR: usize = 256;
/// Most bytes of payload one multicast message may carry.
pub const MAX_PAYLOAD: usize = 65_000;

/// Why bytes are not a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The bytes end early.
    #[error("truncated message")]
    Truncated,
    /// An unknown message type.
    #[error("unknown message type {0}")]
    UnknownType(u8),
    /// A count or length beyond the limits.
    #[error("length out of range")]
    TooLong,
    /// Bytes left over after the message.
    #[error("trailing bytes")]
    Trailing,
    /// Nested encapsulation, which totem never sends.
    #[error("nested encapsulation")]
    Nested,
}

const T_MCAST: u8 = 1;
const T_TOKEN: u8 = 2;
const T_JOIN: u8 = 3;
const T_COMMIT: u8 = 4;
const T_MERGE: u8 = 5;
const T_HOLD: u8 = 6;

struct W(Vec<u8>);

impl W {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn ring(&mut self, r: RingId) {
        self.u32(r.rep);
        self.u64(r.seq);
    }
    fn ids(&mut self, ids: &[u32]) {
        self.u32(ids.len() as u32);
        for &i in ids {
            self.u32(i);
        }
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
}

struct R<'a>(&'a [u8]);

impl R<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        if self.0.len() < n {
            return Err(DecodeError::Truncated);
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, DecodeError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    fn ring(&mut self) -> Result<RingId, DecodeError> {
        Ok(RingId {
            rep: self.u32()?,
            seq: self.u64()?,
        })
    }
    fn count(&mut self, max: usize) -> Result<usize, DecodeError> {
        let n = self.u32()? as usize;
        if n > max {
            return Err(DecodeError::TooLong);
        }
        Ok(n)
    }
    fn ids(&mut self) -> Result<Vec<u32>, DecodeError> {
        let n = self.count(MAX_MEMBERS)?;
        (0..n).map(|_| self.u32()).collect()
    }
    fn bytes(&mut self) -> Result<Vec<u8>, DecodeError> {
        let n = self.count(MAX_PAYLOAD)?;
        Ok(self.take(n)?.to_vec())
    }
}

fn put_mcast(w: &mut W, m: &Mcast) {
    w.ring(m.ring_id);
    w.u64(m.seq);
    w.u32(m.sender);
    match &m.body {
        McastBody::Regular(data) => {
            w.u8(0);
            w.bytes(data);
        }
        McastBody::Encapsulated(inner) => {
            w.u8(1);
            put_mcast(w, inner);
        }
    }
}

fn get_mcast(r: &mut R<'_>, nested: bool) -> Result<Mcast, DecodeError> {
    let ring_id = r.ring()?;
    let seq = r.u64()?;
    let sender = r.u32()?;
    let body = match r.u8()? {
        0 => McastBody::Regular(r.bytes()?),
        1 if nested => return Err(DecodeError::Nested),
        1 => McastBody::Encapsulated(Box::new(get_mcast(r, true)?)),
        t => return Err(DecodeError::UnknownType(t)),
    };
    Ok(Mcast {
        ring_id,
        seq,
        sender,
        body,
    })
}

/// Encodes a message.
pub fn encode(msg: &Message) -> Vec<u8> {
    let mut w = W(Vec::with_capacity(64));
    match msg {
        Message::Mcast(m) => {
            w.u8(T_MCAST);
            put_mcast(&mut w, m);
        }
        Message::Token(t) => {
            w.u8(T_TOKEN);
            w.ring(t.ring_id);
            w.u64(t.token_seq);
            w.u64(t.seq);
            w.u64(t.aru);
            w.u32(t.aru_addr);
            w.u32(t.fcc);
            w.u32(t.backlog);
            w.u8(u8::from(t.retrans_flg));
            w.u32(t.rtr.len() as u32);
            for &s in &t.rtr {
                w.u64(s);
            }
        }
        Message::Join(j) => {
            w.u8(T_JOIN);
            w.u64(j.ring_seq);
            w.ids(&j.proc_list);
            w.ids(&j.fail_list);
        }
        Message::Commit(c) => {
            w.u8(T_COMMIT);
            w.ring(c.ring_id);
            w.u32(c.hops);
            w.ids(&c.memb);
            w.u32(c.entries.len() as u32);
            for e in &c.entries {
                match e {
                    None => w.u8(0),
                    Some(e) => {
                        w.u8(1);
                        w.ring(e.old_ring);
                        w.u64(e.aru);
                        w.u64(e.high_delivered);
                        w.u64(e.high_received);
                    }
                }
            }
        }
        Message::MergeDetect { ring_id } => {
            w.u8(T_MERGE);
            w.ring(*ring_id);
        }
        Message::HoldCancel { ring_id } => {
            w.u8(T_HOLD);
            w.ring(*ring_id);
        }
    }
    w.0
}

/// Decodes a message, refusing anything malformed.
pub fn decode(bytes: &[u8]) -> Result<Message, DecodeError> {
    let mut r = R(bytes);
    let msg = match r.u8()? {
        T_MCAST => Message::Mcast(get_mcast(&mut r, false)?),
        T_TOKEN => {
            let ring_id = r.ring()?;
            let token_seq = r.u64()?;
            let seq = r.u64()?;
            let aru = r.u64()?;
            let aru_addr = r.u32()?;
            let fcc = r.u32()?;
            let backlog = r.u32()?;
            let retrans_flg = r.u8()? != 0;
            let n = r.count(MAX_RTR)?;
            let rtr = (0..n).map(|_| r.u64()).collect::<Result<_, _>>()?;
            Message::Token(Token {
                ring_id,
                token_seq,
                seq,
                aru,
                aru_addr,
                fcc,
                backlog,
                retrans_flg,
                rtr,
            })
        }
        T_JOIN => Message::Join(Join {
            ring_seq: r.u64()?,
            proc_list: r.ids()?,
            fail_list: r.ids()?,
        }),
        T_COMMIT => {
            let ring_id = r.ring()?;
            let hops = r.u32()?;
            let memb = r.ids()?;
            let n = r.count(MAX_MEMBERS)?;
            let mut entries = Vec::with_capacity(n);
            for _ in 0..n {
                entries.push(match r.u8()? {
                    0 => None,
                    _ => Some(MembEntry {
                        old_ring: r.ring()?,
                        aru: r.u64()?,
                        high_delivered: r.u64()?,
                        high_received: r.u64()?,
                    }),
                });
            }
            Message::Commit(CommitToken {
                ring_id,
                memb,
                entries,
                hops,
            })
        }
        T_MERGE => Message::MergeDetect { ring_id: r.ring()? },
        T_HOLD => Message::HoldCancel { ring_id: r.ring()? },
        t => return Err(DecodeError::UnknownType(t)),
    };
    if !r.0.is_empty() {
        return Err(DecodeError::Trailing);
    }
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Message> {
        let ring = RingId { rep: 1, seq: 8 };
        let inner = Mcast {
            ring_id: RingId { rep: 2, seq: 4 },
            seq: 3,
            sender: 2,
            body: McastBody::Regular(vec![1, 2, 3]),
        };
        vec![
            Message::Mcast(inner.clone()),
            Message::Mcast(Mcast {
                ring_id: ring,
                seq: 9,
                sender: 1,
                body: McastBody::Encapsulated(Box::new(inner)),
            }),
            Message::Token(Token {
                ring_id: ring,
                token_seq: 7,
                seq: 100,
                aru: 98,
                aru_addr: 3,
                fcc: 4,
                backlog: 2,
                retrans_flg: true,
                rtr: vec![99, 100],
            }),
            Message::Join(Join {
                ring_seq: 8,
                proc_list: vec![1, 2, 3],
                fail_list: vec![3],
            }),
            Message::Commit(CommitToken {
                ring_id: ring,
                memb: vec![1, 2],
                entries: vec![
                    Some(MembEntry {
                        old_ring: ring,
                        aru: 1,
                        high_delivered: 1,
                        high_received: 2,
                    }),
                    None,
                ],
                hops: 1,
            }),
            Message::MergeDetect { ring_id: ring },
            Message::HoldCancel { ring_id: ring },
        ]
    }

    #[test]
    fn round_trip_and_truncation() {
        for m in samples() {
            let b = encode(&m);
            assert_eq!(decode(&b).unwrap(), m);
            for cut in 0..b.len() {
                assert!(decode(&b[..cut]).is_err(), "{} cut at {cut}", m.kind());
            }
            let mut longer = b.clone();
            longer.push(0);
            assert_eq!(decode(&longer), Err(DecodeError::Trailing));
        }
        assert_eq!(decode(&[77]), Err(DecodeError::UnknownType(77)));
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = decode(&bytes);
        }
    }
}
