//! One resource history entry (`lrm_rsc_op`): its result, whether it
//! expired, what failure policy applies, and what it says about the
//! resource's state (`unpack_rsc_op`).

use pcmk_common::xml::Element;

use crate::model::{NodeIdx, OnFail, Role, RscFlags, RscIdx, SchedFlags, Scheduler};
use crate::unpack::failcount::FcMode;
use crate::values::{INFINITY, parse_ll};

pub use pcmk_common::results::ExecStatus;

/// OCF result codes the scheduler distinguishes.
pub mod rc {
    /// Success.
    pub const OK: i64 = 0;
    /// Generic error.
    pub const UNKNOWN_ERROR: i64 = 1;
    /// Invalid parameter.
    pub const INVALID_PARAM: i64 = 2;
    /// Unimplemented feature.
    pub const UNIMPLEMENT_FEATURE: i64 = 3;
    /// Insufficient privileges.
    pub const INSUFFICIENT_PRIV: i64 = 4;
    /// Not installed.
    pub const NOT_INSTALLED: i64 = 5;
    /// Not configured.
    pub const NOT_CONFIGURED: i64 = 6;
    /// Not running.
    pub const NOT_RUNNING: i64 = 7;
    /// Running promoted.
    pub const RUNNING_PROMOTED: i64 = 8;
    /// Failed promoted.
    pub const FAILED_PROMOTED: i64 = 9;
    /// Degraded.
    pub const DEGRADED: i64 = 190;
    /// Degraded promoted.
    pub const DEGRADED_PROMOTED: i64 = 191;
}

/// The parsed result of a history entry.
#[derive(Debug, Clone)]
pub struct OpResult {
    /// Entry id.
    pub id: String,
    /// Task.
    pub task: String,
    /// Operation key.
    pub key: String,
    /// Interval.
    pub interval_ms: u64,
    /// Expected exit status.
    pub expected: i64,
    /// Exit status.
    pub exit: i64,
    /// Execution status.
    pub status: ExecStatus,
}

/// Whether a task/interval is a probe.
pub fn is_probe(task: &str, interval_ms: u64) -> bool {
    task == "monitor" && interval_ms == 0
}

fn xml_is_probe(op: &Element) -> bool {
    is_probe(
        op.attr("operation").unwrap_or(""),
        op.attr("interval").and_then(parse_ll).unwrap_or(0).max(0) as u64,
    )
}

/// Whether a failed probe result should be treated as "not running".
pub fn mask_probe_failure(op: &Element) -> bool {
    if !xml_is_probe(op) {
        return false;
    }
    let status = op.attr("op-status").and_then(parse_ll).unwrap_or(-2);
    let exit = op.attr("rc-code").and_then(parse_ll).unwrap_or(0);
    exit == rc::NOT_INSTALLED
        || exit == rc::INVALID_PARAM
        || status == ExecStatus::NotInstalled as i64
}

/// The expected result encoded in the transition key.
pub fn target_rc(op: &Element) -> i64 {
    let Some(key) = op.attr("transition-key") else {
        return -1;
    };
    let mut parts = key.splitn(4, ':');
    let (_a, _t) = (parts.next(), parts.next());
    parts.next().and_then(|t| t.parse().ok()).unwrap_or(-1)
}

/// The operation key of a history entry.
pub fn history_key(op: &Element) -> &str {
    op.attr("operation_key").or_else(|| op.id()).unwrap_or("")
}

impl Scheduler {
    /// Unpacks one history entry (`unpack_rsc_op`).
    pub(crate) fn unpack_rsc_op(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        op: &Element,
        last_failure: &mut Option<Element>,
        on_fail: &mut OnFail,
    ) {
        let Some(id) = op.id() else {
            let rid = self.rscs[rsc].id.clone();
            self.config_err(format!(
                "Ignoring resource history entry for {rid} without ID"
            ));
            return;
        };
        let Some(task) = op.attr("operation") else {
            return;
        };
        let interval_ms = op.attr("interval").and_then(parse_ll).unwrap_or(0).max(0) as u64;
        if !matches!(
            task,
            "monitor"
                | "start"
                | "stop"
                | "promote"
                | "demote"
                | "migrate_to"
                | "migrate_from"
                | "asyncmon"
        ) {
            return;
        }
        let status = op
            .attr("op-status")
            .and_then(parse_ll)
            .and_then(|v| i32::try_from(v).ok())
            .and_then(ExecStatus::from_code);
        let Some(status) = status.filter(|s| *s != ExecStatus::Cancelled) else {
            let rid = self.rscs[rsc].id.clone();
            self.config_err(format!(
                "Ignoring resource history entry {id} for {rid} with invalid op-status"
            ));
            return;
        };
        let Some(exit) = op
            .attr("rc-code")
            .and_then(parse_ll)
            .filter(|r| (0..=255).contains(r))
        else {
            let rid = self.rscs[rsc].id.clone();
            self.config_err(format!(
                "Ignoring resource history entry {id} for {rid} with invalid rc-code"
            ));
            return;
        };
        let mut h = OpResult {
            id: id.to_string(),
            task: task.to_string(),
            key: history_key(op).to_string(),
            interval_ms,
            expected: target_rc(op),
            exit,
            status,
        };
        let expired = self.check_operation_expiry(rsc, node, op, &h);
        let old_rc = h.exit;
        self.remap_operation(rsc, node, op, &mut h, on_fail, expired);
        if expired && self.process_expired_result(rsc, node, op, &h, old_rc) {
            return;
        }
        if mask_probe_failure(op) {
            let ban = if self.rscs[rsc].has(RscFlags::UNIQUE) {
                rsc
            } else {
                self.uber_parent(rsc)
            };
            let expected = h.expected;
            self.update_resource_state(rsc, node, op, &h, expected, last_failure.as_ref(), on_fail);
            self.record_failed_op(rsc, node, op, &h);
            self.resource_location(ban, Some(node), -INFINITY, "masked-probe-failure");
            return;
        }
        let parent = if self.rscs[rsc].has(RscFlags::UNIQUE) {
            rsc
        } else {
            self.uber_parent(rsc)
        };
        match h.status {
            ExecStatus::Pending => {
                self.process_pending_action(rsc, node, op, &h, last_failure.as_ref());
                return;
            }
            ExecStatus::Done => {
                let exit = h.exit;
                self.update_resource_state(rsc, node, op, &h, exit, last_failure.as_ref(), on_fail);
                return;
            }
            ExecStatus::NotInstalled => {
                let (mut strategy, fail_role) = self.failure_handling(rsc, &h);
                if strategy == OnFail::Ignore {
                    *on_fail = OnFail::Ban;
                    strategy = OnFail::Ignore;
                }
                self.resource_location(parent, Some(node), -INFINITY, "hard-error");
                self.unpack_rsc_op_failure(
                    rsc,
                    node,
                    op,
                    &h,
                    strategy,
                    fail_role,
                    last_failure,
                    on_fail,
                );
                return;
            }
            ExecStatus::NotConnected if self.nodes[node].is_remote() => {
                if let Some(r) = self.nodes[node].remote_rsc {
                    if self.rscs[r].has(RscFlags::MANAGED) {
                        self.rscs[r]
                            .flags
                            .set(RscFlags::FAILED | RscFlags::STOP_IF_FAILED);
                    }
                }
            }
            _ => {}
        }
        let (strategy, fail_role) = self.failure_handling(rsc, &h);
        if strategy == OnFail::Ignore || (strategy == OnFail::RestartContainer && h.task == "stop")
        {
            let expected = h.expected;
            self.update_resource_state(rsc, node, op, &h, expected, last_failure.as_ref(), on_fail);
            self.rscs[rsc].flags.set(RscFlags::IGNORE_FAILURE);
            self.record_failed_op(rsc, node, op, &h);
            if strategy == OnFail::RestartContainer && *on_fail <= OnFail::Restart {
                *on_fail = strategy;
            }
        } else {
            self.unpack_rsc_op_failure(
                rsc,
                node,
                op,
                &h,
                strategy,
                fail_role,
                last_failure,
                on_fail,
            );
            if h.status == ExecStatus::ErrorHard {
                self.resource_location(parent, Some(node), -INFINITY, "hard-error");
            } else if h.status == ExecStatus::ErrorFatal {
                let pid = self.rscs[parent].id.clone();
                self.sched_err(format!(
                    "Preventing {pid} from restarting anywhere because of fatal failure"
                ));
                self.resource_location(parent, None, -INFINITY, "fatal-error");
            }
        }
    }

    /// The top-most parent below a bundle (`uber_parent`).
    pub fn uber_parent(&self, rsc: RscIdx) -> RscIdx {
        self.top_rsc(rsc, false)
    }

    fn failure_handling(&mut self, rsc: RscIdx, h: &OpResult) -> (OnFail, Role) {
        let entry = self.find_action_config(rsc, &h.task, h.interval_ms, true);
        let meta = self.unpack_action_meta(rsc, &h.task, h.interval_ms, entry);
        let on_fail = self.parse_on_fail(
            rsc,
            &h.task,
            h.interval_ms,
            meta.get("on-fail").map(String::as_str),
        );
        let role = match on_fail {
            OnFail::Stop => Role::Stopped,
            OnFail::ResetRemote if self.rscs[rsc].remote_reconnect_ms != 0 => Role::Stopped,
            _ if h.task == "promote" => Role::Unpromoted,
            _ => Role::Started,
        };
        (on_fail, role)
    }

    fn check_operation_expiry(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        op: &Element,
        h: &OpResult,
    ) -> bool {
        if h.status == ExecStatus::NotInstalled {
            return false;
        }
        let expiration = (self.rscs[rsc].failure_expiration_ms / 1000) as i64;
        let is_last_failure = h.id.ends_with("_last_failure_0");
        let mut expired = false;
        let mut unexpired_fc = 0;
        let last_run = op.attr("last-rc-change").and_then(parse_ll);
        if expiration > 0 {
            if let Some(last_run) = last_run {
                if self.now >= last_run + expiration
                    && !self.keeps_remote_failure(rsc, &h.task, h.interval_ms)
                {
                    expired = true;
                }
                let (fc, last_fail) = self.failcount_for(node, rsc, FcMode::Effective, Some(op));
                unexpired_fc = fc;
                let recheck = last_fail + expiration + 1;
                if fc > 0 && self.now < recheck {
                    self.update_recheck(recheck);
                }
            }
        }
        let mut clear_reason = None;
        if expired {
            let (fc_all, _) = self.failcount_for(node, rsc, FcMode::All, Some(op));
            if fc_all > 0 {
                if unexpired_fc == 0 {
                    clear_reason = Some("it expired");
                } else {
                    expired = false;
                }
            } else if is_last_failure && self.rscs[rsc].remote_reconnect_ms > 0 {
                clear_reason = Some("reconnect interval is set");
            }
        }
        if !expired && is_last_failure && self.should_clear_for_param_change(rsc, node, op, h) {
            clear_reason = Some("resource parameters have changed");
        }
        if let Some(reason) = clear_reason {
            self.clear_failcount(rsc, node, reason);
        }
        if expired && h.interval_ms == 0 && h.task == "monitor" {
            let e = h.exit;
            if matches!(
                e,
                rc::OK
                    | rc::NOT_RUNNING
                    | rc::RUNNING_PROMOTED
                    | rc::DEGRADED
                    | rc::DEGRADED_PROMOTED
            ) {
                expired = false;
            }
        }
        expired
    }

    /// Whether a failure timeout must not expire this result yet: with
    /// fencing enabled, a remote connection with a reconnect interval keeps
    /// its recurring monitor failures until its node has been fenced, so
    /// that the connection does not come back before (Pacemaker's
    /// `should_ignore_failure_timeout`).
    fn keeps_remote_failure(&self, rsc: RscIdx, task: &str, interval_ms: u64) -> bool {
        if self.rscs[rsc].remote_reconnect_ms == 0
            || !self.has(SchedFlags::FENCING_ENABLED)
            || interval_ms == 0
            || !task.eq_ignore_ascii_case("monitor")
        {
            return false;
        }
        self.find_node(&self.rscs[rsc].id)
            .is_some_and(|n| !self.nodes[n].remote_fenced)
    }

    /// Updates when the cluster should recheck.
    pub(crate) fn update_recheck(&mut self, when: i64) {
        if when > self.now && (self.recheck_by == 0 || when < self.recheck_by) {
            self.recheck_by = when;
        }
    }

    fn should_clear_for_param_change(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        op: &Element,
        h: &OpResult,
    ) -> bool {
        if h.task != "start" && h.task != "monitor" {
            return false;
        }
        !matches!(
            self.digest_cmp(rsc, op, node).rc,
            crate::sched::digest::DigestResult::Match | crate::sched::digest::DigestResult::Unknown
        )
    }

    fn process_expired_result(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        op: &Element,
        h: &OpResult,
        orig_exit: i64,
    ) -> bool {
        if mask_probe_failure(op) && orig_exit != h.expected {
            if self.rscs[rsc].orig_role <= Role::Stopped {
                self.rscs[rsc].orig_role = Role::Unknown;
            }
            return true;
        }
        if h.exit == h.expected {
            return false;
        }
        if h.interval_ms == 0 {
            return true;
        }
        let n = &self.nodes[node];
        if n.online && !n.unclean {
            // Force rescheduling of the recurring action: its history
            // entry (by id) is taken to carry a restart digest that
            // cannot match (see `digest_cmp`)
            let id = op.id().unwrap_or(h.key.as_str()).to_string();
            self.expired_recurring.push((rsc, node, id));
            return true;
        }
        false
    }

    fn remap_operation(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        op: &Element,
        h: &mut OpResult,
        on_fail: &mut OnFail,
        expired: bool,
    ) {
        let orig_exit = h.exit;
        h.exit = match h.exit {
            rc::DEGRADED => rc::OK,
            rc::DEGRADED_PROMOTED => rc::RUNNING_PROMOTED,
            e => e,
        };
        if h.exit != orig_exit
            && !expired
            && (!self.nodes[node].shutdown || self.nodes[node].online)
        {
            self.record_failed_op(rsc, node, op, h);
        }
        if mask_probe_failure(op) && (h.status != ExecStatus::Done || h.exit != rc::NOT_RUNNING) {
            h.status = ExecStatus::Done;
            h.exit = rc::NOT_RUNNING;
        }
        match h.status {
            ExecStatus::Done | ExecStatus::Error => {}
            ExecStatus::NoFenceDevice | ExecStatus::NoSecrets => {
                h.status = ExecStatus::ErrorHard;
                return;
            }
            _ => return,
        }
        let probe = xml_is_probe(op);
        if h.expected < 0 {
            h.status = ExecStatus::Error;
        } else if h.exit == h.expected {
            h.status = ExecStatus::Done;
        } else {
            h.status = ExecStatus::Error;
        }
        match h.exit {
            rc::OK => {
                if probe && h.expected == rc::NOT_RUNNING {
                    h.status = ExecStatus::Done;
                }
            }
            rc::NOT_RUNNING => {
                if probe || h.expected == h.exit || !self.rscs[rsc].has(RscFlags::MANAGED) {
                    h.status = ExecStatus::Done;
                    self.rscs[rsc].orig_role = Role::Stopped;
                    *on_fail = OnFail::Ignore;
                    self.rscs[rsc].next_role = Role::Unknown;
                }
            }
            rc::RUNNING_PROMOTED => {
                if probe && h.exit != h.expected {
                    h.status = ExecStatus::Done;
                }
                if !expired || h.exit == h.expected {
                    self.rscs[rsc].orig_role = Role::Promoted;
                }
            }
            rc::FAILED_PROMOTED => {
                if !expired {
                    self.rscs[rsc].orig_role = Role::Promoted;
                }
                h.status = ExecStatus::Error;
            }
            rc::NOT_CONFIGURED => h.status = ExecStatus::ErrorFatal,
            rc::UNIMPLEMENT_FEATURE => {
                if h.interval_ms == 0 {
                    if !expired {
                        self.block_if_unrecoverable(rsc, node, h);
                    }
                    h.status = ExecStatus::ErrorHard;
                } else {
                    h.status = ExecStatus::NotSupported;
                }
            }
            rc::NOT_INSTALLED | rc::INVALID_PARAM | rc::INSUFFICIENT_PRIV => {
                if !expired {
                    self.block_if_unrecoverable(rsc, node, h);
                }
                h.status = ExecStatus::ErrorHard;
            }
            _ => {
                if h.status == ExecStatus::Done {
                    h.status = ExecStatus::Error;
                }
            }
        }
    }

    fn block_if_unrecoverable(&mut self, rsc: RscIdx, node: NodeIdx, h: &OpResult) {
        if h.task != "stop" || self.can_fence(node) {
            return;
        }
        let (rid, nname) = (self.rscs[rsc].id.clone(), self.nodes[node].name.clone());
        self.sched_err(format!(
            "No further recovery can be attempted for {rid} because {} on {nname} failed",
            h.task
        ));
        self.rscs[rsc].flags.clear(RscFlags::MANAGED);
        self.rscs[rsc].flags.set(RscFlags::BLOCKED);
    }

    /// Remembers a failed operation for status output.
    fn record_failed_op(&mut self, rsc: RscIdx, node: NodeIdx, op: &Element, h: &OpResult) {
        if !self.nodes[node].online {
            return;
        }
        let name = self.nodes[node].name.clone();
        if self.failed_ops.iter().any(|f| {
            history_key(f) == h.key
                && f.attr("uname")
                    .is_some_and(|u| u.eq_ignore_ascii_case(&name))
        }) {
            return;
        }
        let mut copy = op.clone();
        copy.set_attr("uname", name);
        copy.set_attr("rsc-id", self.rscs[rsc].id.clone());
        self.failed_ops.push(copy);
    }

    fn process_pending_action(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        op: &Element,
        h: &OpResult,
        last_failure: Option<&Element>,
    ) {
        if let Some(lf) = last_failure {
            if lf.attr("operation") == Some(h.task.as_str())
                && lf.attr("interval").and_then(parse_ll).unwrap_or(-1) == h.interval_ms as i64
            {
                let this = op.attr("last-rc-change").and_then(parse_ll);
                let fail = lf.attr("last-rc-change").and_then(parse_ll);
                if let (Some(t), Some(f)) = (this, fail) {
                    if f >= t {
                        return;
                    }
                }
            }
        }
        if h.task == "start" {
            self.rscs[rsc].flags.set(RscFlags::START_PENDING);
            self.set_active(rsc);
        } else if h.task == "promote" {
            self.rscs[rsc].orig_role = Role::Promoted;
        } else if h.task == "migrate_to" && self.nodes[node].unclean {
            if let Some(t) = op.attr("migrate_target").and_then(|t| self.find_node(t)) {
                self.stop_action(rsc, Some(t), false);
            }
        }
        if self.rscs[rsc].pending_action.is_some() {
            return;
        }
        if !is_probe(&h.task, h.interval_ms) {
            self.rscs[rsc].pending_action = Some(h.task.clone());
            self.rscs[rsc].pending_node = Some(node);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn unpack_rsc_op_failure(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        op: &Element,
        h: &OpResult,
        config_on_fail: OnFail,
        fail_role: Role,
        last_failure: &mut Option<Element>,
        on_fail: &mut OnFail,
    ) {
        *last_failure = Some(op.clone());
        let probe = xml_is_probe(op);
        let not_installed_ok = !self.has(SchedFlags::SYMMETRIC) && h.exit == rc::NOT_INSTALLED;
        if !not_installed_ok {
            let (rid, nname) = (self.rscs[rsc].id.clone(), self.nodes[node].name.clone());
            let what = if probe { "probe" } else { h.task.as_str() };
            self.sched_warn(format!(
                "Unexpected result was recorded for {what} of {rid} on {nname}"
            ));
            self.record_failed_op(rsc, node, op, h);
        }
        if *on_fail < config_on_fail {
            *on_fail = config_on_fail;
        }
        match h.task.as_str() {
            "stop" => self.resource_location(rsc, Some(node), -INFINITY, "__stop_fail__"),
            "migrate_to" => self.unpack_migrate_to_failure(rsc, node, op),
            "migrate_from" => self.unpack_migrate_from_failure(rsc, node, op),
            "promote" => self.rscs[rsc].orig_role = Role::Promoted,
            "demote" => {
                if config_on_fail == OnFail::Block {
                    self.rscs[rsc].orig_role = Role::Promoted;
                    self.rscs[rsc].next_role = Role::Stopped;
                } else if h.exit == rc::NOT_RUNNING {
                    self.rscs[rsc].orig_role = Role::Stopped;
                } else {
                    self.rscs[rsc].orig_role = Role::Unpromoted;
                }
            }
            _ => {}
        }
        if probe && h.exit == rc::NOT_INSTALLED {
            self.rscs[rsc].orig_role = Role::Stopped;
        } else if self.rscs[rsc].orig_role < Role::Started {
            self.set_active(rsc);
        }
        if fail_role != Role::Started && self.rscs[rsc].next_role < fail_role {
            self.rscs[rsc].next_role = fail_role;
        }
        if fail_role == Role::Stopped {
            self.ban_from_all_nodes(rsc);
        }
    }

    fn ban_from_all_nodes(&mut self, rsc: RscIdx) {
        let mut target = rsc;
        if self.rscs[rsc].parent.is_some() {
            let p = self.uber_parent(rsc);
            if self.rscs[p].variant == crate::model::Variant::Clone
                && !self.rscs[p].has(RscFlags::UNIQUE)
            {
                target = p;
            }
        }
        let n = self.nodes.len();
        let mut allowed = vec![None; n];
        for &i in &self.node_order {
            allowed[i] = Some(crate::model::Allowed {
                score: -INFINITY,
                probe_mode: crate::model::ProbeMode::Always,
                count: 0,
            });
        }
        self.rscs[target].allowed = allowed;
    }

    #[allow(clippy::too_many_arguments)]
    fn update_resource_state(
        &mut self,
        rsc: RscIdx,
        node: NodeIdx,
        op: &Element,
        h: &OpResult,
        exit: i64,
        last_failure: Option<&Element>,
        on_fail: &mut OnFail,
    ) {
        let mut clear_past_failure = false;
        if exit == rc::NOT_INSTALLED || mask_probe_failure(op) {
            self.rscs[rsc].orig_role = Role::Stopped;
        } else if exit == rc::NOT_RUNNING {
            clear_past_failure = true;
        } else if h.task == "monitor" {
            if last_failure.is_some_and(|lf| history_key(lf) == h.key) {
                clear_past_failure = true;
            }
            if self.rscs[rsc].orig_role < Role::Started {
                self.set_active(rsc);
            }
        } else if h.task == "start" {
            self.rscs[rsc].orig_role = Role::Started;
            clear_past_failure = true;
        } else if h.task == "stop" {
            self.rscs[rsc].orig_role = Role::Stopped;
            clear_past_failure = true;
        } else if h.task == "promote" {
            self.rscs[rsc].orig_role = Role::Promoted;
            clear_past_failure = true;
        } else if h.task == "demote" {
            if *on_fail == OnFail::Demote {
                clear_past_failure = true;
            }
            self.rscs[rsc].orig_role = Role::Unpromoted;
        } else if h.task == "migrate_from" {
            self.rscs[rsc].orig_role = Role::Started;
            clear_past_failure = true;
        } else if h.task == "migrate_to" {
            self.unpack_migrate_to_success(rsc, node, op);
        } else if self.rscs[rsc].orig_role < Role::Started {
            self.set_active(rsc);
        }
        if !clear_past_failure {
            return;
        }
        match *on_fail {
            OnFail::Stop | OnFail::Ban | OnFail::StandbyNode | OnFail::FenceNode => {}
            OnFail::Block
            | OnFail::Ignore
            | OnFail::Demote
            | OnFail::Restart
            | OnFail::RestartContainer => {
                *on_fail = OnFail::Ignore;
                self.rscs[rsc].next_role = Role::Unknown;
            }
            OnFail::ResetRemote => {
                if self.rscs[rsc].remote_reconnect_ms == 0 {
                    *on_fail = OnFail::Ignore;
                    self.rscs[rsc].next_role = Role::Unknown;
                }
            }
        }
    }
}
