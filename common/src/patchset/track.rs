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

/// Positions among a parent's old children, as nodes get flagged *skip*:
/// a Fenwick tree over "counts" (non-text and not skipped), so that both
/// a position and a skip take logarithmic time however the flags are set.
struct OldPositions {
    tree: Vec<i32>,
}

impl OldPositions {
    fn new(el: &Element) -> OldPositions {
        let mut p = OldPositions {
            tree: vec![0; el.children.len() + 1],
        };
        for (i, c) in el.children.iter().enumerate() {
            if !matches!(c, Node::Text(_)) {
                p.add(i, 1);
            }
        }
        p
    }

    fn add(&mut self, i: usize, delta: i32) {
        let mut k = i + 1;
        while k < self.tree.len() {
            self.tree[k] += delta;
            k += k & k.wrapping_neg();
        }
    }

    /// Number of counted children before child `i`.
    fn position(&self, i: usize) -> usize {
        let mut k = i;
        let mut sum = 0;
        while k > 0 {
            sum += self.tree[k];
            k &= k - 1;
        }
        usize::try_from(sum).unwrap_or(0)
    }

    /// Stops counting child `i` (which must be counted).
    fn skip(&mut self, i: usize) {
        self.add(i, -1);
    }
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
    if old.children.is_empty() && new.children.is_empty() {
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
    let mut old_pos = OldPositions::new(old);
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
                let pos = old_pos.position(i);
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
                old_pos.skip(i);
                t.flags |= DIRTY;
            }
            (Node::Element(oe), Some(j)) => {
                if let Node::Element(ne) = &new.children[j] {
                    // Identical subtrees have nothing to mark.
                    if oe == ne {
                        continue;
                    }
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

    // Moves and creations, in new order. Only children already handled
    // here can have been flagged skip, so new positions are a running count.
    let mut new_pos = 0;
    for (j, child) in children.iter_mut().enumerate() {
        let Some(f) = child.flags_mut() else {
            continue;
        };
        match new_match[j] {
            Some(i) => {
                let op = old_pos.position(i);
                if op != new_pos {
                    t.flags |= DIRTY;
                    *f |= MOVED;
                    if op > new_pos {
                        old_pos.skip(i);
                    } else {
                        *f |= SKIP;
                    }
                }
            }
            None => {
                *f |= SKIP | CREATED | DIRTY;
                t.flags |= DIRTY;
            }
        }
        if *f & SKIP == 0 {
            new_pos += 1;
        }
    }
    t.children = Some(children);
    t
}

/// What an element child is matched by: its name and `id`.
type MatchKey<'a> = (&'a str, Option<&'a str>);

/// For each new child, the old child it matches (`find_matching_children()`):
/// taking old children in order, each matches the first new child not yet
/// matched that is an element with the same name and `id`, or a comment at
/// the same position (counting non-text children) with the same text,
/// ignoring case.
fn find_matches(old: &Element, new: &Element) -> Vec<Option<usize>> {
    use std::collections::{HashMap, VecDeque};
    let mut new_match: Vec<Option<usize>> = vec![None; new.children.len()];
    // New elements by key, in order; new non-text children by position.
    let mut by_key: HashMap<MatchKey<'_>, VecDeque<usize>> = HashMap::new();
    let mut by_pos: Vec<usize> = Vec::with_capacity(new.children.len());
    for (j, c) in new.children.iter().enumerate() {
        match c {
            Node::Element(e) => {
                by_key
                    .entry((e.name.as_str(), e.id()))
                    .or_default()
                    .push_back(j);
                by_pos.push(j);
            }
            Node::Comment(_) => by_pos.push(j),
            Node::Text(_) => {}
        }
    }
    let mut pos = 0;
    for (i, oc) in old.children.iter().enumerate() {
        match oc {
            Node::Element(o) => {
                if let Some(j) = by_key
                    .get_mut(&(o.name.as_str(), o.id()))
                    .and_then(VecDeque::pop_front)
                {
                    new_match[j] = Some(i);
                }
            }
            Node::Comment(o) => {
                if let Some(&j) = by_pos.get(pos) {
                    if let Node::Comment(n) = &new.children[j] {
                        if new_match[j].is_none() && o.eq_ignore_ascii_case(n) {
                            new_match[j] = Some(i);
                        }
                    }
                }
            }
            Node::Text(_) => continue,
        }
        pos += 1;
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The nested loops of Pacemaker's `find_matching_children()`.
    fn find_matches_naive(old: &Element, new: &Element) -> Vec<Option<usize>> {
        let pos = |el: &Element, i: usize| {
            el.children[..i]
                .iter()
                .filter(|c| !matches!(c, Node::Text(_)))
                .count()
        };
        let mut new_match: Vec<Option<usize>> = vec![None; new.children.len()];
        for (i, oc) in old.children.iter().enumerate() {
            for (j, nc) in new.children.iter().enumerate() {
                if new_match[j].is_some() {
                    continue;
                }
                let m = match (oc, nc) {
                    (Node::Element(o), Node::Element(n)) => o.name == n.name && o.id() == n.id(),
                    (Node::Comment(o), Node::Comment(n)) => {
                        pos(old, i) == pos(new, j) && o.eq_ignore_ascii_case(n)
                    }
                    _ => false,
                };
                if m {
                    new_match[j] = Some(i);
                    break;
                }
            }
        }
        new_match
    }

    fn child() -> impl Strategy<Value = Node> {
        prop_oneof![
            (
                prop::sample::select(vec!["a", "b"]),
                prop::option::of(prop::sample::select(vec!["1", "2"]))
            )
                .prop_map(|(n, id)| {
                    let mut e = Element::new(n);
                    if let Some(id) = id {
                        e.set_attr("id", id);
                    }
                    Node::Element(e)
                }),
            prop::sample::select(vec!["x", "X", "y"]).prop_map(|c| Node::Comment(c.into())),
            Just(Node::Text("t".into())),
        ]
    }

    proptest! {
        #[test]
        fn matching_is_pacemakers(
            o in prop::collection::vec(child(), 0..8),
            n in prop::collection::vec(child(), 0..8),
        ) {
            let mut old = Element::new("p");
            old.children = o;
            let mut new = Element::new("p");
            new.children = n;
            prop_assert_eq!(find_matches(&old, &new), find_matches_naive(&old, &new));
        }

        #[test]
        fn positions_count_unskipped_children(
            kids in prop::collection::vec(child(), 0..12),
            skips in prop::collection::vec(0usize..12, 0..12),
        ) {
            let mut el = Element::new("p");
            el.children = kids;
            let mut fast = OldPositions::new(&el);
            let mut skipped = vec![false; el.children.len()];
            for s in skips {
                if s < el.children.len() && !skipped[s] && !matches!(el.children[s], Node::Text(_)) {
                    skipped[s] = true;
                    fast.skip(s);
                }
                for i in 0..el.children.len() {
                    let naive = (0..i)
                        .filter(|&k| !skipped[k] && !matches!(el.children[k], Node::Text(_)))
                        .count();
                    prop_assert_eq!(fast.position(i), naive);
                }
            }
        }
    }
}
