//! Pacemaker's start-up options (`PCMK_*` from the environment and the
//! sysconfig file), shared by every daemon: see
//! [`pcmk_common::daemon::options`].

pub use pcmk_common::daemon::options::*;
