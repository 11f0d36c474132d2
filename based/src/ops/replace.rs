//! Replace: a section, an object, or the whole CIB.

use pcmk_common::cib::check_replace_versions;
use pcmk_common::xml::{Element, Node};
use pcmk_common::xpath::XPathMatch;

use crate::error::CibError;
use crate::notes::{Level, Note};
use crate::request::{Request, Target};
use crate::section;
use crate::tx::Tx;

use super::find_first;
use super::query::select;

/// Replaces the whole CIB, refusing a replacement older than the current
/// CIB.
fn replace_cib(tx: &mut Tx<'_>, input: &Element, notes: &mut Vec<Note>) -> Result<(), CibError> {
    if let Err(e) = check_replace_versions(tx.doc(), input) {
        notes.push(Note::log("replace_cib", Level::Info, e.to_string()));
        return Err(CibError::OldData);
    }
    tx.replace_document(input.clone());
    Ok(())
}

/// Performs a replace request.
pub fn replace(tx: &mut Tx<'_>, req: &Request, notes: &mut Vec<Note>) -> Result<(), CibError> {
    let Some(input) = &req.input else {
        return Err(CibError::InvalidArgument(
            "no data to replace with".to_string(),
        ));
    };
    if let Target::XPath(expr) = &req.target {
        let matches: Vec<_> = select(tx.doc(), expr, notes)
            .into_iter()
            .filter_map(|m| match m {
                XPathMatch::Element(p) => Some(p),
                XPathMatch::Document => Some(pcmk_common::xpath::NodePath::root()),
                _ => None,
            })
            .collect();
        if matches.is_empty() {
            return Err(CibError::NoSuchObject);
        }
        let count = if req.options.multiple {
            matches.len()
        } else {
            1
        };
        // Later matches first, so that earlier paths stay valid; the copies
        // are appended to the parents and are all alike.
        for path in matches.into_iter().take(count).rev() {
            if path.is_root() {
                return replace_cib(tx, input, notes);
            }
            let Some(parent) = path.parent() else {
                continue;
            };
            tx.remove(&path);
            tx.append(&parent, Node::Element(input.clone()));
        }
        return Ok(());
    }
    if input.name == "cib" {
        return replace_cib(tx, input, notes);
    }
    let name = req
        .target
        .section()
        .filter(|s| !s.eq_ignore_ascii_case(section::ALL) && *s != input.name);
    let Some(root) = section::find(tx.doc(), name) else {
        return Err(CibError::InvalidArgument(format!(
            "no section {} to replace in",
            name.unwrap_or_default()
        )));
    };
    let found = find_first(tx.doc(), &root, false, &|e| {
        e.name == input.name && (input.id().is_none() || e.id() == input.id())
    })
    .ok_or(CibError::NoSuchObject)?;
    let (Some(parent), Some(index)) = (found.parent(), found.last_index()) else {
        return Err(CibError::NoSuchObject);
    };
    // Pacemaker replaces the node and infers the changes by comparing the
    // old and new subtrees (for ACL checks and the patchset alike): done
    // here as a replacement of the document by a copy with the new node.
    let mut doc = tx.doc().clone();
    let Some(slot) = parent.element_mut(&mut doc) else {
        return Err(CibError::NoSuchObject);
    };
    slot.children[index] = Node::Element(input.clone());
    tx.replace_document(doc);
    // The copy is put in place under the old node's parent, which marks
    // that parent and every ancestor changed even when the copy is
    // identical: a replace in the configuration always bumps the epoch.
    tx.mark_dirty(&found);
    Ok(())
}
