//! Pacemaker's result code families other than exit codes, and lookups
//! across all three, as `crm_error` shows them.
//!
//! * Standard return codes (`pcmk_rc_*`): 0 for success, Pacemaker's own
//!   errors from -1001 down to -1043, and positive system `errno` values.
//! * Legacy return codes: 0, system `errno` values and the `pcmk_err_*`
//!   codes 201-217 (and 250/252 where 216/217 clash with the system).
//! * Exit codes: [`CrmExit`], with names and texts
//!   for unknown values here too.
//!
//! System error texts are glibc's (Linux), as upstream's tools print them
//! on Linux.

mod errno;
mod exec_status;
mod rc;

use std::borrow::Cow;

use crate::exit::CrmExit;

pub use exec_status::ExecStatus;
pub use rc::{PcmkRc, rc_to_exit};

/// How a numeric result code is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultFamily {
    /// Legacy function return codes (`pcmk_err_*`, errno, `pcmk_ok`).
    Legacy,
    /// Standard Pacemaker return codes (`pcmk_rc_*` and errno).
    Rc,
    /// Process exit codes (`CRM_EX_*`).
    Exit,
}

/// The legacy `pcmk_err_*` codes: `(value, name, standard code)`.
const LEGACY: &[(i32, &str, PcmkRc)] = &[
    (201, "pcmk_err_generic", PcmkRc::Error),
    (202, "pcmk_err_no_quorum", PcmkRc::NoQuorum),
    (203, "pcmk_err_schema_validation", PcmkRc::SchemaValidation),
    (204, "pcmk_err_transform_failed", PcmkRc::TransformFailed),
    (205, "pcmk_err_old_data", PcmkRc::OldData),
    (206, "pcmk_err_diff_failed", PcmkRc::DiffFailed),
    (207, "pcmk_err_diff_resync", PcmkRc::DiffResync),
    (208, "pcmk_err_cib_modified", PcmkRc::CibModified),
    (209, "pcmk_err_cib_backup", PcmkRc::CibBackup),
    (210, "pcmk_err_cib_save", PcmkRc::CibSave),
    // 211 (schema unchanged) has no legacy name upstream.
    (211, "", PcmkRc::SchemaUnchanged),
    (212, "pcmk_err_cib_corrupt", PcmkRc::CibCorrupt),
    (213, "pcmk_err_multiple", PcmkRc::Multiple),
    (214, "pcmk_err_node_unknown", PcmkRc::NodeUnknown),
    (215, "pcmk_err_already", PcmkRc::Already),
    // On Linux 216 and 217 are errno values, so these moved to 250 and 252.
    (250, "pcmk_err_bad_nvpair", PcmkRc::BadNvpair),
    (252, "pcmk_err_unknown_format", PcmkRc::UnknownFormat),
];

/// The name of a standard return code (`pcmk_rc_name`): `pcmk_rc_*`, an
/// errno name, or `Unknown`.
pub fn rc_name(code: i32) -> &'static str {
    if code == 0 {
        return "pcmk_rc_ok";
    }
    if let Some(rc) = PcmkRc::from_code(code) {
        return rc.name();
    }
    errno::errno_name(code).unwrap_or("Unknown")
}

/// The description of a standard return code (`pcmk_rc_str`).
pub fn rc_str(code: i32) -> Cow<'static, str> {
    if code == 0 {
        return Cow::Borrowed("OK");
    }
    if let Some(rc) = PcmkRc::from_code(code) {
        return Cow::Borrowed(rc.description());
    }
    if code < 0 {
        return Cow::Borrowed("Error");
    }
    Cow::Owned(errno::strerror(code))
}

/// The standard return code of a legacy code (`pcmk_legacy2rc`); the sign
/// is ignored.
pub fn legacy_to_rc(legacy: i32) -> i32 {
    let code = legacy.checked_abs().unwrap_or(i32::MAX);
    if code == 0 {
        return 0;
    }
    LEGACY
        .iter()
        .find(|(v, _, _)| *v == code)
        .map_or(code, |(_, _, rc)| *rc as i32)
}

/// The legacy code of a standard return code (`pcmk_rc2legacy`), negative
/// for errors.
pub fn rc_to_legacy(code: i32) -> i32 {
    if code >= 0 {
        return -code;
    }
    match PcmkRc::from_code(code) {
        Some(rc) => -rc.legacy_code(),
        None => -201,
    }
}

/// The name of a legacy code (`pcmk_errorname`); the sign is ignored.
pub fn legacy_name(legacy: i32) -> &'static str {
    let code = legacy.checked_abs().unwrap_or(i32::MAX);
    match LEGACY.iter().find(|(v, n, _)| *v == code && !n.is_empty()) {
        Some((_, name, _)) => name,
        None => rc_name(code),
    }
}

/// The description of a legacy code (`pcmk_strerror`).
pub fn legacy_str(legacy: i32) -> Cow<'static, str> {
    rc_str(legacy_to_rc(legacy))
}

/// The name of an exit code (`crm_exit_name`), `CRM_EX_UNKNOWN` for values
/// Pacemaker does not define.
pub fn exit_name(code: i32) -> &'static str {
    CrmExit::from_code(i64::from(code)).map_or("CRM_EX_UNKNOWN", CrmExit::name)
}

/// The description of an exit code (`crm_exit_str`), including Pacemaker's
/// texts for undefined values.
pub fn exit_str(code: i32) -> &'static str {
    if let Some(e) = CrmExit::from_code(i64::from(code)) {
        return e.description();
    }
    match code {
        255 => "Error occurred",
        129..=254 => "Interrupted by signal",
        _ => "Unknown exit status",
    }
}

/// Name and description of `code` read as `family`
/// (`pcmk_result_get_strings`).
pub fn result_strings(code: i32, family: ResultFamily) -> (&'static str, Cow<'static, str>) {
    match family {
        ResultFamily::Legacy => (legacy_name(code), legacy_str(code)),
        ResultFamily::Rc => (rc_name(code), rc_str(code)),
        ResultFamily::Exit => (exit_name(code), Cow::Borrowed(exit_str(code))),
    }
}

/// The codes `crm_error --list` walks for a family, lowest first
/// (`pcmk__result_bounds`); codes without a name are skipped when listing.
pub fn family_range(family: ResultFamily) -> std::ops::RangeInclusive<i32> {
    match family {
        ResultFamily::Legacy => 0..=256,
        ResultFamily::Rc => PcmkRc::LOWEST..=256,
        ResultFamily::Exit => 0..=255,
    }
}

/// The codes of `family` that `crm_error --list` shows, in order, with
/// their names and descriptions (`pcmk__list_result_codes`).
pub fn list_codes(family: ResultFamily) -> Vec<(i32, &'static str, Cow<'static, str>)> {
    let mut out = Vec::new();
    for code in family_range(family) {
        // Values between the custom codes and 0 are reserved for callers.
        if code < 0 && code > PcmkRc::Error as i32 {
            continue;
        }
        let (name, desc) = result_strings(code, family);
        if name == "Unknown" || name == "CRM_EX_UNKNOWN" {
            continue;
        }
        out.push((code, name, desc));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(legacy_name(201), "pcmk_err_generic");
        assert_eq!(legacy_str(201), "Error");
        assert_eq!(legacy_str(-202), "Operation requires quorum");
        assert_eq!(legacy_name(211), "Unknown");
        assert_eq!(legacy_str(211), "Schema is already the latest available");
        assert_eq!(legacy_name(0), "pcmk_rc_ok");
        assert_eq!(legacy_str(2), "No such file or directory");
        assert_eq!(rc_name(-1005), "pcmk_rc_node_unknown");
        assert_eq!(rc_str(-1005), "Node not found");
        assert_eq!(rc_name(-10000), "Unknown");
        assert_eq!(rc_str(-10000), "Error");
        assert_eq!(rc_str(300), "Unknown error 300");
        assert_eq!(exit_name(1), "CRM_EX_ERROR");
        assert_eq!(exit_str(0), "OK");
        assert_eq!(exit_name(-10000), "CRM_EX_UNKNOWN");
        assert_eq!(exit_str(-10000), "Unknown exit status");
        assert_eq!(exit_str(150), "Interrupted by signal");
        assert_eq!(exit_str(255), "Error occurred");
        assert_eq!(rc_to_legacy(-1017), -202);
        assert_eq!(rc_to_legacy(-1040), -201);
        assert_eq!(legacy_to_rc(250), PcmkRc::BadNvpair as i32);
    }

    #[test]
    fn lists() {
        let rc = list_codes(ResultFamily::Rc);
        assert_eq!(rc.first().map(|c| c.0), Some(-1043));
        assert!(rc.iter().any(|c| c.0 == 0 && c.1 == "pcmk_rc_ok"));
        assert!(!rc.iter().any(|c| c.0 == 41));
        let legacy = list_codes(ResultFamily::Legacy);
        assert!(
            legacy
                .iter()
                .any(|c| c.0 == 209 && c.1 == "pcmk_err_cib_backup")
        );
        assert!(!legacy.iter().any(|c| c.0 == 211));
        let exit = list_codes(ResultFamily::Exit);
        assert_eq!(exit.len(), CrmExit::ALL.len());
    }
}
