//! Results of graph actions as the transition engine receives them: an
//! `lrm_rsc_op` entry that appeared in the CIB status.

use pcmk_common::xml::Element;

use crate::core::keys::{ExecStatus, effective_rc};

/// The outcome of an operation, as recorded in an `lrm_rsc_op` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionEvent {
    /// `operation_key`.
    pub op_key: String,
    /// `transition-key`, if any.
    pub transition_key: Option<String>,
    /// `op-status`.
    pub op_status: i32,
    /// `rc-code`, already mapped with `effective_rc`.
    pub rc: i32,
    /// `call-id`.
    pub call_id: i32,
    /// The node it ran on (`on_node`), for logs.
    pub on_node: Option<String>,
    /// Id of the node whose status section holds it.
    pub node_uuid: String,
    /// `crm-debug-origin`.
    pub origin: Option<String>,
}

impl ActionEvent {
    /// Reads an `lrm_rsc_op` element recorded under node `node_uuid`;
    /// `None` if it carries no operation key.
    pub fn from_lrm_rsc_op(op: &Element, node_uuid: &str) -> Option<ActionEvent> {
        let int = |name: &str, default: i32| {
            op.attr(name)
                .and_then(|v| v.trim().parse::<i32>().ok())
                .unwrap_or(default)
        };
        Some(ActionEvent {
            op_key: op.attr("operation_key")?.to_string(),
            transition_key: op.attr("transition-key").map(str::to_string),
            op_status: int("op-status", ExecStatus::Done.code()),
            rc: effective_rc(int("rc-code", -1)),
            call_id: int("call-id", -1),
            on_node: op.attr("on_node").map(str::to_string),
            node_uuid: node_uuid.to_string(),
            origin: op.attr("crm-debug-origin").map(str::to_string),
        })
    }

    /// Every `lrm_rsc_op` below `xml` (a `node_state`, `lrm`, `status` or a
    /// whole CIB), with the id of the `node_state` holding each.
    pub fn collect(xml: &Element) -> Vec<ActionEvent> {
        fn walk(e: &Element, node: Option<&str>, out: &mut Vec<ActionEvent>) {
            let node = if e.name == "node_state" { e.id() } else { node };
            if e.name == "lrm_rsc_op" {
                if let Some(ev) = ActionEvent::from_lrm_rsc_op(e, node.unwrap_or("")) {
                    out.push(ev);
                }
                return;
            }
            for c in e.elements() {
                walk(c, node, out);
            }
        }
        let mut out = Vec::new();
        walk(xml, None, &mut out);
        out
    }
}
