//! Writing a v2 patchset from marked changes
//! (`add_xml_changes_to_patchset()` and `xml_create_patchset_v2()` in
//! Pacemaker's `lib/common/patchset.c`).
//!
//! Deletions come first, in the order they were recorded; then the new tree
//! is walked in document order: a created node yields a `create` change
//! (its parent's path, its position among its siblings, a copy of it) and
//! nothing below it; an element with changed attributes yields a `modify`
//! change listing them (`set` with the value, or `unset`) and the
//! resulting attributes; then its children are walked; finally a moved
//! node yields a `move` change with its new position.

use crate::cib::CibVersion;
use crate::cib::names::{ADMIN_EPOCH, EPOCH, NUM_UPDATES};
use crate::xml::{Element, Node};

use super::names::*;
use super::track::{CREATED, DELETED, DIRTY, MOVED, Marked, TElement, TNode, mark};

const VERSION_FIELDS: [&str; 3] = [ADMIN_EPOCH, EPOCH, NUM_UPDATES];

/// How to compare the two trees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiffOptions {
    /// Do not report attributes that only changed position (what `crm_diff
    /// --cib` does).
    pub ignore_attr_pos: bool,
}

/// A patchset computed between two trees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// The `<diff format="2">` element.
    pub patchset: Element,
    /// Whether anything in or under the `configuration` section changed
    /// (Pacemaker bumps `epoch` for these, `num_updates` otherwise).
    pub config_changed: bool,
}

/// Computes the v2 patchset that turns `source` into `target`, exactly as
/// Pacemaker's `xml_create_patchset()` does without managing versions, or
/// `None` when the trees do not differ.
///
/// The `<version>` element carries both trees' version attributes (a
/// missing one is written as `1`). Drop it with [`strip_versions`] for
/// `crm_diff --no-version`; add a digest with [`add_digest`].
pub fn create_patchset(source: &Element, target: &Element, opts: DiffOptions) -> Option<Diff> {
    let marked = mark(source, target, opts.ignore_attr_pos);
    if !marked.dirty() {
        return None;
    }
    let config_changed = marked.config_changed();
    Some(Diff {
        patchset: emit(&marked, source),
        config_changed,
    })
}

/// Like [`create_patchset`], and also advances `target`'s version the way
/// the CIB manager does before publishing a change: a configuration change
/// sets `num_updates` to 0 and increments `epoch`, any other change
/// increments `num_updates`. The patchset's target version and its `modify`
/// of the root include that bump.
pub fn create_patchset_bumping(
    source: &Element,
    target: &mut Element,
    opts: DiffOptions,
) -> Option<Diff> {
    let (diff, version) = {
        let mut marked = mark(source, target, opts.ignore_attr_pos);
        if !marked.dirty() {
            return None;
        }
        let config_changed = marked.config_changed();
        let root = &mut marked.root;
        let read = |root: &TElement<'_>, name: &str| {
            root.attr(name).and_then(crate::cib::parse_int).unwrap_or(0)
        };
        // Pacemaker sets num_updates first, then epoch.
        let updates: Vec<(&'static str, String)> = if config_changed {
            let epoch = read(root, EPOCH);
            vec![
                (NUM_UPDATES, "0".to_string()),
                (EPOCH, epoch.saturating_add(1).to_string()),
            ]
        } else {
            let n = read(root, NUM_UPDATES);
            vec![(NUM_UPDATES, n.saturating_add(1).to_string())]
        };
        for (name, value) in &updates {
            root.set_tracked(name, value.clone());
        }
        (
            Diff {
                patchset: emit(&marked, source),
                config_changed,
            },
            updates,
        )
    };
    for (name, value) in version {
        target.set_attr(name, value);
    }
    Some(diff)
}

/// Adds the digest of `target` (the tree the patchset leads to) to a
/// patchset, as `crm_diff --cib` and the CIB manager do.
pub fn add_digest(patchset: &mut Element, target: &Element) {
    patchset.set_attr(DIGEST, crate::cib::digest_xml(target, true));
}

/// Removes the `<version>` element from a patchset (`crm_diff
/// --no-version`).
pub fn strip_versions(patchset: &mut Element) {
    if let Some(i) = patchset
        .children
        .iter()
        .position(|c| matches!(c, Node::Element(e) if e.name == VERSION))
    {
        patchset.children.remove(i);
    }
}

/// The source and target versions a patchset declares (`None` for an
/// absent `<source>` or `<target>`).
pub fn patchset_versions(
    patchset: &Element,
) -> Result<(Option<CibVersion>, Option<CibVersion>), super::PatchError> {
    let version = patchset.child(VERSION);
    let read = |name: &str| -> Result<Option<CibVersion>, super::PatchError> {
        match version.and_then(|v| v.child(name)) {
            None => Ok(None),
            Some(el) => CibVersion::try_from_cib(el)
                .map(Some)
                .map_err(|e| super::PatchError::InvalidArgument(format!("{name} version: {e}"))),
        }
    };
    Ok((read(SOURCE)?, read(TARGET)?))
}

fn emit(marked: &Marked<'_>, source: &Element) -> Element {
    let mut diff = Element::new(DIFF).with_attr(FORMAT, "2");
    let mut version = Element::new(VERSION);
    let mut src = Element::new(SOURCE);
    let mut tgt = Element::new(TARGET);
    for f in VERSION_FIELDS {
        src.set_attr(f, source.attr(f).unwrap_or("1"));
        tgt.set_attr(f, marked.root.attr(f).unwrap_or("1"));
    }
    version.push(src);
    version.push(tgt);
    diff.push(version);
    for d in &marked.deleted {
        let mut change = Element::new(CHANGE)
            .with_attr(OPERATION, OP_DELETE)
            .with_attr(PATH, d.path.as_str());
        if let Some(p) = d.position {
            change.set_attr(POSITION, p.to_string());
        }
        diff.push(change);
    }
    let mut path = String::new();
    crate::xpath::push_element_step(&mut path, marked.root.src);
    emit_element(&marked.root, &path, 0, "", &mut diff);
    diff
}

fn emit_element(
    t: &TElement<'_>,
    path: &str,
    position: usize,
    parent_path: &str,
    out: &mut Element,
) {
    if t.flags & CREATED != 0 {
        out.push(
            Element::new(CHANGE)
                .with_attr(OPERATION, OP_CREATE)
                .with_attr(PATH, parent_path)
                .with_attr(POSITION, position.to_string())
                .with_child(t.src.clone()),
        );
        return;
    }
    if let Some(attrs) = &t.attrs {
        let mut list = Element::new(CHANGE_LIST);
        for a in attrs.iter().filter(|a| a.flags & (DIRTY | DELETED) != 0) {
            let mut ca = Element::new(CHANGE_ATTR).with_attr(NAME, a.name.as_ref());
            if a.flags & DELETED != 0 {
                ca.set_attr(OPERATION, "unset");
            } else {
                ca.set_attr(OPERATION, "set");
                ca.set_attr(VALUE, a.value.as_ref());
            }
            list.push(ca);
        }
        if list.element_count() > 0 {
            let mut result = Element::new(t.src.name.clone());
            for a in attrs.iter().filter(|a| a.flags & DELETED == 0) {
                result.set_attr(a.name.as_ref(), a.value.as_ref());
            }
            out.push(
                Element::new(CHANGE)
                    .with_attr(OPERATION, OP_MODIFY)
                    .with_attr(PATH, path)
                    .with_child(list)
                    .with_child(Element::new(CHANGE_RESULT).with_child(result)),
            );
        }
    }
    if let Some(children) = &t.children {
        let mut pos = 0;
        for c in children {
            match c {
                TNode::Text => continue,
                TNode::Element(e) => {
                    let mut child_path = path.to_string();
                    crate::xpath::push_element_step(&mut child_path, e.src);
                    emit_element(e, &child_path, pos, path, out);
                }
                TNode::Comment(text, flags) => {
                    if flags & CREATED != 0 {
                        let mut change = Element::new(CHANGE)
                            .with_attr(OPERATION, OP_CREATE)
                            .with_attr(PATH, path)
                            .with_attr(POSITION, pos.to_string());
                        change.children.push(Node::Comment((*text).to_string()));
                        out.push(change);
                    } else if flags & MOVED != 0 {
                        out.push(move_change(&format!("{path}/comment"), pos));
                    }
                }
            }
            pos += 1;
        }
    }
    if t.flags & MOVED != 0 {
        out.push(move_change(path, position));
    }
}

fn move_change(path: &str, position: usize) -> Element {
    Element::new(CHANGE)
        .with_attr(OPERATION, OP_MOVE)
        .with_attr(PATH, path)
        .with_attr(POSITION, position.to_string())
}
