//! The CIB document as a whole: its version numbers and its digests.
//!
//! Every CIB carries three counters on its `<cib>` element
//! (`admin_epoch`, `epoch`, `num_updates`) that order its revisions, and is
//! protected by MD5 digests: one over the on-disk `cib.xml` (stored in
//! `cib.xml.sig`) and one carried by patchsets and full-CIB replacements so
//! that a receiver can check it ended up with the same CIB.

mod digest;
mod sections;
mod version;

pub use digest::{
    DIGEST_FILTERED_ATTRS, digest_for_disk, digest_op_params, digest_xml, md5_hex,
    verify_disk_digest, xml_for_digest,
};
pub use sections::{SECTIONS, Section, section};
pub use version::{
    CibVersion, VersionError, check_replace_versions, check_update_versions, parse_int,
};

/// Attribute and element names of the CIB's top level.
pub mod names {
    /// The root element.
    pub const CIB: &str = "cib";
    /// The configuration section.
    pub const CONFIGURATION: &str = "configuration";
    /// The status section.
    pub const STATUS: &str = "status";
    /// Version counter bumped by administrators to force a configuration.
    pub const ADMIN_EPOCH: &str = "admin_epoch";
    /// Version counter bumped by every configuration change.
    pub const EPOCH: &str = "epoch";
    /// Version counter bumped by every status change.
    pub const NUM_UPDATES: &str = "num_updates";
    /// Feature set of the software that last wrote the CIB.
    pub const CRM_FEATURE_SET: &str = "crm_feature_set";
    /// Schema the CIB validates against.
    pub const VALIDATE_WITH: &str = "validate-with";
    /// Time of the last write to disk.
    pub const CIB_LAST_WRITTEN: &str = "cib-last-written";
    /// Node the last configuration change came from.
    pub const UPDATE_ORIGIN: &str = "update-origin";
    /// Client that made the last configuration change.
    pub const UPDATE_CLIENT: &str = "update-client";
    /// User that made the last configuration change.
    pub const UPDATE_USER: &str = "update-user";
    /// Debugging trace of which code last touched a status entry.
    pub const CRM_DEBUG_ORIGIN: &str = "crm-debug-origin";
    /// Whether the cluster has quorum.
    pub const HAVE_QUORUM: &str = "have-quorum";
    /// Node ID of the designated controller.
    pub const DC_UUID: &str = "dc-uuid";
}
