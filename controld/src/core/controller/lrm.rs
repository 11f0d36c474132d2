//! Running graph actions on the local node and recording their results
//! (`controld_execd.c`): the executor request, the history cache, the
//! `lrm_rsc_op` update of the CIB status, and direct acknowledgements to
//! the DC for actions that leave no history.

use std::collections::BTreeMap;
use std::time::Duration;

use pcmk_common::xml::Element;

use super::transition::{node_state_with, rsc_element};
use super::{CibOp, Command, Controller, ExecRequest};
use crate::core::alerts::resource_event;
use crate::core::history::{AgentMetadata, OpResult, RscInfo, add_resource_history};
use crate::core::keys::{ExecStatus, failcount_name, lastfailure_name, op_key, parse_op_key};
use crate::core::log_contract;
use crate::core::message::CrmdMessage;

fn rsc_info(action: &Element) -> Option<RscInfo> {
    let prim = action.child("primitive")?;
    Some(RscInfo {
        id: prim.attr("long-id").or(prim.id())?.to_string(),
        standard: prim.attr("class").unwrap_or("").to_string(),
        provider: prim.attr("provider").map(str::to_string),
        kind: prim.attr("type").unwrap_or("").to_string(),
    })
}

fn params_of(action: &Element) -> BTreeMap<String, String> {
    let mut params = BTreeMap::new();
    if let Some(a) = action.child("attributes") {
        for (k, v) in &a.attrs {
            params.insert(k.clone(), v.clone());
        }
    }
    params
}

fn result_text(op: &OpResult) -> String {
    match (op.status, op.rc) {
        (ExecStatus::Done, 0) => "ok".into(),
        (ExecStatus::Done, 7) => "not running".into(),
        (ExecStatus::Done, 8) => "promoted".into(),
        (ExecStatus::Done, rc) => format!("error (rc={rc})"),
        (status, _) => status.description().to_ascii_lowercase(),
    }
}

impl Controller {
    /// Runs a graph `rsc_op` on the local executor (`do_lrm_invoke()`).
    pub(super) fn exec_graph_action(&mut self, action: &Element) {
        let task = action.attr("operation").unwrap_or("").to_string();
        let key = action.attr("transition-key").map(str::to_string);
        let params = params_of(action);
        let Some(rsc) = rsc_info(action) else {
            tracing::error!("Ignoring invalid executor request without a resource");
            self.ack_action(action, 1, ExecStatus::Invalid);
            return;
        };
        match task.as_str() {
            "cancel" => {
                // The key names the recurring operation to cancel.
                let target = params
                    .get("CRM_meta_operation")
                    .cloned()
                    .or_else(|| {
                        action
                            .attr("operation_key")
                            .and_then(parse_op_key)
                            .map(|k| k.task)
                    })
                    .unwrap_or_default();
                let interval_ms = params
                    .get("CRM_meta_interval")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                self.history.record(
                    &rsc,
                    &OpResult {
                        rsc_id: rsc.id.clone(),
                        task: target,
                        interval_ms,
                        call_id: 0,
                        rc: 0,
                        status: ExecStatus::Cancelled,
                        exit_reason: None,
                        t_run: self.epoch(),
                        t_rcchange: self.epoch(),
                        exec_time: 0,
                        queue_time: 0,
                        params: BTreeMap::new(),
                        transition_key: None,
                    },
                );
                self.emit(Command::Exec(ExecRequest {
                    rsc,
                    task: "cancel".into(),
                    interval_ms,
                    params,
                    timeout: Duration::ZERO,
                    transition_key: key,
                }));
                self.ack_action(action, 0, ExecStatus::Done);
            }
            "delete" => {
                self.history.forget(&rsc.id);
                let node = self.cfg.node_name.clone();
                self.cib(
                    CibOp::Delete {
                        xpath: format!(
                            "//node_state[@uname='{node}']//lrm_resource[@id='{}']",
                            rsc.id
                        ),
                    },
                    None,
                );
                self.ack_action(action, 0, ExecStatus::Done);
            }
            _ => {
                let ms = |name: &str| {
                    params
                        .get(name)
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .unwrap_or(0)
                };
                let timeout = Duration::from_millis(ms("CRM_meta_timeout"));
                tracing::info!(
                    "Requesting local execution of {task} operation for {} on {}",
                    rsc.id,
                    self.cfg.node_name
                );
                self.emit(Command::Exec(ExecRequest {
                    rsc,
                    task,
                    interval_ms: ms("CRM_meta_interval"),
                    params,
                    timeout,
                    transition_key: key,
                }));
            }
        }
    }

    /// Tells the DC directly how a graph action went (for actions that
    /// leave no history to notice in the CIB).
    fn ack_action(&mut self, action: &Element, rc: i32, status: ExecStatus) {
        let Some(key) = action.attr("transition-key") else {
            return;
        };
        let op = Element::new("lrm_rsc_op")
            .with_attr("operation_key", action.attr("operation_key").unwrap_or(""))
            .with_attr("operation", action.attr("operation").unwrap_or(""))
            .with_attr("transition-key", key)
            .with_attr("rc-code", rc.to_string())
            .with_attr("op-status", status.code().to_string())
            .with_attr("call-id", "-1")
            .with_attr("on_node", self.cfg.node_name.as_str());
        let dc = self.dc_name.clone();
        self.send(dc.as_deref(), CrmdMessage::ExecAck { op });
    }

    /// A non-resource action from the DC (`crm_event`).
    pub(super) fn cluster_action(
        &mut self,
        from: &str,
        task: &str,
        transition_key: &str,
        action: &Element,
    ) {
        if self
            .dc_name
            .as_deref()
            .is_some_and(|dc| !dc.eq_ignore_ascii_case(from))
        {
            tracing::warn!("Ignoring {task} from {from}, which is not the DC");
            return;
        }
        let mut acked = action.clone();
        acked.set_attr("transition-key", transition_key);
        match task {
            "clear_failcount" => {
                let node = self.cfg.node_name.clone();
                if let Some(k) = action.attr("operation_key").and_then(parse_op_key) {
                    for name in [
                        failcount_name(&k.rsc, &k.task, k.interval_ms),
                        lastfailure_name(&k.rsc, &k.task, k.interval_ms),
                    ] {
                        self.emit(Command::UpdateAttribute {
                            node: node.clone(),
                            name,
                            value: None,
                        });
                    }
                }
                self.ack_action(&acked, 0, ExecStatus::Done);
            }
            other => {
                tracing::info!("Acknowledging cluster action {other} from the DC");
                self.ack_action(&acked, 0, ExecStatus::Done);
            }
        }
    }

    /// Remembers an agent's meta-data.
    pub(super) fn metadata_known(&mut self, rsc: &RscInfo, md: AgentMetadata) {
        self.history.set_metadata(rsc, md);
    }

    /// The local executor finished an operation (`process_lrm_event()`).
    pub(super) fn exec_result(&mut self, rsc: RscInfo, op: OpResult) {
        let node = self.cfg.node_name.clone();
        if op.status == ExecStatus::Pending {
            return;
        }
        tracing::info!(
            "{}",
            log_contract::operation_result(&op.task, &op.rsc_id, &node, &result_text(&op))
        );
        // Recurring results are recorded only when they change (the
        // executor notifies changes only; this guards against repeats).
        // The last failure does not count: a monitor of a restarted
        // resource that fails the same way again is a new failure.
        let unchanged = op.interval_ms > 0
            && op.status != ExecStatus::Cancelled
            && self.history.get(&op.rsc_id).is_some_and(|h| {
                h.recurring.iter().any(|r| {
                    r.task == op.task
                        && r.interval_ms == op.interval_ms
                        && r.rc == op.rc
                        && r.status == op.status
                })
            });
        self.history.record(&rsc, &op);
        if unchanged {
            return;
        }
        if let Some(event) = resource_event(&node, &op) {
            self.alert(&event);
        }
        if op.status == ExecStatus::Cancelled {
            return;
        }
        let md = self.history.metadata(&rsc).cloned();
        let mut lrm_rsc = rsc_element(&rsc);
        add_resource_history(
            &mut lrm_rsc,
            &rsc,
            &op,
            &node,
            md.as_ref(),
            "process_lrm_event",
        );
        let state = node_state_with(&self.cfg.node_id.to_string(), &node, lrm_rsc);
        self.cib(
            CibOp::Modify {
                section: "status".into(),
                xml: state,
            },
            None,
        );
        tracing::debug!(
            "Recorded {} for {}",
            op_key(&op.rsc_id, &op.task, op.interval_ms),
            op.rsc_id
        );
    }

    /// A tool's request to forget a resource's history here, or that of
    /// one operation (`handle_lrm_delete()`): the cache and the CIB status
    /// forget it, and the DC's next transition probes it again.
    pub(super) fn forget_resource(&mut self, from: &str, rsc_id: &str, op: Option<(&str, u64)>) {
        let node = self.cfg.node_name.clone();
        let base = format!("//node_state[@uname='{node}']//lrm_resource[@id='{rsc_id}']");
        let xpath = match op {
            None => {
                tracing::info!("Forgetting the history of {rsc_id} on {node} (asked by {from})");
                self.history.forget(rsc_id);
                base
            }
            Some((task, interval_ms)) => {
                tracing::info!(
                    "Forgetting the history of {} on {node} (asked by {from})",
                    op_key(rsc_id, task, interval_ms)
                );
                self.history.forget_op(rsc_id, task, interval_ms);
                format!("{base}/lrm_rsc_op[@operation='{task}'][@interval='{interval_ms}']")
            }
        };
        self.cib(CibOp::Delete { xpath }, None);
    }

    /// A tool's request to fail a resource here (`fail_lrm_resource()`):
    /// a made-up failed `asyncmon` result is recorded as if the executor
    /// had reported it.
    pub(super) fn fail_resource(&mut self, from: &str, rsc: RscInfo) {
        tracing::info!(
            "Failing resource {} on {} (asked by {from})",
            rsc.id,
            self.cfg.node_name
        );
        let op = OpResult {
            rsc_id: rsc.id.clone(),
            task: "asyncmon".into(),
            interval_ms: 0,
            call_id: -1,
            rc: 1,
            status: ExecStatus::Done,
            exit_reason: Some("Simulated failure".into()),
            t_run: self.epoch(),
            t_rcchange: self.epoch(),
            exec_time: 0,
            queue_time: 0,
            params: BTreeMap::new(),
            transition_key: None,
        };
        self.exec_result(rsc, op);
    }

    /// A tool's request to probe every resource here again
    /// (`handle_reprobe_op()`): the whole history is forgotten.
    pub(super) fn reprobe(&mut self, from: &str) {
        let node = self.cfg.node_name.clone();
        tracing::info!("Forgetting the whole resource history of {node} (asked by {from})");
        self.history.clear();
        self.cib(
            CibOp::Delete {
                xpath: format!("//node_state[@uname='{node}']/lrm"),
            },
            None,
        );
    }

    /// This node's `node_state` with its whole operation history
    /// (`controld_query_executor_state()`).
    pub(super) fn local_executor_state(&self) -> Option<Element> {
        let me = self.cfg.node_name.clone();
        let mut state = self.node_state_xml(&me, true, true, false, false)?;
        state.push(self.history.lrm(&me, &self.cfg.node_id.to_string()));
        Some(state)
    }
}
