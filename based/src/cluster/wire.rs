//! The bytes of [`PeerMsg`] in the CPG group (`cib.proto`'s
//! `CpgPeerMessage`).

use pcmk_common::xml::{XmlError, parse};
use pcmk_proto::cib as pb;
use prost::Message;

use super::{Member, PeerMsg, Write};
use crate::wire::{
    WireError, request_from_wire, request_to_wire, version_from_wire, version_to_wire,
};

/// Why a peer message cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum PeerWireError {
    /// Not a protobuf message of the expected type.
    #[error("undecodable peer message: {0}")]
    Decode(#[from] prost::DecodeError),
    /// No body.
    #[error("empty peer message")]
    Empty,
    /// A write without its request.
    #[error("write without a request")]
    NoRequest,
    /// The request is not valid.
    #[error("bad request in peer message: {0}")]
    Request(#[from] WireError),
    /// The CIB of a sync is not XML.
    #[error("bad CIB in peer message: {0}")]
    Cib(#[from] XmlError),
    /// A compressed body that does not decompress, is too large once
    /// decompressed, or is itself compressed.
    #[error("bad compressed peer message: {0}")]
    Compressed(String),
}

/// Encoded messages larger than this are sent bzip2-compressed, as
/// Pacemaker compresses large cluster messages: a CIB of several MB then
/// fits corosync's message limit.
pub const COMPRESS_ABOVE: usize = 64 * 1024;

/// The largest message a compressed body may expand to.
pub const MAX_DECOMPRESSED: u64 = 256 << 20;

fn maybe_compress(plain: Vec<u8>) -> Vec<u8> {
    use std::io::Write as _;
    if plain.len() <= COMPRESS_ABOVE {
        return plain;
    }
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    let packed = match enc.write_all(&plain).and_then(|()| enc.finish()) {
        Ok(p) if p.len() < plain.len() => p,
        _ => return plain,
    };
    pb::CpgPeerMessage {
        body: Some(pb::cpg_peer_message::Body::Compressed(packed)),
    }
    .encode_to_vec()
}

fn decompress(packed: &[u8]) -> Result<pb::CpgPeerMessage, PeerWireError> {
    use std::io::Read as _;
    let mut plain = Vec::new();
    bzip2::read::BzDecoder::new(packed)
        .take(MAX_DECOMPRESSED + 1)
        .read_to_end(&mut plain)
        .map_err(|e| PeerWireError::Compressed(e.to_string()))?;
    if plain.len() as u64 > MAX_DECOMPRESSED {
        return Err(PeerWireError::Compressed("too large".into()));
    }
    let inner = pb::CpgPeerMessage::decode(plain.as_slice())?;
    if matches!(inner.body, Some(pb::cpg_peer_message::Body::Compressed(_))) {
        return Err(PeerWireError::Compressed("nested compression".into()));
    }
    Ok(inner)
}

fn members_to_wire(m: &[Member]) -> Vec<pb::CpgMember> {
    m.iter()
        .map(|m| pb::CpgMember {
            nodeid: m.nodeid,
            pid: m.pid,
        })
        .collect()
}

fn members_from_wire(m: &[pb::CpgMember]) -> Vec<Member> {
    m.iter()
        .map(|m| Member {
            nodeid: m.nodeid,
            pid: m.pid,
        })
        .collect()
}

/// The bytes of a write message (as [`encode`] of a [`PeerMsg::Write`]).
pub fn encode_write(w: &Write) -> Vec<u8> {
    maybe_compress(
        pb::CpgPeerMessage {
            body: Some(write_body(w)),
        }
        .encode_to_vec(),
    )
}

fn write_body(w: &Write) -> pb::cpg_peer_message::Body {
    pb::cpg_peer_message::Body::Write(pb::CpgWrite {
        call_id: w.call_id,
        request: Some(request_to_wire(&w.request, pb::OutputFormat::Compact)),
        origin: w.request.origin.clone().unwrap_or_default(),
        last_written: w.last_written.clone(),
    })
}

/// The bytes of a message.
pub fn encode(msg: &PeerMsg) -> Vec<u8> {
    let body = match msg {
        PeerMsg::Write(w) => write_body(w),
        PeerMsg::Announce {
            round,
            version,
            valid,
            digest,
        } => pb::cpg_peer_message::Body::Announce(pb::CpgAnnounce {
            round: members_to_wire(round),
            version: Some(version_to_wire(*version)),
            digest: digest.clone(),
            valid: *valid,
        }),
        PeerMsg::Sync { round, cib } => pb::cpg_peer_message::Body::Sync(pb::CpgSync {
            round: members_to_wire(round),
            cib: cib.to_compact(),
        }),
    };
    maybe_compress(pb::CpgPeerMessage { body: Some(body) }.encode_to_vec())
}

/// The message in `bytes`.
pub fn decode(bytes: &[u8]) -> Result<PeerMsg, PeerWireError> {
    let mut m = pb::CpgPeerMessage::decode(bytes)?;
    if let Some(pb::cpg_peer_message::Body::Compressed(packed)) = &m.body {
        m = decompress(packed)?;
    }
    Ok(match m.body.ok_or(PeerWireError::Empty)? {
        pb::cpg_peer_message::Body::Compressed(_) => {
            return Err(PeerWireError::Compressed("nested compression".into()));
        }
        pb::cpg_peer_message::Body::Write(w) => {
            let mut request =
                request_from_wire(w.request.as_ref().ok_or(PeerWireError::NoRequest)?)?;
            request.origin = (!w.origin.is_empty()).then_some(w.origin);
            PeerMsg::Write(Write {
                call_id: w.call_id,
                request,
                last_written: w.last_written,
            })
        }
        pb::cpg_peer_message::Body::Announce(a) => PeerMsg::Announce {
            round: members_from_wire(&a.round),
            version: version_from_wire(a.version.as_ref()),
            valid: a.valid,
            digest: a.digest,
        },
        pb::cpg_peer_message::Body::Sync(s) => PeerMsg::Sync {
            round: members_from_wire(&s.round),
            cib: parse(&s.cib)?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Operation, Request, Target};
    use pcmk_common::cib::CibVersion;

    #[test]
    fn round_trip() {
        let mut req = Request::new(Operation::Create, Target::Section("resources".into()))
            .with_input(parse("<primitive id='a' class='ocf' type='Dummy'/>").unwrap());
        req.origin = Some("node1".into());
        req.user = Some("alice".into());
        let round = vec![Member { nodeid: 1, pid: 10 }, Member { nodeid: 2, pid: 20 }];
        for msg in [
            PeerMsg::Write(Write {
                call_id: 7,
                request: req,
                last_written: "Sun Nov 22 02:49:49 2026".into(),
            }),
            PeerMsg::Announce {
                round: round.clone(),
                version: CibVersion::new(0, 5, 2),
                valid: true,
                digest: "abc".into(),
            },
            PeerMsg::Sync {
                round,
                cib: parse("<cib epoch='1'><configuration/></cib>").unwrap(),
            },
        ] {
            assert_eq!(decode(&encode(&msg)).unwrap(), msg);
        }
        assert!(decode(b"\xff\xff\xff").is_err());
        let mut big = String::from("<cib epoch='1'><configuration><resources>");
        for i in 0..5000 {
            big.push_str(&format!("<primitive id='r{i}' class='ocf' type='Dummy'/>"));
        }
        big.push_str("</resources></configuration></cib>");
        let sync = PeerMsg::Sync {
            round: vec![Member { nodeid: 1, pid: 10 }],
            cib: parse(&big).unwrap(),
        };
        let bytes = encode(&sync);
        assert!(bytes.len() < big.len() / 4, "compressed: {}", bytes.len());
        assert_eq!(decode(&bytes).unwrap(), sync);
        let garbage = pb::CpgPeerMessage {
            body: Some(pb::cpg_peer_message::Body::Compressed(vec![1, 2, 3])),
        }
        .encode_to_vec();
        assert!(matches!(
            decode(&garbage),
            Err(PeerWireError::Compressed(_))
        ));
        assert!(matches!(decode(b""), Err(PeerWireError::Empty)));
    }
}
