//! CPG flow control toward local clients: the bytes of events delivered
//! to a session but not yet taken by its client's stream are counted, and
//! while a session holds more than [`MAX_BACKLOG`], its own multicasts are
//! refused with "try again". A client that sends faster than it reads
//! (its own messages come back to it) is thus held to a bounded backlog,
//! and a slow client never holds up the other clients of the node.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use tokio::sync::mpsc;
use tokio_stream::Stream;

use pcmk_proto::corosync::{CpgEvent, cpg_event};
use tonic::Status;

/// Most event bytes a CPG session may have waiting before its multicasts
/// are refused.
pub const MAX_BACKLOG: usize = 4 << 20;

/// Bookkeeping bytes counted per event on top of its payload.
const EVENT_OVERHEAD: usize = 64;

/// The bytes a client has not taken yet.
#[derive(Clone, Debug, Default)]
pub struct Backlog(Arc<AtomicUsize>);

impl Backlog {
    /// Bytes waiting.
    pub fn bytes(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

fn cost(ev: &CpgEvent) -> usize {
    EVENT_OVERHEAD
        + match &ev.event {
            Some(cpg_event::Event::Deliver(d)) => d.data.len(),
            _ => 0,
        }
}

/// The daemon's end of a client's event stream.
#[derive(Debug)]
pub struct EventTx {
    tx: mpsc::UnboundedSender<Result<CpgEvent, Status>>,
    backlog: Backlog,
}

impl EventTx {
    /// Queues `ev` for the client; false when the client has gone away.
    pub fn send(&self, ev: CpgEvent) -> bool {
        let n = cost(&ev);
        self.backlog.0.fetch_add(n, Ordering::Relaxed);
        if self.tx.send(Ok(ev)).is_err() {
            self.backlog.0.fetch_sub(n, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// Bytes the client has not taken yet.
    pub fn backlog(&self) -> usize {
        self.backlog.bytes()
    }
}

/// The client's end: a stream that gives back what it hands out.
pub struct EventStream {
    rx: mpsc::UnboundedReceiver<Result<CpgEvent, Status>>,
    backlog: Backlog,
}

impl Stream for EventStream {
    type Item = Result<CpgEvent, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let item = self.rx.poll_recv(cx);
        if let Poll::Ready(Some(Ok(ev))) = &item {
            self.backlog.0.fetch_sub(cost(ev), Ordering::Relaxed);
        }
        item
    }
}

/// A counted event channel for one CPG session.
pub fn channel() -> (EventTx, EventStream) {
    let (tx, rx) = mpsc::unbounded_channel();
    let backlog = Backlog::default();
    (
        EventTx {
            tx,
            backlog: backlog.clone(),
        },
        EventStream { rx, backlog },
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use pcmk_proto::corosync::CpgDeliver;
    use tokio_stream::StreamExt;

    #[tokio::test]
    async fn counts_until_taken() {
        let (tx, mut rx) = channel();
        let ev = CpgEvent {
            event: Some(cpg_event::Event::Deliver(CpgDeliver {
                data: vec![0; 1000],
                ..CpgDeliver::default()
            })),
        };
        assert!(tx.send(ev.clone()));
        assert!(tx.send(ev));
        assert_eq!(tx.backlog(), 2 * (1000 + EVENT_OVERHEAD));
        rx.next().await.unwrap().unwrap();
        assert_eq!(tx.backlog(), 1000 + EVENT_OVERHEAD);
        drop(rx);
        assert!(!tx.send(CpgEvent::default()));
        assert_eq!(tx.backlog(), 1000 + EVENT_OVERHEAD);
    }
}
