//! Resolving `id-ref` attributes: an element such as
//! `<rule id-ref="r1"/>` stands for the element of the same name with
//! `id="r1"` elsewhere in the document.

use std::collections::HashMap;

use crate::xml::Element;

/// Finds elements by name and ID for `id-ref` resolution.
pub trait IdRefs {
    /// The element named `element` whose `id` is `id`.
    fn find(&self, element: &str, id: &str) -> Option<&Element>;
}

/// Searching a whole document (depth first, first match).
impl IdRefs for Element {
    fn find(&self, element: &str, id: &str) -> Option<&Element> {
        self.descendants()
            .find(|e| e.name == element && e.id() == Some(id))
    }
}

/// No document: every `id-ref` is dangling.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoIdRefs;

impl IdRefs for NoIdRefs {
    fn find(&self, _element: &str, _id: &str) -> Option<&Element> {
        None
    }
}

/// An index of a document's elements by `(name, id)`, built once, for
/// callers that resolve many references.
#[derive(Debug, Default)]
pub struct IdIndex<'a> {
    by_id: HashMap<(&'a str, &'a str), &'a Element>,
}

impl<'a> IdIndex<'a> {
    /// Indexes every element of `root` that has an `id` (the first of
    /// duplicates wins, as a document-order search would find it).
    pub fn new(root: &'a Element) -> IdIndex<'a> {
        let mut by_id = HashMap::new();
        for e in root.descendants() {
            if let Some(id) = e.id() {
                by_id.entry((e.name.as_str(), id)).or_insert(e);
            }
        }
        IdIndex { by_id }
    }
}

impl IdRefs for IdIndex<'_> {
    fn find(&self, element: &str, id: &str) -> Option<&Element> {
        self.by_id.get(&(element, id)).copied()
    }
}

/// The element `xml` stands for: itself, or the element its `id-ref`
/// names. `Err` holds the dangling reference.
pub fn resolve_idref<'a>(xml: &'a Element, refs: &'a dyn IdRefs) -> Result<&'a Element, String> {
    match xml.attr("id-ref") {
        None => Ok(xml),
        Some(r) => refs.find(&xml.name, r).ok_or_else(|| r.to_string()),
    }
}
