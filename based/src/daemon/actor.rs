//! The thread that owns the CIB: requests are carried out one at a time,
//! in the order they arrive, each change is published to subscribers and
//! scheduled for writing to disk.

use std::sync::Arc;
use std::thread;

use pcmk_common::xml::Element;
use pcmk_proto::cib as pb;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::acl;
use crate::cib::{Change, Cib, Context, Outcome};
use crate::cluster::{Applied, Cluster, Effect, Input, Member, Replica, Write};
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
    /// Something happened in the CPG group (cluster mode).
    Cluster(Input),
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

/// A client waiting for its write to come back in the agreed order.
struct Waiting {
    format: pb::OutputFormat,
    span: tracing::Span,
    reply: oneshot::Sender<pb::CibReply>,
}

/// The cluster side of the actor: the core and the way out to the group.
struct Link {
    core: Cluster,
    mcast: mpsc::UnboundedSender<Vec<u8>>,
    waiting: std::collections::HashMap<u64, Waiting>,
    next_call: u64,
}

/// How the actor takes part in a cluster.
pub struct ClusterSetup {
    /// This process in the `cib` group.
    pub me: Member,
    /// Where messages to multicast go (in order).
    pub mcast: mpsc::UnboundedSender<Vec<u8>>,
}

struct Actor {
    cib: Cib,
    /// The cluster, unless stand-alone.
    link: Option<Link>,
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

    /// Carries out a request here, or gives it back when it must go
    /// through the cluster.
    fn perform(
        &mut self,
        mut req: Request,
        format: pb::OutputFormat,
    ) -> Result<pb::CibReply, Box<Request>> {
        req.origin = Some(self.node.clone());
        if req.op.modifies() {
            self.whole = None;
            if let Some(e) = &self.refused {
                return Ok(failure_reply(Failure::new(e.clone()), format, &self.cib));
            }
        }
        if req.op.modifies() && !req.options.dry_run && self.link.is_some() {
            return Err(Box::new(req));
        }
        let whole = self.reads_whole(&req);
        if whole {
            if let Some((f, text)) = &self.whole {
                if *f == format {
                    return Ok(pb::CibReply {
                        exit_code: 0,
                        error: String::new(),
                        output: text.clone(),
                        version: Some(version_to_wire(self.cib.version())),
                        details: Vec::new(),
                        schema_unchanged: false,
                    });
                }
            }
        }
        let reply = self.perform_uncached(req, format);
        if whole && reply.exit_code == 0 {
            self.whole = Some((format, reply.output.clone()));
        }
        Ok(reply)
    }

    fn perform_uncached(&mut self, req: Request, format: pb::OutputFormat) -> pb::CibReply {
        let ctx = self.context();
        let result = self.cib.perform(&req, &ctx).map(
            |Outcome {
                 output,
                 change,
                 notes,
             }| {
                let output = output.map(|o| format_xml(&o, format)).unwrap_or_default();
                (output, change, notes)
            },
        );
        self.conclude(&req, result, format)
    }

    /// Logs the result of a request, publishes and schedules for writing
    /// its change, and makes the reply.
    fn conclude(
        &mut self,
        req: &Request,
        result: Result<(String, Option<Change>, Vec<Note>), Failure>,
        format: pb::OutputFormat,
    ) -> pb::CibReply {
        match result {
            Ok((output, change, notes)) => {
                log_notes(&notes);
                let schema_unchanged = req.op == Operation::Upgrade && change.is_none();
                if let Some(change) = change {
                    self.whole = None;
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
                if req.op.modifies() {
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

    /// Sends a write to the group; the client is answered when it comes
    /// back in the agreed order.
    fn submit(
        &mut self,
        req: Request,
        format: pb::OutputFormat,
        span: tracing::Span,
        reply: oneshot::Sender<pb::CibReply>,
    ) {
        let Some(link) = self.link.as_mut() else {
            return;
        };
        link.next_call += 1;
        let call_id = link.next_call;
        link.waiting.insert(
            call_id,
            Waiting {
                format,
                span,
                reply,
            },
        );
        let write = Write {
            call_id,
            request: req,
            last_written: now_text(),
        };
        self.cluster_input(Input::Local(write));
    }

    /// Feeds the cluster core and carries out its effects.
    fn cluster_input(&mut self, input: Input) {
        let Some(link) = self.link.as_mut() else {
            return;
        };
        let mut replica = Replica {
            cib: &mut self.cib,
            refused: &mut self.refused,
            groups: &SystemGroups,
        };
        let effects = link.core.handle(&mut replica, input);
        for e in effects {
            self.cluster_effect(e);
        }
    }

    fn cluster_effect(&mut self, effect: Effect) {
        match effect {
            Effect::Mcast(bytes) => {
                if let Some(link) = &self.link {
                    if link.mcast.send(bytes).is_err() {
                        tracing::error!("Cannot send to the cib group: the cluster link is gone");
                    }
                }
            }
            Effect::Applied {
                ours,
                request,
                result,
            } => {
                let waiting = ours.and_then(|id| self.link.as_mut()?.waiting.remove(&id));
                let format = waiting
                    .as_ref()
                    .map_or(pb::OutputFormat::Compact, |w| w.format);
                let result = result.map(
                    |Applied {
                         output,
                         change,
                         notes,
                     }| {
                        let text = match (&waiting, output) {
                            (Some(_), Some(o)) => format_xml(&o, format),
                            _ => String::new(),
                        };
                        (text, change, notes)
                    },
                );
                match waiting {
                    Some(w) => {
                        let r = {
                            let _s = w.span.enter();
                            self.conclude(&request, result, format)
                        };
                        // The client may be gone; nothing to do then.
                        let _ = w.reply.send(r);
                    }
                    None => {
                        let span = tracing::info_span!(
                            "peer_request",
                            op = request.op.name(),
                            origin = request.origin.as_deref().unwrap_or(""),
                            client = request.client_name.as_deref().unwrap_or(""),
                        );
                        let _s = span.enter();
                        self.conclude(&request, result, format);
                    }
                }
            }
            Effect::Replaced { patchset, version } => {
                self.whole = None;
                if let Some(p) = patchset {
                    let event = pb::CibEvent {
                        op: "cib_replace".to_string(),
                        patchset: p.to_compact(),
                        version: Some(version_to_wire(version)),
                        config_changed: true,
                        client_name: "pacemaker-based".to_string(),
                        user: String::new(),
                        cib: String::new(),
                    };
                    let _ = self.events.send(Arc::new(event));
                }
                self.schedule_write();
            }
            Effect::Synced { version } => {
                tracing::debug!(%version, "Writes resume");
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

/// Starts the actor thread (and the writer, when `store` is given);
/// with `cluster`, writes go through the CPG group.
pub fn spawn(
    cib: Cib,
    refused: Option<CibError>,
    store: Option<Store>,
    node: String,
    span: tracing::Span,
    write_at_start: bool,
    cluster: Option<ClusterSetup>,
) -> std::io::Result<(Handle, thread::JoinHandle<()>)> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let disk = match store {
        Some(store) => Disk::Idle(writer::spawn(store, tx.clone(), span.clone())?),
        None => Disk::Off,
    };
    let (events, _) = broadcast::channel(1024);
    let link = cluster.map(|c| Link {
        core: Cluster::new(c.me),
        mcast: c.mcast,
        waiting: std::collections::HashMap::new(),
        next_call: 0,
    });
    let mut actor = Actor {
        cib,
        link,
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
                        match actor.perform(*req, format) {
                            // The client may be gone; nothing to do then.
                            Ok(r) => {
                                let _ = reply.send(r);
                            }
                            Err(req) => actor.submit(*req, format, span.clone(), reply),
                        }
                    }
                    Msg::Cluster(input) => actor.cluster_input(input),
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
