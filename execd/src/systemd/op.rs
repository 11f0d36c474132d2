//! One operation on a systemd unit as a state machine (sans-IO): which
//! D-Bus calls to make in which order, and what their answers mean.
//!
//! Follows Pacemaker's systemd support: the unit is loaded first
//! (`LoadUnit`); a monitor reads its `ActiveState`; a start writes the
//! cluster's drop-in, reloads systemd and queues a start job, a stop
//! removes the drop-in and queues a stop job, both in mode `replace`, and
//! finish when systemd announces the job's removal (`JobRemoved`); a probe
//! that finds the unit changing state looks again until the state settles
//! or the time is up; meta-data is generated from the unit's description.
//! The caller makes the [`Call`]s and feeds back [`Reply`]s.

use crate::result::{ExecStatus, ocf};

use super::unit;

/// D-Bus error names systemd uses for units it does not know.
const UNKNOWN_UNIT_ERRORS: [&str; 3] = [
    "org.freedesktop.systemd1.InvalidName",
    "org.freedesktop.systemd1.LoadFailed",
    "org.freedesktop.systemd1.NoSuchUnit",
];

/// The D-Bus error of a call whose peer went away before answering.
const NO_REPLY: &str = "org.freedesktop.DBus.Error.NoReply";

/// Longest pause between two looks at a unit that is changing state.
const MAX_RECHECK_MS: u64 = 2000;

/// The job methods of systemd's manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobMethod {
    /// `StartUnit`.
    Start,
    /// `StopUnit`.
    Stop,
    /// `RestartUnit`.
    Restart,
}

impl JobMethod {
    /// The D-Bus method name.
    pub fn method(self) -> &'static str {
        match self {
            JobMethod::Start => "StartUnit",
            JobMethod::Stop => "StopUnit",
            JobMethod::Restart => "RestartUnit",
        }
    }
}

/// A unit property the machine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Property {
    /// `ActiveState` (monitor).
    ActiveState,
    /// `LoadState` (whether a unit exists).
    LoadState,
    /// `Description` (meta-data).
    Description,
}

impl Property {
    /// The property name on `org.freedesktop.systemd1.Unit`.
    pub fn name(self) -> &'static str {
        match self {
            Property::ActiveState => "ActiveState",
            Property::LoadState => "LoadState",
            Property::Description => "Description",
        }
    }
}

/// What the machine asks its driver to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// `Manager.LoadUnit(name)`; answer [`Reply::Path`].
    LoadUnit(String),
    /// Read a property of the unit object at a path; answer [`Reply::Value`].
    Get(String, Property),
    /// Write the drop-in for a unit; answer [`Reply::Done`].
    WriteOverride(String),
    /// Remove the drop-in of a unit; answer [`Reply::Removed`].
    RemoveOverride(String),
    /// `Manager.Reload()`; answer [`Reply::Done`] (failures are only logged).
    Reload,
    /// A job method with mode `replace`; answer [`Reply::Path`] (the job).
    Job(JobMethod, String),
    /// Wait for the `JobRemoved` signal of a job; answer [`Reply::JobRemoved`].
    AwaitJob(String),
    /// Wait this long; answer [`Reply::Done`].
    Sleep(u64),
}

/// The answer to a [`Call`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// An object path.
    Path(String),
    /// A property value.
    Value(String),
    /// Done, nothing to report.
    Done,
    /// Whether the drop-in existed.
    Removed(bool),
    /// The job was removed with this result (`done`, `failed`, `timeout`...).
    JobRemoved(String),
    /// The call failed.
    Failed(CallError),
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// A D-Bus error reply (or a local one with a D-Bus name).
    Bus {
        /// Error name.
        name: String,
        /// Error message.
        message: String,
    },
    /// The reply had an unexpected signature.
    BadReply(String),
    /// A local file operation failed; `permission` when it was refused.
    File {
        /// What happened.
        message: String,
        /// Whether it was a permission problem.
        permission: bool,
    },
}

/// The result of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// OCF rc.
    pub rc: i32,
    /// Execution status.
    pub status: ExecStatus,
    /// Exit reason.
    pub reason: Option<String>,
    /// Output (meta-data).
    pub stdout: Option<String>,
}

impl Outcome {
    fn new(rc: i32, status: ExecStatus, reason: Option<String>) -> Self {
        Outcome {
            rc,
            status,
            reason,
            stdout: None,
        }
    }

    fn ok() -> Self {
        Self::new(ocf::OK, ExecStatus::Done, None)
    }
}

/// The next thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Make this call and report its reply.
    Call(Call),
    /// The operation is over.
    Done(Outcome),
}

/// What an operation does with a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitAction {
    /// Start it.
    Start,
    /// Stop it.
    Stop,
    /// Restart it.
    Restart,
    /// Read its state (`monitor`, `status`).
    Status,
    /// Describe it.
    MetaData,
    /// Anything else: not implemented for systemd units.
    Other(String),
}

impl UnitAction {
    /// Classifies an action name.
    pub fn parse(action: &str) -> UnitAction {
        match action {
            "start" => UnitAction::Start,
            "stop" => UnitAction::Stop,
            "restart" => UnitAction::Restart,
            "monitor" | "status" => UnitAction::Status,
            "meta-data" => UnitAction::MetaData,
            other => UnitAction::Other(other.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Loading,
    Reading(String, Property),
    Pausing(String),
    WritingOverride,
    RemovingOverride,
    Reloading,
    Calling(JobMethod),
    AwaitingJob(JobMethod),
    Finished,
}

/// Maps a unit's `ActiveState` to a monitor result.
pub fn active_state_result(state: &str) -> Outcome {
    match state {
        "active" | "reloading" => Outcome::ok(),
        "activating" | "deactivating" => Outcome::new(ocf::UNKNOWN, ExecStatus::Pending, None),
        other => Outcome::new(ocf::NOT_RUNNING, ExecStatus::Done, Some(other.to_string())),
    }
}

/// Maps the result of a finished start or stop job.
pub fn job_result(action: &str, unit: &str, result: &str) -> Outcome {
    match result {
        "done" => Outcome::ok(),
        "timeout" => Outcome::new(
            ocf::UNKNOWN_ERROR,
            ExecStatus::Timeout,
            Some(format!("systemd {action} job for {unit} timed out")),
        ),
        other => Outcome::new(
            ocf::UNKNOWN_ERROR,
            ExecStatus::Error,
            Some(format!(
                "systemd {action} job for {unit} failed with result '{other}'"
            )),
        ),
    }
}

/// Whether a unit's `LoadState` means it exists.
pub fn load_state_exists(state: &str) -> bool {
    matches!(state, "loaded" | "masked")
}

/// One operation on one unit.
#[derive(Debug, Clone)]
pub struct UnitOp {
    agent: String,
    action_name: String,
    action: UnitAction,
    probe: bool,
    deadline_ms: u64,
    recheck_ms: u64,
    state: State,
}

impl UnitOp {
    /// An operation `action` (with `interval_ms`, 0 for one-shot) on the
    /// unit named by `agent`, started at `now_ms`, to be over within
    /// `timeout_ms`. Returns the machine and its first step.
    pub fn new(
        agent: &str,
        action: &str,
        interval_ms: u32,
        timeout_ms: u32,
        now_ms: u64,
    ) -> (UnitOp, Step) {
        let kind = UnitAction::parse(action);
        // Pacemaker calls the monitor of classes that have `status` by that name.
        let action_name = if kind == UnitAction::Status {
            "status".to_string()
        } else {
            action.to_string()
        };
        let mut op = UnitOp {
            agent: agent.to_string(),
            action_name,
            probe: kind == UnitAction::Status && interval_ms == 0,
            action: kind,
            deadline_ms: now_ms.saturating_add(u64::from(timeout_ms)),
            recheck_ms: (u64::from(timeout_ms) / 10).min(MAX_RECHECK_MS),
            state: State::Loading,
        };
        let load_name = unit::unit_name(agent, op.action == UnitAction::MetaData);
        let step = match load_name {
            None => op.finish(Outcome::new(
                ocf::NOT_CONFIGURED,
                ExecStatus::ErrorFatal,
                Some("Bug in action caller".into()),
            )),
            Some(name) => Step::Call(Call::LoadUnit(name)),
        };
        (op, step)
    }

    /// The unit name the operation acts on.
    fn unit(&self) -> String {
        unit::unit_name(&self.agent, self.action == UnitAction::MetaData)
            .unwrap_or_else(|| self.agent.clone())
    }

    fn finish(&mut self, o: Outcome) -> Step {
        self.state = State::Finished;
        Step::Done(o)
    }

    fn call(&mut self, state: State, call: Call) -> Step {
        self.state = state;
        Step::Call(call)
    }

    fn is_status(&self) -> bool {
        self.action == UnitAction::Status
    }

    /// Maps a failed D-Bus method call.
    fn method_error(&self, name: &str, message: &str) -> Outcome {
        if UNKNOWN_UNIT_ERRORS.contains(&name) {
            if self.action == UnitAction::Stop {
                // An unknown unit is as good as stopped.
                return Outcome::ok();
            }
            return Outcome::new(
                ocf::NOT_INSTALLED,
                ExecStatus::NotInstalled,
                Some(format!("systemd unit {} not found", self.agent)),
            );
        }
        if self.is_status() && name == NO_REPLY && message.contains("disconnected") {
            // systemd re-executing: look again next time.
            return Outcome::new(ocf::UNKNOWN, ExecStatus::Pending, None);
        }
        Outcome::new(
            ocf::UNKNOWN_ERROR,
            ExecStatus::Error,
            Some("Unable to invoke systemd DBus method".into()),
        )
    }

    fn error_outcome(&self, e: &CallError) -> Outcome {
        match e {
            CallError::Bus { name, message } => self.method_error(name, message),
            CallError::BadReply(_) => Outcome::new(
                ocf::UNKNOWN_ERROR,
                ExecStatus::Error,
                Some("systemd DBus method had unexpected reply".into()),
            ),
            CallError::File { permission, .. } => Outcome::new(
                if *permission {
                    ocf::INSUFFICIENT_PRIV
                } else {
                    ocf::UNKNOWN_ERROR
                },
                ExecStatus::Error,
                Some(format!(
                    "Failed to create systemd override file for {}",
                    self.agent
                )),
            ),
        }
    }

    /// Feeds the reply to the last call, at `now_ms`.
    pub fn on_reply(&mut self, now_ms: u64, reply: Reply) -> Step {
        let state = std::mem::replace(&mut self.state, State::Finished);
        match (state, reply) {
            (State::Finished, _) => Step::Done(Outcome::new(
                ocf::UNKNOWN_ERROR,
                ExecStatus::Error,
                Some("Bug in service library".into()),
            )),
            (State::Loading, Reply::Path(path)) => self.loaded(path),
            (State::Loading, Reply::Failed(e)) => {
                if self.action == UnitAction::MetaData {
                    let md = unit::metadata(&self.agent, &unit::fallback_description(&self.agent));
                    return self.metadata_done(md);
                }
                let o = self.error_outcome(&e);
                if self.is_status() && o.status == ExecStatus::Pending {
                    return self.finish(o);
                }
                self.finish(Outcome::new(
                    ocf::UNKNOWN_ERROR,
                    ExecStatus::Error,
                    Some(format!(
                        "No DBus object found for systemd unit {}",
                        self.agent
                    )),
                ))
            }
            (State::Reading(_, Property::Description), r) => {
                let desc = match r {
                    Reply::Value(d) => d,
                    _ => unit::fallback_description(&self.agent),
                };
                let md = unit::metadata(&self.agent, &desc);
                self.metadata_done(md)
            }
            (State::Reading(path, Property::ActiveState), Reply::Value(v)) => {
                let o = active_state_result(&v);
                if o.status == ExecStatus::Pending && self.probe {
                    if now_ms.saturating_add(self.recheck_ms) < self.deadline_ms {
                        return self.call(State::Pausing(path), Call::Sleep(self.recheck_ms));
                    }
                    return self.finish(Outcome::new(
                        ocf::UNKNOWN_ERROR,
                        ExecStatus::Timeout,
                        Some(
                            "Investigate reason for timeout, and adjust configured operation timeout if necessary"
                                .into(),
                        ),
                    ));
                }
                self.finish(o)
            }
            (State::Reading(_, Property::ActiveState), Reply::Failed(e)) => {
                let o = self.error_outcome(&e);
                if o.status == ExecStatus::Pending {
                    return self.finish(o);
                }
                self.finish(Outcome::new(
                    ocf::UNKNOWN_ERROR,
                    ExecStatus::Error,
                    Some(format!(
                        "Could not get state for unit {} from DBus",
                        self.agent
                    )),
                ))
            }
            (State::Pausing(path), _) => self.call(
                State::Reading(path.clone(), Property::ActiveState),
                Call::Get(path, Property::ActiveState),
            ),
            (State::WritingOverride, Reply::Failed(e)) => {
                let o = self.error_outcome(&e);
                self.finish(o)
            }
            (State::WritingOverride, _) => self.call(State::Reloading, Call::Reload),
            (State::RemovingOverride, Reply::Removed(true)) => {
                self.call(State::Reloading, Call::Reload)
            }
            (State::RemovingOverride, _) => self.job_call(),
            (State::Reloading, _) => self.job_call(),
            (State::Calling(m), Reply::Path(job)) => match m {
                JobMethod::Start | JobMethod::Stop => {
                    self.call(State::AwaitingJob(m), Call::AwaitJob(job))
                }
                JobMethod::Restart => self.finish(Outcome::ok()),
            },
            (State::Calling(m), Reply::Failed(CallError::BadReply(_))) => {
                let reason = Some("systemd D-Bus method had unexpected reply".to_string());
                match m {
                    // Without a job path the end of the job cannot be seen.
                    JobMethod::Start | JobMethod::Stop => {
                        self.finish(Outcome::new(ocf::UNKNOWN_ERROR, ExecStatus::Error, reason))
                    }
                    JobMethod::Restart => {
                        self.finish(Outcome::new(ocf::OK, ExecStatus::Done, reason))
                    }
                }
            }
            (State::Calling(_), Reply::Failed(e)) => {
                let o = self.error_outcome(&e);
                self.finish(o)
            }
            (State::AwaitingJob(_), Reply::JobRemoved(result)) => {
                let o = job_result(&self.action_name, &self.unit(), &result);
                self.finish(o)
            }
            (State::AwaitingJob(_), Reply::Failed(e)) => {
                let o = self.error_outcome(&e);
                self.finish(o)
            }
            (state, reply) => {
                tracing::warn!(?state, ?reply, agent = %self.agent, "unexpected systemd reply");
                self.finish(Outcome::new(
                    ocf::UNKNOWN_ERROR,
                    ExecStatus::Error,
                    Some("systemd DBus method had unexpected reply".into()),
                ))
            }
        }
    }

    fn metadata_done(&mut self, md: String) -> Step {
        let mut o = Outcome::ok();
        o.stdout = Some(md);
        self.finish(o)
    }

    /// The unit is loaded at `path`: act on it.
    fn loaded(&mut self, path: String) -> Step {
        match self.action.clone() {
            UnitAction::MetaData => self.call(
                State::Reading(path.clone(), Property::Description),
                Call::Get(path, Property::Description),
            ),
            UnitAction::Status => self.call(
                State::Reading(path.clone(), Property::ActiveState),
                Call::Get(path, Property::ActiveState),
            ),
            UnitAction::Start => {
                let u = unit::unit_name(&self.agent, false).unwrap_or_default();
                self.call(State::WritingOverride, Call::WriteOverride(u))
            }
            UnitAction::Stop => {
                let u = unit::unit_name(&self.agent, false).unwrap_or_default();
                self.call(State::RemovingOverride, Call::RemoveOverride(u))
            }
            UnitAction::Restart => self.job_call(),
            UnitAction::Other(a) => self.finish(Outcome::new(
                ocf::UNIMPLEMENT_FEATURE,
                ExecStatus::Error,
                Some(format!("Action {a} not implemented for systemd resources")),
            )),
        }
    }

    fn job_call(&mut self) -> Step {
        let m = match self.action {
            UnitAction::Start => JobMethod::Start,
            UnitAction::Stop => JobMethod::Stop,
            _ => JobMethod::Restart,
        };
        let unit = self.unit();
        self.call(State::Calling(m), Call::Job(m, unit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(op: (UnitOp, Step), replies: Vec<Reply>) -> (Vec<Call>, Outcome) {
        let (mut m, mut step) = op;
        let mut calls = Vec::new();
        let mut replies = replies.into_iter();
        let mut now = 0;
        loop {
            match step {
                Step::Done(o) => return (calls, o),
                Step::Call(c) => {
                    if let Call::Sleep(ms) = c {
                        now += ms;
                    }
                    calls.push(c);
                    step = m.on_reply(now, replies.next().expect("more replies"));
                }
            }
        }
    }

    fn path(p: &str) -> Reply {
        Reply::Path(p.into())
    }

    fn bus_err(name: &str) -> Reply {
        Reply::Failed(CallError::Bus {
            name: name.into(),
            message: "m".into(),
        })
    }

    #[test]
    fn start_writes_override_reloads_and_waits_for_the_job() {
        let (calls, o) = run(
            UnitOp::new("web", "start", 0, 20_000, 0),
            vec![
                path("/u/web"),
                Reply::Done,
                Reply::Done,
                path("/job/1"),
                Reply::JobRemoved("done".into()),
            ],
        );
        assert_eq!(
            calls,
            [
                Call::LoadUnit("web.service".into()),
                Call::WriteOverride("web.service".into()),
                Call::Reload,
                Call::Job(JobMethod::Start, "web.service".into()),
                Call::AwaitJob("/job/1".into()),
            ]
        );
        assert_eq!(o, Outcome::ok());
    }

    #[test]
    fn failed_and_timed_out_jobs() {
        let replies = |r: &str| {
            vec![
                path("/u"),
                Reply::Done,
                Reply::Done,
                path("/job/2"),
                Reply::JobRemoved(r.into()),
            ]
        };
        let (_, o) = run(
            UnitOp::new("db.service", "start", 0, 1000, 0),
            replies("failed"),
        );
        assert_eq!((o.rc, o.status), (1, ExecStatus::Error));
        assert_eq!(
            o.reason.unwrap(),
            "systemd start job for db.service failed with result 'failed'"
        );
        let (_, o) = run(UnitOp::new("db", "start", 0, 1000, 0), replies("timeout"));
        assert_eq!((o.rc, o.status), (1, ExecStatus::Timeout));
        assert_eq!(
            o.reason.unwrap(),
            "systemd start job for db.service timed out"
        );
    }

    #[test]
    fn stop_removes_override_and_reloads_only_if_there_was_one() {
        let (calls, o) = run(
            UnitOp::new("web", "stop", 0, 20_000, 0),
            vec![
                path("/u"),
                Reply::Removed(false),
                path("/j"),
                Reply::JobRemoved("done".into()),
            ],
        );
        assert!(!calls.contains(&Call::Reload));
        assert!(calls.contains(&Call::Job(JobMethod::Stop, "web.service".into())));
        assert_eq!(o, Outcome::ok());
        let (calls, _) = run(
            UnitOp::new("web", "stop", 0, 20_000, 0),
            vec![
                path("/u"),
                Reply::Removed(true),
                Reply::Done,
                path("/j"),
                Reply::JobRemoved("done".into()),
            ],
        );
        assert!(calls.contains(&Call::Reload));
    }

    #[test]
    fn unknown_units() {
        let no_such = "org.freedesktop.systemd1.NoSuchUnit";
        let (_, o) = run(
            UnitOp::new("nope", "start", 0, 20_000, 0),
            vec![path("/u"), Reply::Done, Reply::Done, bus_err(no_such)],
        );
        assert_eq!((o.rc, o.status), (5, ExecStatus::NotInstalled));
        assert_eq!(o.reason.unwrap(), "systemd unit nope not found");
        // Stopping an unknown unit succeeds.
        let (_, o) = run(
            UnitOp::new("nope", "stop", 0, 20_000, 0),
            vec![path("/u"), Reply::Removed(false), bus_err(no_such)],
        );
        assert_eq!(o, Outcome::ok());
        // A unit that cannot even be loaded.
        let (_, o) = run(
            UnitOp::new("b@d", "monitor", 0, 20_000, 0),
            vec![bus_err("org.freedesktop.systemd1.InvalidName")],
        );
        assert_eq!((o.rc, o.status), (1, ExecStatus::Error));
        assert_eq!(
            o.reason.unwrap(),
            "No DBus object found for systemd unit b@d"
        );
        // Other failures.
        let (_, o) = run(
            UnitOp::new("x", "start", 0, 20_000, 0),
            vec![
                path("/u"),
                Reply::Done,
                Reply::Done,
                bus_err("org.freedesktop.DBus.Error.AccessDenied"),
            ],
        );
        assert_eq!(o.reason.unwrap(), "Unable to invoke systemd DBus method");
    }

    #[test]
    fn monitor_states() {
        for (state, rc, status) in [
            ("active", 0, ExecStatus::Done),
            ("reloading", 0, ExecStatus::Done),
            ("inactive", 7, ExecStatus::Done),
            ("failed", 7, ExecStatus::Done),
            ("activating", 193, ExecStatus::Pending),
            ("deactivating", 193, ExecStatus::Pending),
        ] {
            let (calls, o) = run(
                UnitOp::new("web", "monitor", 10_000, 20_000, 0),
                vec![path("/u/web"), Reply::Value(state.into())],
            );
            assert_eq!(calls[1], Call::Get("/u/web".into(), Property::ActiveState));
            assert_eq!((o.rc, o.status), (rc, status), "{state}");
            if rc == 7 {
                assert_eq!(o.reason.as_deref(), Some(state));
            }
        }
    }

    #[test]
    fn probe_waits_for_a_changing_unit() {
        let (calls, o) = run(
            UnitOp::new("web", "monitor", 0, 5000, 0),
            vec![
                path("/u"),
                Reply::Value("activating".into()),
                Reply::Done,
                Reply::Value("activating".into()),
                Reply::Done,
                Reply::Value("active".into()),
            ],
        );
        assert_eq!(calls.iter().filter(|c| **c == Call::Sleep(500)).count(), 2);
        assert_eq!(o, Outcome::ok());
        // Never settles: gives up before the deadline.
        let mut replies = vec![path("/u")];
        for _ in 0..10 {
            replies.push(Reply::Value("deactivating".into()));
            replies.push(Reply::Done);
        }
        let (_, o) = run(UnitOp::new("web", "monitor", 0, 1000, 0), replies);
        assert_eq!((o.rc, o.status), (1, ExecStatus::Timeout));
    }

    #[test]
    fn metadata_and_other_actions() {
        let (calls, o) = run(
            UnitOp::new("getty@", "meta-data", 0, 5000, 0),
            vec![path("/u"), Reply::Value("Getty on %I".into())],
        );
        assert_eq!(calls[0], Call::LoadUnit("getty@pacemaker.service".into()));
        assert!(o.stdout.unwrap().contains("Getty on %I"));
        let (_, o) = run(
            UnitOp::new("gone", "meta-data", 0, 5000, 0),
            vec![bus_err("org.freedesktop.systemd1.NoSuchUnit")],
        );
        assert!(o.stdout.unwrap().contains("Systemd unit file for gone"));
        let (_, o) = run(UnitOp::new("web", "promote", 0, 5000, 0), vec![path("/u")]);
        assert_eq!((o.rc, o.status), (3, ExecStatus::Error));
        let (calls, o) = run(
            UnitOp::new("web", "restart", 0, 5000, 0),
            vec![path("/u"), path("/j")],
        );
        assert_eq!(
            calls[1],
            Call::Job(JobMethod::Restart, "web.service".into())
        );
        assert_eq!(o, Outcome::ok());
        let (_, o) = run(UnitOp::new("", "start", 0, 5000, 0), vec![]);
        assert_eq!(o.status, ExecStatus::ErrorFatal);
    }

    #[test]
    fn override_failures() {
        let (_, o) = run(
            UnitOp::new("web", "start", 0, 5000, 0),
            vec![
                path("/u"),
                Reply::Failed(CallError::File {
                    message: "denied".into(),
                    permission: true,
                }),
            ],
        );
        assert_eq!((o.rc, o.status), (4, ExecStatus::Error));
        assert_eq!(
            o.reason.unwrap(),
            "Failed to create systemd override file for web"
        );
    }
}
