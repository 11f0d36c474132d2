//! The scheduler's configuration messages logged as Pacemaker's tools log
//! them while unpacking the cluster status (`cluster_status()`): on
//! standard error, as `(function) \terror: text`, when `PCMK_stderr` or
//! `-V` ask for it.

use pcmk_schedulerd::{Scheduler, Severity};

use crate::output::{LogLevel, Logger, Output};

/// The Pacemaker function that logs a scheduler message, known from the
/// message's wording (the log layout names it).
pub fn log_function(text: &str) -> &'static str {
    if text.starts_with("Resource start-up disabled since no fencing") {
        "unpack_resources"
    } else if text.starts_with("Preventing ") && text.contains("from restarting") {
        "unpack_rsc_op"
    } else if text.starts_with("Ignoring") && text.contains("constraint") {
        "unpack_constraints"
    } else if text.contains("cluster option") || text.contains("Support for legacy name") {
        "pcmk__validate_cluster_options"
    } else if text.contains("history") || text.contains("operation") {
        "unpack_rsc_op"
    } else {
        "unpack_config"
    }
}

/// Logs the configuration messages of an unpacked working set.
pub fn log_messages(scheduler: &Scheduler, logger: &Logger, out: &mut Output) {
    for m in scheduler.messages.iter().filter(|m| m.config) {
        let level = match m.severity {
            Severity::Error => LogLevel::Error,
            Severity::Warning => LogLevel::Warning,
            Severity::Notice => LogLevel::Notice,
        };
        logger.log(out, level, log_function(&m.text), &m.text);
    }
}
