//! The parts of a v2 patchset that describe tracked changes: the version
//! header, creations and attribute modifications (deletions are a bare
//! path), laid out as Pacemaker lays them out.

use pcmk_common::xml::{Element, Node};
use pcmk_common::xpath::NodePath;

use crate::tx::position;

const VERSION_FIELDS: [&str; 3] = ["admin_epoch", "epoch", "num_updates"];

/// `<version><source .../><target .../></version>` from the version
/// attributes of `source` and `target` (missing ones as `1`).
pub fn version_element(source: &Element, target: &Element) -> Element {
    let fields = |name: &str, from: &Element| {
        let mut e = Element::new(name);
        for f in VERSION_FIELDS {
            e.set_attr(f, from.attr(f).unwrap_or("1"));
        }
        e
    };
    Element::new("version")
        .with_child(fields("source", source))
        .with_child(fields("target", target))
}

/// A `create` change for the node at `path` (its parent's XPath, its
/// position, a copy of it).
pub fn create_change(doc: &Element, path: &NodePath) -> Option<Element> {
    let parent = path.parent()?;
    let index = path.last_index()?;
    let parent_el = parent.element(doc)?;
    let node = parent_el.children.get(index)?;
    let mut change = Element::new("change")
        .with_attr("operation", "create")
        .with_attr("path", parent.xpath(doc)?)
        .with_attr("position", position(parent_el, index).to_string());
    change.children.push(node.clone());
    Some(change)
}

/// A `modify` change for the element at `path` whose attributes were
/// `old`: the attributes set or unset (in the element's attribute order,
/// removed ones where they stood, new ones last) and the resulting
/// attributes; `None` when nothing differs.
pub fn modify_change(doc: &Element, path: &NodePath, old: &[(String, String)]) -> Option<Element> {
    let el = path.element(doc)?;
    let mut list = Element::new("change-list");
    for (name, value) in old {
        match el.attr(name) {
            Some(v) if v == value => {}
            Some(v) => list.push(set_attr(name, v)),
            None => list.push(
                Element::new("change-attr")
                    .with_attr("name", name.clone())
                    .with_attr("operation", "unset"),
            ),
        }
    }
    for (name, value) in &el.attrs {
        if !old.iter().any(|(n, _)| n == name) {
            list.push(set_attr(name, value));
        }
    }
    if list.children.is_empty() {
        return None;
    }
    let mut result = Element::new(el.name.clone());
    result.attrs = el.attrs.clone();
    let mut change = Element::new("change")
        .with_attr("operation", "modify")
        .with_attr("path", path.xpath(doc)?);
    change.push(list);
    change.push(Element::new("change-result").with_child(result));
    Some(change)
}

fn set_attr(name: &str, value: &str) -> Element {
    Element::new("change-attr")
        .with_attr("name", name)
        .with_attr("operation", "set")
        .with_attr("value", value)
}

/// Removes every text node from the tree, as Pacemaker strips text from
/// CIB documents before working on them.
pub fn strip_text(el: &mut Element) {
    el.children.retain(|c| !matches!(c, Node::Text(_)));
    for c in el.elements_mut() {
        strip_text(c);
    }
}
