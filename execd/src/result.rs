//! Operation results: OCF exit codes, execution status, and the mapping of
//! raw agent exit statuses to OCF codes per standard (Pacemaker's
//! `services__ocf2ocf()` and `services__lsb2ocf()`).

use crate::standard::Standard;

/// OCF exit codes (`enum ocf_exitcode`).
pub mod ocf {
    /// Success.
    pub const OK: i32 = 0;
    /// Unspecified error.
    pub const UNKNOWN_ERROR: i32 = 1;
    /// Invalid parameter.
    pub const INVALID_PARAM: i32 = 2;
    /// Unimplemented feature.
    pub const UNIMPLEMENT_FEATURE: i32 = 3;
    /// Insufficient privileges.
    pub const INSUFFICIENT_PRIV: i32 = 4;
    /// Not installed.
    pub const NOT_INSTALLED: i32 = 5;
    /// Not configured.
    pub const NOT_CONFIGURED: i32 = 6;
    /// Not running.
    pub const NOT_RUNNING: i32 = 7;
    /// Running and promoted.
    pub const RUNNING_PROMOTED: i32 = 8;
    /// Failed in the promoted role.
    pub const FAILED_PROMOTED: i32 = 9;
    /// Active but degraded.
    pub const DEGRADED: i32 = 190;
    /// Promoted but degraded.
    pub const DEGRADED_PROMOTED: i32 = 191;
    /// Pending (no result yet).
    pub const UNKNOWN: i32 = 193;
}

/// LSB exit codes of the `status` action.
mod lsb_status {
    pub const OK: i32 = 0;
    pub const VAR_PID: i32 = 1;
    pub const VAR_LOCK: i32 = 2;
    pub const NOT_RUNNING: i32 = 3;
    pub const NOT_INSTALLED: i32 = 4;
    pub const INSUFFICIENT_PRIV: i32 = 5;
}

pub use pcmk_common::results::ExecStatus;

/// Maps an OCF agent's exit status: anything outside 0-9, 190 and 191 is
/// an unknown error.
pub fn ocf_to_ocf(status: i32) -> i32 {
    match status {
        ocf::DEGRADED | ocf::DEGRADED_PROMOTED => status,
        s if (0..=ocf::FAILED_PROMOTED).contains(&s) => s,
        _ => ocf::UNKNOWN_ERROR,
    }
}

/// Maps an LSB init script's exit status for `action`. Status actions have
/// their own codes; other actions share OCF's codes up to 7.
pub fn lsb_to_ocf(action: &str, status: i32) -> i32 {
    let is_status = action.eq_ignore_ascii_case("status") || action.eq_ignore_ascii_case("monitor");
    if !is_status {
        if !(0..=ocf::NOT_RUNNING).contains(&status) {
            return ocf::UNKNOWN_ERROR;
        }
        return status;
    }
    match status {
        lsb_status::OK => ocf::OK,
        lsb_status::NOT_INSTALLED => ocf::NOT_INSTALLED,
        lsb_status::INSUFFICIENT_PRIV => ocf::INSUFFICIENT_PRIV,
        lsb_status::VAR_PID | lsb_status::VAR_LOCK | lsb_status::NOT_RUNNING => ocf::NOT_RUNNING,
        _ => ocf::UNKNOWN_ERROR,
    }
}

/// Maps systemd results (already OCF codes) the way OCF ones are.
pub fn to_ocf(standard: Standard, action: &str, status: i32) -> i32 {
    match standard {
        Standard::Lsb => lsb_to_ocf(action, status),
        _ => ocf_to_ocf(status),
    }
}

/// Pacemaker's description of an OCF / exit code (`crm_exit_str()`).
pub fn rc_description(rc: i32) -> &'static str {
    // pcmk-common's table reads "Ok OK" for 0; crm_exit_str() says "OK".
    if rc == 0 {
        return "OK";
    }
    pcmk_common::exit::CrmExit::from_code(i64::from(rc)).map_or(
        "Unknown exit status",
        pcmk_common::exit::CrmExit::description,
    )
}

/// An interval in Pacemaker's readable form (`pcmk__readable_interval()`),
/// e.g. `20s`, `1m30s`, `1.500s`, `250ms`.
pub fn readable_interval(ms: u64) -> String {
    const S: u64 = 1000;
    const M: u64 = 60 * S;
    const H: u64 = 60 * M;
    const D: u64 = 24 * H;
    if ms == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit, suffix) in [(D, "d"), (H, "h"), (M, "m")] {
        if rest >= unit {
            out.push_str(&format!("{}{}", rest / unit, suffix));
            rest %= unit;
        }
    }
    if rest >= S {
        out.push_str(&(rest / S).to_string());
        if rest % S > 0 {
            out.push_str(&format!(".{:03}", rest % S));
        }
        out.push('s');
    } else if rest > 0 {
        out.push_str(&format!("{rest}ms"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocf_mapping() {
        for rc in 0..=9 {
            assert_eq!(ocf_to_ocf(rc), rc);
        }
        assert_eq!(ocf_to_ocf(190), 190);
        assert_eq!(ocf_to_ocf(191), 191);
        assert_eq!(ocf_to_ocf(10), 1);
        assert_eq!(ocf_to_ocf(-3), 1);
        assert_eq!(ocf_to_ocf(255), 1);
    }

    #[test]
    fn lsb_mapping() {
        // Status codes.
        assert_eq!(lsb_to_ocf("status", 0), 0);
        assert_eq!(lsb_to_ocf("monitor", 1), 7);
        assert_eq!(lsb_to_ocf("monitor", 2), 7);
        assert_eq!(lsb_to_ocf("monitor", 3), 7);
        assert_eq!(lsb_to_ocf("monitor", 4), 5);
        assert_eq!(lsb_to_ocf("monitor", 5), 4);
        assert_eq!(lsb_to_ocf("monitor", 150), 1);
        // Other actions share the OCF codes up to 7.
        assert_eq!(lsb_to_ocf("start", 3), 3);
        assert_eq!(lsb_to_ocf("stop", 7), 7);
        assert_eq!(lsb_to_ocf("start", 8), 1);
        assert_eq!(to_ocf(Standard::Lsb, "start", 1), 1);
        assert_eq!(to_ocf(Standard::Ocf, "start", 77), 1);
    }

    #[test]
    fn intervals() {
        assert_eq!(readable_interval(0), "0s");
        assert_eq!(readable_interval(20_000), "20s");
        assert_eq!(readable_interval(90_000), "1m30s");
        assert_eq!(readable_interval(1500), "1.500s");
        assert_eq!(readable_interval(250), "250ms");
        assert_eq!(readable_interval(3_600_000 + 5), "1h5ms");
    }

    #[test]
    fn status_codes_round_trip() {
        for c in -1..=11 {
            assert_eq!(ExecStatus::from_code(c).unwrap().code(), c);
        }
        assert_eq!(ExecStatus::from_code(12), None);
        assert_eq!(rc_description(6), "Not configured");
        assert_eq!(rc_description(0), "OK");
    }
}
