//! Reading through ACLs: the part of a document a user may see.

use pcmk_common::xml::{Element, Node};

use super::{Flags, Mode, UserAcls, allows};

/// The copy of `doc` that `acls` let their user read, or `None` when the
/// user may read nothing (no permission at all, or nothing readable).
pub fn filtered_copy(doc: &Element, acls: &UserAcls) -> Option<Element> {
    if acls.acls.is_empty() {
        return None;
    }
    let flags = Flags::compute(acls, doc);
    let mut path = Vec::new();
    purge(doc, &mut path, &flags)
}

/// The readable part of `el`: all of it when it is readable itself,
/// otherwise its `id` and its readable children, or nothing when none is.
fn purge(el: &Element, path: &mut Vec<usize>, flags: &Flags) -> Option<Element> {
    if allows(flags.get(path), Mode::Read, false) {
        return Some(el.clone());
    }
    let mut out = Element::new(el.name.clone());
    if let Some(id) = el.id() {
        out.set_attr("id", id);
    }
    let mut readable = false;
    for (i, child) in el.children.iter().enumerate() {
        match child {
            Node::Element(c) => {
                path.push(i);
                if let Some(kept) = purge(c, path, flags) {
                    out.push(kept);
                    readable = true;
                }
                path.pop();
            }
            other => out.children.push(other.clone()),
        }
    }
    readable.then_some(out)
}
