//! Pacemaker's own standard return codes (`enum pcmk_rc_e`).

use crate::exit::CrmExit;

macro_rules! rcs {
    ($( $variant:ident = $value:literal, $name:literal, $desc:literal, $legacy:literal; )*) => {
        /// A Pacemaker-specific standard return code (`pcmk_rc_*`), all
        /// negative; 0 (`pcmk_rc_ok`) and positive system errors are plain
        /// numbers.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(i32)]
        pub enum PcmkRc {
            $(
                #[doc = $desc]
                $variant = $value,
            )*
        }

        impl PcmkRc {
            /// Every code, from -1001 downwards.
            pub const ALL: &'static [PcmkRc] = &[$(PcmkRc::$variant),*];

            /// The code with numeric value `code`.
            pub fn from_code(code: i32) -> Option<PcmkRc> {
                match code {
                    $($value => Some(PcmkRc::$variant),)*
                    _ => None,
                }
            }

            /// The symbolic name (`pcmk_rc_node_unknown`).
            pub fn name(self) -> &'static str {
                match self {
                    $(PcmkRc::$variant => $name,)*
                }
            }

            /// The description (`pcmk_rc_str`).
            pub fn description(self) -> &'static str {
                match self {
                    $(PcmkRc::$variant => $desc,)*
                }
            }

            /// The legacy code (positive) this maps to.
            pub fn legacy_code(self) -> i32 {
                match self {
                    $(PcmkRc::$variant => $legacy,)*
                }
            }
        }
    };
}

rcs! {
    Error = -1001, "pcmk_rc_error", "Error", 201;
    UnknownFormat = -1002, "pcmk_rc_unknown_format", "Unknown output format", 252;
    BadNvpair = -1003, "pcmk_rc_bad_nvpair", "Bad name/value pair given", 250;
    Already = -1004, "pcmk_rc_already", "Already in requested state", 215;
    NodeUnknown = -1005, "pcmk_rc_node_unknown", "Node not found", 214;
    Multiple = -1006, "pcmk_rc_multiple", "Resource active on multiple nodes", 213;
    CibCorrupt = -1007, "pcmk_rc_cib_corrupt", "Could not parse on-disk configuration", 212;
    CibSave = -1008, "pcmk_rc_cib_save", "Could not save new configuration to disk", 210;
    CibBackup = -1009, "pcmk_rc_cib_backup", "Could not archive previous configuration", 209;
    CibModified = -1010, "pcmk_rc_cib_modified", "On-disk configuration was manually modified", 208;
    DiffResync = -1011, "pcmk_rc_diff_resync", "Application of update diff failed, requesting full refresh", 207;
    DiffFailed = -1012, "pcmk_rc_diff_failed", "Application of update diff failed", 206;
    OldData = -1013, "pcmk_rc_old_data", "Update was older than existing configuration", 205;
    TransformFailed = -1014, "pcmk_rc_transform_failed", "Schema transform failed", 204;
    SchemaUnchanged = -1015, "pcmk_rc_schema_unchanged", "Schema is already the latest available", 211;
    SchemaValidation = -1016, "pcmk_rc_schema_validation", "Update does not conform to the configured schema", 203;
    NoQuorum = -1017, "pcmk_rc_no_quorum", "Operation requires quorum", 202;
    IpcUnauthorized = -1018, "pcmk_rc_ipc_unauthorized", "IPC server is blocked by unauthorized process", 201;
    IpcUnresponsive = -1019, "pcmk_rc_ipc_unresponsive", "IPC server is unresponsive", 201;
    IpcPidOnly = -1020, "pcmk_rc_ipc_pid_only", "IPC server process is active but not accepting connections", 201;
    OpUnsatisfied = -1021, "pcmk_rc_op_unsatisfied", "Not applicable under current conditions", 201;
    Undetermined = -1022, "pcmk_rc_undetermined", "Result undetermined", 201;
    BeforeRange = -1023, "pcmk_rc_before_range", "Result occurs before given range", 201;
    WithinRange = -1024, "pcmk_rc_within_range", "Result occurs within given range", 201;
    AfterRange = -1025, "pcmk_rc_after_range", "Result occurs after given range", 201;
    NoOutput = -1026, "pcmk_rc_no_output", "Output message produced no output", 201;
    NoInput = -1027, "pcmk_rc_no_input", "Input file not available", 201;
    Underflow = -1028, "pcmk_rc_underflow", "Value too small to be stored in data type", 201;
    DotError = -1029, "pcmk_rc_dot_error", "Error writing dot(1) file", 201;
    GraphError = -1030, "pcmk_rc_graph_error", "Error writing graph file", 201;
    InvalidTransition = -1031, "pcmk_rc_invalid_transition", "Cluster simulation produced invalid transition", 201;
    UnpackError = -1032, "pcmk_rc_unpack_error", "Unable to parse CIB XML", 201;
    DuplicateId = -1033, "pcmk_rc_duplicate_id", "Two or more XML elements have the same ID", 201;
    Disabled = -1034, "pcmk_rc_disabled", "Disabled", 201;
    BadInput = -1035, "pcmk_rc_bad_input", "Bad input value provided", 201;
    BadXmlPatch = -1036, "pcmk_rc_bad_xml_patch", "Bad XML patch format", 201;
    NoTransaction = -1037, "pcmk_rc_no_transaction", "No active transaction found", 201;
    NsResolution = -1038, "pcmk_rc_ns_resolution", "Nameserver resolution error", 201;
    Compression = -1039, "pcmk_rc_compression", "Compression/decompression error", 201;
    NoDc = -1040, "pcmk_rc_no_dc", "DC is not yet elected", 201;
    IpcMore = -1041, "pcmk_rc_ipc_more", "More IPC message fragments to send", 201;
    CsInternal = -1042, "pcmk_rc_cs_internal", "Internal corosync error", 201;
    DigestMismatch = -1043, "pcmk_rc_digest_mismatch", "Digest does not match expected value", 201;
}

impl PcmkRc {
    /// The most negative code.
    pub const LOWEST: i32 = PcmkRc::DigestMismatch as i32;

    /// The numeric value.
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// Linux errno values `pcmk_rc2exitc` maps specially.
mod e {
    pub const EACCES: i32 = 13;
    pub const EBADF: i32 = 9;
    pub const EINVAL: i32 = 22;
    pub const EFAULT: i32 = 14;
    pub const ENOSYS: i32 = 38;
    pub const EOVERFLOW: i32 = 75;
    pub const EBADMSG: i32 = 74;
    pub const EMSGSIZE: i32 = 90;
    pub const ENOMSG: i32 = 42;
    pub const ENOPROTOOPT: i32 = 92;
    pub const EPROTO: i32 = 71;
    pub const EPROTONOSUPPORT: i32 = 93;
    pub const EPROTOTYPE: i32 = 91;
    pub const ECOMM: i32 = 70;
    pub const ENOMEM: i32 = 12;
    pub const ECONNABORTED: i32 = 103;
    pub const ECONNREFUSED: i32 = 111;
    pub const ECONNRESET: i32 = 104;
    pub const ENOTCONN: i32 = 107;
    pub const EEXIST: i32 = 17;
    pub const EIO: i32 = 5;
    pub const EOPNOTSUPP: i32 = 95;
    pub const ENOTUNIQ: i32 = 76;
    pub const ENODEV: i32 = 19;
    pub const ENOENT: i32 = 2;
    pub const ENXIO: i32 = 6;
    pub const ETIME: i32 = 62;
    pub const ETIMEDOUT: i32 = 110;
    pub const EAGAIN: i32 = 11;
    pub const EBUSY: i32 = 16;
}

/// The exit code closest to a standard return code (`pcmk_rc2exitc`).
pub fn rc_to_exit(code: i32) -> CrmExit {
    use PcmkRc as R;
    if code == 0 {
        return CrmExit::OK;
    }
    if let Some(rc) = PcmkRc::from_code(code) {
        return match rc {
            R::NoOutput | R::WithinRange => CrmExit::OK,
            R::NoQuorum => CrmExit::Quorum,
            R::OldData => CrmExit::Old,
            R::CibCorrupt | R::SchemaValidation | R::TransformFailed | R::UnpackError => {
                CrmExit::Config
            }
            R::BadNvpair => CrmExit::InvalidParam,
            R::Underflow | R::Compression | R::CsInternal => CrmExit::Software,
            R::Already => CrmExit::Exists,
            R::DotError | R::GraphError => CrmExit::IoErr,
            R::Multiple | R::DuplicateId => CrmExit::Multiple,
            R::NoTransaction | R::UnknownFormat => CrmExit::NoSuch,
            R::NodeUnknown | R::NsResolution => CrmExit::NoHost,
            R::BeforeRange => CrmExit::NotYetInEffect,
            R::AfterRange => CrmExit::Expired,
            R::Undetermined => CrmExit::Indeterminate,
            R::OpUnsatisfied => CrmExit::Unsatisfied,
            R::NoInput => CrmExit::NoInput,
            R::BadInput | R::BadXmlPatch => CrmExit::DataErr,
            R::NoDc => CrmExit::NoDc,
            R::DigestMismatch => CrmExit::Digest,
            _ => CrmExit::Error,
        };
    }
    match code {
        e::EACCES => CrmExit::InsufficientPriv,
        e::EBADF | e::EINVAL | e::EFAULT | e::ENOSYS | e::EOVERFLOW => CrmExit::Software,
        e::EBADMSG
        | e::EMSGSIZE
        | e::ENOMSG
        | e::ENOPROTOOPT
        | e::EPROTO
        | e::EPROTONOSUPPORT
        | e::EPROTOTYPE => CrmExit::Protocol,
        e::ECOMM | e::ENOMEM => CrmExit::OsErr,
        e::ECONNABORTED | e::ECONNREFUSED | e::ECONNRESET | e::ENOTCONN => CrmExit::Disconnect,
        e::EEXIST => CrmExit::Exists,
        e::EIO => CrmExit::IoErr,
        e::EOPNOTSUPP => CrmExit::UnimplementFeature,
        e::ENOTUNIQ => CrmExit::Multiple,
        e::ENODEV | e::ENOENT | e::ENXIO => CrmExit::NoSuch,
        e::ETIME | e::ETIMEDOUT => CrmExit::Timeout,
        e::EAGAIN | e::EBUSY => CrmExit::Unsatisfied,
        _ => CrmExit::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(PcmkRc::ALL.len(), 43);
        for (i, rc) in PcmkRc::ALL.iter().enumerate() {
            assert_eq!(rc.code(), -1001 - i32::try_from(i).unwrap());
        }
        assert_eq!(rc_to_exit(PcmkRc::AfterRange.code()), CrmExit::Expired);
        assert_eq!(rc_to_exit(PcmkRc::WithinRange.code()), CrmExit::OK);
        assert_eq!(rc_to_exit(6), CrmExit::NoSuch);
        assert_eq!(rc_to_exit(95), CrmExit::UnimplementFeature);
        assert_eq!(rc_to_exit(-5), CrmExit::Error);
    }
}
