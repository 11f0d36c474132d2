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
pub mod crm_simulate;
pub mod crm_verify;
pub mod iso8601;
pub mod live_cib;

pub mod corosync;
pub mod crm_resource;
pub mod result_doc;
pub mod stonith_admin;

pub mod attrd_updater;
pub mod cib_attrs;
pub mod cib_session;
pub mod crm_attribute;
pub mod crm_failcount;
pub mod crm_mon;
pub mod crm_node;
pub mod crm_standby;
pub mod crm_ticket;
pub mod crmadmin;
pub mod daemons;
pub mod getopt;
pub mod goption;
pub mod option_list;
pub mod sched_log;
pub mod text_out;
pub mod tickets;
pub mod timefmt;
pub mod xml_out;
