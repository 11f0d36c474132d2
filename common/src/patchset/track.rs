//! Marking the differences between two trees the way Pacemaker does
//! (`pcmk__xml_mark_changes()` in `lib/common/xml.c`), on a shadow of the
//! new tree.
//!
//! Pacemaker sets flags on the nodes of the new tree (and a few on the old
//! one) and records deleted nodes in the document; the patchset is then
//! read off those flags. The flags matter beyond "changed or not": a node
//! flagged *skip* no longer counts when positions among siblings are
//! computed, and which of two nodes gets that flag decides the positions
//! written into later `move` and `delete` changes. This module reproduces
//! that bookkeeping exactly:
//!
//! * attributes: every new attribute starts *created*; for each old
//!   attribute in order, a missing one is appended to the new element as
//!   *deleted*, a changed value is *dirty*, and an unchanged value at a
//!   different position (unless attribute positions are ignored) is
//!   *dirty|moved*, with *skip* on the old attribute if it moved forward,
//!   on the new one otherwise. Remaining *created* ones become *dirty*.
//! * children: each old child is matched with the first unmatched new child
//!   of the same kind (elements: same name and same `id`, both possibly
//!   absent; comments: same position and the same text, ignoring case).
//!   Unmatched old children are recorded as deleted (comments with their
//!   position) and flagged *skip*; matched elements are compared
//!   recursively. Then, in new order, a matched child whose position
//!   changed is *moved* (with *skip* on the old child if its old position
//!   was higher, on the new one otherwise) and an unmatched one is
//!   *created* (and *skip*).
//!
//! Text nodes take no part, as in Pacemaker (which strips them from CIBs).

use std::borrow::Cow;

use crate::xml::{Element, Node};

use super::CONFIGURATION_PATH;

/// Something changed here or below.
pub(crate) const DIRTY: u8 = 1;
/// Attribute only: present in the old tree, absent from the new one.
pub(crate) const DELETED: u8 = 1 << 1;
/// Node or attribute absent from the old tree.
pub(crate) const CREATED: u8 = 1 << 2;
/// Not counted when computing positions among siblings.
pub(crate) const SKIP: u8 = 1 << 3;
/// Node (or attribute) at a different position than in the old tree.
pub(crate) const MOVED: u8 = 1 << 4;

/// An attribute of a tracked element.
#[derive(Debug, Clone)]
pub(crate) struct TAttr<'a> {
    pub name: Cow<'a, str>,
    pub value: Cow<'a, str>,
    pub flags: u8,
}

/// A child node of a tracked element.
#[derive(Debug)]
pub(crate) enum TNode<'a> {
    Element(TElement<'a>),
    Comment(&'a str, u8),
    Text,
}

impl TNode<'_> {
    fn flags(&self) -> u8 {
        match self {
            TNode::Element(e) => e.flags,
            TNode::Comment(_, f) => *f,
            TNode::Text => 0,
        }
    }

    fn flags_mut(&mut self) -> Option<&mut u8> {
        match self {
            TNode::Element(e) => Some(&mut e.flags),
            TNode::Comment(_, f) => Some(f),
            TNode::Text => None,
        }
    }
}

/// An element of the new tree with its change flags.
#[derive(Debug)]
pub(crate) struct TElement<'a> {
    /// The element in the new tree.
    pub src: &'a Element,
    pub flags: u8,
    /// The attributes with their flags; `None` when they are exactly
    /// `src`'s, unchanged.
    pub attrs: Option<Vec<TAttr<'a>>>,
    /// The children with their flags; `None` when nothing changed below
    /// (or the element is created as a whole).
    pub children: Option<Vec<TNode<'a>>>,
}

impl<'a> TElement<'a> {
    fn leaf(src: &'a Element) -> TElement<'a> {
        TElement {
            src,
            flags: 0,
            attrs: None,
            children: None,
        }
    }

    /// The attributes with flags, expanding them if needed.
    pub(crate) fn attrs_mut(&mut self) -> &mut Vec<TAttr<'a>> {
        let src = self.src;
        self.attrs.get_or_insert_with(|| {
            src.attrs
                .iter()
                .map(|(n, v)| TAttr {
                    name: Cow::Borrowed(n.as_str()),
                    value: Cow::Borrowed(v.as_str()),
                    flags: 0,
                })
                .collect()
        })
    }

    /// The current value of attribute `name` (deleted ones included, as
    /// Pacemaker reads them until changes are committed).
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        match &self.attrs {
            Some(a) => a.iter().find(|a| a.name == name).map(|a| a.value.as_ref()),
            None => self.src.attr(name),
        }
    }

    /// Sets an attribute with change tracking (`pcmk__xe_set()`): it
    /// becomes dirty when it was absent, deleted or had another value.
    pub(crate) fn set_tracked(&mut self, name: &'static str, value: String) {
        let attrs = self.attrs_mut();
        match attrs.iter_mut().find(|a| a.name == name) {
            Some(a) => {
                if a.flags & DELETED != 0 || a.value != value {
                    a.value = Cow::Owned(value);
                    a.flags = (a.flags | DIRTY) & !DELETED;
                } else {
                    return;
                }
            }
            None => attrs.push(TAttr {
                name: Cow::Borrowed(name),
                value: Cow::Owned(value),
                flags: DIRTY | CREATED,
            }),
        }
        self.flags |= DIRTY;
    }
}

/// A node deleted between the trees, as recorded for the patchset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Deleted {
    pub path: String,
    /// Position among siblings, recorded for comments only.
    pub position: Option<usize>,
}

/// The result of marking: the tracked new tree and the deletions, in the
/// order Pacemaker records them.
#[derive(Debug)]
pub(crate) struct Marked<'a> {
    pub root: TElement<'a>,
    pub deleted: Vec<Deleted>,
}

impl Marked<'_> {
    /// Whether anything changed at all.
    pub(crate) fn dirty(&self) -> bool {
        self.root.flags & DIRTY != 0 || !self.deleted.is_empty()
    }

    /// Whether the configuration section changed (`is_config_change()`):
    /// the first `configuration` child of the root is dirty, or a deleted
    /// node's path contains `/cib/configuration`.
    pub(crate) fn config_changed(&self) -> bool {
        let config_dirty = match &self.root.children {
            Some(children) => children.iter().find_map(|c| match c {
                TNode::Element(e) if e.src.name == super::CONFIGURATION => {
                    Some(e.flags & DIRTY != 0)
                }
                _ => None,
            }),
            None => None,
        };
        config_dirty == Some(true)
            || self
                .deleted
                .iter()
                .any(|d| d.path.contains(CONFIGURATION_PATH))
    }
}

/// Marks the changes from `old` to `new`; the two roots are compared
/// whatever their names.
pub(crate) fn mark<'a>(old: &'a Element, new: &'a Element, ignore_attr_pos: bool) -> Marked<'a> {
    let mut deleted = Vec::new();
    let mut path = String::new();
    crate::xpath::push_element_step(&mut path, new);
    let root = mark_element(old, new, ignore_attr_pos, &path, &mut deleted);
    Marked { root, deleted }
}

/// Position of child `i` among the non-text children before it whose flags
/// lack `SKIP`.
fn position(flags: &[Option<u8>], i: usize) -> usize {
    flags[..i]
        .iter()
        .filter(|f| f.is_some_and(|f| f & SKIP == 0))
        .count()
}

/// Child flags of the old tree, `None` for text nodes.
fn old_flags(el: &Element) -> Vec<Option<u8>> {
    el.children
        .iter()
        .map(|c| (!matches!(c, Node::Text(_))).then_some(0))
        .collect()
}

fn mark_element<'a>(
    old: &'a Element,
    new: &'a Element,
    ignore_attr_pos: bool,
    path: &str,
    deleted: &mut Vec<Deleted>,
) -> TElement<'a> {
    let mut t = TElement::leaf(new);
    if let Some(attrs) = diff_attrs(old, new, ignore_attr_pos) {
        t.attrs = Some(attrs);
        t.flags |= DIRTY;
    }
    if old.children == new.children {
        // Identical children match one to one in place: nothing to mark.
        return t;
    }

    let mut children: Vec<TNode<'a>> = new
        .children
        .iter()
        .map(|c| match c {
            Node::Element(e) => TNode::Element(TElement::leaf(e)),
            Node::Comment(text) => TNode::Comment(text, 0),
            Node::Text(_) => TNode::Text,
        })
        .collect();
    let mut oflags = old_flags(old);
    let new_match = find_matches(old, new);
    let mut old_match: Vec<Option<usize>> = vec![None; old.children.len()];
    for (j, m) in new_match.iter().enumerate() {
        if let Some(i) = m {
            old_match[*i] = Some(j);
        }
    }

    // Deletions and changes below matched children, in old order.
    for (i, old_child) in old.children.iter().enumerate() {
        match (old_child, old_match[i]) {
            (Node::Text(_), _) => {}
            (_, None) => {
                let pos = position(&oflags, i);
                let mut p = path.to_string();
                let position = match old_child {
                    Node::Element(e) => {
                        crate::xpath::push_element_step(&mut p, e);
                        None
                    }
                    _ => {
                        p.push_str("/comment");
                        Some(pos)
                    }
                };
                deleted.push(Deleted { path: p, position });
                oflags[i] = Some(SKIP);
                t.flags |= DIRTY;
            }
            (Node::Element(oe), Some(j)) => {
                if let Node::Element(ne) = &new.children[j] {
                    let mut p = path.to_string();
                    crate::xpath::push_element_step(&mut p, ne);
                    let marked = mark_element(oe, ne, ignore_attr_pos, &p, deleted);
                    if marked.flags & DIRTY != 0 {
                        t.flags |= DIRTY;
                    }
                    children[j] = TNode::Element(marked);
                }
            }
            (Node::Comment(_), Some(_)) => {}
        }
    }

    // Moves and creations, in new order.
    for j in 0..children.len() {
        if matches!(children[j], TNode::Text) {
            continue;
        }
        match new_match[j] {
            Some(i) => {
                let old_pos = position(&oflags, i);
                let new_pos = position_t(&children, j);
                if old_pos != new_pos {
                    t.flags |= DIRTY;
                    if let Some(f) = children[j].flags_mut() {
                        *f |= MOVED;
                        if old_pos <= new_pos {
                            *f |= SKIP;
                        }
                    }
                    if old_pos > new_pos {
                        oflags[i] = oflags[i].map(|f| f | SKIP);
                    }
                }
            }
            None => {
                if let Some(f) = children[j].flags_mut() {
                    *f |= SKIP | CREATED | DIRTY;
                }
                t.flags |= DIRTY;
            }
        }
    }
    t.children = Some(children);
    t
}

/// Position of tracked child `j` among its non-skipped, non-text siblings.
fn position_t(children: &[TNode<'_>], j: usize) -> usize {
    children[..j]
        .iter()
        .filter(|c| !matches!(c, TNode::Text) && c.flags() & SKIP == 0)
        .count()
}

/// For each new child, the old child it matches (`find_matching_children()`).
fn find_matches(old: &Element, new: &Element) -> Vec<Option<usize>> {
    let mut new_match: Vec<Option<usize>> = vec![None; new.children.len()];
    let mut new_taken = vec![false; new.children.len()];
    // Non-text positions, as no skip flags are set yet at this level.
    let nontext_pos = |el: &Element| -> Vec<usize> {
        let mut n = 0;
        el.children
            .iter()
            .map(|c| {
                let p = n;
                if !matches!(c, Node::Text(_)) {
                    n += 1;
                }
                p
            })
            .collect()
    };
    let old_pos = nontext_pos(old);
    let new_pos = nontext_pos(new);
    for (i, oc) in old.children.iter().enumerate() {
        let found = new.children.iter().enumerate().position(|(j, nc)| {
            !new_taken[j]
                && match (oc, nc) {
                    (Node::Element(o), Node::Element(n)) => o.name == n.name && o.id() == n.id(),
                    (Node::Comment(o), Node::Comment(n)) => {
                        old_pos[i] == new_pos[j] && o.eq_ignore_ascii_case(n)
                    }
                    _ => false,
                }
        });
        if let Some(j) = found {
            new_taken[j] = true;
            new_match[j] = Some(i);
        }
    }
    new_match
}

/// The tracked attributes of `new` against `old`, or `None` if nothing
/// changed (`xml_diff_attrs()`).
fn diff_attrs<'a>(old: &'a Element, new: &'a Element, ignore_pos: bool) -> Option<Vec<TAttr<'a>>> {
    if old.attrs == new.attrs {
        return None;
    }
    let mut attrs: Vec<TAttr<'a>> = new
        .attrs
        .iter()
        .map(|(n, v)| TAttr {
            name: Cow::Borrowed(n.as_str()),
            value: Cow::Borrowed(v.as_str()),
            flags: CREATED,
        })
        .collect();
    let mut old_skip = vec![false; old.attrs.len()];
    for (oi, (oname, ovalue)) in old.attrs.iter().enumerate() {
        let Some(ni) = attrs.iter().position(|a| a.name == oname.as_str()) else {
            attrs.push(TAttr {
                name: Cow::Borrowed(oname.as_str()),
                value: Cow::Borrowed(ovalue.as_str()),
                flags: DELETED,
            });
            continue;
        };
        attrs[ni].flags &= !CREATED;
        if attrs[ni].value != ovalue.as_str() {
            attrs[ni].flags |= DIRTY;
            continue;
        }
        let new_pos = attrs[..ni].iter().filter(|a| a.flags & SKIP == 0).count();
        let old_pos = old_skip[..oi].iter().filter(|s| !**s).count();
        if old_pos != new_pos && !ignore_pos {
            attrs[ni].flags |= DIRTY | MOVED;
            if old_pos > new_pos {
                old_skip[oi] = true;
            } else {
                attrs[ni].flags |= SKIP;
            }
        }
    }
    let mut changed = false;
    for a in &mut attrs {
        if a.flags & CREATED != 0 {
            a.flags |= DIRTY;
        }
        if a.flags & (DIRTY | DELETED) != 0 {
            changed = true;
        }
    }
    changed.then_some(attrs)
}
