//! Addressing nodes of a tree by position, and Pacemaker's canonical XPath
//! of an element.

use crate::xml::{Element, Node};

/// Where a node sits in a tree: the index in `children` at each level, from
/// the root element down. The empty path is the root element itself.
///
/// Paths order as the nodes do in the document, so sorting paths sorts
/// nodes into document order. Indices count every child node (elements,
/// text and comments), so `path.indices()` can be used directly on
/// [`Element::children`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodePath(Vec<usize>);

impl NodePath {
    /// The path of the root element.
    pub fn root() -> NodePath {
        NodePath(Vec::new())
    }

    /// A path from its indices, root first.
    pub fn from_indices(indices: Vec<usize>) -> NodePath {
        NodePath(indices)
    }

    /// The indices, root first.
    pub fn indices(&self) -> &[usize] {
        &self.0
    }

    /// Whether this is the root element's path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The parent's path (`None` for the root).
    pub fn parent(&self) -> Option<NodePath> {
        let (_, head) = self.0.split_last()?;
        Some(NodePath(head.to_vec()))
    }

    /// The index of this node among its parent's children (`None` for the
    /// root).
    pub fn last_index(&self) -> Option<usize> {
        self.0.last().copied()
    }

    /// The path of child `index` of this node.
    pub fn child(&self, index: usize) -> NodePath {
        let mut v = self.0.clone();
        v.push(index);
        NodePath(v)
    }

    /// Whether this path is a strict ancestor of `other`.
    pub fn is_ancestor_of(&self, other: &NodePath) -> bool {
        other.0.len() > self.0.len() && other.0.starts_with(&self.0)
    }

    /// The child node at this path (`None` for the root, which is not a
    /// child, or when the path leads nowhere).
    pub fn node<'a>(&self, root: &'a Element) -> Option<&'a Node> {
        let (last, head) = self.0.split_last()?;
        NodePath(head.to_vec()).element(root)?.children.get(*last)
    }

    /// The element at this path.
    pub fn element<'a>(&self, root: &'a Element) -> Option<&'a Element> {
        let mut el = root;
        for &i in &self.0 {
            match el.children.get(i) {
                Some(Node::Element(e)) => el = e,
                _ => return None,
            }
        }
        Some(el)
    }

    /// The element at this path, mutably.
    pub fn element_mut<'a>(&self, root: &'a mut Element) -> Option<&'a mut Element> {
        let mut el = root;
        for &i in &self.0 {
            match el.children.get_mut(i) {
                Some(Node::Element(e)) => el = e,
                _ => return None,
            }
        }
        Some(el)
    }

    /// The elements from the root down to the node's parent (or to the
    /// element itself when the path leads to an element).
    pub fn ancestry<'a>(&self, root: &'a Element) -> Option<Vec<&'a Element>> {
        let mut chain = vec![root];
        let mut el = root;
        for &i in &self.0 {
            match el.children.get(i)? {
                Node::Element(e) => {
                    chain.push(e);
                    el = e;
                }
                _ => return Some(chain),
            }
        }
        Some(chain)
    }

    /// Pacemaker's canonical XPath of the node at this path (see
    /// [`element_xpath`]); a comment is addressed as `.../comment`, a text
    /// node as `.../text`.
    pub fn xpath(&self, root: &Element) -> Option<String> {
        let chain = self.ancestry(root)?;
        let mut out = element_xpath(chain.iter().copied());
        match self.node(root) {
            Some(Node::Comment(_)) => out.push_str("/comment"),
            Some(Node::Text(_)) => out.push_str("/text"),
            _ => {}
        }
        Some(out)
    }
}

/// Pacemaker's canonical XPath of an element, given the elements from the
/// root down to it: each level's tag, followed by `[@id='ID']` when the
/// element has an `id` (`/cib/configuration/resources/primitive[@id='d']`).
///
/// This is the form v2 patchsets use in `path` and the one `cibadmin
/// --node-path` prints. IDs are not escaped, as Pacemaker does not escape
/// them either.
pub fn element_xpath<'a>(ancestry: impl IntoIterator<Item = &'a Element>) -> String {
    let mut out = String::with_capacity(128);
    for el in ancestry {
        push_step(&mut out, el);
    }
    out
}

/// Appends `/name[@id='ID']` for `el` to `out`.
pub(crate) fn push_step(out: &mut String, el: &Element) {
    out.push('/');
    out.push_str(&el.name);
    if let Some(id) = el.id() {
        out.push_str("[@id='");
        out.push_str(id);
        out.push_str("']");
    }
}

/// Removes the nodes at `paths` from the tree under `root` and returns them
/// in document order. Paths that lead nowhere, the root path, and paths
/// inside a subtree removed along with an ancestor are skipped. Removal runs
/// in reverse document order, so every path stays valid while it runs.
pub fn remove_nodes(root: &mut Element, paths: &[NodePath]) -> Vec<Node> {
    let mut sorted: Vec<&NodePath> = paths.iter().filter(|p| !p.is_root()).collect();
    sorted.sort();
    sorted.dedup();
    // Keep only paths with no removed ancestor.
    let mut kept: Vec<&NodePath> = Vec::with_capacity(sorted.len());
    for p in sorted {
        if kept.last().is_none_or(|k| !k.is_ancestor_of(p)) {
            kept.push(p);
        }
    }
    let mut removed = Vec::with_capacity(kept.len());
    for p in kept.into_iter().rev() {
        let Some((last, head)) = p.0.split_last() else {
            continue;
        };
        if let Some(parent) = NodePath(head.to_vec()).element_mut(root) {
            if *last < parent.children.len() {
                removed.push(parent.children.remove(*last));
            }
        }
    }
    removed.reverse();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn resolves_and_names_nodes() {
        let root = parse(
            "<cib><configuration><resources><!--c--><primitive id='d'><op/></primitive></resources></configuration></cib>",
        )
        .unwrap();
        let p = NodePath::from_indices(vec![0, 0, 1]);
        assert_eq!(p.element(&root).unwrap().id(), Some("d"));
        assert_eq!(
            p.xpath(&root).unwrap(),
            "/cib/configuration/resources/primitive[@id='d']"
        );
        assert_eq!(
            NodePath::from_indices(vec![0, 0, 0]).xpath(&root).unwrap(),
            "/cib/configuration/resources/comment"
        );
        assert_eq!(NodePath::root().xpath(&root).unwrap(), "/cib");
        assert!(
            NodePath::from_indices(vec![0, 0, 0, 0])
                .element(&root)
                .is_none()
        );
        assert!(NodePath::from_indices(vec![5]).xpath(&root).is_none());
        assert!(NodePath::root().is_ancestor_of(&p));
        assert!(!p.is_ancestor_of(&p));
    }

    #[test]
    fn removes_in_reverse_order() {
        let mut root = parse("<a><b/><c><d/></c><e/></a>").unwrap();
        let removed = remove_nodes(
            &mut root,
            &[
                NodePath::from_indices(vec![2]),
                NodePath::from_indices(vec![1, 0]),
                NodePath::from_indices(vec![1]),
                NodePath::from_indices(vec![0]),
                NodePath::from_indices(vec![9]),
                NodePath::root(),
            ],
        );
        assert_eq!(removed.len(), 3);
        assert_eq!(root.to_compact(), "<a/>");
    }
}
