//! The link to the CIB manager (`pacemaker-based`): one worker carries
//! out the core's CIB operations in the order they were asked for (a
//! scheduler request queries the CIB after every write before it), and a
//! reader turns the patchset stream into CIB-change events.
//!
//! `CibOp::SyncFrom` asks for every node to take one node's CIB. With a
//! stand-alone CIB manager (or several nodes sharing one) there is nothing
//! to copy and it succeeds at once; a CIB manager in cluster mode keeps
//! the nodes' copies equal itself.

use pcmk_based::client::CibClient;
use pcmk_based::request::{Operation, Request, Target};
use pcmk_common::exit::CrmExit;
use pcmk_common::paths::Paths;
use pcmk_common::xml::{Element, parse};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::Instrument;

use super::scheduler::SchedulerTx;
use super::{InputTx, send_event};
use crate::core::alerts::AlertList;
use crate::core::controller::{CibOp, Daemon, Event};
use crate::translate::cib_change::interpret;
use crate::translate::config::controller_options;

/// The client name the controller's changes are recorded under.
pub const CLIENT_NAME: &str = "crmd";

#[derive(Debug)]
enum Job {
    Connect,
    Disconnect,
    Perform {
        call_id: Option<u64>,
        op: CibOp,
    },
    ReadConfig,
    SchedulerInput {
        reference: u64,
        quorate: bool,
        to: SchedulerTx,
    },
}

/// The CIB link's handle in the main loop.
pub(crate) struct CibLink {
    jobs: mpsc::UnboundedSender<Job>,
}

impl CibLink {
    pub(crate) fn new(paths: &Paths, node_id: u32, tx: InputTx) -> CibLink {
        let (jobs, rx) = mpsc::unbounded_channel();
        let worker = Worker {
            socket: paths.socket("based"),
            node_id,
            tx,
            jobs: jobs.clone(),
            client: None,
            reader: None,
        };
        tokio::spawn(worker.run(rx).in_current_span());
        CibLink { jobs }
    }

    fn job(&self, job: Job) {
        let _ = self.jobs.send(job);
    }

    pub(crate) fn connect(&self) {
        self.job(Job::Connect);
    }

    pub(crate) fn disconnect(&self) {
        self.job(Job::Disconnect);
    }

    pub(crate) fn perform(&self, call_id: Option<u64>, op: CibOp) {
        self.job(Job::Perform { call_id, op });
    }

    pub(crate) fn read_config(&self) {
        self.job(Job::ReadConfig);
    }

    pub(crate) fn scheduler_input(&self, reference: u64, quorate: bool, to: SchedulerTx) {
        self.job(Job::SchedulerInput {
            reference,
            quorate,
            to,
        });
    }
}

/// The request for one simple operation.
fn request(op: &CibOp) -> Option<Request> {
    let mut req = match op {
        CibOp::QueryGeneration => {
            let mut r = Request::new(Operation::Query, Target::All);
            r.options.no_children = true;
            r
        }
        CibOp::Modify { section, xml } => {
            let target = if section == "cib" {
                Target::All
            } else {
                Target::Section(section.clone())
            };
            let mut r = Request::new(Operation::Modify, target).with_input(xml.clone());
            r.options.allow_create = true;
            r
        }
        CibOp::Delete { xpath } => {
            let mut r = Request::new(Operation::Delete, Target::XPath(xpath.clone()));
            r.options.multiple = true;
            r
        }
        CibOp::SyncFrom { .. } | CibOp::Transaction(_) => return None,
    };
    req.client_name = Some(CLIENT_NAME.to_string());
    Some(req)
}

struct Worker {
    socket: std::path::PathBuf,
    node_id: u32,
    tx: InputTx,
    jobs: mpsc::UnboundedSender<Job>,
    client: Option<CibClient>,
    reader: Option<JoinHandle<()>>,
}

impl Worker {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Job>) {
        while let Some(job) = rx.recv().await {
            match job {
                Job::Connect => self.connect().await,
                Job::Disconnect => self.disconnect(),
                Job::Perform { call_id, op } => {
                    let result = self.perform(&op).await;
                    if let Err(code) = &result {
                        tracing::warn!(
                            call_id,
                            "CIB update {} failed: {}",
                            describe(&op),
                            code.name()
                        );
                    }
                    if let Some(call_id) = call_id {
                        send_event(&self.tx, Event::CibReply { call_id, result });
                    }
                }
                Job::ReadConfig => self.read_config().await,
                Job::SchedulerInput {
                    reference,
                    quorate,
                    to,
                } => match self.query(Target::All).await {
                    Ok(mut cib) => {
                        cib.set_attr("have-quorum", if quorate { "1" } else { "0" });
                        cib.set_attr("dc-uuid", self.node_id.to_string());
                        to.compute(reference, cib);
                    }
                    Err(code) => tracing::error!(
                        "Could not query the CIB for the scheduler: {}",
                        code.name()
                    ),
                },
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

    /// Connects and subscribes, retrying until the CIB manager answers.
    async fn connect(&mut self) {
        self.disconnect();
        let mut attempt = 0u32;
        let (client, stream) = loop {
            attempt += 1;
            let res = async {
                let mut c = CibClient::connect(&self.socket)
                    .await?
                    .with_name(CLIENT_NAME);
                let s = c.subscribe(false).await?;
                Ok::<_, pcmk_based::client::ClientError>((c, s))
            }
            .await;
            match res {
                Ok(x) => break x,
                Err(e) => {
                    if attempt % 10 == 1 {
                        tracing::info!("Waiting for the CIB manager (attempt {attempt}): {e}");
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            }
        };
        self.client = Some(client);
        let tx = self.tx.clone();
        let jobs = self.jobs.clone();
        self.reader = Some(tokio::spawn(
            async move {
                let mut stream = stream;
                loop {
                    match stream.message().await {
                        Ok(Some(ev)) => changed(&tx, &jobs, &ev),
                        Ok(None) => break,
                        Err(e) => {
                            tracing::error!("CIB notifications failed: {}", e.message());
                            break;
                        }
                    }
                }
                tracing::error!("Lost the connection to the CIB manager");
                send_event(&tx, Event::Disconnected(Daemon::Cib));
            }
            .in_current_span(),
        ));
        tracing::info!("Connected to the CIB manager");
        send_event(&self.tx, Event::Connected(Daemon::Cib));
    }

    async fn call(&mut self, req: &Request) -> Result<Option<Element>, CrmExit> {
        let Some(client) = self.client.as_mut() else {
            return Err(CrmExit::Disconnect);
        };
        let reply = client.perform(req).await.map_err(|e| e.exit_code())?;
        if !reply.is_ok() {
            // Deleting what is not there is not an error.
            if req.op == Operation::Delete && reply.exit_code == CrmExit::NoSuch {
                return Ok(None);
            }
            return Err(reply.exit_code);
        }
        reply.output_xml().map_err(|e| e.exit_code())
    }

    async fn query(&mut self, target: Target) -> Result<Element, CrmExit> {
        let mut req = Request::new(Operation::Query, target);
        req.client_name = Some(CLIENT_NAME.to_string());
        self.call(&req).await?.ok_or(CrmExit::NoSuch)
    }

    async fn perform(&mut self, op: &CibOp) -> Result<Option<Element>, CrmExit> {
        match op {
            CibOp::SyncFrom { node } => {
                tracing::debug!("CIB of {node} is the cluster's");
                Ok(None)
            }
            CibOp::Transaction(ops) => {
                // Applied in order; the first failure ends it.
                for o in ops {
                    Box::pin(self.perform(o)).await?;
                }
                Ok(None)
            }
            simple => match request(simple) {
                Some(req) => self.call(&req).await,
                None => Err(CrmExit::Software),
            },
        }
    }

    async fn read_config(&mut self) {
        // The previous alerts stay when the section cannot be read.
        match self.query(Target::Section("alerts".into())).await {
            Ok(x) => send_event(
                &self.tx,
                Event::Alerts(AlertList::new(pcmk_execd::alerts::unpack(&x))),
            ),
            Err(CrmExit::NoSuch) => send_event(&self.tx, Event::Alerts(AlertList::default())),
            Err(code) => tracing::error!("Could not read the alerts: {}", code.name()),
        }
        let opts = match self.query(Target::Section("crm_config".into())).await {
            Ok(x) => controller_options(&x),
            Err(CrmExit::NoSuch) => controller_options(&Element::new("crm_config")),
            Err(code) => {
                tracing::error!("Could not read the cluster options: {}", code.name());
                return;
            }
        };
        send_event(&self.tx, Event::Config(opts));
    }
}

fn describe(op: &CibOp) -> String {
    match op {
        CibOp::QueryGeneration => "query of the CIB version".into(),
        CibOp::SyncFrom { node } => format!("sync from {node}"),
        CibOp::Modify { section, xml } => format!("of {} in {section}", xml.name),
        CibOp::Delete { xpath } => format!("deleting {xpath}"),
        CibOp::Transaction(ops) => format!("transaction of {} operations", ops.len()),
    }
}

/// One applied change from the CIB manager.
fn changed(tx: &InputTx, jobs: &mpsc::UnboundedSender<Job>, ev: &pcmk_proto::cib::CibEvent) {
    if ev.patchset.is_empty() {
        return;
    }
    let patchset = match parse(&ev.patchset) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!("Ignoring a CIB notification with a malformed patchset: {e}");
            return;
        }
    };
    let mut change = interpret(&patchset);
    change.config |= ev.config_changed;
    // The options and the alerts are read together
    // (`controld_trigger_config()`).
    if change.crm_config || change.alerts {
        let _ = jobs.send(Job::ReadConfig);
    }
    if change.is_relevant() {
        send_event(tx, change.into_event());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_become_requests() {
        let r = request(&CibOp::QueryGeneration).unwrap();
        assert!(r.options.no_children && r.op == Operation::Query);
        let r = request(&CibOp::Modify {
            section: "cib".into(),
            xml: Element::new("cib"),
        })
        .unwrap();
        assert_eq!(r.target, Target::All);
        assert!(r.options.allow_create);
        let r = request(&CibOp::Modify {
            section: "status".into(),
            xml: Element::new("node_state"),
        })
        .unwrap();
        assert_eq!(r.target, Target::Section("status".into()));
        let r = request(&CibOp::Delete {
            xpath: "//node_state[@uname='a']/lrm".into(),
        })
        .unwrap();
        assert!(r.options.multiple);
        assert_eq!(r.client_name.as_deref(), Some(CLIENT_NAME));
        assert!(request(&CibOp::Transaction(Vec::new())).is_none());
    }
}
