//! The service messages carried over totem (CPG, votequorum, cfg).

use crate::totem::NodeId;

/// One service message, multicast in agreed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceMsg {
    /// A process joined a CPG group.
    CpgJoin {
        /// Group name.
        group: String,
        /// Node of the process.
        nodeid: NodeId,
        /// The process.
        pid: u32,
    },
    /// A process left a CPG group (`reason`: LEAVE or PROCDOWN).
    CpgLeave {
        /// Group name.
        group: String,
        /// Node of the process.
        nodeid: NodeId,
        /// The process.
        pid: u32,
        /// CPG reason.
        reason: u32,
    },
    /// A message to a CPG group.
    CpgMcast {
        /// Group name.
        group: String,
        /// Sending node.
        nodeid: NodeId,
        /// Sending process.
        pid: u32,
        /// The message.
        data: Vec<u8>,
    },
    /// After a membership change: the processes of a node, per group.
    CpgSync {
        /// The node.
        nodeid: NodeId,
        /// (group, pid) pairs.
        members: Vec<(String, u32)>,
    },
    /// New expected votes for every node.
    SetExpected(u32),
    /// New votes for one node.
    SetVotes {
        /// The node.
        nodeid: NodeId,
        /// Its votes.
        votes: u32,
    },
    /// Asks a node to shut down.
    KillNode {
        /// The node.
        nodeid: NodeId,
        /// Why.
        reason: String,
    },
}

struct W(Vec<u8>);
impl W {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
}

struct R<'a>(&'a [u8]);
impl R<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn bytes(&mut self) -> Option<Vec<u8>> {
        let n = self.u32()? as usize;
        self.take(n).map(<[u8]>::to_vec)
    }
    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?).ok()
    }
}

impl ServiceMsg {
    /// Encodes the message.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = W(Vec::new());
        match self {
            ServiceMsg::CpgJoin { group, nodeid, pid } => {
                w.u8(1);
                w.bytes(group.as_bytes());
                w.u32(*nodeid);
                w.u32(*pid);
            }
            ServiceMsg::CpgLeave {
                group,
                nodeid,
                pid,
                reason,
            } => {
                w.u8(2);
                w.bytes(group.as_bytes());
                w.u32(*nodeid);
                w.u32(*pid);
                w.u32(*reason);
            }
            ServiceMsg::CpgMcast {
                group,
                nodeid,
                pid,
                data,
            } => {
                w.u8(3);
                w.bytes(group.as_bytes());
                w.u32(*nodeid);
                w.u32(*pid);
                w.bytes(data);
            }
            ServiceMsg::CpgSync { nodeid, members } => {
                w.u8(4);
                w.u32(*nodeid);
                w.u32(members.len() as u32);
                for (g, p) in members {
                    w.bytes(g.as_bytes());
                    w.u32(*p);
                }
            }
            ServiceMsg::SetExpected(n) => {
                w.u8(5);
                w.u32(*n);
            }
            ServiceMsg::SetVotes { nodeid, votes } => {
                w.u8(6);
                w.u32(*nodeid);
                w.u32(*votes);
            }
            ServiceMsg::KillNode { nodeid, reason } => {
                w.u8(7);
                w.u32(*nodeid);
                w.bytes(reason.as_bytes());
            }
        }
        w.0
    }

    /// Decodes a message; `None` for anything malformed.
    pub fn decode(b: &[u8]) -> Option<ServiceMsg> {
        let mut r = R(b);
        let m = match r.u8()? {
            1 => ServiceMsg::CpgJoin {
                group: r.string()?,
                nodeid: r.u32()?,
                pid: r.u32()?,
            },
            2 => ServiceMsg::CpgLeave {
                group: r.string()?,
                nodeid: r.u32()?,
                pid: r.u32()?,
                reason: r.u32()?,
            },
            3 => ServiceMsg::CpgMcast {
                group: r.string()?,
                nodeid: r.u32()?,
                pid: r.u32()?,
                data: r.bytes()?,
            },
            4 => {
                let nodeid = r.u32()?;
                let n = r.u32()? as usize;
                if n > 100_000 {
                    return None;
                }
                let mut members = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    members.push((r.string()?, r.u32()?));
                }
                ServiceMsg::CpgSync { nodeid, members }
            }
            5 => ServiceMsg::SetExpected(r.u32()?),
            6 => ServiceMsg::SetVotes {
                nodeid: r.u32()?,
                votes: r.u32()?,
            },
            7 => ServiceMsg::KillNode {
                nodeid: r.u32()?,
                reason: r.string()?,
            },
            _ => return None,
        };
        r.0.is_empty().then_some(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let msgs = vec![
            ServiceMsg::CpgJoin {
                group: "crmd".into(),
                nodeid: 1,
                pid: 5,
            },
            ServiceMsg::CpgLeave {
                group: "cib".into(),
                nodeid: 2,
                pid: 6,
                reason: 5,
            },
            ServiceMsg::CpgMcast {
                group: "attrd".into(),
                nodeid: 3,
                pid: 7,
                data: vec![1, 2],
            },
            ServiceMsg::CpgSync {
                nodeid: 1,
                members: vec![("a".into(), 1), ("b".into(), 2)],
            },
            ServiceMsg::SetExpected(3),
            ServiceMsg::SetVotes {
                nodeid: 1,
                votes: 2,
            },
            ServiceMsg::KillNode {
                nodeid: 2,
                reason: "test".into(),
            },
        ];
        for m in msgs {
            let b = m.encode();
            assert_eq!(ServiceMsg::decode(&b), Some(m));
            for cut in 0..b.len() {
                assert_eq!(ServiceMsg::decode(&b[..cut]), None);
            }
        }
    }
}
