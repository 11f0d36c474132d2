//! Mapping an agent's raw outcome to an operation result: OCF rc,
//! execution status and exit reason (Pacemaker's `async_action_complete()`
//! and `services__handle_exec_error()`).

use crate::op::{OpSpec, RawOutcome, StartFailure, Termination};
use crate::result::{ExecStatus, ocf, readable_interval, to_ocf};
use crate::standard::Standard;

fn signal_name(sig: i32) -> String {
    use nix::sys::signal::Signal;
    let name = match Signal::try_from(sig) {
        Ok(Signal::SIGKILL) => "Killed",
        Ok(Signal::SIGTERM) => "Terminated",
        Ok(Signal::SIGSEGV) => "Segmentation fault",
        Ok(Signal::SIGABRT) => "Aborted",
        Ok(Signal::SIGINT) => "Interrupt",
        Ok(Signal::SIGHUP) => "Hangup",
        Ok(Signal::SIGPIPE) => "Broken pipe",
        Ok(Signal::SIGBUS) => "Bus error",
        Ok(Signal::SIGFPE) => "Floating point exception",
        Ok(Signal::SIGQUIT) => "Quit",
        Ok(Signal::SIGILL) => "Illegal instruction",
        Ok(Signal::SIGUSR1) => "User defined signal 1",
        Ok(Signal::SIGUSR2) => "User defined signal 2",
        Ok(Signal::SIGALRM) => "Alarm clock",
        _ => return format!("Unknown signal {sig}"),
    };
    name.to_string()
}

/// Maps an agent's raw outcome to (rc, status, exit reason).
pub fn map_outcome(
    spec: &OpSpec,
    standard: Option<Standard>,
    outcome: &RawOutcome,
    timed_out: bool,
    cancelled: bool,
) -> (i32, ExecStatus, Option<String>) {
    let kind = if standard == Some(Standard::Stonith) {
        "Fence agent"
    } else {
        "Resource agent"
    };
    match &outcome.termination {
        Termination::Synthetic { rc, status, reason } => (*rc, *status, reason.clone()),
        Termination::NotStarted(StartFailure::NotInstalled(r)) => (
            ocf::NOT_INSTALLED,
            ExecStatus::NotInstalled,
            Some(r.clone()),
        ),
        Termination::NotStarted(StartFailure::Permission(r)) => {
            (ocf::INSUFFICIENT_PRIV, ExecStatus::Error, Some(r.clone()))
        }
        Termination::NotStarted(StartFailure::Other(r)) => {
            (ocf::UNKNOWN_ERROR, ExecStatus::Error, Some(r.clone()))
        }
        // A systemd operation (no process) abandoned at its timeout.
        _ if timed_out
            && outcome.pid.is_none()
            && matches!(standard, Some(Standard::Systemd | Standard::Service)) =>
        {
            (
                ocf::UNKNOWN_ERROR,
                ExecStatus::Timeout,
                Some(crate::systemd::bus::timeout_reason(
                    &spec.action,
                    &spec.rsc.agent,
                )),
            )
        }
        _ if timed_out => (
            ocf::UNKNOWN_ERROR,
            ExecStatus::Timeout,
            Some(format!(
                "{kind} did not complete within {}",
                readable_interval(u64::from(spec.timeout_ms))
            )),
        ),
        Termination::Signaled(_) if cancelled => (ocf::OK, ExecStatus::Cancelled, None),
        Termination::Signaled(sig) => (
            ocf::UNKNOWN_ERROR,
            ExecStatus::Error,
            Some(format!(
                "{kind} interrupted by {} signal",
                signal_name(*sig)
            )),
        ),
        Termination::Exited(code) => {
            let std = standard.unwrap_or(Standard::Ocf);
            let reason = if std == Standard::Ocf {
                outcome.stderr.exit_reason()
            } else {
                None
            };
            (to_ocf(std, &spec.action, *code), ExecStatus::Done, reason)
        }
    }
}
