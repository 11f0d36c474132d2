//! pacemakerd: the launcher of the Pacemaker daemons.
//!
//! [`supervisor`] holds the sans-IO supervision logic (the children table,
//! respawns, fatal exits, shutdown order, state); [`env`](mod@env) reads
//! Pacemaker's environment options; [`shell`] runs real processes with
//! tokio; [`cluster`] waits for and follows corosync; [`features`] is what `pacemakerd --features` prints.

pub mod cluster;
pub mod env;
pub mod features;
pub mod shell;
pub mod supervisor;
