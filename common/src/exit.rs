//! Pacemaker's exit codes (`crm_exit_t`): process exit statuses of every
//! daemon and tool, also carried in replies between daemons.

/// A Pacemaker exit code, with the numeric values of `CRM_EX_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum CrmExit {
    /// OK (`CRM_EX_OK`).
    OK = 0,
    /// Error occurred (`CRM_EX_ERROR`).
    Error = 1,
    /// Invalid parameter (`CRM_EX_INVALID_PARAM`).
    InvalidParam = 2,
    /// Unimplemented (`CRM_EX_UNIMPLEMENT_FEATURE`).
    UnimplementFeature = 3,
    /// Insufficient privileges (`CRM_EX_INSUFFICIENT_PRIV`).
    InsufficientPriv = 4,
    /// Not installed (`CRM_EX_NOT_INSTALLED`).
    NotInstalled = 5,
    /// Not configured (`CRM_EX_NOT_CONFIGURED`).
    NotConfigured = 6,
    /// Not running (`CRM_EX_NOT_RUNNING`).
    NotRunning = 7,
    /// Promoted (`CRM_EX_PROMOTED`).
    Promoted = 8,
    /// Failed in promoted role (`CRM_EX_FAILED_PROMOTED`).
    FailedPromoted = 9,
    /// Incorrect usage (`CRM_EX_USAGE`).
    Usage = 64,
    /// Invalid data given (`CRM_EX_DATAERR`).
    DataErr = 65,
    /// Input file not available (`CRM_EX_NOINPUT`).
    NoInput = 66,
    /// User does not exist (`CRM_EX_NOUSER`).
    NoUser = 67,
    /// Host does not exist (`CRM_EX_NOHOST`).
    NoHost = 68,
    /// Necessary service unavailable (`CRM_EX_UNAVAILABLE`).
    Unavailable = 69,
    /// Internal software bug (`CRM_EX_SOFTWARE`).
    Software = 70,
    /// Operating system error occurred (`CRM_EX_OSERR`).
    OsErr = 71,
    /// System file not available (`CRM_EX_OSFILE`).
    OsFile = 72,
    /// Cannot create output file (`CRM_EX_CANTCREAT`).
    CantCreat = 73,
    /// I/O error occurred (`CRM_EX_IOERR`).
    IoErr = 74,
    /// Temporary failure, try again (`CRM_EX_TEMPFAIL`).
    TempFail = 75,
    /// Protocol violated (`CRM_EX_PROTOCOL`).
    Protocol = 76,
    /// Insufficient privileges (`CRM_EX_NOPERM`).
    NoPerm = 77,
    /// Invalid configuration (`CRM_EX_CONFIG`).
    Config = 78,
    /// Fatal error occurred, will not respawn (`CRM_EX_FATAL`).
    Fatal = 100,
    /// System panic required (`CRM_EX_PANIC`).
    Panic = 101,
    /// Not connected (`CRM_EX_DISCONNECT`).
    Disconnect = 102,
    /// Update was older than existing configuration (`CRM_EX_OLD`).
    Old = 103,
    /// Digest mismatch (`CRM_EX_DIGEST`).
    Digest = 104,
    /// No such object (`CRM_EX_NOSUCH`).
    NoSuch = 105,
    /// Quorum required (`CRM_EX_QUORUM`).
    Quorum = 106,
    /// Operation not safe (`CRM_EX_UNSAFE`).
    Unsafe = 107,
    /// Requested item already exists (`CRM_EX_EXISTS`).
    Exists = 108,
    /// Multiple items match request (`CRM_EX_MULTIPLE`).
    Multiple = 109,
    /// Requested item has expired (`CRM_EX_EXPIRED`).
    Expired = 110,
    /// Requested item is not yet in effect (`CRM_EX_NOT_YET_IN_EFFECT`).
    NotYetInEffect = 111,
    /// Could not determine status (`CRM_EX_INDETERMINATE`).
    Indeterminate = 112,
    /// Not applicable under current conditions (`CRM_EX_UNSATISFIED`).
    Unsatisfied = 113,
    /// DC is not yet elected (`CRM_EX_NO_DC`).
    NoDc = 114,
    /// Timeout occurred (`CRM_EX_TIMEOUT`).
    Timeout = 124,
    /// Service is active but might fail soon (`CRM_EX_DEGRADED`).
    Degraded = 190,
    /// Service is promoted but might fail soon (`CRM_EX_DEGRADED_PROMOTED`).
    DegradedPromoted = 191,
    /// No exit status available (`CRM_EX_NONE`).
    None = 193,
}

impl CrmExit {
    /// Every exit code, in numeric order.
    pub const ALL: &'static [CrmExit] = &[
        CrmExit::OK,
        CrmExit::Error,
        CrmExit::InvalidParam,
        CrmExit::UnimplementFeature,
        CrmExit::InsufficientPriv,
        CrmExit::NotInstalled,
        CrmExit::NotConfigured,
        CrmExit::NotRunning,
        CrmExit::Promoted,
        CrmExit::FailedPromoted,
        CrmExit::Usage,
        CrmExit::DataErr,
        CrmExit::NoInput,
        CrmExit::NoUser,
        CrmExit::NoHost,
        CrmExit::Unavailable,
        CrmExit::Software,
        CrmExit::OsErr,
        CrmExit::OsFile,
        CrmExit::CantCreat,
        CrmExit::IoErr,
        CrmExit::TempFail,
        CrmExit::Protocol,
        CrmExit::NoPerm,
        CrmExit::Config,
        CrmExit::Fatal,
        CrmExit::Panic,
        CrmExit::Disconnect,
        CrmExit::Old,
        CrmExit::Digest,
        CrmExit::NoSuch,
        CrmExit::Quorum,
        CrmExit::Unsafe,
        CrmExit::Exists,
        CrmExit::Multiple,
        CrmExit::Expired,
        CrmExit::NotYetInEffect,
        CrmExit::Indeterminate,
        CrmExit::Unsatisfied,
        CrmExit::NoDc,
        CrmExit::Timeout,
        CrmExit::Degraded,
        CrmExit::DegradedPromoted,
        CrmExit::None,
    ];

    /// The numeric exit status.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The exit code with numeric value `code`, if Pacemaker defines one.
    pub fn from_code(code: i64) -> Option<CrmExit> {
        CrmExit::ALL
            .iter()
            .copied()
            .find(|c| i64::from(c.code()) == code)
    }

    /// The symbolic name (`CRM_EX_NOSUCH`).
    pub fn name(self) -> &'static str {
        match self {
            CrmExit::OK => "CRM_EX_OK",
            CrmExit::Error => "CRM_EX_ERROR",
            CrmExit::InvalidParam => "CRM_EX_INVALID_PARAM",
            CrmExit::UnimplementFeature => "CRM_EX_UNIMPLEMENT_FEATURE",
            CrmExit::InsufficientPriv => "CRM_EX_INSUFFICIENT_PRIV",
            CrmExit::NotInstalled => "CRM_EX_NOT_INSTALLED",
            CrmExit::NotConfigured => "CRM_EX_NOT_CONFIGURED",
            CrmExit::NotRunning => "CRM_EX_NOT_RUNNING",
            CrmExit::Promoted => "CRM_EX_PROMOTED",
            CrmExit::FailedPromoted => "CRM_EX_FAILED_PROMOTED",
            CrmExit::Usage => "CRM_EX_USAGE",
            CrmExit::DataErr => "CRM_EX_DATAERR",
            CrmExit::NoInput => "CRM_EX_NOINPUT",
            CrmExit::NoUser => "CRM_EX_NOUSER",
            CrmExit::NoHost => "CRM_EX_NOHOST",
            CrmExit::Unavailable => "CRM_EX_UNAVAILABLE",
            CrmExit::Software => "CRM_EX_SOFTWARE",
            CrmExit::OsErr => "CRM_EX_OSERR",
            CrmExit::OsFile => "CRM_EX_OSFILE",
            CrmExit::CantCreat => "CRM_EX_CANTCREAT",
            CrmExit::IoErr => "CRM_EX_IOERR",
            CrmExit::TempFail => "CRM_EX_TEMPFAIL",
            CrmExit::Protocol => "CRM_EX_PROTOCOL",
            CrmExit::NoPerm => "CRM_EX_NOPERM",
            CrmExit::Config => "CRM_EX_CONFIG",
            CrmExit::Fatal => "CRM_EX_FATAL",
            CrmExit::Panic => "CRM_EX_PANIC",
            CrmExit::Disconnect => "CRM_EX_DISCONNECT",
            CrmExit::Old => "CRM_EX_OLD",
            CrmExit::Digest => "CRM_EX_DIGEST",
            CrmExit::NoSuch => "CRM_EX_NOSUCH",
            CrmExit::Quorum => "CRM_EX_QUORUM",
            CrmExit::Unsafe => "CRM_EX_UNSAFE",
            CrmExit::Exists => "CRM_EX_EXISTS",
            CrmExit::Multiple => "CRM_EX_MULTIPLE",
            CrmExit::Expired => "CRM_EX_EXPIRED",
            CrmExit::NotYetInEffect => "CRM_EX_NOT_YET_IN_EFFECT",
            CrmExit::Indeterminate => "CRM_EX_INDETERMINATE",
            CrmExit::Unsatisfied => "CRM_EX_UNSATISFIED",
            CrmExit::NoDc => "CRM_EX_NO_DC",
            CrmExit::Timeout => "CRM_EX_TIMEOUT",
            CrmExit::Degraded => "CRM_EX_DEGRADED",
            CrmExit::DegradedPromoted => "CRM_EX_DEGRADED_PROMOTED",
            CrmExit::None => "CRM_EX_NONE",
        }
    }

    /// The description `crm_error` prints (`No such object`).
    pub fn description(self) -> &'static str {
        match self {
            CrmExit::OK => "OK",
            CrmExit::Error => "Error occurred",
            CrmExit::InvalidParam => "Invalid parameter",
            CrmExit::UnimplementFeature => "Unimplemented",
            CrmExit::InsufficientPriv => "Insufficient privileges",
            CrmExit::NotInstalled => "Not installed",
            CrmExit::NotConfigured => "Not configured",
            CrmExit::NotRunning => "Not running",
            CrmExit::Promoted => "Promoted",
            CrmExit::FailedPromoted => "Failed in promoted role",
            CrmExit::Usage => "Incorrect usage",
            CrmExit::DataErr => "Invalid data given",
            CrmExit::NoInput => "Input file not available",
            CrmExit::NoUser => "User does not exist",
            CrmExit::NoHost => "Host does not exist",
            CrmExit::Unavailable => "Necessary service unavailable",
            CrmExit::Software => "Internal software bug",
            CrmExit::OsErr => "Operating system error occurred",
            CrmExit::OsFile => "System file not available",
            CrmExit::CantCreat => "Cannot create output file",
            CrmExit::IoErr => "I/O error occurred",
            CrmExit::TempFail => "Temporary failure, try again",
            CrmExit::Protocol => "Protocol violated",
            CrmExit::NoPerm => "Insufficient privileges",
            CrmExit::Config => "Invalid configuration",
            CrmExit::Fatal => "Fatal error occurred, will not respawn",
            CrmExit::Panic => "System panic required",
            CrmExit::Disconnect => "Not connected",
            CrmExit::Old => "Update was older than existing configuration",
            CrmExit::Digest => "Digest mismatch",
            CrmExit::NoSuch => "No such object",
            CrmExit::Quorum => "Quorum required",
            CrmExit::Unsafe => "Operation not safe",
            CrmExit::Exists => "Requested item already exists",
            CrmExit::Multiple => "Multiple items match request",
            CrmExit::Expired => "Requested item has expired",
            CrmExit::NotYetInEffect => "Requested item is not yet in effect",
            CrmExit::Indeterminate => "Could not determine status",
            CrmExit::Unsatisfied => "Not applicable under current conditions",
            CrmExit::NoDc => "DC is not yet elected",
            CrmExit::Timeout => "Timeout occurred",
            CrmExit::Degraded => "Service is active but might fail soon",
            CrmExit::DegradedPromoted => "Service is promoted but might fail soon",
            CrmExit::None => "No exit status available",
        }
    }
}

impl std::fmt::Display for CrmExit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.description())
    }
}

impl From<CrmExit> for std::process::ExitCode {
    fn from(c: CrmExit) -> Self {
        std::process::ExitCode::from(c.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_texts() {
        assert_eq!(CrmExit::NoSuch.code(), 105);
        assert_eq!(CrmExit::from_code(78), Some(CrmExit::Config));
        assert_eq!(CrmExit::from_code(99), None);
        assert_eq!(CrmExit::Disconnect.name(), "CRM_EX_DISCONNECT");
        assert_eq!(
            CrmExit::Old.to_string(),
            "Update was older than existing configuration"
        );
        assert!(CrmExit::ALL.windows(2).all(|w| w[0] < w[1]));
    }
}
