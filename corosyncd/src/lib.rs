//! corosync: totem membership and ordering, votequorum, CPG, cmap and cfg.
//!
//! The protocol cores (`totem`, `quorum`) are plain Rust state machines: time
//! and packets go in, packets and deliveries come out. The `daemon` module is
//! the thin tokio shell that moves bytes and timers for them.

pub mod cmap;
pub mod config;
pub mod daemon;
pub mod node;
pub mod quorum;
pub mod totem;
pub mod wire;
