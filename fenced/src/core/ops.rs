//! The owning half: one fencing request from query to result (Pacemaker's
//! `fenced_remote.c`).

use std::collections::VecDeque;

use super::local::exec;
use super::{Capability, Command, Fencer, Now, PeerMsg, Reply, RequestId, Timer};
use crate::history::{FenceResult, HistoryEntry, OpState};

/// Query and per-device timeouts are stretched by this factor, as Pacemaker's
/// `TIMEOUT_MULTIPLY_FACTOR`.
const TIMEOUT_FACTOR_PCT: u64 = 120;

/// Reboot remapping phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// The requested action.
    Requested,
    /// A multi-device reboot: turning every device off.
    Off,
    /// A multi-device reboot: turning them on again.
    On,
}

#[derive(Debug, Clone)]
struct PeerReply {
    host: String,
    devices: Vec<Capability>,
    /// Asked to fence with any of its devices (no topology).
    tried: bool,
    /// Devices it was asked to use (topology), in the current level.
    tried_devices: Vec<String>,
}

/// A fencing request owned by this node.
#[derive(Debug, Clone)]
pub(crate) struct FenceOp {
    id: String,
    target: String,
    requested: String,
    action: String,
    phase: Phase,
    state: OpState,
    client: String,
    request: Option<RequestId>,
    base_timeout_s: u32,
    delay_s: i32,
    levels: Vec<(u32, Vec<String>)>,
    level: Option<usize>,
    devices: VecDeque<String>,
    replies: Vec<PeerReply>,
    executing: Option<(String, Option<String>)>,
    delegate: Option<String>,
    result: FenceResult,
    op_timer: bool,
}

/// A fencing request from the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FenceRequest {
    /// Target node.
    pub target: String,
    /// reboot, off or on.
    pub action: String,
    /// Base timeout (seconds).
    pub timeout_s: u32,
    /// Requested delay (seconds; -1 disables pcmk_delay_*).
    pub delay_s: i32,
    /// Succeed at once if the same action succeeded this recently (seconds).
    pub tolerance_s: u32,
    /// Client name for the history.
    pub client: String,
    /// A human confirms the target is down: record it, run nothing.
    pub manual_ack: bool,
}

impl FenceOp {
    fn entry(&self, origin: &str, completed: (i64, i64)) -> HistoryEntry {
        HistoryEntry {
            id: self.id.clone(),
            target: self.target.clone(),
            action: self.requested.clone(),
            origin: origin.to_string(),
            delegate: self.delegate.clone(),
            client: self.client.clone(),
            state: self.state,
            completed,
            result: self.result.clone(),
        }
    }

    fn topology(&self) -> bool {
        !self.levels.is_empty()
    }
}

impl Fencer {
    /// API: fence `req.target`; the answer comes as `Reply::Fence`.
    pub fn fence(&mut self, now: Now, request: RequestId, req: FenceRequest) {
        self.clock = now;
        tracing::info!(target = %req.target, action = %req.action, "client {} wants to fence ({}) {}", req.client, req.action, req.target);
        if req.tolerance_s > 0 {
            let since = now.epoch.0 - i64::from(req.tolerance_s);
            if let Some(e) = self
                .history
                .recent_success(&req.target, &req.action, since)
                .cloned()
            {
                tracing::info!(target = %req.target, "target was fenced ({}) less than {}s ago", req.action, req.tolerance_s);
                self.output.push(Command::Reply {
                    request,
                    reply: Reply::Fence(FenceResult::ok(), Box::new(e)),
                });
                return;
            }
        }
        let id = format!("{}-{}-{}", self.local, now.epoch.0, self.next_op);
        self.next_op += 1;
        let levels = self.levels_for(&req.target);
        let mut op = FenceOp {
            id: id.clone(),
            target: req.target.clone(),
            requested: req.action.clone(),
            action: req.action.clone(),
            phase: Phase::Requested,
            state: OpState::Query,
            client: req.client.clone(),
            request: Some(request),
            base_timeout_s: req.timeout_s.max(1),
            delay_s: req.delay_s,
            levels,
            level: None,
            devices: VecDeque::new(),
            replies: Vec::new(),
            executing: None,
            delegate: None,
            result: FenceResult::ok(),
            op_timer: false,
        };
        if req.manual_ack {
            tracing::info!(target = %op.target, "received manual confirmation that {} has been fenced", op.target);
            op.delegate = Some("a human".into());
            self.ops.insert(id.clone(), op);
            return self.finalize(now, &id, OpState::Done, Some(FenceResult::ok()));
        }
        if op.topology() {
            advance_level(&mut op);
        }
        let entry = op.entry(&self.local, (0, 0));
        self.history.record(entry.clone());
        self.output.push(Command::Notify(entry));
        let query = PeerMsg::Query {
            op_id: id.clone(),
            target: op.target.clone(),
            action: op.requested.clone(),
            timeout_s: op.base_timeout_s,
            origin: self.local.clone(),
            client: op.client.clone(),
        };
        let query_ms = u64::from(op.base_timeout_s) * 1000 * TIMEOUT_FACTOR_PCT / 100;
        self.ops.insert(id.clone(), op);
        self.output.push(Command::Send {
            to: None,
            msg: query,
        });
        self.output.push(Command::SetTimer {
            id: Timer::Query(id),
            after_ms: query_ms,
        });
    }

    pub(crate) fn handle_query_reply(
        &mut self,
        now: Now,
        op_id: &str,
        host: &str,
        devices: Vec<Capability>,
    ) {
        let peers = self.peers();
        if !self.is_member(host) {
            tracing::debug!("ignoring query reply from {host}, which is not an active fencer");
            return;
        }
        let Some(op) = self.ops.get_mut(op_id) else {
            tracing::debug!("query reply for unknown or expired operation {op_id}");
            return;
        };
        tracing::info!(
            "query result {} of {} from {host} for {}/{} ({} devices)",
            op.replies.len() + 1,
            peers,
            op.target,
            op.action,
            devices.len()
        );
        op.replies.retain(|p| !p.host.eq_ignore_ascii_case(host));
        // Peers with more devices first (Pacemaker's sort_peers); among
        // equals, this node before the others, else in order of arrival.
        let is_local = host.eq_ignore_ascii_case(&self.local);
        let n = devices.len();
        let at = op
            .replies
            .iter()
            .position(|p| p.devices.len() < n || (is_local && p.devices.len() == n))
            .unwrap_or(op.replies.len());
        op.replies.insert(
            at,
            PeerReply {
                host: host.to_string(),
                devices,
                tried: false,
                tried_devices: Vec::new(),
            },
        );
        if op.state != OpState::Query {
            return;
        }
        let all_in = op.replies.len() >= peers;
        let go = if op.topology() {
            all_in || all_topology_devices_found(op)
        } else {
            let last = op.replies.get(at);
            all_in
                || last.is_some_and(|p| {
                    !p.host.eq_ignore_ascii_case(&op.target) && p.devices.iter().any(|d| d.verified)
                })
        };
        if go {
            self.request_fencing(now, op_id);
        }
    }

    pub(crate) fn query_timeout(&mut self, now: Now, op_id: &str) {
        let Some(op) = self.ops.get(op_id) else {
            return;
        };
        if op.state != OpState::Query {
            return;
        }
        if op.replies.is_empty() {
            let r = FenceResult::error(
                exec::TIMEOUT,
                "No capable peers replied to device query within timeout",
            );
            self.finalize(now, op_id, OpState::Failed, Some(r));
        } else {
            self.request_fencing(now, op_id);
        }
    }

    pub(crate) fn op_timeout(&mut self, now: Now, op_id: &str) {
        if self.ops.contains_key(op_id) {
            let r = FenceResult::error(
                exec::TIMEOUT,
                "Fencing could not be completed within overall timeout",
            );
            self.finalize(now, op_id, OpState::Failed, Some(r));
        }
    }

    /// Picks who executes next and asks them; finalizes when nobody can.
    fn request_fencing(&mut self, now: Now, op_id: &str) {
        loop {
            let Some(op) = self.ops.get_mut(op_id) else {
                return;
            };
            if op.topology() {
                let Some(device) = op.devices.front().cloned() else {
                    // Level exhausted without a device: next level.
                    if !advance_level(op) {
                        let r =
                            FenceResult::error(exec::NO_FENCE_DEVICE, "All topology levels failed");
                        return self.finalize(now, op_id, OpState::Failed, Some(r));
                    }
                    continue;
                };
                if op.phase == Phase::On {
                    let local = self.devices.get(&device);
                    let stays_off = local.is_some_and(|d| d.reboot_action() == "off");
                    let no_on = local.is_some_and(|d| !d.supports_on());
                    if stays_off || no_on {
                        tracing::info!("not turning {} back on using {device}", op.target);
                        return self.advance_device(now, op_id);
                    }
                }
                match choose_peer(op, Some(&device)) {
                    Some(i) => {
                        let timeout = op.replies[i]
                            .devices
                            .iter()
                            .find(|d| d.device == device)
                            .map_or(op.base_timeout_s, |d| d.timeout_s);
                        let host = op.replies[i].host.clone();
                        return self.send_fence(op_id, &host, Some(device), timeout);
                    }
                    None if op.phase == Phase::On => {
                        tracing::warn!(
                            "ignoring {device} 'on' failure (no capable peers) targeting {} after successful 'off'",
                            op.target
                        );
                        return self.advance_device(now, op_id);
                    }
                    None => {
                        if !advance_level(op) {
                            // A failure seen so far is the answer; else no
                            // peer had the devices.
                            let r = (op.state == OpState::Query || op.result.is_ok()).then(|| {
                                FenceResult::error(
                                    exec::NO_FENCE_DEVICE,
                                    format!("No device able to fence {}", op.target),
                                )
                            });
                            return self.finalize(now, op_id, OpState::Failed, r);
                        }
                    }
                }
            } else {
                match choose_peer(op, None) {
                    Some(i) => {
                        op.replies[i].tried = true;
                        let host = op.replies[i].host.clone();
                        let timeout = op.base_timeout_s;
                        return self.send_fence(op_id, &host, None, timeout);
                    }
                    None => {
                        let result = if op.state == OpState::Query {
                            FenceResult::error(
                                exec::NO_FENCE_DEVICE,
                                format!("No fence device configured for {}", op.target),
                            )
                        } else {
                            op.result.clone()
                        };
                        tracing::info!(
                            "no peers are capable of fencing ({}) {}",
                            op.action,
                            op.target
                        );
                        return self.finalize(now, op_id, OpState::Failed, Some(result));
                    }
                }
            }
        }
    }

    fn send_fence(&mut self, op_id: &str, host: &str, device: Option<String>, timeout_s: u32) {
        let local = self.local.clone();
        let Some(op) = self.ops.get_mut(op_id) else {
            return;
        };
        tracing::info!(target = %op.target, "requesting that {host} perform '{}' action targeting {}{}", op.action, op.target,
            device.as_deref().map(|d| format!(" using {d}")).unwrap_or_default());
        op.state = OpState::Exec;
        op.executing = Some((host.to_string(), device.clone()));
        if let Some(d) = &device
            && let Some(p) = op
                .replies
                .iter_mut()
                .find(|p| p.host.eq_ignore_ascii_case(host))
        {
            p.tried_devices.push(d.clone());
        }
        let delay_s = op.delay_s;
        // The peer's own timer: its device timeout (and the requested
        // delay), stretched as Pacemaker does.
        let peer_s = u64::from(timeout_s) + u64::try_from(delay_s.max(0)).unwrap_or(0);
        self.output.push(Command::SetTimer {
            id: Timer::Peer(op_id.to_string()),
            after_ms: peer_s * 1000 * TIMEOUT_FACTOR_PCT / 100,
        });
        let msg = PeerMsg::Fence {
            op_id: op_id.to_string(),
            target: op.target.clone(),
            action: op.action.clone(),
            device,
            timeout_s,
            delay_s,
            origin: local,
        };
        if !op.op_timer {
            op.op_timer = true;
            let total = total_timeout_s(op);
            self.output.push(Command::SetTimer {
                id: Timer::Op(op_id.to_string()),
                after_ms: u64::from(total) * 1000 * TIMEOUT_FACTOR_PCT / 100,
            });
        }
        // Later devices do not repeat the requested delay.
        if delay_s > 0
            && let Some(op) = self.ops.get_mut(op_id)
        {
            op.delay_s = 0;
        }
        self.output.push(Command::Send {
            to: Some(host.to_string()),
            msg,
        });
    }

    pub(crate) fn handle_fence_reply(
        &mut self,
        now: Now,
        op_id: &str,
        host: &str,
        device: Option<String>,
        result: FenceResult,
    ) {
        let Some(op) = self.ops.get_mut(op_id) else {
            tracing::info!("received result of unknown or expired operation {op_id}");
            return;
        };
        let current = op
            .executing
            .as_ref()
            .is_some_and(|(h, _)| h.eq_ignore_ascii_case(host));
        let late_success = result.is_ok() && !op.topology();
        if !current && !late_success {
            // A late answer from a peer given up on: only a success still
            // counts (the target is fenced whoever did it).
            tracing::info!("ignoring late result from {host} for {}", op.target);
            return;
        }
        op.executing = None;
        self.output.push(Command::CancelTimer {
            id: Timer::Peer(op_id.to_string()),
        });
        let Some(op) = self.ops.get_mut(op_id) else {
            return;
        };
        if op.topology()
            && let (Some(d), Some(cur)) = (&device, op.devices.front())
            && d != cur
        {
            tracing::error!(
                "received outdated reply for device {d} (instead of {cur}) to fence {}",
                op.target
            );
            return;
        }
        op.delegate = Some(host.to_string());
        op.result = result.clone();
        if op.topology() {
            if op.phase == Phase::On && !result.is_ok() {
                tracing::warn!(
                    "ignoring {} 'on' failure targeting {} after successful 'off'",
                    device.as_deref().unwrap_or("?"),
                    op.target
                );
                op.result = FenceResult::ok();
                return self.advance_device(now, op_id);
            }
            if result.is_ok() {
                return self.advance_device(now, op_id);
            }
            tracing::info!(
                "action '{}' targeting {} using {} failed; trying the next level",
                op.action,
                op.target,
                device.as_deref().unwrap_or("?")
            );
            if !advance_level(op) {
                return self.finalize(now, op_id, OpState::Failed, None);
            }
            return self.request_fencing(now, op_id);
        }
        if result.is_ok() {
            return self.finalize(now, op_id, OpState::Done, None);
        }
        if result.exec_status == exec::TIMEOUT {
            return self.finalize(now, op_id, OpState::Failed, None);
        }
        self.request_fencing(now, op_id);
    }

    /// The current device succeeded: next device of the level, next phase,
    /// or done.
    fn advance_device(&mut self, now: Now, op_id: &str) {
        let Some(op) = self.ops.get_mut(op_id) else {
            return;
        };
        op.devices.pop_front();
        // A new device: every peer may be asked again.
        for p in &mut op.replies {
            p.tried_devices.clear();
        }
        if op.devices.is_empty() && op.phase == Phase::Off {
            tracing::info!(
                "remapped 'off' targeting {} complete, remapping to 'on'",
                op.target
            );
            op.phase = Phase::On;
            op.action = "on".into();
            if let Some(l) = op.level {
                op.devices = op.levels[l].1.iter().cloned().collect();
            }
            // Devices that unfence automatically are left to the cluster.
            let auto: Vec<String> = op
                .devices
                .iter()
                .filter(|d| self.devices.get(*d).is_some_and(|x| x.auto_unfence()))
                .cloned()
                .collect();
            op.devices.retain(|d| !auto.contains(d));
        }
        op.result = FenceResult::ok();
        if op.devices.is_empty() {
            self.finalize(now, op_id, OpState::Done, None)
        } else {
            self.request_fencing(now, op_id)
        }
    }

    fn finalize(&mut self, now: Now, op_id: &str, state: OpState, result: Option<FenceResult>) {
        let Some(mut op) = self.ops.remove(op_id) else {
            return;
        };
        op.state = state;
        if let Some(r) = result {
            op.result = r;
        }
        if state == OpState::Done {
            op.result.exit_status = 0;
            op.result.exec_status = exec::DONE;
        } else if op.result.is_ok() {
            op.result = FenceResult::error(exec::ERROR, "Fencing failed");
        }
        let entry = op.entry(&self.local, now.epoch);
        match state {
            OpState::Done => {
                tracing::info!(target = %op.target, "Operation '{}' targeting {} by {} for {}@{}: OK", op.requested,
                op.target, op.delegate.as_deref().unwrap_or("<no-one>"), op.client, self.local)
            }
            _ => {
                tracing::error!(target = %op.target, "Operation '{}' targeting {} by {} for {}@{}: {}", op.requested,
                op.target, op.delegate.as_deref().unwrap_or("<no-one>"), op.client, self.local,
                op.result.exit_reason.as_deref().unwrap_or("failed"))
            }
        }
        self.history.record(entry.clone());
        for t in [
            Timer::Query(op_id.to_string()),
            Timer::Op(op_id.to_string()),
            Timer::Peer(op_id.to_string()),
        ] {
            self.output.push(Command::CancelTimer { id: t });
        }
        if let Some(request) = op.request {
            self.output.push(Command::Reply {
                request,
                reply: Reply::Fence(op.result.clone(), Box::new(entry.clone())),
            });
        }
        self.output.push(Command::Notify(entry.clone()));
        self.output.push(Command::Send {
            to: None,
            msg: PeerMsg::Done(entry),
        });
    }
}

impl Fencer {
    /// The executing peer did not answer within its timeout.
    pub(crate) fn peer_timeout(&mut self, now: Now, op_id: &str) {
        let Some(op) = self.ops.get(op_id) else {
            return;
        };
        tracing::warn!(target = %op.target, "Peer's '{}' action targeting {} for client {} timed out", op.action, op.target, op.client);
        self.peer_failed(
            now,
            op_id,
            "Peer did not return fence result within timeout",
        );
    }

    /// The peer executing `op_id` is gone or late: record a timeout and
    /// try another peer (or device, or level), as when it fails.
    pub(crate) fn peer_failed(&mut self, now: Now, op_id: &str, reason: &str) {
        let Some(op) = self.ops.get_mut(op_id) else {
            return;
        };
        if op.state != OpState::Exec {
            return;
        }
        op.executing = None;
        op.result = FenceResult::error(exec::TIMEOUT, reason);
        // The requested delay was spent on the first attempt.
        op.delay_s = op.delay_s.min(0);
        self.output.push(Command::CancelTimer {
            id: Timer::Peer(op_id.to_string()),
        });
        self.request_fencing(now, op_id);
    }

    /// Owned operations and who executes each, for membership changes.
    pub(crate) fn executing_peers(&self) -> Vec<(String, String)> {
        self.ops
            .values()
            .filter_map(|o| o.executing.as_ref().map(|(h, _)| (o.id.clone(), h.clone())))
            .collect()
    }

    /// Drops the query replies of nodes that left; returns the operations
    /// still querying that now have every answer they can get.
    pub(crate) fn forget_replies_of_lost(&mut self) -> Vec<String> {
        let peers = self.peers();
        let members = self.members.clone();
        let mut ready = Vec::new();
        for op in self.ops.values_mut() {
            op.replies
                .retain(|p| members.contains(&p.host.to_ascii_lowercase()));
            if op.state == OpState::Query && !op.replies.is_empty() && op.replies.len() >= peers {
                ready.push(op.id.clone());
            }
        }
        ready
    }

    /// Starts fencing for an operation whose queries are all answered.
    pub(crate) fn queries_complete(&mut self, now: Now, op_id: &str) {
        if self
            .ops
            .get(op_id)
            .is_some_and(|o| o.state == OpState::Query)
        {
            self.request_fencing(now, op_id);
        }
    }
}

/// Moves to the next non-empty level (undoing a reboot remap). False when
/// none is left.
fn advance_level(op: &mut FenceOp) -> bool {
    let next = op.level.map_or(0, |l| l + 1);
    if next >= op.levels.len() {
        return false;
    }
    op.level = Some(next);
    for p in &mut op.replies {
        p.tried_devices.clear();
    }
    op.phase = Phase::Requested;
    op.action = op.requested.clone();
    op.devices = op.levels[next].1.iter().cloned().collect();
    if op.devices.len() > 1 && op.action == "reboot" {
        tracing::info!(
            "remapping multiple-device reboot targeting {} to 'off'",
            op.target
        );
        op.phase = Phase::Off;
        op.action = "off".into();
    }
    true
}

fn all_topology_devices_found(op: &FenceOp) -> bool {
    op.levels.iter().flat_map(|(_, ds)| ds.iter()).all(|d| {
        op.replies
            .iter()
            .any(|p| p.devices.iter().any(|c| &c.device == d))
    })
}

/// Index of the best peer: not the target with a verified device, then not
/// the target, then the target itself (never in the "on" phase).
fn choose_peer(op: &FenceOp, device: Option<&str>) -> Option<usize> {
    let usable = |p: &PeerReply| match device {
        Some(d) => {
            p.devices.iter().any(|c| c.device == d) && !p.tried_devices.iter().any(|t| t == d)
        }
        None => !p.tried && !p.devices.is_empty(),
    };
    let verified = |p: &PeerReply| match device {
        Some(d) => p.devices.iter().any(|c| c.device == d && c.verified),
        None => p.devices.iter().any(|c| c.verified),
    };
    let is_target = |p: &PeerReply| p.host.eq_ignore_ascii_case(&op.target);
    let find = |f: &dyn Fn(&PeerReply) -> bool| op.replies.iter().position(|p| usable(p) && f(p));
    find(&|p| !is_target(p) && verified(p))
        .or_else(|| find(&|p| !is_target(p)))
        .or_else(|| {
            if op.phase == Phase::On {
                None
            } else {
                find(&is_target)
            }
        })
}

/// The overall timeout: the sum of the device timeouts (and delays) of
/// every level, or the base timeout without topology.
fn total_timeout_s(op: &FenceOp) -> u32 {
    if !op.topology() {
        return op.base_timeout_s;
    }
    let mut total = 0u32;
    for (_, devices) in &op.levels {
        for d in devices {
            let cap = op
                .replies
                .iter()
                .flat_map(|p| p.devices.iter())
                .find(|c| &c.device == d);
            let t = cap.map_or(op.base_timeout_s, |c| {
                c.timeout_s.saturating_add(c.delay_max_s)
            });
            // A reboot over several devices runs off and on.
            let t = if op.requested == "reboot" && devices.len() > 1 {
                t.saturating_mul(2)
            } else {
                t
            };
            total = total.saturating_add(t);
        }
    }
    total.max(op.base_timeout_s)
}
