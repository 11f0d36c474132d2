//! The gRPC service: checks who is calling, hands requests to the actor,
//! streams changes to subscribers.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use pcmk_common::exit::CrmExit;
use pcmk_proto::cib as pb;
use pcmk_proto::uds::peer_cred;
use tokio::sync::oneshot;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};

use crate::wire::{WireError, request_from_wire};

use super::actor::Msg;
use super::user::acl_user;

/// The service.
pub struct Service {
    actor: tokio::sync::mpsc::UnboundedSender<Msg>,
    daemon_user: String,
    root: tracing::Span,
    calls: AtomicU64,
}

impl Service {
    /// A service handing requests to `actor`.
    pub fn new(
        actor: tokio::sync::mpsc::UnboundedSender<Msg>,
        daemon_user: String,
        root: tracing::Span,
    ) -> Self {
        Service {
            actor,
            daemon_user,
            root,
            calls: AtomicU64::new(0),
        }
    }
}

fn protocol_reply(exit: CrmExit, error: &str, detail: String) -> pb::CibReply {
    pb::CibReply {
        exit_code: u32::from(exit.code()),
        error: error.to_string(),
        output: String::new(),
        version: None,
        details: vec![detail],
        schema_unchanged: false,
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Result<pb::CibEvent, Status>> + Send>>;

/// A stream that ends after passing on its first error.
struct UntilError<S> {
    inner: S,
    done: bool,
}

impl<T, S> Stream for UntilError<S>
where
    S: Stream<Item = Result<T, Status>> + Unpin,
{
    type Item = Result<T, Status>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.done {
            return std::task::Poll::Ready(None);
        }
        let polled = Pin::new(&mut self.inner).poll_next(cx);
        if let std::task::Poll::Ready(Some(Err(_))) = &polled {
            self.done = true;
        }
        polled
    }
}

#[tonic::async_trait]
impl pb::cib_server::Cib for Service {
    async fn perform(
        &self,
        request: Request<pb::CibRequest>,
    ) -> Result<Response<pb::CibReply>, Status> {
        let peer = peer_cred(&request);
        let peer_name = peer.map(|p| p.user_name().unwrap_or_else(|| format!("#uid{}", p.uid)));
        let call = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        let wire = request.into_inner();
        let span = tracing::info_span!(
            parent: &self.root,
            "request",
            call,
            op = tracing::field::Empty,
            client = %wire.client_name,
            user = tracing::field::Empty,
            pid = peer.and_then(|p| p.pid).unwrap_or(0),
        );
        let mut req = match request_from_wire(&wire) {
            Ok(r) => r,
            Err(e) => {
                let _s = span.enter();
                tracing::warn!(error = %e, "Rejecting malformed request");
                let (exit, detail) = match &e {
                    WireError::UnknownOperation => {
                        (CrmExit::Protocol, format!("unknown operation {}", wire.op))
                    }
                    WireError::BadInput(x) => (CrmExit::DataErr, x.to_string()),
                };
                return Ok(Response::new(protocol_reply(exit, &e.to_string(), detail)));
            }
        };
        let user = acl_user(&self.daemon_user, peer_name.as_deref(), req.user.as_deref());
        span.record("op", req.op.name());
        span.record("user", user.as_str());
        req.user = Some(user);
        let format =
            pb::OutputFormat::try_from(wire.output_format).unwrap_or(pb::OutputFormat::Compact);
        let (tx, rx) = oneshot::channel();
        self.actor
            .send(Msg::Perform {
                req: Box::new(req),
                format,
                span,
                reply: tx,
            })
            .map_err(|_| Status::unavailable("the CIB manager is shutting down"))?;
        let reply = rx
            .await
            .map_err(|_| Status::unavailable("the CIB manager is shutting down"))?;
        Ok(Response::new(reply))
    }

    type SubscribeStream = EventStream;

    async fn subscribe(
        &self,
        request: Request<pb::SubscribeRequest>,
    ) -> Result<Response<EventStream>, Status> {
        let initial = request.get_ref().initial_cib;
        let (tx, rx) = oneshot::channel();
        self.actor
            .send(Msg::Subscribe { initial, reply: tx })
            .map_err(|_| Status::unavailable("the CIB manager is shutting down"))?;
        let (baseline, events) = rx
            .await
            .map_err(|_| Status::unavailable("the CIB manager is shutting down"))?;
        let first = baseline.map(|cib| {
            Ok(pb::CibEvent {
                op: "cib_query".to_string(),
                cib,
                ..pb::CibEvent::default()
            })
        });
        let root = self.root.clone();
        let changes = BroadcastStream::new(events).map(move |item| match item {
            Ok(event) => Ok(Arc::unwrap_or_clone(event)),
            Err(BroadcastStreamRecvError::Lagged(n)) => {
                let _s = root.enter();
                tracing::warn!(missed = n, "Dropping a subscriber that fell behind");
                Err(Status::resource_exhausted(format!(
                    "subscriber fell {n} changes behind; query the CIB again"
                )))
            }
        });
        // A lagging subscriber gets the error, then the stream ends.
        let changes = UntilError {
            inner: changes,
            done: false,
        };
        let stream = tokio_stream::iter(first).chain(changes);
        Ok(Response::new(Box::pin(stream)))
    }
}
