//! Clone notifications: the pre/post pseudo-actions around a clone's
//! start, stop, promote and demote, and the notify actions for each
//! instance with the `notify_*` variables agents read (`pe_notif.c`).

use crate::model::{
    ActIdx, ActionFlags, NodeIdx, NotifyOps, RelFlags, Role, RscFlags, RscIdx, Scheduler,
};
use crate::values::INFINITY;

/// Instances and nodes collected for one notification.
#[derive(Debug, Default)]
struct Collected {
    start: Vec<(RscIdx, Option<NodeIdx>)>,
    stop: Vec<(RscIdx, Option<NodeIdx>)>,
    promote: Vec<(RscIdx, Option<NodeIdx>)>,
    demote: Vec<(RscIdx, Option<NodeIdx>)>,
    active: Vec<(RscIdx, Option<NodeIdx>)>,
    inactive: Vec<(RscIdx, Option<NodeIdx>)>,
    promoted: Vec<(RscIdx, Option<NodeIdx>)>,
    unpromoted: Vec<(RscIdx, Option<NodeIdx>)>,
}

impl Scheduler {
    fn notify_pseudo(&mut self, rsc: RscIdx, action: ActIdx, task: &str, kind: &str) -> ActIdx {
        let op_task = self.actions[action].task.clone();
        let key = format!("{}_{kind}_notify_{op_task}_0", self.rscs[rsc].id);
        let optional = self.actions[action].optional();
        let a = self.custom_action(Some(rsc), key, task, None, optional);
        let act = &mut self.actions[a];
        act.set(ActionFlags::PSEUDO);
        act.meta.insert("notify_key_type".into(), kind.into());
        act.meta.insert("notify_key_operation".into(), op_task);
        a
    }

    /// Creates the notification pseudo-actions for one clone action when
    /// the clone notifies (`pe__action_notif_pseudo_ops`).
    pub(crate) fn create_notif_ops_for(
        &mut self,
        rsc: RscIdx,
        task: &str,
        action: ActIdx,
        complete: ActIdx,
    ) {
        if self.notify_ops(rsc, task).is_some() {
            return;
        }
        if let Some(ops) = self.new_notif_ops(rsc, task, Some(action), Some(complete)) {
            if let Some(d) = self.rscs[rsc].clone.as_mut() {
                d.notify.push(ops);
            }
        }
    }

    fn new_notif_ops(
        &mut self,
        rsc: RscIdx,
        task: &str,
        action: Option<ActIdx>,
        complete: Option<ActIdx>,
    ) -> Option<NotifyOps> {
        if !self.rscs[rsc].has(RscFlags::NOTIFY) {
            return None;
        }
        let mut ops = NotifyOps {
            action: task.to_string(),
            op: action,
            complete,
            ..NotifyOps::default()
        };
        let set_meta = |s: &mut Scheduler, a: ActIdx, kind: &str| {
            let m = &mut s.actions[a].meta;
            m.insert("notify_type".into(), kind.into());
            m.insert("notify_operation".into(), task.into());
        };
        if let Some(action) = action {
            let pre = self.notify_pseudo(rsc, action, "notify", "pre");
            self.actions[pre].set(ActionFlags::RUNNABLE);
            set_meta(self, pre, "pre");
            let pre_done = self.notify_pseudo(rsc, action, "notified", "confirmed-pre");
            self.actions[pre_done].set(ActionFlags::RUNNABLE);
            set_meta(self, pre_done, "pre");
            self.order_actions(pre, pre_done, RelFlags::ORDERED);
            self.order_actions(pre_done, action, RelFlags::ORDERED);
            ops.pre = Some(pre);
            ops.pre_done = Some(pre_done);
        }
        if let Some(complete) = complete {
            let runnable = self.actions[complete].runnable();
            let post = self.notify_pseudo(rsc, complete, "notify", "post");
            self.actions[post].priority = INFINITY;
            set_meta(self, post, "post");
            let post_done = self.notify_pseudo(rsc, complete, "notified", "confirmed-post");
            self.actions[post_done].priority = INFINITY;
            set_meta(self, post_done, "post");
            for a in [post, post_done] {
                if runnable {
                    self.actions[a].set(ActionFlags::RUNNABLE);
                } else {
                    self.actions[a].clear(ActionFlags::RUNNABLE);
                }
            }
            self.order_actions(complete, post, RelFlags::FIRST_IMPLIES_THEN);
            self.order_actions(post, post_done, RelFlags::FIRST_IMPLIES_THEN);
            ops.post = Some(post);
            ops.post_done = Some(post_done);
        }
        if let (Some(pre_done), Some(post)) = (ops.pre_done, ops.post) {
            self.order_actions(pre_done, post, RelFlags::ORDERED);
        }
        Some(ops)
    }

    /// The notification pseudo-actions of a clone for an action.
    pub(crate) fn notify_ops(&self, rsc: RscIdx, task: &str) -> Option<NotifyOps> {
        self.rscs[rsc]
            .clone
            .as_ref()?
            .notify
            .iter()
            .find(|n| n.action == task)
            .cloned()
    }

    fn collect_notify_data(&self, rsc: RscIdx, activity: bool, c: &mut Collected) {
        let r = &self.rscs[rsc];
        if !r.children.is_empty() {
            for &ch in &r.children {
                self.collect_notify_data(ch, activity, c);
            }
            return;
        }
        let node = r.active.first().copied();
        let entry = (rsc, node);
        match r.orig_role {
            Role::Stopped => c.inactive.push(entry),
            Role::Started => c.active.push(entry),
            Role::Unpromoted => {
                c.unpromoted.push(entry);
                c.active.push(entry);
            }
            Role::Promoted => {
                c.promoted.push(entry);
                c.active.push(entry);
            }
            Role::Unknown => {}
        }
        if !activity {
            return;
        }
        for &a in &r.actions {
            let op = &self.actions[a];
            let Some(n) = op.node else { continue };
            if op.optional() {
                continue;
            }
            if !(op.runnable() || op.task == "stop" && self.nodes[n].unclean) {
                continue;
            }
            let e = (rsc, Some(n));
            match op.task.as_str() {
                "start" => c.start.push(e),
                "stop" => c.stop.push(e),
                "promote" => c.promote.push(e),
                "demote" => c.demote.push(e),
                _ => {}
            }
        }
    }

    /// Resource and node lists for a notify variable (" " when empty).
    fn entries_to_strings(
        &self,
        list: &mut [(RscIdx, Option<NodeIdx>)],
        with_nodes: bool,
    ) -> (String, String) {
        list.sort_by(|a, b| {
            let (ra, rb) = (&self.rscs[a.0].id, &self.rscs[b.0].id);
            ra.as_bytes()
                .cmp(rb.as_bytes())
                .then_with(|| match (a.1, b.1) {
                    (None, None) => std::cmp::Ordering::Equal,
                    (None, _) => std::cmp::Ordering::Greater,
                    (_, None) => std::cmp::Ordering::Less,
                    (Some(x), Some(y)) => {
                        self.nodes[x].id.as_bytes().cmp(self.nodes[y].id.as_bytes())
                    }
                })
        });
        let mut rscs: Vec<&str> = Vec::new();
        let mut nodes: Vec<&str> = Vec::new();
        let mut last: Option<&str> = None;
        for &(r, n) in list.iter() {
            if with_nodes && n.is_none() {
                continue;
            }
            let id = self.rscs[r].id.as_str();
            if last == Some(id) {
                continue;
            }
            last = Some(id);
            rscs.push(id);
            if let Some(n) = n.filter(|_| with_nodes) {
                nodes.push(self.nodes[n].name.as_str());
            }
        }
        let join = |v: Vec<&str>| {
            if v.is_empty() {
                " ".to_string()
            } else {
                v.join(" ")
            }
        };
        (join(rscs), join(nodes))
    }

    fn notify_keys(
        &mut self,
        rsc: RscIdx,
        ops: &NotifyOps,
        c: &mut Collected,
    ) -> Vec<(String, String)> {
        let mut keys: Vec<(String, String)> = Vec::new();
        let mut required = false;
        let action = ops.action.as_str();
        let (r, n) = self.entries_to_strings(&mut c.stop, true);
        if r != " " && action == "stop" {
            required = true;
        }
        keys.push(("notify_stop_resource".into(), r));
        keys.push(("notify_stop_uname".into(), n));
        if !c.start.is_empty() && action == "start" {
            required = true;
        }
        let (r, n) = self.entries_to_strings(&mut c.start, true);
        keys.push(("notify_start_resource".into(), r));
        keys.push(("notify_start_uname".into(), n));
        if !c.demote.is_empty() && action == "demote" {
            required = true;
        }
        let (r, n) = self.entries_to_strings(&mut c.demote, true);
        keys.push(("notify_demote_resource".into(), r));
        keys.push(("notify_demote_uname".into(), n));
        if !c.promote.is_empty() && action == "promote" {
            required = true;
        }
        let (r, n) = self.entries_to_strings(&mut c.promote, true);
        keys.push(("notify_promote_resource".into(), r));
        keys.push(("notify_promote_uname".into(), n));
        let (r, n) = self.entries_to_strings(&mut c.active, true);
        keys.push(("notify_active_resource".into(), r));
        keys.push(("notify_active_uname".into(), n));
        let (r, n) = self.entries_to_strings(&mut c.unpromoted, true);
        for prefix in ["unpromoted", "slave"] {
            keys.push((format!("notify_{prefix}_resource"), r.clone()));
            keys.push((format!("notify_{prefix}_uname"), n.clone()));
        }
        let (r, n) = self.entries_to_strings(&mut c.promoted, true);
        for prefix in ["promoted", "master"] {
            keys.push((format!("notify_{prefix}_resource"), r.clone()));
            keys.push((format!("notify_{prefix}_uname"), n.clone()));
        }
        let (r, _) = self.entries_to_strings(&mut c.inactive, false);
        keys.push(("notify_inactive_resource".into(), r));
        let mut avail: Vec<NodeIdx> = self.rscs[rsc]
            .allowed
            .iter()
            .enumerate()
            .filter_map(|(n, a)| a.map(|_| n))
            .collect();
        avail.sort_by(|&a, &b| {
            crate::strcmp::numeric_strcasecmp(&self.nodes[a].name, &self.nodes[b].name)
        });
        let names = |v: &[NodeIdx]| {
            if v.is_empty() {
                " ".to_string()
            } else {
                v.iter()
                    .map(|&n| self.nodes[n].name.clone())
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        };
        keys.push(("notify_available_uname".into(), names(&avail)));
        if self.rscs[rsc].meta("container-attribute-target") == Some("host") {
            let hosts: Vec<String> = self
                .node_order
                .iter()
                .map(|&n| {
                    let host = self.nodes[n]
                        .remote_rsc
                        .and_then(|r| self.rscs[r].launcher)
                        .and_then(|l| self.current_node(l))
                        .filter(|_| self.is_guest_node(n))
                        .unwrap_or(n);
                    self.nodes[host].name.clone()
                })
                .collect();
            let v = if hosts.is_empty() {
                " ".to_string()
            } else {
                hosts.join(" ")
            };
            keys.push(("notify_all_hosts".into(), v));
        }
        let all = self.node_order.clone();
        keys.push(("notify_all_uname".into(), names(&all)));
        if required {
            for a in [ops.pre, ops.pre_done, ops.post, ops.post_done]
                .into_iter()
                .flatten()
            {
                self.actions[a].clear(ActionFlags::OPTIONAL);
            }
        }
        keys
    }

    fn new_notify_action(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        op: Option<ActIdx>,
        done: Option<ActIdx>,
        keys: &[(String, String)],
    ) -> Option<ActIdx> {
        let (op, done) = (op?, done?);
        if !self.nodes[node].online || !self.actions[op].runnable() {
            return None;
        }
        let kind = self.actions[op]
            .meta
            .get("notify_type")
            .cloned()
            .unwrap_or_default();
        let task = self.actions[op]
            .meta
            .get("notify_operation")
            .cloned()
            .unwrap_or_default();
        let key = format!("{}_{kind}_notify_{task}_0", self.rscs[rsc].id);
        let optional = self.actions[op].optional();
        let op_task = self.actions[op].task.clone();
        let n = self.custom_action(Some(rsc), key, &op_task, Some(node), optional);
        let meta = self.actions[op].meta.clone();
        for (k, v) in meta {
            self.actions[n].meta.entry(k).or_insert(v);
        }
        for (k, v) in keys {
            self.actions[n].meta.insert(k.clone(), v.clone());
        }
        self.order_actions(op, n, RelFlags::ORDERED);
        self.order_actions(n, done, RelFlags::ORDERED);
        Some(n)
    }

    fn new_post_notify_action(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        ops: &NotifyOps,
        keys: &[(String, String)],
    ) {
        if let Some(n) = self.new_notify_action(rsc, node, ops.post, ops.post_done, keys) {
            self.actions[n].priority = INFINITY;
        }
        let Some(done) = ops.post_done else { return };
        for a in self.rscs[rsc].actions.clone() {
            let act = &self.actions[a];
            let interval = act.meta.get("interval").map(String::as_str);
            if interval.is_none_or(|i| i == "0") || act.task == "cancel" {
                continue;
            }
            self.order_actions(done, a, RelFlags::ORDERED);
        }
    }

    fn create_notify_actions(
        &mut self,
        rsc: RscIdx,
        ops: &NotifyOps,
        c: &Collected,
        keys: &[(String, String)],
    ) {
        if !self.rscs[rsc].children.is_empty() {
            for ch in self.rscs[rsc].children.clone() {
                self.create_notify_actions(ch, ops, c, keys);
            }
            return;
        }
        for a in self.rscs[rsc].actions.clone() {
            let op = &self.actions[a];
            if op.optional() || op.node.is_none() {
                continue;
            }
            if matches!(op.task.as_str(), "start" | "stop" | "promote" | "demote") {
                for (k, v) in keys {
                    self.actions[a].meta.insert(k.clone(), v.clone());
                }
            }
        }
        let task = ops.action.as_str();
        let skip = match task {
            "start" => c.start.is_empty(),
            "promote" => c.promote.is_empty(),
            "demote" => c.demote.is_empty(),
            _ => false,
        };
        if skip {
            return;
        }
        if self.rscs[rsc].orig_role != Role::Stopped && (task == "stop" || task == "demote") {
            let stop = self.first_action_by_task(rsc, "stop", None);
            for node in self.rscs[rsc].active.clone() {
                if let Some(s) = stop {
                    if self.actions[s].pseudo()
                        && (self.nodes[node].unclean || self.nodes[node].remote_reset)
                    {
                        continue;
                    }
                }
                self.new_notify_action(rsc, node, ops.pre, ops.pre_done, keys);
                if task == "demote" || stop.is_none_or(|s| self.actions[s].optional()) {
                    self.new_post_notify_action(rsc, node, ops, keys);
                }
            }
        }
        if self.rscs[rsc].next_role != Role::Stopped && (task == "start" || task == "promote") {
            let start = self.first_action_by_task(rsc, "start", None);
            if let Some(s) = start {
                let remote_start = self.actions[s]
                    .node
                    .and_then(|n| self.nodes[n].remote_rsc)
                    .and_then(|r| self.first_action_by_task(r, "start", None));
                if remote_start.is_some_and(|rs| !self.actions[rs].runnable()) {
                    return;
                }
            }
            let Some(assigned) = self.rscs[rsc].assigned else {
                let (role, id) = (self.rscs[rsc].next_role.text(), self.rscs[rsc].id.clone());
                self.sched_err(format!("Next role '{role}' but {id} is not allocated"));
                return;
            };
            if task != "start" || start.is_none_or(|s| self.actions[s].optional()) {
                self.new_notify_action(rsc, assigned, ops.pre, ops.pre_done, keys);
            }
            self.new_post_notify_action(rsc, assigned, ops, keys);
        }
    }

    /// Creates the notify actions of every instance for one clone action
    /// (`pe__create_action_notifications`).
    fn create_action_notifications(&mut self, rsc: RscIdx, ops: &NotifyOps) {
        let mut c = Collected::default();
        self.collect_notify_data(rsc, true, &mut c);
        let keys = self.notify_keys(rsc, ops, &mut c);
        self.create_notify_actions(rsc, ops, &c, &keys);
    }

    /// Creates all notifications of a clone (`pe__create_clone_notifications`).
    pub(crate) fn create_clone_notifications(&mut self, rsc: RscIdx) {
        for task in ["start", "stop", "promote", "demote"] {
            if let Some(ops) = self.notify_ops(rsc, task) {
                self.create_action_notifications(rsc, &ops);
            }
        }
    }

    /// Orders the notifications of an implied stop (of an instance on a
    /// fenced node) after the fencing (`pe__order_notifs_after_fencing`).
    pub(crate) fn order_notifs_after_fencing(
        &mut self,
        stop: ActIdx,
        rsc: RscIdx,
        fencing: ActIdx,
    ) {
        let Some(ops) = self.new_notif_ops(rsc, "stop", None, Some(fencing)) else {
            return;
        };
        let mut c = Collected::default();
        self.collect_notify_data(rsc, false, &mut c);
        let node = self.actions[stop].node.map(|n| self.nodes[n].name.clone());
        let keys = vec![
            (
                "notify_stop_resource".to_string(),
                self.rscs[rsc].id.clone(),
            ),
            ("notify_stop_uname".to_string(), node.unwrap_or_default()),
        ];
        let top = self.uber_parent(rsc);
        self.create_notify_actions(top, &ops, &c, &keys);
    }
}
