//! Nodes implied by resources: Pacemaker Remote connections
//! (`ocf:pacemaker:remote` primitives) and guest nodes (primitives with a
//! `remote-node` meta-attribute, whose connection resource is generated).

use pcmk_common::xml::Element;

use super::is_remote_xml;
use crate::model::Scheduler;

/// The meta-attributes of a would-be guest that shape its connection.
#[derive(Default)]
struct GuestMeta {
    name: Option<String>,
    addr: Option<String>,
    port: Option<String>,
    connect_timeout: Option<String>,
    allow_migrate: Option<String>,
    managed: Option<String>,
}

fn guest_meta(xml: &Element) -> GuestMeta {
    let mut m = GuestMeta {
        connect_timeout: Some("60s".into()),
        ..GuestMeta::default()
    };
    for set in xml.children_named("meta_attributes") {
        for nv in set.elements() {
            let Some(name) = nv.attr("name") else {
                continue;
            };
            let value = nv.attr("value").map(str::to_string);
            match name {
                "remote-node" => m.name = value,
                "remote-addr" => m.addr = value,
                "remote-port" => m.port = value,
                "remote-connect-timeout" => m.connect_timeout = value,
                "remote-allow-migrate" => m.allow_migrate = value,
                "is-managed" => m.managed = value,
                _ => {}
            }
        }
    }
    m
}

fn nvpair(parent_id: &str, name: &str, value: &str) -> Element {
    Element::new("nvpair")
        .with_attr("id", format!("{parent_id}-{name}"))
        .with_attr("name", name)
        .with_attr("value", value)
}

fn op(prefix: &str, task: &str, interval: &str, timeout: &str) -> Element {
    Element::new("op")
        .with_attr("id", format!("{prefix}-{task}-{interval}"))
        .with_attr("name", task)
        .with_attr("interval", interval)
        .with_attr("timeout", timeout)
}

/// The connection resource Pacemaker generates for a guest node
/// (`pe_create_remote_xml`).
fn guest_connection_xml(container: &str, m: &GuestMeta, name: &str) -> Element {
    let meta_id = format!("{name}-meta_attributes");
    let mut meta = Element::new("meta_attributes").with_attr("id", meta_id.clone());
    meta.push(nvpair(&meta_id, "internal_rsc", "true"));
    meta.push(nvpair(&meta_id, "container", container));
    if let Some(v) = &m.allow_migrate {
        meta.push(nvpair(&meta_id, "allow-migrate", v));
    }
    if let Some(v) = &m.managed {
        meta.push(nvpair(&meta_id, "is-managed", v));
    }
    let mut xml = Element::new("primitive")
        .with_attr("id", name)
        .with_attr("class", "ocf")
        .with_attr("provider", "pacemaker")
        .with_attr("type", "remote")
        .with_child(meta);
    if m.addr.is_some() || m.port.is_some() {
        let inst_id = format!("{name}-instance_attributes");
        let mut inst = Element::new("instance_attributes").with_attr("id", inst_id.clone());
        if let Some(v) = &m.addr {
            inst.push(nvpair(&inst_id, "addr", v));
        }
        if let Some(v) = &m.port {
            inst.push(nvpair(&inst_id, "port", v));
        }
        xml.push(inst);
    }
    let mut ops = Element::new("operations").with_child(op(name, "monitor", "30s", "30s"));
    if let Some(t) = &m.connect_timeout {
        ops.push(op(name, "start", "0", t));
    }
    xml.push(ops);
    xml
}

impl Scheduler {
    /// Creates the nodes that resources imply, appending generated guest
    /// connections to the resources section (`unpack_remote_nodes`).
    pub(crate) fn unpack_remote_nodes(&mut self) {
        let Some(resources) = self
            .input
            .child("configuration")
            .and_then(|c| c.child("resources"))
        else {
            return;
        };
        let mut new_nodes = Vec::new();
        let mut generated = Vec::new();
        for xml in resources.elements() {
            if is_remote_xml(xml) {
                if let Some(id) = xml.attr("id") {
                    new_nodes.push(id.to_string());
                }
                continue;
            }
            let candidates: Vec<&Element> = match xml.name.as_str() {
                "primitive" => vec![xml],
                "group" => xml.elements().collect(),
                _ => continue,
            };
            for prim in candidates {
                let m = guest_meta(prim);
                let (Some(name), Some(container)) = (m.name.clone(), prim.attr("id")) else {
                    continue;
                };
                generated.push(guest_connection_xml(container, &m, &name));
                new_nodes.push(name);
            }
        }
        if !generated.is_empty() {
            if let Some(res) = std::sync::Arc::make_mut(&mut self.input)
                .child_mut("configuration")
                .and_then(|c| c.child_mut("resources"))
            {
                for g in generated {
                    res.push(g);
                }
            }
        }
        for name in new_nodes {
            if self.find_node(&name).is_none() {
                self.create_node(&name, &name, Some("remote"), 0);
            }
        }
    }
}
