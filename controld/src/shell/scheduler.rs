//! The link to `pacemaker-schedulerd`: each request carries the whole CIB
//! (queried after every write the core asked for before it) and comes
//! back as a transition graph. Only the newest request matters: an older
//! one still queued is dropped, as the core would discard its answer.
//! When the scheduler cannot be reached the request is retried every
//! second (pacemakerd respawns a scheduler that died).

use std::time::Duration;

use pcmk_common::paths::Paths;
use pcmk_common::xml::{Element, parse};
use pcmk_proto::schedulerd as pb;
use pcmk_proto::schedulerd::scheduler_client::SchedulerClient;
use tokio::sync::mpsc;
use tonic::transport::Channel;
use tracing::Instrument;

use super::{InputTx, send_event};
use crate::core::controller::Event;

/// Largest graph accepted from the scheduler.
const MAX_GRAPH_BYTES: usize = 1 << 30;

/// A request queue to the scheduler worker.
#[derive(Debug, Clone)]
pub(crate) struct SchedulerTx(mpsc::UnboundedSender<(u64, Element)>);

impl SchedulerTx {
    /// Asks for the transition of `cib`, answered with `reference`.
    pub(crate) fn compute(&self, reference: u64, cib: Element) {
        let _ = self.0.send((reference, cib));
    }
}

/// The scheduler link's handle in the main loop.
pub(crate) struct SchedulerLink {
    tx: SchedulerTx,
}

impl SchedulerLink {
    pub(crate) fn new(paths: &Paths, events: InputTx) -> SchedulerLink {
        let (tx, rx) = mpsc::unbounded_channel();
        let socket = paths.socket("schedulerd");
        tokio::spawn(worker(socket, rx, events).in_current_span());
        SchedulerLink {
            tx: SchedulerTx(tx),
        }
    }

    pub(crate) fn sender(&self) -> SchedulerTx {
        self.tx.clone()
    }
}

/// The file name of a saved input, for logs (`pe-input-3.bz2`).
fn source_name(path: &str) -> String {
    if path.is_empty() {
        return "(unsaved input)".to_string();
    }
    std::path::Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |f| f.to_string_lossy().into_owned())
}

async fn compute(
    client: &mut SchedulerClient<Channel>,
    cib: &Element,
) -> Result<pb::ComputeReply, tonic::Status> {
    let reply = client
        .compute(pb::ComputeRequest {
            cib_xml: cib.to_compact(),
            now: 0,
            // The scheduler numbers transitions itself, as Pacemaker's does.
            transition_id: 0,
            save_input: true,
        })
        .await?;
    Ok(reply.into_inner())
}

async fn worker(
    socket: std::path::PathBuf,
    mut rx: mpsc::UnboundedReceiver<(u64, Element)>,
    events: InputTx,
) {
    let mut client: Option<SchedulerClient<Channel>> = None;
    while let Some(mut job) = rx.recv().await {
        loop {
            // Only the newest request is worth computing.
            while let Ok(newer) = rx.try_recv() {
                job = newer;
            }
            let (reference, cib) = &job;
            if client.is_none() {
                match pcmk_proto::uds::connect(&socket).await {
                    Ok(ch) => {
                        client = Some(
                            SchedulerClient::new(ch)
                                .max_decoding_message_size(MAX_GRAPH_BYTES)
                                .max_encoding_message_size(MAX_GRAPH_BYTES),
                        );
                    }
                    Err(e) => {
                        tracing::warn!("Could not reach the scheduler: {e}");
                    }
                }
            }
            if let Some(c) = client.as_mut() {
                match compute(c, cib).await {
                    Ok(reply) => {
                        for e in &reply.errors {
                            tracing::error!("Scheduler: {e}");
                        }
                        for w in &reply.warnings {
                            tracing::warn!("Scheduler: {w}");
                        }
                        match parse(&reply.graph_xml) {
                            Ok(graph) => {
                                let source = source_name(&reply.input_file);
                                tracing::info!(
                                    transition = reply.transition_id,
                                    "Calculated transition {}, saving inputs in {source}",
                                    reply.transition_id
                                );
                                send_event(
                                    &events,
                                    Event::SchedulerReply {
                                        reference: *reference,
                                        graph,
                                        source,
                                    },
                                );
                            }
                            Err(e) => {
                                tracing::error!("The scheduler returned a malformed graph: {e}")
                            }
                        }
                        break;
                    }
                    Err(e) => {
                        tracing::warn!("Scheduler request failed: {}", e.message());
                        client = None;
                    }
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_file_names() {
        assert_eq!(
            source_name("/var/lib/pacemaker/pengine/pe-input-3.bz2"),
            "pe-input-3.bz2"
        );
        assert_eq!(source_name(""), "(unsaved input)");
    }
}
