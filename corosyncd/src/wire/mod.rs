//! The packet format on the wire, and its authenticated encryption.
//!
//! ```text
//! magic u16 = 0xC07E | version u8 = 1 | mode u8 | sender nodeid u32 |
//! boot u32 | counter u64 | body [| tag]
//! ```
//! The 20-byte header is authenticated with the body. `mode` is 0 (clear),
//! 1 (AES-GCM: the body is encrypted, the 96-bit nonce is `boot|counter`)
//! or 2 (HMAC: the body is clear and followed by the HMAC of header and
//! body). Keys are derived from the authkey with HKDF-SHA256, bound to the
//! cipher and hash, so nodes with different keys or crypto settings never
//! understand each other. `boot` is random per start and `counter` grows
//! with every packet, which lets receivers drop replays
//! ([`ReplayGuard`]). Anything that fails a check is dropped and counted;
//! the decoder never panics on any input (see the fuzz target).

pub mod key;

use std::collections::HashMap;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};

use crate::config::typed::{Cipher, Hash};
use crate::totem::NodeId;

/// Header size in bytes.
pub const HEADER: usize = 20;
/// Largest packet accepted.
pub const MAX_PACKET: usize = 65_507;
const MAGIC: u16 = 0xC07E;
const VERSION: u8 = 1;

#[derive(Clone)]
enum Protect {
    Clear,
    Aes128(Box<Aes128Gcm>),
    Aes256(Box<Aes256Gcm>),
    Hmac256([u8; 32]),
    Hmac384([u8; 48]),
    Hmac512([u8; 64]),
}

/// Why a packet was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PacketError {
    /// Shorter than a header, or longer than any datagram.
    #[error("bad packet length")]
    Length,
    /// Not our magic number.
    #[error("bad magic")]
    Magic,
    /// A protocol version we do not speak.
    #[error("unsupported version")]
    Version,
    /// Sent with other crypto settings than ours.
    #[error("crypto settings differ")]
    Mode,
    /// Authentication failed (wrong key, or tampered).
    #[error("authentication failed")]
    Auth,
    /// Seen before.
    #[error("replayed packet")]
    Replay,
}

/// A decoded packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// The sending node.
    pub sender: NodeId,
    /// The totem message bytes.
    pub body: Vec<u8>,
}

/// Seals and opens packets with this cluster's key and crypto settings.
#[derive(Clone)]
pub struct Codec {
    protect: Protect,
    node_id: NodeId,
    boot: u32,
    counter: u64,
}

impl std::fmt::Debug for Codec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Codec").field("mode", &self.mode()).finish()
    }
}

fn derive<const N: usize>(key: &[u8], label: &str) -> [u8; N] {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(b"pacemaker-rs totem v1"), key);
    let mut out = [0u8; N];
    // N is at most 64 bytes, far below HKDF-SHA256's limit.
    let _ = hk.expand(label.as_bytes(), &mut out);
    out
}

impl Codec {
    /// A codec for node `node_id`; `boot` must differ between starts (random).
    pub fn new(cipher: Cipher, hash: Hash, key: &[u8], node_id: NodeId, boot: u32) -> Codec {
        let label = format!("{cipher:?}/{hash:?}");
        let protect = match (cipher, hash) {
            (Cipher::None, Hash::None) => Protect::Clear,
            (Cipher::Aes128, _) => {
                let k: [u8; 16] = derive(key, &label);
                Protect::Aes128(Box::new(Aes128Gcm::new(&k.into())))
            }
            (Cipher::Aes192 | Cipher::Aes256, _) => {
                let k: [u8; 32] = derive(key, &label);
                Protect::Aes256(Box::new(Aes256Gcm::new(&k.into())))
            }
            (Cipher::None, Hash::Sha384) => Protect::Hmac384(derive(key, &label)),
            (Cipher::None, Hash::Sha512) => Protect::Hmac512(derive(key, &label)),
            (Cipher::None, _) => Protect::Hmac256(derive(key, &label)),
        };
        Codec {
            protect,
            node_id,
            boot,
            counter: 0,
        }
    }

    fn mode(&self) -> u8 {
        match self.protect {
            Protect::Clear => 0,
            Protect::Aes128(_) | Protect::Aes256(_) => 1,
            _ => 2,
        }
    }

    /// Wraps a totem message into a packet.
    pub fn seal(&mut self, body: &[u8]) -> Vec<u8> {
        self.counter += 1;
        let mut out = Vec::with_capacity(HEADER + body.len() + 64);
        out.extend_from_slice(&MAGIC.to_le_bytes());
        out.push(VERSION);
        out.push(self.mode());
        out.extend_from_slice(&self.node_id.to_le_bytes());
        out.extend_from_slice(&self.boot.to_le_bytes());
        out.extend_from_slice(&self.counter.to_le_bytes());
        let nonce = nonce_of(&out);
        match &self.protect {
            Protect::Clear => out.extend_from_slice(body),
            Protect::Aes128(c) => {
                let ct = c
                    .encrypt(
                        Nonce::from_slice(&nonce),
                        Payload {
                            msg: body,
                            aad: &out,
                        },
                    )
                    .unwrap_or_default();
                out.extend_from_slice(&ct);
            }
            Protect::Aes256(c) => {
                let ct = c
                    .encrypt(
                        Nonce::from_slice(&nonce),
                        Payload {
                            msg: body,
                            aad: &out,
                        },
                    )
                    .unwrap_or_default();
                out.extend_from_slice(&ct);
            }
            Protect::Hmac256(k) => {
                out.extend_from_slice(body);
                let tag = mac::<Hmac<Sha256>>(k, &out);
                out.extend_from_slice(&tag);
            }
            Protect::Hmac384(k) => {
                out.extend_from_slice(body);
                let tag = mac::<Hmac<Sha384>>(k, &out);
                out.extend_from_slice(&tag);
            }
            Protect::Hmac512(k) => {
                out.extend_from_slice(body);
                let tag = mac::<Hmac<Sha512>>(k, &out);
                out.extend_from_slice(&tag);
            }
        }
        out
    }

    /// Checks and unwraps a packet (replays are the [`ReplayGuard`]'s job).
    pub fn open(&self, pkt: &[u8]) -> Result<(Packet, PacketId), PacketError> {
        if pkt.len() < HEADER || pkt.len() > MAX_PACKET {
            return Err(PacketError::Length);
        }
        let (hdr, rest) = pkt.split_at(HEADER);
        if u16::from_le_bytes([hdr[0], hdr[1]]) != MAGIC {
            return Err(PacketError::Magic);
        }
        if hdr[2] != VERSION {
            return Err(PacketError::Version);
        }
        if hdr[3] != self.mode() {
            return Err(PacketError::Mode);
        }
        let sender = u32::from_le_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]);
        let boot = u32::from_le_bytes([hdr[8], hdr[9], hdr[10], hdr[11]]);
        let mut c = [0u8; 8];
        c.copy_from_slice(&hdr[12..20]);
        let counter = u64::from_le_bytes(c);
        let nonce = nonce_of(hdr);
        let body = match &self.protect {
            Protect::Clear => rest.to_vec(),
            Protect::Aes128(k) => k
                .decrypt(
                    Nonce::from_slice(&nonce),
                    Payload {
                        msg: rest,
                        aad: hdr,
                    },
                )
                .map_err(|_| PacketError::Auth)?,
            Protect::Aes256(k) => k
                .decrypt(
                    Nonce::from_slice(&nonce),
                    Payload {
                        msg: rest,
                        aad: hdr,
                    },
                )
                .map_err(|_| PacketError::Auth)?,
            Protect::Hmac256(k) => verify::<Hmac<Sha256>>(k, pkt, 32)?,
            Protect::Hmac384(k) => verify::<Hmac<Sha384>>(k, pkt, 48)?,
            Protect::Hmac512(k) => verify::<Hmac<Sha512>>(k, pkt, 64)?,
        };
        Ok((
            Packet { sender, body },
            PacketId {
                sender,
                boot,
                counter,
            },
        ))
    }
}

/// The AES-GCM nonce of a header: `(boot ^ sender) | counter`. Every node
/// derives the same key, so the sender is mixed in to keep nonces unique.
fn nonce_of(hdr: &[u8]) -> [u8; 12] {
    let mut out = [0u8; 12];
    for i in 0..4 {
        out[i] = hdr[8 + i] ^ hdr[4 + i];
    }
    out[4..].copy_from_slice(&hdr[12..20]);
    out
}

fn mac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
    match <M as Mac>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(data);
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

fn verify<M: Mac + KeyInit>(
    key: &[u8],
    pkt: &[u8],
    tag_len: usize,
) -> Result<Vec<u8>, PacketError> {
    if pkt.len() < HEADER + tag_len {
        return Err(PacketError::Auth);
    }
    let (data, tag) = pkt.split_at(pkt.len() - tag_len);
    let mut m = <M as Mac>::new_from_slice(key).map_err(|_| PacketError::Auth)?;
    m.update(data);
    m.verify_slice(tag).map_err(|_| PacketError::Auth)?;
    Ok(data[HEADER..].to_vec())
}

/// Identity of a packet for replay detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketId {
    /// The sending node.
    pub sender: NodeId,
    /// The sender's boot id.
    pub boot: u32,
    /// The sender's packet counter.
    pub counter: u64,
}

/// Remembers what each sender sent lately, to drop replayed packets.
///
/// Per sender: the current boot id, the highest counter, and which of the
/// 1024 counters below it were seen. A new boot id means the sender
/// restarted and resets its window.
#[derive(Debug, Default)]
pub struct ReplayGuard {
    senders: HashMap<NodeId, Window>,
}

#[derive(Debug)]
struct Window {
    boot: u32,
    high: u64,
    seen: [u64; 16],
}

const WINDOW: u64 = 1024;

impl ReplayGuard {
    /// True when the packet is new (and records it); false for a replay.
    pub fn accept(&mut self, id: PacketId) -> bool {
        let w = self.senders.entry(id.sender).or_insert(Window {
            boot: id.boot,
            high: 0,
            seen: [0; 16],
        });
        if w.boot != id.boot {
            *w = Window {
                boot: id.boot,
                high: 0,
                seen: [0; 16],
            };
        }
        if id.counter > w.high {
            let shift = id.counter - w.high;
            if shift >= WINDOW {
                w.seen = [0; 16];
            } else {
                for c in w.high + 1..=id.counter {
                    let slot = (c % WINDOW) as usize;
                    w.seen[slot / 64] &= !(1 << (slot % 64));
                }
            }
            w.high = id.counter;
        } else if w.high - id.counter >= WINDOW {
            return false;
        }
        let slot = (id.counter % WINDOW) as usize;
        let bit = 1u64 << (slot % 64);
        if w.seen[slot / 64] & bit != 0 {
            return false;
        }
        w.seen[slot / 64] |= bit;
        true
    }
}

#[cfg(test)]
mod tests;
