//! What every daemon shares at start-up: Pacemaker's options from the
//! environment and the sysconfig file ([`options`]), the logging set-up
//! that honours them ([`logging`]), the local node's name and the
//! `hacluster` account the daemons run as ([`account`]).

pub mod account;
pub mod logging;
pub mod options;
