//! The `nodes` section: cluster and remote nodes with their permanent
//! attributes and utilization.

use pcmk_common::xml::Element;

use crate::model::{Node, NodeIdx, NodeVariant, SchedFlags, Scheduler};
use crate::nvset;
use crate::rules_input::RuleInput;
use crate::strcmp::numeric_strcasecmp;
use crate::values::parse_score;

impl Scheduler {
    /// Creates a node and keeps the node list sorted by name
    /// (`pe__create_node`).
    pub(crate) fn create_node(
        &mut self,
        id: &str,
        name: &str,
        kind: Option<&str>,
        score: i32,
    ) -> Option<NodeIdx> {
        let variant = match kind {
            None => NodeVariant::Cluster,
            Some(k) if k.eq_ignore_ascii_case("member") => NodeVariant::Cluster,
            Some(k) if k.eq_ignore_ascii_case("remote") => NodeVariant::Remote,
            Some(k) => {
                self.config_err(format!("Ignoring node {name} with unrecognized type '{k}'"));
                return None;
            }
        };
        if self.find_node(name).is_some() {
            self.config_warn(format!("More than one node entry has name '{name}'"));
        }
        let mut node = Node::new(id, name, variant, score);
        if variant == NodeVariant::Remote {
            node.attrs.insert("#kind".into(), "remote".into());
            self.flags.put(SchedFlags::HAVE_REMOTE_NODES, true);
        } else {
            node.attrs.insert("#kind".into(), "cluster".into());
        }
        let idx = self.nodes.len();
        self.nodes.push(node);
        let pos = self
            .node_order
            .iter()
            .position(|&n| numeric_strcasecmp(&self.nodes[n].name, name).is_gt())
            .unwrap_or(self.node_order.len());
        self.node_order.insert(pos, idx);
        self.node_by_id.entry(id.to_string()).or_insert(idx);
        self.node_by_name
            .entry(name.to_ascii_lowercase())
            .or_insert(idx);
        Some(idx)
    }

    /// Unpacks the `nodes` section (`unpack_nodes`).
    pub(crate) fn unpack_nodes(&mut self) {
        let Some(section) = self
            .input
            .child("configuration")
            .and_then(|c| c.child("nodes"))
        else {
            return;
        };
        let entries: Vec<Element> = section.children_named("node").cloned().collect();
        for xml in entries {
            let Some(id) = xml.attr("id") else {
                self.config_err("Ignoring <node> entry in configuration without id");
                continue;
            };
            let name = xml.attr("uname").unwrap_or(id);
            let score = match xml.attr("score") {
                None => 0,
                Some(s) => match parse_score(s) {
                    Some(v) => v,
                    None => {
                        self.config_warn(format!(
                            "Using 0 as score for node {name} because '{s}' is not a valid score"
                        ));
                        0
                    }
                },
            };
            let Some(idx) = self.create_node(id, name, xml.attr("type"), score) else {
                return;
            };
            self.handle_startup_fencing(idx);
            self.add_node_attrs(&xml, idx, false);
        }
    }

    /// Marks a node unclean until seen, when startup fencing is on.
    pub(crate) fn handle_startup_fencing(&mut self, node: NodeIdx) {
        if self.nodes[node].is_remote() && self.nodes[node].remote_rsc.is_none() {
            return;
        }
        self.nodes[node].unclean = self.has(SchedFlags::STARTUP_FENCING);
    }

    /// Adds built-in and configured attributes to a node (`add_node_attrs`).
    pub(crate) fn add_node_attrs(&mut self, xml: &Element, node: NodeIdx, overwrite: bool) {
        self.fail_index = None;
        let dc_id = self.input.attr("dc-uuid").map(str::to_string);
        let cluster_name = self.opt("cluster-name").map(str::to_string);
        let (name, id) = (self.nodes[node].name.clone(), self.nodes[node].id.clone());
        {
            let n = &mut self.nodes[node];
            n.attrs.insert("#uname".into(), name);
            n.attrs.insert("#id".into(), id.clone());
        }
        if self.dc_node.is_none()
            && dc_id
                .as_deref()
                .is_some_and(|d| d.eq_ignore_ascii_case(&id))
        {
            self.dc_node = Some(node);
            self.nodes[node]
                .attrs
                .insert("#is_dc".into(), "true".into());
        } else if self.dc_node != Some(node) {
            self.nodes[node]
                .attrs
                .insert("#is_dc".into(), "false".into());
        }
        if let Some(cn) = &cluster_name {
            self.nodes[node]
                .attrs
                .insert("#cluster-name".into(), cn.clone());
        }
        let input = RuleInput {
            now: self.now,
            ..RuleInput::default()
        };
        let mut unpacked = std::collections::HashMap::new();
        nvset::unpack_blocks(
            xml,
            "instance_attributes",
            None,
            &input,
            &mut unpacked,
            &self.input,
        );
        for (k, v) in unpacked {
            let attrs = &mut self.nodes[node].attrs;
            if overwrite || !attrs.contains_key(&k) {
                attrs.insert(k, v);
            }
        }
        let util = nvset::unpack_blocks_ordered(xml, "utilization", &input, &self.input);
        for (k, v) in util {
            let u = &mut self.nodes[node].utilization;
            if !u.iter().any(|(n, _)| *n == k) {
                let value = crate::sched::utilization_value(Some(&v));
                self.nodes[node].capacity.insert(k.clone(), value);
                self.nodes[node].utilization.push((k, v));
            }
        }
        if self.nodes[node].attr("#site-name").is_none() {
            let site = self.nodes[node]
                .attr("site-name")
                .map(str::to_string)
                .or(cluster_name);
            if let Some(site) = site {
                self.nodes[node].attrs.insert("#site-name".into(), site);
            }
        }
    }
}
