//! Pacemaker's and Corosync's command-line tools.

pub mod crm_resource;
pub mod result_doc;
pub mod stonith_admin;
