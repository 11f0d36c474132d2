//! What a change of the CIB means to the controller, read from the v2
//! patchset the CIB manager publishes for it (after `te_update_diff()` in
//! Pacemaker's `controld_te_callbacks.c`): the operation results it
//! records, whether the configuration changed, and which other status
//! changes call for a new transition.
//!
//! ```text
//! <diff format="2">
//!   <change operation="create" path="/cib/status/node_state[@id='1']/lrm[@id='1']/lrm_resources/lrm_resource[@id='d']">
//!     <lrm_rsc_op id="d_last_0" operation_key="d_start_0" transition-key="..." .../>
//!   </change>
//!   <change operation="modify" path="/cib/status/node_state[@id='2']/lrm[@id='2']/.../lrm_rsc_op[@id='d_last_0']">
//!     <change-list>...</change-list>
//!     <change-result><lrm_rsc_op id="d_last_0" .../></change-result>
//!   </change>
//!   <change operation="delete" path="/cib/status/node_state[@id='3']/transient_attributes[@id='3']"/>
//! </diff>
//! ```

use pcmk_common::patchset::{names, touches_section};
use pcmk_common::xml::Element;

use crate::core::controller::Event;
use crate::core::te::ActionEvent;

/// The controller's reading of one CIB change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CibChange {
    /// Something under `/cib/configuration` changed.
    pub config: bool,
    /// The cluster options (`crm_config`) changed: read them again.
    pub crm_config: bool,
    /// The `alerts` section changed: read the alerts again.
    pub alerts: bool,
    /// Operation results (`lrm_rsc_op` entries) created or changed.
    pub ops: Vec<ActionEvent>,
    /// Why other status changes call for a new transition, if they do
    /// (the first reason found, as Pacemaker logs it).
    pub status_reason: Option<String>,
}

impl CibChange {
    /// Whether the change matters to the transition engine at all.
    pub fn is_relevant(&self) -> bool {
        self.config || !self.ops.is_empty() || self.status_reason.is_some()
    }

    /// The core's event for the change.
    pub fn into_event(self) -> Event {
        Event::CibChanged {
            config: self.config,
            ops: self.ops,
            status_reason: self.status_reason,
        }
    }

    fn reason(&mut self, why: &str) {
        if self.status_reason.is_none() {
            self.status_reason = Some(why.to_string());
        }
    }
}

/// The id in the first `elem[@id='...']` step of `path`.
pub fn id_in_path(path: &str, elem: &str) -> Option<String> {
    let pattern = format!("{elem}[@id='");
    let mut from = 0;
    while let Some(found) = path[from..].find(&pattern) {
        let at = from + found;
        // The step must start at a path separator (not `xlrm[...]`).
        if at == 0 || path[..at].ends_with('/') {
            let rest = &path[at + pattern.len()..];
            return rest.find('\'').map(|end| rest[..end].to_string());
        }
        from = at + pattern.len();
    }
    None
}

/// The node an operation below `path` belongs to: the id of its `lrm`
/// (which is the node's id), else of its `node_state`.
fn node_of(path: &str) -> Option<String> {
    id_in_path(path, "lrm").or_else(|| id_in_path(path, "node_state"))
}

/// Every `lrm_rsc_op` at or below `e`, recorded for node `node` unless a
/// `node_state` or `lrm` on the way names another.
fn ops_below(e: &Element, node: Option<&str>, out: &mut Vec<ActionEvent>) {
    let node = match e.name.as_str() {
        "node_state" | "lrm" => e.id().or(node),
        _ => node,
    };
    if e.name == "lrm_rsc_op" {
        if let Some(ev) = ActionEvent::from_lrm_rsc_op(e, node.unwrap_or("")) {
            out.push(ev);
        }
        return;
    }
    for c in e.elements() {
        ops_below(c, node, out);
    }
}

/// The operation results of a `node_state`: only its `lrm` counts
/// (`process_node_state_diff()`).
fn node_state_ops(state: &Element, out: &mut Vec<ActionEvent>) {
    if let Some(lrm) = state.child("lrm") {
        ops_below(lrm, state.id(), out);
    }
}

/// Reads one `<change>` of a patchset into `out`
/// (`te_update_diff_element()`).
fn change(c: &Element, out: &mut CibChange) {
    let (Some(op), Some(path)) = (c.attr(names::OPERATION), c.attr(names::PATH)) else {
        return;
    };
    if op == names::OP_MOVE && !path.contains("/cib/configuration/resources") {
        return;
    }
    let matched = match op {
        names::OP_CREATE => c.elements().next(),
        names::OP_MODIFY => c
            .child(names::CHANGE_RESULT)
            .and_then(|r| r.elements().next()),
        names::OP_DELETE | names::OP_MOVE => None,
        other => {
            tracing::warn!(
                "Ignoring malformed CIB update ({other} operation on {path} is unrecognized)"
            );
            return;
        }
    };
    let name = matched.map(|m| m.name.as_str());
    if path.contains("/cib/configuration") {
        out.config = true;
        return;
    }
    if path.contains("/tickets") || name == Some("tickets") {
        out.reason("Ticket attribute change");
        return;
    }
    if path.contains("/transient_attributes[") || name == Some("transient_attributes") {
        out.reason(if op == names::OP_DELETE {
            "Transient attribute removal"
        } else {
            "Transient attribute change"
        });
        return;
    }
    if op == names::OP_DELETE {
        if path.contains("/lrm_rsc_op[") {
            out.reason("Resource operation removal");
        } else if path.contains("/lrm[") {
            out.reason("Resource state removal");
        } else if path.contains("/node_state[") {
            out.reason("Node state removal");
        }
        return;
    }
    let Some(m) = matched else {
        tracing::warn!("Ignoring malformed CIB update ({op} at {path} has no result)");
        return;
    };
    match m.name.as_str() {
        "cib" => {
            if let Some(status) = m.child("status") {
                for state in status.children_named("node_state") {
                    node_state_ops(state, &mut out.ops);
                }
            }
            if m.child("configuration").is_some() {
                out.config = true;
                out.reason("Non-status-only change");
            }
        }
        "status" => {
            for state in m.children_named("node_state") {
                node_state_ops(state, &mut out.ops);
            }
        }
        "node_state" => node_state_ops(m, &mut out.ops),
        "lrm" | "lrm_resources" | "lrm_resource" | "lrm_rsc_op" => {
            let node = node_of(path);
            ops_below(m, node.as_deref(), &mut out.ops);
        }
        other => {
            tracing::trace!("Ignoring {op} of {other} at {path}");
        }
    }
}

/// Reads a v2 patchset. Patchsets of another format change nothing the
/// controller follows.
pub fn interpret(patchset: &Element) -> CibChange {
    let mut out = CibChange::default();
    if patchset.name != names::DIFF || patchset.attr(names::FORMAT) != Some("2") {
        tracing::warn!("Ignoring malformed CIB update (not a format 2 patchset)");
        return out;
    }
    for c in patchset.children_named(names::CHANGE) {
        change(c, &mut out);
    }
    out.crm_config = touches_section(patchset, "crm_config");
    out.alerts = touches_section(patchset, "alerts");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcmk_common::xml::parse;

    fn read(text: &str) -> CibChange {
        interpret(&parse(text).unwrap())
    }

    const OP: &str = r#"<lrm_rsc_op id="d_last_0" operation_key="d_start_0" operation="start" transition-key="3:1:0:abc" rc-code="0" op-status="0" call-id="7" on_node="n1"/>"#;

    #[test]
    fn created_operation_is_reported_with_its_node() {
        let c = read(&format!(
            r#"<diff format="2"><change operation="create" path="/cib/status/node_state[@id='2']/lrm[@id='2']/lrm_resources/lrm_resource[@id='d']" position="0">{OP}</change></diff>"#
        ));
        assert_eq!(c.ops.len(), 1);
        assert_eq!(c.ops[0].node_uuid, "2");
        assert_eq!(c.ops[0].op_key, "d_start_0");
        assert_eq!(c.ops[0].transition_key.as_deref(), Some("3:1:0:abc"));
        assert!(!c.config && c.status_reason.is_none());
    }

    #[test]
    fn modified_operation_is_read_from_the_change_result() {
        let c = read(&format!(
            r#"<diff format="2"><change operation="modify" path="/cib/status/node_state[@id='1']/lrm[@id='1']/lrm_resources/lrm_resource[@id='d']/lrm_rsc_op[@id='d_last_0']"><change-list><change-attr name="rc-code" operation="set" value="0"/></change-list><change-result>{OP}</change-result></change></diff>"#
        ));
        assert_eq!(c.ops.len(), 1);
        assert_eq!(c.ops[0].node_uuid, "1");
    }

    #[test]
    fn whole_node_states_yield_their_lrm_operations_only() {
        let c = read(&format!(
            r#"<diff format="2"><change operation="create" path="/cib/status" position="0"><node_state id="3" uname="n3"><transient_attributes id="3"/><lrm id="3"><lrm_resources><lrm_resource id="d">{OP}</lrm_resource></lrm_resources></lrm></node_state></change></diff>"#
        ));
        assert_eq!(c.ops.len(), 1);
        assert_eq!(c.ops[0].node_uuid, "3");
        assert!(c.status_reason.is_none());
    }

    #[test]
    fn configuration_and_options() {
        let c = read(
            r#"<diff format="2"><change operation="create" path="/cib/configuration/crm_config/cluster_property_set[@id='o']" position="0"><nvpair id="x" name="dc-deadtime" value="5s"/></change></diff>"#,
        );
        assert!(c.config && c.crm_config);
        let c = read(
            r#"<diff format="2"><change operation="delete" path="/cib/configuration/resources/primitive[@id='d']" position="0"/></diff>"#,
        );
        assert!(c.config && !c.crm_config && !c.alerts);
        let c = read(
            r#"<diff format="2"><change operation="create" path="/cib/configuration" position="6"><alerts><alert id="a" path="/x"/></alerts></change></diff>"#,
        );
        assert!(c.config && c.alerts && !c.crm_config);
        let c = read(
            r#"<diff format="2"><change operation="delete" path="/cib/configuration/alerts/alert[@id='a']"/></diff>"#,
        );
        assert!(c.alerts);
    }

    #[test]
    fn status_changes_with_reasons() {
        let c = read(
            r#"<diff format="2"><change operation="create" path="/cib/status/node_state[@id='1']/transient_attributes[@id='1']/instance_attributes[@id='status-1']" position="0"><nvpair id="a" name="fail-count-d#monitor_10000" value="1"/></change></diff>"#,
        );
        assert_eq!(
            c.status_reason.as_deref(),
            Some("Transient attribute change")
        );
        let c = read(
            r#"<diff format="2"><change operation="delete" path="/cib/status/node_state[@id='1']/lrm[@id='1']"/></diff>"#,
        );
        assert_eq!(c.status_reason.as_deref(), Some("Resource state removal"));
        // Node state attributes alone do not call for a transition.
        let c = read(
            r#"<diff format="2"><change operation="modify" path="/cib/status/node_state[@id='1']"><change-list><change-attr name="crmd" operation="set" value="0"/></change-list><change-result><node_state id="1" crmd="0"/></change-result></change></diff>"#,
        );
        assert!(!c.is_relevant());
    }

    #[test]
    fn malformed_input_changes_nothing() {
        for text in [
            r#"<diff format="1"><change operation="create" path="/cib/configuration"/></diff>"#,
            r#"<diff format="2"><change path="/cib/status"/><change operation="bogus" path="/cib/configuration"/></diff>"#,
            r#"<diff format="2"><change operation="create" path="/cib/status/node_state[@id='1']/lrm[@id='1']"/></diff>"#,
            r#"<notadiff/>"#,
        ] {
            let c = read(text);
            assert!(!c.is_relevant(), "{text}: {c:?}");
        }
    }

    #[test]
    fn ids_in_paths() {
        let p = "/cib/status/node_state[@id='12']/lrm[@id='12']/lrm_resources";
        assert_eq!(id_in_path(p, "lrm").as_deref(), Some("12"));
        assert_eq!(id_in_path(p, "node_state").as_deref(), Some("12"));
        assert_eq!(id_in_path("/cib/status/xlrm[@id='1']", "lrm"), None);
        assert_eq!(id_in_path("/cib/status/lrm[@id='1", "lrm"), None);
    }
}
