//! Pacemaker's and Corosync's command-line tools.

pub mod crm_simulate;
pub mod crm_verify;
