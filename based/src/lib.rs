//! pacemaker-based: the CIB manager.
//!
//! The library holds a sans-IO core usable both by the daemon and by tools
//! working on a file (`cibadmin` with `CIB_file` or `CIB_shadow`): the CIB
//! operations, our own schema validator and Pacemaker's ACLs. The daemon
//! (`pacemaker-based`) is a thin async shell around it.

pub mod acl;
pub mod changes;
pub mod cib;
pub mod client;
pub mod cluster;
pub mod daemon;
pub mod error;
pub mod file;
pub mod notes;
pub mod ops;
pub mod request;
pub mod schema;
pub mod section;
pub mod store;
pub mod tx;
pub mod upgrade;
pub mod validation;
pub mod wire;
