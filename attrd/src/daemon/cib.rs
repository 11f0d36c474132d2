//! The attribute manager's side of the CIB: its writes carried out one
//! after another through pacemaker-based, and the notifications that tell
//! the writer to write everything again.

use pcmk_based::client::CibClient;
use pcmk_based::request::{CallOptions, Operation, Request, Target};
use pcmk_common::exit::CrmExit;
use pcmk_common::xml::Element;
use pcmk_controld::core::controller::CibOp;
use tokio::sync::mpsc;

/// The client name of the daemon's CIB calls (`update-client`).
pub const CLIENT_NAME: &str = "pacemaker-attrd";

/// Why a CIB operation could not be turned into requests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CibOpError {
    /// The attribute manager never asks for this operation.
    #[error("unsupported CIB operation {0}")]
    Unsupported(&'static str),
}

/// The based requests that carry out `op`, in order (a transaction's parts
/// one after another), as user `user`.
pub fn requests(op: &CibOp, user: Option<&str>) -> Result<Vec<Request>, CibOpError> {
    let mut out = Vec::new();
    push_requests(op, user, &mut out)?;
    Ok(out)
}

fn push_requests(op: &CibOp, user: Option<&str>, out: &mut Vec<Request>) -> Result<(), CibOpError> {
    let with_user = |mut r: Request| {
        r.user = user.map(str::to_string);
        r.client_name = Some(CLIENT_NAME.to_string());
        r
    };
    match op {
        CibOp::Modify { section, xml } => {
            let mut r = Request::new(Operation::Modify, Target::Section(section.clone()))
                .with_input(xml.clone());
            r.options = CallOptions {
                allow_create: true,
                ..CallOptions::default()
            };
            out.push(with_user(r));
        }
        CibOp::Delete { xpath } => {
            let mut r = Request::new(Operation::Delete, Target::XPath(xpath.clone()));
            r.options = CallOptions {
                multiple: true,
                ..CallOptions::default()
            };
            out.push(with_user(r));
        }
        CibOp::Transaction(ops) => {
            for o in ops {
                push_requests(o, user, out)?;
            }
        }
        CibOp::QueryGeneration => return Err(CibOpError::Unsupported("query-generation")),
        CibOp::SyncFrom { .. } => return Err(CibOpError::Unsupported("sync-from")),
    }
    Ok(())
}

/// Whether a reply counts as success: deleting what is already gone does.
pub fn succeeded(req: &Request, exit: CrmExit) -> bool {
    exit == CrmExit::OK || (req.op == Operation::Delete && exit == CrmExit::NoSuch)
}

/// A CIB write queued by the core.
#[derive(Debug)]
pub struct Write {
    /// The core's call id, when it wants the result.
    pub call_id: Option<u64>,
    /// The requests, in order.
    pub requests: Vec<Request>,
}

/// Carries out queued writes in order (an erase must not overtake a later
/// write of the same node's values), reporting `(call_id, ok)`.
pub async fn writer(
    mut cib: CibClient,
    mut queue: mpsc::UnboundedReceiver<Write>,
    done: mpsc::UnboundedSender<(u64, bool)>,
) {
    while let Some(w) = queue.recv().await {
        let mut ok = true;
        for req in &w.requests {
            match cib.perform(req).await {
                Ok(r) if succeeded(req, r.exit_code) => {}
                Ok(r) => {
                    tracing::warn!(
                        op = req.op.name(),
                        "CIB update failed: {} ({})",
                        r.error,
                        r.exit_code.code()
                    );
                    ok = false;
                }
                Err(e) => {
                    tracing::warn!(op = req.op.name(), "CIB update failed: {e}");
                    ok = false;
                }
            }
        }
        if let Some(call) = w.call_id {
            if done.send((call, ok)).is_err() {
                break;
            }
        }
    }
}

/// Whether a client's change may leave the CIB out of step with the
/// attribute table (Pacemaker's `cib__client_triggers_refresh()`): changes
/// by the daemons and by the tools that go through them do not.
pub fn client_triggers_refresh(name: &str) -> bool {
    const SAFE: &[&str] = &[
        "attrd_updater",
        "crm_attribute",
        "crm_node",
        "crm_resource",
        "crm_ticket",
        "attrd",
        "cib",
        "based",
        "crmd",
        "controld",
        "execd",
        "lrmd",
        "fenced",
        "stonith-ng",
        "pacemakerd",
        "schedulerd",
        "pengine",
    ];
    !(name.starts_with("pacemaker-") || SAFE.contains(&name))
}

/// Whether a v2 patchset changes the element named `section` (`status`,
/// `nodes`) or something inside it.
pub fn patchset_touches(patchset: &Element, section: &str) -> bool {
    let indexed = format!("{section}[");
    patchset.children_named("change").any(|c| {
        let in_path = c
            .attr("path")
            .unwrap_or("")
            .split('/')
            .any(|step| step == section || step.starts_with(&indexed));
        let created =
            c.attr("operation") == Some("create") && c.elements().any(|e| e.name == section);
        in_path || created
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transactions_become_ordered_requests() {
        let op = CibOp::Transaction(vec![
            CibOp::Modify {
                section: "status".into(),
                xml: Element::new("node_state").with_attr("id", "1"),
            },
            CibOp::Delete {
                xpath: "/cib/status/node_state[@id='2']/transient_attributes".into(),
            },
        ]);
        let reqs = requests(&op, Some("alice")).unwrap();
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[0].op, Operation::Modify);
        assert!(reqs[0].options.allow_create);
        assert_eq!(reqs[0].target, Target::Section("status".into()));
        assert_eq!(reqs[1].op, Operation::Delete);
        assert!(reqs[1].options.multiple);
        assert!(reqs.iter().all(|r| r.user.as_deref() == Some("alice")));
        assert!(requests(&CibOp::QueryGeneration, None).is_err());
        assert!(succeeded(&reqs[1], CrmExit::NoSuch));
        assert!(!succeeded(&reqs[0], CrmExit::NoSuch));
    }

    #[test]
    fn refresh_triggers() {
        assert!(!client_triggers_refresh("pacemaker-controld"));
        assert!(!client_triggers_refresh("crm_attribute"));
        assert!(client_triggers_refresh("cibadmin"));
        assert!(client_triggers_refresh(""));
    }

    #[test]
    fn patchset_sections() {
        let p = |t: &str| pcmk_common::xml::parse(t).unwrap();
        let status = p(
            r#"<diff format="2"><change operation="delete" path="/cib/status/node_state[@id='1']/transient_attributes[@id='1']"/></diff>"#,
        );
        assert!(patchset_touches(&status, "status"));
        assert!(!patchset_touches(&status, "nodes"));
        let created = p(
            r#"<diff format="2"><change operation="create" path="/cib" position="3"><status/></change></diff>"#,
        );
        assert!(patchset_touches(&created, "status"));
        let nodes = p(
            r#"<diff format="2"><change operation="modify" path="/cib/configuration/nodes/node[@id='1']"><change-list/></change></diff>"#,
        );
        assert!(patchset_touches(&nodes, "nodes"));
        assert!(!patchset_touches(&nodes, "status"));
    }
}
