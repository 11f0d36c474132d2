//! Fail counts from node attributes (`fail-count-RSC#OP_INTERVAL` and
//! `last-failure-RSC#OP_INTERVAL`), looked up by resource through a per-node
//! index instead of a regular expression per resource and node.

use std::collections::HashMap;

use crate::model::{NodeIdx, RscFlags, RscIdx, Scheduler};
use crate::values::{add_scores, parse_ll, parse_score};

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
        if self.fail_index.is_none() {
            self.fail_index = Some(FailIndex::build(self));
        }
        let r = &self.rscs[rsc];
        let name = r.history_id.as_deref().unwrap_or(&r.id);
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
