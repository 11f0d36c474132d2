//! Multi-process cluster tests and the pcmk-lab harness.
//!
//! [`lab::Lab`] writes each node's corosync.conf and authkey into a folder,
//! starts the real `corosync` binaries on 127.0.0.K (or, as root, each in a
//! network namespace of its own, [`netns::Netns`]), and injects faults
//! (kill, stop, partition); [`stack`] runs pacemakerd and the Pacemaker
//! daemons on each node. The `pcmk-lab` binary is its command line.

pub mod demo;
pub mod lab;
pub mod mon;
pub mod netns;
pub mod stack;
