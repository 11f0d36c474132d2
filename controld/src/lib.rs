//! pacemaker-controld: the cluster controller.
//!
//! [`core`] holds the sans-IO state machines (the controller FSA, the DC
//! election, the join protocol, the transition engine and the operation
//! history); the daemon's shell moves their commands to sockets and timers.

pub mod core;
