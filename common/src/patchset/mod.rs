//! Pacemaker's v2 patchsets: computing one between two CIBs, and applying
//! one to a CIB with its version checks.
//!
//! A patchset describes how to turn one XML tree into another:
//!
//! ```xml
//! <diff format="2" digest="...">
//!   <version>
//!     <source admin_epoch="0" epoch="1" num_updates="0"/>
//!     <target admin_epoch="0" epoch="2" num_updates="0"/>
//!   </version>
//!   <change operation="delete" path="/cib/configuration/comment" position="0"/>
//!   <change operation="modify" path="/cib/configuration/resources/primitive[@id='d']">
//!     <change-list><change-attr name="type" operation="set" value="Dummy"/></change-list>
//!     <change-result><primitive id="d" class="ocf" type="Dummy"/></change-result>
//!   </change>
//!   <change operation="create" path="/cib/configuration/nodes" position="2">
//!     <node id="3" uname="node3"/>
//!   </change>
//!   <change operation="move" path="/cib/configuration/resources/primitive[@id='e']" position="0"/>
//! </diff>
//! ```
//!
//! [`create_patchset`] produces exactly what Pacemaker 3.0.2 produces for
//! the same two trees (same changes, order, positions and attribute order,
//! comments included); [`apply_patchset`] applies one as Pacemaker does,
//! checking versions when asked and the digest when the patchset has one.

mod apply;
mod create;
mod track;

use crate::exit::CrmExit;
use crate::xml::Element;

pub use create::{
    Diff, DiffOptions, add_digest, create_patchset, create_patchset_bumping, patchset_versions,
    strip_versions,
};

/// Name of the configuration section.
pub(crate) const CONFIGURATION: &str = crate::cib::names::CONFIGURATION;
/// Paths of changes under this count as configuration changes.
pub(crate) const CONFIGURATION_PATH: &str = "/cib/configuration";

/// Element and attribute names of the patchset format.
pub mod names {
    /// The patchset's root element.
    pub const DIFF: &str = "diff";
    /// Attribute of `<diff>`: the format, `2`.
    pub const FORMAT: &str = "format";
    /// Attribute of `<diff>`: digest of the resulting CIB.
    pub const DIGEST: &str = "digest";
    /// The version block.
    pub const VERSION: &str = "version";
    /// Version before the change.
    pub const SOURCE: &str = "source";
    /// Version after the change.
    pub const TARGET: &str = "target";
    /// One change.
    pub const CHANGE: &str = "change";
    /// Attribute of `<change>` (and `<change-attr>`): what to do.
    pub const OPERATION: &str = "operation";
    /// Attribute of `<change>`: the node acted on (its parent for creates).
    pub const PATH: &str = "path";
    /// Attribute of `<change>`: position among siblings.
    pub const POSITION: &str = "position";
    /// The attribute changes of a modify.
    pub const CHANGE_LIST: &str = "change-list";
    /// One attribute change.
    pub const CHANGE_ATTR: &str = "change-attr";
    /// The element's attributes after a modify.
    pub const CHANGE_RESULT: &str = "change-result";
    /// Attribute of `<change-attr>`: the attribute's name.
    pub const NAME: &str = "name";
    /// Attribute of `<change-attr>`: the attribute's new value.
    pub const VALUE: &str = "value";
    /// Operation: add a node.
    pub const OP_CREATE: &str = "create";
    /// Operation: remove a node.
    pub const OP_DELETE: &str = "delete";
    /// Operation: change attributes.
    pub const OP_MODIFY: &str = "modify";
    /// Operation: reorder a node among its siblings.
    pub const OP_MOVE: &str = "move";
}

/// Why a patchset could not be applied. The message is Pacemaker's text for
/// the error; [`PatchError::detail`] says what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// A change could not be carried out, the CIB is older than the
    /// patchset's source, or the digest of the result does not match
    /// (`pcmk_rc_diff_failed`).
    #[error("Application of update diff failed")]
    DiffFailed(String),
    /// The CIB is newer than the patchset's source, or the patchset does not
    /// advance the version (`pcmk_rc_old_data`).
    #[error("Update was older than existing configuration")]
    OldData(String),
    /// The patchset is malformed: unknown format or unreadable versions
    /// (`EINVAL`).
    #[error("Invalid argument")]
    InvalidArgument(String),
    /// A modify without a result (`ENOMSG`).
    #[error("No message of desired type")]
    NoMessage(String),
}

impl PatchError {
    /// What went wrong, for logs.
    pub fn detail(&self) -> &str {
        match self {
            PatchError::DiffFailed(d)
            | PatchError::OldData(d)
            | PatchError::InvalidArgument(d)
            | PatchError::NoMessage(d) => d,
        }
    }

    /// Pacemaker's exit code for this error (`pcmk_rc2exitc()`).
    pub fn exit_code(&self) -> CrmExit {
        match self {
            PatchError::DiffFailed(_) => CrmExit::Error,
            PatchError::OldData(_) => CrmExit::Old,
            PatchError::InvalidArgument(_) => CrmExit::Software,
            PatchError::NoMessage(_) => CrmExit::Protocol,
        }
    }
}

/// Whether a patchset changes the CIB section `section` (a name from
/// [`crate::cib::SECTIONS`], such as `crm_config` or `status`) or
/// something in it, as Pacemaker's `pcmk__cib_element_in_patchset()`
/// decides: a change's path is the section's path or lies below it, or a
/// change creates the section under its parent. Unknown sections and
/// patchsets of another format are never touched.
pub fn touches_section(patchset: &Element, section: &str) -> bool {
    let Some(sec) = crate::cib::section(section) else {
        return false;
    };
    if patchset.attr(names::FORMAT).and_then(crate::cib::parse_int) != Some(2) {
        return false;
    }
    patchset.children_named(names::CHANGE).any(|change| {
        let path = change.attr(names::PATH).unwrap_or("");
        let below = path
            .strip_prefix(sec.path)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        below
            || (change.attr(names::OPERATION) == Some(names::OP_CREATE)
                && sec.parent == Some(path)
                && change.elements().next().is_some_and(|c| c.name == sec.name))
    })
}

/// Applies a patchset to `cib` in place (`xml_apply_patchset()`).
///
/// With `check_version`, the CIB's version must equal the patchset's
/// source version and the target must be newer (an absent `<source>` or
/// `<target>` defaults to the current version, and to the current version
/// with `num_updates` + 1). The patchset must be format 2. When it carries
/// a digest, the result's digest must match.
///
/// On error `cib` may be partly changed, as with Pacemaker: apply to a copy
/// (or use [`apply_patchset`]) when the original must survive a failure.
pub fn apply_patchset_in_place(
    cib: &mut Element,
    patchset: &Element,
    check_version: bool,
) -> Result<(), PatchError> {
    use crate::cib::parse_int;
    if check_version {
        apply::check_versions(cib, patchset)?;
    }
    let format = patchset
        .attr(names::FORMAT)
        .and_then(parse_int)
        .unwrap_or(1);
    if format != 2 {
        return Err(PatchError::InvalidArgument(format!(
            "unknown patch format {format}"
        )));
    }
    apply::apply_changes(cib, patchset)?;
    if let Some(expected) = patchset.attr(names::DIGEST) {
        let got = crate::cib::digest_xml(cib, true);
        if !got.eq_ignore_ascii_case(expected) {
            return Err(PatchError::DiffFailed(format!(
                "digest mismatch: expected {expected}, calculated {got}"
            )));
        }
    }
    Ok(())
}

/// Applies a patchset to a copy of `cib` and returns the result; `cib` is
/// left as it was (see [`apply_patchset_in_place`]).
pub fn apply_patchset(
    cib: &Element,
    patchset: &Element,
    check_version: bool,
) -> Result<Element, PatchError> {
    let mut copy = cib.clone();
    apply_patchset_in_place(&mut copy, patchset, check_version)?;
    Ok(copy)
}

#[cfg(test)]
mod tests;
