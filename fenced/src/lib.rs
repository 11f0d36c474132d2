//! pacemaker-fenced: the fencer.
//!
//! Keeps fence devices (registered through its API or read from the CIB)
//! and the fencing topology, decides which device can fence a node, runs
//! fence agents with their standard-input protocol, and keeps the fencing
//! history. The decisions are the sans-IO [`core`]; [`server`] is the
//! async shell serving `pcmk_proto::fenced` on `fenced.sock`; in a cluster
//! [`cluster`] links it to its peers over CPG `stonith-ng` ([`wire`]) and
//! to the CIB manager.

pub mod agent;
pub mod args;
pub mod cib;
pub mod client;
pub mod cluster;
pub mod core;
pub mod device;
pub mod duration;
pub mod history;
pub mod metadata;
pub mod server;
pub mod topology;
pub mod wire;
