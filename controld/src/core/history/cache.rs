//! The controller's memory of the operations run on its node (after
//! `update_history_cache()` and `build_active_RAs()` in controld_execd.c):
//! per resource, the last one-shot result, the last failure and the active
//! recurring operations. It is what a node sends the DC when it joins, and
//! what the DC writes into the CIB status for it.

use std::collections::BTreeMap;

use pcmk_common::xml::Element;

use super::metadata::AgentMetadata;
use super::record::{OpResult, RscInfo, add_resource_history};
use crate::core::keys::ExecStatus;

/// The history of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceHistory {
    /// The resource.
    pub rsc: RscInfo,
    /// Last successful (or expected) one-shot operation.
    pub last: Option<OpResult>,
    /// Last failed operation.
    pub failed: Option<OpResult>,
    /// Active recurring operations, most recent first.
    pub recurring: Vec<OpResult>,
    /// Call id of the last operation.
    pub last_call_id: i32,
}

/// Operation history of every resource on the local node.
#[derive(Debug, Clone, Default)]
pub struct HistoryCache {
    resources: BTreeMap<String, ResourceHistory>,
    metadata: BTreeMap<String, AgentMetadata>,
}

fn agent_key(rsc: &RscInfo) -> String {
    format!(
        "{}::{}:{}",
        rsc.standard,
        rsc.provider.as_deref().unwrap_or(""),
        rsc.kind
    )
}

impl HistoryCache {
    /// An empty cache.
    pub fn new() -> HistoryCache {
        HistoryCache::default()
    }

    /// The history of resource `id`.
    pub fn get(&self, id: &str) -> Option<&ResourceHistory> {
        self.resources.get(id)
    }

    /// Every resource with history.
    pub fn resources(&self) -> impl Iterator<Item = &ResourceHistory> {
        self.resources.values()
    }

    /// Remembers an agent's meta-data (for reload and secure digests).
    pub fn set_metadata(&mut self, rsc: &RscInfo, md: AgentMetadata) {
        self.metadata.insert(agent_key(rsc), md);
    }

    /// The cached meta-data of `rsc`'s agent.
    pub fn metadata(&self, rsc: &RscInfo) -> Option<&AgentMetadata> {
        self.metadata.get(&agent_key(rsc))
    }

    /// Forgets resource `id` (after `crm_resource --refresh` or deletion).
    pub fn forget(&mut self, id: &str) {
        self.resources.remove(id);
    }

    /// Records an operation result (`update_history_cache()`).
    pub fn record(&mut self, rsc: &RscInfo, op: &OpResult) {
        if op.task == "notify" {
            return;
        }
        let entry = self
            .resources
            .entry(op.rsc_id.clone())
            .or_insert_with(|| ResourceHistory {
                rsc: rsc.clone(),
                last: None,
                failed: None,
                recurring: Vec::new(),
                last_call_id: 0,
            });
        entry.last_call_id = op.call_id;
        let same_recurring = |r: &OpResult| r.task == op.task && r.interval_ms == op.interval_ms;
        if op.status == ExecStatus::Cancelled {
            if op.interval_ms > 0 {
                entry.recurring.retain(|r| !same_recurring(r));
            }
            return;
        }
        if op.failed(op.target_rc()) {
            entry.failed = Some(op.clone());
        } else if op.interval_ms == 0 {
            entry.last = Some(op.clone());
        }
        if op.interval_ms > 0 {
            entry.recurring.retain(|r| !same_recurring(r));
            entry.recurring.insert(0, op.clone());
        } else if !entry.recurring.is_empty() && op.task != "monitor" {
            // A start, stop, ... ends the recurring operations.
            entry.recurring.clear();
        }
    }

    /// The `<lrm_resources>` element listing every resource's history, as
    /// `node` would record it.
    pub fn lrm_resources(&self, node: &str) -> Element {
        let mut list = Element::new("lrm_resources");
        for entry in self.resources.values() {
            let mut x = Element::new("lrm_resource")
                .with_attr("id", entry.rsc.id.as_str())
                .with_attr("type", entry.rsc.kind.as_str())
                .with_attr("class", entry.rsc.standard.as_str());
            if let Some(p) = &entry.rsc.provider {
                x.set_attr("provider", p.as_str());
            }
            if let Some(c) = entry
                .last
                .as_ref()
                .and_then(|l| l.params.get("CRM_meta_container"))
            {
                x.set_attr("container", c.as_str());
            }
            let md = self.metadata(&entry.rsc);
            let ops = entry
                .failed
                .iter()
                .chain(entry.last.iter())
                .chain(entry.recurring.iter());
            for op in ops {
                add_resource_history(&mut x, &entry.rsc, op, node, md, "build_active_RAs");
            }
            list.push(x);
        }
        list
    }

    /// The `<lrm id=...>` element of node `node` with id `node_id`.
    pub fn lrm(&self, node: &str, node_id: &str) -> Element {
        Element::new("lrm")
            .with_attr("id", node_id)
            .with_child(self.lrm_resources(node))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn rsc() -> RscInfo {
        RscInfo {
            id: "d".into(),
            standard: "ocf".into(),
            provider: Some("heartbeat".into()),
            kind: "Dummy".into(),
        }
    }

    fn op(task: &str, interval_ms: u64, rc: i32, call_id: i32) -> OpResult {
        OpResult {
            rsc_id: "d".into(),
            task: task.into(),
            interval_ms,
            call_id,
            rc,
            status: ExecStatus::Done,
            exit_reason: None,
            t_run: 10,
            t_rcchange: 10,
            exec_time: 1,
            queue_time: 0,
            params: BTreeMap::new(),
            transition_key: Some(format!(
                "1:1:{}:u",
                if task == "monitor" && interval_ms == 0 {
                    7
                } else {
                    0
                }
            )),
        }
    }

    #[test]
    fn keeps_last_failed_and_recurring() {
        let mut c = HistoryCache::new();
        c.record(&rsc(), &op("monitor", 0, 7, 1));
        c.record(&rsc(), &op("start", 0, 0, 2));
        c.record(&rsc(), &op("monitor", 10000, 0, 3));
        c.record(&rsc(), &op("monitor", 10000, 7, 4));
        let h = c.get("d").unwrap();
        assert_eq!(h.last.as_ref().unwrap().task, "start");
        assert_eq!(h.failed.as_ref().unwrap().call_id, 4);
        assert_eq!(h.recurring.len(), 1);
        assert_eq!(h.last_call_id, 4);
        c.record(&rsc(), &op("stop", 0, 0, 5));
        let h = c.get("d").unwrap();
        assert!(h.recurring.is_empty());
        assert_eq!(h.last.as_ref().unwrap().task, "stop");

        let lrm = c.lrm("n1", "1");
        let r = lrm
            .child("lrm_resources")
            .unwrap()
            .child("lrm_resource")
            .unwrap();
        assert_eq!(r.attr("provider"), Some("heartbeat"));
        let ids: Vec<_> = r.elements().filter_map(|e| e.id()).collect();
        assert_eq!(ids, ["d_last_failure_0", "d_last_0"]);
        c.forget("d");
        assert!(c.get("d").is_none());
    }
}
