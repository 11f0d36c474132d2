//! The link to the fencer (`pacemaker-fenced`): each fencing request of
//! the transition engine runs on its own until the fencer gives its final
//! result, which comes back as `FenceResult`.

use std::time::Duration;

use pcmk_common::paths::Paths;
use pcmk_proto::fenced as pb;
use tracing::Instrument;

use super::{InputTx, send_event};
use crate::core::controller::Event;

/// Client name recorded in the fencing history.
pub const CLIENT_NAME: &str = "pacemaker-controld";

/// The fencer link's handle in the main loop.
pub(crate) struct FencerLink {
    paths: Paths,
    tx: InputTx,
}

impl FencerLink {
    pub(crate) fn new(paths: &Paths, tx: InputTx) -> FencerLink {
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
