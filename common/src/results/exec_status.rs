//! The executor's status of an operation (Pacemaker's `enum
//! pcmk_exec_status`), shared by the executor, the controller and the
//! scheduler: it is recorded as `op-status` in the CIB's operation history.

/// How the execution of an operation ended, apart from the agent's exit
/// code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum ExecStatus {
    /// In progress.
    Pending = -1,
    /// Completed; the agent's exit code is the result.
    Done = 0,
    /// Cancelled.
    Cancelled = 1,
    /// Did not complete in time.
    Timeout = 2,
    /// The agent does not implement the action.
    NotSupported = 3,
    /// Failed, may be retried.
    Error = 4,
    /// Failed, do not retry on this node.
    ErrorHard = 5,
    /// Failed, do not retry anywhere.
    ErrorFatal = 6,
    /// The agent or a dependency is missing.
    NotInstalled = 7,
    /// No connection to the daemon that runs it.
    NotConnected = 8,
    /// The action cannot be attempted now.
    Invalid = 9,
    /// No fence device is configured for the target.
    NoFenceDevice = 10,
    /// Needed CIB secrets are unavailable.
    NoSecrets = 11,
}

const ALL: [ExecStatus; 13] = [
    ExecStatus::Pending,
    ExecStatus::Done,
    ExecStatus::Cancelled,
    ExecStatus::Timeout,
    ExecStatus::NotSupported,
    ExecStatus::Error,
    ExecStatus::ErrorHard,
    ExecStatus::ErrorFatal,
    ExecStatus::NotInstalled,
    ExecStatus::NotConnected,
    ExecStatus::Invalid,
    ExecStatus::NoFenceDevice,
    ExecStatus::NoSecrets,
];

impl ExecStatus {
    /// Pacemaker's numeric value (the `op-status` of the CIB history).
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The status with numeric value `code`.
    pub fn from_code(code: i32) -> Option<ExecStatus> {
        ALL.into_iter().find(|s| s.code() == code)
    }

    /// Pacemaker's description (`pcmk_exec_status_str()`), as logs and
    /// tools show it.
    pub fn description(self) -> &'static str {
        match self {
            ExecStatus::Pending => "Pending",
            ExecStatus::Done => "Done",
            ExecStatus::Cancelled => "Cancelled",
            ExecStatus::Timeout => "Timed out",
            ExecStatus::NotSupported => "Unsupported",
            ExecStatus::Error => "Error",
            ExecStatus::ErrorHard => "Hard error",
            ExecStatus::ErrorFatal => "Fatal error",
            ExecStatus::NotInstalled => "Not installed",
            ExecStatus::NotConnected => "Internal communication failure",
            ExecStatus::Invalid => "Cannot execute now",
            ExecStatus::NoFenceDevice => "No fence device",
            ExecStatus::NoSecrets => "CIB secrets unavailable",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in ALL {
            assert_eq!(ExecStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(ExecStatus::Timeout.code(), 2);
        assert_eq!(ExecStatus::from_code(12), None);
        assert_eq!(ExecStatus::from_code(-2), None);
    }
}
