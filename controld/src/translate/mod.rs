//! Translations between the other daemons' data and the controller core's
//! events and commands: CIB patchsets into CIB-change events, executor
//! results and requests, and cluster options.
//!
//! Everything here is plain Rust over decoded values (no I/O), so the
//! shell ([`crate::shell`]) stays a mover of bytes and each decoder of
//! outside data can be tested and fuzzed on its own.

pub mod cib_change;
pub mod config;
pub mod executor;
