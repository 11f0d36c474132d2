//! Runs the alert agents the core asks for through the local executor
//! (`ExecAlert`). Each alert runs on its own, as Pacemaker's executor
//! runs them asynchronously: a slow agent delays neither the controller
//! nor the other alerts. The outcome is only logged.

use std::path::PathBuf;

use pcmk_common::paths::Paths;
use pcmk_proto::execd as pb;
use pcmk_proto::execd::executor_client::ExecutorClient;
use tracing::Instrument;

use crate::core::alerts::AlertRun;
use crate::core::keys::ExecStatus;

/// The alert sender's handle in the main loop.
pub(crate) struct AlertLink {
    socket: PathBuf,
}

impl AlertLink {
    pub(crate) fn new(paths: &Paths) -> AlertLink {
        AlertLink {
            socket: paths.socket(pcmk_execd::client::SOCKET),
        }
    }

    /// Has the executor run one alert agent.
    pub(crate) fn send(&self, run: AlertRun) {
        let socket = self.socket.clone();
        let span = tracing::info_span!("alert", id = %run.id);
        tokio::spawn(
            async move {
                let id = run.id.clone();
                match exec(&socket, run).await {
                    Ok(r) => match ExecStatus::from_code(r.op_status) {
                        Some(ExecStatus::Done) if r.rc == 0 => {
                            tracing::debug!("Alert {id} completed")
                        }
                        Some(ExecStatus::Done) => {
                            tracing::warn!("Alert {id} completed but exited with status {}", r.rc)
                        }
                        s => tracing::warn!(
                            "Alert {id} failed: {} {}",
                            s.map_or("unknown status", ExecStatus::description),
                            r.exit_reason
                        ),
                    },
                    Err(why) => tracing::error!("Could not execute alert {id}: {why}"),
                }
            }
            .instrument(span),
        );
    }
}

async fn exec(socket: &std::path::Path, run: AlertRun) -> Result<pb::AlertReply, String> {
    let ch = pcmk_proto::uds::connect(socket)
        .await
        .map_err(|e| e.to_string())?;
    ExecutorClient::new(ch)
        .exec_alert(pb::AlertRequest {
            id: run.id,
            path: run.path,
            timeout_ms: run.timeout_ms,
            env: run.env.into_iter().collect(),
        })
        .await
        .map(tonic::Response::into_inner)
        .map_err(|e| e.message().to_string())
}
