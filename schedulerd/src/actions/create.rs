//! Creating actions: looking up an existing one, unpacking the operation's
//! configuration and deciding whether it can run (`custom_action`).

use std::collections::{BTreeMap, HashMap};

use pcmk_common::xml::Element;

use crate::model::scheduler::NoQuorum;
use crate::model::{
    ActIdx, Action, ActionFlags, NodeIdx, OnFail, Requires, Role, RscFlags, RscIdx, SchedFlags,
    Scheduler, op_key, parse_op_key,
};
use crate::nvset;
use crate::rules_input::RuleInput;
use crate::values::{parse_bool, parse_interval_ms, parse_time_ms};

/// Default action timeout (20s).
const DEFAULT_TIMEOUT_MS: u64 = 20_000;

impl Scheduler {
    /// The `<op>` elements of a resource.
    pub(crate) fn rsc_ops(&self, rsc: RscIdx) -> Vec<&Element> {
        let Some(ops) = self.rscs[rsc].xml.child("operations") else {
            return Vec::new();
        };
        let ops = nvset::resolve_idref(ops, &self.input).unwrap_or(ops);
        ops.children_named("op").collect()
    }

    /// Finds the configured operation for a task and interval
    /// (`pcmk__find_action_config`); returns its position.
    pub(crate) fn find_action_config(
        &self,
        rsc: RscIdx,
        task: &str,
        interval_ms: u64,
        include_disabled: bool,
    ) -> Option<usize> {
        let ops = self.rsc_ops(rsc);
        let exact = |name: &str, interval: u64| {
            ops.iter().position(|op| {
                if !include_disabled && op.attr("enabled").and_then(parse_bool) == Some(false) {
                    return false;
                }
                let i = op.attr("interval").and_then(parse_interval_ms).unwrap_or(0);
                i == interval && op.attr("name") == Some(name)
            })
        };
        exact(task, interval_ms).or_else(|| {
            if task == "migrate_to" || task == "migrate_from" {
                exact("migrate", 0)
            } else {
                None
            }
        })
    }

    /// Creates (or finds) an action (`custom_action`).
    pub fn custom_action(
        &mut self,
        rsc: Option<RscIdx>,
        key: String,
        task: &str,
        node: Option<NodeIdx>,
        optional: bool,
    ) -> ActIdx {
        let existing = match rsc {
            Some(r) => self.find_rsc_actions(r, &key, node).first().copied(),
            None => self.find_singleton(&key, node),
        };
        let action = match existing {
            Some(a) => a,
            None => self.new_action(key, task, rsc, node, optional),
        };
        self.update_action_optional(action, optional);
        if let Some(r) = rsc {
            let a = &self.actions[action];
            if a.node.is_some() && a.op_entry.is_some() && !a.has(ActionFlags::ATTRS_EVALUATED) {
                let extra = self.action_extra_params(r, action);
                let a = &mut self.actions[action];
                a.extra = extra;
                a.set(ActionFlags::ATTRS_EVALUATED);
            }
            self.update_resource_action_runnable(action);
        }
        action
    }

    fn find_singleton(&mut self, key: &str, node: Option<NodeIdx>) -> Option<ActIdx> {
        // Non-resource actions: any matching key (assigning a node if needed)
        let a = *self.singletons.get(key)?;
        match (node, self.actions[a].node) {
            (None, _) => Some(a),
            (Some(n), None) => {
                self.actions[a].node = Some(n);
                Some(a)
            }
            (Some(n), Some(m)) if n == m => Some(a),
            _ => None,
        }
    }

    fn new_action(
        &mut self,
        key: String,
        task: &str,
        rsc: Option<RscIdx>,
        node: Option<NodeIdx>,
        optional: bool,
    ) -> ActIdx {
        let idx = self.actions.len();
        let mut flags = ActionFlags(ActionFlags::RUNNABLE);
        if task == "lrm_delete" {
            flags.0 |= ActionFlags::ON_DC;
        }
        if optional {
            flags.0 |= ActionFlags::OPTIONAL;
        }
        let mut action = Action {
            id: (idx + 1) as i32,
            rsc,
            task: task.to_string(),
            uuid: key.clone(),
            node,
            flags,
            meta: BTreeMap::new(),
            extra: BTreeMap::new(),
            reason: None,
            cancel_task: None,
            needs: Requires::Nothing,
            on_fail: OnFail::Ignore,
            fail_role: Role::Started,
            priority: 0,
            required_runnable_before: 0,
            runnable_before: 0,
            before: Vec::new(),
            after: Vec::new(),
            op_entry: None,
        };
        if let Some(r) = rsc {
            let interval = parse_op_key(&key).map_or(0, |(_, _, i)| i);
            let mut entry = self.find_action_config(r, task, interval, true);
            if entry.is_none() && key.contains("_notify_") {
                entry = self.find_action_config(r, "notify", 0, true);
            }
            action.op_entry = entry;
            let meta = self.unpack_action_meta(r, task, interval, entry);
            action.needs = self.action_requires(r, task);
            action.on_fail =
                self.parse_on_fail(r, task, interval, meta.get("on-fail").map(String::as_str));
            action.fail_role =
                role_after_failure(self.rscs[r].remote_reconnect_ms, task, action.on_fail);
            action.meta = meta;
        }
        self.actions.push(action);
        match rsc {
            Some(r) => {
                self.rscs[r].actions.push(idx);
                self.rscs[r].action_keys.entry(key).or_default().push(idx);
            }
            None => {
                self.singletons.insert(key, idx);
            }
        }
        idx
    }

    /// Makes an action required unless its resource is unmanaged.
    fn update_action_optional(&mut self, action: ActIdx, optional: bool) {
        let a = &self.actions[action];
        let unmanaged_nonrecurring = match a.rsc {
            Some(r) => {
                a.node.is_some()
                    && !a.pseudo()
                    && !self.rscs[r].has(RscFlags::MANAGED)
                    && !a.meta.contains_key("interval")
            }
            None => false,
        };
        if unmanaged_nonrecurring {
            self.actions[action].set(ActionFlags::OPTIONAL);
        } else if !optional {
            self.actions[action].clear(ActionFlags::OPTIONAL);
        }
    }

    /// The no-quorum policy as it applies to a resource.
    fn effective_quorum_policy(&mut self, rsc: RscIdx) -> NoQuorum {
        if self.has(SchedFlags::QUORATE) {
            return NoQuorum::Ignore;
        }
        if self.no_quorum == NoQuorum::Demote {
            let r = &mut self.rscs[rsc];
            return match r.orig_role {
                Role::Promoted | Role::Unpromoted => {
                    if r.next_role > Role::Unpromoted {
                        r.next_role = Role::Unpromoted;
                    }
                    NoQuorum::Ignore
                }
                _ => NoQuorum::Stop,
            };
        }
        self.no_quorum
    }

    /// Decides whether a resource action can run (`update_resource_action_runnable`).
    fn update_resource_action_runnable(&mut self, action: ActIdx) {
        let Some(rsc) = self.actions[action].rsc else {
            return;
        };
        if self.actions[action].pseudo() {
            return;
        }
        let Some(node) = self.actions[action].node else {
            self.actions[action].clear(ActionFlags::RUNNABLE);
            return;
        };
        let on_dc = self.actions[action].has(ActionFlags::ON_DC);
        let n = &self.nodes[node];
        let is_guest = self.is_guest_node(node);
        if !on_dc && !n.online && (!is_guest || n.remote_reset) {
            self.actions[action].clear(ActionFlags::RUNNABLE);
            if self.rscs[rsc].has(RscFlags::MANAGED)
                && self.actions[action].task == "stop"
                && !self.nodes[node].unclean
            {
                self.fence_node(node, "stop is unrunnable", false);
            }
        } else if !on_dc && n.pending {
            self.actions[action].clear(ActionFlags::RUNNABLE);
        } else if self.actions[action].needs == Requires::Nothing {
            self.set_reason(action, None, true);
            if is_guest && !self.can_fence(node) {
                self.actions[action].clear(ActionFlags::RUNNABLE);
            } else {
                self.actions[action].set(ActionFlags::RUNNABLE);
            }
        } else {
            match self.effective_quorum_policy(rsc) {
                NoQuorum::Stop => {
                    self.actions[action].clear(ActionFlags::RUNNABLE);
                    self.set_reason(action, Some("no quorum"), true);
                }
                NoQuorum::Freeze => {
                    let active = self.rsc_is_active(rsc, true);
                    let r = &self.rscs[rsc];
                    if !active || r.next_role > r.orig_role {
                        self.actions[action].clear(ActionFlags::RUNNABLE);
                        self.set_reason(action, Some("quorum freeze"), true);
                    }
                }
                _ => self.actions[action].set(ActionFlags::RUNNABLE),
            }
        }
    }

    /// What an action needs to run (`pcmk__action_requires`).
    fn action_requires(&self, rsc: RscIdx, task: &str) -> Requires {
        if task != "start" && task != "promote" {
            Requires::Nothing
        } else if self.rscs[rsc].has(RscFlags::NEEDS_FENCING) {
            Requires::Fencing
        } else if self.rscs[rsc].has(RscFlags::NEEDS_QUORUM) {
            Requires::Quorum
        } else {
            Requires::Nothing
        }
    }

    /// Evaluates the parameters of an `<op>` for the action's node.
    fn action_extra_params(&self, rsc: RscIdx, action: ActIdx) -> BTreeMap<String, String> {
        let a = &self.actions[action];
        let Some(entry) = a.op_entry else {
            return BTreeMap::new();
        };
        let ops = self.rsc_ops(rsc);
        let Some(op) = ops.get(entry) else {
            return BTreeMap::new();
        };
        let input = RuleInput {
            now: self.now,
            node_attrs: a.node.map(|n| &self.nodes[n].attrs),
            ..RuleInput::default()
        };
        let mut params = HashMap::new();
        nvset::unpack_blocks(
            op,
            "instance_attributes",
            None,
            &input,
            &mut params,
            &self.input,
        );
        params.into_iter().collect()
    }

    /// The most frequent enabled recurring monitor of a resource.
    fn most_frequent_monitor(&self, rsc: RscIdx) -> Option<usize> {
        let mut best: Option<(u64, usize)> = None;
        for (i, op) in self.rsc_ops(rsc).iter().enumerate() {
            if op.attr("name") != Some("monitor") {
                continue;
            }
            let interval = op.attr("interval").and_then(parse_interval_ms).unwrap_or(0);
            if interval == 0 || op.attr("enabled").and_then(parse_bool) == Some(false) {
                continue;
            }
            if best.is_none_or(|(b, _)| interval < b) {
                best = Some((interval, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// Meta-attributes of an action (`pcmk__unpack_action_meta`).
    pub(crate) fn unpack_action_meta(
        &mut self,
        rsc: RscIdx,
        task: &str,
        interval_ms: u64,
        entry: Option<usize>,
    ) -> BTreeMap<String, String> {
        let r = &self.rscs[rsc];
        let input = RuleInput {
            now: self.now,
            rsc_standard: r.xml.attr("class"),
            rsc_provider: r.xml.attr("provider"),
            rsc_agent: r.xml.attr("type"),
            op_name: Some(task),
            op_interval_ms: interval_ms,
            ..RuleInput::default()
        };
        let ops = self.rsc_ops(rsc);
        let mut meta: HashMap<String, String> = HashMap::new();
        if let Some(op) = entry.and_then(|e| ops.get(e)) {
            nvset::unpack_blocks(op, "meta_attributes", None, &input, &mut meta, &self.input);
            for (k, v) in &op.attrs {
                meta.insert(k.clone(), v.clone());
            }
        }
        if task == "monitor" && interval_ms == 0 && !meta.contains_key("timeout") {
            if let Some(m) = self.most_frequent_monitor(rsc) {
                if let Some(t) = ops.get(m).and_then(|op| op.attr("timeout")) {
                    meta.insert("timeout".into(), t.to_string());
                }
            }
        }
        if let Some(d) = &self.op_defaults {
            nvset::unpack_blocks(d, "meta_attributes", None, &input, &mut meta, &self.input);
        }
        meta.remove("id");
        if interval_ms > 0 {
            meta.insert("interval".into(), interval_ms.to_string());
        } else {
            meta.remove("interval");
        }
        let timeout = meta
            .get("timeout")
            .and_then(|t| parse_time_ms(t))
            .filter(|t| *t > 0)
            .unwrap_or(DEFAULT_TIMEOUT_MS)
            .min(i32::MAX as u64);
        meta.insert("timeout".into(), timeout.to_string());
        self.validate_on_fail(rsc, task, entry, &mut meta);
        if let Some(sd) = meta.get("start-delay").cloned() {
            let v = parse_time_ms(&sd).unwrap_or(0).min(i32::MAX as u64);
            meta.insert("start-delay".into(), v.to_string());
        } else if let Some(origin) = meta.get("interval-origin").cloned() {
            let op_id = entry
                .and_then(|e| self.rsc_ops(rsc).get(e).and_then(|op| op.id()))
                .unwrap_or("(missing ID)")
                .to_string();
            if let Some(delay) = self.interval_origin_delay(&origin, &op_id, interval_ms) {
                meta.insert("start-delay".into(), delay.to_string());
            }
        }
        meta.into_iter().collect()
    }

    /// The start delay (ms) that aligns a recurring action with its
    /// `interval-origin`: the time until the next multiple of the interval
    /// counted from the origin (`unpack_interval_origin`).
    fn interval_origin_delay(
        &mut self,
        origin: &str,
        op_id: &str,
        interval_ms: u64,
    ) -> Option<i64> {
        if interval_ms == 0 {
            return None;
        }
        let Ok(origin_time) = pcmk_common::iso8601::DateTime::parse(origin) else {
            self.config_err(format!(
                "Ignoring 'interval-origin' for operation '{op_id}' because '{origin}' is not valid"
            ));
            return None;
        };
        // Seconds, rounded as Pacemaker turns timeouts into seconds
        let interval_sec = if interval_ms < 1000 {
            1
        } else {
            (interval_ms / 1000 + u64::from(interval_ms % 1000 >= 500)) as i64
        };
        let since = (self.now - origin_time.epoch_seconds()) % interval_sec;
        let until_next = if since <= 0 { 0 } else { interval_sec } - since;
        Some(until_next * 1000)
    }

    fn validate_on_fail(
        &mut self,
        rsc: RscIdx,
        task: &str,
        entry: Option<usize>,
        meta: &mut HashMap<String, String>,
    ) {
        let value = meta.get("on-fail").cloned();
        let id = self.rscs[rsc].id.clone();
        if task == "stop" {
            if let Some(v) = &value {
                let lv = v.to_ascii_lowercase();
                if lv == "standby" || lv == "demote" || lv == "stop" {
                    self.config_err(format!(
                        "Resetting 'on-fail' for {id} stop action to default value because '{v}' is not allowed for stop"
                    ));
                    meta.remove("on-fail");
                    return;
                }
            }
        }
        if task == "demote" && value.is_none() {
            let mut found = None;
            for op in self.rsc_ops(rsc) {
                let Some(pof) = op.attr("on-fail") else {
                    continue;
                };
                if op.attr("name") != Some("monitor") {
                    continue;
                }
                let role = op.attr("role").unwrap_or("");
                if !(role.eq_ignore_ascii_case("promoted") || role.eq_ignore_ascii_case("master")) {
                    continue;
                }
                if op.attr("interval").and_then(parse_interval_ms).unwrap_or(0) == 0 {
                    continue;
                }
                if op.attr("enabled").and_then(parse_bool) == Some(false) {
                    continue;
                }
                if pof.eq_ignore_ascii_case("demote") {
                    continue;
                }
                found = Some(pof.to_string());
                break;
            }
            if let Some(f) = found {
                meta.insert("on-fail".into(), f);
            }
            return;
        }
        if task == "lrm_delete"
            && !value
                .as_deref()
                .is_some_and(|v| v.eq_ignore_ascii_case("ignore"))
        {
            meta.insert("on-fail".into(), "ignore".into());
            return;
        }
        if value
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("demote"))
        {
            let ops = self.rsc_ops(rsc);
            let op = entry.and_then(|e| ops.get(e));
            let name = op.and_then(|o| o.attr("name"));
            let role = op.and_then(|o| o.attr("role")).unwrap_or("");
            let interval = op
                .and_then(|o| o.attr("interval"))
                .and_then(parse_interval_ms)
                .unwrap_or(0);
            let promoted =
                role.eq_ignore_ascii_case("promoted") || role.eq_ignore_ascii_case("master");
            if name != Some("promote") && (interval == 0 || name != Some("monitor") || !promoted) {
                let name = name.unwrap_or("").to_string();
                self.config_err(format!(
                    "Resetting 'on-fail' for {id} {name} action to default value because 'demote' is not allowed for it"
                ));
                meta.remove("on-fail");
            }
        }
    }

    /// Parses an on-fail value with its defaults (`pcmk__parse_on_fail`).
    pub(crate) fn parse_on_fail(
        &mut self,
        rsc: RscIdx,
        task: &str,
        interval_ms: u64,
        value: Option<&str>,
    ) -> OnFail {
        let id = self.rscs[rsc].id.clone();
        let mut explicit = true;
        let mut on_fail = OnFail::Ignore;
        match value.map(str::to_ascii_lowercase).as_deref() {
            None => explicit = false,
            Some("block") => on_fail = OnFail::Block,
            Some("fence") => {
                if self.has(SchedFlags::FENCING_ENABLED) {
                    on_fail = OnFail::FenceNode;
                } else {
                    self.config_err(format!(
                        "Resetting 'on-fail' for {task} of {id} to 'stop' because 'fence' is not valid when fencing is disabled"
                    ));
                    on_fail = OnFail::Stop;
                }
            }
            Some("standby") => on_fail = OnFail::StandbyNode,
            Some("ignore") | Some("nothing") => on_fail = OnFail::Ignore,
            Some("migrate") => on_fail = OnFail::Ban,
            Some("stop") => on_fail = OnFail::Stop,
            Some("restart") => on_fail = OnFail::Restart,
            Some("restart-container") => {
                if self.rscs[rsc].launcher.is_some() {
                    on_fail = OnFail::RestartContainer;
                } else {
                    explicit = false;
                }
            }
            Some("demote") => on_fail = OnFail::Demote,
            Some(v) => {
                self.config_err(format!(
                    "Using default 'on-fail' for {task} of {id} because '{v}' is not valid"
                ));
                explicit = false;
            }
        }
        let is_probe = task == "monitor" && interval_ms == 0;
        let mut needs_remote_reset = false;
        if self.rscs[rsc].has(RscFlags::REMOTE_CONNECTION)
            && self.find_node(&id).is_some_and(|n| self.is_remote_node(n))
            && !is_probe
            && task != "start"
        {
            needs_remote_reset = true;
            if !self.rscs[rsc].has(RscFlags::MANAGED) {
                explicit = false;
            }
        }
        if explicit {
            return on_fail;
        }
        if self.rscs[rsc].launcher.is_some() {
            OnFail::RestartContainer
        } else if needs_remote_reset {
            if self.rscs[rsc].has(RscFlags::MANAGED) {
                OnFail::ResetRemote
            } else {
                OnFail::Stop
            }
        } else if task == "stop" {
            if self.has(SchedFlags::FENCING_ENABLED) {
                OnFail::FenceNode
            } else {
                OnFail::Block
            }
        } else {
            OnFail::Restart
        }
    }

    /// Creates a pseudo-action without a resource (`get_pseudo_op`).
    pub fn get_pseudo_op(&mut self, name: &str) -> ActIdx {
        if let Some(&a) = self.singletons.get(name) {
            return a;
        }
        let a = self.custom_action(None, name.to_string(), name, None, true);
        self.actions[a].set(ActionFlags::PSEUDO | ActionFlags::RUNNABLE);
        a
    }

    /// Creates a pseudo-action for a resource (`pe__new_rsc_pseudo_action`).
    pub fn new_rsc_pseudo_action(
        &mut self,
        rsc: RscIdx,
        task: &str,
        optional: bool,
        runnable: bool,
    ) -> ActIdx {
        let key = op_key(&self.rscs[rsc].id, task, 0);
        let a = self.custom_action(Some(rsc), key, task, None, optional);
        self.actions[a].set(ActionFlags::PSEUDO);
        if runnable {
            self.actions[a].set(ActionFlags::RUNNABLE);
        }
        a
    }

    /// Creates a stop action.
    pub fn stop_action(&mut self, rsc: RscIdx, node: Option<NodeIdx>, optional: bool) -> ActIdx {
        let key = op_key(&self.rscs[rsc].id, "stop", 0);
        self.custom_action(Some(rsc), key, "stop", node, optional)
    }

    /// Creates a start action.
    pub fn start_action(&mut self, rsc: RscIdx, node: Option<NodeIdx>, optional: bool) -> ActIdx {
        let key = op_key(&self.rscs[rsc].id, "start", 0);
        self.custom_action(Some(rsc), key, "start", node, optional)
    }

    /// Creates a promote action.
    pub fn promote_action(&mut self, rsc: RscIdx, node: Option<NodeIdx>, optional: bool) -> ActIdx {
        let key = op_key(&self.rscs[rsc].id, "promote", 0);
        self.custom_action(Some(rsc), key, "promote", node, optional)
    }

    /// Creates a demote action.
    pub fn demote_action(&mut self, rsc: RscIdx, node: Option<NodeIdx>, optional: bool) -> ActIdx {
        let key = op_key(&self.rscs[rsc].id, "demote", 0);
        self.custom_action(Some(rsc), key, "demote", node, optional)
    }

    /// Schedules clearing of a resource's history on a node.
    pub fn clear_resource_history(&mut self, rsc: RscIdx, node: NodeIdx) -> ActIdx {
        let key = op_key(&self.rscs[rsc].id, "lrm_delete", 0);
        self.custom_action(Some(rsc), key, "lrm_delete", Some(node), false)
    }
}

/// Role after a failure (`pcmk__role_after_failure`).
fn role_after_failure(reconnect_ms: u64, task: &str, on_fail: OnFail) -> Role {
    match on_fail {
        OnFail::Stop => return Role::Stopped,
        OnFail::ResetRemote if reconnect_ms != 0 => return Role::Stopped,
        _ => {}
    }
    if task == "promote" {
        Role::Unpromoted
    } else {
        Role::Started
    }
}
