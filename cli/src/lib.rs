//! Pacemaker's and Corosync's command-line tools.

pub mod corosync;
