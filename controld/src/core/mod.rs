//! The controller's sans-IO core: plain Rust state machines that take
//! events (cluster messages, membership, CIB replies, operation results,
//! timers) with the current time and return commands (messages to send,
//! CIB writes, executor and fencing requests, timers to arm).
//!
//! Nothing in this module performs I/O or reads a clock: the test
//! `core_is_sans_io` checks that no file under `core/` names tokio, tonic,
//! sockets, files, processes or the system clock.

pub mod alerts;
pub mod controller;
pub mod election;
pub mod fsa;
pub mod history;
pub mod interval;
pub mod keys;
pub mod log_contract;
pub mod message;
pub mod peers;
pub mod te;
pub mod time;
pub mod version;
