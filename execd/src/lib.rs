//! pacemaker-execd: the local resource agent executor.
//!
//! Runs OCF resource agents and LSB init scripts as Pacemaker's executor
//! does (environment, timeouts, exit reasons, result mapping), one
//! operation at a time per resource, with recurring monitors; serves its
//! gRPC API (`pcmk_proto::execd`) on `execd.sock`. The operation lifecycle
//! is the sans-IO [`engine`]; [`runner`] and [`server`] are the async
//! shell. Tools (`crm_resource`) use [`discovery`], [`invocation`] and
//! [`direct`] to run agents without the daemon, as Pacemaker's do.

pub mod alerts;
pub mod client;
pub mod direct;
pub mod dirs;
pub mod discovery;
pub mod engine;
pub mod fencing;
pub mod invocation;
pub mod lsb;
pub mod op;
pub mod output;
pub mod result;
pub mod runner;
pub mod server;
pub mod standard;
pub mod systemd;

/// Parses a duration as Pacemaker reads meta attributes (a number with an
/// optional unit, seconds by default), in milliseconds.
pub(crate) fn direct_duration_ms(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: u64 = num.parse().ok()?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "s" | "sec" => 1000,
        "ms" | "msec" => 1,
        "m" | "min" => 60_000,
        "h" | "hr" => 3_600_000,
        _ => return None,
    };
    value.checked_mul(factor)
}
