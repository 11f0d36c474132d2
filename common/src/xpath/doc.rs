//! A flat, read-only view of an [`Element`] tree for evaluating XPath.
//!
//! Every node gets an index in document order: index 0 is the document
//! node, index 1 the root element. Each entry knows its parent and the end
//! of its subtree, so the descendant axis is a range and document order is
//! index order. Attributes are not entries; an attribute item is the pair
//! (element index, attribute index).

use crate::xml::{Element, Node};

use super::path::NodePath;

/// Marks "no parent" (the document node).
const NONE: u32 = u32::MAX;

/// What a tree entry is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind<'a> {
    Document,
    Element(&'a Element),
    Text(&'a str),
    Comment(&'a str),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub kind: Kind<'a>,
    /// Index of the parent entry.
    pub parent: u32,
    /// One past the last entry of this node's subtree.
    pub end: u32,
    /// Index of this node in its parent's `children`.
    pub index: u32,
}

/// An XPath node: a tree entry, or an attribute of an element entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Item {
    Node(u32),
    Attr(u32, u32),
}

impl Item {
    /// A key whose order is document order.
    pub(crate) fn key(self) -> u64 {
        match self {
            Item::Node(i) => u64::from(i) << 32,
            Item::Attr(e, k) => (u64::from(e) << 32) | (u64::from(k) + 1),
        }
    }
}

/// Sorts items into document order and drops duplicates.
pub(crate) fn sort_dedup(items: &mut Vec<Item>) {
    if !items.windows(2).all(|w| w[0].key() < w[1].key()) {
        items.sort_unstable_by_key(|i| i.key());
        items.dedup();
    }
}

/// The flattened tree.
pub(crate) struct Doc<'a> {
    pub entries: Vec<Entry<'a>>,
}

impl<'a> Doc<'a> {
    /// Flattens the whole tree under `root`.
    #[cfg(test)]
    pub(crate) fn new(root: &'a Element) -> Doc<'a> {
        Doc::pruned(root, &[])
    }

    /// Flattens the tree under `root` (without recursion), leaving out the content of elements
    /// off a fixed path: an element at depth `d < prefix.len()` (the root
    /// at depth 0) whose name is not `prefix[d]` becomes a leaf. Only valid
    /// for expressions that never look outside that path (see
    /// `scope::fixed_prefix`).
    pub(crate) fn pruned(root: &'a Element, prefix: &[&str]) -> Doc<'a> {
        let mut entries = Vec::with_capacity(64);
        entries.push(Entry {
            kind: Kind::Document,
            parent: NONE,
            end: 0,
            index: 0,
        });
        entries.push(Entry {
            kind: Kind::Element(root),
            parent: 0,
            end: 0,
            index: 0,
        });
        let mut stack: Vec<(usize, &'a Element, usize)> = Vec::new();
        if prefix.first().is_none_or(|n| *n == root.name) {
            stack.push((1, root, 0));
        } else {
            entries[1].end = 2;
        }
        while let Some(top) = stack.last_mut() {
            let (idx, el, next) = (top.0, top.1, top.2);
            if next < el.children.len() {
                top.2 += 1;
                let new_idx = entries.len();
                let kind = match &el.children[next] {
                    Node::Element(e) => Kind::Element(e),
                    Node::Text(t) => Kind::Text(t),
                    Node::Comment(c) => Kind::Comment(c),
                };
                entries.push(Entry {
                    kind,
                    parent: idx as u32,
                    end: (new_idx + 1) as u32,
                    index: next as u32,
                });
                if let Node::Element(e) = &el.children[next] {
                    // `stack.len()` is the depth of the new element.
                    let wanted = prefix.get(stack.len()).is_none_or(|n| *n == e.name);
                    if wanted {
                        stack.push((new_idx, e, 0));
                    }
                }
            } else {
                entries[idx].end = entries.len() as u32;
                stack.pop();
            }
        }
        entries[0].end = entries.len() as u32;
        Doc { entries }
    }

    pub(crate) fn entry(&self, i: u32) -> &Entry<'a> {
        &self.entries[i as usize]
    }

    pub(crate) fn len(&self) -> u32 {
        self.entries.len() as u32
    }

    /// The element at entry `i`, if it is one.
    pub(crate) fn element(&self, i: u32) -> Option<&'a Element> {
        match self.entry(i).kind {
            Kind::Element(e) => Some(e),
            _ => None,
        }
    }

    /// The children of entry `i`, in document order.
    pub(crate) fn children(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let end = self.entry(i).end;
        let mut c = i + 1;
        std::iter::from_fn(move || {
            if c < end {
                let here = c;
                c = self.entry(c).end;
                Some(here)
            } else {
                None
            }
        })
    }

    /// The parent of an item (the element owning an attribute).
    pub(crate) fn parent(&self, item: Item) -> Option<u32> {
        match item {
            Item::Node(i) => {
                let p = self.entry(i).parent;
                (p != NONE).then_some(p)
            }
            Item::Attr(e, _) => Some(e),
        }
    }

    /// The XPath string-value of an item.
    pub(crate) fn string_value(&self, item: Item) -> String {
        match item {
            Item::Attr(e, k) => self
                .element(e)
                .and_then(|el| el.attrs.get(k as usize))
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            Item::Node(i) => match self.entry(i).kind {
                Kind::Text(t) => t.to_string(),
                Kind::Comment(c) => c.to_string(),
                Kind::Document | Kind::Element(_) => {
                    let mut out = String::new();
                    for j in i + 1..self.entry(i).end {
                        if let Kind::Text(t) = self.entry(j).kind {
                            out.push_str(t);
                        }
                    }
                    out
                }
            },
        }
    }

    /// The name of an item: tag or attribute name, empty for other nodes.
    pub(crate) fn name(&self, item: Item) -> &'a str {
        match item {
            Item::Attr(e, k) => self
                .element(e)
                .and_then(|el| el.attrs.get(k as usize))
                .map_or("", |(n, _)| n.as_str()),
            Item::Node(i) => self.element(i).map_or("", |e| e.name.as_str()),
        }
    }

    /// The path of child indices from the root element to entry `i`
    /// (`None` for the document node).
    pub(crate) fn path(&self, i: u32) -> Option<NodePath> {
        if i == 0 {
            return None;
        }
        let mut indices = Vec::new();
        let mut c = i;
        while c > 1 {
            let e = self.entry(c);
            indices.push(e.index as usize);
            c = e.parent;
        }
        indices.reverse();
        Some(NodePath::from_indices(indices))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn flattens_in_document_order() {
        let root = parse("<a><b><c/>t</b><!--x--><d/></a>").unwrap();
        let doc = Doc::new(&root);
        assert_eq!(doc.len(), 7);
        assert_eq!(doc.children(0).collect::<Vec<_>>(), vec![1]);
        assert_eq!(doc.children(1).collect::<Vec<_>>(), vec![2, 5, 6]);
        assert_eq!(doc.children(2).collect::<Vec<_>>(), vec![3, 4]);
        assert_eq!(doc.string_value(Item::Node(1)), "t");
        assert_eq!(doc.path(6).unwrap().indices(), &[2]);
        assert_eq!(doc.path(4).unwrap().indices(), &[0, 1]);
        assert_eq!(doc.path(1).unwrap().indices(), &[] as &[usize]);
        assert!(Item::Node(2).key() < Item::Attr(2, 0).key());
        assert!(Item::Attr(2, 5).key() < Item::Node(3).key());
    }
}
