//! Moving totem packets over UDP.

use std::collections::HashMap;
use std::net::SocketAddr;

use super::Ctx;
use crate::totem::{Dest, Message, NodeId, Timestamp, codec};
use crate::wire::{Codec, PacketError, ReplayGuard};

pub(super) struct Net {
    pub sock: tokio::net::UdpSocket,
    pub codec: Codec,
    pub guard: ReplayGuard,
    pub addrs: HashMap<NodeId, SocketAddr>,
    pub my_id: NodeId,
    pub buf: Vec<u8>,
}

/// Asks for larger socket buffers, so bursts of multicasts are not dropped.
pub(super) fn grow_buffers(sock: &tokio::net::UdpSocket) -> std::io::Result<()> {
    let s = socket2::SockRef::from(sock);
    s.set_recv_buffer_size(8 << 20)?;
    s.set_send_buffer_size(8 << 20)
}

impl Net {
    pub async fn send(&mut self, to: Dest, msg: &Message) {
        let pkt = self.codec.seal(&codec::encode(msg));
        match to {
            Dest::All => {
                let targets: Vec<SocketAddr> = self
                    .addrs
                    .iter()
                    .filter(|(n, _)| **n != self.my_id)
                    .map(|(_, a)| *a)
                    .collect();
                for a in targets {
                    let _ = self.sock.send_to(&pkt, a).await;
                }
            }
            Dest::Node(n) => {
                if let Some(a) = self.addrs.get(&n) {
                    let _ = self.sock.send_to(&pkt, *a).await;
                }
            }
        }
    }

    pub fn receive(&mut self, ctx: &mut Ctx, len: usize, from: SocketAddr, now: Timestamp) {
        let Some(bytes) = self.buf.get(..len) else {
            return;
        };
        let (pkt, id) = match self.codec.open(bytes) {
            Ok(x) => x,
            Err(PacketError::Auth | PacketError::Mode) => {
                ctx.node.drops.rx_auth_failed += 1;
                tracing::debug!(node = self.my_id, %from, "dropped a packet that failed authentication");
                return;
            }
            Err(_) => {
                ctx.node.drops.rx_malformed += 1;
                return;
            }
        };
        if !self.addrs.contains_key(&pkt.sender) || pkt.sender == self.my_id {
            ctx.node.drops.rx_malformed += 1;
            return;
        }
        if !self.guard.accept(id) {
            ctx.node.drops.rx_replayed += 1;
            return;
        }
        let Ok(msg) = codec::decode(&pkt.body) else {
            ctx.node.drops.rx_malformed += 1;
            return;
        };
        ctx.last_heard.insert(pkt.sender, std::time::Instant::now());
        ctx.node.packet(now, pkt.sender, msg);
    }
}
