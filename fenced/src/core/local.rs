//! The executing half: devices able to fence a target, and agent commands
//! run per device (Pacemaker's `fenced_commands.c`).

use super::{Capability, CmdId, Command, Fencer, Now, PeerMsg, Reply, RequestId, Timer};
use crate::args::make_args;
use crate::device::{HostCheck, is_fencing_action};
use crate::history::FenceResult;

/// Execution status codes used in results (`pcmk_exec_status`).
pub mod exec {
    /// Done.
    pub const DONE: i32 = 0;
    /// Timed out.
    pub const TIMEOUT: i32 = 2;
    /// Error.
    pub const ERROR: i32 = 4;
    /// Agent not installed.
    pub const NOT_INSTALLED: i32 = 7;
    /// No fence device.
    pub const NO_FENCE_DEVICE: i32 = 10;
}

/// Why a command runs.
#[derive(Debug, Clone)]
pub(crate) enum Purpose {
    /// A device action asked through the API.
    Api(RequestId),
    /// A list or status run to answer a capability search.
    Search(u64),
    /// Fencing for operation `op_id` owned by `origin`; `rest` are further
    /// capable devices to try if this one fails.
    Fence {
        op_id: String,
        origin: String,
        rest: Vec<String>,
    },
}

/// An agent command of a device.
#[derive(Debug, Clone)]
pub(crate) struct AgentCmd {
    pub device: String,
    pub action: String,
    pub target: Option<String>,
    pub timeout_s: u32,
    pub delay_pending: bool,
    pub running: bool,
    pub attempts: u32,
    pub first_start_ms: Option<u64>,
    pub purpose: Purpose,
    /// Requested delay, kept for later devices of the same request.
    pub requested_delay_s: i32,
}

/// What a capability search is for.
#[derive(Debug, Clone)]
pub(crate) enum SearchFor {
    /// API query (`stonith_admin -l`).
    Api(RequestId),
    /// A peer's query for operation `op_id`.
    Peer { op_id: String, origin: String },
    /// Fencing with any capable device.
    Fence {
        op_id: String,
        origin: String,
        timeout_s: u32,
        delay_s: i32,
    },
}

/// A capability search over all devices.
#[derive(Debug, Clone)]
pub(crate) struct Search {
    pub target: Option<String>,
    pub action: String,
    pub timeout_s: u32,
    pub waiting: usize,
    pub capable: Vec<String>,
    pub purpose: SearchFor,
}

enum Check {
    Can(bool),
    RunList,
    RunStatus,
}

impl Fencer {
    // ----- capability searches -----

    fn check_device(&self, now: Now, id: &str, search: &Search) -> Check {
        let Some(dev) = self.devices.get(id) else {
            return Check::Can(false);
        };
        let Some(target) = search.target.as_deref() else {
            return Check::Can(true);
        };
        if search.action == "on" && !dev.supports_on() {
            return Check::Can(false);
        }
        let local_is_target = target.eq_ignore_ascii_case(&self.local);
        if dev
            .info
            .on_target_actions
            .iter()
            .any(|a| a == &search.action)
            && !local_is_target
        {
            return Check::Can(false);
        }
        match dev.host_check() {
            HostCheck::None => Check::Can(true),
            HostCheck::StaticList => Check::Can(dev.static_match(target)),
            HostCheck::DynamicList if dev.target_cache_fresh(now.epoch.0) => {
                Check::Can(dev.dynamic_match(target))
            }
            HostCheck::DynamicList => Check::RunList,
            HostCheck::Status => Check::RunStatus,
            HostCheck::Invalid => {
                tracing::error!(device = id, "invalid value for pcmk_host_check");
                Check::Can(false)
            }
        }
    }

    pub(crate) fn start_search(&mut self, now: Now, search: Search) {
        let id = self.next_search;
        self.next_search += 1;
        let devices: Vec<String> = self.devices.keys().cloned().collect();
        let mut s = search;
        s.waiting = devices.len();
        self.searches.insert(id, s);
        for dev in devices {
            let Some(s) = self.searches.get(&id) else {
                return;
            };
            match self.check_device(now, &dev, s) {
                Check::Can(can) => self.search_result(id, &dev, can),
                Check::RunList => {
                    let t = s.timeout_s;
                    self.schedule(
                        now,
                        &dev,
                        "list",
                        None,
                        t,
                        -1,
                        super::local::Purpose::Search(id),
                    );
                }
                Check::RunStatus => {
                    let (t, target) = (s.timeout_s, s.target.clone());
                    self.schedule(
                        now,
                        &dev,
                        "status",
                        target,
                        t,
                        -1,
                        super::local::Purpose::Search(id),
                    );
                }
            }
        }
        if self.searches.get(&id).is_some_and(|s| s.waiting == 0) {
            self.finish_search(now, id);
        }
    }

    fn search_result(&mut self, id: u64, dev: &str, can: bool) {
        if let Some(s) = self.searches.get_mut(&id) {
            s.waiting = s.waiting.saturating_sub(1);
            if can {
                s.capable.push(dev.to_string());
            }
            tracing::info!(
                device = dev,
                "{dev} is{} eligible to fence ({}) {}",
                if can { "" } else { " not" },
                s.action,
                s.target.as_deref().unwrap_or("any node")
            );
        }
    }

    fn finish_search(&mut self, now: Now, id: u64) {
        let Some(s) = self.searches.remove(&id) else {
            return;
        };
        match s.purpose {
            SearchFor::Api(request) => self.output.push(Command::Reply {
                request,
                reply: Reply::Devices(s.capable),
            }),
            SearchFor::Peer { op_id, origin } => {
                let devices = s
                    .capable
                    .iter()
                    .filter_map(|d| self.devices.get(d))
                    .map(|d| Capability {
                        device: d.id.clone(),
                        verified: d.verified,
                        supports_on: d.supports_on(),
                        timeout_s: d.action_timeout_s(&s.action, s.timeout_s),
                        delay_max_s: d.delays_s(&s.action, s.target.as_deref()).1,
                    })
                    .collect();
                let msg = PeerMsg::QueryReply {
                    op_id,
                    host: self.local.clone(),
                    devices,
                };
                self.output.push(Command::Send {
                    to: Some(origin),
                    msg,
                });
            }
            SearchFor::Fence {
                op_id,
                origin,
                timeout_s,
                delay_s,
            } => {
                let mut capable = s.capable.into_iter();
                match capable.next() {
                    None => {
                        let result = FenceResult::error(
                            exec::NO_FENCE_DEVICE,
                            format!(
                                "No device configured for target '{}'",
                                s.target.as_deref().unwrap_or("")
                            ),
                        );
                        self.send_fence_reply(&op_id, &origin, None, result);
                    }
                    Some(first) => {
                        let rest = capable.collect();
                        self.schedule(
                            now,
                            &first,
                            &s.action,
                            s.target,
                            timeout_s,
                            delay_s,
                            Purpose::Fence {
                                op_id,
                                origin,
                                rest,
                            },
                        );
                    }
                }
            }
        }
    }

    /// API: devices able to fence `target` (all registered when `None`).
    pub fn query(
        &mut self,
        now: Now,
        request: RequestId,
        target: Option<&str>,
        action: &str,
        timeout_s: u32,
    ) {
        self.clock = now;
        if self.devices.is_empty() {
            self.output.push(Command::Reply {
                request,
                reply: Reply::Devices(Vec::new()),
            });
            return;
        }
        self.start_search(
            now,
            Search {
                target: target.map(str::to_string),
                action: action.to_string(),
                timeout_s,
                waiting: 0,
                capable: Vec::new(),
                purpose: SearchFor::Api(request),
            },
        );
    }

    pub(crate) fn handle_query(
        &mut self,
        now: Now,
        op_id: &str,
        target: &str,
        action: &str,
        timeout_s: u32,
        origin: &str,
    ) {
        let purpose = SearchFor::Peer {
            op_id: op_id.to_string(),
            origin: origin.to_string(),
        };
        if self.devices.is_empty() {
            let msg = PeerMsg::QueryReply {
                op_id: op_id.to_string(),
                host: self.local.clone(),
                devices: Vec::new(),
            };
            self.output.push(Command::Send {
                to: Some(origin.to_string()),
                msg,
            });
            return;
        }
        self.start_search(
            now,
            Search {
                target: Some(target.to_string()),
                action: action.to_string(),
                timeout_s,
                waiting: 0,
                capable: Vec::new(),
                purpose,
            },
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn handle_fence(
        &mut self,
        now: Now,
        op_id: &str,
        target: &str,
        action: &str,
        device: Option<String>,
        timeout_s: u32,
        delay_s: i32,
        origin: &str,
    ) {
        match device {
            Some(d) if !self.devices.contains_key(&d) => {
                let r = FenceResult::error(
                    exec::NO_FENCE_DEVICE,
                    format!("Requested device '{d}' not found"),
                );
                self.send_fence_reply(op_id, origin, Some(d), r);
            }
            Some(d) => {
                let purpose = Purpose::Fence {
                    op_id: op_id.to_string(),
                    origin: origin.to_string(),
                    rest: Vec::new(),
                };
                self.schedule(
                    now,
                    &d,
                    action,
                    Some(target.to_string()),
                    timeout_s,
                    delay_s,
                    purpose,
                );
            }
            None => self.start_search(
                now,
                Search {
                    target: Some(target.to_string()),
                    action: action.to_string(),
                    timeout_s,
                    waiting: 0,
                    capable: Vec::new(),
                    purpose: SearchFor::Fence {
                        op_id: op_id.to_string(),
                        origin: origin.to_string(),
                        timeout_s,
                        delay_s,
                    },
                },
            ),
        }
    }

    fn send_fence_reply(
        &mut self,
        op_id: &str,
        origin: &str,
        device: Option<String>,
        result: FenceResult,
    ) {
        let msg = PeerMsg::FenceReply {
            op_id: op_id.to_string(),
            host: self.local.clone(),
            device,
            result,
        };
        self.output.push(Command::Send {
            to: Some(origin.to_string()),
            msg,
        });
    }

    /// API: run `action` (monitor, list, status) of a device.
    pub fn device_action(
        &mut self,
        now: Now,
        request: RequestId,
        device: &str,
        action: &str,
        target: Option<&str>,
        timeout_s: u32,
    ) {
        self.clock = now;
        let Some(dev) = self.devices.get(device) else {
            let r = FenceResult::error(exec::NO_FENCE_DEVICE, format!("'{device}' not found"));
            self.output.push(Command::Reply {
                request,
                reply: Reply::Action(r),
            });
            return;
        };
        if action == "monitor" && !dev.api_registered {
            let r = FenceResult::error(exec::NO_FENCE_DEVICE, format!("'{device}' not active"));
            self.output.push(Command::Reply {
                request,
                reply: Reply::Action(r),
            });
            return;
        }
        self.schedule(
            now,
            device,
            action,
            target.map(str::to_string),
            timeout_s,
            -1,
            Purpose::Api(request),
        );
    }

    // ----- agent commands -----

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn schedule(
        &mut self,
        now: Now,
        device: &str,
        action: &str,
        target: Option<String>,
        default_timeout_s: u32,
        requested_delay_s: i32,
        purpose: Purpose,
    ) {
        let Some(dev) = self.devices.get(device) else {
            return;
        };
        let timeout_s = dev.action_timeout_s(action, default_timeout_s);
        let mut delay = requested_delay_s.max(0).unsigned_abs();
        if requested_delay_s >= 0 {
            let (base, max) = dev.delays_s(action, target.as_deref());
            if max > 0 {
                delay += base;
                if max > base {
                    let span = u64::from(max - base) + 1;
                    delay += u32::try_from(self.random() % span).unwrap_or(0);
                }
            }
        }
        let id = self.next_cmd;
        self.next_cmd += 1;
        self.cmds.insert(
            id,
            AgentCmd {
                device: device.to_string(),
                action: action.to_string(),
                target: target.clone(),
                timeout_s,
                delay_pending: delay > 0,
                running: false,
                attempts: 0,
                first_start_ms: None,
                purpose,
                requested_delay_s,
            },
        );
        self.queues
            .entry(device.to_string())
            .or_default()
            .push_back(id);
        if delay > 0 {
            tracing::info!(
                device,
                "delaying '{action}' action{} using {device} for {delay}s",
                target
                    .as_deref()
                    .map(|t| format!(" targeting {t}"))
                    .unwrap_or_default()
            );
            self.output.push(Command::SetTimer {
                id: Timer::Delay(id),
                after_ms: u64::from(delay) * 1000,
            });
        }
        self.dispatch(now, device);
    }

    fn dispatch(&mut self, now: Now, device: &str) {
        let Some(dev) = self.devices.get(device) else {
            return;
        };
        let limit = dev.action_limit();
        loop {
            let active = self
                .cmds
                .values()
                .filter(|c| c.running && c.device == device)
                .count();
            if limit > -1 && active >= usize::try_from(limit).unwrap_or(usize::MAX) {
                return;
            }
            let Some(queue) = self.queues.get_mut(device) else {
                return;
            };
            let Some(pos) = queue
                .iter()
                .position(|c| self.cmds.get(c).is_some_and(|c| !c.delay_pending))
            else {
                return;
            };
            let Some(id) = queue.remove(pos) else { return };
            self.start_cmd(now, id);
        }
    }

    fn start_cmd(&mut self, now: Now, id: CmdId) {
        let Some(cmd) = self.cmds.get_mut(&id) else {
            return;
        };
        let Some(dev) = self.devices.get(&cmd.device) else {
            return;
        };
        let action = dev.remapped_action(&cmd.action).to_string();
        if action != cmd.action {
            tracing::info!(device = %dev.id, "remapping 'reboot' action using {} to 'off' because agent '{}' does not support reboot", dev.id, dev.agent);
        }
        cmd.running = true;
        cmd.attempts += 1;
        let first = *cmd.first_start_ms.get_or_insert(now.mono_ms);
        let elapsed_s = u32::try_from(now.mono_ms.saturating_sub(first) / 1000).unwrap_or(u32::MAX);
        let timeout_s = cmd.timeout_s.saturating_sub(elapsed_s).max(1);
        let args = make_args(dev, &action, cmd.target.as_deref());
        self.output.push(Command::RunAgent {
            cmd: id,
            agent: dev.agent.clone(),
            args,
            timeout_s,
        });
    }

    pub(crate) fn delay_done(&mut self, id: CmdId) {
        if let Some(c) = self.cmds.get_mut(&id) {
            c.delay_pending = false;
            let d = c.device.clone();
            self.dispatch(self.now_placeholder(), &d);
        }
    }

    pub(crate) fn retry(&mut self, id: CmdId) {
        let Some(c) = self.cmds.get(&id) else { return };
        let d = c.device.clone();
        self.queues.entry(d.clone()).or_default().push_front(id);
        self.dispatch(self.now_placeholder(), &d);
    }

    /// Time for starts triggered by timers: only durations since a
    /// command's first start matter, and timers carry none; the runtime
    /// calls [`Fencer::set_clock`] before each input.
    fn now_placeholder(&self) -> Now {
        self.clock
    }

    pub(crate) fn purge_device_queue(&mut self, device: &str) {
        let ids: Vec<CmdId> = self
            .queues
            .remove(device)
            .map(Vec::from)
            .unwrap_or_default();
        for id in ids {
            if let Some(cmd) = self.cmds.remove(&id) {
                let r = FenceResult::error(
                    exec::NO_FENCE_DEVICE,
                    "Device was removed before action could be executed",
                );
                self.cmd_finished(self.clock, cmd, r);
            }
        }
    }

    /// A fence agent run ended. `result.output` holds its standard output.
    pub fn agent_done(&mut self, now: Now, id: CmdId, result: FenceResult) {
        self.clock = now;
        let Some(cmd) = self.cmds.get_mut(&id) else {
            return;
        };
        cmd.running = false;
        let device = cmd.device.clone();
        let elapsed_ms = cmd
            .first_start_ms
            .map_or(0, |f| now.mono_ms.saturating_sub(f));
        let max = self
            .devices
            .get(&device)
            .map_or(2, |d| d.action_retries(&cmd.action));
        let may_retry = !result.is_ok()
            && cmd.attempts < max
            && result.exec_status != exec::TIMEOUT
            && elapsed_ms * 10 < u64::from(cmd.timeout_s) * 1000 * 7;
        if may_retry {
            tracing::info!(device = %device, "attempt {} of '{}' using {device} failed, retrying", cmd.attempts, cmd.action);
            self.output.push(Command::SetTimer {
                id: Timer::Retry(id),
                after_ms: 1000,
            });
            self.dispatch(now, &device);
            return;
        }
        let Some(cmd) = self.cmds.remove(&id) else {
            return;
        };
        if result.is_ok()
            && matches!(cmd.action.as_str(), "list" | "monitor" | "status")
            && let Some(d) = self.devices.get_mut(&device)
        {
            d.verified = true;
        }
        self.cmd_finished(now, cmd, result);
        self.dispatch(now, &device);
    }

    fn cmd_finished(&mut self, now: Now, cmd: AgentCmd, result: FenceResult) {
        log_result(&cmd, &result);
        match cmd.purpose {
            Purpose::Api(request) => self.output.push(Command::Reply {
                request,
                reply: Reply::Action(result),
            }),
            Purpose::Search(sid) => {
                let target = self.searches.get(&sid).and_then(|s| s.target.clone());
                let can = match (cmd.action.as_str(), target) {
                    ("list", Some(t)) => {
                        if let Some(d) = self.devices.get_mut(&cmd.device) {
                            if result.is_ok() {
                                d.targets = crate::device::parse_targets(
                                    result.output.as_deref().unwrap_or(""),
                                );
                                d.targets_age = Some(now.epoch.0);
                            } else if d.targets.is_empty()
                                && !d.params.contains_key("pcmk_host_check")
                            {
                                tracing::info!(device = %d.id, "switching to pcmk_host_check='status' for {}", d.id);
                                d.params.insert("pcmk_host_check".into(), "status".into());
                            }
                            d.dynamic_match(&t)
                        } else {
                            false
                        }
                    }
                    // Status: 0 on, 2 off both mean "can fence"; 1 unknown.
                    ("status", Some(_)) => {
                        result.exec_status == exec::DONE && matches!(result.exit_status, 0 | 2)
                    }
                    _ => false,
                };
                self.search_result(sid, &cmd.device, can);
                if self.searches.get(&sid).is_some_and(|s| s.waiting == 0) {
                    self.finish_search(now, sid);
                }
            }
            Purpose::Fence {
                op_id,
                origin,
                rest,
            } => {
                // A failed required (unfencing) device cannot be replaced.
                let failed_required = cmd.action == "on"
                    && self
                        .devices
                        .get(&cmd.device)
                        .is_some_and(|x| x.auto_unfence());
                let next = if result.is_ok() {
                    // Further devices only if required (unfencing).
                    let required = rest.iter().position(|d| {
                        cmd.action == "on" && self.devices.get(d).is_some_and(|x| x.auto_unfence())
                    });
                    required.map(|i| (rest[i].clone(), rest[i + 1..].to_vec()))
                } else if rest.is_empty() || failed_required {
                    None
                } else {
                    Some((rest[0].clone(), rest[1..].to_vec()))
                };
                match next {
                    Some((dev, rest)) => {
                        let purpose = Purpose::Fence {
                            op_id,
                            origin,
                            rest,
                        };
                        self.schedule(
                            now,
                            &dev,
                            &cmd.action,
                            cmd.target,
                            cmd.timeout_s,
                            cmd.requested_delay_s.min(0),
                            purpose,
                        );
                    }
                    None => self.send_fence_reply(&op_id, &origin, Some(cmd.device), result),
                }
            }
        }
    }
}

fn log_result(cmd: &AgentCmd, r: &FenceResult) {
    let what = if r.exec_status == exec::DONE {
        format!("returned {}", r.exit_status)
    } else {
        format!("could not be executed: {}", exec_status_text(r.exec_status))
    };
    let target = cmd
        .target
        .as_deref()
        .map(|t| format!("targeting {t} "))
        .unwrap_or_default();
    let reason = r
        .exit_reason
        .as_deref()
        .map(|x| format!(" ({x})"))
        .unwrap_or_default();
    if r.is_ok() || cmd.target.is_none() || !is_fencing_action(&cmd.action) {
        tracing::info!(device = %cmd.device, "Operation '{}' {target}using {} {what}{reason}", cmd.action, cmd.device);
    } else {
        tracing::error!(device = %cmd.device, "Operation '{}' {target}using {} {what}{reason}", cmd.action, cmd.device);
    }
}

/// Pacemaker's description of an execution status code.
pub fn exec_status_text(code: i32) -> &'static str {
    pcmk_execd::result::ExecStatus::from_code(code)
        .map_or("Unknown", pcmk_execd::result::ExecStatus::description)
}
