//! The systemd class. Units are driven through systemd's D-Bus API where
//! systemd is the running init; where it is not (containers, CI), every
//! systemd operation answers 'not installed' at once instead of waiting on
//! a bus that will never answer.

use std::path::Path;

/// Directory that exists only when systemd is the running init
/// (`sd_booted()`).
pub const SYSTEMD_RUN_DIR: &str = "/run/systemd/system";

/// Whether systemd runs on this machine.
pub fn is_running() -> bool {
    Path::new(SYSTEMD_RUN_DIR).is_dir()
}

/// The reason given for systemd operations where systemd does not run.
pub const NOT_RUNNING_REASON: &str = "systemd is not running on this node";
