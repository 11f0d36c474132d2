//! The link to the local executor (`pacemaker-execd`): one worker sends
//! requests in the order the core made them (fetching an agent's
//! meta-data first when the operation's digests need it), and a reader
//! turns the executor's result stream into `ExecResult` events. An
//! operation the executor cannot take is reported failed at once, so the
//! DC never waits for it.

use std::collections::BTreeSet;

use pcmk_common::paths::Paths;
use pcmk_proto::execd as pb;
use pcmk_proto::execd::executor_client::ExecutorClient;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tonic::transport::Channel;
use tracing::Instrument;

use super::{InputTx, send_event};
use crate::core::controller::{Daemon, Event, ExecRequest};
use crate::core::history::{AgentMetadata, needs_metadata};
use crate::core::keys::ExecStatus;
use crate::translate::executor::{cancel_request, exec_request, failed_to_start, op_result};

#[derive(Debug)]
enum Job {
    Connect,
    Disconnect,
    Exec { req: ExecRequest, epoch: i64 },
}

/// The executor link's handle in the main loop.
pub(crate) struct ExecutorLink {
    jobs: mpsc::UnboundedSender<Job>,
}

impl ExecutorLink {
    pub(crate) fn new(paths: &Paths, tx: InputTx) -> ExecutorLink {
        let (jobs, rx) = mpsc::unbounded_channel();
        let w = Worker {
            socket: paths.socket(pcmk_execd::client::SOCKET),
            tx,
            client: None,
            reader: None,
            metadata_known: BTreeSet::new(),
        };
        tokio::spawn(w.run(rx).in_current_span());
        ExecutorLink { jobs }
    }

    pub(crate) fn connect(&self) {
        let _ = self.jobs.send(Job::Connect);
    }

    pub(crate) fn disconnect(&self) {
        let _ = self.jobs.send(Job::Disconnect);
    }

    /// Runs (or cancels) an operation; `epoch` is now, for a result made
    /// up when the executor refuses it.
    pub(crate) fn exec(&self, req: ExecRequest, epoch: i64) {
        let _ = self.jobs.send(Job::Exec { req, epoch });
    }
}

struct Worker {
    socket: std::path::PathBuf,
    tx: InputTx,
    client: Option<ExecutorClient<Channel>>,
    reader: Option<JoinHandle<()>>,
    /// Agents whose meta-data the core was given (`class:provider:type`).
    metadata_known: BTreeSet<String>,
}

fn agent_key(req: &ExecRequest) -> String {
    format!(
        "{}:{}:{}",
        req.rsc.standard,
        req.rsc.provider.as_deref().unwrap_or(""),
        req.rsc.kind
    )
}

impl Worker {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Job>) {
        while let Some(job) = rx.recv().await {
            match job {
                Job::Connect => self.connect().await,
                Job::Disconnect => self.disconnect(),
                Job::Exec { req, epoch } => self.exec(req, epoch).await,
            }
        }
        self.disconnect();
    }

    fn disconnect(&mut self) {
        self.client = None;
        if let Some(r) = self.reader.take() {
            r.abort();
        }
    }

    async fn connect(&mut self) {
        self.disconnect();
        let mut attempt = 0u32;
        let (client, stream) = loop {
            attempt += 1;
            let res = async {
                let ch = pcmk_proto::uds::connect(&self.socket)
                    .await
                    .map_err(|e| e.to_string())?;
                let mut c = ExecutorClient::new(ch);
                let s = c
                    .subscribe(pb::SubscribeRequest {})
                    .await
                    .map_err(|e| e.message().to_string())?
                    .into_inner();
                Ok::<_, String>((c, s))
            }
            .await;
            match res {
                Ok(x) => break x,
                Err(e) => {
                    if attempt % 10 == 1 {
                        tracing::info!("Waiting for the executor (attempt {attempt}): {e}");
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            }
        };
        self.client = Some(client);
        let tx = self.tx.clone();
        self.reader = Some(tokio::spawn(
            async move {
                let mut stream = stream;
                loop {
                    match stream.message().await {
                        Ok(Some(r)) => match op_result(&r) {
                            Some((rsc, op)) => send_event(&tx, Event::ExecResult { rsc, op }),
                            None => tracing::warn!(
                                "Ignoring an executor result without a resource or action"
                            ),
                        },
                        Ok(None) => break,
                        Err(e) => {
                            tracing::error!("Executor results failed: {}", e.message());
                            break;
                        }
                    }
                }
                tracing::error!("Lost the connection to the executor");
                send_event(&tx, Event::Disconnected(Daemon::Executor));
            }
            .in_current_span(),
        ));
        tracing::info!("Connected to the executor");
        send_event(&self.tx, Event::Connected(Daemon::Executor));
    }

    /// Gives the core the agent's meta-data once, when digests need it.
    async fn metadata(&mut self, req: &ExecRequest) {
        if !needs_metadata(&req.rsc.standard, &req.task) {
            return;
        }
        let key = agent_key(req);
        if self.metadata_known.contains(&key) {
            return;
        }
        let Some(client) = self.client.as_mut() else {
            return;
        };
        let reply = client
            .get_metadata(pb::MetadataRequest {
                standard: req.rsc.standard.clone(),
                provider: req.rsc.provider.clone().unwrap_or_default(),
                r#type: req.rsc.kind.clone(),
            })
            .await;
        let text = match reply {
            Ok(r) if r.get_ref().rc == 0 => r.into_inner().metadata,
            Ok(r) => {
                tracing::warn!("No meta-data for {key}: {}", r.get_ref().message);
                return;
            }
            Err(e) => {
                tracing::warn!("No meta-data for {key}: {}", e.message());
                return;
            }
        };
        match AgentMetadata::parse(&req.rsc.standard, &text) {
            Ok(metadata) => {
                self.metadata_known.insert(key);
                send_event(
                    &self.tx,
                    Event::Metadata {
                        rsc: req.rsc.clone(),
                        metadata,
                    },
                );
            }
            Err(e) => tracing::warn!("Unusable meta-data for {key}: {e}"),
        }
    }

    async fn exec(&mut self, req: ExecRequest, epoch: i64) {
        if req.task == "cancel" {
            let cancel = cancel_request(&req);
            if let Some(client) = self.client.as_mut() {
                match client.cancel(cancel.clone()).await {
                    Ok(r) if r.get_ref().rc == 0 => {}
                    Ok(r) => tracing::debug!(
                        "Cancelling {}_{}_{}: {}",
                        cancel.rsc_id,
                        cancel.action,
                        cancel.interval_ms,
                        r.get_ref().message
                    ),
                    Err(e) => tracing::warn!("Could not cancel {}: {}", cancel.rsc_id, e.message()),
                }
            }
            return;
        }
        self.metadata(&req).await;
        let failure = match self.client.as_mut() {
            None => Some((
                ExecStatus::NotConnected,
                "Not connected to the executor".to_string(),
            )),
            Some(client) => match client.exec(exec_request(&req)).await {
                Ok(r) if r.get_ref().rc == 0 => None,
                Ok(r) => Some((ExecStatus::Error, r.into_inner().message)),
                Err(e) => Some((ExecStatus::NotConnected, e.message().to_string())),
            },
        };
        if let Some((status, reason)) = failure {
            tracing::error!("Could not run {} of {}: {reason}", req.task, req.rsc.id);
            let (rsc, op) = failed_to_start(&req, status, &reason, epoch);
            send_event(&self.tx, Event::ExecResult { rsc, op });
        }
    }
}
