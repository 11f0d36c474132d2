//! Why a CIB operation failed, as Pacemaker's standard return codes.

use std::fmt;

use nix::errno::Errno;
use pcmk_common::exit::CrmExit;
use pcmk_common::results::{PcmkRc, rc_str, rc_to_exit};
use pcmk_common::xml::Element;

use crate::notes::Note;
use crate::schema::Violation;

/// A failed CIB operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CibError {
    /// Nothing matches (`ENXIO`).
    NoSuchObject,
    /// The object to create exists already (`EEXIST`).
    Exists,
    /// The request makes no sense (`EINVAL`); the text says why (logged
    /// only, as Pacemaker reports just "Invalid argument").
    InvalidArgument(String),
    /// ACLs deny the change or the read (`EACCES`).
    PermissionDenied,
    /// The result would not validate against its schema.
    SchemaValidation(Vec<Violation>),
    /// The result would be older than the current CIB.
    OldData,
    /// A replacement's digest does not match.
    DigestMismatch,
    /// The CIB has no usable `validate-with`.
    CibCorrupt,
    /// Upgrade: already at the latest schema.
    SchemaUnchanged,
    /// Upgrade: a transform failed or its result does not validate.
    TransformFailed,
    /// A patchset does not apply; the text says why.
    DiffFailed(String),
    /// A patchset was made for another version of the CIB.
    DiffResync,
    /// A patchset is not a v2 patchset.
    BadPatch(String),
    /// The CIB's feature set is newer than ours (`EPROTONOSUPPORT`).
    FeatureSetTooNew(String),
    /// The operation is not supported here (`EPROTONOSUPPORT`).
    NotSupported,
    /// The request is too large to send to the other nodes (`EMSGSIZE`).
    MessageTooLong,
    /// The request was not carried out in time (`ETIME`).
    Timeout,
}

impl CibError {
    /// The standard return code (`pcmk_rc_*` or errno).
    pub fn rc(&self) -> i32 {
        match self {
            CibError::NoSuchObject => Errno::ENXIO as i32,
            CibError::Exists => Errno::EEXIST as i32,
            CibError::InvalidArgument(_) => Errno::EINVAL as i32,
            CibError::PermissionDenied => Errno::EACCES as i32,
            CibError::SchemaValidation(_) => PcmkRc::SchemaValidation.code(),
            CibError::OldData => PcmkRc::OldData.code(),
            CibError::DigestMismatch => PcmkRc::DigestMismatch.code(),
            CibError::CibCorrupt => PcmkRc::CibCorrupt.code(),
            CibError::SchemaUnchanged => PcmkRc::SchemaUnchanged.code(),
            CibError::TransformFailed => PcmkRc::TransformFailed.code(),
            CibError::DiffFailed(_) => PcmkRc::DiffFailed.code(),
            CibError::DiffResync => PcmkRc::DiffResync.code(),
            CibError::BadPatch(_) => PcmkRc::BadXmlPatch.code(),
            CibError::FeatureSetTooNew(_) | CibError::NotSupported => Errno::EPROTONOSUPPORT as i32,
            CibError::MessageTooLong => Errno::EMSGSIZE as i32,
            CibError::Timeout => Errno::ETIME as i32,
        }
    }

    /// Pacemaker's exit code for this error.
    pub fn exit_code(&self) -> CrmExit {
        rc_to_exit(self.rc())
    }

    /// Lines detailing the error beyond Pacemaker's one-line text.
    pub fn details(&self) -> Vec<String> {
        match self {
            CibError::SchemaValidation(v) => v.iter().map(ToString::to_string).collect(),
            CibError::InvalidArgument(why)
            | CibError::DiffFailed(why)
            | CibError::BadPatch(why)
            | CibError::FeatureSetTooNew(why) => vec![why.clone()],
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for CibError {
    /// Pacemaker's text for the return code (`pcmk_rc_str`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&rc_str(self.rc()))
    }
}

impl std::error::Error for CibError {}

/// A failed operation with what comes along with the error: output
/// Pacemaker returns even on failure (the `<failed>` list of a create, the
/// rejected CIB after a schema violation) and notes for the logs.
#[derive(Debug, Clone)]
pub struct Failure {
    /// What went wrong.
    pub error: CibError,
    /// Output returned with the error.
    pub output: Option<Box<Element>>,
    /// Log records produced on the way.
    pub notes: Vec<Note>,
}

impl Failure {
    /// A failure with no output and no notes.
    pub fn new(error: CibError) -> Self {
        Failure {
            error,
            output: None,
            notes: Vec::new(),
        }
    }
}

impl From<CibError> for Failure {
    fn from(error: CibError) -> Self {
        Failure::new(error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_exit_codes_are_pacemakers() {
        let cases = [
            (
                CibError::NoSuchObject,
                "No such device or address",
                CrmExit::NoSuch,
            ),
            (CibError::Exists, "File exists", CrmExit::Exists),
            (
                CibError::PermissionDenied,
                "Permission denied",
                CrmExit::InsufficientPriv,
            ),
            (
                CibError::SchemaValidation(Vec::new()),
                "Update does not conform to the configured schema",
                CrmExit::Config,
            ),
            (
                CibError::OldData,
                "Update was older than existing configuration",
                CrmExit::Old,
            ),
            (
                CibError::InvalidArgument(String::new()),
                "Invalid argument",
                CrmExit::Software,
            ),
        ];
        for (e, text, exit) in cases {
            assert_eq!(e.to_string(), text);
            assert_eq!(e.exit_code(), exit);
        }
    }
}
