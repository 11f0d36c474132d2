//! The thread that owns the CIB: requests are carried out one at a time,
//! in the order they arrive, each change is published to subscribers and
//! scheduled for writing to disk.

use std::sync::Arc;
use std::thread;

use pcmk_common::xml::Element;
use pcmk_proto::cib as pb;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::acl;
use crate::cib::{Cib, Context, Outcome};
use crate::error::{CibError, Failure};
use crate::file::SystemGroups;
use crate::notes::{Level, Note, Sink};
use crate::request::{Operation, Request, Target};
use crate::store::Store;
use crate::wire::version_to_wire;

use super::writer::{self, Job, WriterTx};

/// A message to the actor.
pub enum Msg {
    /// Carry out a request.
    Perform {
        /// The request (user already resolved).
        req: Box<Request>,
        /// How to format output.
        format: pb::OutputFormat,
        /// The request's span.
        span: tracing::Span,
        /// Where the reply goes.
        reply: oneshot::Sender<pb::CibReply>,
    },
    /// Start receiving changes (and the CIB as it is now, if asked).
    Subscribe {
        /// Whether to send the whole CIB first.
        initial: bool,
        /// Where the receiver (and baseline) go.
        reply: oneshot::Sender<(Option<String>, broadcast::Receiver<Arc<pb::CibEvent>>)>,
    },
    /// The writer finished a write.
    Written(Result<String, String>),
    /// Write what is pending, then stop.
    Shutdown(oneshot::Sender<()>),
}

/// The time as `cib-last-written` shows it (`ctime()` format).
pub fn now_text() -> String {
    jiff::Zoned::now()
        .strftime("%a %b %e %H:%M:%S %Y")
        .to_string()
}

/// How the actor stands with the disk.
enum Disk {
    /// No writes (disabled, or after a failure).
    Off,
    /// Idle.
    Idle(WriterTx),
    /// A write is running; `pending` says whether another is due after it.
    Busy { tx: WriterTx, pending: bool },
}

struct Actor {
    cib: Cib,
    /// Why changes are refused (the CIB loaded did not validate).
    refused: Option<CibError>,
    events: broadcast::Sender<Arc<pb::CibEvent>>,
    disk: Disk,
    node: String,
    shutdown: Option<oneshot::Sender<()>>,
    /// The whole CIB as last serialized for an unfiltered query, until the
    /// next change: tools and daemons often read it several times between
    /// changes, and serializing a large CIB dominates a query's cost.
    whole: Option<(pb::OutputFormat, String)>,
}

/// Sends log records produced by the core to `tracing`.
pub fn log_notes(notes: &[Note]) {
    for n in notes {
        let (func, level) = match n.sink {
            Sink::Log { func, level } => (func, level),
            Sink::Transform(level) => ("cib_upgrade_err", level),
        };
        match level {
            Level::Error => tracing::error!(func, "{}", n.text),
            Level::Warning => tracing::warn!(func, "{}", n.text),
            Level::Notice | Level::Info => tracing::info!(func, "{}", n.text),
            Level::Debug => tracing::debug!(func, "{}", n.text),
            Level::Trace => tracing::trace!(func, "{}", n.text),
        }
    }
}

fn format_xml(el: &Element, format: pb::OutputFormat) -> String {
    match format {
        pb::OutputFormat::Pretty => el.to_pretty(),
        pb::OutputFormat::Compact => el.to_compact(),
    }
}

impl Actor {
    fn context(&self) -> Context<'static> {
        Context {
            last_written: Some(now_text()),
            groups: &SystemGroups,
            check_feature_set: true,
            return_rejected: true,
        }
    }

    /// Whether `req` reads the whole, unfiltered CIB.
    fn reads_whole(&self, req: &Request) -> bool {
        req.op == Operation::Query
            && req.target == Target::All
            && !req.options.no_children
            && !acl::enabled(self.cib.doc(), req.user.as_deref())
    }

    fn perform(&mut self, mut req: Request, format: pb::OutputFormat) -> pb::CibReply {
        req.origin = Some(self.node.clone());
        if req.op.modifies() {
            self.whole = None;
            if let Some(e) = &self.refused {
                return failure_reply(Failure::new(e.clone()), format, &self.cib);
            }
        }
        let whole = self.reads_whole(&req);
        if whole {
            if let Some((f, text)) = &self.whole {
                if *f == format {
                    return pb::CibReply {
                        exit_code: 0,
                        error: String::new(),
                        output: text.clone(),
                        version: Some(version_to_wire(self.cib.version())),
                        details: Vec::new(),
                        schema_unchanged: false,
                    };
                }
            }
        }
        let reply = self.perform_uncached(req, format);
        if whole && reply.exit_code == 0 {
            self.whole = Some((format, reply.output.clone()));
        }
        reply
    }

    fn perform_uncached(&mut self, req: Request, format: pb::OutputFormat) -> pb::CibReply {
        let ctx = self.context();
        let result = self.cib.perform(&req, &ctx);
        match result {
            Ok(Outcome {
                output,
                change,
                notes,
            }) => {
                log_notes(&notes);
                let output = output.map(|o| format_xml(&o, format)).unwrap_or_default();
                let schema_unchanged = req.op == Operation::Upgrade && change.is_none();
                if let Some(change) = change {
                    tracing::info!(
                        version = %change.version,
                        config_changed = change.config_changed,
                        "Completed {} operation: OK",
                        req.op.name()
                    );
                    if !req.options.inhibit_notify && !req.options.dry_run {
                        let event = pb::CibEvent {
                            op: req.op.name().to_string(),
                            patchset: change.patchset.to_compact(),
                            version: Some(version_to_wire(change.version)),
                            config_changed: change.config_changed,
                            client_name: req.client_name.clone().unwrap_or_default(),
                            user: req.user.clone().unwrap_or_default(),
                            cib: String::new(),
                        };
                        // No subscribers is not an error.
                        let _ = self.events.send(Arc::new(event));
                    }
                    if change.to_disk && !req.options.dry_run {
                        self.schedule_write();
                    }
                }
                pb::CibReply {
                    exit_code: 0,
                    error: if schema_unchanged {
                        CibError::SchemaUnchanged.to_string()
                    } else {
                        String::new()
                    },
                    output,
                    version: Some(version_to_wire(self.cib.version())),
                    details: Vec::new(),
                    schema_unchanged,
                }
            }
            Err(f) => {
                log_notes(&f.notes);
                let level_warn = req.op.modifies();
                if level_warn {
                    tracing::warn!(
                        rc = f.error.rc(),
                        "Completed {} operation: {}",
                        req.op.name(),
                        f.error
                    );
                } else {
                    tracing::debug!(
                        rc = f.error.rc(),
                        "Completed {} operation: {}",
                        req.op.name(),
                        f.error
                    );
                }
                for d in f.error.details() {
                    tracing::info!("{d}");
                }
                failure_reply(f, format, &self.cib)
            }
        }
    }

    /// Sends the CIB to the writer, or marks a write as due after the
    /// running one.
    fn schedule_write(&mut self) {
        match std::mem::replace(&mut self.disk, Disk::Off) {
            Disk::Off => {}
            Disk::Busy { tx, .. } => self.disk = Disk::Busy { tx, pending: true },
            Disk::Idle(tx) => {
                let job = Job {
                    doc: Store::prepare(self.cib.doc(), &now_text()),
                };
                if tx.send(job).is_ok() {
                    self.disk = Disk::Busy { tx, pending: false };
                } else {
                    tracing::error!("Disabling CIB disk writes: the writer is gone");
                }
            }
        }
    }

    /// Records the end of a write; returns whether the actor may stop now.
    fn written(&mut self, result: Result<String, String>) -> bool {
        match std::mem::replace(&mut self.disk, Disk::Off) {
            Disk::Busy { tx, pending } => {
                if let Err(e) = result {
                    tracing::error!(error = %e, "Disabling CIB disk writes after failure");
                    return self.finish_shutdown();
                }
                self.disk = Disk::Idle(tx);
                if pending {
                    self.schedule_write();
                }
            }
            other => self.disk = other,
        }
        if matches!(self.disk, Disk::Busy { .. }) {
            return false;
        }
        self.finish_shutdown()
    }

    /// Acknowledges a pending shutdown; returns whether there was one.
    fn finish_shutdown(&mut self) -> bool {
        match self.shutdown.take() {
            Some(done) => {
                let _ = done.send(());
                true
            }
            None => false,
        }
    }
}

fn failure_reply(f: Failure, format: pb::OutputFormat, cib: &Cib) -> pb::CibReply {
    pb::CibReply {
        exit_code: u32::from(f.error.exit_code().code()),
        error: f.error.to_string(),
        output: f.output.map(|o| format_xml(&o, format)).unwrap_or_default(),
        version: Some(version_to_wire(cib.version())),
        details: f.error.details(),
        schema_unchanged: false,
    }
}

/// A running actor: its inbox and the channel of events.
pub struct Handle {
    /// Where requests go.
    pub tx: mpsc::UnboundedSender<Msg>,
}

/// Starts the actor thread (and the writer, when `store` is given).
pub fn spawn(
    cib: Cib,
    refused: Option<CibError>,
    store: Option<Store>,
    node: String,
    span: tracing::Span,
    write_at_start: bool,
) -> std::io::Result<(Handle, thread::JoinHandle<()>)> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let disk = match store {
        Some(store) => Disk::Idle(writer::spawn(store, tx.clone(), span.clone())?),
        None => Disk::Off,
    };
    let (events, _) = broadcast::channel(1024);
    let mut actor = Actor {
        cib,
        refused,
        events,
        disk,
        node,
        shutdown: None,
        whole: None,
    };
    let join = thread::Builder::new()
        .name("cib".to_string())
        .spawn(move || {
            let _root = span.enter();
            if write_at_start {
                actor.schedule_write();
            }
            while let Some(msg) = rx.blocking_recv() {
                match msg {
                    Msg::Perform {
                        req,
                        format,
                        span,
                        reply,
                    } => {
                        let _s = span.enter();
                        let r = actor.perform(*req, format);
                        // The client may be gone; nothing to do then.
                        let _ = reply.send(r);
                    }
                    Msg::Subscribe { initial, reply } => {
                        let baseline = initial.then(|| actor.cib.doc().to_compact());
                        let _ = reply.send((baseline, actor.events.subscribe()));
                    }
                    Msg::Written(result) => {
                        if actor.written(result) {
                            break;
                        }
                    }
                    Msg::Shutdown(done) => {
                        actor.shutdown = Some(done);
                        if !matches!(actor.disk, Disk::Busy { .. }) {
                            actor.finish_shutdown();
                            break;
                        }
                    }
                }
            }
        })?;
    Ok((Handle { tx }, join))
}
