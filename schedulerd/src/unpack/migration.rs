//! Live-migration history: whether a migrate_to/migrate_from pair leaves a
//! resource active on the source, the target, or both
//! (`unpack_migrate_to_success` and the failure counterparts).

use pcmk_common::xml::Element;

use crate::model::{ActIdx, NodeIdx, Role, RscFlags, RscIdx, Scheduler, op_key};
use crate::unpack::history::newer_op;
use crate::unpack::ops::{ExecStatus, rc};
use crate::values::parse_ll;

impl Scheduler {
    /// The history entries of a resource on a node (by node name).
    fn lrm_ops_of(&self, rsc_id: &str, node_name: &str) -> Vec<Element> {
        let Some(status) = self.input.child("status") else {
            return Vec::new();
        };
        for state in status.children_named("node_state") {
            if state.attr("uname") != Some(node_name) {
                continue;
            }
            let Some(rscs) = state.child("lrm").and_then(|l| l.child("lrm_resources")) else {
                continue;
            };
            if let Some(entry) = rscs.child_by_id("lrm_resource", rsc_id) {
                return entry.children_named("lrm_rsc_op").cloned().collect();
            }
            return Vec::new();
        }
        Vec::new()
    }

    /// Finds a history entry for an operation (`find_lrm_op`).
    fn find_lrm_op(
        &self,
        rsc_id: &str,
        task: &str,
        node: &str,
        source: Option<&str>,
        target: Option<i64>,
    ) -> Option<Element> {
        let op = self.lrm_ops_of(rsc_id, node).into_iter().find(|op| {
            if op.attr("operation") != Some(task) {
                return false;
            }
            match (source, task) {
                (Some(s), "migrate_to") => op.attr("migrate_target") == Some(s),
                (Some(s), "migrate_from") => op.attr("migrate_source") == Some(s),
                _ => true,
            }
        })?;
        if let Some(t) = target {
            let r = op
                .attr("rc-code")
                .and_then(parse_ll)
                .unwrap_or(rc::UNKNOWN_ERROR);
            let s = op
                .attr("op-status")
                .and_then(parse_ll)
                .unwrap_or(ExecStatus::Error as i64);
            if r != t || s != ExecStatus::Done as i64 {
                return None;
            }
        }
        Some(op)
    }

    fn unknown_on_node(&self, rsc: RscIdx, node: &str) -> bool {
        let id = &self.rscs[rsc].id;
        !self
            .lrm_ops_of(id, node)
            .iter()
            .any(|op| op.attr("rc-code") != Some("193"))
    }

    fn monitor_not_running_after(&self, rsc_id: &str, node: &str, xml_op: &Element) -> bool {
        self.find_lrm_op(rsc_id, "monitor", node, None, Some(rc::NOT_RUNNING))
            .is_some_and(|m| newer_op(&m, xml_op).is_gt())
    }

    fn non_monitor_after(&self, rsc_id: &str, node: &str, xml_op: &Element) -> bool {
        self.lrm_ops_of(rsc_id, node).iter().any(|op| {
            if op.id() == xml_op.id() && op.attr("operation") == xml_op.attr("operation") {
                return false;
            }
            matches!(
                op.attr("operation"),
                Some("start") | Some("stop") | Some("migrate_to") | Some("migrate_from")
            ) && newer_op(op, xml_op).is_gt()
        })
    }

    fn newer_state_after_migrate(
        &self,
        rsc_id: &str,
        node: &str,
        migrate_to: Option<&Element>,
        migrate_from: Option<&Element>,
    ) -> bool {
        let mut xml_op = migrate_from.or(migrate_to);
        if let (Some(mf), Some(mt)) = (migrate_from, migrate_to) {
            let source = mf.attr("migrate_source");
            if source.is_some_and(|s| s.eq_ignore_ascii_case(node)) {
                xml_op = Some(mt);
            }
        }
        let Some(xml_op) = xml_op else {
            return false;
        };
        self.non_monitor_after(rsc_id, node, xml_op)
            || self.monitor_not_running_after(rsc_id, node, xml_op)
    }

    fn migration_names(&mut self, op: &Element) -> Option<(String, String)> {
        let s = op.attr("migrate_source");
        let t = op.attr("migrate_target");
        match (s, t) {
            (Some(s), Some(t)) => Some((s.to_string(), t.to_string())),
            _ => {
                let id = op.id().unwrap_or("").to_string();
                self.config_err(format!(
                    "Ignoring resource history entry {id} without migrate_source and migrate_target"
                ));
                None
            }
        }
    }

    /// A successful migrate_to (`unpack_migrate_to_success`).
    pub(crate) fn unpack_migrate_to_success(&mut self, rsc: RscIdx, node: NodeIdx, op: &Element) {
        let Some((source, target)) = self.migration_names(op) else {
            return;
        };
        let rid = self.rscs[rsc].id.clone();
        let source_newer_op = self.non_monitor_after(&rid, &source, op);
        let migrate_from = self.find_lrm_op(&rid, "migrate_from", &target, Some(&source), None);
        let (mut from_rc, mut from_status) = (rc::OK, ExecStatus::Pending as i64);
        if let Some(mf) = &migrate_from {
            if source_newer_op {
                return;
            }
            from_rc = mf.attr("rc-code").and_then(parse_ll).unwrap_or(rc::OK);
            from_status = mf
                .attr("op-status")
                .and_then(parse_ll)
                .unwrap_or(ExecStatus::Pending as i64);
        }
        let target_newer_state =
            self.newer_state_after_migrate(&rid, &target, Some(op), migrate_from.as_ref());
        if source_newer_op && target_newer_state {
            return;
        }
        if from_rc == rc::OK && from_status == ExecStatus::Done as i64 {
            self.rscs[rsc].orig_role = Role::Stopped;
            self.rscs[rsc].dangling_migration_sources.insert(0, node);
            return;
        }
        self.rscs[rsc].orig_role = Role::Started;
        let target_node = self.find_node(&target);
        let active_on_target =
            !target_newer_state && target_node.is_some_and(|t| self.nodes[t].online);
        if from_status != ExecStatus::Pending as i64 {
            if active_on_target {
                if let Some(t) = target_node {
                    self.add_running(rsc, t, true);
                }
            } else {
                self.rscs[rsc]
                    .flags
                    .set(RscFlags::FAILED | RscFlags::STOP_IF_FAILED);
                self.rscs[rsc].flags.clear(RscFlags::MIGRATABLE);
            }
            return;
        }
        if let Some(t) = target_node {
            if self.nodes[t].online && self.unknown_on_node(rsc, &target) {
                return;
            }
        }
        if active_on_target {
            if let Some(t) = target_node {
                let source_node = self.find_node(&source);
                self.add_running(rsc, t, false);
                if let Some(s) = source_node.filter(|s| self.nodes[*s].online) {
                    self.rscs[rsc].partial_migration_target = Some(t);
                    self.rscs[rsc].partial_migration_source = Some(s);
                }
            }
        } else if !source_newer_op {
            self.rscs[rsc]
                .flags
                .set(RscFlags::FAILED | RscFlags::STOP_IF_FAILED);
            self.rscs[rsc].flags.clear(RscFlags::MIGRATABLE);
        }
    }

    /// A failed migrate_to (`unpack_migrate_to_failure`).
    pub(crate) fn unpack_migrate_to_failure(&mut self, rsc: RscIdx, node: NodeIdx, op: &Element) {
        let Some((source, target)) = self.migration_names(op) else {
            return;
        };
        let rid = self.rscs[rsc].id.clone();
        self.rscs[rsc].orig_role = Role::Started;
        let target_mf =
            self.find_lrm_op(&rid, "migrate_from", &target, Some(&source), Some(rc::OK));
        if !self.unknown_on_node(rsc, &target)
            && !self.newer_state_after_migrate(&rid, &target, Some(op), target_mf.as_ref())
        {
            if let Some(t) = self.find_node(&target).filter(|t| self.nodes[*t].online) {
                self.add_running(rsc, t, false);
            }
        } else if !self.non_monitor_after(&rid, &source, op) {
            self.rscs[rsc].dangling_migration_sources.insert(0, node);
        }
    }

    /// A failed migrate_from (`unpack_migrate_from_failure`).
    pub(crate) fn unpack_migrate_from_failure(
        &mut self,
        rsc: RscIdx,
        _node: NodeIdx,
        op: &Element,
    ) {
        let Some((source, target)) = self.migration_names(op) else {
            return;
        };
        let rid = self.rscs[rsc].id.clone();
        self.rscs[rsc].orig_role = Role::Started;
        let source_mt = self.find_lrm_op(&rid, "migrate_to", &source, Some(&target), Some(rc::OK));
        if !self.unknown_on_node(rsc, &source)
            && !self.newer_state_after_migrate(&rid, &source, source_mt.as_ref(), Some(op))
        {
            if let Some(s) = self.find_node(&source).filter(|s| self.nodes[*s].online) {
                self.add_running(rsc, s, true);
            }
        }
    }

    /// Schedules clearing of a resource's fail count on a node
    /// (`pe__clear_failcount`).
    pub fn clear_failcount(&mut self, rsc: RscIdx, node: NodeIdx, _reason: &str) -> ActIdx {
        let key = op_key(&self.rscs[rsc].id, "clear_failcount", 0);
        let a = self.custom_action(Some(rsc), key, "clear_failcount", Some(node), false);
        self.actions[a]
            .meta
            .insert("op_no_wait".into(), "true".into());
        a
    }
}
