//! The daemon's shell: serves `pcmk_proto::schedulerd` on its socket,
//! computing each transition with [`crate::compute`] on a blocking thread
//! and saving the input in its series.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use pcmk_proto::schedulerd as pb;
use tonic::{Request, Response, Status};

use crate::series;

/// The scheduler service.
#[derive(Debug)]
pub struct SchedulerService {
    pengine_dir: PathBuf,
    next_transition: AtomicU64,
}

impl SchedulerService {
    /// A service saving its inputs under `pengine_dir`.
    pub fn new(pengine_dir: PathBuf) -> Self {
        SchedulerService {
            pengine_dir,
            next_transition: AtomicU64::new(0),
        }
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[tonic::async_trait]
impl pb::scheduler_server::Scheduler for SchedulerService {
    async fn compute(
        &self,
        req: Request<pb::ComputeRequest>,
    ) -> Result<Response<pb::ComputeReply>, Status> {
        let req = req.into_inner();
        let transition_id = if req.transition_id > 0 {
            req.transition_id
        } else {
            self.next_transition.fetch_add(1, Ordering::Relaxed)
        };
        let now = if req.now > 0 { req.now } else { now_secs() };
        let dir = self.pengine_dir.clone();
        let save = req.save_input;
        let span = tracing::info_span!("compute", daemon = "pacemaker-schedulerd", transition_id);
        let reply = tokio::task::spawn_blocking(move || {
            let _g = span.enter();
            let cib = pcmk_common::xml::parse(&req.cib_xml)
                .map_err(|e| Status::invalid_argument(format!("CIB is not valid XML: {e}")))?;
            let result = crate::compute(&cib, now, transition_id);
            let mut reply = pb::ComputeReply {
                graph_xml: result.graph_xml,
                transition_id,
                ..pb::ComputeReply::default()
            };
            for m in &result.messages {
                if !m.config {
                    continue;
                }
                match m.severity {
                    crate::Severity::Error => reply.errors.push(m.text.clone()),
                    crate::Severity::Warning => reply.warnings.push(m.text.clone()),
                    crate::Severity::Notice => {}
                }
            }
            if save {
                match series::save_input(&dir, result.series, result.series_limit, &req.cib_xml) {
                    Ok(Some(p)) => {
                        tracing::info!(file = %p.display(), "saved scheduler input");
                        reply.input_file = p.display().to_string();
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!("could not save scheduler input: {e}"),
                }
            }
            Ok::<_, Status>(reply)
        })
        .await
        .map_err(|e| Status::internal(format!("scheduler task failed: {e}")))??;
        Ok(Response::new(reply))
    }
}

/// Errors of the daemon as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The socket could not be bound.
    #[error(transparent)]
    Socket(#[from] pcmk_proto::uds::UdsError),
    /// The gRPC server failed.
    #[error("scheduler server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Serves the scheduler API on `socket` until `shutdown` resolves.
pub async fn serve(
    socket: PathBuf,
    pengine_dir: PathBuf,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ServeError> {
    let listener = pcmk_proto::uds::bind(&socket, 0o660)?;
    let svc = SchedulerService::new(pengine_dir);
    tracing::info!(socket = %socket.display(), daemon = "pacemaker-schedulerd", "accepting connections");
    tonic::transport::Server::builder()
        .add_service(pb::scheduler_server::SchedulerServer::new(svc))
        .serve_with_incoming_shutdown(pcmk_proto::uds::incoming(listener), shutdown)
        .await?;
    let _ = std::fs::remove_file(&socket);
    Ok(())
}
