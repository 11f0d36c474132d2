//! The link to the fencer (`pacemaker-fenced`): each fencing request of
//! the transition engine runs on its own until the fencer gives its final
//! result, which comes back as `FenceResult`; the fencer's notifications
//! of completed fencing (whoever asked) come back as `FenceNotify`.

use std::time::Duration;

use pcmk_common::paths::Paths;
use pcmk_proto::fenced as pb;
use tracing::Instrument;

use super::{InputTx, send_event};
use crate::core::alerts::FenceReport;
use crate::core::controller::Event;

/// Client name recorded in the fencing history.
pub const CLIENT_NAME: &str = crate::core::controller::FENCE_CLIENT;

/// The fencer link's handle in the main loop.
pub(crate) struct FencerLink {
    paths: Paths,
    tx: InputTx,
}

impl FencerLink {
    pub(crate) fn new(paths: &Paths, tx: InputTx) -> FencerLink {
        tokio::spawn(watch(paths.clone(), tx.clone()).in_current_span());
        FencerLink {
            paths: paths.clone(),
            tx,
        }
    }

    /// Asks the fencer to `op` (reboot, off, on) `target`.
    pub(crate) fn fence(&self, action_id: i32, target: String, op: String, timeout: Duration) {
        let paths = self.paths.clone();
        let tx = self.tx.clone();
        tokio::spawn(
            async move {
                tracing::info!("Requesting fencing ({op}) of node {target}");
                let ok = match fence(&paths, &target, &op, timeout).await {
                    Ok(()) => true,
                    Err(why) => {
                        tracing::error!("Fencing ({op}) of node {target} failed: {why}");
                        false
                    }
                };
                send_event(
                    &tx,
                    Event::FenceResult {
                        action_id,
                        target,
                        ok,
                    },
                );
            }
            .in_current_span(),
        );
    }
}

async fn fence(paths: &Paths, target: &str, op: &str, timeout: Duration) -> Result<(), String> {
    let mut client = pcmk_fenced::client::connect(paths)
        .await
        .map_err(|e| e.to_string())?;
    let req = pb::FenceRequest {
        target: target.to_string(),
        action: op.to_string(),
        timeout_s: u32::try_from(timeout.as_secs().max(1)).unwrap_or(u32::MAX),
        delay_s: 0,
        tolerance_s: 0,
        client_name: CLIENT_NAME.to_string(),
        device: String::new(),
        manual_ack: false,
    };
    let reply = client
        .fence(req)
        .await
        .map_err(|e| e.message().to_string())?
        .into_inner();
    match reply.result {
        Some(r) if r.exit_status == 0 => Ok(()),
        Some(r) if !r.exit_reason.is_empty() => Err(r.exit_reason),
        Some(r) => Err(format!("exit status {}", r.exit_status)),
        None => Err("no result".to_string()),
    }
}

/// Follows the fencer's notifications for as long as the controller runs,
/// reconnecting when the fencer is not (yet, or any more) there.
async fn watch(paths: Paths, tx: InputTx) {
    let mut announced = false;
    loop {
        match subscribe(&paths).await {
            Ok(mut stream) => {
                tracing::info!("Connected to the fencer for notifications");
                announced = false;
                while let Ok(Some(ev)) = stream.message().await {
                    let Some(op) = ev.op.filter(|_| ev.kind == "fence") else {
                        continue;
                    };
                    // Pacemaker's st_done.
                    let ok = op.state == 2;
                    send_event(
                        &tx,
                        Event::FenceNotify {
                            report: fence_report(op),
                            ok,
                        },
                    );
                }
                tracing::warn!("Lost the fencer's notifications; reconnecting");
            }
            Err(why) if !announced => {
                tracing::debug!("Fencer not available for notifications yet: {why}");
                announced = true;
            }
            Err(_) => {}
        }
        if tx.is_closed() {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// What the core needs of a completed fencing operation.
fn fence_report(op: pb::HistoryEntry) -> FenceReport {
    let result = op.result.unwrap_or_default();
    FenceReport {
        id: op.id,
        target: op.target,
        action: op.action,
        origin: op.origin,
        client: op.client,
        delegate: op.delegate,
        exit_status: result.exit_status,
        exec_status: result.exec_status,
        exit_reason: (!result.exit_reason.is_empty()).then_some(result.exit_reason),
        output: (!result.output.is_empty()).then_some(result.output),
    }
}

async fn subscribe(paths: &Paths) -> Result<tonic::Streaming<pb::Event>, String> {
    let mut client = pcmk_fenced::client::connect(paths)
        .await
        .map_err(|e| e.to_string())?;
    Ok(client
        .subscribe(pb::SubscribeRequest::default())
        .await
        .map_err(|e| e.message().to_string())?
        .into_inner())
}
