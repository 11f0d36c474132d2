//! Writing the CIB to disk in the background, as the CIB manager forks a
//! writer: the request that changed the configuration is answered at once,
//! and writes coalesce (while one is running, later changes wait for the
//! next, which takes the latest CIB). Writes start at most every
//! [`MIN_WRITE_INTERVAL`], so that a stream of changes costs a bounded
//! number of full-CIB writes.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use pcmk_common::xml::Element;
use tokio::sync::mpsc::UnboundedSender;

use crate::store::Store;

use super::actor::Msg;

/// The shortest time between the starts of two writes.
pub const MIN_WRITE_INTERVAL: Duration = Duration::from_millis(100);

/// A CIB to write, already prepared (no status section).
pub struct Job {
    /// The document as it goes to disk (with its `cib-last-written`).
    pub doc: Element,
}

/// The writer thread's inbox.
pub type WriterTx = mpsc::Sender<Job>;

/// Starts the writer thread; each result goes back to the actor.
pub fn spawn(
    store: Store,
    actor: UnboundedSender<Msg>,
    span: tracing::Span,
) -> std::io::Result<WriterTx> {
    let (tx, rx) = mpsc::channel::<Job>();
    thread::Builder::new()
        .name("cib-writer".to_string())
        .spawn(move || {
            let _root = span.enter();
            while let Ok(job) = rx.recv() {
                let started = Instant::now();
                let version = format!(
                    "{}.{}.0",
                    job.doc.attr("admin_epoch").unwrap_or("0"),
                    job.doc.attr("epoch").unwrap_or("0")
                );
                let result = store.write_prepared(&job.doc).map_err(|e| e.to_string());
                match &result {
                    Ok(digest) => tracing::info!(
                        version = %version,
                        digest = %digest,
                        "Wrote version {version} of the CIB to disk (digest: {digest})"
                    ),
                    Err(e) => tracing::error!(error = %e, "Could not write CIB to disk"),
                }
                // Changes made meanwhile wait for the next write.
                if let Some(rest) = MIN_WRITE_INTERVAL.checked_sub(started.elapsed()) {
                    if result.is_ok() {
                        thread::sleep(rest);
                    }
                }
                if actor.send(Msg::Written(result)).is_err() {
                    break;
                }
            }
        })?;
    Ok(tx)
}
