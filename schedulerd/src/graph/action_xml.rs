//! The XML of one graph action (`create_graph_action`).

use std::collections::{BTreeMap, HashMap};

use pcmk_common::xml::Element;

use crate::model::{ActIdx, RscFlags, RscIdx, Scheduler, op_key};
use crate::nvset;
use crate::rules_input::RuleInput;

/// The feature set written into graphs.
pub const CRM_FEATURE_SET: &str = "3.20.5";

impl Scheduler {
    /// A resource's instance parameters evaluated for a node
    /// (`pe_rsc_params`).
    pub fn rsc_params(&self, rsc: RscIdx, node: Option<usize>) -> HashMap<String, String> {
        let input = RuleInput {
            now: self.now,
            node_attrs: node.map(|n| &self.nodes[n].attrs),
            ..RuleInput::default()
        };
        let mut params = HashMap::new();
        let mut cur = Some(rsc);
        while let Some(r) = cur {
            nvset::unpack_blocks(
                &self.rscs[r].xml,
                "instance_attributes",
                None,
                &input,
                &mut params,
                &self.input,
            );
            cur = self.rscs[r].parent;
        }
        params
    }

    /// The XML of an action; `inputs_only` gives the short form used in
    /// triggers.
    #[allow(clippy::if_same_then_else)]
    pub(crate) fn graph_action_xml(&mut self, action: ActIdx, inputs_only: bool) -> Element {
        let a = &self.actions[action];
        let mut needs_node_info = true;
        let name = if a.task == "stonith" {
            if a.pseudo() {
                "pseudo_event"
            } else {
                "crm_event"
            }
        } else if a.task == "do_shutdown" || a.task == "clear_failcount" {
            "crm_event"
        } else if a.task == "lrm_delete" {
            "crm_event"
        } else if a.pseudo() {
            needs_node_info = false;
            "pseudo_event"
        } else {
            "rsc_op"
        };
        let mut xml = Element::new(name);
        if a.task == "lrm_delete" {
            xml.set_attr("mode", "cib");
        }
        xml.set_attr("id", a.id.to_string());
        xml.set_attr("operation", a.task.clone());
        let history_id = a.rsc.and_then(|r| self.rscs[r].history_id.clone());
        match history_id {
            Some(h) => {
                let interval = a.interval_ms();
                let task = a.cancel_task.clone().unwrap_or_else(|| a.task.clone());
                let key = if a.task == "notify" {
                    let m = |k: &str| a.meta.get(k).map_or("", String::as_str);
                    format!(
                        "{h}_{}_notify_{}_0",
                        m("notify_type"),
                        m("notify_operation")
                    )
                } else {
                    op_key(&h, &task, interval)
                };
                xml.set_attr("operation_key", key);
                xml.set_attr("internal_operation_key", a.uuid.clone());
            }
            None => xml.set_attr("operation_key", a.uuid.clone()),
        }
        let node = a.node;
        if needs_node_info {
            if let Some(n) = node {
                xml.set_attr("on_node", self.nodes[n].name.clone());
                xml.set_attr("on_node_uuid", self.nodes[n].id.clone());
                if let Some(router) = self.connection_host_for_action(action) {
                    xml.set_attr("router_node", self.nodes[router].name.clone());
                }
                let (nm, id) = (self.nodes[n].name.clone(), self.nodes[n].id.clone());
                let m = &mut self.actions[action].meta;
                m.insert("on_node".into(), nm);
                m.insert("on_node_uuid".into(), id);
            }
        }
        if inputs_only {
            return xml;
        }
        let a = &self.actions[action];
        if let (Some(r), false) = (a.rsc, a.pseudo()) {
            // A resource locked to its node by shutdown-lock: the
            // controller keeps the lock when the action completes
            if self.action_locks_rsc_to_node(action) {
                xml.set_attr("shutdown-lock", self.rscs[r].lock_time.to_string());
            }
            xml.push(self.rsc_xml(r));
        }
        xml.push(self.action_attributes(action));
        if needs_node_info {
            if let Some(n) = node {
                if let Some(d) = self.downed_xml(action, n) {
                    xml.push(d);
                }
            }
        }
        xml
    }

    /// Whether an action takes place on the node its resource is locked
    /// to (during that node's shutdown, only its stop does)
    /// (`pcmk__action_locks_rsc_to_node`).
    fn action_locks_rsc_to_node(&self, action: usize) -> bool {
        let a = &self.actions[action];
        let (Some(r), Some(n)) = (a.rsc, a.node) else {
            return false;
        };
        if self.rscs[r].lock_node != Some(n) {
            return false;
        }
        !(self.nodes[n].shutdown && a.task != "stop")
    }

    fn rsc_xml(&self, rsc: RscIdx) -> Element {
        let r = &self.rscs[rsc];
        let mut x = Element::new(r.xml.name.clone());
        if r.has(RscFlags::REMOVED) && r.history_id.is_some() {
            x.set_attr("id", r.history_id.clone().unwrap_or_default());
            x.set_attr("long-id", r.id.clone());
        } else if !r.has(RscFlags::UNIQUE) {
            let xml_id = r.xml.id().unwrap_or("").to_string();
            x.set_attr("id", xml_id.clone());
            match &r.history_id {
                Some(h) if *h != xml_id => x.set_attr("long-id", h.clone()),
                _ => x.set_attr("long-id", r.id.clone()),
            }
        } else {
            x.set_attr("id", r.id.clone());
        }
        for attr in ["class", "provider", "type"] {
            if let Some(v) = r.meta(attr) {
                x.set_attr(attr, v.to_string());
            }
        }
        x
    }

    fn action_attributes(&self, action: ActIdx) -> Element {
        let a = &self.actions[action];
        let mut attrs: BTreeMap<String, String> = BTreeMap::new();
        let mut params_children = Vec::new();
        attrs.insert("crm_feature_set".into(), CRM_FEATURE_SET.into());
        for (k, v) in &a.extra {
            attrs.insert(k.clone(), v.clone());
        }
        if let Some(r) = a.rsc {
            let params = if a.node.is_some() {
                Some(self.rsc_params(r, a.node))
            } else if self.rscs[r].is_primitive() {
                Some(self.rsc_params(r, None))
            } else {
                None
            };
            if let Some(params) = params {
                let mut keys: Vec<&String> = params.keys().collect();
                keys.sort();
                for k in keys {
                    let v = &params[k];
                    if k.starts_with(|c: char| c.is_ascii_digit()) {
                        params_children.push(
                            Element::new("param")
                                .with_attr("name", k.clone())
                                .with_attr("value", v.clone()),
                        );
                    } else {
                        attrs.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
        }
        for (k, v) in &a.meta {
            if k.contains('#') || k.contains(':') {
                continue;
            }
            attrs.insert(format!("CRM_meta_{}", k.replace('-', "_")), v.clone());
        }
        if let Some(r) = a.rsc {
            let mut cur = Some(r);
            while let Some(p) = cur {
                let pr = &self.rscs[p];
                if pr.is_primitive() {
                    if let Some(v) = pr.meta("clone") {
                        attrs.insert("CRM_meta_clone".into(), v.to_string());
                    }
                    if let Some(v) = pr.meta("remote-node") {
                        attrs.insert("CRM_meta_remote_node".into(), v.to_string());
                    }
                    let mut up = Some(p);
                    while let Some(u) = up {
                        if let Some(l) = self.rscs[u].launcher {
                            attrs.insert("CRM_meta_container".into(), self.rscs[l].id.clone());
                        }
                        up = self.rscs[u].parent;
                    }
                    if let Some(v) = pr.meta("external-ip") {
                        attrs.insert("pcmk_external_ip".into(), v.to_string());
                    }
                }
                cur = pr.parent;
            }
        }
        let mut cur = a.rsc;
        while let Some(p) = cur {
            for (k, v) in self.clone_graph_meta(p) {
                attrs.insert(k, v);
            }
            cur = self.rscs[p].parent;
        }
        if let (Some(r), Some(host)) = (a.rsc, self.guest_host_for_action(action)) {
            if let Some(v) = self.rscs[r].meta("container-attribute-target") {
                attrs.insert("CRM_meta_container_attribute_target".into(), v.to_string());
            }
            attrs.insert(
                "CRM_meta_physical_host".into(),
                self.nodes[host].name.clone(),
            );
        }
        let mut el = Element::new("attributes");
        for (k, v) in attrs {
            el.set_attr(k, v);
        }
        for c in params_children {
            el.push(c);
        }
        el
    }

    fn downed_xml(&self, action: ActIdx, node: usize) -> Option<Element> {
        let a = &self.actions[action];
        let node_el = |id: &str| Element::new("node").with_attr("id", id.to_string());
        if a.task == "do_shutdown" {
            return Some(Element::new("downed").with_child(node_el(&self.nodes[node].id)));
        }
        if a.task == "stonith" {
            let op = a
                .meta
                .get("stonith_action")
                .map(String::as_str)
                .unwrap_or("");
            if op == "reboot" || op == "off" {
                let mut d = Element::new("downed").with_child(node_el(&self.nodes[node].id));
                for (i, n) in self.nodes.iter().enumerate() {
                    if let Some(r) = n.remote_rsc {
                        if let Some(l) = self.rscs[r].launcher {
                            if self.rscs[l].active.contains(&node) && i != node {
                                d.push(node_el(&n.id));
                            }
                        }
                    }
                }
                return Some(d);
            }
            return None;
        }
        if let Some(r) = a.rsc {
            if self.rscs[r].has(RscFlags::REMOTE_CONNECTION) && a.task == "stop" {
                let migrating = a.before.iter().any(|b| {
                    let ba = &self.actions[b.action];
                    ba.rsc.is_some_and(|br| self.rscs[br].id == self.rscs[r].id)
                        && ba.task == "migrate_from"
                });
                if !migrating {
                    return Some(Element::new("downed").with_child(node_el(&self.rscs[r].id)));
                }
            }
        }
        None
    }
}
