//! pacemaker-attrd: node attributes.
//!
//! [`core`] holds the sans-IO attribute manager (values, dampening, the
//! writer election, CIB writes, sync); the daemon's shell connects it to
//! CPG `attrd`, the CIB and its clients.

pub mod core;
