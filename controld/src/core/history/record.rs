//! Recording an operation result as an `lrm_rsc_op` entry of the CIB status
//! (after `pcmk__create_history_xml()` and the controller's
//! `controld_add_resource_history_xml()`).
//!
//! ```text
//! <lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start"
//!   crm-debug-origin="..." crm_feature_set="3.20.5"
//!   transition-key="5:2:0:<uuid>" transition-magic="0:0;5:2:0:<uuid>"
//!   exit-reason="" on_node="n1" call-id="12" rc-code="0" op-status="0"
//!   interval="0" last-rc-change="1700000000" exec-time="21" queue-time="0"
//!   op-digest="..." op-force-restart=" state " op-restart-digest="..."
//!   op-secure-params=" passwd " op-secure-digest="..."/>
//! ```

use std::collections::BTreeMap;

use pcmk_common::xml::Element;

use super::digest::{filter_for_digest, op_digest, params_digest};
use super::metadata::AgentMetadata;
use crate::core::keys::{ExecStatus, FAKE_TE_UUID, TransitionKey, op_key, transition_magic};
use crate::core::version::{CRM_FEATURE_SET, compare_versions};

/// The result of one operation, as the executor reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpResult {
    /// Resource id.
    pub rsc_id: String,
    /// The task (start, stop, monitor, ...).
    pub task: String,
    /// Interval in milliseconds (0 for one-shot operations).
    pub interval_ms: u64,
    /// The executor's call id.
    pub call_id: i32,
    /// The agent's exit code.
    pub rc: i32,
    /// The executor's status.
    pub status: ExecStatus,
    /// The agent's exit reason, if any.
    pub exit_reason: Option<String>,
    /// When it ran, in seconds since the epoch.
    pub t_run: i64,
    /// When the rc last changed, in seconds since the epoch.
    pub t_rcchange: i64,
    /// How long it ran, in milliseconds.
    pub exec_time: u32,
    /// How long it waited, in milliseconds.
    pub queue_time: u32,
    /// The operation's parameters (instance and `CRM_meta_*` attributes).
    pub params: BTreeMap<String, String>,
    /// The transition key it was run for, if a transition asked for it.
    pub transition_key: Option<String>,
}

/// The class, provider and type of a resource.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RscInfo {
    /// Resource id.
    pub id: String,
    /// Class (`ocf`, `lsb`, `systemd`, `stonith`, ...).
    pub standard: String,
    /// Provider (OCF only).
    pub provider: Option<String>,
    /// Agent type.
    pub kind: String,
}

impl OpResult {
    /// The rc the transition expected (from the transition key, else 0).
    pub fn target_rc(&self) -> i32 {
        self.transition_key
            .as_deref()
            .and_then(TransitionKey::parse)
            .map_or(0, |k| k.target_rc)
    }

    /// Whether the operation failed against `target_rc` (`did_rsc_op_fail()`).
    pub fn failed(&self, target_rc: i32) -> bool {
        match self.status {
            ExecStatus::Cancelled | ExecStatus::Pending => false,
            ExecStatus::NotSupported
            | ExecStatus::Timeout
            | ExecStatus::Error
            | ExecStatus::NotConnected
            | ExecStatus::NoFenceDevice
            | ExecStatus::NoSecrets
            | ExecStatus::Invalid => true,
            _ => self.rc != target_rc,
        }
    }
}

fn upsert<'a>(parent: &'a mut Element, id: &str) -> &'a mut Element {
    let pos = parent
        .elements()
        .position(|e| e.name == "lrm_rsc_op" && e.id() == Some(id));
    let idx = match pos {
        Some(i) => i,
        None => {
            parent.push(Element::new("lrm_rsc_op").with_attr("id", id));
            parent.element_count() - 1
        }
    };
    // The index was taken among element children just above.
    parent
        .elements_mut()
        .nth(idx)
        .unwrap_or_else(|| unreachable!("lrm_rsc_op {id} was just found or added"))
}

/// Adds (or updates) the `lrm_rsc_op` entries for `op` under `parent` (an
/// `lrm_resource`), as recorded by node `node` for a DC speaking
/// `caller_version`. Returns the ids written (a failed one-shot operation
/// updates both `<rsc>_last_failure_0` and `<rsc>_last_0`).
pub fn create_history_xml(
    parent: &mut Element,
    op: &OpResult,
    caller_version: &str,
    target_rc: i32,
    node: &str,
    origin: &str,
) -> Vec<String> {
    let mut op = op.clone();
    // A successful reload is recorded as a start, a failed one as a monitor.
    let mut task = op.task.clone();
    if task == "reload" || task == "reload-agent" {
        task = if op.status == ExecStatus::Done {
            "start"
        } else {
            "monitor"
        }
        .to_string();
    }
    let key = op_key(&op.rsc_id, &task, op.interval_ms);
    let mut exit_reason = None;
    let mut ids = Vec::new();
    if task == "notify" {
        let n_type = op
            .params
            .get("CRM_meta_notify_type")
            .cloned()
            .unwrap_or_default();
        let n_task = op
            .params
            .get("CRM_meta_notify_operation")
            .cloned()
            .unwrap_or_default();
        ids.push(format!("{}_{}_notify_{}_0", op.rsc_id, n_type, n_task));
        if op.status != ExecStatus::Pending {
            // Notifications never fail the graph.
            op.rc = 0;
            op.status = ExecStatus::Done;
        }
    } else if op.task == "migrate_to" || op.task == "migrate_from" {
        ids.push(key.clone());
    } else if op.failed(target_rc) {
        ids.push(op_key(&op.rsc_id, "last_failure", 0));
        if op.interval_ms == 0 {
            ids.push(op_key(&op.rsc_id, "last", 0));
        }
        exit_reason = op.exit_reason.clone();
    } else if op.interval_ms > 0 {
        ids.push(key.clone());
    } else {
        ids.push(op_key(&op.rsc_id, "last", 0));
    }
    let transition_key = op.transition_key.clone().unwrap_or_else(|| {
        TransitionKey {
            action: op.call_id,
            transition: -1,
            target_rc,
            te_uuid: FAKE_TE_UUID.into(),
        }
        .to_string()
    });
    let magic = transition_magic(op.status, op.rc, &transition_key);
    let digest = op_digest(&op.params);
    for id in &ids {
        let x = upsert(parent, id);
        x.set_attr("id", id.as_str());
        x.set_attr("operation_key", key.as_str());
        x.set_attr("operation", task.as_str());
        x.set_attr("crm-debug-origin", origin);
        x.set_attr("crm_feature_set", caller_version);
        x.set_attr("transition-key", transition_key.as_str());
        x.set_attr("transition-magic", magic.as_str());
        x.set_attr("exit-reason", exit_reason.as_deref().unwrap_or(""));
        x.set_attr("on_node", node);
        x.set_attr("call-id", op.call_id.to_string());
        x.set_attr("rc-code", op.rc.to_string());
        x.set_attr("op-status", op.status.code().to_string());
        x.set_attr("interval", op.interval_ms.to_string());
        if op.t_run > 0 || op.t_rcchange > 0 || op.exec_time > 0 || op.queue_time > 0 {
            let change = if op.interval_ms > 0 && op.t_rcchange > 0 {
                op.t_rcchange
            } else {
                op.t_run
            };
            x.set_attr("last-rc-change", change.to_string());
            x.set_attr("exec-time", op.exec_time.to_string());
            x.set_attr("queue-time", op.queue_time.to_string());
        }
        if op.task == "migrate_to" || op.task == "migrate_from" {
            for name in ["migrate_source", "migrate_target"] {
                if let Some(v) = op.params.get(&format!("CRM_meta_{name}")) {
                    x.set_attr(name, v.as_str());
                }
            }
        }
        x.set_attr("op-digest", digest.as_str());
    }
    ids
}

/// Whether digests need meta-data for this class and task
/// (`crm_op_needs_metadata()`).
pub fn needs_metadata(standard: &str, task: &str) -> bool {
    matches!(standard, "ocf" | "stonith")
        && matches!(
            task,
            "start"
                | "monitor"
                | "promote"
                | "demote"
                | "reload"
                | "reload-agent"
                | "migrate_to"
                | "migrate_from"
                | "notify"
        )
}

enum ListKind {
    NotReloadable,
    Unique,
    Private,
}

/// `build_parameter_list()`: the names of the parameters of `kind` as a
/// list padded with spaces, and the parameters that go into its digest.
fn parameter_list(
    op: &OpResult,
    md: &AgentMetadata,
    kind: ListKind,
    dc_version: &str,
) -> (Option<String>, BTreeMap<String, String>) {
    let mut xml: BTreeMap<String, String> = BTreeMap::new();
    if matches!(kind, ListKind::Private) && compare_versions(dc_version, "3.16.0").is_ge() {
        xml = filter_for_digest(&op.params);
    }
    let mut list: Option<String> = None;
    for p in &md.params {
        let in_list = match kind {
            ListKind::NotReloadable => !p.reloadable,
            ListKind::Unique => p.unique,
            ListKind::Private => p.private,
        };
        let in_xml = match kind {
            ListKind::Private => !in_list,
            _ => in_list,
        };
        if in_list {
            let l = list.get_or_insert_with(|| " ".to_string());
            l.push(' ');
            l.push_str(&p.name);
        }
        if in_xml {
            if let Some(v) = op.params.get(&p.name) {
                xml.insert(p.name.clone(), v.clone());
            }
        } else {
            xml.remove(&p.name);
        }
    }
    if let Some(l) = list.as_mut() {
        l.push_str("  ");
    }
    (list, xml)
}

/// Records `op` for resource `rsc` under `parent` (an `lrm_resource`), with
/// the restart and secure digests when meta-data is known
/// (`controld_add_resource_history_xml()`). `node` is the local node.
pub fn add_resource_history(
    parent: &mut Element,
    rsc: &RscInfo,
    op: &OpResult,
    node: &str,
    metadata: Option<&AgentMetadata>,
    origin: &str,
) {
    let target_rc = op.target_rc();
    let caller_version = op
        .params
        .get("crm_feature_set")
        .cloned()
        .unwrap_or_else(|| CRM_FEATURE_SET.to_string());
    let ids = create_history_xml(parent, op, &caller_version, target_rc, node, origin);
    if !needs_metadata(&rsc.standard, &op.task) {
        return;
    }
    let Some(md) = metadata else {
        return;
    };
    let mut extra: Vec<(&str, String)> = Vec::new();
    if op.interval_ms == 0 && (md.supports_reload_agent || md.supports_legacy_reload) {
        let kind = if md.supports_reload_agent {
            ListKind::NotReloadable
        } else {
            ListKind::Unique
        };
        let (list, restart) = parameter_list(op, md, kind, &caller_version);
        extra.push(("op-force-restart", list.unwrap_or_default()));
        extra.push(("op-restart-digest", params_digest(&restart)));
    }
    let (list, secure) = parameter_list(op, md, ListKind::Private, &caller_version);
    if let Some(list) = list {
        extra.push(("op-secure-params", list));
        extra.push(("op-secure-digest", params_digest(&secure)));
    }
    for id in ids {
        let x = upsert(parent, &id);
        for (k, v) in &extra {
            x.set_attr(*k, v.as_str());
        }
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
