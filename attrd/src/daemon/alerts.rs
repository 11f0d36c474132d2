//! The shell's side of attribute alerts: the CIB's `alerts` section read
//! for the core (at start-up and whenever the section changes), and the
//! alert agents the core asks for run by the local executor
//! (`ExecAlert`), each on its own task; the outcome is only logged.

use std::path::PathBuf;

use pcmk_based::client::{CibClient, ClientError};
use pcmk_based::request::Target;
use pcmk_common::exit::CrmExit;
use pcmk_controld::core::alerts::{AlertList, AlertRun, unpack};
use pcmk_proto::execd as pb;
use pcmk_proto::execd::executor_client::ExecutorClient;
use tracing::Instrument;

/// The configured alerts, or `None` when the CIB cannot tell (the
/// previous list then stays).
pub(super) async fn read(cib: &mut CibClient) -> Option<AlertList> {
    match cib.query_xml(Target::Section("alerts".into())).await {
        Ok(x) => Some(AlertList::new(unpack(&x))),
        Err(ClientError::Failed {
            exit_code: CrmExit::NoSuch,
            ..
        }) => Some(AlertList::default()),
        Err(e) => {
            tracing::warn!("Could not read the alerts: {e}");
            None
        }
    }
}

/// Has the executor at `socket` run one alert agent.
pub(super) fn send(socket: PathBuf, run: AlertRun) {
    let span = tracing::info_span!("alert", id = %run.id);
    tokio::spawn(
        async move {
            let id = run.id.clone();
            let reply = async {
                let ch = pcmk_proto::uds::connect(&socket)
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
            .await;
            match reply {
                Ok(r) if r.rc == 0 && r.op_status == 0 => tracing::debug!("Alert {id} completed"),
                Ok(r) => tracing::warn!(
                    "Alert {id} failed (rc={}, status={}): {}",
                    r.rc,
                    r.op_status,
                    r.exit_reason
                ),
                Err(why) => tracing::error!("Could not execute alert {id}: {why}"),
            }
        }
        .instrument(span),
    );
}
