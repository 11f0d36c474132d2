//! pacemaker-execd: the local resource agent executor.
//!
//! Runs OCF resource agents and LSB init scripts as Pacemaker's executor
//! does (environment, timeouts, exit reasons, result mapping), one
//! operation at a time per resource, with recurring monitors; serves its
//! gRPC API (`pcmk_proto::execd`) on `execd.sock`. The operation lifecycle
//! is the sans-IO [`engine`]; [`runner`] and [`server`] are the async
//! shell. Tools (`crm_resource`) use [`discovery`], [`invocation`] and
//! [`direct`] to run agents without the daemon, as Pacemaker's do.

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
