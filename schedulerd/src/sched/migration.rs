//! Live migration: migrate_to/migrate_from actions and the orderings that
//! stand in for start and stop (`pcmk_sched_migration.c`).

use crate::model::{
    ActionFlags, NodeIdx, Ordering, RelFlags, RscFlags, RscIdx, Scheduler, op_key, parse_op_key,
};

impl Scheduler {
    /// Whether a resource can migrate from `current` to its assigned node.
    pub(crate) fn rsc_can_migrate(&self, rsc: RscIdx, current: NodeIdx) -> bool {
        let r = &self.rscs[rsc];
        r.has(RscFlags::MIGRATABLE)
            && r.has(RscFlags::MANAGED)
            && !r.has(RscFlags::FAILED)
            && !r.has(RscFlags::START_PENDING)
            && !self.nodes[current].unclean
            && r.assigned.is_some_and(|a| !self.nodes[a].unclean)
    }

    /// Stops a resource where a migration was never cleaned up.
    pub(crate) fn abort_dangling_migration(&mut self, rsc: RscIdx, node: NodeIdx) {
        let stop = self.stop_action(rsc, Some(node), false);
        self.actions[stop].set(ActionFlags::MIGRATION_ABORT);
    }

    /// Creates migrate_to/migrate_from for a resource moving live.
    pub(crate) fn create_migration_actions(&mut self, rsc: RscIdx, current: NodeIdx) {
        let target_node = self.rscs[rsc].partial_migration_target;
        let assigned = self.rscs[rsc].assigned;
        let id = self.rscs[rsc].id.clone();
        let start = self.start_action(rsc, assigned, true);
        let stop = self.stop_action(rsc, Some(current), true);
        let migrate_to = if target_node.is_none() {
            Some(self.custom_action(
                Some(rsc),
                op_key(&id, "migrate_to", 0),
                "migrate_to",
                Some(current),
                true,
            ))
        } else {
            None
        };
        let migrate_from = self.custom_action(
            Some(rsc),
            op_key(&id, "migrate_from", 0),
            "migrate_from",
            assigned,
            true,
        );
        self.actions[start].set(ActionFlags::MIGRATABLE | ActionFlags::PSEUDO);
        self.actions[stop].set(ActionFlags::MIGRATABLE);
        let needs = self.actions[start].needs;
        if let Some(mt) = migrate_to {
            self.actions[migrate_from].set(ActionFlags::MIGRATABLE);
            self.actions[mt].set(ActionFlags::MIGRATABLE);
            self.actions[mt].needs = needs;
            self.order_rsc_actions(rsc, "monitor", rsc, "migrate_to", RelFlags::ORDERED);
            self.order_rsc_actions(
                rsc,
                "migrate_to",
                rsc,
                "migrate_from",
                RelFlags::ORDERED | RelFlags::UNMIGRATABLE_THEN_BLOCKS,
            );
        } else {
            self.actions[migrate_from].set(ActionFlags::MIGRATABLE);
            self.actions[migrate_from].needs = needs;
            self.order_rsc_actions(rsc, "monitor", rsc, "migrate_from", RelFlags::ORDERED);
        }
        self.order_rsc_actions(
            rsc,
            "migrate_from",
            rsc,
            "stop",
            RelFlags::ORDERED | RelFlags::UNMIGRATABLE_THEN_BLOCKS,
        );
        self.order_rsc_actions(
            rsc,
            "migrate_from",
            rsc,
            "start",
            RelFlags::ORDERED | RelFlags::UNMIGRATABLE_THEN_BLOCKS | RelFlags::FIRST_ELSE_THEN,
        );
        let (src, dst) = (
            self.nodes[current].name.clone(),
            assigned.map(|a| self.nodes[a].name.clone()),
        );
        let dst = dst.unwrap_or_default();
        if let Some(mt) = migrate_to {
            let m = &mut self.actions[mt].meta;
            m.insert("migrate_source".into(), src.clone());
            m.insert("migrate_target".into(), dst.clone());
            if !self.rscs[rsc].has(RscFlags::REMOTE_CONNECTION) {
                self.actions[mt]
                    .meta
                    .insert("record-pending".into(), "true".into());
            }
        }
        let m = &mut self.actions[migrate_from].meta;
        m.insert("migrate_source".into(), src);
        m.insert("migrate_target".into(), dst);
    }

    /// Adds migration-equivalent orderings for a new ordering
    /// (`pcmk__order_migration_equivalents`).
    pub(crate) fn order_migration_equivalents(&mut self, order: &Ordering) {
        let (Some(r1), Some(r2)) = (order.rsc1, order.rsc2) else {
            return;
        };
        if r1 == r2 || self.is_ancestor(r1, r2) || self.is_ancestor(r2, r1) {
            return;
        }
        let first_m = self.rscs[r1].has(RscFlags::MIGRATABLE);
        let then_m = self.rscs[r2].has(RscFlags::MIGRATABLE);
        if !first_m && !then_m {
            return;
        }
        let task_of = |s: &Scheduler, a: Option<usize>, k: &Option<String>| -> Option<String> {
            match a {
                Some(a) => Some(s.actions[a].task.clone()),
                None => k.as_deref().and_then(parse_op_key).map(|(_, t, _)| t),
            }
        };
        let first_task = task_of(self, order.action1, &order.task1);
        let then_task = task_of(self, order.action2, &order.task2);
        let (ft, tt) = (first_task.as_deref(), then_task.as_deref());
        let partial = self.rscs[r2].partial_migration_target.is_some();
        match (ft, tt) {
            (Some("start"), Some("start")) => {
                let mut flags = RelFlags::ORDERED;
                if first_m && then_m {
                    self.order_rsc_actions(r1, "migrate_from", r2, "migrate_to", flags);
                }
                if then_m {
                    if first_m {
                        flags |= RelFlags::IF_FIRST_UNMIGRATABLE;
                    }
                    self.order_rsc_actions(r1, "start", r2, "migrate_to", flags);
                }
            }
            (Some("stop"), Some("stop")) if then_m => {
                let mut flags = RelFlags::ORDERED;
                if first_m {
                    flags |= RelFlags::IF_FIRST_UNMIGRATABLE;
                }
                self.order_rsc_actions(r1, "stop", r2, "migrate_to", flags);
                if partial {
                    self.order_rsc_actions(r1, "stop", r2, "migrate_from", flags);
                }
            }
            (Some("promote"), Some("start")) if then_m => {
                self.order_rsc_actions(r1, "promote", r2, "migrate_to", RelFlags::ORDERED);
            }
            (Some("demote"), Some("stop")) if then_m => {
                self.order_rsc_actions(r1, "demote", r2, "migrate_to", RelFlags::ORDERED);
                if partial {
                    self.order_rsc_actions(r1, "demote", r2, "migrate_from", RelFlags::ORDERED);
                }
            }
            _ => {}
        }
    }

    /// Whether `ancestor` is a (transitive) parent of `rsc` (`is_parent`).
    pub fn is_ancestor(&self, rsc: RscIdx, ancestor: RscIdx) -> bool {
        let mut p = self.rscs[rsc].parent;
        while let Some(x) = p {
            if x == ancestor {
                return true;
            }
            p = self.rscs[x].parent;
        }
        false
    }
}
