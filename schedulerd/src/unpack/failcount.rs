//! Fail counts from node attributes (`fail-count-RSC#OP_INTERVAL` and
//! `last-failure-RSC#OP_INTERVAL`), looked up by resource through a per-node
//! index instead of a regular expression per resource and node.

use std::collections::HashMap;

use crate::model::{NodeIdx, RscFlags, RscIdx, Scheduler};
use pcmk_common::xml::Element;

use crate::values::{add_scores, parse_interval_ms, parse_ll, parse_score};

/// Whether a history entry is a failure of a configured operation
/// (`is_matched_failure`).
fn is_matched_failure(rsc_id: &str, conf: &Element, op: &Element) -> bool {
    let conf_interval = conf
        .attr("interval")
        .and_then(parse_interval_ms)
        .unwrap_or(0);
    let op_interval = op.attr("interval").and_then(parse_ll).unwrap_or(0).max(0) as u64;
    let (Some(name), Some(task)) = (conf.attr("name"), op.attr("operation")) else {
        return false;
    };
    if conf_interval != op_interval || !name.eq_ignore_ascii_case(task) {
        return false;
    }
    let id = op.id().unwrap_or("");
    if id.eq_ignore_ascii_case(&format!("{rsc_id}_last_failure_0")) {
        return true;
    }
    if id.eq_ignore_ascii_case(&format!("{rsc_id}_{name}_{conf_interval}")) {
        let rc = op.attr("rc-code").and_then(parse_ll).unwrap_or(0);
        return rc != crate::unpack::ops::target_rc(op);
    }
    false
}

/// Fail count and last failure time of one resource name on one node.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    count: i32,
    last: i64,
}

/// Per-node index: resource name (as in the attribute) to its totals.
#[derive(Debug, Default)]
pub struct FailIndex {
    nodes: HashMap<NodeIdx, HashMap<String, Entry>>,
}

/// Which failures to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FcMode {
    /// All failures.
    All,
    /// Only failures that have not expired.
    Effective,
}

impl FailIndex {
    /// Builds the index from the nodes' attributes.
    pub fn build(sched: &Scheduler) -> FailIndex {
        let mut idx = FailIndex::default();
        for (n, node) in sched.nodes.iter().enumerate() {
            let mut map: HashMap<String, Entry> = HashMap::new();
            for (k, v) in &node.attrs {
                if let Some(rest) = k.strip_prefix("fail-count-") {
                    let Some((name, op)) = rest.split_once('#') else {
                        continue;
                    };
                    if !valid_op_part(op) {
                        continue;
                    }
                    let Some(score) = parse_score(v) else {
                        continue;
                    };
                    let e = map.entry(name.to_string()).or_default();
                    e.count = add_scores(e.count, score);
                } else if let Some(rest) = k.strip_prefix("last-failure-") {
                    let Some((name, op)) = rest.split_once('#') else {
                        continue;
                    };
                    if !valid_op_part(op) {
                        continue;
                    }
                    let Some(t) = parse_ll(v) else { continue };
                    let e = map.entry(name.to_string()).or_default();
                    e.last = e.last.max(t);
                }
            }
            if !map.is_empty() {
                idx.nodes.insert(n, map);
            }
        }
        idx
    }
}

fn valid_op_part(op: &str) -> bool {
    match op.rsplit_once('_') {
        Some((task, interval)) => {
            !task.is_empty() && !interval.is_empty() && interval.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// The base name of a clone instance id (`clone_strip`).
pub fn clone_strip(id: &str) -> &str {
    if let Some((base, n)) = id.rsplit_once(':') {
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            return base;
        }
    }
    id
}

impl Scheduler {
    /// A resource's fail count on a node and its last failure time
    /// (`pe_get_failcount`).
    pub fn failcount(&mut self, node: NodeIdx, rsc: RscIdx, mode: FcMode) -> (i32, i64) {
        self.failcount_for(node, rsc, mode, None)
    }

    /// Whether a failure of the resource on the node is configured to
    /// block it (`block_failure`).
    fn block_failure(&self, node: NodeIdx, rsc: RscIdx, xml_op: Option<&Element>) -> bool {
        let name = clone_strip(&self.rscs[rsc].id).to_string();
        let Some(resources) = self
            .input
            .child("configuration")
            .and_then(|c| c.child("resources"))
        else {
            return false;
        };
        let blocking: Vec<&Element> = resources
            .descendants()
            .filter(|e| e.name == "primitive" && e.id() == Some(name.as_str()))
            .flat_map(|p| {
                p.descendants()
                    .filter(|e| e.name == "op" && e.attr("on-fail") == Some("block"))
            })
            .collect();
        for conf in blocking {
            match xml_op {
                Some(op) => {
                    if is_matched_failure(&name, conf, op) {
                        return true;
                    }
                }
                None => {
                    let conf_interval = conf
                        .attr("interval")
                        .and_then(parse_interval_ms)
                        .unwrap_or(0);
                    let Some(status) = self.input.child("status") else {
                        return false;
                    };
                    let node_name = &self.nodes[node].name;
                    for state in status.children_named("node_state") {
                        if state.attr("uname") != Some(node_name.as_str()) {
                            continue;
                        }
                        for entry in state
                            .descendants()
                            .filter(|e| e.name == "lrm_resource" && e.id() == Some(name.as_str()))
                        {
                            for op in entry.children_named("lrm_rsc_op") {
                                let i = op.attr("interval").and_then(parse_ll).unwrap_or(-1);
                                if op.attr("operation") == conf.attr("name")
                                    && i == conf_interval as i64
                                    && is_matched_failure(&name, conf, op)
                                {
                                    return true;
                                }
                            }
                        }
                    }
                }
            }
        }
        false
    }

    /// Like [`Scheduler::failcount`], for the history entry `xml_op`.
    pub fn failcount_for(
        &mut self,
        node: NodeIdx,
        rsc: RscIdx,
        mode: FcMode,
        xml_op: Option<&Element>,
    ) -> (i32, i64) {
        if self.fail_index.is_none() {
            self.fail_index = Some(FailIndex::build(self));
        }
        let r = &self.rscs[rsc];
        let name = r.history_id.as_deref().unwrap_or(&r.id).to_string();
        let name = name.as_str();
        let unique = r.has(RscFlags::UNIQUE);
        let mut total = Entry::default();
        if let Some(map) = self.fail_index.as_ref().and_then(|i| i.nodes.get(&node)) {
            if unique {
                if let Some(e) = map.get(name) {
                    total = *e;
                }
            } else {
                let base = clone_strip(name);
                for (k, e) in map {
                    if clone_strip(k) == base && (k == base || k.len() > base.len()) {
                        total.count = add_scores(total.count, e.count);
                        total.last = total.last.max(e.last);
                    }
                }
            }
        }
        if total.count > 0
            && self.rscs[rsc].failure_expiration_ms > 0
            && self.block_failure(node, rsc, xml_op)
        {
            let id = self.rscs[rsc].id.clone();
            self.config_warn(format!(
                "Ignoring failure timeout for {id} because it conflicts with on-fail=block"
            ));
            self.rscs[rsc].failure_expiration_ms = 0;
        }
        let expiration = self.rscs[rsc].failure_expiration_ms;
        if mode == FcMode::Effective && total.count > 0 && total.last > 0 && expiration > 0 {
            let secs = (expiration / 1000) as i64;
            if self.now > total.last + secs {
                total.count = 0;
            }
        }
        let last = if total.count > 0 && total.last > 0 {
            total.last
        } else {
            0
        };
        (total.count, last)
    }
}
