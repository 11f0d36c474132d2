//! Pacemaker's and Corosync's command-line tools.
//!
//! Each tool is a module here (its logic, testable without a process) and a
//! thin binary in `src/bin/` with the tool's installed name. Shared pieces:
//! [`output`] (text/XML output, `--help` layout, stderr logging) and
//! [`args`] (command-line handling common to all tools).

pub mod args;
pub mod output;

pub mod cibadmin;
pub mod crm_diff;
pub mod crm_error;
pub mod crm_rule;
pub mod crm_shadow;
pub mod iso8601;

pub mod corosync;
pub mod crm_resource;
pub mod crm_simulate;
pub mod crm_verify;
pub mod result_doc;
pub mod stonith_admin;
