//! The link to the attribute manager (`pacemaker-attrd`, `attrd.proto`):
//! node attribute updates (fail counts, last failures, shutdown requests,
//! the feature set) are sent in the order the core made them. While attrd
//! cannot be reached they wait (the oldest are dropped, with a warning,
//! past [`MAX_PENDING`]) and go out once it answers again.

use std::collections::VecDeque;
use std::time::Duration;

use pcmk_common::paths::Paths;
use pcmk_proto::attrd as pb;
use pcmk_proto::attrd::attrd_client::AttrdClient;
use tokio::sync::mpsc;
use tonic::transport::Channel;
use tracing::Instrument;

/// Updates kept while attrd is unreachable.
pub const MAX_PENDING: usize = 1000;

/// One attribute update.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Update {
    node: String,
    name: String,
    value: Option<String>,
}

/// The attribute manager link's handle in the main loop.
pub(crate) struct AttrdLink {
    tx: mpsc::UnboundedSender<Update>,
}

impl AttrdLink {
    pub(crate) fn new(paths: &Paths) -> AttrdLink {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(worker(paths.socket("attrd"), rx).in_current_span());
        AttrdLink { tx }
    }

    /// Sets (or with `None` deletes) attribute `name` of `node`.
    pub(crate) fn update(&self, node: String, name: String, value: Option<String>) {
        let _ = self.tx.send(Update { node, name, value });
    }
}

fn request(u: &Update) -> pb::UpdateRequest {
    pb::UpdateRequest {
        name: u.name.clone(),
        value: u.value.clone(),
        host: u.node.clone(),
        ..pb::UpdateRequest::default()
    }
}

/// Sends the pending updates in order; false when attrd went away (the
/// update that failed stays first in line).
async fn flush(client: &mut AttrdClient<Channel>, pending: &mut VecDeque<Update>) -> bool {
    while let Some(u) = pending.front() {
        match client.update(request(u)).await {
            Ok(r) => {
                let r = r.into_inner();
                if r.exit_code != 0 {
                    tracing::warn!(
                        "Could not update attribute {} of {}: {} ({})",
                        u.name,
                        u.node,
                        r.message,
                        r.exit_code
                    );
                } else {
                    tracing::debug!("Updated attribute {}={:?} of {}", u.name, u.value, u.node);
                }
                pending.pop_front();
            }
            Err(e) => {
                tracing::warn!("The attribute manager did not answer: {}", e.message());
                return false;
            }
        }
    }
    true
}

async fn worker(socket: std::path::PathBuf, mut rx: mpsc::UnboundedReceiver<Update>) {
    let mut pending: VecDeque<Update> = VecDeque::new();
    let mut client: Option<AttrdClient<Channel>> = None;
    let mut warned = false;
    loop {
        if pending.is_empty() {
            match rx.recv().await {
                Some(u) => pending.push_back(u),
                None => return,
            }
        }
        while let Ok(u) = rx.try_recv() {
            pending.push_back(u);
        }
        while pending.len() > MAX_PENDING {
            if let Some(u) = pending.pop_front() {
                tracing::warn!(
                    "Dropping update of attribute {} of {}: attrd unreachable",
                    u.name,
                    u.node
                );
            }
        }
        if client.is_none() {
            match pcmk_proto::uds::connect(&socket).await {
                Ok(ch) => {
                    client = Some(AttrdClient::new(ch));
                    warned = false;
                }
                Err(e) => {
                    if !warned {
                        tracing::warn!("Attribute updates wait for the attribute manager: {e}");
                        warned = true;
                    }
                }
            }
        }
        let done = match client.as_mut() {
            Some(c) => flush(c, &mut pending).await,
            None => false,
        };
        if !done {
            client = None;
            // Wait a moment, or for more updates, before trying again.
            tokio::select! {
                u = rx.recv() => match u {
                    Some(u) => pending.push_back(u),
                    None => return,
                },
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_name_their_node() {
        let r = request(&Update {
            node: "n2".into(),
            name: "fail-count-d#monitor_10000".into(),
            value: Some("value++".into()),
        });
        assert_eq!(r.host, "n2");
        assert_eq!(r.value.as_deref(), Some("value++"));
        let r = request(&Update {
            node: "n2".into(),
            name: "shutdown".into(),
            value: None,
        });
        assert_eq!(r.value, None);
    }
}
