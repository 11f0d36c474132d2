//! Shared vocabulary of pacemaker-rs.
//!
//! What every daemon and tool needs to speak Pacemaker's language: the CIB
//! as an XML tree, the XPath subset tools use to address it, CIB versions and
//! digests, v2 patchsets, exit codes, the rules engine, ISO 8601 times and
//! the cluster options table.

pub mod cib;
pub mod daemon;
pub mod exit;
pub mod iso8601;
pub mod options;
pub mod patchset;
pub mod paths;
pub mod results;
pub mod rules;
pub mod score;
pub mod values;
pub mod xml;
pub mod xpath;
