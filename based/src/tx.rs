//! A transaction on the CIB: changes made in place on the live tree and
//! recorded, so that they can be reported as one v2 patchset, checked
//! (schema, ACLs) by looking only at what changed, and undone.
//!
//! This plays the part of Pacemaker's change tracking (the `pcmk__xf_*`
//! flags on a tracked document) without copying the CIB: an operation on a
//! CIB of thousands of resources costs what it changes, not the size of
//! the CIB.
//!
//! Every entry keeps the path it was recorded at (valid again when the
//! later entries are undone, so undo replays the log backwards) and the
//! path where its node is now, after later insertions and removals, for
//! building the patchset.

use pcmk_common::xml::{Element, Node};
use pcmk_common::xpath::{NodePath, element_xpath};

/// One recorded change.
#[derive(Debug, Clone)]
enum Kind {
    /// The attributes of the element were these before the change.
    Attrs(Vec<(String, String)>),
    /// A node was inserted.
    Inserted,
    /// A node was removed; its XPath, (for comments) position and the
    /// names of its ancestors were taken before removal.
    Removed {
        xpath: String,
        position: Option<usize>,
        ancestors: Vec<String>,
        node: Node,
    },
    /// The whole document was replaced; this was the old one.
    Document(Element),
    /// The element and its ancestors count as changed although their
    /// content may be the same (a replaced object).
    Dirtied,
}

#[derive(Debug, Clone)]
struct Entry {
    kind: Kind,
    /// Path when recorded.
    at: Vec<usize>,
    /// Path now, or `None` when the node went away with a later removal.
    now: Option<Vec<usize>>,
}

/// Changes made to a document, in place and undoable.
#[derive(Debug)]
pub struct Tx<'a> {
    doc: &'a mut Element,
    log: Vec<Entry>,
}

/// A summary of the live changes of a transaction, in document order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Touched {
    /// Elements whose attributes changed, with their attributes before.
    pub attrs: Vec<(NodePath, Vec<(String, String)>)>,
    /// Nodes inserted (top-level only: not those inside another insertion).
    pub inserted: Vec<NodePath>,
    /// Nodes removed, in the order they were.
    pub removed: Vec<Removed>,
    /// The document was replaced; this was the old one.
    pub replaced: Option<Element>,
    /// Elements marked changed whatever their content (replaced objects).
    pub dirtied: Vec<NodePath>,
}

/// A node removed by a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// The path it had when removed.
    pub path: NodePath,
    /// Its XPath.
    pub xpath: String,
    /// Its position among its siblings, for comments.
    pub position: Option<usize>,
    /// Names of its ancestors, root first.
    pub ancestors: Vec<String>,
    /// Where its parent is now (`None` if the parent went too).
    pub parent_now: Option<NodePath>,
    /// The node.
    pub node: Node,
}

/// The number of element and comment siblings before child `index`, as
/// Pacemaker counts positions in patchsets.
pub fn position(parent: &Element, index: usize) -> usize {
    parent
        .children
        .iter()
        .take(index)
        .filter(|c| !matches!(c, Node::Text(_)))
        .count()
}

fn element_at<'e>(root: &'e Element, path: &[usize]) -> Option<&'e Element> {
    NodePath::from_indices(path.to_vec()).element(root)
}

fn element_at_mut<'e>(root: &'e mut Element, path: &[usize]) -> Option<&'e mut Element> {
    let mut el = root;
    for &i in path {
        match el.children.get_mut(i) {
            Some(Node::Element(e)) => el = e,
            _ => return None,
        }
    }
    Some(el)
}

impl<'a> Tx<'a> {
    /// Starts a transaction on `doc`.
    pub fn new(doc: &'a mut Element) -> Self {
        Tx {
            doc,
            log: Vec::new(),
        }
    }

    /// The document as it is now.
    pub fn doc(&self) -> &Element {
        self.doc
    }

    /// The element at `path`.
    pub fn element(&self, path: &NodePath) -> Option<&Element> {
        path.element(self.doc)
    }

    /// Whether anything changed.
    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }

    fn record(&mut self, kind: Kind, at: &[usize]) {
        self.log.push(Entry {
            kind,
            at: at.to_vec(),
            now: Some(at.to_vec()),
        });
    }

    /// Shifts the current paths of earlier entries after a node was
    /// inserted (`delta` 1) or removed (`delta` -1) at `at`.
    fn shift(&mut self, at: &[usize], inserted: bool) {
        let Some((&index, parent)) = at.split_last() else {
            return;
        };
        let depth = parent.len();
        for e in &mut self.log {
            // A removed node is only a gap among its siblings: all that
            // matters of its path is its parent's.
            let gap = matches!(e.kind, Kind::Removed { .. });
            let Some(now) = &mut e.now else { continue };
            if now.len() <= depth || now[..depth] != *parent || (gap && now.len() == depth + 1) {
                continue;
            }
            let i = now[depth];
            if inserted {
                if i >= index {
                    now[depth] += 1;
                }
            } else if i == index {
                e.now = None;
            } else if i > index {
                now[depth] -= 1;
            }
        }
    }

    /// Changes the attributes of the element at `path` with `f`; records
    /// the change if the attributes differ afterwards. Returns whether they
    /// do (`false` too when there is no element there).
    pub fn update_attrs(
        &mut self,
        path: &NodePath,
        f: impl FnOnce(&mut Vec<(String, String)>),
    ) -> bool {
        let Some(el) = element_at_mut(self.doc, path.indices()) else {
            return false;
        };
        let old = el.attrs.clone();
        f(&mut el.attrs);
        if el.attrs == old {
            return false;
        }
        self.record(Kind::Attrs(old), path.indices());
        true
    }

    /// Sets attribute `name` of the element at `path`.
    pub fn set_attr(&mut self, path: &NodePath, name: &str, value: &str) -> bool {
        self.update_attrs(path, |attrs| {
            match attrs.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => {
                    if slot.1 != value {
                        slot.1 = value.to_string();
                    }
                }
                None => attrs.push((name.to_string(), value.to_string())),
            }
        })
    }

    /// Removes attribute `name` of the element at `path`.
    pub fn remove_attr(&mut self, path: &NodePath, name: &str) -> bool {
        self.update_attrs(path, |attrs| attrs.retain(|(n, _)| n != name))
    }

    /// Inserts `node` as child `index` of the element at `parent` (clamped
    /// to the number of children); returns its path, or `None` when there
    /// is no element at `parent`.
    pub fn insert(&mut self, parent: &NodePath, index: usize, node: Node) -> Option<NodePath> {
        let el = element_at_mut(self.doc, parent.indices())?;
        let index = index.min(el.children.len());
        el.children.insert(index, node);
        let path = parent.child(index);
        self.shift(path.indices(), true);
        self.record(Kind::Inserted, path.indices());
        Some(path)
    }

    /// Appends `node` to the children of the element at `parent`.
    pub fn append(&mut self, parent: &NodePath, node: Node) -> Option<NodePath> {
        let n = element_at(self.doc, parent.indices())?.children.len();
        self.insert(parent, n, node)
    }

    /// Removes the node at `path` (not the root) and returns it.
    pub fn remove(&mut self, path: &NodePath) -> Option<Node> {
        let (&index, parent) = path.indices().split_last()?;
        let parent_el = element_at(self.doc, parent)?;
        let child = parent_el.children.get(index)?;
        let mut chain = NodePath::from_indices(parent.to_vec()).ancestry(self.doc)?;
        let ancestors: Vec<String> = chain.iter().map(|e| e.name.clone()).collect();
        let (xpath, position) = match child {
            Node::Element(e) => {
                chain.push(e);
                (element_xpath(chain), None)
            }
            Node::Comment(_) => (
                format!("{}/comment", element_xpath(chain)),
                Some(position(parent_el, index)),
            ),
            Node::Text(_) => (format!("{}/text", element_xpath(chain)), None),
        };
        let node = element_at_mut(self.doc, parent)?.children.remove(index);
        self.shift(path.indices(), false);
        self.record(
            Kind::Removed {
                xpath,
                position,
                ancestors,
                node: node.clone(),
            },
            path.indices(),
        );
        Some(node)
    }

    /// Replaces the whole document.
    pub fn replace_document(&mut self, new: Element) {
        let old = std::mem::replace(self.doc, new);
        for e in &mut self.log {
            e.now = None;
        }
        self.record(Kind::Document(old), &[]);
    }

    /// Marks the element at `path` (and so its ancestors) as changed even
    /// when its content stays the same, as Pacemaker does for an object
    /// replaced by a copy.
    pub fn mark_dirty(&mut self, path: &NodePath) {
        self.record(Kind::Dirtied, path.indices());
    }

    /// Undoes every change.
    pub fn rollback(self) {
        for e in self.log.into_iter().rev() {
            match e.kind {
                Kind::Attrs(old) => {
                    if let Some(el) = element_at_mut(self.doc, &e.at) {
                        el.attrs = old;
                    }
                }
                Kind::Inserted => {
                    if let Some((&i, parent)) = e.at.split_last() {
                        if let Some(p) = element_at_mut(self.doc, parent) {
                            if i < p.children.len() {
                                p.children.remove(i);
                            }
                        }
                    }
                }
                Kind::Removed { node, .. } => {
                    if let Some((&i, parent)) = e.at.split_last() {
                        if let Some(p) = element_at_mut(self.doc, parent) {
                            let i = i.min(p.children.len());
                            p.children.insert(i, node);
                        }
                    }
                }
                Kind::Document(old) => *self.doc = old,
                Kind::Dirtied => {}
            }
        }
    }

    /// Keeps every change.
    pub fn commit(self) {}

    /// The live changes, for checking them: attribute changes (merged per
    /// element, earliest old attributes kept), top-level insertions and
    /// removals, or the replaced document.
    pub fn touched(&self) -> Touched {
        let mut t = Touched::default();
        for e in &self.log {
            match &e.kind {
                Kind::Document(old) => t.replaced = Some(old.clone()),
                Kind::Dirtied => {
                    if let Some(now) = &e.now {
                        t.dirtied.push(NodePath::from_indices(now.clone()));
                    }
                }
                Kind::Removed {
                    xpath,
                    position,
                    ancestors,
                    node,
                } => t.removed.push(Removed {
                    path: NodePath::from_indices(e.at.clone()),
                    xpath: xpath.clone(),
                    position: *position,
                    ancestors: ancestors.clone(),
                    parent_now: e
                        .now
                        .as_ref()
                        .and_then(|n| NodePath::from_indices(n.clone()).parent()),
                    node: node.clone(),
                }),
                _ => {}
            }
        }
        let mut inserted: Vec<Vec<usize>> = self
            .log
            .iter()
            .filter(|e| matches!(e.kind, Kind::Inserted))
            .filter_map(|e| e.now.clone())
            .collect();
        inserted.sort();
        inserted.dedup();
        let mut top: Vec<Vec<usize>> = Vec::new();
        for p in inserted {
            if !top.iter().any(|q| p.starts_with(q)) {
                top.push(p);
            }
        }
        for e in &self.log {
            let (Kind::Attrs(old), Some(now)) = (&e.kind, &e.now) else {
                continue;
            };
            if top.iter().any(|q| now.starts_with(q)) {
                continue;
            }
            let path = NodePath::from_indices(now.clone());
            if !t.attrs.iter().any(|(p, _)| *p == path) {
                t.attrs.push((path, old.clone()));
            }
        }
        t.attrs.sort_by(|a, b| a.0.cmp(&b.0));
        t.inserted = top.into_iter().map(NodePath::from_indices).collect();
        t
    }

    /// Whether a change touched the configuration section (Pacemaker's
    /// test for bumping the epoch rather than `num_updates`).
    pub fn config_changed(&self) -> bool {
        let t = self.touched();
        let in_config = |p: &NodePath| {
            p.indices().first().is_some_and(|&i| {
                matches!(self.doc.children.get(i), Some(Node::Element(e)) if e.name == "configuration")
            })
        };
        if t.dirtied.iter().any(in_config) {
            return true;
        }
        if let Some(old) = &t.replaced {
            return old.child("configuration") != self.doc.child("configuration");
        }
        t.removed
            .iter()
            .any(|r| r.xpath.contains("/cib/configuration"))
            || t.inserted.iter().any(in_config)
            || t.attrs.iter().any(|(p, _)| in_config(p))
    }

    /// The patchset describing the live changes (deletions first, then
    /// creations and modifications in document order), as Pacemaker builds
    /// it; `source` and `target` are the `<cib>` elements (or any element
    /// carrying the version attributes) before and after.
    ///
    /// A replaced document is described by `diff`, which compares the old
    /// and new documents.
    pub fn patchset(
        &self,
        source: &Element,
        diff: impl FnOnce(&Element, &Element) -> Vec<Element>,
    ) -> Element {
        let mut patch = Element::new("diff").with_attr("format", "2");
        patch.push(crate::changes::version_element(source, self.doc));
        let t = self.touched();
        if let Some(old) = &t.replaced {
            for change in diff(old, self.doc) {
                patch.push(change);
            }
            return patch;
        }
        for r in &t.removed {
            let mut change = Element::new("change")
                .with_attr("operation", "delete")
                .with_attr("path", r.xpath.clone());
            if let Some(p) = r.position {
                change.set_attr("position", p.to_string());
            }
            patch.push(change);
        }
        let mut items: Vec<(&NodePath, bool)> = t
            .attrs
            .iter()
            .map(|(p, _)| (p, false))
            .chain(t.inserted.iter().map(|p| (p, true)))
            .collect();
        items.sort_by(|a, b| a.0.cmp(b.0));
        for (path, is_insert) in items {
            let change = if is_insert {
                crate::changes::create_change(self.doc, path)
            } else {
                let old = t
                    .attrs
                    .iter()
                    .find(|(p, _)| p == path)
                    .map(|(_, old)| old.as_slice())
                    .unwrap_or_default();
                crate::changes::modify_change(self.doc, path, old)
            };
            if let Some(c) = change {
                patch.push(c);
            }
        }
        patch
    }
}

#[cfg(test)]
mod tests;
