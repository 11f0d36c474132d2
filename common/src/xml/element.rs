//! The element and node types.

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A nested element.
    Element(Element),
    /// Character data (never whitespace-only after parsing).
    Text(String),
    /// A comment, without its `<!--` `-->` markers.
    Comment(String),
}

/// An XML element: a name, attributes in document order, and children.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// The tag name.
    pub name: String,
    /// Attributes as `(name, value)` pairs, in document order, values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Child nodes in document order.
    pub children: Vec<Node>,
}

impl Element {
    /// A new element with no attributes and no children.
    pub fn new(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Builder form of [`Element::set_attr`].
    #[must_use]
    pub fn with_attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set_attr(name, value);
        self
    }

    /// Builder form of [`Element::push`].
    #[must_use]
    pub fn with_child(mut self, child: Element) -> Self {
        self.push(child);
        self
    }

    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether attribute `name` is present.
    pub fn has_attr(&self, name: &str) -> bool {
        self.attrs.iter().any(|(n, _)| n == name)
    }

    /// The `id` attribute.
    pub fn id(&self) -> Option<&str> {
        self.attr("id")
    }

    /// Sets attribute `name`, keeping its position if it already exists and
    /// appending it otherwise.
    pub fn set_attr(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        match self.attrs.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((name, value)),
        }
    }

    /// Removes attribute `name`, returning its value.
    pub fn remove_attr(&mut self, name: &str) -> Option<String> {
        let pos = self.attrs.iter().position(|(n, _)| n == name)?;
        Some(self.attrs.remove(pos).1)
    }

    /// Child elements, skipping text and comments.
    pub fn elements(&self) -> impl DoubleEndedIterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// Child elements, mutably.
    pub fn elements_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|c| match c {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// Child elements named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.elements().filter(move |e| e.name == name)
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The first child element named `name`, mutably.
    pub fn child_mut(&mut self, name: &str) -> Option<&mut Element> {
        self.elements_mut().find(|e| e.name == name)
    }

    /// The first child element named `name`, created (appended) if missing.
    pub fn child_or_insert(&mut self, name: &str) -> &mut Element {
        let pos = self
            .children
            .iter()
            .position(|c| matches!(c, Node::Element(e) if e.name == name));
        let idx = match pos {
            Some(i) => i,
            None => {
                self.children.push(Node::Element(Element::new(name)));
                self.children.len() - 1
            }
        };
        match &mut self.children[idx] {
            Node::Element(e) => e,
            // The index was chosen among element nodes just above.
            _ => unreachable!("child_or_insert picked a non-element node"),
        }
    }

    /// The child element with tag `name` and `id` attribute `id`.
    pub fn child_by_id(&self, name: &str, id: &str) -> Option<&Element> {
        self.elements()
            .find(|e| e.name == name && e.id() == Some(id))
    }

    /// Appends a child element.
    pub fn push(&mut self, child: Element) {
        self.children.push(Node::Element(child));
    }

    /// Number of child elements.
    pub fn element_count(&self) -> usize {
        self.elements().count()
    }

    /// The concatenated text of the direct text children.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.children {
            if let Node::Text(t) = c {
                out.push_str(t);
            }
        }
        out
    }

    /// Removes the child elements for which `f` returns false; text and
    /// comments stay.
    pub fn retain_elements(&mut self, mut f: impl FnMut(&Element) -> bool) {
        self.children.retain(|c| match c {
            Node::Element(e) => f(e),
            _ => true,
        });
    }

    /// Visits this element and every descendant element, depth first, in
    /// document order.
    pub fn descendants(&self) -> Descendants<'_> {
        Descendants { stack: vec![self] }
    }

    /// Finds the first element (this one or a descendant) with `id` attribute `id`.
    pub fn find_id(&self, id: &str) -> Option<&Element> {
        self.descendants().find(|e| e.id() == Some(id))
    }
}

/// Depth-first iterator over an element and its descendants.
#[derive(Debug)]
pub struct Descendants<'a> {
    stack: Vec<&'a Element>,
}

impl<'a> Iterator for Descendants<'a> {
    type Item = &'a Element;

    fn next(&mut self) -> Option<&'a Element> {
        let e = self.stack.pop()?;
        self.stack.extend(e.elements().rev());
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attrs_keep_order_and_position() {
        let mut e = Element::new("nvpair")
            .with_attr("id", "a")
            .with_attr("name", "n")
            .with_attr("value", "1");
        e.set_attr("name", "m");
        assert_eq!(
            e.attrs.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["id", "name", "value"]
        );
        assert_eq!(e.remove_attr("name").as_deref(), Some("m"));
        assert_eq!(e.attr("name"), None);
    }

    #[test]
    fn descendants_in_document_order() {
        let t = Element::new("a")
            .with_child(Element::new("b").with_child(Element::new("c")))
            .with_child(Element::new("d"));
        let names: Vec<_> = t.descendants().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
    }
}
