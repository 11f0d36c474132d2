//! Results coming back to the transition engine (`controld_te_events.c`,
//! `controld_te_callbacks.c`): operation results, timeouts, fencing
//! results, lost nodes, and aborts.

use std::collections::BTreeMap;

use super::command::TeCommand;
use super::engine::TransitionEngine;
use super::event::ActionEvent;
use super::graph::{ActionKind, GraphNext, SCORE_INFINITY};
use crate::core::keys::{ExecStatus, TransitionKey, parse_op_key};

impl TransitionEngine {
    /// Aborts the graph (`abort_transition()`): synapses below `priority`
    /// no longer fire, and on completion `next` applies (if it outranks the
    /// current completion action).
    pub fn abort(&mut self, priority: i32, next: GraphNext, reason: &str) {
        let Some(g) = self.graph.as_mut().filter(|g| !g.complete) else {
            // Nothing runs: the result (a recurring monitor's change, a
            // late or outside event) calls for a new calculation.
            tracing::debug!("Transition aborted while idle: {reason}");
            self.idle_abort = Some(reason.to_string());
            return;
        };
        let changed = !g.complete && g.raise_abort(priority, next, reason);
        let line = format!("Transition {} aborted: {reason}", g.id);
        if changed {
            tracing::info!("{line}");
        } else {
            tracing::debug!("{line}");
        }
    }

    /// Forgets the outside events seen so far (done after every CIB
    /// change, so one result is counted once however it arrives).
    pub fn clear_outside_events(&mut self) {
        self.outside_events.clear();
    }

    /// Handles an operation result (`process_graph_event()`).
    pub fn action_event(&mut self, ev: &ActionEvent) {
        let Some(magic) = ev.transition_key.as_deref() else {
            return;
        };
        if ev.op_status == ExecStatus::Pending.code() {
            return;
        }
        let Some(key) = TransitionKey::parse(magic) else {
            tracing::error!(
                "Can't process action {} result: Incompatible versions? | call-id={}",
                ev.op_key,
                ev.call_id
            );
            self.abort(SCORE_INFINITY, GraphNext::Restart, "Bad event");
            return;
        };
        let (graph_id, graph_complete) = match self.graph.as_ref() {
            Some(g) => (g.id, g.complete),
            None => (-1, true),
        };
        let mut desc = None;
        let mut ignore_failures = false;
        if key.transition == -1 {
            if !self.outside_events.insert(key.action) {
                return;
            }
            desc = Some("initiated outside of the cluster");
            self.abort(SCORE_INFINITY, GraphNext::Restart, "Unexpected event");
        } else if key.action < 0 || key.te_uuid != self.cfg.te_uuid {
            desc = Some("initiated by a different DC");
            self.abort(SCORE_INFINITY, GraphNext::Restart, "Foreign event");
        } else if graph_id != key.transition || graph_complete {
            let recurring = parse_op_key(&ev.op_key).is_some_and(|k| k.interval_ms != 0);
            if recurring {
                if ev.op_status == ExecStatus::Cancelled.code() {
                    self.confirm_cancel(&ev.op_key, &ev.node_uuid);
                    return;
                }
                desc = Some("arrived after initial scheduling");
                self.abort(
                    SCORE_INFINITY,
                    GraphNext::Restart,
                    "Change in recurring result",
                );
            } else if graph_id != key.transition {
                desc = Some("arrived really late");
                self.abort(SCORE_INFINITY, GraphNext::Restart, "Old event");
            } else {
                desc = Some("arrived late");
                self.abort(SCORE_INFINITY, GraphNext::Restart, "Inactive graph");
            }
        } else {
            let Some(a) = self.graph.as_ref().and_then(|g| g.action_index(key.action)) else {
                self.abort(SCORE_INFINITY, GraphNext::Restart, "Unknown event");
                self.log_event(&key, ev, Some("unknown"));
                return;
            };
            let Some(graph) = self.graph.as_mut() else {
                return;
            };
            if graph.actions[a].confirmed {
                return;
            }
            let action = &mut graph.actions[a];
            if action
                .meta("on_fail")
                .is_some_and(|v| v.eq_ignore_ascii_case("ignore"))
            {
                ignore_failures = true;
            } else if ev.rc != key.target_rc {
                action.failed = true;
            }
            let failed = action.failed;
            let id = action.id;
            let synapse_priority = graph
                .synapses
                .iter()
                .find(|s| s.actions.contains(&a))
                .map_or(0, |s| s.priority);
            self.disarm(id);
            self.confirm(a);
            if failed {
                self.abort(
                    synapse_priority.saturating_add(1),
                    GraphNext::Restart,
                    "Event failed",
                );
            }
        }
        if ev.op_status == ExecStatus::Invalid.code() {
            self.log_event(&key, ev, desc);
            return;
        }
        if ev.rc != key.target_rc || desc.is_some() {
            self.update_failcount(&key, ev, desc.is_some(), ignore_failures);
        }
        self.log_event(&key, ev, desc);
    }

    fn log_event(&self, key: &TransitionKey, ev: &ActionEvent, desc: Option<&str>) {
        let node = ev.on_node.as_deref().unwrap_or("unknown node");
        match desc {
            Some(d) => tracing::info!(
                "Transition {} action {} ({} on {}): {} | rc={} target-rc={} call-id={}",
                key.transition,
                key.action,
                ev.op_key,
                node,
                d,
                ev.rc,
                key.target_rc,
                ev.call_id
            ),
            None if ev.rc == key.target_rc => tracing::info!(
                "Transition {} action {} ({} on {}) confirmed | rc={} call-id={}",
                key.transition,
                key.action,
                ev.op_key,
                node,
                ev.rc,
                ev.call_id
            ),
            None => tracing::warn!(
                "Transition {} action {} ({} on {}): expected rc {} but got {} | call-id={}",
                key.transition,
                key.action,
                ev.op_key,
                node,
                key.target_rc,
                ev.rc,
                ev.call_id
            ),
        }
    }

    /// `update_failcount()`: a failed result bumps the fail count.
    fn update_failcount(
        &mut self,
        key: &TransitionKey,
        ev: &ActionEvent,
        outside: bool,
        ignore: bool,
    ) {
        if ev.rc == key.target_rc {
            return;
        }
        if ev.origin.as_deref() == Some("build_active_RAs") {
            return;
        }
        let Some(op) = parse_op_key(&ev.op_key) else {
            return;
        };
        let graph = self.graph.as_ref();
        let value = if op.interval_ms > 0 || op.task == "promote" || op.task == "demote" {
            Some("value++".to_string())
        } else if op.task == "start" {
            Some(
                graph
                    .and_then(|g| g.failed_start_offset.clone())
                    .unwrap_or_else(|| "INFINITY".into()),
            )
        } else if op.task == "stop" {
            Some(
                graph
                    .and_then(|g| g.failed_stop_offset.clone())
                    .unwrap_or_else(|| "INFINITY".into()),
            )
        } else if outside {
            Some("value++".to_string())
        } else {
            None
        };
        let Some(mut value) = value else {
            return;
        };
        if !value.eq_ignore_ascii_case("INFINITY") && !value.eq_ignore_ascii_case("+INFINITY") {
            value = "value++".into();
        }
        self.out.push(TeCommand::UpdateFailcount {
            node_uuid: ev.node_uuid.clone(),
            rsc: op.rsc,
            task: op.task,
            interval_ms: op.interval_ms,
            value,
            last_failure_only: ignore,
        });
    }

    fn confirm_cancel(&mut self, op_key: &str, node_uuid: &str) {
        let Some(graph) = self.graph.as_ref() else {
            return;
        };
        let found = graph.actions.iter().position(|a| {
            a.task() == "cancel"
                && a.key().eq_ignore_ascii_case(op_key)
                && a.on_node_uuid()
                    .is_none_or(|u| u.eq_ignore_ascii_case(node_uuid))
        });
        if let Some(a) = found {
            let id = graph.actions[a].id;
            self.disarm(id);
            self.confirm(a);
            tracing::info!("Cancellation of {op_key} confirmed (action {id})");
        }
    }

    /// The timer of action `action_id` fired without a result.
    pub fn action_timeout(&mut self, action_id: i32) {
        self.timers.remove(&action_id);
        let Some(graph) = self.graph.as_ref() else {
            return;
        };
        let Some(a) = graph.action_index(action_id) else {
            return;
        };
        let action = &graph.actions[a];
        let node = action.on_node().unwrap_or("").to_string();
        if graph.complete || action.confirmed {
            tracing::info!(
                "Node {} did not send {} result within {}ms (ignoring because transition not in progress)",
                node,
                action.task(),
                action.timeout.as_millis()
            );
            return;
        }
        tracing::error!(
            "Node {} did not send {} result (via controller) within {}ms (action timeout plus cluster-delay)",
            node,
            action.task(),
            (action.timeout + graph.network_delay).as_millis()
        );
        let recordable = action.kind == ActionKind::Resource
            && !matches!(action.task(), "cancel" | "delete" | "notify" | "meta-data");
        let xml = action.xml.clone();
        let key = self.transition_key(a);
        if let Some(g) = self.graph.as_mut() {
            g.actions[a].failed = true;
        }
        self.confirm(a);
        self.abort(SCORE_INFINITY, GraphNext::Restart, "Action lost");
        if recordable {
            self.out.push(TeCommand::RecordTimeout {
                action: xml,
                transition_key: key,
                node,
            });
        }
    }

    /// The result of fencing action `action_id`; a failure aborts the
    /// transition and computes a new one (which fences again).
    pub fn fence_result(&mut self, action_id: i32, ok: bool) {
        self.fence_result_with(action_id, ok, GraphNext::Restart);
    }

    /// The result of fencing action `action_id`; a failure aborts the
    /// transition with `on_failure` next (`Wait` once the controller gives
    /// up retrying).
    pub fn fence_result_with(&mut self, action_id: i32, ok: bool, on_failure: GraphNext) {
        let Some(a) = self.graph.as_ref().and_then(|g| g.action_index(action_id)) else {
            return;
        };
        if let Some(g) = self.graph.as_mut() {
            if g.actions[a].confirmed {
                return;
            }
            if !ok {
                g.actions[a].failed = true;
            }
        }
        self.disarm(action_id);
        self.confirm(a);
        if !ok {
            self.abort(SCORE_INFINITY, on_failure, "Stonith failed");
        }
    }

    /// Confirms a cluster action whose reply arrived (or a resource action
    /// that will never report, such as one sent with no-wait semantics).
    pub fn confirm_action(&mut self, action_id: i32, failed: bool) {
        let Some(a) = self.graph.as_ref().and_then(|g| g.action_index(action_id)) else {
            return;
        };
        if failed {
            if let Some(g) = self.graph.as_mut() {
                g.actions[a].failed = true;
            }
        }
        self.disarm(action_id);
        self.confirm(a);
    }

    /// Node `uuid` left: its unconfirmed actions can never complete
    /// (`fail_incompletable_actions()`); true if any did, which aborts.
    pub fn node_down(&mut self, uuid: &str, router_uuids: &BTreeMap<String, String>) -> bool {
        let Some(graph) = self.graph.as_ref() else {
            return false;
        };
        if graph.complete {
            return false;
        }
        let mut hit = Vec::new();
        for s in &graph.synapses {
            if s.confirmed || s.failed {
                continue;
            }
            for &a in &s.actions {
                let action = &graph.actions[a];
                if action.kind == ActionKind::Pseudo || action.confirmed || action.is_fencing() {
                    continue;
                }
                let target = action.on_node_uuid();
                let router = action
                    .router_node()
                    .and_then(|r| router_uuids.get(r))
                    .map(String::as_str);
                if target.is_some_and(|t| t.eq_ignore_ascii_case(uuid))
                    || router.is_some_and(|r| r.eq_ignore_ascii_case(uuid))
                {
                    hit.push(a);
                }
            }
        }
        if hit.is_empty() {
            return false;
        }
        for a in hit {
            let id = match self.graph.as_mut() {
                Some(g) => {
                    g.actions[a].failed = true;
                    if let Some(s) = g.synapses.iter_mut().find(|s| s.actions.contains(&a)) {
                        s.failed = true;
                    }
                    g.actions[a].id
                }
                None => continue,
            };
            self.disarm(id);
            if let Some(g) = self.graph.as_mut() {
                g.update(a);
            }
        }
        tracing::info!("Node {uuid} shutdown resulted in un-runnable actions");
        self.abort(SCORE_INFINITY, GraphNext::Restart, "Node failure");
        true
    }
}
